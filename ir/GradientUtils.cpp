//===- GradientUtils.cpp - building blocks of the VJP rules ---------------===//
#include "ir/GradientUtils.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;

namespace dlc::grad {

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

Value scalar(OpBuilder &b, Location loc, Type elementType, double value) {
  auto type = RankedTensorType::get({}, elementType);
  Attribute element = isa<FloatType>(elementType)
                          ? Attribute(b.getFloatAttr(elementType, value))
                          : Attribute(b.getIntegerAttr(elementType, int64_t(value)));
  return ConstantOp::create(b, loc, DenseElementsAttr::get(type, element));
}

Value filled(OpBuilder &b, Location loc, RankedTensorType type, double value) {
  Value s = scalar(b, loc, type.getElementType(), value);
  if (type.getRank() == 0)
    return s;
  return ExpandOp::create(b, loc, type, s);
}

Value zerosLike(OpBuilder &b, Location loc, Value v) { return filled(b, loc, typeOf(v), 0.0); }

Value reshape(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> shape) {
  RankedTensorType type = typeOf(v);
  if (type.getShape() == shape)
    return v;
  return ReshapeOp::create(b, loc, type.clone(shape), v);
}

Value transpose(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> perm) {
  return TransposeOp::create(b, loc, v, perm);
}

Value swapFirstTwo(OpBuilder &b, Location loc, Value v) {
  SmallVector<int64_t> perm;
  for (int64_t i = 0; i < typeOf(v).getRank(); ++i)
    perm.push_back(i);
  std::swap(perm[0], perm[1]);
  return transpose(b, loc, v, perm);
}

Value expandTo(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> shape) {
  RankedTensorType type = typeOf(v);
  if (type.getShape() == shape)
    return v;
  return ExpandOp::create(b, loc, type.clone(shape), v);
}

Value sumKeep(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> axes) {
  if (axes.empty())
    return v;
  return ReduceSumOp::create(b, loc, v, axes, /*keepdims=*/true);
}

Value sumToShape(OpBuilder &b, Location loc, Value g, RankedTensorType type) {
  RankedTensorType gType = typeOf(g);
  if (gType.getShape() == type.getShape())
    return g;
  // Align the target's dims with g's trailing dims; reduce every dim the
  // target does not have or has as 1 while g does not.
  int64_t lead = gType.getRank() - type.getRank();
  SmallVector<int64_t> axes;
  for (int64_t d = 0; d < gType.getRank(); ++d)
    if (d < lead || (type.getDimSize(d - lead) == 1 && gType.getDimSize(d) != 1))
      axes.push_back(d);
  return reshape(b, loc, sumKeep(b, loc, g, axes), type.getShape());
}

Value sliceDim(OpBuilder &b, Location loc, Value v, int64_t dim, int64_t start, int64_t step,
               int64_t count) {
  RankedTensorType type = typeOf(v);
  if (start == 0 && step == 1 && count == type.getDimSize(dim))
    return v;
  SmallVector<int64_t> starts(type.getRank(), 0), steps(type.getRank(), 1);
  SmallVector<int64_t> shape(type.getShape());
  starts[dim] = start;
  steps[dim] = step;
  shape[dim] = count;
  return SliceOp::create(b, loc, type.clone(shape), v, starts, steps);
}

Value padDim(OpBuilder &b, Location loc, Value a, int64_t dim, int64_t size, bool atBegin,
             double fill) {
  if (size <= 0)
    return a;
  RankedTensorType type = typeOf(a);
  SmallVector<int64_t> shape(type.getShape());
  shape[dim] = size;
  Value block = filled(b, loc, type.clone(shape), fill);
  SmallVector<Value> parts = atBegin ? SmallVector<Value>{block, a} : SmallVector<Value>{a, block};
  return ConcatOp::create(b, loc, parts, dim);
}

Value scatterDim(OpBuilder &b, Location loc, Value v, int64_t dim, int64_t start, int64_t step,
                 int64_t full) {
  RankedTensorType type = typeOf(v);
  int64_t n = type.getDimSize(dim);
  Value spread = v;
  if (step > 1 && n > 1) {
    // [.., n, ..] -> [.., n, 1, ..] ++ zeros [.., n, step-1, ..] -> [.., n*step, ..],
    // then drop the zeros after the last element.
    SmallVector<int64_t> split(type.getShape());
    split.insert(split.begin() + dim + 1, 1);
    Value column = reshape(b, loc, v, split);
    Value interleaved = padDim(b, loc, column, dim + 1, step - 1, /*atBegin=*/false, 0.0);
    SmallVector<int64_t> joined(type.getShape());
    joined[dim] = n * step;
    spread = sliceDim(b, loc, reshape(b, loc, interleaved, joined), dim, 0, 1, (n - 1) * step + 1);
  }
  int64_t length = typeOf(spread).getDimSize(dim);
  int64_t after = full - start - length;
  if (after < 0) { // the tail lies past `full`: cut it
    spread = sliceDim(b, loc, spread, dim, 0, 1, length + after);
    after = 0;
  }
  spread = padDim(b, loc, spread, dim, start, /*atBegin=*/true, 0.0);
  return padDim(b, loc, spread, dim, after, /*atBegin=*/false, 0.0);
}

Value gradOrZeros(OpBuilder &b, Operation *op, ArrayRef<Value> resultGrads, unsigned i) {
  if (resultGrads[i])
    return resultGrads[i];
  return zerosLike(b, op->getLoc(), op->getResult(i));
}

} // namespace dlc::grad
