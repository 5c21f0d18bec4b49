//===- GradientsShape.cpp - VJP rules of reductions and data movement -----===//
//
// Reductions broadcast the gradient back (reduce_max to the maxima, split
// evenly among ties like PyTorch's amax); data movement applies the inverse
// movement (slice scatters into zeros, gather scatter-adds through a one-hot
// matmul). Integer tensors (gather indices) are non-differentiable.
//===----------------------------------------------------------------------===//
#include "ir/GradientUtils.h"
#include "ir/Interfaces.h"

using namespace mlir;
using namespace dlc;
using namespace dlc::grad;

using Grads = FailureOr<SmallVector<Value>>;

/// The reduced gradient `g` as the input-shaped tensor it broadcasts to.
static Value unreduce(OpBuilder &b, Location loc, Value g, RankedTensorType input,
                      ArrayRef<int64_t> axes) {
  SmallVector<int64_t> kept(input.getShape());
  for (int64_t a : axes)
    kept[a] = 1;
  return expandTo(b, loc, reshape(b, loc, g, kept), input.getShape());
}

Grads ReduceSumOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  return SmallVector<Value>{unreduce(b, getLoc(), gs[0], typeOf(getInput()), getAxes())};
}

Grads ReduceMeanOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  RankedTensorType in = typeOf(getInput());
  int64_t count = 1;
  for (int64_t a : getAxes())
    count *= in.getDimSize(a);
  Emit e{b, getLoc()};
  return SmallVector<Value>{
      unreduce(b, getLoc(), e.scale(gs[0], 1.0 / double(count)), in, getAxes())};
}

Grads ReduceMaxOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  Location loc = getLoc();
  RankedTensorType in = typeOf(getInput());
  if (!isa<FloatType>(in.getElementType()))
    return SmallVector<Value>{Value()};
  Emit e{b, loc};
  Value y = unreduce(b, loc, getOutput(), in, getAxes());
  Value mask = CastOp::create(b, loc, in, EqualOp::create(b, loc, getInput(), y));
  Value ties = unreduce(b, loc, ReduceSumOp::create(b, loc, mask, getAxes(), true), in, getAxes());
  Value g = unreduce(b, loc, gs[0], in, getAxes());
  return SmallVector<Value>{e.div(e.mul(g, mask), ties)};
}

Grads ReshapeOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  return SmallVector<Value>{reshape(b, getLoc(), gs[0], typeOf(getInput()).getShape())};
}

Grads TransposeOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  ArrayRef<int64_t> perm = getPerm();
  SmallVector<int64_t> inverse(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inverse[p] = int64_t(i);
  return SmallVector<Value>{transpose(b, getLoc(), gs[0], inverse)};
}

Grads ExpandOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  return SmallVector<Value>{sumToShape(b, getLoc(), gs[0], typeOf(getInput()))};
}

Grads ConcatOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool> needed) {
  SmallVector<Value> out;
  int64_t axis = getAxis(), offset = 0;
  for (auto [i, input] : llvm::enumerate(getInputs())) {
    int64_t size = typeOf(input).getDimSize(axis);
    out.push_back(needed[i] ? sliceDim(b, getLoc(), gs[0], axis, offset, 1, size) : Value());
    offset += size;
  }
  return out;
}

Grads SplitOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  SmallVector<Value> parts;
  for (unsigned i = 0; i < getNumResults(); ++i)
    parts.push_back(gradOrZeros(b, *this, gs, i));
  if (parts.size() == 1)
    return parts;
  return SmallVector<Value>{ConcatOp::create(b, getLoc(), parts, getAxis())};
}

Grads SliceOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  Location loc = getLoc();
  RankedTensorType in = typeOf(getInput()), out = typeOf(getOutput());
  Value g = gs[0];
  for (int64_t d = 0; d < in.getRank(); ++d) {
    int64_t start = getStarts()[d], step = getSteps()[d], n = out.getDimSize(d);
    if (step < 0) {
      // Reading backwards from `start` = reading forwards from the last
      // position taken, in reverse order.
      g = sliceDim(b, loc, g, d, n - 1, -1, n);
      start += step * (n - 1);
      step = -step;
    }
    g = scatterDim(b, loc, g, d, start, step, in.getDimSize(d));
  }
  return SmallVector<Value>{g};
}

Grads GatherOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool> needed) {
  if (!needed[0])
    return SmallVector<Value>{Value(), Value()};
  if (getAxis() != 0) {
    emitOpError("has no gradient for axis ") << getAxis() << " (only axis 0)";
    return failure();
  }
  // onehot[i, v] = (indices[i] == v); d(data) = onehot^T @ g, rows flattened.
  Location loc = getLoc();
  Emit e{b, loc};
  RankedTensorType data = typeOf(getData()), idxType = typeOf(getIndices());
  int64_t rows = data.getDimSize(0), n = idxType.getNumElements();
  int64_t rest = data.getNumElements() / std::max<int64_t>(rows, 1);
  Value idx = reshape(b, loc, getIndices(), {n, 1});
  Value wrapped = e.select(e.less(idx, e.scalar(idx, 0)), e.add(idx, e.scalar(idx, double(rows))), idx);
  SmallVector<Attribute> positions;
  for (int64_t v = 0; v < rows; ++v)
    positions.push_back(b.getIntegerAttr(idxType.getElementType(), v));
  auto rowType = RankedTensorType::get({1, rows}, idxType.getElementType());
  Value range = ConstantOp::create(b, loc, DenseElementsAttr::get(rowType, positions));
  Value onehot = CastOp::create(b, loc, RankedTensorType::get({n, rows}, data.getElementType()),
                                EqualOp::create(b, loc, wrapped, range));
  Value g = reshape(b, loc, gs[0], {n, rest});
  Value dData = MatMulOp::create(b, loc, transpose(b, loc, onehot, {1, 0}), g);
  return SmallVector<Value>{reshape(b, loc, dData, data.getShape()), Value()};
}
