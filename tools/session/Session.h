// The statement engine behind `jitexpr -c`, `jitexpr FILE`, piped input and the REPL: variables,
// assignments, expressions, array constructors, .npy files and magics. It writes results to one
// stream and errors to another; the terminal front end (the REPL) only adds line editing.
#pragma once

#include "frontend/Ast.h"
#include "frontend/Source.h"

#include <jitexpr/jitexpr.h>

#include <atomic>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace jitexpr::tools {

// Thrown when the interrupt flag is seen between statements or repetitions (Ctrl-C in the REPL).
// Not a jitexpr::Error: the library has no such kind yet.
class KeyboardInterrupt : public std::runtime_error {
 public:
  KeyboardInterrupt() : std::runtime_error("KeyboardInterrupt") {}
  // With where it stopped: "<stdin>:4:5: KeyboardInterrupt: interrupted in spin()", the line and a caret.
  explicit KeyboardInterrupt(const std::string& where) : std::runtime_error(where) {}
};

// A call in a statement that the session runs itself (a constructor, a kernel), with its text.
struct SessionCall {
  const Source& src;
  const ast::Call& call;
};

class Session {
 public:
  Session(std::ostream& out, std::ostream& err, RuntimeOptions options = {});

  // Runs the statements of `text` (separated by newlines or ';'; a `def` or other block runs as
  // one). A failing statement prints its error; with stop_on_error the rest of `text` is skipped.
  // An interrupt prints "KeyboardInterrupt", clears the flag and skips the rest. Returns false if
  // any statement failed or was interrupted.
  bool run(std::string_view text, bool stop_on_error);

  // A flag that a signal handler sets (Ctrl-C): checked between statements, between the runs of
  // %timeit and the statements of %load, and by the runtime between blocks of work. Null: never
  // interrupted.
  // The runtime checks it too, between blocks of a long evaluation or prange loop.
  void set_interrupt_flag(std::atomic<bool>* flag) {
    interrupt_ = flag;
    runtime_.set_interrupt_flag(flag);
  }

  // True once a run was interrupted (jitexpr -c and scripts then exit with status 130).
  bool interrupted() const { return interrupted_; }

  // True once %quit ran.
  bool quit_requested() const { return quit_; }

  Runtime& runtime() { return runtime_; }
  const Bindings& variables() const { return vars_; }

 private:
  friend struct SessionMagics;  // Magics.cpp

  void unit(std::string_view text);
  void statement(std::string_view text);
  void timed_statement(std::string_view text);
  void block(std::string_view text);
  void magic(std::string_view text);
  void timeit(std::string_view stmt, std::int64_t loops, int repeats);
  void load_file(const std::string& path);
  void check_interrupt();
  Value evaluate(std::string_view text);
  Value call_builtin(std::string_view text, const SessionCall& call);
  // Kernels: `def` blocks and imports collect into one module, compiled again with each block so
  // that later defs can call earlier ones; a later def of a name replaces the earlier one.
  bool is_kernel(std::string_view name) const;
  Value call_kernel(std::string_view text, const SessionCall& call);
  std::vector<Value> kernel_args(std::string_view text, const SessionCall& call);
  void define_kernels(const std::string& text);
  void assign(const std::string& name, Value v);

  std::ostream& out_;
  std::ostream& err_;
  Runtime runtime_;
  Bindings vars_;
  bool quit_ = false;
  bool interrupted_ = false;
  bool timing_ = false;  // %timing on: a line of phase times after each statement
  double parse_ms_ = 0;  // the session's own parsing, summed over the statement being timed
  std::atomic<bool>* interrupt_ = nullptr;
  std::vector<std::pair<std::string, std::string>> kernel_defs_;  // name, source text
  std::vector<std::string> kernel_imports_;
  std::optional<Module> module_;
};

// Splits text into statements at newlines and at ';' outside brackets and strings; a block
// (InputBuffer.h's is_block) stays one statement with its newlines.
std::vector<std::string> split_statements(std::string_view text);

}  // namespace jitexpr::tools
