// dtype names, numpy's aliases and sizes.
#include <jitexpr/DType.h>

#include <array>

namespace jitexpr {

namespace {

struct DTypeInfo {
  std::string_view name;
  std::string_view aliases[3];
  std::size_t size;
};

// Indexed by DType.
constexpr std::array<DTypeInfo, kNumDTypes> kInfo = {{
    {"bool", {"?", "b1", "bool_"}, 1},
    {"int8", {"i1", "byte", ""}, 1},
    {"int16", {"i2", "short", ""}, 2},
    {"int32", {"i4", "intc", ""}, 4},
    {"int64", {"i8", "int", "long"}, 8},
    {"uint8", {"u1", "ubyte", ""}, 1},
    {"uint16", {"u2", "ushort", ""}, 2},
    {"uint32", {"u4", "uintc", ""}, 4},
    {"uint64", {"u8", "uint", ""}, 8},
    {"float32", {"f4", "single", ""}, 4},
    {"float64", {"f8", "double", "float"}, 8},
    {"complex64", {"c8", "csingle", ""}, 8},
    {"complex128", {"c16", "cdouble", "complex"}, 16},
    {"bytes", {"S", "bytes_", ""}, 0},
}};

}  // namespace

std::string_view dtype_name(DType t) { return kInfo[static_cast<int>(t)].name; }

std::size_t dtype_size(DType t) { return kInfo[static_cast<int>(t)].size; }

std::string_view casting_name(Casting c) {
  switch (c) {
    case Casting::No: return "no";
    case Casting::Equiv: return "equiv";
    case Casting::Safe: return "safe";
    case Casting::SameKind: return "same_kind";
    case Casting::Unsafe: return "unsafe";
  }
  return "?";
}

std::optional<DType> dtype_from_name(std::string_view name) {
  for (int i = 0; i < kNumDTypes; ++i) {
    if (kInfo[i].name == name) return static_cast<DType>(i);
    for (std::string_view alias : kInfo[i].aliases) {
      if (!alias.empty() && alias == name) return static_cast<DType>(i);
    }
  }
  return std::nullopt;
}

}  // namespace jitexpr
