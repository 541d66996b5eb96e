// The statement engine behind `jitexpr -c`, `jitexpr FILE`, piped input and the REPL: variables,
// assignments, expressions, array constructors, .npy files and magics. It writes results to one
// stream and errors to another; the terminal front end (the REPL) only adds line editing.
#pragma once

#include <jitexpr/jitexpr.h>

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace jitexpr::tools {

class Session {
 public:
  Session(std::ostream& out, std::ostream& err, RuntimeOptions options = {});

  // Runs the statements of `text` (separated by newlines or ';'). A failing statement prints its
  // error; with stop_on_error the rest of `text` is skipped. Returns false if any statement failed.
  bool run(std::string_view text, bool stop_on_error);

  // True once %quit ran.
  bool quit_requested() const { return quit_; }

  Runtime& runtime() { return runtime_; }
  const Bindings& variables() const { return vars_; }

 private:
  void statement(std::string_view text);
  void magic(std::string_view text);
  Value evaluate(std::string_view text);
  Value call_builtin(std::string_view text, const struct SessionCall& call);
  void assign(const std::string& name, Value v);

  std::ostream& out_;
  std::ostream& err_;
  Runtime runtime_;
  Bindings vars_;
  bool quit_ = false;
};

// Splits text into statements at newlines and at ';' outside brackets and strings.
std::vector<std::string> split_statements(std::string_view text);

}  // namespace jitexpr::tools
