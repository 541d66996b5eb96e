// The magics of the session (%time, %ir, %cache, ...): one table, which %help is made from.
#include "tools/session/Session.h"

#include "frontend/ModuleParser.h"
#include "frontend/Parser.h"
#include "tools/session/SessionText.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

namespace jitexpr::tools {

namespace {

// One magic as written: `%name argument`, with the positions of both for error carets.
struct MagicText {
  std::string_view text;
  std::string_view name;
  std::string_view arg;
  SourceRange name_range;
  SourceRange arg_range;

  explicit MagicText(std::string_view t) : text(t) {
    std::size_t sp = std::min(t.find_first_of(" \t"), t.size());
    name = t.substr(1, sp - 1);
    name_range = {0, static_cast<std::uint32_t>(sp)};
    std::size_t b = std::min(t.find_first_not_of(" \t", sp), t.size());
    arg = t.substr(b);
    arg_range = {static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(t.size())};
  }
  [[noreturn]] void fail(SourceRange r, std::string message) const {
    throw ValueError(std::move(message), "<stmt>", std::string(text), r);
  }
  void need_arg(std::string_view what) const {
    if (arg.empty()) fail({name_range.end, name_range.end + 1}, fmt::format("%{} needs {}; %help explains it", name, what));
  }
  void no_arg() const {
    if (!arg.empty()) fail(arg_range, fmt::format("%{} takes no argument", name));
  }
};

// `-n LOOPS` / `-r REPEATS` in front of %timeit's statement (IPython's spelling).
struct TimeitOptions {
  std::int64_t loops = 0;  // 0: chosen so that one repeat takes at least 20 ms
  int repeats = 7;
  std::string_view stmt;
};

TimeitOptions timeit_options(const MagicText& m) {
  TimeitOptions o;
  std::string_view rest = m.arg;
  while (rest.size() > 3 && rest[0] == '-' && (rest[1] == 'n' || rest[1] == 'r') && (rest[2] == ' ' || rest[2] == '\t')) {
    char flag = rest[1];
    std::size_t b = rest.find_first_not_of(" \t", 2);
    std::size_t e = std::min(rest.find_first_of(" \t", b), rest.size());
    std::string number(rest.substr(b, e - b));
    auto at = static_cast<std::uint32_t>(m.text.size() - rest.size() + b);
    char* end = nullptr;
    long long v = std::strtoll(number.c_str(), &end, 10);
    if (number.empty() || *end != '\0' || v < 1 || v > 1'000'000'000) {
      m.fail({at, at + static_cast<std::uint32_t>(std::max<std::size_t>(number.size(), 1))},
             fmt::format("%timeit -{} needs a count from 1 to 1000000000, not '{}'", flag, number));
    }
    if (flag == 'n') o.loops = v;
    else o.repeats = static_cast<int>(v);
    rest = trim(rest.substr(e));
  }
  o.stmt = rest;
  return o;
}

// One line of %cache: the key, its hits, the code it started on and what that cost by phase, and
// the optimized code compiled later in the background.
std::string describe_entry(const CacheEntryStats& e) {
  const char* first = e.first_tier == CodeTier::Fast ? "fast" : "optimized";
  std::string line = fmt::format("{}  hits {}  {} code ", e.key, e.hits, first);
  if (e.from_disk) {
    line += fmt::format("loaded from disk in {:.3f} ms", e.compile_ms());
  } else {
    line += fmt::format(
        "compiled in {:.3f} ms (parse {:.3f}, infer {:.3f}, passes {:.3f}, llvm ir {:.3f}, optimize {:.3f}, codegen {:.3f}, "
        "link {:.3f})",
        e.compile_ms(), e.parse_ms, e.infer_ms, e.passes_ms, e.irgen_ms, e.optimize_ms, e.codegen_ms, e.link_ms);
  }
  if (e.first_tier == CodeTier::Fast && e.tier == CodeTier::Optimized) {
    line += fmt::format("; optimized code compiled in the background in {:.3f} ms", e.tier_up_ms);
  }
  return line;
}

// One magic: its names, how it is written and what it does (for %help), and its code.
struct Magic {
  std::vector<std::string_view> names;
  std::string_view usage;
  std::string_view help;  // a second line of help, if any, after a '\n'
  void (*run)(Session& s, const MagicText& m);
};

}  // namespace

// The magics, each a function with access to the session.
struct SessionMagics {
  static void quit(Session& s, const MagicText& m) {
    m.no_arg();
    s.quit_ = true;
  }

  static void help(Session& s, const MagicText& m);

