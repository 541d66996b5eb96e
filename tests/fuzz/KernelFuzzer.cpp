// Fuzz target: the kernel compiler behind the parser. The bytes are a kernel module; each `def`
// that parses is specialized for a few argument-type signatures by kernel type inference
// (ir/KernelInfer), and each specialization that type-checks is printed and compiled to machine
// code (codegen/EmitKernel through codegen::Jit, with LLVM's verifier on: assertions are on in the
// fuzz preset). Inference either succeeds or throws a jitexpr::Error that points into the text;
// code generation throws nothing. Nothing is run: a fuzzed loop need not end.
#include "base/KType.h"
#include "codegen/Compiler.h"
#include "frontend/ModuleParser.h"
#include "ir/KernelIR.h"
#include "ir/KernelInfer.h"
#include "tests/fuzz/FuzzCheck.h"

#include <jitexpr/DType.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

using namespace jitexpr;

namespace {

// Bounds on one input's work: longer modules only make inference and LLVM slower, not different.
constexpr std::size_t kMaxInputBytes = 4096;
constexpr std::size_t kMaxDefs = 4;     // defs specialized per input
constexpr int kMaxCompiles = 6;         // specializations compiled to machine code per input

// The argument types of the mixed signature: every dtype kind, both array layouts, ranks 1 to 3.
const std::array<KType, 12> kMixed = {
    KType::scalar(DType::Bool),         KType::scalar(DType::Int32),
    KType::scalar(DType::Int64),        KType::scalar(DType::UInt8),
    KType::scalar(DType::Float32),      KType::scalar(DType::Float64),
    KType::scalar(DType::Complex128),   KType::array(DType::Int64, 1),
    KType::array(DType::Float64, 1),    KType::array(DType::Float64, 2, /*contiguous=*/false),
    KType::array(DType::Complex128, 1), KType::array(DType::Float32, 3),
};

// The type a caller passes for `p`: its annotation's, or `otherwise` where it has none.
KType passed_type(const ast::Param& p, KType otherwise) {
  return p.annotation ? ir::annotation_type(*p.annotation) : otherwise;
}

// The signatures tried for `def`: int64 scalars, float64 scalars and float64[:] arrays for every
// parameter (annotated ones get their annotation, so inference reaches the body), then a mix drawn
// from the text's hash that ignores annotations (so mismatches are tried too).
std::vector<std::vector<KType>> signatures(const ast::FunctionDef& def, std::uint64_t h) {
  std::vector<std::vector<KType>> out;
  for (KType fill : {KType::scalar(DType::Int64), KType::scalar(DType::Float64), KType::array(DType::Float64, 1)}) {
    std::vector<KType> sig;
    for (const ast::Param& p : def.params) sig.push_back(passed_type(p, fill));
    // Annotations may make two of them the same.
    if (out.empty() || sig != out.back()) out.push_back(std::move(sig));
  }
  std::vector<KType> mixed;
  for (std::size_t i = 0; i < def.params.size(); ++i) {
    mixed.push_back(kMixed[(h >> 33) % kMixed.size()]);
    h = h * 6364136223846793005ull + 1442695040888963407ull;
  }
  out.push_back(std::move(mixed));
  return out;
}

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 1469598103934665603ull;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

std::string describe(const ast::FunctionDef& def, const std::vector<KType>& sig) {
  std::string s = def.name + "(";
  for (std::size_t i = 0; i < sig.size(); ++i) s += (i ? ", " : "") + sig[i].str();
  return s + ")";
}

codegen::Jit& jit() {
  static codegen::Jit* j = new codegen::Jit();  // one LLJIT for the whole run; never destroyed
  return *j;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInputBytes) return 0;
  Source src{"<module>", std::string(reinterpret_cast<const char*>(data), size)};
  ast::Module m;
  try {
    m = parse_module(src);
  } catch (const Error& err) {
    fuzz::check_error(err, src.text);  // the parse_module target checks the parser more closely
    return 0;
  }
  std::uint64_t h = fnv1a(src.text);
  int compiles = 0;
  for (std::size_t d = 0; d < m.functions.size() && d < kMaxDefs; ++d) {
    const ast::FunctionDef& def = m.functions[d];
    for (const std::vector<KType>& sig : signatures(def, h + d)) {
      ir::KProgram p;
      try {
        p = ir::infer_kernel(m, src, def.name, sig);
      } catch (const Error& err) {
        fuzz::check_error(err, src.text);
        continue;
      } catch (const std::exception& e) {
        fuzz::fail("kernel inference threw something other than a jitexpr::Error", describe(def, sig) + ": " + e.what());
      }
      fuzz::check(!p.functions.empty() && p.entry().params == sig, "the entry specialization does not take its signature",
                  describe(def, sig));
      std::string printed = ir::print_kernel_program(p);
      if (compiles >= kMaxCompiles) continue;
      ++compiles;
      codegen::CompileOptions options;
      options.opt_level = static_cast<int>((h >> 7) % 2);
      options.boundscheck = (h >> 9) % 4 != 0;
      try {
        std::unique_ptr<codegen::CompiledKernel> code = jit().compile(p, options);
        fuzz::check(code && code->entry() != nullptr, "a compiled kernel has no entry", describe(def, sig));
      } catch (const std::exception& e) {
        // Code generation has no user errors left to find: inference accepted the program.
        fuzz::fail("compiling a type-checked kernel failed", describe(def, sig) + ": " + e.what() + "\n" + printed);
      }
    }
  }
  return 0;
}
