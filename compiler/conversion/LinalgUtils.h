//===- LinalgUtils.h - shared builders for dlc -> linalg lowering ---------===//
//
// Small builders every pattern family uses, so that broadcasting, reductions
// and scalar constants are spelled one way across the lowering:
//
//  * buildBroadcastElementwise: tensor.empty + one linalg.generic whose
//    operands are read at their numpy-broadcast position. Any operand of
//    lower rank or with size-1 dims works, e.g. a keepdims reduction result
//    broadcast back over the reduced axes.
//  * buildReduction: linalg.fill(init) + one linalg.generic with reduction
//    iterators over `axes`; keepdims only changes the output indexing map.
//  * insertByCopy / padTensor: copies into a slot of a larger tensor that
//    bufferize in place; convertTensor: an elementwise convertScalar (e.g.
//    rounding an f32 accumulator back).
//  * scalar helpers: typed constants (float or integer from a double),
//    reduction identities, f16/bf16 <-> f32 promotion, scalar conversions.
//
// All builders work on static-shaped ranked tensors (dlc's contract) and
// return tensor values, destination style. Values are signless (arith needs
// it): an unsigned dlc element type reaches the builders as a `Type` (which
// then selects the unsigned form) or as an `isUnsigned` flag.
//
//===----------------------------------------------------------------------===//
#ifndef DLC_COMPILER_CONVERSION_LINALGUTILS_H
#define DLC_COMPILER_CONVERSION_LINALGUTILS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace dlc {

/// Computes the scalar result of one element from the scalars of the
/// operands (in operand order). Called once, inside the linalg.generic body.
using ScalarBodyFn = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange /*scalars*/)>;

/// Combines one element into the accumulator of a reduction:
/// `scalars` are the input scalars (in input order), `acc` the running value.
using ReductionBodyFn = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange /*scalars*/,
    mlir::Value /*acc*/)>;

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

/// True if every operand and result of `op` is a static-shaped ranked tensor.
bool hasStaticTypes(mlir::Operation *op);

/// True if `type` (a scalar or a tensor's element type) is unsigned (`ui8`).
bool isUnsignedElement(mlir::Type type);
/// `type` (a scalar or a tensor) with an unsigned integer element type made
/// signless of the same width; other types unchanged.
mlir::Type getSignlessType(mlir::Type type);

//===----------------------------------------------------------------------===//
// Indexing maps
//===----------------------------------------------------------------------===//

/// The numpy-broadcast indexing map of an operand of shape `operandShape`
/// read inside an iteration space of shape `iterShape` (one loop per dim):
/// operand dims are aligned to the trailing loop dims, missing leading dims
/// are dropped, and operand dims of size 1 where the loop is larger read
/// index 0. E.g. operand 3x1 in 2x3x4 -> (d0, d1, d2) -> (d1, 0).
mlir::AffineMap getBroadcastIndexingMap(llvm::ArrayRef<int64_t> operandShape,
                                        llvm::ArrayRef<int64_t> iterShape,
                                        mlir::MLIRContext *ctx);

/// The output map of a reduction over `axes` of a rank-`rank` iteration
/// space: reduced dims become constant 0 (keepDims) or are dropped.
mlir::AffineMap getReductionOutputMap(int64_t rank, llvm::ArrayRef<int64_t> axes,
                                      bool keepDims, mlir::MLIRContext *ctx);

/// The shape of `shape` reduced over `axes` (size 1 if keepDims, else dropped).
llvm::SmallVector<int64_t> getReducedShape(llvm::ArrayRef<int64_t> shape,
                                           llvm::ArrayRef<int64_t> axes,
                                           bool keepDims);

//===----------------------------------------------------------------------===//
// Tensor builders
//===----------------------------------------------------------------------===//

/// tensor.empty of a static type.
mlir::Value createEmptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::RankedTensorType type);

/// tensor.empty + linalg.fill with `value` (a scalar of the element type).
mlir::Value createFilledTensor(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::RankedTensorType type, mlir::Value value);

/// `tensor` converted elementwise to `elementType` with convertScalar (e.g. an
/// f32 accumulator rounded back to f16); `tensor` itself if already of it.
mlir::Value convertTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::Value tensor,
                          mlir::Type elementType);

/// `dest` with `source` copied in at `offsets` (unit strides), spelled as
/// extract_slice of the slot + linalg.copy + insert_slice: one-shot
/// bufferization then writes `source` straight into a subview of `dest`'s
/// buffer, where a bare insert_slice (or tensor.pad) would leave a strided
/// memref.copy (an external `memrefCopy` call).
mlir::Value insertByCopy(mlir::OpBuilder &b, mlir::Location loc, mlir::Value source,
                         mlir::Value dest, llvm::ArrayRef<int64_t> offsets);

/// `input` padded with `padValue`: `low[d]` / `high[d]` extra elements before
/// and after each dim; a filled tensor with the input insertByCopy'd into its
/// interior (rather than tensor.pad, see there).
mlir::Value padTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                      llvm::ArrayRef<int64_t> low, llvm::ArrayRef<int64_t> high,
                      mlir::Value padValue);

