// The statement engine (see Session.h).
#include "tools/session/Session.h"

#include "frontend/Lexer.h"
#include "frontend/ModuleParser.h"
#include "frontend/Parser.h"
#include "tools/session/InputBuffer.h"
#include "tools/session/SessionText.h"

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
  // Constructors and kernel calls inside an expression (`sum(arange(10) * 2)`) are computed here,
  // and the runtime evaluates the rest with their values in their places.
  std::vector<Runtime::Substitution> values;
  for (const ast::Call* call : made) {
    if (call->callee == "save") {
      fail_at(ErrorKind::Syntax, src, call->callee_range,
              "save() is a statement of its own, not part of an expression");
    }
    Value v = is_kernel(call->callee) ? call_kernel(text, SessionCall{src, *call})
                                      : call_builtin(text, SessionCall{src, *call});
    if (v.is_none())
      fail_at(ErrorKind::Type, src, call->range,
              fmt::format("{}() returns None; its value cannot be used", call->callee));
    values.push_back({call->range, std::move(v)});
  }
  return Value(runtime_.evaluate(text, vars_, values));
}

}  // namespace jitexpr::tools
