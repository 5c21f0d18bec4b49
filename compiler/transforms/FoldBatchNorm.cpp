//===- FoldBatchNorm.cpp - fold inference BatchNorm into conv/gemm --------===//
//
// y = (conv(x, W) + B - mean) * s + beta with s = scale / sqrt(var + eps)
//   = conv(x, W * s[oc]) + ((B - mean) * s + beta)
// so a batch_norm whose input is a conv (or gemm) with constant weights
// disappears into new constant weights and bias. Folding is done in double
// precision and stored as f32.
//
//===----------------------------------------------------------------------===//
#include "compiler/Passes.h"
#include "compiler/transforms/Patterns.h"
#include "ir/Ops.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace dlc {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "compiler/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// The f32 values of a constant operand, or failure.
FailureOr<std::vector<double>> constantValues(Value v) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || !attr.getElementType().isF32())
    return failure();
  std::vector<double> values;
  for (float f : attr.getValues<float>())
    values.push_back(f);
  return values;
}

DenseElementsAttr f32Attr(RankedTensorType type, const std::vector<double> &values) {
  SmallVector<float> data(values.begin(), values.end());
  return DenseElementsAttr::get(type, ArrayRef<float>(data));
}

/// Per-channel multiplier s and shift t of an inference batch norm:
/// bn(y) = y * s + t.
struct ChannelAffine {
  std::vector<double> scale, shift;
};

FailureOr<ChannelAffine> batchNormAffine(dlc::BatchNormOp bn) {
  auto scale = constantValues(bn.getScale()), bias = constantValues(bn.getBias()),
       mean = constantValues(bn.getMean()), var = constantValues(bn.getVariance());
  if (failed(scale) || failed(bias) || failed(mean) || failed(var))
    return failure();
  ChannelAffine affine;
  double eps = bn.getEpsilon().convertToDouble();
  for (size_t c = 0; c < scale->size(); ++c) {
    double s = (*scale)[c] / std::sqrt((*var)[c] + eps);
    affine.scale.push_back(s);
    affine.shift.push_back((*bias)[c] - (*mean)[c] * s);
  }
  return affine;
}

struct FoldBatchNormIntoConv : OpRewritePattern<dlc::BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(dlc::BatchNormOp bn, PatternRewriter &rewriter) const override {
    auto conv = bn.getInput().getDefiningOp<dlc::ConvOp>();
    if (!conv || !conv->hasOneUse())
      return rewriter.notifyMatchFailure(bn, "input is not a conv used only here");
    auto weights = constantValues(conv.getWeight());
    auto affine = batchNormAffine(bn);
    if (failed(weights) || failed(affine))
      return rewriter.notifyMatchFailure(bn, "non-constant f32 weights or statistics");
    std::vector<double> bias(affine->scale.size(), 0.0);
    if (conv.getBias()) {
      auto b = constantValues(conv.getBias());
      if (failed(b))
        return failure();
      bias = *b;
    }
    size_t channels = affine->scale.size(), perChannel = weights->size() / channels;
    for (size_t oc = 0; oc < channels; ++oc) {
      for (size_t i = 0; i < perChannel; ++i)
        (*weights)[oc * perChannel + i] *= affine->scale[oc];
      bias[oc] = bias[oc] * affine->scale[oc] + affine->shift[oc];
    }
    auto weightType = llvm::cast<RankedTensorType>(conv.getWeight().getType());
    auto biasType = RankedTensorType::get({(int64_t)channels}, weightType.getElementType());
    Location loc = rewriter.getFusedLoc({conv.getLoc(), bn.getLoc()});
    Value newWeights = dlc::ConstantOp::create(rewriter, loc, f32Attr(weightType, *weights));
    Value newBias = dlc::ConstantOp::create(rewriter, loc, f32Attr(biasType, bias));
    rewriter.replaceOpWithNewOp<dlc::ConvOp>(bn, conv.getInput(), newWeights, newBias,
                                             conv.getStridesAttr(), conv.getPadsAttr(),
                                             conv.getDilationsAttr(), conv.getGroupAttr());
    rewriter.eraseOp(conv);
    return success();
  }
};

/// gemm output is [M, N]; batch norm over dim 1 scales the N columns.
struct FoldBatchNormIntoGemm : OpRewritePattern<dlc::BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(dlc::BatchNormOp bn, PatternRewriter &rewriter) const override {
    auto gemm = bn.getInput().getDefiningOp<dlc::GemmOp>();
    if (!gemm || !gemm->hasOneUse())
      return rewriter.notifyMatchFailure(bn, "input is not a gemm used only here");
    auto b = constantValues(gemm.getB());
    auto affine = batchNormAffine(bn);
    if (failed(b) || failed(affine))
      return rewriter.notifyMatchFailure(bn, "non-constant f32 weights or statistics");
    size_t n = affine->scale.size();
    // C broadcasts to [M, N]; only per-column (or scalar) C folds into a bias.
    std::vector<double> c(n, 0.0);
    if (Value cValue = gemm.getC()) {
      auto cType = llvm::cast<RankedTensorType>(cValue.getType());
      auto values = constantValues(cValue);
      if (failed(values) || (cType.getNumElements() != 1 && cType.getNumElements() != (int64_t)n) ||
          (cType.getRank() == 2 && cType.getDimSize(1) != (int64_t)n))
        return rewriter.notifyMatchFailure(bn, "C is not a constant per-column bias");
      for (size_t j = 0; j < n; ++j)
        c[j] = (*values)[values->size() == 1 ? 0 : j];
    }
    double alpha = gemm.getAlpha().convertToDouble(), beta = gemm.getBeta().convertToDouble();
    auto bType = llvm::cast<RankedTensorType>(gemm.getB().getType());
    bool transB = gemm.getTransB();
    int64_t rows = bType.getDimSize(0), cols = bType.getDimSize(1);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t k = 0; k < cols; ++k)
        (*b)[r * cols + k] *= alpha * affine->scale[transB ? r : k];
    for (size_t j = 0; j < n; ++j)
      c[j] = beta * c[j] * affine->scale[j] + affine->shift[j];
    Location loc = rewriter.getFusedLoc({gemm.getLoc(), bn.getLoc()});
    Value newB = dlc::ConstantOp::create(rewriter, loc, f32Attr(bType, *b));
    auto cType = RankedTensorType::get({(int64_t)n}, bType.getElementType());
    Value newC = dlc::ConstantOp::create(rewriter, loc, f32Attr(cType, c));
    rewriter.replaceOpWithNewOp<dlc::GemmOp>(
        bn, gemm.getA(), newB, newC, rewriter.getF32FloatAttr(1.0f), rewriter.getF32FloatAttr(1.0f),
        gemm.getTransAAttr(), gemm.getTransBAttr());
    rewriter.eraseOp(gemm);
    return success();
  }
};

struct FoldBatchNormPass : dlc::impl::FoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    dlc::populateFoldBatchNormPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void dlc::populateFoldBatchNormPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldBatchNormIntoConv, FoldBatchNormIntoGemm>(patterns.getContext());
}
