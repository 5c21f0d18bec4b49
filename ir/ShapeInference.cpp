//===- ShapeInference.cpp - result types of dlc ops -----------------------===//
//
// Each op with InferTypeOpAdaptor derives its result type here, following the
// ONNX shape inference rules for static shapes. Errors name the offending
// operand or attribute so the importer can surface them with the node name.
//
//===----------------------------------------------------------------------===//
#include "ir/Ops.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace dlc;

static RankedTensorType rankedType(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

int64_t dlc::windowOutputSize(int64_t input, int64_t kernel, int64_t stride,
                              int64_t dilation, int64_t padBegin, int64_t padEnd,
                              bool ceilMode) {
  int64_t span = dilation * (kernel - 1) + 1;
  int64_t room = input + padBegin + padEnd - span;
  if (room < 0)
    return 0;
  int64_t out = (ceilMode ? (room + stride - 1) / stride : room / stride) + 1;
  // ONNX/PyTorch: with ceil_mode the last window must start inside the
  // input or the begin padding.
  if (ceilMode && (out - 1) * stride >= input + padBegin)
    --out;
  return out;
}

static LogicalResult inferBroadcast(std::optional<Location> loc, ValueRange operands,
                                    Type elementType, SmallVectorImpl<Type> &results) {
  SmallVector<int64_t> shape;
  for (Value v : operands) {
    SmallVector<int64_t> next;
    if (!mlir::OpTrait::util::getBroadcastedShape(shape, rankedType(v).getShape(), next))
      return emitOptionalError(loc, "operand shapes do not broadcast: ",
                               operands.getTypes());
    shape = std::move(next);
  }
  results.push_back(RankedTensorType::get(shape, elementType));
  return success();
}

template <typename Adaptor>
static LogicalResult inferArithmetic(std::optional<Location> loc, Adaptor adaptor,
                                     SmallVectorImpl<Type> &results, bool sameElementType) {
  Type lhs = rankedType(adaptor.getLhs()).getElementType();
  Type rhs = rankedType(adaptor.getRhs()).getElementType();
  if (sameElementType && lhs != rhs)
    return emitOptionalError(loc, "operand element types differ: ", lhs, " vs ", rhs);
  return inferBroadcast(loc, adaptor.getOperands(), lhs, results);
}

#define DLC_ARITH_INFER(OP, SAME)                                              \
  LogicalResult OP::inferReturnTypes(MLIRContext *, std::optional<Location> loc, \
                                     Adaptor adaptor,                            \
                                     SmallVectorImpl<Type> &results) {           \
    return inferArithmetic(loc, adaptor, results, SAME);                       \
  }
DLC_ARITH_INFER(AddOp, true)
DLC_ARITH_INFER(SubOp, true)
DLC_ARITH_INFER(MulOp, true)
DLC_ARITH_INFER(DivOp, true)
DLC_ARITH_INFER(PowOp, false)
#undef DLC_ARITH_INFER

#define DLC_COMPARE_INFER(OP)                                                  \
  LogicalResult OP::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc, \
                                     Adaptor adaptor,                            \
                                     SmallVectorImpl<Type> &results) {           \
    if (failed(inferArithmetic(loc, adaptor, results, true)))                 \
      return failure();                                                        \
    results.back() = llvm::cast<RankedTensorType>(results.back())              \
                         .clone(IntegerType::get(ctx, 1));                     \
    return success();                                                          \
  }
DLC_COMPARE_INFER(EqualOp)
DLC_COMPARE_INFER(LessOp)
DLC_COMPARE_INFER(GreaterOp)
#undef DLC_COMPARE_INFER

LogicalResult WhereOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor, SmallVectorImpl<Type> &results) {
  Type x = rankedType(adaptor.getX()).getElementType();
  if (x != rankedType(adaptor.getY()).getElementType())
    return emitOptionalError(loc, "x and y element types differ");
  return inferBroadcast(loc, adaptor.getOperands(), x, results);
}

//===----------------------------------------------------------------------===//
// matmul / gemm / conv
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &results) {
  auto lhs = rankedType(adaptor.getLhs()), rhs = rankedType(adaptor.getRhs());
  if (lhs.getElementType() != rhs.getElementType())
    return emitOptionalError(loc, "operand element types differ");
  if (lhs.getRank() == 0 || rhs.getRank() == 0)
    return emitOptionalError(loc, "matmul operands must have rank >= 1");
  // numpy: a 1-D lhs is a row vector and a 1-D rhs a column vector; the
  // added dim is dropped from the result.
  SmallVector<int64_t> a(lhs.getShape()), b(rhs.getShape());
  bool lhsVector = a.size() == 1, rhsVector = b.size() == 1;
  if (lhsVector)
    a.insert(a.begin(), 1);
  if (rhsVector)
    b.push_back(1);
  if (a.back() != b[b.size() - 2])
    return emitOptionalError(loc, "contraction dims differ: ", lhs, " x ", rhs);
  SmallVector<int64_t> batch;
  if (!mlir::OpTrait::util::getBroadcastedShape(ArrayRef(a).drop_back(2), ArrayRef(b).drop_back(2),
                                          batch))
    return emitOptionalError(loc, "batch dims do not broadcast: ", lhs, " x ", rhs);
  if (!lhsVector)
    batch.push_back(a[a.size() - 2]);
  if (!rhsVector)
    batch.push_back(b.back());
  results.push_back(RankedTensorType::get(batch, lhs.getElementType()));
  return success();
}

