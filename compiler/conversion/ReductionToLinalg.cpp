//===- ReductionToLinalg.cpp - reductions and normalizations -> linalg ----===//
//
// reduce_sum/mean/max become one fill + linalg.generic (LinalgUtils).
// softmax/log_softmax and layer_norm keep their statistics as keepdims
// tensors, so the following elementwise generics read them through the
// numpy-broadcast maps. f16/bf16 statistics are kept in f32.
//
//===----------------------------------------------------------------------===//
#include "compiler/conversion/LinalgUtils.h"
#include "compiler/conversion/LoweringPattern.h"
#include "compiler/conversion/Patterns.h"
#include "ir/Ops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace dlc;

namespace {

//===----------------------------------------------------------------------===//
// reduce_sum / reduce_mean / reduce_max
//===----------------------------------------------------------------------===//

template <typename OpTy>
struct ReduceLowering : StaticShapeLowering<OpTy> {
  using StaticShapeLowering<OpTy>::StaticShapeLowering;
  FailureOr<Value> lower(OpTy op, typename OpTy::Adaptor adaptor,
                         ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    ArrayRef<int64_t> axes = op.getAxes();
    bool keepDims = op.getKeepdims();
    bool isUnsigned = isUnsignedElement(op.getType());
    Value result;
    if constexpr (std::is_same_v<OpTy, ReduceSumOp>)
      result = buildReduceSum(rewriter, loc, input, axes, keepDims);
    else if constexpr (std::is_same_v<OpTy, ReduceMeanOp>)
      result = buildReduceMean(rewriter, loc, input, axes, keepDims, isUnsigned);
    else
      result = buildReduceMax(rewriter, loc, input, axes, keepDims, isUnsigned);
    if (result.getType() != this->resultType(op))
      return rewriter.notifyMatchFailure(op, "unexpected result type");
    return result;
  }
};

//===----------------------------------------------------------------------===//
// softmax / log_softmax
//===----------------------------------------------------------------------===//

/// max, then sum(exp(x - max)) in the compute type, then
///   softmax:     exp(x - max) / sum
///   log_softmax: x - max - log(sum)
template <typename OpTy, bool isLog>
struct SoftmaxLowering : StaticShapeLowering<OpTy> {
  using StaticShapeLowering<OpTy>::StaticShapeLowering;
  FailureOr<Value> lower(OpTy op, typename OpTy::Adaptor adaptor,
                         ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto type = cast<RankedTensorType>(op.getType());
    Type elementType = type.getElementType();
    Type computeType = getComputeType(elementType);
    int64_t axis = op.getAxis();
    if (axis < 0 || axis >= type.getRank())
      return rewriter.notifyMatchFailure(op, "axis out of range");

    Value max = buildReduceMax(rewriter, loc, x, {axis}, /*keepDims=*/true);
    Value zero = createScalarConstant(rewriter, loc, computeType, 0.0);
    auto shifted = [](OpBuilder &b, Location l, Value xv, Value mv) -> Value {
      Value xc = promoteToCompute(b, l, xv);
      Value mc = promoteToCompute(b, l, mv);
      return arith::SubFOp::create(b, l, xc, mc);
    };
    Value sum = buildReduction(
        rewriter, loc, ValueRange{x, max}, {axis}, /*keepDims=*/true, zero,
        [&](OpBuilder &b, Location l, ValueRange s, Value acc) -> Value {
          Value e = math::ExpOp::create(b, l, shifted(b, l, s[0], s[1]));
          return arith::AddFOp::create(b, l, acc, e);
        });
    return buildBroadcastElementwise(
        rewriter, loc, type, ValueRange{x, max, sum},
        [&](OpBuilder &b, Location l, ValueRange s) -> Value {
          Value d = shifted(b, l, s[0], s[1]);
          Value v;
          if constexpr (isLog)
            v = arith::SubFOp::create(b, l, d, math::LogOp::create(b, l, s[2]));
          else
            v = arith::DivFOp::create(b, l, math::ExpOp::create(b, l, d), s[2]);
          return convertScalar(b, l, v, elementType);
        });
  }
};

//===----------------------------------------------------------------------===//
// batch_norm (inference)
//===----------------------------------------------------------------------===//

/// factor[c] = scale[c] / sqrt(var[c] + eps) (one small generic), then
/// y = (x - mean[c]) * factor[c] + bias[c] with the [C] vectors read at dim 1.
/// The parameters may have another float type than x (ONNX T1/T2): all are
/// converted to x's compute type.
struct BatchNormLowering : StaticShapeLowering<BatchNormOp> {
  using StaticShapeLowering::StaticShapeLowering;
  FailureOr<Value> lower(BatchNormOp op, OpAdaptor adaptor,
                         ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    if (type.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "needs rank >= 2");
    Type elementType = type.getElementType();
    Type computeType = getComputeType(elementType);
    int64_t channels = type.getDimSize(1);
    double eps = op.getEpsilon().convertToDouble();

    auto factorType = RankedTensorType::get({channels}, computeType);
    Value factor = buildBroadcastElementwise(
        rewriter, loc, factorType, ValueRange{adaptor.getScale(), adaptor.getVariance()},
        [&](OpBuilder &b, Location l, ValueRange s) -> Value {
          Value var = convertScalar(b, l, s[1], computeType);
          Value denom = math::SqrtOp::create(
              b, l,
              arith::AddFOp::create(b, l, var, createScalarConstant(b, l, computeType, eps)));
          return arith::DivFOp::create(b, l, convertScalar(b, l, s[0], computeType), denom);
        });

    MLIRContext *ctx = rewriter.getContext();
    int64_t rank = type.getRank();
    AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap channel = AffineMap::get(rank, 0, getAffineDimExpr(1, ctx));
    return buildElementwise(
        rewriter, loc, type,
        ValueRange{adaptor.getInput(), adaptor.getMean(), factor, adaptor.getBias()},
        {identity, channel, channel, channel},
        [&](OpBuilder &b, Location l, ValueRange s) -> Value {
          Value xc = promoteToCompute(b, l, s[0]);
          Value mc = convertScalar(b, l, s[1], computeType);
          Value centered = arith::SubFOp::create(b, l, xc, mc);
          Value scaled = arith::MulFOp::create(b, l, centered, s[2]);
          Value v = arith::AddFOp::create(b, l, scaled, convertScalar(b, l, s[3], computeType));
          return convertScalar(b, l, v, elementType);
        });
  }
};

//===----------------------------------------------------------------------===//
// layer_norm
//===----------------------------------------------------------------------===//

/// Over the dims [axis, rank), in the compute type:
///   mean = sum(x) / n,  rstd = 1 / sqrt(sum((x - mean)^2) / n + eps)
///   y = (x - mean) * rstd * scale (+ bias)
/// mean and rstd are keepdims tensors; scale/bias broadcast numpy-style to
/// the trailing (normalized) dims.
struct LayerNormLowering : StaticShapeLowering<LayerNormOp> {
  using StaticShapeLowering::StaticShapeLowering;
  FailureOr<Value> lower(LayerNormOp op, OpAdaptor adaptor,
                         ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Type elementType = type.getElementType();
    Type computeType = getComputeType(elementType);
    int64_t rank = type.getRank(), axis = op.getAxis();
    if (axis < 0 || axis >= rank)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    SmallVector<int64_t> axes;
    int64_t count = 1;
    for (int64_t d = axis; d < rank; ++d) {
      axes.push_back(d);
      count *= type.getDimSize(d);
    }
    double eps = op.getEpsilon().convertToDouble();
    Value x = adaptor.getInput();
    Value zero = createScalarConstant(rewriter, loc, computeType, 0.0);

    Value sum = buildReduction(rewriter, loc, x, axes, /*keepDims=*/true, zero,
                               [&](OpBuilder &b, Location l, ValueRange s, Value acc) {
                                 return arith::AddFOp::create(
                                     b, l, acc, promoteToCompute(b, l, s[0]));
                               });
    auto statType = cast<RankedTensorType>(sum.getType());
    Value mean = buildBroadcastElementwise(
        rewriter, loc, statType, sum, [&](OpBuilder &b, Location l, ValueRange s) {
          return arith::DivFOp::create(
              b, l, s[0], createScalarConstant(b, l, computeType, (double)count));
        });
    Value sumSq = buildReduction(
        rewriter, loc, ValueRange{x, mean}, axes, /*keepDims=*/true, zero,
        [&](OpBuilder &b, Location l, ValueRange s, Value acc) {
          Value d = arith::SubFOp::create(b, l, promoteToCompute(b, l, s[0]), s[1]);
          return arith::AddFOp::create(b, l, acc, arith::MulFOp::create(b, l, d, d));
        });
    Value rstd = buildBroadcastElementwise(
        rewriter, loc, statType, sumSq, [&](OpBuilder &b, Location l, ValueRange s) {
          Value var = arith::DivFOp::create(
              b, l, s[0], createScalarConstant(b, l, computeType, (double)count));
          Value denom = math::SqrtOp::create(
              b, l,
              arith::AddFOp::create(b, l, var, createScalarConstant(b, l, computeType, eps)));
          return arith::DivFOp::create(b, l, createScalarConstant(b, l, computeType, 1.0),
                                       denom);
        });

    SmallVector<Value> operands{x, mean, rstd, adaptor.getScale()};
    if (Value bias = adaptor.getBias())
      operands.push_back(bias);
    return buildBroadcastElementwise(
        rewriter, loc, type, operands, [&](OpBuilder &b, Location l, ValueRange s) {
          Value centered = arith::SubFOp::create(b, l, promoteToCompute(b, l, s[0]), s[1]);
          Value normed = arith::MulFOp::create(b, l, centered, s[2]);
          Value v = arith::MulFOp::create(b, l, normed, convertScalar(b, l, s[3], computeType));
          if (s.size() > 4)
            v = arith::AddFOp::create(b, l, v, convertScalar(b, l, s[4], computeType));
          return convertScalar(b, l, v, elementType);
        });
  }
};

} // namespace

void dlc::populateReductionToLinalgPatterns(const TypeConverter &converter,
                                            RewritePatternSet &patterns) {
  patterns.add<ReduceLowering<ReduceSumOp>, ReduceLowering<ReduceMeanOp>,
               ReduceLowering<ReduceMaxOp>, SoftmaxLowering<SoftmaxOp, false>,
               SoftmaxLowering<LogSoftmaxOp, true>, BatchNormLowering, LayerNormLowering>(
      converter, patterns.getContext());
}
