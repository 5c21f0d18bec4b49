//===- QuantBuilders.cpp - integer contraction pieces in dlc ops ----------===//
#include "ir/QuantBuilders.h"
#include "ir/Ops.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;

static RankedTensorType typeOf(Value v) { return llvm::cast<RankedTensorType>(v.getType()); }

/// The cast of a constant integer tensor to i32 or of an f32 one to f64, f16
/// or bf16 (zero points and multipliers of a quantized layer, reduced
/// precision weights), or null.
static Value castConstant(OpBuilder &b, Location loc, Value v, Type element) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return Value();
  auto type = typeOf(v).clone(element);
  Type from = attr.getElementType();
  if (element.isSignlessInteger(32) && llvm::isa<IntegerType>(from) &&
      from.getIntOrFloatBitWidth() <= 32) {
    SmallVector<int32_t> values;
    for (const APInt &x : attr.getValues<APInt>())
      values.push_back(from.isUnsignedInteger() ? (int32_t)x.getZExtValue()
                                                : (int32_t)x.getSExtValue());
    return dlc::ConstantOp::create(b, loc, DenseElementsAttr::get(type, ArrayRef<int32_t>(values)));
  }
  if (element.isF64() && from.isF32()) {
    SmallVector<double> values(attr.getValues<float>());
    return dlc::ConstantOp::create(b, loc, DenseElementsAttr::get(type, ArrayRef<double>(values)));
  }
  if ((element.isF16() || element.isBF16()) && from.isF32()) {
    const llvm::fltSemantics &semantics = llvm::cast<FloatType>(element).getFloatSemantics();
    SmallVector<APFloat> values;
    for (APFloat x : attr.getValues<APFloat>()) {
      bool lost;
      x.convert(semantics, APFloat::rmNearestTiesToEven, &lost);
      values.push_back(x);
    }
    return dlc::ConstantOp::create(b, loc, DenseElementsAttr::get(type, values));
  }
  return Value();
}

Value dlc::castElements(OpBuilder &b, Location loc, Value v, Type element) {
  if (typeOf(v).getElementType() == element)
    return v;
  if (Value folded = castConstant(b, loc, v, element))
    return folded;
  return CastOp::create(b, loc, typeOf(v).clone(element), v);
}

Value dlc::centerToI32(OpBuilder &b, Location loc, Value v, Value zeroPoint) {
  Type i32 = b.getI32Type();
  Value wide = castElements(b, loc, v, i32);
  DenseElementsAttr zp;
  if (!zeroPoint || (matchPattern(zeroPoint, m_Constant(&zp)) && zp.isSplat() &&
                     zp.getSplatValue<APInt>().isZero()))
    return wide;
  return SubOp::create(b, loc, wide, castElements(b, loc, zeroPoint, i32));
}

Value dlc::requantize(OpBuilder &b, Location loc, Value acc, Value multiplier,
                      Value yZeroPoint, const RequantActivation &activation) {
  Type f64 = b.getF64Type();
  Value d = MulOp::create(b, loc, castElements(b, loc, acc, f64),
                          castElements(b, loc, multiplier, f64));
  if (activation.relu)
    d = ReluOp::create(b, loc, d.getType(), d);
  if (activation.clip) {
    auto bound = [&](std::optional<double> v) {
      return v ? b.getF64FloatAttr(*v) : FloatAttr();
    };
    d = ClipOp::create(b, loc, d.getType(), d, bound(activation.clipMin),
                       bound(activation.clipMax));
  }
  if (activation.gelu)
    d = GeluOp::create(b, loc, d.getType(), d, b.getStringAttr(activation.geluApproximate));
  auto zpType = typeOf(yZeroPoint);
  auto oneType = RankedTensorType::get(zpType.getShape(), f64);
  Value scale = ConstantOp::create(
      b, loc, DenseElementsAttr::get(oneType, b.getF64FloatAttr(activation.outputScale.value_or(1.0))));
  return QuantizeLinearOp::create(b, loc, d, scale, yZeroPoint, b.getI64IntegerAttr(0));
}
