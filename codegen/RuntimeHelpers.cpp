#include "codegen/RuntimeHelpers.h"

#include <llvm/Bitcode/BitcodeReader.h>
#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/Linker/Linker.h>
#include <llvm/Support/MemoryBuffer.h>

#include <cassert>
#include <cstddef>
#include <memory>
#include <mutex>

extern const unsigned char jitexpr_helpers_bc[];
extern const std::size_t jitexpr_helpers_bc_size;

namespace jitexpr::codegen {

namespace {

llvm::MemoryBufferRef helper_bitcode() {
  llvm::StringRef bytes(reinterpret_cast<const char*>(jitexpr_helpers_bc), jitexpr_helpers_bc_size);
  return llvm::MemoryBufferRef(bytes, "jitexpr-helpers");
}

// The helper module, read lazily into `ctx`: only the bodies that get used are ever parsed.
std::unique_ptr<llvm::Module> read_helpers(llvm::LLVMContext& ctx) {
  llvm::Expected<std::unique_ptr<llvm::Module>> m = llvm::getLazyBitcodeModule(helper_bitcode(), ctx);
  if (!m) {
    llvm::consumeError(m.takeError());
    assert(false && "the embedded helper bitcode is valid");
    return nullptr;
  }
  return std::move(*m);
}

// The helpers' signatures, read once per process into a context of their own, which nothing
// changes after: declarations in other contexts are translated from it.
struct Catalogue {
  llvm::LLVMContext ctx;
  std::unique_ptr<llvm::Module> module = read_helpers(ctx);
};

const Catalogue& catalogue() {
  static const Catalogue* c = new Catalogue();  // never destroyed: other threads may compile at exit
  return *c;
}

// `t` of the catalogue's context, in `ctx`. The helpers' signatures use scalars, pointers and
// literal structs (a complex result is {double, double}).
llvm::Type* translate(llvm::Type* t, llvm::LLVMContext& ctx) {
  switch (t->getTypeID()) {
    case llvm::Type::VoidTyID: return llvm::Type::getVoidTy(ctx);
    case llvm::Type::FloatTyID: return llvm::Type::getFloatTy(ctx);
    case llvm::Type::DoubleTyID: return llvm::Type::getDoubleTy(ctx);
    case llvm::Type::IntegerTyID: return llvm::IntegerType::get(ctx, t->getIntegerBitWidth());
    case llvm::Type::PointerTyID: return llvm::PointerType::get(ctx, t->getPointerAddressSpace());
    case llvm::Type::StructTyID: {
      auto* st = llvm::cast<llvm::StructType>(t);
      assert(st->isLiteral() && "helper signatures use literal structs only");
      std::vector<llvm::Type*> elements;
      for (llvm::Type* e : st->elements()) elements.push_back(translate(e, ctx));
      return llvm::StructType::get(ctx, elements, st->isPacked());
    }
    case llvm::Type::ArrayTyID: return llvm::ArrayType::get(translate(t->getArrayElementType(), ctx), t->getArrayNumElements());
    default: assert(false && "a helper signature uses a type jitexpr does not translate"); return nullptr;
  }
}

}  // namespace

llvm::Function* declare_helper(llvm::Module& m, llvm::StringRef name) {
  if (llvm::Function* f = m.getFunction(name)) return f;
  const llvm::Function* proto = catalogue().module->getFunction(name);
  assert(proto && "runtime helper missing from the helper bitcode");
  llvm::FunctionType* pt = proto->getFunctionType();
  std::vector<llvm::Type*> params;
  for (llvm::Type* p : pt->params()) params.push_back(translate(p, m.getContext()));
  auto* ft = llvm::FunctionType::get(translate(pt->getReturnType(), m.getContext()), params, pt->isVarArg());
  return llvm::Function::Create(ft, llvm::GlobalValue::ExternalLinkage, name, m);
}

void link_runtime_helpers(llvm::Module& m, llvm::ArrayRef<llvm::StringRef> keep) {
  bool calls_helpers = false;
  for (const llvm::Function& f : m) {
    calls_helpers = calls_helpers || (f.isDeclaration() && !f.isIntrinsic() && f.getName().starts_with("jx_"));
  }
  if (calls_helpers) {
    std::unique_ptr<llvm::Module> helpers = read_helpers(m.getContext());
    helpers->setDataLayout(m.getDataLayout());
    helpers->setTargetTriple(m.getTargetTriple());
    for (llvm::Function& f : *helpers) {
      f.removeFnAttr("target-cpu");
      f.removeFnAttr("target-features");
      f.removeFnAttr("tune-cpu");
    }
    // Only the helpers the module declares, and what those reference, are read and linked.
    bool failed = llvm::Linker::linkModules(m, std::move(helpers), llvm::Linker::Flags::LinkOnlyNeeded);
    assert(!failed && "the runtime helpers link into a kernel module");
    (void)failed;
  }
  for (llvm::Function& f : m) {
    if (f.isDeclaration()) continue;
    bool kept = false;
    for (llvm::StringRef k : keep) kept = kept || f.getName() == k;
    if (!kept) f.setLinkage(llvm::GlobalValue::InternalLinkage);
  }
}

}  // namespace jitexpr::codegen
