#include "codegen/VectorMath.h"

#include "codegen/Target.h"

#include <llvm/TargetParser/Triple.h>

#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace jitexpr::codegen {

namespace {

// Scalar libm names and their libmvec base names; each has a double and a float ("f") variant.
struct MvecFn {
  const char* scalar;
  const char* params;  // "v" for one vector argument, "vv" for two
  bool intrinsic = false;  // LLVM also has an intrinsic of this name
};
constexpr MvecFn kExtra[] = {
    {"asin", "v"},  {"acos", "v"},  {"atan", "v"},   {"sinh", "v"},  {"cosh", "v"},   {"tanh", "v"},
    {"asinh", "v"}, {"acosh", "v"}, {"atanh", "v"},  {"expm1", "v"}, {"log1p", "v"},  {"log2", "v", true},
    {"log10", "v", true}, {"exp2", "v", true},  {"exp10", "v", true},  {"cbrt", "v"},  {"erf", "v"},    {"erfc", "v"},
    {"atan2", "vv"}, {"hypot", "vv"},
};

std::unique_ptr<llvm::TargetLibraryInfoImpl> make_library_info() {
  const HostTarget& host = host_target();
  llvm::Triple triple(host.triple);
  auto tlii = std::make_unique<llvm::TargetLibraryInfoImpl>(triple);
  tlii->addVectorizableFunctionsFromVecLib(llvm::TargetLibraryInfoImpl::LIBMVEC_X86, triple);

  // VecDesc holds StringRefs: the strings live as long as the process.
  static std::deque<std::string> names;
  static std::vector<llvm::VecDesc> descs = [&host] {
    std::vector<llvm::VecDesc> out;
    struct Isa {
      char letter;
      int doubles;  // lanes of double; float has twice as many
      bool available;
    };
    const Isa isas[] = {{'b', 2, true}, {'d', 4, host.has_avx2}, {'e', 8, host.has_avx512}};
    for (const MvecFn& fn : kExtra) {
      for (const Isa& isa : isas) {
        if (!isa.available) continue;
        for (bool single : {false, true}) {
          int lanes = single ? isa.doubles * 2 : isa.doubles;
          std::string scalar = std::string(fn.scalar) + (single ? "f" : "");
          std::string vec = "_ZGV" + std::string(1, isa.letter) + "N" + std::to_string(lanes) + fn.params + "_" + scalar;
          std::string prefix = "_ZGV_LLVM_N" + std::to_string(lanes) + fn.params;
          names.push_back(scalar);
          llvm::StringRef s = names.back();
          names.push_back(vec);
          llvm::StringRef v = names.back();
          names.push_back(prefix);
          llvm::StringRef p = names.back();
          out.emplace_back(s, v, llvm::ElementCount::getFixed(static_cast<unsigned>(lanes)), false, p);
          // LLVM may rewrite the libcall into its intrinsic (log2 -> llvm.log2.f64); map that too.
          if (fn.intrinsic) {
            names.push_back(std::string("llvm.") + fn.scalar + (single ? ".f32" : ".f64"));
            out.emplace_back(llvm::StringRef(names.back()), v,
                             llvm::ElementCount::getFixed(static_cast<unsigned>(lanes)), false, p);
          }
        }
      }
    }
    return out;
  }();
  tlii->addVectorizableFunctions(descs);
  return tlii;
}

}  // namespace

const llvm::TargetLibraryInfoImpl& host_library_info() {
  static const std::unique_ptr<llvm::TargetLibraryInfoImpl> info = make_library_info();
  return *info;
}

}  // namespace jitexpr::codegen
