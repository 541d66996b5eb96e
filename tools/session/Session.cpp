// The statement engine (see Session.h).
#include "tools/session/Session.h"

#include "frontend/Lexer.h"
#include "frontend/Parser.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <ostream>
#include <random>
#include <sstream>

namespace jitexpr::tools {

namespace {

std::string_view trim(std::string_view s) {
  std::size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  std::size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool is_session_function(std::string_view name) {
  static const char* names[] = {"arange", "linspace", "zeros", "ones", "empty", "full", "random", "load", "save"};
  return std::any_of(std::begin(names), std::end(names), [&](const char* n) { return name == n; });
}

// The outermost calls of session functions below the root, in source order.
void collect_session_calls(const ast::Expr& e, bool is_root, std::vector<const ast::Call*>& out) {
  if (const auto* c = e.as<ast::Call>()) {
    if (!is_root && c->prefix.empty() && is_session_function(c->callee)) {
      out.push_back(c);
      return;
    }
    for (const auto& a : c->args) collect_session_calls(*a, false, out);
    for (const auto& k : c->keywords) collect_session_calls(*k.value, false, out);
    return;
  }
  if (const auto* u = e.as<ast::Unary>()) return collect_session_calls(*u->operand, false, out);
  if (const auto* b = e.as<ast::Binary>()) {
    collect_session_calls(*b->lhs, false, out);
    collect_session_calls(*b->rhs, false, out);
    return;
  }
  if (const auto* a = e.as<ast::Attribute>()) return collect_session_calls(*a->object, false, out);
  if (const auto* t = e.as<ast::Tuple>()) {
    for (const auto& x : t->elements) collect_session_calls(*x, false, out);
  }
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

std::string format_duration(double ms) {
  if (ms >= 1000) return fmt::format("{:.3g} s", ms / 1000);
  if (ms >= 1) return fmt::format("{:.3g} ms", ms);
  if (ms >= 1e-3) return fmt::format("{:.3g} us", ms * 1e3);
  return fmt::format("{:.3g} ns", ms * 1e6);
}

}  // namespace

std::vector<std::string> split_statements(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  char quote = 0;
  bool comment = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (comment) {
      if (c == '\n') comment = false;
      else continue;
    }
    if (quote) {
      cur += c;
      if (c == '\\' && i + 1 < text.size()) cur += text[++i];
      else if (c == quote) quote = 0;
      continue;
    }
    if (c == '#' ) {
      comment = true;
      continue;
    }
    if (c == '\'' || c == '"') quote = c;
    if (c == '(' || c == '[') ++depth;
    if ((c == ')' || c == ']') && depth > 0) --depth;
    if ((c == ';' || c == '\n') && depth == 0) {
      if (!trim(cur).empty()) out.emplace_back(trim(cur));
      cur.clear();
      continue;
    }
    cur += c == '\n' ? ' ' : c;
  }
  if (!trim(cur).empty()) out.emplace_back(trim(cur));
  return out;
}

struct SessionCall {
  const Source& src;
  const ast::Call& call;
};

Session::Session(std::ostream& out, std::ostream& err, RuntimeOptions options)
    : out_(out), err_(err), runtime_(options) {}

bool Session::run(std::string_view text, bool stop_on_error) {
  bool ok = true;
  for (const std::string& stmt : split_statements(text)) {
    if (quit_) break;
    try {
      statement(stmt);
    } catch (const Error& e) {
      err_ << e.what() << '\n';
      ok = false;
      if (stop_on_error) break;
    }
  }
  out_.flush();
  return ok;
}

void Session::statement(std::string_view text) {
  text = trim(text);
  if (text.empty()) return;
  if (text[0] == '%') return magic(text);
  // name = expression (but not name == expression)
  Source probe{"<stmt>", std::string(text)};
  Lexer lexer(probe, LexMode::Expression);
  Token first = lexer.next();
  Token second = lexer.next();
  if (first.kind == Tok::Identifier && second.kind == Tok::Assign) {
    std::string name(first.text);
    std::string_view rhs = trim(text.substr(second.range.end));
    if (rhs.empty()) throw SyntaxError("expected an expression after '='", "<stmt>", std::string(text), {second.range.end, second.range.end + 1});
    assign(name, evaluate(rhs));
    return;
  }
  Value v = evaluate(text);
  if (v.is_array() || v.dtype() != DType::Bytes) out_ << v.to_string() << '\n';
}

void Session::assign(const std::string& name, Value v) {
  for (auto& [n, value] : vars_) {
    if (n == name) {
      value = std::move(v);
      return;
    }
  }
  vars_.emplace_back(name, std::move(v));
}

Value Session::evaluate(std::string_view text) {
  Source src{"<expr>", std::string(text)};
  ast::ExprPtr e = parse_expression(src);
  // A variable alone, or a byte string, needs no compiled code.
  if (const auto* n = e->as<ast::Name>()) {
    for (const auto& [name, value] : vars_) {
      if (name == n->id) return value;
    }
  }
  if (const auto* b = e->as<ast::BytesLit>()) {
    Array s = Array::zeros(DType::Bytes, {}, std::max<std::size_t>(b->value.size(), 1));
    std::memcpy(s.raw_data(), b->value.data(), b->value.size());
    return Value(s);
  }
  if (const auto* call = e->as<ast::Call>(); call && call->prefix.empty() && is_session_function(call->callee)) {
    return call_builtin(text, SessionCall{src, *call});
  }
  std::vector<const ast::Call*> made;
  collect_session_calls(*e, true, made);
  if (made.empty()) return Value(runtime_.evaluate(text, vars_));
  // Constructors inside an expression (`sum(arange(10) * 2)`) become temporary variables whose
  // names are exactly as long as the calls they replace, so that every position in an error
  // still points into the statement as written.
  std::string rewritten(text);
  Bindings bindings = vars_;
  for (std::size_t k = made.size(); k-- > 0;) {
    const ast::Call& call = *made[k];
    if (call.callee == "save") {
      fail_at(ErrorKind::Syntax, src, call.callee_range, "save() is a statement of its own, not part of an expression");
    }
    std::string name = fmt::format("_jx{}", k);
    std::size_t len = call.range.end - call.range.begin;
    name.resize(std::max(len, name.size()), '_');
    bindings.emplace_back(name, call_builtin(text, SessionCall{src, call}));
    rewritten.replace(call.range.begin, len, name);
  }
  try {
    return Value(runtime_.evaluate(rewritten, bindings));
  } catch (const Error& err) {
    throw_error(err.kind(), err.message(), err.source_name(), std::string(text), err.range());
  }
}

Value Session::call_builtin(std::string_view text, const SessionCall& sc) {
  const ast::Call& c = sc.call;
  const Source& src = sc.src;
  auto arg_text = [&](const ast::Expr& a) { return std::string(text.substr(a.range.begin, a.range.end - a.range.begin)); };
  auto fail = [&](SourceRange r, std::string msg) { fail_at(ErrorKind::Type, src, r, std::move(msg)); };
  auto scalar = [&](const ast::Expr& a) -> Value {
    // Literals need no compiled code.
    if (const auto* i = a.as<ast::IntLit>()) return Value(i->value);
    if (const auto* f = a.as<ast::FloatLit>()) return Value(f->value);
    if (const auto* b = a.as<ast::BoolLit>()) return Value(b->value);
    if (const auto* u = a.as<ast::Unary>(); u && u->op == UnaryOp::Neg) {
      if (const auto* f = u->operand->as<ast::FloatLit>()) return Value(-f->value);
    }
    Array v = evaluate(arg_text(a)).array();
    if (v.ndim() != 0) fail(a.range, fmt::format("{}() needs a number here, not an array of shape {}", c.callee, shape_string(v.shape())));
    return Value(v);
  };
  auto integer = [&](const ast::Expr& a) -> std::int64_t {
    Value v = scalar(a);
    if (!is_integer(v.dtype())) fail(a.range, fmt::format("{}() needs an integer here, not '{}'", c.callee, dtype_name(v.dtype())));
    return v.as<std::int64_t>();
  };
  auto string_arg = [&](const ast::Expr& a) -> std::string {
    const auto* s = a.as<ast::BytesLit>();
    if (!s) fail(a.range, fmt::format("{}() needs a file name in quotes here", c.callee));
    return s->value;
  };
  auto shape_arg = [&](const ast::Expr& a) -> Shape {
    Shape shape;
    if (const auto* t = a.as<ast::Tuple>()) {
      for (const auto& el : t->elements) shape.push_back(integer(*el));
    } else {
      shape.push_back(integer(a));
    }
    for (std::size_t i = 0; i < shape.size(); ++i) {
      if (shape[i] < 0) fail(a.range, fmt::format("negative dimensions are not allowed: {}", shape_string(shape)));
    }
    return shape;
  };
  std::optional<DType> dtype;
  std::optional<std::int64_t> seed;
  std::optional<std::int64_t> num;
  for (const ast::Keyword& k : c.keywords) {
    if (k.name == "dtype") {
      std::string name;
      if (const auto* n = k.value->as<ast::Name>()) name = n->id;
      else if (const auto* s = k.value->as<ast::BytesLit>()) name = s->value;
      else if (const auto* a = k.value->as<ast::Attribute>()) name = a->attr;  // np.float32
      std::optional<DType> t = dtype_from_name(name);
      if (!t || *t == DType::Bytes) fail(k.value->range, fmt::format("unknown dtype '{}'", name));
      dtype = t;
    } else if (k.name == "seed" && c.callee == "random") {
      seed = integer(*k.value);
    } else if (k.name == "num" && c.callee == "linspace") {
      num = integer(*k.value);
    } else {
      fail(k.name_range, fmt::format("{}() got an unexpected keyword argument '{}'", c.callee, k.name));
    }
  }
  auto arity = [&](std::size_t lo, std::size_t hi) {
    if (c.args.size() < lo || c.args.size() > hi) {
      std::string range = lo == hi ? std::to_string(lo) : fmt::format("{} to {}", lo, hi);
      fail(c.range, fmt::format("{}() takes {} positional argument{} ({} given)", c.callee, range, hi == 1 ? "" : "s", c.args.size()));
    }
  };
  const std::string& f = c.callee;
  if (f == "arange") {
    arity(1, 3);
    std::vector<Value> vals;
    for (const auto& a : c.args) vals.push_back(scalar(*a));
    bool all_int = std::all_of(vals.begin(), vals.end(), [](const Value& v) { return is_integer(v.dtype()) || is_bool(v.dtype()); });
    DType t = dtype.value_or(all_int ? DType::Int64 : DType::Float64);
    if (vals.size() == 1 && all_int) return Value(Array::arange(vals[0].as<std::int64_t>(), t));
    double start = vals.size() == 1 ? 0.0 : vals[0].as<double>();
    double stop = vals.size() == 1 ? vals[0].as<double>() : vals[1].as<double>();
    double step = vals.size() == 3 ? vals[2].as<double>() : 1.0;
    if (step == 0) fail(c.args[2]->range, "arange() step must not be zero");
    return Value(Array::arange(start, stop, step, t));
  }
  if (f == "linspace") {
    arity(2, 3);
    if (c.args.size() == 3) num = integer(*c.args[2]);
    std::int64_t n = num.value_or(50);
    if (n < 0) fail(c.range, fmt::format("linspace() needs a non-negative number of samples, not {}", n));
    return Value(Array::linspace(scalar(*c.args[0]).as<double>(), scalar(*c.args[1]).as<double>(), n, dtype.value_or(DType::Float64)));
  }
  if (f == "zeros" || f == "empty" || f == "ones") {
    arity(1, 1);
    Shape shape = shape_arg(*c.args[0]);
    DType t = dtype.value_or(DType::Float64);
    return Value(f == "ones" ? Array::ones(t, shape) : Array::zeros(t, shape));
  }
  if (f == "full") {
    arity(2, 2);
    Shape shape = shape_arg(*c.args[0]);
    // Through a 0-d array and astype, so that a large int64 fill keeps every digit.
    Array fill = scalar(*c.args[1]).array();
    Array one = fill.astype(dtype.value_or(fill.dtype()));
    Array out = Array::empty(one.dtype(), shape);
    for (std::int64_t i = 0; i < out.size(); ++i) std::memcpy(out.flat_pointer(i), one.raw_data(), one.itemsize());
    return Value(out);
  }
  if (f == "random") {
    arity(1, 1);
    Shape shape = shape_arg(*c.args[0]);
    static std::mt19937_64 session_rng{std::random_device{}()};
    std::mt19937_64 seeded(seed ? static_cast<std::uint64_t>(*seed) : 0);
    std::mt19937_64& rng = seed ? seeded : session_rng;
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    Array a = Array::empty(DType::Float64, shape);
    double* d = a.data<double>();
    for (std::int64_t i = 0; i < a.size(); ++i) d[i] = uniform(rng);
    return Value(dtype && *dtype != DType::Float64 ? a.astype(*dtype) : a);
  }
  if (f == "load") {
    arity(1, 1);
    return Value(load_npy(string_arg(*c.args[0])));
  }
  if (f == "save") {
    arity(2, 2);
    std::string path = string_arg(*c.args[0]);
    Array v = evaluate(arg_text(*c.args[1])).array();
    save_npy(path, v);
    return Value::scalar(DType::Bytes, 0);  // nothing to print
  }
  fail(c.callee_range, fmt::format("unknown function '{}'", f));
  return {};
}

void Session::magic(std::string_view text) {
  std::size_t sp = text.find_first_of(" \t");
  std::string_view name = text.substr(1, sp == std::string_view::npos ? std::string_view::npos : sp - 1);
  std::string_view arg = sp == std::string_view::npos ? std::string_view{} : trim(text.substr(sp));
  auto need_arg = [&] {
    if (arg.empty()) throw ValueError(fmt::format("%{} needs an argument; %help explains it", name));
  };
  if (name == "quit" || name == "exit") {
    quit_ = true;
  } else if (name == "help") {
    out_ << "Statements: an expression (prints its value), NAME = EXPRESSION, and the constructors\n"
            "  arange(n), arange(start, stop, step), linspace(start, stop, num), zeros(shape), ones(shape),\n"
            "  empty(shape), full(shape, value), random(shape, seed=S), load(\"x.npy\"), save(\"y.npy\", expr);\n"
            "  constructors take dtype=float32 and the like. Separate statements with ';' or new lines.\n"
            "Magics:\n"
            "  %time STMT     run once and print the time\n"
            "  %timeit STMT   run repeatedly; print the best and median time per run\n"
            "  %ir EXPR       the typed IR of the expression's specialization\n"
            "  %llvm EXPR     its optimized LLVM IR\n"
            "  %asm EXPR      its host assembly\n"
            "  %cache         compiled-code cache: entries, hits, misses, compile times\n"
            "  %threads [N]   show or set the number of threads\n"
            "  %who           variables with their dtype and shape\n"
            "  %help          this text\n"
            "  %quit          leave\n";
  } else if (name == "time") {
    need_arg();
    auto t0 = std::chrono::steady_clock::now();
    statement(arg);
    out_ << "time: " << format_duration(ms_since(t0)) << '\n';
  } else if (name == "timeit") {
    need_arg();
    // Results are not printed while timing: the output stream writes to a sink meanwhile.
    std::ostringstream sink;
    const std::string stmt(arg);
    auto run_once = [&] { statement(stmt); };
    std::streambuf* buf = out_.rdbuf(sink.rdbuf());
    try {
      run_once();  // warm-up: compiles
      std::int64_t loops = 1;
      while (true) {
        auto t0 = std::chrono::steady_clock::now();
        for (std::int64_t i = 0; i < loops; ++i) run_once();
        if (ms_since(t0) >= 20 || loops >= (std::int64_t{1} << 30)) break;
        loops *= 10;
      }
      std::vector<double> per;
      for (int r = 0; r < 7; ++r) {
        auto t0 = std::chrono::steady_clock::now();
        for (std::int64_t i = 0; i < loops; ++i) run_once();
        per.push_back(ms_since(t0) / static_cast<double>(loops));
      }
      out_.rdbuf(buf);
      std::sort(per.begin(), per.end());
      out_ << fmt::format("{} loop{}, best of 7: {} per loop (median {})\n", loops, loops == 1 ? "" : "s",
                          format_duration(per.front()), format_duration(per[per.size() / 2]));
    } catch (...) {
      out_.rdbuf(buf);
      throw;
    }
  } else if (name == "ir" || name == "llvm" || name == "asm") {
    need_arg();
    std::string expr(arg);
    if (name == "ir") out_ << runtime_.dump_ir(expr, vars_);
    else if (name == "llvm") out_ << runtime_.dump_llvm(expr, vars_);
    else out_ << runtime_.dump_asm(expr, vars_);
  } else if (name == "cache") {
    RuntimeStats s = runtime_.stats();
    out_ << fmt::format("in-memory cache: {} entries, {} hits, {} misses, {} evictions\n", s.entries.size(), s.hits,
                        s.misses, s.evictions);
    if (s.disk_enabled) {
      out_ << fmt::format("disk cache: {} entries, {:.1f} KiB in {}; this session: {} hits, {} misses, {} damaged entries replaced\n",
                          s.disk_entries, static_cast<double>(s.disk_bytes) / 1024, s.disk_dir, s.disk_hits, s.disk_misses,
                          s.disk_errors);
    } else {
      out_ << "disk cache: off\n";
    }
    for (const CacheEntryStats& e : s.entries) {
      out_ << fmt::format("  {}  hits {}  parse {:.3f} ms  infer {:.3f} ms  {}\n", e.key, e.hits, e.parse_ms, e.infer_ms,
                          e.from_disk ? fmt::format("loaded from disk {:.3f} ms", e.codegen_ms)
                                      : fmt::format("optimize {:.3f} ms  codegen {:.3f} ms", e.optimize_ms, e.codegen_ms));
    }
  } else if (name == "threads") {
    if (arg.empty()) {
      out_ << runtime_.num_threads() << " threads\n";
      return;
    }
    int n = 0;
    std::string a(arg);
    char* end = nullptr;
    long v = std::strtol(a.c_str(), &end, 10);
    if (end == a.c_str() || *end != '\0' || v < 1 || v > 4096) {
      throw ValueError(fmt::format("%threads needs a thread count from 1 to 4096, not '{}'", a));
    }
    n = static_cast<int>(v);
    runtime_.set_num_threads(n);
    out_ << n << " thread" << (n == 1 ? "" : "s") << '\n';
  } else if (name == "who") {
    if (vars_.empty()) out_ << "no variables\n";
    for (const auto& [n, v] : vars_) {
      Array a = v.array();
      out_ << fmt::format("{}  {}\n", n, a.describe());
    }
  } else {
    throw ValueError(fmt::format("unknown magic '%{}'; %help lists them", name));
  }
}

}  // namespace jitexpr::tools
