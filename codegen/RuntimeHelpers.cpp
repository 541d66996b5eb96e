#include "codegen/RuntimeHelpers.h"

#include <llvm/Bitcode/BitcodeReader.h>
#include <llvm/Support/MemoryBuffer.h>

#include <cassert>
#include <cstddef>

extern const unsigned char jitexpr_helpers_bc[];
extern const std::size_t jitexpr_helpers_bc_size;

namespace jitexpr::codegen {

std::unique_ptr<llvm::Module> load_runtime_helpers(llvm::LLVMContext& ctx) {
  llvm::StringRef bytes(reinterpret_cast<const char*>(jitexpr_helpers_bc), jitexpr_helpers_bc_size);
  llvm::MemoryBufferRef buffer(bytes, "jitexpr-helpers");
  // Lazily: only the helpers a program calls are read (internalize_helpers), not the whole module.
  llvm::Expected<std::unique_ptr<llvm::Module>> m = llvm::getLazyBitcodeModule(buffer, ctx);
  if (!m) {
    llvm::consumeError(m.takeError());
    assert(false && "the embedded helper bitcode is valid");
    return nullptr;
  }
  for (llvm::Function& f : **m) {
    f.removeFnAttr("target-cpu");
    f.removeFnAttr("target-features");
    f.removeFnAttr("tune-cpu");
  }
  return std::move(*m);
}

void internalize_helpers(llvm::Module& m, llvm::ArrayRef<llvm::StringRef> keep) {
  // Read the bodies of the helpers the program calls, then of the helpers those call, and so on.
  for (bool more = true; more;) {
    more = false;
    for (llvm::Function& f : m) {
      if (!f.isMaterializable() || f.use_empty()) continue;
      if (llvm::Error e = f.materialize()) {
        llvm::consumeError(std::move(e));
        assert(false && "the embedded helper bitcode is valid");
      }
      more = true;
    }
  }
  for (llvm::Function& f : m) {
    if (f.isDeclaration()) continue;
    bool kept = false;
    for (llvm::StringRef k : keep) kept = kept || f.getName() == k;
    if (!kept) f.setLinkage(llvm::GlobalValue::InternalLinkage);
  }
  // Delete the helpers nothing calls before the optimizer sees them: most kernels use one or two
  // of them, and optimizing the rest would dominate compile time.
  bool changed = true;
  while (changed) {
    changed = false;
    for (llvm::Function& f : llvm::make_early_inc_range(m)) {
      if (f.hasLocalLinkage() && f.use_empty()) {
        f.eraseFromParent();
        changed = true;
      } else if (f.isDeclaration() && f.use_empty() && !f.isIntrinsic()) {
        f.eraseFromParent();
        changed = true;
      }
    }
  }
  // Nothing unread is left but what the optimizer never sees; this ends the lazy reading.
  if (llvm::Error e = m.materializeAll()) {
    llvm::consumeError(std::move(e));
    assert(false && "the embedded helper bitcode is valid");
  }
}

}  // namespace jitexpr::codegen
