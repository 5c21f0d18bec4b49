//===- LinalgUtils.cpp - shared builders for dlc -> linalg lowering -------===//
#include "compiler/conversion/LinalgUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>
#include <limits>

using namespace mlir;

bool dlc::hasStaticTypes(Operation *op) {
  auto isStatic = [](Type t) {
    auto ranked = dyn_cast<RankedTensorType>(t);
    return ranked && ranked.hasStaticShape();
  };
  return llvm::all_of(op->getOperandTypes(), isStatic) &&
         llvm::all_of(op->getResultTypes(), isStatic);
}

bool dlc::isUnsignedElement(Type type) {
  return getElementTypeOrSelf(type).isUnsignedInteger();
}

Type dlc::getSignlessType(Type type) {
  if (!isUnsignedElement(type))
    return type;
  auto signless = IntegerType::get(type.getContext(),
                                  getElementTypeOrSelf(type).getIntOrFloatBitWidth());
  if (auto shaped = dyn_cast<ShapedType>(type))
    return shaped.clone(signless);
  return signless;
}

//===----------------------------------------------------------------------===//
// Indexing maps
//===----------------------------------------------------------------------===//

AffineMap dlc::getBroadcastIndexingMap(ArrayRef<int64_t> operandShape,
                                       ArrayRef<int64_t> iterShape, MLIRContext *ctx) {
  int64_t rank = iterShape.size();
  int64_t offset = rank - static_cast<int64_t>(operandShape.size());
  assert(offset >= 0 && "operand rank exceeds the iteration rank");
  SmallVector<AffineExpr> exprs;
  for (auto [i, size] : llvm::enumerate(operandShape)) {
    int64_t loop = offset + static_cast<int64_t>(i);
    if (size == 1 && iterShape[loop] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(loop, ctx));
  }
  return AffineMap::get(rank, 0, exprs, ctx);
}

AffineMap dlc::getReductionOutputMap(int64_t rank, ArrayRef<int64_t> axes, bool keepDims,
                                     MLIRContext *ctx) {
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d) {
    if (!llvm::is_contained(axes, d))
      exprs.push_back(getAffineDimExpr(d, ctx));
    else if (keepDims)
      exprs.push_back(getAffineConstantExpr(0, ctx));
  }
  return AffineMap::get(rank, 0, exprs, ctx);
}

SmallVector<int64_t> dlc::getReducedShape(ArrayRef<int64_t> shape, ArrayRef<int64_t> axes,
                                          bool keepDims) {
  SmallVector<int64_t> out;
  for (auto [d, size] : llvm::enumerate(shape)) {
    if (!llvm::is_contained(axes, static_cast<int64_t>(d)))
      out.push_back(size);
    else if (keepDims)
      out.push_back(1);
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Tensor builders
//===----------------------------------------------------------------------===//

Value dlc::createEmptyTensor(OpBuilder &b, Location loc, RankedTensorType type) {
  return tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
}

Value dlc::createFilledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                              Value value) {
  Value empty = createEmptyTensor(b, loc, type);
  return linalg::FillOp::create(b, loc, ValueRange{value}, ValueRange{empty}).getResult(0);
}

Value dlc::convertTensor(OpBuilder &b, Location loc, Value tensor, Type elementType) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (type.getElementType() == elementType)
    return tensor;
  return buildBroadcastElementwise(b, loc, type.clone(elementType), tensor,
                                   [&](OpBuilder &nb, Location nloc, ValueRange args) {
                                     return convertScalar(nb, nloc, args[0], elementType);
                                   });
}

Value dlc::insertByCopy(OpBuilder &b, Location loc, Value source, Value dest,
                        ArrayRef<int64_t> offsets) {
  auto type = cast<RankedTensorType>(source.getType());
  MLIRContext *ctx = b.getContext();
  SmallVector<OpFoldResult> at = getAsIndexOpFoldResult(ctx, offsets),
                            sizes = getAsIndexOpFoldResult(ctx, type.getShape()),
                            strides = getAsIndexOpFoldResult(
                                ctx, SmallVector<int64_t>(type.getRank(), 1));
  Value slot = tensor::ExtractSliceOp::create(b, loc, type, dest, at, sizes, strides);
  Value copied = linalg::CopyOp::create(b, loc, source, slot).getResult(0);
  return tensor::InsertSliceOp::create(b, loc, copied, dest, at, sizes, strides);
}

Value dlc::padTensor(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> low,
                     ArrayRef<int64_t> high, Value padValue) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape(type.getShape());
  for (int64_t d = 0; d < type.getRank(); ++d)
    shape[d] += low[d] + high[d];
  Value padded = createFilledTensor(b, loc, type.clone(shape), padValue);
  if (type.getNumElements() == 0)
    return padded;
  return insertByCopy(b, loc, input, padded, low);
}

