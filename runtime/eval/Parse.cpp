// Evaluation, parse: the text to a tree with its variables, cached by text (see RuntimeImpl.h).
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

}  // namespace jitexpr