LogicalResult GemmOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                       Adaptor adaptor, SmallVectorImpl<Type> &results) {
  auto a = rankedType(adaptor.getA()), b = rankedType(adaptor.getB());
  if (a.getRank() != 2 || b.getRank() != 2)
    return emitOptionalError(loc, "gemm operands must be 2-D, got ", a, " and ", b);
  bool transA = adaptor.getTransA(), transB = adaptor.getTransB();
  int64_t m = a.getDimSize(transA ? 1 : 0), ka = a.getDimSize(transA ? 0 : 1);
  int64_t kb = b.getDimSize(transB ? 1 : 0), n = b.getDimSize(transB ? 0 : 1);
  if (ka != kb)
    return emitOptionalError(loc, "contraction dims differ: ", ka, " vs ", kb);
  auto result = RankedTensorType::get({m, n}, a.getElementType());
  if (Value c = adaptor.getC()) {
    SmallVector<int64_t> shape;
    if (!mlir::OpTrait::util::getBroadcastedShape(result.getShape(), rankedType(c).getShape(), shape) ||
        ArrayRef<int64_t>(shape) != result.getShape())
      return emitOptionalError(loc, "C ", c.getType(), " does not broadcast to ", result);
  }
  results.push_back(result);
  return success();
}

/// Checks the window attributes of conv/pool ops against `spatial` dims.
static LogicalResult checkWindowAttrs(std::optional<Location> loc, int64_t spatial,
                                      ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                                      ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations) {
  if ((int64_t)kernel.size() != spatial || (int64_t)strides.size() != spatial ||
      (int64_t)dilations.size() != spatial || (int64_t)pads.size() != 2 * spatial)
    return emitOptionalError(loc, "kernel_shape/strides/dilations need ", spatial,
                             " entries and pads ", 2 * spatial);
  for (int64_t i = 0; i < spatial; ++i) {
    if (strides[i] <= 0 || dilations[i] <= 0 || kernel[i] <= 0)
      return emitOptionalError(loc, "strides, dilations and kernel_shape must be positive");
    if (pads[i] < 0 || pads[i + spatial] < 0)
      return emitOptionalError(loc, "pads must be non-negative");
  }
  return success();
}

static LogicalResult inferWindowShape(std::optional<Location> loc, RankedTensorType input,
                                      int64_t channels, ArrayRef<int64_t> kernel,
                                      ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                                      ArrayRef<int64_t> dilations, bool ceilMode,
                                      Type elementType, SmallVectorImpl<Type> &results) {
  int64_t spatial = input.getRank() - 2;
  if (spatial < 1)
    return emitOptionalError(loc, "input needs rank >= 3 (N, C, spatial...), got ", input);
  if (failed(checkWindowAttrs(loc, spatial, kernel, strides, pads, dilations)))
    return failure();
  SmallVector<int64_t> shape{input.getDimSize(0), channels};
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t size = windowOutputSize(input.getDimSize(i + 2), kernel[i], strides[i],
                                    dilations[i], pads[i], pads[i + spatial], ceilMode);
    if (size <= 0)
      return emitOptionalError(loc, "window larger than padded input in spatial dim ", i);
    shape.push_back(size);
  }
  results.push_back(RankedTensorType::get(shape, elementType));
  return success();
}

LogicalResult ConvOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                       Adaptor adaptor, SmallVectorImpl<Type> &results) {
  auto input = rankedType(adaptor.getInput()), weight = rankedType(adaptor.getWeight());
  int64_t group = adaptor.getGroup();
  Type element = input.getElementType();
  if (weight.getElementType() != element ||
      (adaptor.getBias() && rankedType(adaptor.getBias()).getElementType() != element))
    return emitOptionalError(loc, "input, weight and bias element types differ");
  if (weight.getRank() != input.getRank())
    return emitOptionalError(loc, "weight rank ", weight.getRank(), " differs from input rank ",
                             input.getRank());
  if (group <= 0 || input.getDimSize(1) % group != 0 || weight.getDimSize(0) % group != 0)
    return emitOptionalError(loc, "group ", group, " must divide input channels ",
                             input.getDimSize(1), " and output channels ",
                             weight.getDimSize(0));
  if (weight.getDimSize(1) * group != input.getDimSize(1))
    return emitOptionalError(loc, "weight has ", weight.getDimSize(1),
                             " input channels per group, input has ", input.getDimSize(1),
                             " channels in ", group, " groups");
  if (Value bias = adaptor.getBias()) {
    auto b = rankedType(bias);
    if (b.getRank() != 1 || b.getDimSize(0) != weight.getDimSize(0))
      return emitOptionalError(loc, "bias must be [", weight.getDimSize(0), "], got ", b);
  }
  return inferWindowShape(loc, input, weight.getDimSize(0), weight.getShape().drop_front(2),
                          adaptor.getStrides(), adaptor.getPads(), adaptor.getDilations(),
                          /*ceilMode=*/false, input.getElementType(), results);
}

