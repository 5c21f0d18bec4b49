//===- Ops.cpp - dlc verifiers, folders and canonicalizations -------------===//
#include "ir/Ops.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace dlc;

#define GET_OP_CLASSES
#include "ir/Ops.cpp.inc"

static RankedTensorType rankedType(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

//===----------------------------------------------------------------------===//
// constant / identity / dropout / cast
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

LogicalResult ConstantOp::verify() {
  if (getValue().getType() != getType())
    return emitOpError("value type ")
           << getValue().getType() << " differs from result type " << getType();
  return success();
}

LogicalResult GradientOp::verify() {
  if (getXs().empty())
    return emitOpError("needs at least one value to differentiate with respect to");
  if (getGrads().size() != getXs().size())
    return emitOpError("has ") << getGrads().size() << " results for " << getXs().size()
                               << " values to differentiate with respect to";
  for (auto [i, x, g] : llvm::enumerate(getXs(), getGrads()))
    if (x.getType() != g.getType())
      return emitOpError("result #") << i << " has type " << g.getType()
                                     << ", the gradient of xs #" << i << " must have its type "
                                     << x.getType();
  auto y = rankedType(getY());
  if (!y.hasStaticShape() || y.getNumElements() != 1)
    return emitOpError("y must have exactly one element (a scalar loss), got ") << y;
  return success();
}

OpFoldResult IdentityOp::fold(FoldAdaptor) { return getInput(); }
OpFoldResult DropoutOp::fold(FoldAdaptor) { return getInput(); }

LogicalResult CastOp::verify() {
  if (rankedType(getInput()).getShape() != rankedType(getOutput()).getShape())
    return emitOpError("changes the shape from ")
           << getInput().getType() << " to " << getOutput().getType();
  return success();
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getOutput().getType())
    return getInput();
  return {};
}

LogicalResult GeluOp::verify() {
  if (getApproximate() != "none" && getApproximate() != "tanh")
    return emitOpError("approximate must be \"none\" or \"tanh\", got \"")
           << getApproximate() << "\"";
  return success();
}

//===----------------------------------------------------------------------===//
// normalization
//===----------------------------------------------------------------------===//

LogicalResult BatchNormOp::verify() {
  auto input = rankedType(getInput());
  if (input.getRank() < 2)
    return emitOpError("input needs rank >= 2 (N, C, ...), got ") << input;
  int64_t channels = input.getDimSize(1);
  for (auto [name, v] : {std::pair<StringRef, Value>{"scale", getScale()},
                         {"bias", getBias()},
                         {"mean", getMean()},
                         {"variance", getVariance()}}) {
    auto t = rankedType(v);
    if (t.getRank() != 1 || t.getDimSize(0) != channels)
      return emitOpError() << name << " must be [" << channels << "], got " << t;
  }
  return success();
}

LogicalResult LayerNormOp::verify() {
  auto input = rankedType(getInput());
  int64_t axis = getAxis();
  if (axis < 0 || axis >= input.getRank())
    return emitOpError("axis ") << axis << " out of range for " << input;
  ArrayRef<int64_t> normShape = input.getShape().drop_front(axis);
  auto checkBroadcastable = [&](StringRef name, Value v) -> LogicalResult {
    auto t = rankedType(v);
    if (t.getRank() > (int64_t)normShape.size())
      return emitOpError() << name << " rank exceeds the normalized dims: " << t;
    ArrayRef<int64_t> tail = normShape.take_back(t.getRank());
    for (auto [a, b] : llvm::zip(t.getShape(), tail))
      if (a != b && a != 1)
        return emitOpError() << name << " " << t
                             << " does not broadcast to the normalized dims";
    return success();
  };
  if (failed(checkBroadcastable("scale", getScale())))
    return failure();
  if (getBias() && failed(checkBroadcastable("bias", getBias())))
    return failure();
  return success();
}

template <typename SoftmaxLike>
static LogicalResult verifySoftmaxAxis(SoftmaxLike op) {
  int64_t rank = rankedType(op.getInput()).getRank();
  if (op.getAxis() < 0 || op.getAxis() >= rank)
    return op.emitOpError("axis ") << op.getAxis() << " out of range for rank " << rank;
  return success();
}
LogicalResult SoftmaxOp::verify() { return verifySoftmaxAxis(*this); }
LogicalResult LogSoftmaxOp::verify() { return verifySoftmaxAxis(*this); }

//===----------------------------------------------------------------------===//
// reshape
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  auto in = rankedType(getInput()), out = rankedType(getOutput());
  if (in.getElementType() != out.getElementType())
    return emitOpError("changes the element type");
  if (in.hasStaticShape() && out.hasStaticShape() &&
      in.getNumElements() != out.getNumElements())
    return emitOpError("element count differs: ") << in << " vs " << out;
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto dense = llvm::dyn_cast_if_present<DenseElementsAttr>(adaptor.getInput()))
    return dense.reshape(llvm::cast<ShapedType>(getType()));
  return {};
}