/// tensor.empty(resultType) + an all-parallel linalg.generic over the result
/// shape reading operand i through `operandMaps[i]` (maps from the result
/// dims to the operand's dims), yielding `body(scalars)`. Use it when an
/// operand is not numpy-broadcast, e.g. a per-channel [C] vector read at dim
/// 1 of NCHW: (d0, d1, d2, d3) -> (d1).
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType resultType, mlir::ValueRange operands,
                             llvm::ArrayRef<mlir::AffineMap> operandMaps, ScalarBodyFn body);

/// Creates `tensor.empty(resultType)` and a linalg.generic with all-parallel
/// iterators over the result shape that reads every operand at its
/// numpy-broadcast position (getBroadcastIndexingMap) and yields
/// `body(scalars)`. The body's result must have resultType's element type.
/// Operands must broadcast to resultType's shape.
mlir::Value buildBroadcastElementwise(mlir::OpBuilder &b, mlir::Location loc,
                                      mlir::RankedTensorType resultType,
                                      mlir::ValueRange operands, ScalarBodyFn body);

/// A reduction of one or more inputs over `axes` (sorted, unique) of the
/// iteration space given by the first input's shape; further inputs are read
/// at their numpy-broadcast position within it (so a keepdims statistic can
/// be fed back, e.g. sum((x - mean)^2)). The accumulator starts at `init`
/// (a scalar Value of `accElementType`, splatted with linalg.fill). The
/// result has the reduced shape (getReducedShape) and element type
/// `accElementType`.
mlir::Value buildReduction(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::ValueRange inputs, llvm::ArrayRef<int64_t> axes,
                           bool keepDims, mlir::Value init, ReductionBodyFn body);

/// Convenience reductions of one tensor over `axes` (sum: init 0; max: init
/// -inf / the integer minimum; mean: sum divided by the reduced element
/// count, integer division truncates). The element type is the input's; for
/// f16/bf16 the sum/mean accumulate in f32 and the result is rounded back.
/// `isUnsigned`: the (signless) integer input holds unsigned values.
mlir::Value buildReduceSum(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                           llvm::ArrayRef<int64_t> axes, bool keepDims);
mlir::Value buildReduceMax(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                           llvm::ArrayRef<int64_t> axes, bool keepDims,
                           bool isUnsigned = false);
mlir::Value buildReduceMean(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                            llvm::ArrayRef<int64_t> axes, bool keepDims,
                            bool isUnsigned = false);

//===----------------------------------------------------------------------===//
// Scalars
//===----------------------------------------------------------------------===//

/// arith.constant of `type` (float or integer, incl. i1) holding `value`
/// (integers: truncated toward zero and saturated to the type's range; an
/// unsigned `type` saturates to its range and yields the signless type).
mlir::Value createScalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::Type type, double value);

/// The identity of max: -inf for floats, the signed minimum for integers, 0
/// for unsigned ones (as the signless type).
mlir::Value createLowestValue(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type);
/// The identity of min: +inf for floats, the signed maximum for integers, all
/// ones for unsigned ones.
mlir::Value createHighestValue(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type);

/// True for f16 and bf16 (types computed in f32 and rounded back).
bool isNarrowFloat(mlir::Type type);
/// The type arithmetic on `type` is computed in: f32 for f16/bf16, else `type`.
mlir::Type getComputeType(mlir::Type type);
/// Extends an f16/bf16 scalar to f32; other values are returned unchanged.
mlir::Value promoteToCompute(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v);

/// Converts a scalar to `dst` with ONNX Cast semantics: float->int truncates
/// toward zero, number->i1 is `x != 0`, i1->number is 0/1, integers are
/// signed (sign-extend / truncate), floats extend/round. Rounding to bf16 is
/// spelled with integer ops (round-to-nearest-even, NaN kept): LLVM would
/// call __truncsfbf2, which the GCC 12 runtime lacks. Prefer this over a raw
/// arith.truncf to bf16.
mlir::Value convertScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                          mlir::Type dst);
/// The same from dlc element type `src` (`v` is its signless form) to `dst`;
/// an unsigned `src` zero-extends (extui, uitofp), an unsigned `dst` takes
/// fptoui. The result has the signless form of `dst`.
mlir::Value convertScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                          mlir::Type src, mlir::Type dst);

/// Scalar a + b, a - b, a * b, a / b (truncating for integers), max/min
/// (NaN-propagating for floats, unsigned for i1; f16/bf16 compared in f32) on
/// floats or integers. Integer div/max/min are signed unless `isUnsigned`.
mlir::Value createAdd(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs, mlir::Value rhs);
mlir::Value createSub(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs, mlir::Value rhs);
mlir::Value createMul(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs, mlir::Value rhs);
mlir::Value createDiv(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs, mlir::Value rhs,
                      bool isUnsigned = false);
mlir::Value createMax(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs, mlir::Value rhs,
                      bool isUnsigned = false);
mlir::Value createMin(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs, mlir::Value rhs,
                      bool isUnsigned = false);

} // namespace dlc

#endif // DLC_COMPILER_CONVERSION_LINALGUTILS_H
