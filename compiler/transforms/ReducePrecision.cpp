//===- ReducePrecision.cpp - conv/matmul/gemm in f16 or bf16 --------------===//
//
// `--precision=fp16|bf16`: every f32 conv, matmul and gemm reads its
// operands in the reduced type and writes a reduced result that is cast
// back to f32:
//
//   y = conv(x, w, b)  ->  y = f32(conv(f16(x), f16(w), f16(b)))
//
// The contraction lowering accumulates f16/bf16 in f32 and rounds once at
// the end, so the products and sums keep f32 precision; only the operands
// and the result are rounded. Constant operands (weights, biases) are
// converted here, once (round to nearest even). Everything else (softmax,
// layer norm, elementwise ops) stays f32.
//
//===----------------------------------------------------------------------===//
#include "compiler/Passes.h"
#include "ir/Ops.h"
#include "ir/QuantBuilders.h"

#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/TypeSwitch.h"

namespace dlc {
#define GEN_PASS_DEF_REDUCEPRECISION
#include "compiler/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

bool isF32(Value v) {
  return llvm::cast<RankedTensorType>(v.getType()).getElementType().isF32();
}

struct ReducePrecisionPass : dlc::impl::ReducePrecisionBase<ReducePrecisionPass> {
  using ReducePrecisionBase::ReducePrecisionBase;

  void runOnOperation() override {
    Type low;
    OpBuilder b(&getContext());
    if (type == "f16")
      low = b.getF16Type();
    else if (type == "bf16")
      low = b.getBF16Type();
    else {
      getOperation()->emitError("dlc-reduce-precision: type must be f16 or bf16, got '")
          << type << "'";
      return signalPassFailure();
    }
    SmallVector<Operation *> targets;
    getOperation()->walk([&](Operation *op) {
      if (llvm::isa<dlc::ConvOp, dlc::MatMulOp, dlc::GemmOp>(op) && isF32(op->getResult(0)) &&
          llvm::all_of(op->getOperands(), isF32))
        targets.push_back(op);
    });
    for (Operation *op : targets) {
      b.setInsertionPoint(op);
      Location loc = op->getLoc();
      auto narrow = [&](Value v) { return v ? dlc::castElements(b, loc, v, low) : v; };
      Value result =
          llvm::TypeSwitch<Operation *, Value>(op)
              .Case([&](dlc::ConvOp c) {
                return dlc::ConvOp::create(b, loc, narrow(c.getInput()), narrow(c.getWeight()),
                                           narrow(c.getBias()), c.getStridesAttr(),
                                           c.getPadsAttr(), c.getDilationsAttr(),
                                           c.getGroupAttr());
              })
              .Case([&](dlc::MatMulOp m) {
                return dlc::MatMulOp::create(b, loc, narrow(m.getLhs()), narrow(m.getRhs()));
              })
              .Case([&](dlc::GemmOp g) {
                return dlc::GemmOp::create(b, loc, narrow(g.getA()), narrow(g.getB()),
                                           narrow(g.getC()), g.getAlphaAttr(), g.getBetaAttr(),
                                           g.getTransAAttr(), g.getTransBAttr());
              });
      op->getResult(0).replaceAllUsesWith(dlc::castElements(b, loc, result, b.getF32Type()));
      op->erase();
    }
  }
};

} // namespace
