//===- Losses.cpp - loss functions of dlc --train, composed of dlc ops ----===//
#include "compiler/transforms/Training.h"
#include "ir/GradientUtils.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace dlc;
using namespace dlc::grad;

static SmallVector<int64_t> allAxes(Value v) {
  SmallVector<int64_t> axes;
  for (int64_t d = 0; d < typeOf(v).getRank(); ++d)
    axes.push_back(d);
  return axes;
}

static Value meanAll(OpBuilder &b, Location loc, Value v) {
  if (typeOf(v).getRank() == 0)
    return v;
  return ReduceMeanOp::create(b, loc, v, allAxes(v), /*keepdims=*/false);
}

FailureOr<Value> dlc::buildLoss(OpBuilder &b, Location loc, StringRef kind, Value prediction,
                                Value labels) {
  Emit e{b, loc};
  if (kind == "mse") {
    Value diff = e.sub(prediction, labels);
    return meanAll(b, loc, e.mul(diff, diff));
  }
  if (kind == "binary_cross_entropy") {
    if (auto sigmoid = prediction.getDefiningOp<SigmoidOp>()) {
      // From the logits z: max(z, 0) - y z + log(1 + exp(-|z|)), stable for any z.
      Value z = sigmoid.getInput();
      Value softplus = e.add(ReluOp::create(b, loc, z),
                             e.log(e.add(e.scalar(z, 1), e.exp(e.neg(AbsOp::create(b, loc, z))))));
      return meanAll(b, loc, e.sub(softplus, e.mul(labels, z)));
    }
    // Probabilities: clip away from 0 and 1 so log stays finite.
    const double eps = 1e-7;
    Value p = ClipOp::create(b, loc, prediction, b.getF64FloatAttr(eps),
                             b.getF64FloatAttr(1 - eps));
    Value one = e.scalar(p, 1);
    Value ll = e.add(e.mul(labels, e.log(p)), e.mul(e.sub(one, labels), e.log(e.sub(one, p))));
    return meanAll(b, loc, e.neg(ll));
  }
  if (kind == "softmax_cross_entropy") {
    int64_t axis = typeOf(prediction).getRank() - 1;
    Value logits = prediction;
    if (auto softmax = prediction.getDefiningOp<SoftmaxOp>(); softmax && softmax.getAxis() == axis)
      logits = softmax.getInput();
    else if (auto logSoftmax = prediction.getDefiningOp<LogSoftmaxOp>();
             logSoftmax && logSoftmax.getAxis() == axis)
      logits = logSoftmax.getInput();
    Value logProb = LogSoftmaxOp::create(b, loc, logits, axis);
    Value perSample = ReduceSumOp::create(b, loc, e.mul(labels, logProb), {axis}, false);
    return e.neg(meanAll(b, loc, perSample));
  }
  emitError(loc) << "unknown loss '" << kind
                 << "' (mse, binary_cross_entropy, softmax_cross_entropy)";
  return failure();
}
