//===- QuantToLinalg.cpp - quantize_linear / dequantize_linear -> linalg --===//
//
// Each op becomes one elementwise linalg.generic over the input. The scale
// and zero point are read through an indexing map chosen by their shape
// (Ops.td, Dlc_QuantOp): a constant index (per tensor), the `axis` loop
// (per axis) or the numpy-broadcast map (blocked, expanded by the importer).
//
// Arithmetic is in f32 (f64 when the input or the scale is f64):
//   quantize:   clamp(roundeven(x / scale) + zp, qmin, qmax) -> integer
//   dequantize: (float(x) - float(zp)) * scale              -> scale's type
// roundeven is ONNX's round-half-to-even; clamping before the conversion
// gives saturation (maxnumf/minnumf send NaN to qmin rather than poison).
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

Type elementOf(Value v) { return cast<RankedTensorType>(v.getType()).getElementType(); }

/// How a scale / zero point of `param` shape is read for an element of
/// `input` (loops = input dims).
AffineMap paramMap(ArrayRef<int64_t> param, ArrayRef<int64_t> input, int64_t axis,
                   MLIRContext *ctx) {
  int64_t rank = input.size();
  if (param.size() == input.size())
    return getBroadcastIndexingMap(param, input, ctx);
  if (param.empty())
    return AffineMap::get(rank, 0, {}, ctx);
  if (param[0] == 1)
    return AffineMap::get(rank, 0, {getAffineConstantExpr(0, ctx)}, ctx);
  return AffineMap::get(rank, 0, {getAffineDimExpr(axis, ctx)}, ctx);
}

/// f64 if any of `types` is f64, else f32.
Type computeFloat(OpBuilder &b, std::initializer_list<Type> types) {
  for (Type t : types)
    if (t.isF64())
      return b.getF64Type();
  return b.getF32Type();
}

template <typename OpTy>
SmallVector<AffineMap> operandMaps(OpTy op) {
  MLIRContext *ctx = op.getContext();
  auto shape = [](Value v) { return cast<RankedTensorType>(v.getType()).getShape(); };
  ArrayRef<int64_t> input = shape(op.getInput());
  int64_t axis = op.getAxis();
  AffineMap param = paramMap(shape(op.getScale()), input, axis, ctx);
  return {AffineMap::getMultiDimIdentityMap(input.size(), ctx), param, param};
}

struct QuantizeLinearLowering : StaticShapeLowering<QuantizeLinearOp, EmptyResult::Fold> {
  using StaticShapeLowering::StaticShapeLowering;

  FailureOr<Value> lower(QuantizeLinearOp op, OpAdaptor adaptor,
                         ConversionPatternRewriter &rewriter) const override {
    Type inType = elementOf(op.getInput()), scaleType = elementOf(op.getScale());
    Type zpType = elementOf(op.getZeroPoint()), outType = elementOf(op.getOutput());
    Type f = computeFloat(rewriter, {inType, scaleType});
    auto intType = cast<IntegerType>(outType);
    unsigned width = intType.getWidth();
    bool isUnsigned = intType.isUnsigned();
    double lo = isUnsigned ? 0.0 : -std::ldexp(1.0, width - 1);
    double hi = isUnsigned ? std::ldexp(1.0, width) - 1 : std::ldexp(1.0, width - 1) - 1;
    return buildElementwise(
        rewriter, op.getLoc(), resultType(op),
        {adaptor.getInput(), adaptor.getScale(), adaptor.getZeroPoint()}, operandMaps(op),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value x = convertScalar(b, loc, args[0], inType, f);
          Value s = convertScalar(b, loc, args[1], scaleType, f);
          Value zp = convertScalar(b, loc, args[2], zpType, f);
          Value q = math::RoundEvenOp::create(b, loc, arith::DivFOp::create(b, loc, x, s));
          Value v = arith::AddFOp::create(b, loc, q, zp);
          v = arith::MaxNumFOp::create(b, loc, v, createScalarConstant(b, loc, f, lo));
          v = arith::MinNumFOp::create(b, loc, v, createScalarConstant(b, loc, f, hi));
          return convertScalar(b, loc, v, f, outType);
        });
  }
};

struct DequantizeLinearLowering
    : StaticShapeLowering<DequantizeLinearOp, EmptyResult::Fold> {
  using StaticShapeLowering::StaticShapeLowering;

  FailureOr<Value> lower(DequantizeLinearOp op, OpAdaptor adaptor,
                         ConversionPatternRewriter &rewriter) const override {
    Type inType = elementOf(op.getInput()), scaleType = elementOf(op.getScale());
    Type f = computeFloat(rewriter, {scaleType});
    return buildElementwise(
        rewriter, op.getLoc(), resultType(op),
        {adaptor.getInput(), adaptor.getScale(), adaptor.getZeroPoint()}, operandMaps(op),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value x = convertScalar(b, loc, args[0], inType, f);
          Value zp = convertScalar(b, loc, args[2], inType, f);
          Value s = convertScalar(b, loc, args[1], scaleType, f);
          Value v = arith::MulFOp::create(b, loc, arith::SubFOp::create(b, loc, x, zp), s);
          return convertScalar(b, loc, v, f, scaleType);
        });
  }
};

} // namespace

void dlc::populateQuantToLinalgPatterns(const TypeConverter &converter,
                                        RewritePatternSet &patterns) {
  patterns.add<QuantizeLinearLowering, DequantizeLinearLowering>(converter,
                                                                 patterns.getContext());
}