  static void time(Session& s, const MagicText& m) {
    m.need_arg("a statement");
    auto t0 = std::chrono::steady_clock::now();
    s.statement(m.arg);
    s.out_ << "time: " << format_duration(ms_since(t0)) << '\n';
  }

  static void timeit(Session& s, const MagicText& m) {
    m.need_arg("a statement");
    TimeitOptions o = timeit_options(m);
    if (o.stmt.empty()) {
      auto end = static_cast<std::uint32_t>(m.text.size());
      m.fail({end, end + 1}, "%timeit needs a statement after its options");
    }
    s.timeit(o.stmt, o.loops, o.repeats);
  }

  static void timing(Session& s, const MagicText& m) {
    if (m.arg.empty()) {
      s.out_ << "timing " << (s.timing_ ? "on" : "off") << '\n';
    } else if (m.arg == "on" || m.arg == "off") {
      s.timing_ = m.arg == "on";
    } else {
      m.fail(m.arg_range, fmt::format("%timing needs 'on' or 'off', not '{}'", m.arg));
    }
  }

  // %ir, %llvm and %asm: the code of an expression's specialization, or of a kernel call's.
  static void code(Session& s, const MagicText& m) {
    m.need_arg("an expression");
    std::string expr(m.arg);
    Source src{"<expr>", expr};
    ast::ExprPtr e = parse_expression(src);
    const std::string_view name = m.name;
    if (const auto* call = e->as<ast::Call>(); call && call->prefix.empty() && s.is_kernel(call->callee)) {
      std::vector<Value> args = s.kernel_args(expr, SessionCall{src, *call});
      Function f = (*s.module_)(call->callee);
      s.out_ << (name == "ir" ? f.dump_ir(args) : name == "llvm" ? f.dump_llvm(args) : f.dump_asm(args));
      return;
    }
    if (name == "ir") s.out_ << s.runtime_.dump_ir(expr, s.vars_);
    else if (name == "llvm") s.out_ << s.runtime_.dump_llvm(expr, s.vars_);
    else s.out_ << s.runtime_.dump_asm(expr, s.vars_);
  }

  static void cache(Session& s, const MagicText& m) {
    m.no_arg();
    RuntimeStats st = s.runtime_.stats();
    std::ostream& out = s.out_;
    out << fmt::format("in-memory cache: {} entries, {} hits, {} misses, {} evictions\n", st.entries.size(), st.hits,
                       st.misses, st.evictions);
    if (st.disk_enabled) {
      out << fmt::format("disk cache: {} entries, {:.1f} KiB in {}; this session: {} hits, {} misses, {} damaged entries replaced\n",
                         st.disk_entries, static_cast<double>(st.disk_bytes) / 1024, st.disk_dir, st.disk_hits,
                         st.disk_misses, st.disk_errors);
    } else {
      out << "disk cache: off\n";
    }
    for (const CacheEntryStats& e : st.entries) out << "  " << describe_entry(e) << '\n';
    out << fmt::format("kernel specializations: {} compiled, {:.3f} ms\n", st.kernel_compiles, st.kernel_compile_ms);
    out << "code compiled for: " << st.target << '\n';
  }

  static void threads(Session& s, const MagicText& m) {
    if (m.arg.empty()) {
      s.out_ << s.runtime_.num_threads() << " threads\n";
      return;
    }
    std::string a(m.arg);
    char* end = nullptr;
    long v = std::strtol(a.c_str(), &end, 10);
    if (end == a.c_str() || *end != '\0' || v < 1 || v > 4096) {
      m.fail(m.arg_range, fmt::format("%threads needs a thread count from 1 to 4096, not '{}'", a));
    }
    int n = static_cast<int>(v);
    s.runtime_.set_num_threads(n);
    s.out_ << n << " thread" << (n == 1 ? "" : "s") << '\n';
  }

  static void load(Session& s, const MagicText& m) {
    m.need_arg("a file name");
    std::string path(m.arg);
    if (path.size() >= 2 && (path[0] == '"' || path[0] == '\'') && path.back() == path[0]) path = path.substr(1, path.size() - 2);
    std::ifstream probe(path);
    if (!probe) m.fail(m.arg_range, fmt::format("cannot open '{}'", path));
    s.load_file(path);
  }