LogicalResult MaxPoolOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                          Adaptor adaptor, SmallVectorImpl<Type> &results) {
  auto input = rankedType(adaptor.getInput());
  return inferWindowShape(loc, input, input.getDimSize(1), adaptor.getKernelShape(),
                          adaptor.getStrides(), adaptor.getPads(), adaptor.getDilations(),
                          adaptor.getCeilMode(), input.getElementType(), results);
}

LogicalResult AvgPoolOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                          Adaptor adaptor, SmallVectorImpl<Type> &results) {
  auto input = rankedType(adaptor.getInput());
  return inferWindowShape(loc, input, input.getDimSize(1), adaptor.getKernelShape(),
                          adaptor.getStrides(), adaptor.getPads(), adaptor.getDilations(),
                          adaptor.getCeilMode(), input.getElementType(), results);
}

LogicalResult GlobalAvgPoolOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                Adaptor adaptor,
                                                SmallVectorImpl<Type> &results) {
  auto input = rankedType(adaptor.getInput());
  if (input.getRank() < 3)
    return emitOptionalError(loc, "input needs rank >= 3 (N, C, spatial...), got ", input);
  SmallVector<int64_t> shape(input.getShape());
  std::fill(shape.begin() + 2, shape.end(), 1);
  results.push_back(input.clone(shape));
  return success();
}

//===----------------------------------------------------------------------===//
// reductions and data movement
//===----------------------------------------------------------------------===//

template <typename Adaptor>
static LogicalResult inferReduce(std::optional<Location> loc, Adaptor adaptor,
                                 SmallVectorImpl<Type> &results) {
  auto input = rankedType(adaptor.getInput());
  ArrayRef<int64_t> axes = adaptor.getAxes();
  for (size_t i = 0; i < axes.size(); ++i)
    if (axes[i] < 0 || axes[i] >= input.getRank() || (i && axes[i] <= axes[i - 1]))
      return emitOptionalError(loc, "axes must be sorted, unique and in [0, ",
                               input.getRank(), ")");
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < input.getRank(); ++d) {
    if (!llvm::is_contained(axes, d))
      shape.push_back(input.getDimSize(d));
    else if (adaptor.getKeepdims())
      shape.push_back(1);
  }
  results.push_back(input.clone(shape));
  return success();
}

#define DLC_REDUCE_INFER(OP)                                                   \
  LogicalResult OP::inferReturnTypes(MLIRContext *, std::optional<Location> loc, \
                                     Adaptor adaptor,                            \
                                     SmallVectorImpl<Type> &results) {           \
    return inferReduce(loc, adaptor, results);                                 \
  }
DLC_REDUCE_INFER(ReduceSumOp)
DLC_REDUCE_INFER(ReduceMeanOp)
DLC_REDUCE_INFER(ReduceMaxOp)
#undef DLC_REDUCE_INFER

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &results) {
  auto input = rankedType(adaptor.getInput());
  ArrayRef<int64_t> perm = adaptor.getPerm();
  if ((int64_t)perm.size() != input.getRank())
    return emitOptionalError(loc, "perm has ", perm.size(), " entries for rank ",
                             input.getRank());
  SmallVector<bool> seen(perm.size(), false);
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= input.getRank() || seen[p])
      return emitOptionalError(loc, "perm is not a permutation of [0, ", input.getRank(), ")");
    seen[p] = true;
    shape.push_back(input.getDimSize(p));
  }
  results.push_back(input.clone(shape));
  return success();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &results) {
  ValueRange inputs = adaptor.getInputs();
  if (inputs.empty())
    return emitOptionalError(loc, "concat needs at least one input");
  auto first = rankedType(inputs.front());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= first.getRank())
    return emitOptionalError(loc, "axis ", axis, " out of range for ", first);
  SmallVector<int64_t> shape(first.getShape());
  shape[axis] = 0;
  for (Value v : inputs) {
    auto t = rankedType(v);
    if (t.getRank() != first.getRank() || t.getElementType() != first.getElementType())
      return emitOptionalError(loc, "inputs differ in rank or element type: ", first, ", ", t);
    for (int64_t d = 0; d < t.getRank(); ++d)
      if (d != axis && t.getDimSize(d) != first.getDimSize(d))
        return emitOptionalError(loc, "inputs differ outside the concat axis: ", first, ", ", t);
    shape[axis] += t.getDimSize(axis);
  }
  results.push_back(first.clone(shape));
  return success();
}

LogicalResult GatherOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &results) {
  auto data = rankedType(adaptor.getData()), indices = rankedType(adaptor.getIndices());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= data.getRank())
    return emitOptionalError(loc, "axis ", axis, " out of range for ", data);
  SmallVector<int64_t> shape(data.getShape().take_front(axis));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, data.getShape().drop_front(axis + 1));
  results.push_back(data.clone(shape));
  return success();
}
