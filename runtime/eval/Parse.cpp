// Evaluation, parse: the text to a tree with its variables, cached by text; and the tree with
// sub-expressions the host computed standing as operands (see RuntimeImpl.h).
#include "runtime/RuntimeImpl.h"

#include <fmt/format.h>

namespace jitexpr {

std::shared_ptr<const Parsed> Runtime::Impl::parse(std::string_view text) {
  std::string key(text);
  {
    std::lock_guard<std::mutex> lock(parse_mutex);
    if (auto it = parsed_exprs.find(key); it != parsed_exprs.end()) return it->second;
  }
  auto t0 = std::chrono::steady_clock::now();
  auto p = std::make_shared<Parsed>();
  p->src = make_source("<expr>", key);
  p->ast = parse_expression(*p->src);
  p->describe();
  if (p->variables.size() > static_cast<std::size_t>(kMaxOperands)) {
    fail_at(ErrorKind::Value, *p->src, p->variables[static_cast<std::size_t>(kMaxOperands)].first_use,
            fmt::format("expression reads {} variables; the limit is {}", p->variables.size(), kMaxOperands));
  }
  p->parse_ms = ms_since(t0);
  std::lock_guard<std::mutex> lock(parse_mutex);
  if (parsed_exprs.size() >= kMaxParsed) parsed_exprs.clear();
  parsed_exprs.emplace(std::move(key), p);
  return p;
}

std::shared_ptr<const Parsed> Runtime::Impl::parse(std::string_view text,
                                                   const std::vector<Substitution>& substitutions, Bindings& bindings) {
  std::shared_ptr<const Parsed> whole = parse(text);
  // The values' names start with a prefix that no variable of the text starts with.
  std::string prefix = "__jx_s";
  auto taken = [&] {
    for (const VariableUse& v : whole->variables) {
      if (v.name.rfind(prefix, 0) == 0) return true;
    }
    return false;
  };
  while (taken()) prefix += "_";
  for (std::size_t i = 0; i < substitutions.size(); ++i) {
    bindings.emplace_back(prefix + std::to_string(i), substitutions[i].value);
  }
  std::string key = std::string(text) + "\x1f";
  for (const Substitution& s : substitutions) key += fmt::format("{}:{},", s.range.begin, s.range.end);
  {
    std::lock_guard<std::mutex> lock(parse_mutex);
    if (auto it = parsed_exprs.find(key); it != parsed_exprs.end()) return it->second;
  }
  std::vector<bool> used(substitutions.size());
  ast::ExprPtr tree = ast::rewrite(*whole->ast, [&](const ast::Expr& e) -> ast::ExprPtr {
    for (std::size_t i = 0; i < substitutions.size(); ++i) {
      const SourceRange& r = substitutions[i].range;
      if (!used[i] && r.begin == e.range.begin && r.end == e.range.end) {
        used[i] = true;
        return std::make_unique<ast::Name>(e.range, prefix + std::to_string(i));
      }
    }
    return nullptr;
  });
  // A tree with forms of the kernel language fails in inference, as it would unsubstituted.
  if (!tree) return whole;
  for (std::size_t i = 0; i < substitutions.size(); ++i) {
    if (!used[i]) {
      throw ValueError(fmt::format("no sub-expression of '{}' spans bytes {} to {}", text, substitutions[i].range.begin,
                                   substitutions[i].range.end));
    }
  }
  auto p = std::make_shared<Parsed>();
  p->src = whole->src;  // positions stay those of the text as written
  p->ast = std::move(tree);
  p->describe();
  if (p->variables.size() > static_cast<std::size_t>(kMaxOperands)) {
    fail_at(
        ErrorKind::Value, *p->src, p->variables[static_cast<std::size_t>(kMaxOperands)].first_use,
        fmt::format("expression reads {} variables and values; the limit is {}", p->variables.size(), kMaxOperands));
  }
  p->parse_ms = whole->parse_ms;
  std::lock_guard<std::mutex> lock(parse_mutex);
  if (parsed_exprs.size() >= kMaxParsed) parsed_exprs.clear();
  parsed_exprs.emplace(std::move(key), p);
  return p;
}

}  // namespace jitexpr
