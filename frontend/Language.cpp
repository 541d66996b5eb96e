// The language registry (see Language.h).
#include "frontend/Language.h"

#include <array>
#include <cmath>
#include <string>
#include <vector>

namespace jitexpr {

namespace {

constexpr ModuleInfo kModules[] = {
#define X(name, module, prefix, importable) ModuleInfo{name, module, prefix, importable},
    JITEXPR_MODULES(X)
#undef X
};

struct ConstantInfo {
  std::string_view name;
  double value;
};

const ConstantInfo kConstants[] = {
#define X(name, value) ConstantInfo{name, value},
    JITEXPR_CONSTANTS(X)
#undef X
};

}  // namespace

std::span<const ModuleInfo> modules() { return kModules; }

const ModuleInfo* find_module(std::string_view name) {
  for (const ModuleInfo& m : kModules) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

bool is_module_prefix(std::string_view name, Dialect d) {
  const ModuleInfo* m = find_module(name);
  return m && accepts(m->prefix, d);
}

namespace {

// "a, b and c"
std::string listing(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += i + 1 == items.size() ? " and " : ", ";
    out += items[i];
  }
  return out;
}

}  // namespace

std::string module_prefixes_text(Dialect d) {
  std::vector<std::string> names;
  for (const ModuleInfo& m : kModules) {
    if (accepts(m.prefix, d)) names.push_back("'" + std::string(m.name) + ".'");
  }
  std::string out = listing(names);
  if (std::size_t last = out.rfind(" and "); last != std::string::npos) out.replace(last, 5, " or ");
  return out;
}

std::string importable_modules_text() {
  std::vector<std::string> names;
  for (const ModuleInfo& m : kModules) {
    if (!m.importable) continue;
    std::string name(m.name);
    for (const ModuleInfo& alias : kModules) {
      if (alias.module == m.name && alias.name != m.name) name += " (as " + std::string(alias.name) + ")";
    }
    names.push_back(name);
  }
  return listing(names);
}

std::optional<double> module_constant(std::string_view name) {
  for (const ConstantInfo& c : kConstants) {
    if (c.name == name) return c.value;
  }
  return std::nullopt;
}

}  // namespace jitexpr