Value dlc::buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                            ValueRange operands, ArrayRef<AffineMap> operandMaps,
                            ScalarBodyFn body) {
  assert(operands.size() == operandMaps.size() && "one indexing map per operand");
  int64_t rank = resultType.getRank();
  SmallVector<AffineMap> maps(operandMaps);
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, b.getContext()));
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  Value init = createEmptyTensor(b, loc, resultType);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, operands, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value result = body(nb, nloc, args.drop_back());
        assert(result.getType() == resultType.getElementType() &&
               "elementwise body yields the wrong element type");
        linalg::YieldOp::create(nb, nloc, result);
      });
  return generic.getResult(0);
}

Value dlc::buildBroadcastElementwise(OpBuilder &b, Location loc,
                                     RankedTensorType resultType, ValueRange operands,
                                     ScalarBodyFn body) {
  SmallVector<AffineMap> maps;
  for (Value operand : operands)
    maps.push_back(getBroadcastIndexingMap(
        cast<RankedTensorType>(operand.getType()).getShape(), resultType.getShape(),
        b.getContext()));
  return buildElementwise(b, loc, resultType, operands, maps, body);
}

Value dlc::buildReduction(OpBuilder &b, Location loc, ValueRange inputs,
                          ArrayRef<int64_t> axes, bool keepDims, Value init,
                          ReductionBodyFn body) {
  assert(!inputs.empty() && "a reduction needs an input");
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> shape = cast<RankedTensorType>(inputs.front().getType()).getShape();
  int64_t rank = shape.size();
  auto resultType =
      RankedTensorType::get(getReducedShape(shape, axes, keepDims), init.getType());
  Value acc = createFilledTensor(b, loc, resultType, init);

  SmallVector<AffineMap> maps;
  for (Value input : inputs)
    maps.push_back(getBroadcastIndexingMap(
        cast<RankedTensorType>(input.getType()).getShape(), shape, ctx));
  maps.push_back(getReductionOutputMap(rank, axes, keepDims, ctx));
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  for (int64_t axis : axes)
    iterators[axis] = utils::IteratorType::reduction;
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, inputs, ValueRange{acc}, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value result = body(nb, nloc, args.drop_back(), args.back());
        linalg::YieldOp::create(nb, nloc, result);
      });
  return generic.getResult(0);
}

/// The sum of `input` over `axes` in its compute type (f32 for f16/bf16), so
/// that sum and mean round once, at the end.
static Value buildComputeSum(OpBuilder &b, Location loc, Value input,
                             ArrayRef<int64_t> axes, bool keepDims) {
  Type elementType = cast<RankedTensorType>(input.getType()).getElementType();
  Value zero = dlc::createScalarConstant(b, loc, dlc::getComputeType(elementType), 0.0);
  return dlc::buildReduction(
      b, loc, input, axes, keepDims, zero,
      [&](OpBuilder &nb, Location nloc, ValueRange xs, Value acc) {
        return dlc::createAdd(nb, nloc, dlc::promoteToCompute(nb, nloc, xs[0]), acc);
      });
}

Value dlc::buildReduceSum(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes,
                          bool keepDims) {
  Type elementType = cast<RankedTensorType>(input.getType()).getElementType();
  return convertTensor(b, loc, buildComputeSum(b, loc, input, axes, keepDims), elementType);
}

Value dlc::buildReduceMax(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes,
                          bool keepDims, bool isUnsigned) {
  Type elementType = cast<RankedTensorType>(input.getType()).getElementType();
  Value lowest = isUnsigned ? createScalarConstant(b, loc, elementType, 0.0)
                            : createLowestValue(b, loc, elementType);
  return buildReduction(b, loc, input, axes, keepDims, lowest,
                        [&](OpBuilder &nb, Location nloc, ValueRange xs, Value acc) {
                          return createMax(nb, nloc, xs[0], acc, isUnsigned);
                        });
}

Value dlc::buildReduceMean(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes,
                           bool keepDims, bool isUnsigned) {
  auto inputType = cast<RankedTensorType>(input.getType());
  Type elementType = inputType.getElementType();
  Type accType = getComputeType(elementType);
  int64_t count = 1;
  for (int64_t axis : axes)
    count *= inputType.getDimSize(axis);
  Value sum = buildComputeSum(b, loc, input, axes, keepDims);
  auto sumType = cast<RankedTensorType>(sum.getType());
  return buildBroadcastElementwise(
      b, loc, sumType.clone(elementType), sum,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value n = createScalarConstant(nb, nloc, accType, static_cast<double>(count));
        return convertScalar(nb, nloc, createDiv(nb, nloc, args[0], n, isUnsigned),
                             elementType);
      });
}

