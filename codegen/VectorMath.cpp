#include "codegen/VectorMath.h"

#include "codegen/Target.h"

#include <llvm/TargetParser/Triple.h>

#include <cassert>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace jitexpr::codegen {

namespace {

// Scalar libm names and their libmvec base names; each has a double and a float ("f") variant.
// This is all of glibc's libmvec but sincos (LLVM 19's own LIBMVEC-X86 table has six of these and
// no AVX-512 variants, and it offers the AVX2 ones to every target, SSE-only CPUs included).
struct MvecFn {
  const char* scalar;
  const char* params;      // "v" for one vector argument, "vv" for two
  bool intrinsic = false;  // LLVM also has an intrinsic of this name (llvm.sin.f64)
};
constexpr MvecFn kMvec[] = {
    {"sin", "v", true},   {"cos", "v", true},    {"tan", "v", true},    {"exp", "v", true},   {"log", "v", true},
    {"pow", "vv", true},  {"asin", "v"},         {"acos", "v"},         {"atan", "v"},        {"sinh", "v"},
    {"cosh", "v"},        {"tanh", "v"},         {"asinh", "v"},        {"acosh", "v"},       {"atanh", "v"},
    {"expm1", "v"},       {"log1p", "v"},        {"log2", "v", true},   {"log10", "v", true}, {"exp2", "v", true},
    {"exp10", "v", true}, {"cbrt", "v"},         {"erf", "v"},          {"erfc", "v"},        {"atan2", "vv"},
    {"hypot", "vv"},
};

std::unique_ptr<llvm::TargetLibraryInfoImpl> make_library_info(VectorIsa level) {
  llvm::Triple triple(host_target().triple);
  auto tlii = std::make_unique<llvm::TargetLibraryInfoImpl>(triple);

  // VecDesc holds StringRefs: the strings live as long as the process.
  static std::mutex mutex;
  static std::deque<std::string> names;
  std::lock_guard<std::mutex> lock(mutex);
  std::vector<llvm::VecDesc> descs;
  struct Isa {
    char letter;
    int doubles;  // lanes of double; float has twice as many
    VectorIsa needs;
  };
  // Only the variants whose instructions the target has: an SSE-only CPU must never be handed an
  // AVX2 variant, whatever vectorization factor the vectorizer picks.
  const Isa isas[] = {{'b', 2, VectorIsa::Sse}, {'d', 4, VectorIsa::Avx2}, {'e', 8, VectorIsa::Avx512}};
  for (const MvecFn& fn : kMvec) {
    for (const Isa& isa : isas) {
      if (isa.needs > level) continue;
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
        descs.emplace_back(s, v, llvm::ElementCount::getFixed(static_cast<unsigned>(lanes)), false, p);
        // LLVM may rewrite the libcall into its intrinsic (log2 -> llvm.log2.f64); map that too.
        if (fn.intrinsic) {
          names.push_back(std::string("llvm.") + fn.scalar + (single ? ".f32" : ".f64"));
          descs.emplace_back(llvm::StringRef(names.back()), v,
                             llvm::ElementCount::getFixed(static_cast<unsigned>(lanes)), false, p);
        }
      }
    }
  }
  tlii->addVectorizableFunctions(descs);
  return tlii;
}

}  // namespace

const llvm::TargetLibraryInfoImpl& library_info(VectorIsa isa) {
  // Each made on first use only: registering the mappings sorts them.
  switch (isa) {
    case VectorIsa::Sse: {
      static const std::unique_ptr<llvm::TargetLibraryInfoImpl> info = make_library_info(isa);
      return *info;
    }
    case VectorIsa::Avx2: {
      static const std::unique_ptr<llvm::TargetLibraryInfoImpl> info = make_library_info(isa);
      return *info;
    }
    case VectorIsa::Avx512: {
      static const std::unique_ptr<llvm::TargetLibraryInfoImpl> info = make_library_info(isa);
      return *info;
    }
  }
  assert(false && "every VectorIsa is listed");
  return library_info(VectorIsa::Sse);
}

}  // namespace jitexpr::codegen
