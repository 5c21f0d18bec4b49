//===- StridedViews.cpp - tensors as strided views of a dense buffer -----===//
#include "compiler/transforms/StridedViews.h"
#include "ir/Ops.h"

#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;

namespace dlc {

StridedView denseView(ArrayRef<int64_t> shape) {
  StridedView view{SmallVector<int64_t>(shape), SmallVector<int64_t>(shape.size(), 1)};
  for (size_t i = shape.size(); i-- > 1;)
    view.strides[i - 1] = view.strides[i] * std::max<int64_t>(shape[i], 1);
  return view;
}

/// A size-1 dim gets the stride of the dim before it (the buffer's span
/// when it leads): the strides a plain layout tag (abcd, acbd, ...) would
/// give it, which libraries match to pick their fast kernels.
static void normalizeUnitStrides(StridedView &view) {
  int64_t span = 1;
  for (auto [dim, stride] : llvm::zip(view.shape, view.strides))
    if (dim != 1)
      span = std::max(span, dim * stride);
  for (size_t i = 0; i < view.shape.size(); ++i)
    if (view.shape[i] == 1)
      view.strides[i] = i == 0 ? span : view.strides[i - 1];
}

std::optional<StridedView> reshapeView(const StridedView &view, ArrayRef<int64_t> shape) {
  // Walk old and new dims (size-1 old dims dropped) in groups of equal
  // element count; each old group must be contiguous in itself, and the new
  // dims of the group take strides inside it.
  SmallVector<int64_t> oldDims, oldStrides;
  for (auto [dim, stride] : llvm::zip(view.shape, view.strides))
    if (dim != 1)
      oldDims.push_back(dim), oldStrides.push_back(stride);
  int64_t oldCount = 1, newCount = 1;
  for (int64_t dim : oldDims)
    oldCount *= dim;
  for (int64_t dim : shape)
    newCount *= dim;
  if (oldCount != newCount || llvm::is_contained(shape, 0))
    return std::nullopt;
  StridedView out{SmallVector<int64_t>(shape), SmallVector<int64_t>(shape.size(), 1)};
  size_t oi = 0, oj = 1, ni = 0, nj = 1;
  while (ni < shape.size() && oi < oldDims.size()) {
    int64_t np = shape[ni], op = oldDims[oi];
    while (np != op) {
      if (np < op)
        np *= shape[nj++];
      else
        op *= oldDims[oj++];
    }
    for (size_t k = oi; k + 1 < oj; ++k)
      if (oldStrides[k] != oldDims[k + 1] * oldStrides[k + 1])
        return std::nullopt;
    out.strides[nj - 1] = oldStrides[oj - 1];
    for (size_t k = nj - 1; k > ni; --k)
      out.strides[k - 1] = out.strides[k] * shape[k];
    ni = nj++;
    oi = oj++;
  }
  normalizeUnitStrides(out);
  return out;
}

StridedView transposeView(const StridedView &view, ArrayRef<int64_t> perm) {
  StridedView out;
  for (int64_t from : perm) {
    out.shape.push_back(view.shape[from]);
    out.strides.push_back(view.strides[from]);
  }
  return out;
}

std::optional<StridedView> applyLayoutOp(const StridedView &view, Operation *op) {
  if (auto transpose = llvm::dyn_cast<TransposeOp>(op))
    return transposeView(view, transpose.getPerm());
  auto type = llvm::dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!llvm::isa<ReshapeOp>(op) || !type || !type.hasStaticShape())
    return std::nullopt;
  return reshapeView(view, type.getShape());
}

std::optional<StridedView> padToRank(const StridedView &view, size_t rank) {
  if (view.shape.size() > rank)
    return std::nullopt;
  StridedView out;
  out.shape.assign(rank - view.shape.size(), 1);
  out.strides.assign(rank - view.shape.size(), 1);
  out.shape.append(view.shape);
  out.strides.append(view.strides);
  normalizeUnitStrides(out);
  return out;
}

std::optional<LayoutChain> layoutChainOf(Value value) {
  SmallVector<Operation *> ops;
  Value current = value;
  while (Operation *op = current.getDefiningOp()) {
    if (!llvm::isa<TransposeOp, ReshapeOp>(op) || !op->getResult(0).hasOneUse())
      return std::nullopt;
    ops.push_back(op);
    current = op->getOperand(0);
  }
  auto type = llvm::dyn_cast<RankedTensorType>(current.getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  LayoutChain chain{llvm::cast<BlockArgument>(current), denseView(type.getShape()), {}};
  for (Operation *op : llvm::reverse(ops)) {
    std::optional<StridedView> next = applyLayoutOp(chain.view, op);
    if (!next)
      return std::nullopt;
    chain.view = *next;
    chain.ops.push_back(op);
  }
  return chain;
}

} // namespace dlc
