// The statement engine (see Session.h).
#include "tools/session/Session.h"

#include "frontend/Lexer.h"
#include "frontend/ModuleParser.h"
#include "frontend/Parser.h"
#include "tools/session/InputBuffer.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <optional>
#include <ostream>
#include <iterator>
#include <random>
#include <set>
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

// The outermost calls below the root of functions the session runs itself (constructors,
// kernels), in source order.
void collect_session_calls(const ast::Expr& e, bool is_root, const std::function<bool(std::string_view)>& is_special,
                           std::vector<const ast::Call*>& out) {
  if (const auto* c = e.as<ast::Call>(); c && !is_root && c->prefix.empty() && is_special(c->callee)) {
    out.push_back(c);
    return;
  }
  for (const ast::Expr* k : ast::children(e)) collect_session_calls(*k, false, is_special, out);
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

}  // namespace

namespace {

// The statements of one unit that is not a block: cut at ';' and at new lines outside brackets
// and strings; a backslash-newline and a newline inside brackets become a space.
void split_unit(std::string_view text, std::vector<std::string>& out) {
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
    if (c == '\\' && i + 1 < text.size() && text[i + 1] == '\n') {
      cur += ' ';
      ++i;
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
}

}  // namespace

std::vector<std::string> split_statements(std::string_view text) {
  std::vector<std::string> out;
  for (const std::string& unit : split_units(text)) {
    if (is_block(unit)) out.push_back(unit);
    else split_unit(unit, out);
  }
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
  try {
    for (const std::string& stmt : split_statements(text)) {
      if (quit_) break;
      check_interrupt();
      try {
        timed_statement(stmt);
        // Each statement's output is out before the next one runs (a pipe would hold it back).
        out_.flush();
      } catch (const Interrupted& e) {
        // The runtime stopped between blocks of work, or a kernel's loop did: reported as an
        // interrupt between statements, with the loop's line where there is one.
        if (interrupt_) interrupt_->store(false);
        throw e.has_position() ? KeyboardInterrupt(e.what()) : KeyboardInterrupt();
      } catch (const Error& e) {
        out_.flush();  // results before the error come first in a shared pipe
        err_ << e.what() << '\n';
        ok = false;
        if (stop_on_error) break;
      }
    }
    // A Ctrl-C during the last statement is reported too, not left for the next input.
    check_interrupt();
  } catch (const KeyboardInterrupt& e) {
    out_.flush();
    err_ << e.what() << '\n';
    ok = false;
    interrupted_ = true;
  }
  out_.flush();
  return ok;
}

void Session::check_interrupt() {
  if (interrupt_ && interrupt_->exchange(false)) throw KeyboardInterrupt();
}

void Session::timed_statement(std::string_view text) {
  if (!timing_ || trim(text).starts_with('%')) return statement(text);
  RuntimeStats before = runtime_.stats();
  parse_ms_ = 0;
  auto t0 = std::chrono::steady_clock::now();
  statement(text);
  double total = ms_since(t0);
  RuntimeStats after = runtime_.stats();
  // The specializations compiled by this statement are the entries that were not cached before.
  std::set<std::string> known;
  for (const CacheEntryStats& e : before.entries) known.insert(e.key);
  double compile = 0;
  for (const CacheEntryStats& e : after.entries) {
    if (!known.count(e.key)) compile += e.compile_ms();
  }
  std::uint64_t misses = after.misses - before.misses;
  std::uint64_t hits = after.hits - before.hits;
  std::uint64_t from_disk = after.disk_hits - before.disk_hits;
  auto count = [](std::uint64_t n, const char* what) { return fmt::format("{} {}{}", n, what, n == 1 ? "" : "es"); };
  std::string compiled = "nothing compiled";
  if (misses > 0) {
    compiled = fmt::format("compile {} ({}{})", format_duration(compile), count(misses, "miss"),
                           from_disk ? fmt::format(", {} from disk", from_disk) : "");
  } else if (hits > 0) {
    compiled = fmt::format("compile cached ({} hit{})", hits, hits == 1 ? "" : "s");
  }
  // Writing new code to the disk cache is in no phase of the entry: it shows with the run.
  const char* run_label = misses > from_disk && after.disk_enabled ? "run + disk store" : "run";
  double run = std::max(0.0, total - parse_ms_ - compile);
  out_ << fmt::format("parse {}, {}, {} {}\n", format_duration(parse_ms_), compiled, run_label, format_duration(run));
}

void Session::statement(std::string_view text) {
  text = trim(text);
  if (text.empty()) return;
  if (text[0] == '%') return magic(text);
  if (is_block(text)) return block(text);
  // `import math`, `from math import sqrt`: lines of the kernel module.
  if (text.starts_with("import ") || text.starts_with("from ")) return define_kernels(std::string(text));
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
  if (v.is_none()) return;  // a kernel without a result, as Python's REPL prints nothing for None
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

void Session::block(std::string_view text) { define_kernels(std::string(text)); }

void Session::define_kernels(const std::string& text) {
  // The kernel language's own parser reports syntax errors with their positions in the block.
  Source src{"<input>", text};
  ast::Module m = parse_module(src);
  auto defs = kernel_defs_;
  auto imports = kernel_imports_;
  for (const ast::Import& imp : m.imports) {
    std::string line = text.substr(imp.range.begin, imp.range.end - imp.range.begin);
    if (std::find(imports.begin(), imports.end(), line) == imports.end()) imports.push_back(line);
  }
  for (const ast::FunctionDef& f : m.functions) {
    std::uint32_t begin = f.decorators.empty() ? f.range.begin : f.decorators.front().range.begin;
    std::string body = text.substr(begin, f.range.end - begin);
    auto same = [&](const auto& d) { return d.first == f.name; };
    defs.erase(std::remove_if(defs.begin(), defs.end(), same), defs.end());
    defs.emplace_back(f.name, body);
  }
  std::string source;
  for (const std::string& imp : imports) source += imp + "\n";
  for (const auto& [name, body] : defs) source += "\n" + body + "\n";
  module_ = runtime_.compile_module(source, ModuleOptions{.name = "<kernels>"});
  kernel_defs_ = std::move(defs);
  kernel_imports_ = std::move(imports);
}

bool Session::is_kernel(std::string_view name) const {
  return std::any_of(kernel_defs_.begin(), kernel_defs_.end(), [&](const auto& d) { return d.first == name; });
}

// A kernel's arguments: integer and float literals as Python's int and float (int64, float64),
// anything else evaluated as an expression of the session.
std::vector<Value> Session::kernel_args(std::string_view text, const SessionCall& sc) {
  const ast::Call& c = sc.call;
  if (!c.keywords.empty()) {
    fail_at(ErrorKind::Type, sc.src, c.keywords[0].name_range, "keyword arguments to kernels are not supported");
  }
  std::vector<Value> args;
  for (const auto& a : c.args) {
    if (const auto* i = a->as<ast::IntLit>()) {
      args.emplace_back(i->value);
    } else if (const auto* f = a->as<ast::FloatLit>()) {
      args.emplace_back(f->value);
    } else if (const auto* b = a->as<ast::BoolLit>()) {
      args.emplace_back(b->value);
    } else {
      Value v = evaluate(text.substr(a->range.begin, a->range.end - a->range.begin));
      // A 0-d result passes as the scalar it holds.
      if (const Array* arr = v.if_array(); arr && arr->ndim() == 0) v = Value::scalar(arr->dtype(), arr->at_as_complex({}));
      args.push_back(std::move(v));
    }
  }
  return args;
}

Value Session::call_kernel(std::string_view text, const SessionCall& sc) {
  std::vector<Value> args = kernel_args(text, sc);
  std::vector<Arg> view(args.begin(), args.end());
  return (*module_)(sc.call.callee).call(view.data(), view.size());
}

Value Session::evaluate(std::string_view text) {
  Source src{"<expr>", std::string(text)};
  auto t0 = std::chrono::steady_clock::now();
  ast::ExprPtr e = parse_expression(src);
  parse_ms_ += ms_since(t0);
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
  if (const auto* call = e->as<ast::Call>(); call && call->prefix.empty() && is_kernel(call->callee)) {
    return call_kernel(text, SessionCall{src, *call});
  }
  if (const auto* call = e->as<ast::Call>(); call && call->prefix.empty() && is_session_function(call->callee)) {
    return call_builtin(text, SessionCall{src, *call});
  }
  std::vector<const ast::Call*> made;
  collect_session_calls(*e, true, [&](std::string_view n) { return is_session_function(n) || is_kernel(n); }, made);
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
    Value v = is_kernel(call.callee) ? call_kernel(text, SessionCall{src, call}) : call_builtin(text, SessionCall{src, call});
    if (v.is_none()) fail_at(ErrorKind::Type, src, call.range, fmt::format("{}() returns None; its value cannot be used", call.callee));
    bindings.emplace_back(name, std::move(v));
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

}  // namespace

void Session::magic(std::string_view text) {
  const MagicText m(text);
  const std::string_view name = m.name;
  const std::string_view arg = m.arg;
  if (name == "quit" || name == "exit") {
    m.no_arg();
    quit_ = true;
  } else if (name == "help") {
    m.no_arg();
    out_ << "Statements: an expression (prints its value), NAME = EXPRESSION, and the constructors\n"
            "  arange(n), arange(start, stop, step), linspace(start, stop, num), zeros(shape), ones(shape),\n"
            "  empty(shape), full(shape, value), random(shape, seed=S), load(\"x.npy\"), save(\"y.npy\", expr);\n"
            "  constructors take dtype=float32 and the like. Separate statements with ';' or new lines.\n"
            "Kernels: a def block (ended by a blank line) and import lines define kernels; a call such as\n"
            "  f(a, 3) runs one (also inside an expression); %load FILE defines a file of defs.\n"
            "Magics:\n"
            "  %time STMT     run once and print the time\n"
            "  %timeit [-n LOOPS] [-r REPEATS] STMT\n"
            "                 run repeatedly; print the best and median time per run\n"
            "  %timing on|off after each statement, print its parse, compile and run times\n"
            "  %ir EXPR       the typed IR of the expression's (or kernel call's) specialization\n"
            "  %llvm EXPR     its optimized LLVM IR\n"
            "  %asm EXPR      its host assembly\n"
            "  %cache         compiled-code cache: entries, hits, misses, compile times, target CPU\n"
            "  %threads [N]   show or set the number of threads\n"
            "  %load FILE     define the kernels of a file of defs, or run a script of statements\n"
            "  %who           variables with their dtype and shape\n"
            "  %help          this text\n"
            "  %quit          leave (also Ctrl-D)\n";
  } else if (name == "time") {
    m.need_arg("a statement");
    auto t0 = std::chrono::steady_clock::now();
    statement(arg);
    out_ << "time: " << format_duration(ms_since(t0)) << '\n';
  } else if (name == "timeit") {
    m.need_arg("a statement");
    TimeitOptions o = timeit_options(m);
    if (o.stmt.empty()) m.fail({static_cast<std::uint32_t>(text.size()), static_cast<std::uint32_t>(text.size() + 1)}, "%timeit needs a statement after its options");
    timeit(o.stmt, o.loops, o.repeats);
  } else if (name == "timing") {
    if (arg.empty()) {
      out_ << "timing " << (timing_ ? "on" : "off") << '\n';
    } else if (arg == "on" || arg == "off") {
      timing_ = arg == "on";
    } else {
      m.fail(m.arg_range, fmt::format("%timing needs 'on' or 'off', not '{}'", arg));
    }
  } else if (name == "ir" || name == "llvm" || name == "asm") {
    m.need_arg("an expression");
    std::string expr(arg);
    Source src{"<expr>", expr};
    ast::ExprPtr e = parse_expression(src);
    if (const auto* call = e->as<ast::Call>(); call && call->prefix.empty() && is_kernel(call->callee)) {
      std::vector<Value> args = kernel_args(expr, SessionCall{src, *call});
      Function f = (*module_)(call->callee);
      out_ << (name == "ir" ? f.dump_ir(args) : name == "llvm" ? f.dump_llvm(args) : f.dump_asm(args));
      return;
    }
    if (name == "ir") out_ << runtime_.dump_ir(expr, vars_);
    else if (name == "llvm") out_ << runtime_.dump_llvm(expr, vars_);
    else out_ << runtime_.dump_asm(expr, vars_);
  } else if (name == "cache") {
    m.no_arg();
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
    for (const CacheEntryStats& e : s.entries) out_ << "  " << describe_entry(e) << '\n';
    out_ << fmt::format("kernel specializations: {} compiled, {:.3f} ms\n", s.kernel_compiles, s.kernel_compile_ms);
    out_ << "code compiled for: " << s.target << '\n';
  } else if (name == "threads") {
    if (arg.empty()) {
      out_ << runtime_.num_threads() << " threads\n";
      return;
    }
    std::string a(arg);
    char* end = nullptr;
    long v = std::strtol(a.c_str(), &end, 10);
    if (end == a.c_str() || *end != '\0' || v < 1 || v > 4096) {
      m.fail(m.arg_range, fmt::format("%threads needs a thread count from 1 to 4096, not '{}'", a));
    }
    int n = static_cast<int>(v);
    runtime_.set_num_threads(n);
    out_ << n << " thread" << (n == 1 ? "" : "s") << '\n';
  } else if (name == "load") {
    m.need_arg("a file name");
    std::string path(arg);
    if (path.size() >= 2 && (path[0] == '"' || path[0] == '\'') && path.back() == path[0]) path = path.substr(1, path.size() - 2);
    std::ifstream probe(path);
    if (!probe) m.fail(m.arg_range, fmt::format("cannot open '{}'", path));
    load_file(path);
  } else if (name == "who") {
    m.no_arg();
    if (vars_.empty()) out_ << "no variables\n";
    for (const auto& [n, v] : vars_) {
      Array a = v.array();
      out_ << fmt::format("{}  {}\n", n, a.describe());
    }
  } else {
    m.fail(m.name_range, fmt::format("unknown magic '%{}'; %help lists them", name));
  }
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
