//===- ExpandGradients.cpp - dlc.gradient -> vector-Jacobian products -----===//
//
// Each dlc.gradient (ONNX Gradient, the graph API's gradients()) is replaced
// by the reverse sweep over the ops before it, the same VJP rules that
// `dlc --train` uses (ReverseMode.cpp).
//===----------------------------------------------------------------------===//
#include "compiler/Passes.h"
#include "compiler/transforms/Training.h"
#include "ir/GradientUtils.h"
#include "ir/Ops.h"

namespace dlc {
#define GEN_PASS_DEF_EXPANDGRADIENTS
#include "compiler/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

LogicalResult expand(dlc::GradientOp gradient) {
  SmallVector<Operation *> before;
  for (Operation &op : *gradient->getBlock()) {
    if (&op == gradient.getOperation())
      break;
    before.push_back(&op);
  }
  OpBuilder b(gradient);
  Location loc = gradient.getLoc();
  FailureOr<SmallVector<Value>> grads =
      dlc::buildGradients(b, loc, before, gradient.getY(), llvm::to_vector(gradient.getXs()));
  if (failed(grads))
    return gradient.emitError("cannot differentiate y with respect to xs");
  for (auto [result, x, g] : llvm::zip(gradient.getGrads(), gradient.getXs(), *grads))
    result.replaceAllUsesWith(g ? g : dlc::grad::zerosLike(b, loc, x));
  gradient.erase();
  return success();
}

struct ExpandGradientsPass : dlc::impl::ExpandGradientsBase<ExpandGradientsPass> {
  void runOnOperation() override {
    // In program order, so a gradient of a gradient sees an expanded graph.
    SmallVector<dlc::GradientOp> gradients;
    getOperation().walk([&](dlc::GradientOp op) { gradients.push_back(op); });
    for (dlc::GradientOp gradient : gradients)
      if (failed(expand(gradient)))
        return signalPassFailure();
  }
};
} // namespace