//===----------------------------------------------------------------------===//
// Scalars
//===----------------------------------------------------------------------===//

Value dlc::createScalarConstant(OpBuilder &b, Location loc, Type type, double value) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(floatType, value));
  auto intType = cast<IntegerType>(type);
  unsigned width = intType.getWidth();
  APInt bits;
  if (width == 1) {
    bits = APInt(1, value != 0.0);
  } else if (intType.isUnsigned()) {
    APInt hi = APInt::getMaxValue(width);
    if (std::isnan(value) || value <= 0.0)
      bits = APInt(width, 0);
    else if (value >= static_cast<double>(hi.getZExtValue()))
      bits = hi;
    else
      bits = APInt(width, static_cast<uint64_t>(std::trunc(value)));
  } else {
    APInt lo = APInt::getSignedMinValue(width), hi = APInt::getSignedMaxValue(width);
    if (std::isnan(value))
      bits = APInt(width, 0);
    else if (value <= static_cast<double>(lo.getSExtValue()))
      bits = lo;
    else if (value >= static_cast<double>(hi.getSExtValue()))
      bits = hi;
    else
      bits = APInt(width, static_cast<int64_t>(std::trunc(value)), /*isSigned=*/true);
  }
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(getSignlessType(intType), bits));
}

/// -inf / +inf for floats; for integers the signed minimum / maximum (i1:
/// false / true; unsigned: 0 / all ones).
static Value createExtremeValue(OpBuilder &b, Location loc, Type type, bool lowest) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(
        b, loc,
        b.getFloatAttr(floatType, APFloat::getInf(floatType.getFloatSemantics(), lowest)));
  unsigned width = cast<IntegerType>(type).getWidth();
  APInt bits;
  if (width == 1 || type.isUnsignedInteger())
    bits = lowest ? APInt::getMinValue(width) : APInt::getMaxValue(width);
  else
    bits = lowest ? APInt::getSignedMinValue(width) : APInt::getSignedMaxValue(width);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(dlc::getSignlessType(type), bits));
}

Value dlc::createLowestValue(OpBuilder &b, Location loc, Type type) {
  return createExtremeValue(b, loc, type, /*lowest=*/true);
}

Value dlc::createHighestValue(OpBuilder &b, Location loc, Type type) {
  return createExtremeValue(b, loc, type, /*lowest=*/false);
}

bool dlc::isNarrowFloat(Type type) { return type.isF16() || type.isBF16(); }

Type dlc::getComputeType(Type type) {
  return isNarrowFloat(type) ? Float32Type::get(type.getContext()) : type;
}

Value dlc::promoteToCompute(OpBuilder &b, Location loc, Value v) {
  if (!isNarrowFloat(v.getType()))
    return v;
  return arith::ExtFOp::create(b, loc, b.getF32Type(), v);
}

/// f32 -> bf16 with round-to-nearest-even, spelled in integer ops: the
/// runtime libgcc of GCC < 13 has no __truncsfbf2 for LLVM's fptrunc.
static Value truncF32ToBF16(OpBuilder &b, Location loc, Value v) {
  Type i32 = b.getI32Type(), i16 = b.getI16Type();
  auto c32 = [&](int64_t x) {
    return arith::ConstantOp::create(b, loc, b.getIntegerAttr(i32, x));
  };
  Value bits = arith::BitcastOp::create(b, loc, i32, v);
  Value sixteen = c32(16);
  Value lsb = arith::AndIOp::create(b, loc, arith::ShRUIOp::create(b, loc, bits, sixteen),
                                    c32(1));
  Value bias = arith::AddIOp::create(b, loc, lsb, c32(0x7FFF));
  Value rounded = arith::ShRUIOp::create(b, loc, arith::AddIOp::create(b, loc, bits, bias),
                                         sixteen);
  Value narrow = arith::TruncIOp::create(b, loc, i16, rounded);
  Value isNan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, v, v);
  Value quietNan = arith::ConstantOp::create(b, loc, b.getIntegerAttr(i16, 0x7FC0));
  Value result = arith::SelectOp::create(b, loc, isNan, quietNan, narrow);
  return arith::BitcastOp::create(b, loc, b.getBF16Type(), result);
}

Value dlc::convertScalar(OpBuilder &b, Location loc, Value v, Type dst) {
  return convertScalar(b, loc, v, v.getType(), dst);
}

