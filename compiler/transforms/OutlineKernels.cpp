//===- OutlineKernels.cpp - one kernel function per graph op --------------===//
#include "compiler/Passes.h"
#include "ir/Ops.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

namespace dlc {
#define GEN_PASS_DEF_OUTLINEKERNELS
#include "compiler/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {
struct OutlineKernelsPass : dlc::impl::OutlineKernelsBase<OutlineKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    OpBuilder builder(&getContext());
    unsigned counter = 0;
    for (auto graph : llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (!graph->hasAttr(dlc::kGraphAttr))
        continue;
      SmallVector<Operation *> ops;
      graph.walk([&](Operation *op) {
        if (llvm::isa<dlc::DlcDialect>(op->getDialect()) &&
            !llvm::isa<dlc::ConstantOp, dlc::CopyOp, dlc::YieldOp>(op) &&
            !op->getParentOfType<dlc::KernelOp>())
          ops.push_back(op);
      });
      for (Operation *op : ops)
        outline(module, builder, op, counter++);
    }
  }

  static void outline(ModuleOp module, OpBuilder &builder, Operation *op, unsigned index) {
    auto fused = llvm::dyn_cast<dlc::KernelOp>(op);
    std::string mnemonic = op->getName().stripDialect().str();
    std::string opName = op->getName().getStringRef().str();
    if (fused) {
      mnemonic = "fused";
      opName = "fused(" + fused.getName().str() + ")";
    }
    std::string name = ("k" + llvm::Twine(index) + "_" + mnemonic).str();
    builder.setInsertionPointToEnd(module.getBody());
    auto type = builder.getFunctionType(op->getOperandTypes(), op->getResultTypes());
    auto kernel = func::FuncOp::create(builder, op->getLoc(), name, type);
    kernel.setPrivate();
    kernel->setAttr(dlc::kKernelAttr, builder.getUnitAttr());
    if (fused) {
      // The kernel body already is the function body, minus the terminator.
      kernel.getBody().takeBody(fused.getBody());
      Operation *yield = kernel.getBody().front().getTerminator();
      builder.setInsertionPoint(yield);
      func::ReturnOp::create(builder, yield->getLoc(), yield->getOperands());
      yield->erase();
    } else {
      Block *body = kernel.addEntryBlock();
      builder.setInsertionPointToStart(body);
      IRMapping mapping;
      mapping.map(op->getOperands(), body->getArguments());
      Operation *clone = builder.clone(*op, mapping);
      func::ReturnOp::create(builder, op->getLoc(), clone->getResults());
    }

    builder.setInsertionPoint(op);
    auto call = func::CallOp::create(builder, op->getLoc(), kernel, op->getOperands());
    call->setAttr(dlc::kOpNameAttr, builder.getStringAttr(opName));
    if (Attribute device = op->getAttr(dlc::kDeviceAttr)) {
      call->setAttr(dlc::kDeviceAttr, device); // the plan node's device
      kernel->setAttr(dlc::kDeviceAttr, device); // which lowering the kernel takes
    }
    op->replaceAllUsesWith(call.getResults());
    op->erase();
  }
};
} // namespace
