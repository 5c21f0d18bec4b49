//===- ShapeComputation.h - result shapes of ONNX shape ops ----*- C++ -*-===//
//
// Shared by the op importers (which build dlc ops with these shapes) and the
// constant evaluator (which applies the same ops to host values), so both
// follow one reading of the ONNX rules. Each reads the current node's
// attributes / constant inputs from the importer and reports errors there.
//
//===----------------------------------------------------------------------===//
#ifndef DLC_FRONTEND_ONNX_SHAPECOMPUTATION_H
#define DLC_FRONTEND_ONNX_SHAPECOMPUTATION_H

#include "frontend/onnx/GraphImporter.h"

namespace dlc::onnx_import {

using Shape = std::vector<int64_t>;

/// numpy broadcasting of two shapes.
mlir::FailureOr<Shape> broadcastShapes(GraphImporter &imp, llvm::ArrayRef<int64_t> a,
                                       llvm::ArrayRef<int64_t> b);
/// Reshape: input 1 = shape (0 copies, -1 infers; allowzero).
mlir::FailureOr<Shape> reshapeResult(GraphImporter &imp, llvm::ArrayRef<int64_t> in);
/// Flatten: [prod(dims < axis), prod(dims >= axis)].
mlir::FailureOr<Shape> flattenResult(GraphImporter &imp, llvm::ArrayRef<int64_t> in);
/// Squeeze: axes from the attribute (opset < 13) or input 1; none = all 1s.
mlir::FailureOr<Shape> squeezeResult(GraphImporter &imp, llvm::ArrayRef<int64_t> in);
/// Unsqueeze: axes from the attribute (opset < 13) or input 1.
mlir::FailureOr<Shape> unsqueezeResult(GraphImporter &imp, llvm::ArrayRef<int64_t> in);
/// Expand: broadcast(input, shape input 1).
mlir::FailureOr<Shape> expandResult(GraphImporter &imp, llvm::ArrayRef<int64_t> in);

/// Slice normalized per ONNX: one start/step per dim (starts clamped, steps
/// may be negative) and the number of elements taken per dim.
struct SliceParams {
  Shape starts, steps, sizes;
};
mlir::FailureOr<SliceParams> sliceParams(GraphImporter &imp, llvm::ArrayRef<int64_t> in);

/// Split: the size of each output along `axis` (split attribute before
/// opset 13, input after; num_outputs from opset 18; else equal parts).
mlir::FailureOr<Shape> splitSizes(GraphImporter &imp, llvm::ArrayRef<int64_t> in, int64_t axis);

/// Product of dims; INT64_MAX when it overflows (shapes from a model can
/// be anything, and a saturated count still fails every size limit).
int64_t numElements(llvm::ArrayRef<int64_t> dims);

/// The largest tensor dlc compiles: 128 TiB, the x86-64 user address space.
/// Bigger shapes cannot be allocated anywhere, and their byte counts would
/// overflow the int64 arithmetic of later stages.
constexpr int64_t kMaxTensorBytes = int64_t(1) << 47;
/// "" if a tensor of `dims` with `elementBits`-bit elements fits
/// kMaxTensorBytes, else why not ("has 2^60 elements of 4 bytes ...").
std::string checkTensorSize(llvm::ArrayRef<int64_t> dims, unsigned elementBits);
std::string formatShape(llvm::ArrayRef<int64_t> dims);

} // namespace dlc::onnx_import

#endif // DLC_FRONTEND_ONNX_SHAPECOMPUTATION_H