Value dlc::convertScalar(OpBuilder &b, Location loc, Value v, Type srcElement,
                        Type dstElement) {
  // i1 is 0/1: it extends like an unsigned integer.
  bool srcUnsigned = srcElement.isUnsignedInteger() || srcElement.isInteger(1);
  bool dstUnsigned = dstElement.isUnsignedInteger();
  Type src = v.getType(), dst = getSignlessType(dstElement);
  if (src == dst)
    return v;
  auto srcFloat = dyn_cast<FloatType>(src), dstFloat = dyn_cast<FloatType>(dst);
  if (srcFloat && dstFloat) {
    unsigned sw = srcFloat.getWidth(), dw = dstFloat.getWidth();
    if (dst.isBF16()) {
      Value f32 = convertScalar(b, loc, v, b.getF32Type());
      return truncF32ToBF16(b, loc, f32);
    }
    if (sw == dw) // bf16 -> f16: through f32
      return arith::TruncFOp::create(b, loc, dst,
                                     arith::ExtFOp::create(b, loc, b.getF32Type(), v));
    if (sw < dw)
      return arith::ExtFOp::create(b, loc, dst, v);
    return arith::TruncFOp::create(b, loc, dst, v);
  }
  if (srcFloat) { // float -> int
    if (dst.isInteger(1)) {
      Value zero = createScalarConstant(b, loc, src, 0.0);
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, v, zero);
    }
    if (dstUnsigned)
      return arith::FPToUIOp::create(b, loc, dst, v);
    return arith::FPToSIOp::create(b, loc, dst, v);
  }
  if (dstFloat) { // int -> float
    if (dst.isBF16()) {
      Type f32 = b.getF32Type();
      return truncF32ToBF16(b, loc, convertScalar(b, loc, v, srcElement, f32));
    }
    if (srcUnsigned)
      return arith::UIToFPOp::create(b, loc, dst, v);
    return arith::SIToFPOp::create(b, loc, dst, v);
  }
  // int -> int
  unsigned sw = src.getIntOrFloatBitWidth(), dw = dst.getIntOrFloatBitWidth();
  if (dw == 1) {
    Value zero = createScalarConstant(b, loc, src, 0.0);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, v, zero);
  }
  if (sw < dw && srcUnsigned)
    return arith::ExtUIOp::create(b, loc, dst, v);
  if (sw < dw)
    return arith::ExtSIOp::create(b, loc, dst, v);
  return arith::TruncIOp::create(b, loc, dst, v);
}

/// FloatOp on floats, IntOp on integers (signed where it matters).
template <typename FloatOp, typename IntOp>
static Value createBinary(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  if (isa<FloatType>(lhs.getType()))
    return FloatOp::create(b, loc, lhs, rhs);
  return IntOp::create(b, loc, lhs, rhs);
}

Value dlc::createAdd(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  return createBinary<arith::AddFOp, arith::AddIOp>(b, loc, lhs, rhs);
}

Value dlc::createSub(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  return createBinary<arith::SubFOp, arith::SubIOp>(b, loc, lhs, rhs);
}

Value dlc::createMul(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  return createBinary<arith::MulFOp, arith::MulIOp>(b, loc, lhs, rhs);
}

Value dlc::createDiv(OpBuilder &b, Location loc, Value lhs, Value rhs, bool isUnsigned) {
  if (isUnsigned)
    return arith::DivUIOp::create(b, loc, lhs, rhs);
  return createBinary<arith::DivFOp, arith::DivSIOp>(b, loc, lhs, rhs);
}

/// max or min: FloatOp (NaN-propagating) on floats, UIntOp on i1 and unsigned
/// integers, IntOp (signed) on other integers. f16/bf16 go through f32:
/// exact, and it avoids f16/bf16 libcalls.
template <typename FloatOp, typename UIntOp, typename IntOp>
static Value createMinMax(OpBuilder &b, Location loc, Value lhs, Value rhs, bool isUnsigned) {
  Type type = lhs.getType();
  if (dlc::isNarrowFloat(type)) {
    Value l = dlc::promoteToCompute(b, loc, lhs);
    Value r = dlc::promoteToCompute(b, loc, rhs);
    Value result = createMinMax<FloatOp, UIntOp, IntOp>(b, loc, l, r, false);
    return dlc::convertScalar(b, loc, result, type);
  }
  if (isUnsigned || type.isInteger(1))
    return UIntOp::create(b, loc, lhs, rhs);
  return createBinary<FloatOp, IntOp>(b, loc, lhs, rhs);
}

Value dlc::createMax(OpBuilder &b, Location loc, Value lhs, Value rhs, bool isUnsigned) {
  return createMinMax<arith::MaximumFOp, arith::MaxUIOp, arith::MaxSIOp>(b, loc, lhs, rhs,
                                                                         isUnsigned);
}

Value dlc::createMin(OpBuilder &b, Location loc, Value lhs, Value rhs, bool isUnsigned) {
  return createMinMax<arith::MinimumFOp, arith::MinUIOp, arith::MinSIOp>(b, loc, lhs, rhs,
                                                                         isUnsigned);
}