namespace {
/// reshape(reshape(x)) -> reshape(x): only the final shape matters.
struct FoldReshapeChain : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op, PatternRewriter &rewriter) const override {
    auto producer = op.getInput().getDefiningOp<ReshapeOp>();
    if (!producer)
      return failure();
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getType(), producer.getInput());
    return success();
  }
};
} // namespace

void ReshapeOp::getCanonicalizationPatterns(RewritePatternSet &results, MLIRContext *ctx) {
  results.add<FoldReshapeChain>(ctx);
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  ArrayRef<int64_t> perm = getPerm();
  bool identity = true;
  for (int64_t i = 0, e = perm.size(); i < e; ++i)
    identity &= perm[i] == i;
  if (identity)
    return getInput();
  // A transpose of a splat constant is the same splat.
  if (auto dense = llvm::dyn_cast_if_present<DenseElementsAttr>(adaptor.getInput()))
    if (dense.isSplat())
      return dense.resizeSplat(llvm::cast<ShapedType>(getType()));
  return {};
}

namespace {
/// transpose(transpose(x, p), q) -> transpose(x, p o q).
struct ComposeTransposes : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op, PatternRewriter &rewriter) const override {
    auto producer = op.getInput().getDefiningOp<TransposeOp>();
    if (!producer)
      return failure();
    SmallVector<int64_t> perm;
    for (int64_t p : op.getPerm())
      perm.push_back(producer.getPerm()[p]);
    rewriter.replaceOpWithNewOp<TransposeOp>(op, producer.getInput(), perm);
    return success();
  }
};
} // namespace

void TransposeOp::getCanonicalizationPatterns(RewritePatternSet &results, MLIRContext *ctx) {
  results.add<ComposeTransposes>(ctx);
}

//===----------------------------------------------------------------------===//
// split / slice / expand: result shapes come from the importer; check them.
//===----------------------------------------------------------------------===//

LogicalResult SplitOp::verify() {
  auto in = rankedType(getInput());
  int64_t axis = getAxis();
  if (axis < 0 || axis >= in.getRank())
    return emitOpError("axis ") << axis << " out of range for " << in;
  int64_t total = 0;
  for (Value result : getOutputs()) {
    auto t = rankedType(result);
    if (t.getRank() != in.getRank() || t.getElementType() != in.getElementType())
      return emitOpError("result ") << t << " does not match input " << in;
    for (int64_t d = 0; d < in.getRank(); ++d)
      if (d != axis && t.getDimSize(d) != in.getDimSize(d))
        return emitOpError("result ") << t << " differs from input " << in
                                      << " outside the split axis";
    total += t.getDimSize(axis);
  }
  if (total != in.getDimSize(axis))
    return emitOpError("result sizes along axis ") << axis << " add up to " << total
                                                   << ", input has " << in.getDimSize(axis);
  return success();
}

LogicalResult SliceOp::verify() {
  auto in = rankedType(getInput()), out = rankedType(getOutput());
  int64_t rank = in.getRank();
  if (out.getRank() != rank || in.getElementType() != out.getElementType())
    return emitOpError("result ") << out << " does not match input " << in;
  if ((int64_t)getStarts().size() != rank || (int64_t)getSteps().size() != rank)
    return emitOpError("starts/steps need one entry per dim (") << rank << ")";
  for (int64_t d = 0; d < rank; ++d) {
    int64_t start = getStarts()[d], step = getSteps()[d], size = out.getDimSize(d);
    if (step == 0)
      return emitOpError("step of dim ") << d << " is 0";
    if (size == 0)
      continue;
    int64_t last = start + (size - 1) * step;
    if (start < 0 || start >= in.getDimSize(d) || last < 0 || last >= in.getDimSize(d))
      return emitOpError("dim ") << d << " reads [" << start << ", " << last
                                 << "] outside [0, " << in.getDimSize(d) << ")";
  }
  return success();
}

LogicalResult ExpandOp::verify() {
  auto in = rankedType(getInput()), out = rankedType(getOutput());
  if (in.getElementType() != out.getElementType() || in.getRank() > out.getRank())
    return emitOpError("cannot expand ") << in << " to " << out;
  for (auto [a, b] : llvm::zip(llvm::reverse(in.getShape()), llvm::reverse(out.getShape())))
    if (a != b && a != 1)
      return emitOpError("cannot broadcast ") << in << " to " << out;
  return success();
}

//===----------------------------------------------------------------------===//
// kernel
//===----------------------------------------------------------------------===//

LogicalResult KernelOp::verify() {
  Block &body = getBody().front();
  if (body.getArgumentTypes() != getInputs().getTypes())
    return emitOpError("block argument types must match the inputs");
  auto yield = llvm::cast<YieldOp>(body.getTerminator());
  if (yield.getValues().getTypes() != getOutputs().getTypes())
    return emitOpError("yielded types must match the results");
  return success();
}
