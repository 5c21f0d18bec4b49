//===- StridedViews.h - tensors as strided views of a dense buffer -------===//
//
// dlc.transpose and dlc.reshape only rearrange elements. Where a library
// call can read or write an operand at arbitrary strides (oneDNN matmul), a
// chain of them is folded into the strides instead of copying
// (dlc-dispatch-dnnl, matmul-layouts in dlc-fuse-kernels).
//
//===----------------------------------------------------------------------===//
#ifndef DLC_COMPILER_TRANSFORMS_STRIDEDVIEWS_H
#define DLC_COMPILER_TRANSFORMS_STRIDEDVIEWS_H

#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace dlc {

/// A tensor's elements in a dense row-major buffer: element (i0, i1, ...)
/// is at sum(ik * strides[k]).
struct StridedView {
  llvm::SmallVector<int64_t> shape, strides;
};

/// The row-major view of a buffer of `shape`.
StridedView denseView(llvm::ArrayRef<int64_t> shape);

/// `view` reshaped to `shape` without moving elements, when strides can say
/// it (NumPy's no-copy reshape rule), else nothing.
std::optional<StridedView> reshapeView(const StridedView &view, llvm::ArrayRef<int64_t> shape);

/// Output dim i is `view`'s dim perm[i].
StridedView transposeView(const StridedView &view, llvm::ArrayRef<int64_t> perm);

/// `view` after `op`, a dlc.transpose or a dlc.reshape (static result
/// shape): nothing when strides cannot express it or `op` is neither.
std::optional<StridedView> applyLayoutOp(const StridedView &view, mlir::Operation *op);

/// `view` with size-1 dims in front up to `rank` dims (or nothing when it
/// already has more).
std::optional<StridedView> padToRank(const StridedView &view, size_t rank);

/// A value computed from a block argument by transposes and reshapes alone.
struct LayoutChain {
  mlir::BlockArgument source;
  StridedView view;                         // of the value over `source`
  llvm::SmallVector<mlir::Operation *> ops; // the chain, producers first
};

/// The chain ending at `value` when every op on it is a dlc.transpose or
/// dlc.reshape used once and it starts at a block argument (an empty chain
/// for the argument itself), else nothing.
std::optional<LayoutChain> layoutChainOf(mlir::Value value);

} // namespace dlc

#endif
