//===- FoldEmptyTensors.cpp - compute zero-element values at compile time -===//
//
// A tensor with a zero-sized dim holds no data, so the op producing it needs
// no kernel: its uses take an empty constant. Reductions over an empty input
// yield the reduction's identity. Kernels therefore never see zero-element
// buffers, which the bare-pointer calling convention and buffer hoisting do
// not handle.
//
//===----------------------------------------------------------------------===//
#include "compiler/Passes.h"
#include "compiler/transforms/Patterns.h"
#include "ir/Ops.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <limits>

namespace dlc {
#define GEN_PASS_DEF_FOLDEMPTYTENSORS
#include "compiler/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

bool isEmpty(Type type) {
  auto tensor = llvm::dyn_cast<RankedTensorType>(type);
  return tensor && tensor.hasStaticShape() && tensor.getNumElements() == 0;
}

Value emptyConstant(PatternRewriter &rewriter, Location loc, Type type) {
  auto tensor = llvm::cast<RankedTensorType>(type);
  return dlc::ConstantOp::create(rewriter, loc,
                                 DenseElementsAttr::getFromRawBuffer(tensor, ArrayRef<char>()));
}

/// Any dlc op: uses of its zero-element results take an empty constant; the
/// op dies once nothing else uses it.
struct ReplaceEmptyResults : RewritePattern {
  explicit ReplaceEmptyResults(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context) {}
  LogicalResult matchAndRewrite(Operation *op, PatternRewriter &rewriter) const override {
    if (!llvm::isa<dlc::DlcDialect>(op->getDialect()) || llvm::isa<dlc::ConstantOp>(op))
      return failure();
    bool changed = false;
    for (OpResult result : op->getResults()) {
      if (!isEmpty(result.getType()) || result.use_empty())
        continue;
      rewriter.setInsertionPoint(op);
      rewriter.replaceAllUsesWith(result, emptyConstant(rewriter, op->getLoc(), result.getType()));
      changed = true;
    }
    return success(changed);
  }
};

/// The value a reduction of no elements yields (ONNX: 0, -inf/lowest, NaN).
template <typename OpTy> Attribute reductionIdentity(Type elementType);

template <> Attribute reductionIdentity<dlc::ReduceSumOp>(Type elementType) {
  if (auto f = llvm::dyn_cast<FloatType>(elementType))
    return FloatAttr::get(f, 0.0);
  return IntegerAttr::get(elementType, 0);
}
template <> Attribute reductionIdentity<dlc::ReduceMeanOp>(Type elementType) {
  if (auto f = llvm::dyn_cast<FloatType>(elementType))
    return FloatAttr::get(f, std::numeric_limits<double>::quiet_NaN());
  return nullptr; // integer 0/0 has no value: leave it to the kernel
}
template <> Attribute reductionIdentity<dlc::ReduceMaxOp>(Type elementType) {
  if (auto f = llvm::dyn_cast<FloatType>(elementType))
    return FloatAttr::get(f, APFloat::getInf(f.getFloatSemantics(), /*Negative=*/true));
  unsigned width = elementType.getIntOrFloatBitWidth();
  bool isUnsigned = width == 1 || elementType.isUnsignedInteger();
  APInt lowest = isUnsigned ? APInt(width, 0) : APInt::getSignedMinValue(width);
  return IntegerAttr::get(elementType, lowest);
}

template <typename OpTy> struct FoldEmptyReduction : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rewriter) const override {
    if (!isEmpty(op.getInput().getType()) || isEmpty(op.getType()))
      return failure();
    auto type = llvm::cast<RankedTensorType>(op.getType());
    Attribute identity = reductionIdentity<OpTy>(type.getElementType());
    if (!identity)
      return failure();
    rewriter.replaceOpWithNewOp<dlc::ConstantOp>(op, DenseElementsAttr::get(type, identity));
    return success();
  }
};

/// concat(a, <empty>, b) -> concat(a, b).
struct DropEmptyConcatInputs : OpRewritePattern<dlc::ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(dlc::ConcatOp op, PatternRewriter &rewriter) const override {
    SmallVector<Value> kept;
    for (Value input : op.getInputs())
      if (!isEmpty(input.getType()))
        kept.push_back(input);
    if (kept.size() == op.getInputs().size() || kept.empty())
      return failure();
    if (kept.size() == 1 && kept.front().getType() == op.getType()) {
      rewriter.replaceOp(op, kept.front());
      return success();
    }
    rewriter.replaceOpWithNewOp<dlc::ConcatOp>(op, op.getType(), kept, op.getAxisAttr());
    return success();
  }
};

/// split(x) -> (a, <empty>, b) becomes a split into (a, b) only.
struct DropEmptySplitResults : OpRewritePattern<dlc::SplitOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(dlc::SplitOp op, PatternRewriter &rewriter) const override {
    SmallVector<Type> keptTypes;
    for (Type type : op.getResultTypes())
      if (!isEmpty(type))
        keptTypes.push_back(type);
    if (keptTypes.size() == op.getNumResults() || keptTypes.empty())
      return failure();
    auto split = dlc::SplitOp::create(rewriter, op.getLoc(), keptTypes, op.getInput(),
                                      op.getAxisAttr());
    SmallVector<Value> replacements;
    unsigned next = 0;
    for (Type type : op.getResultTypes())
      replacements.push_back(isEmpty(type) ? emptyConstant(rewriter, op.getLoc(), type)
                                           : split.getResult(next++));
    rewriter.replaceOp(op, replacements);
    return success();
  }
};

struct FoldEmptyTensorsPass : dlc::impl::FoldEmptyTensorsBase<FoldEmptyTensorsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    dlc::populateFoldEmptyTensorsPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void dlc::populateFoldEmptyTensorsPatterns(RewritePatternSet &patterns) {
  patterns.add<ReplaceEmptyResults, DropEmptyConcatInputs, DropEmptySplitResults,
               FoldEmptyReduction<dlc::ReduceSumOp>, FoldEmptyReduction<dlc::ReduceMeanOp>,
               FoldEmptyReduction<dlc::ReduceMaxOp>>(patterns.getContext());
}
