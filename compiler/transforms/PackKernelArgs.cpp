//===- PackKernelArgs.cpp - plan ABI entry points for kernels -------------===//
//
// After lowering, a kernel is `void k(ptr in0, ..., ptr outN)` (bare-pointer
// memrefs, results turned into out-params). The runtime calls every kernel
// through one signature, `void k_entry(void *const *args)` (dlc_cpu_fn in
// runtime/include/dlc/plan.h), so this pass adds that wrapper.
//
//===----------------------------------------------------------------------===//
#include "compiler/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"

namespace dlc {
#define GEN_PASS_DEF_PACKKERNELARGS
#include "compiler/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {
struct PackKernelArgsPass : dlc::impl::PackKernelArgsBase<PackKernelArgsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    OpBuilder builder(&getContext());
    auto ptrType = LLVM::LLVMPointerType::get(&getContext());
    for (auto kernel : llvm::to_vector(module.getOps<LLVM::LLVMFuncOp>())) {
      if (!kernel->hasAttr(dlc::kKernelAttr) || kernel.isExternal())
        continue;
      LLVM::LLVMFunctionType type = kernel.getFunctionType();
      if (!llvm::all_of(type.getParams(), [&](Type t) { return t == ptrType; }) ||
          !llvm::isa<LLVM::LLVMVoidType>(type.getReturnType())) {
        kernel.emitError("kernel does not have the bare-pointer signature "
                         "void(ptr...) expected by the plan ABI: ")
            << type;
        return signalPassFailure();
      }
      Location loc = kernel.getLoc();
      builder.setInsertionPointAfter(kernel);
      auto entryType = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(&getContext()),
                                                   {ptrType});
      auto entry = LLVM::LLVMFuncOp::create(
          builder, loc, (kernel.getSymName() + dlc::kKernelEntrySuffix).str(), entryType);
      Block *body = entry.addEntryBlock(builder);
      builder.setInsertionPointToStart(body);
      SmallVector<Value> args;
      for (unsigned i = 0, e = type.getNumParams(); i < e; ++i) {
        Value slot = LLVM::GEPOp::create(builder, loc, ptrType, ptrType, body->getArgument(0),
                                         ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(i)});
        args.push_back(LLVM::LoadOp::create(builder, loc, ptrType, slot));
      }
      LLVM::CallOp::create(builder, loc, kernel, args);
      LLVM::ReturnOp::create(builder, loc, ValueRange{});
      kernel.setLinkage(LLVM::Linkage::Internal);
    }
  }
};
} // namespace
