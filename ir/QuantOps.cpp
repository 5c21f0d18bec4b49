//===- QuantOps.cpp - quantize_linear / dequantize_linear types -----------===//
//
// Result types and the checks of the scale / zero-point shapes (see the
// comment above Dlc_QuantOp in Ops.td). Errors name the operand and the
// axis, so the importer reports them with the ONNX node's name.
//
//===----------------------------------------------------------------------===//
#include "ir/Ops.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace dlc;

namespace {

std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

/// An 8- or 16-bit integer (signless or unsigned): what quantize_linear
/// produces; dequantize_linear also reads i32.
bool isQuantizedType(Type t, bool allow32) {
  auto i = llvm::dyn_cast<IntegerType>(t);
  if (!i || i.isSigned())
    return false;
  unsigned w = i.getWidth();
  return w == 8 || w == 16 || (allow32 && w == 32 && i.isSignless());
}

LogicalResult checkParams(std::optional<Location> loc, RankedTensorType input,
                          RankedTensorType scale, RankedTensorType zeroPoint, int64_t axis) {
  ArrayRef<int64_t> x = input.getShape(), s = scale.getShape();
  if (s != zeroPoint.getShape())
    return emitOptionalError(loc, "scale ", shapeString(s), " and zero_point ",
                             shapeString(zeroPoint.getShape()), " shapes differ");
  int64_t rank = input.getRank();
  if (s.size() <= 1 && scale.getNumElements() == 1)
    return success(); // per tensor (axis unused)
  if (axis < 0 || axis >= std::max<int64_t>(rank, 1))
    return emitOptionalError(loc, "axis ", axis, " is out of range for input ",
                             shapeString(x));
  if (s.size() == 1 && rank > 0 && s[0] == x[axis])
    return success(); // per axis
  if ((int64_t)s.size() == rank &&
      llvm::all_of(llvm::seq<int64_t>(0, rank),
                   [&](int64_t d) { return s[d] == 1 || s[d] == x[d]; }))
    return success(); // broadcast (blocked)
  return emitOptionalError(
      loc, "scale ", shapeString(s), " must be a scalar, [1], [",
      rank > 0 ? x[axis] : 1, "] (per axis ", axis, " of input ", shapeString(x),
      ") or of the input's rank with dims 1 or the input's");
}

} // namespace

LogicalResult QuantizeLinearOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                 Adaptor adaptor,
                                                 SmallVectorImpl<Type> &results) {
  auto input = llvm::cast<RankedTensorType>(adaptor.getInput().getType());
  auto scale = llvm::cast<RankedTensorType>(adaptor.getScale().getType());
  auto zp = llvm::cast<RankedTensorType>(adaptor.getZeroPoint().getType());
  if (!isQuantizedType(zp.getElementType(), /*allow32=*/false))
    return emitOptionalError(loc, "zero_point element type ", zp.getElementType(),
                             " is not an 8- or 16-bit integer");
  if (failed(checkParams(loc, input, scale, zp, (int64_t)adaptor.getAxis())))
    return failure();
  results.push_back(input.clone(zp.getElementType()));
  return success();
}

LogicalResult DequantizeLinearOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                   Adaptor adaptor,
                                                   SmallVectorImpl<Type> &results) {
  auto input = llvm::cast<RankedTensorType>(adaptor.getInput().getType());
  auto scale = llvm::cast<RankedTensorType>(adaptor.getScale().getType());
  auto zp = llvm::cast<RankedTensorType>(adaptor.getZeroPoint().getType());
  if (!isQuantizedType(input.getElementType(), /*allow32=*/true))
    return emitOptionalError(loc, "input element type ", input.getElementType(),
                             " is not an 8-, 16- or 32-bit integer");
  if (zp.getElementType() != input.getElementType())
    return emitOptionalError(loc, "zero_point element type ", zp.getElementType(),
                             " differs from the input's ", input.getElementType());
  if (failed(checkParams(loc, input, scale, zp, (int64_t)adaptor.getAxis())))
    return failure();
  results.push_back(input.clone(scale.getElementType()));
  return success();
}