  static void who(Session& s, const MagicText& m) {
    m.no_arg();
    if (s.vars_.empty()) s.out_ << "no variables\n";
    for (const auto& [n, v] : s.vars_) {
      Array a = v.array();
      s.out_ << fmt::format("{}  {}\n", n, a.describe());
    }
  }
};

namespace {

const std::vector<Magic>& magics() {
  using M = SessionMagics;
  static const std::vector<Magic> table = {
      {{"time"}, "%time STMT", "run once and print the time", M::time},
      {{"timeit"}, "%timeit [-n LOOPS] [-r REPEATS] STMT", "run repeatedly; print the best and median time per run", M::timeit},
      {{"timing"}, "%timing on|off", "after each statement, print its parse, compile and run times", M::timing},
      {{"ir"}, "%ir EXPR", "the typed IR of the expression's (or kernel call's) specialization", M::code},
      {{"llvm"}, "%llvm EXPR", "its optimized LLVM IR", M::code},
      {{"asm"}, "%asm EXPR", "its host assembly", M::code},
      {{"cache"}, "%cache", "compiled-code cache: entries, hits, misses, compile times, target CPU", M::cache},
      {{"threads"}, "%threads [N]", "show or set the number of threads", M::threads},
      {{"load"}, "%load FILE", "define the kernels of a file of defs, or run a script of statements", M::load},
      {{"who"}, "%who", "variables with their dtype and shape", M::who},
      {{"help"}, "%help", "this text", M::help},
      {{"quit", "exit"}, "%quit", "leave (also Ctrl-D)", M::quit},
  };
  return table;
}

}  // namespace

void SessionMagics::help(Session& s, const MagicText& m) {
  m.no_arg();
  s.out_ << "Statements: an expression (prints its value), NAME = EXPRESSION, and the constructors\n"
            "  arange(n), arange(start, stop, step), linspace(start, stop, num), zeros(shape), ones(shape),\n"
            "  empty(shape), full(shape, value), random(shape, seed=S), load(\"x.npy\"), save(\"y.npy\", expr);\n"
            "  constructors take dtype=float32 and the like. Separate statements with ';' or new lines.\n"
            "Kernels: a def block (ended by a blank line) and import lines define kernels; a call such as\n"
            "  f(a, 3) runs one (also inside an expression); %load FILE defines a file of defs.\n"
            "Magics:\n";
  // The usage in a column of 15, or on a line of its own when it is wider.
  constexpr std::size_t kColumn = 15;
  for (const Magic& magic : magics()) {
    if (magic.usage.size() < kColumn) {
      s.out_ << fmt::format("  {:<{}}{}\n", magic.usage, kColumn, magic.help);
    } else {
      s.out_ << fmt::format("  {}\n  {:<{}}{}\n", magic.usage, "", kColumn, magic.help);
    }
  }
}

void Session::magic(std::string_view text) {
  const MagicText m(text);
  for (const Magic& magic : magics()) {
    if (std::find(magic.names.begin(), magic.names.end(), m.name) != magic.names.end()) return magic.run(*this, m);
  }
  m.fail(m.name_range, fmt::format("unknown magic '%{}'; %help lists them", m.name));
}

void Session::timeit(std::string_view stmt_text, std::int64_t loops, int repeats) {
  // Results are not printed while timing: the output stream writes to a sink meanwhile.
  std::ostringstream sink;
  const std::string stmt(stmt_text);
  auto run_loops = [&](std::int64_t n) {
    auto t0 = std::chrono::steady_clock::now();
    for (std::int64_t i = 0; i < n; ++i) {
      check_interrupt();
      statement(stmt);
    }
    return ms_since(t0);
  };
  std::streambuf* buf = out_.rdbuf(sink.rdbuf());
  try {
    run_loops(1);  // warm-up: compiles
    if (loops == 0) {
      loops = 1;
      while (run_loops(loops) < 20 && loops < (std::int64_t{1} << 30)) loops *= 10;
    }
    // What the warm-up made hot is being optimized in the background: time that code.
    runtime_.wait_for_compiles();
    std::vector<double> per;
    for (int r = 0; r < repeats; ++r) per.push_back(run_loops(loops) / static_cast<double>(loops));
    out_.rdbuf(buf);
    std::sort(per.begin(), per.end());
    out_ << fmt::format("{} loop{}, best of {}: {} per loop (median {})\n", loops, loops == 1 ? "" : "s", repeats,
                        format_duration(per.front()), format_duration(per[per.size() / 2]));
  } catch (...) {
    out_.rdbuf(buf);
    throw;
  }
}

void Session::load_file(const std::string& path) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // A file of defs and imports only is a module of kernels, defined whole so that its defs can
  // call each other; any other file runs as a script: statements in order, the first error stops it.
  bool is_module = true;
  try {
    parse_module(Source{path, text});
  } catch (const Error&) {
    is_module = false;
  }
  if (is_module) return define_kernels(text);
  for (const std::string& stmt : split_statements(text)) {
    if (quit_) break;
    check_interrupt();
    statement(stmt);
  }
}

}  // namespace jitexpr::tools
