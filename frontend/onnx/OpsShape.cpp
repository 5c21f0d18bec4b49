//===- OpsShape.cpp - reshape family, transpose, concat, split, slice ... -===//
//
// Shape operands must be compile-time constants; the result shapes come
// from ShapeComputation.cpp (shared with the constant evaluator). Flatten,
// Squeeze and Unsqueeze become dlc.reshape.
//
//===----------------------------------------------------------------------===//
#include "frontend/onnx/GraphImporter.h"
#include "frontend/onnx/ShapeComputation.h"

using namespace mlir;

namespace dlc::onnx_import {
namespace {

using ShapeFn = FailureOr<Shape> (*)(GraphImporter &, ArrayRef<int64_t>);

/// Reshape / Flatten / Squeeze / Unsqueeze: a dlc.reshape to the shape
/// `compute` derives.
template <ShapeFn compute>
LogicalResult importReshapeLike(GraphImporter &imp) {
  FailureOr<Value> x = imp.input(0);
  if (failed(x))
    return failure();
  FailureOr<Shape> shape = compute(imp, GraphImporter::typeOf(*x).getShape());
  if (failed(shape))
    return failure();
  auto type = GraphImporter::typeOf(*x).clone(*shape);
  imp.setOutput(0, dlc::ReshapeOp::create(imp.builder, imp.loc, type, *x));
  return success();
}

LogicalResult importExpand(GraphImporter &imp) {
  FailureOr<Value> x = imp.input(0);
  if (failed(x))
    return failure();
  FailureOr<Shape> shape = expandResult(imp, GraphImporter::typeOf(*x).getShape());
  if (failed(shape))
    return failure();
  imp.setOutput(0, dlc::ExpandOp::create(imp.builder, imp.loc,
                                         GraphImporter::typeOf(*x).clone(*shape), *x));
  return success();
}

LogicalResult importTranspose(GraphImporter &imp) {
  FailureOr<Value> x = imp.input(0);
  if (failed(x))
    return failure();
  int64_t rank = GraphImporter::typeOf(*x).getRank();
  std::vector<int64_t> reversed;
  for (int64_t i = rank - 1; i >= 0; --i)
    reversed.push_back(i);
  FailureOr<std::vector<int64_t>> perm = imp.attrInts("perm", reversed);
  if (failed(perm))
    return failure();
  FailureOr<Value> result =
      imp.createInferred<dlc::TransposeOp>(*x, imp.builder.getDenseI64ArrayAttr(*perm));
  if (failed(result))
    return failure();
  imp.setOutput(0, *result);
  return success();
}

LogicalResult importConcat(GraphImporter &imp) {
  FailureOr<int64_t> axis = imp.attrInt("axis");
  if (failed(axis))
    return failure();
  SmallVector<Value> inputs;
  for (size_t i = 0; i < imp.numInputs(); ++i) {
    FailureOr<Value> v = imp.input(i);
    if (failed(v))
      return failure();
    inputs.push_back(*v);
  }
  if (inputs.empty())
    return imp.fail("Concat needs at least one input");
  FailureOr<int64_t> a = imp.normalizeAxis(*axis, GraphImporter::typeOf(inputs[0]).getRank(),
                                           "axis");
  if (failed(a))
    return failure();
  FailureOr<Value> result =
      imp.createInferred<dlc::ConcatOp>(ValueRange(inputs), imp.builder.getI64IntegerAttr(*a));
  if (failed(result))
    return failure();
  imp.setOutput(0, *result);
  return success();
}

LogicalResult importSplit(GraphImporter &imp) {
  FailureOr<Value> x = imp.input(0);
  FailureOr<int64_t> axis = imp.attrInt("axis", 0);
  if (failed(x) || failed(axis))
    return failure();
  auto type = GraphImporter::typeOf(*x);
  FailureOr<int64_t> a = imp.normalizeAxis(*axis, type.getRank(), "axis");
  if (failed(a))
    return failure();
  FailureOr<Shape> sizes = splitSizes(imp, type.getShape(), *a);
  if (failed(sizes))
    return failure();
  SmallVector<Type> types;
  for (int64_t size : *sizes) {
    SmallVector<int64_t> shape(type.getShape());
    shape[*a] = size;
    types.push_back(type.clone(shape));
  }
  auto split = dlc::SplitOp::create(imp.builder, imp.loc, types, *x,
                                    imp.builder.getI64IntegerAttr(*a));
  for (auto [i, result] : llvm::enumerate(split.getOutputs()))
    imp.setOutput(i, result);
  return success();
}

LogicalResult importSlice(GraphImporter &imp) {
  FailureOr<Value> x = imp.input(0);
  if (failed(x))
    return failure();
  auto type = GraphImporter::typeOf(*x);
  FailureOr<SliceParams> p = sliceParams(imp, type.getShape());
  if (failed(p))
    return failure();
  imp.setOutput(0, dlc::SliceOp::create(imp.builder, imp.loc, type.clone(p->sizes), *x,
                                        imp.builder.getDenseI64ArrayAttr(p->starts),
                                        imp.builder.getDenseI64ArrayAttr(p->steps)));
  return success();
}

LogicalResult importGather(GraphImporter &imp) {
  FailureOr<Value> data = imp.input(0);
  FailureOr<Value> indices = failed(data) ? data : imp.input(1);
  FailureOr<int64_t> axis = imp.attrInt("axis", 0);
  if (failed(indices) || failed(axis))
    return failure();
  auto dataType = GraphImporter::typeOf(*data);
  FailureOr<int64_t> a = imp.normalizeAxis(*axis, dataType.getRank(), "axis");
  if (failed(a))
    return failure();
  Type indexType = GraphImporter::typeOf(*indices).getElementType();
  if (!indexType.isInteger(32) && !indexType.isInteger(64))
    return imp.fail("indices must be int32 or int64");
  // Constant indices are checked here; the runtime does not bounds-check.
  FailureOr<const HostTensor *> host = imp.hostInput(1);
  if (failed(host))
    return failure();
  if (*host) {
    int64_t dim = dataType.getDimSize(*a);
    for (int64_t index : (*host)->ints)
      if (index < -dim || index >= dim)
        return imp.fail("index " + Twine(index) + " is out of range for dim " + Twine(*a) +
                        " of size " + Twine(dim));
  }
  FailureOr<Value> result =
      imp.createInferred<dlc::GatherOp>(*data, *indices, imp.builder.getI64IntegerAttr(*a));
  if (failed(result))
    return failure();
  imp.setOutput(0, *result);
  return success();
}

} // namespace

void addShapeImporters(llvm::StringMap<OpImportFn> &t) {
  t["Reshape"] = importReshapeLike<reshapeResult>;
  t["Flatten"] = importReshapeLike<flattenResult>;
  t["Squeeze"] = importReshapeLike<squeezeResult>;
  t["Unsqueeze"] = importReshapeLike<unsqueezeResult>;
  t["Expand"] = importExpand;
  t["Transpose"] = importTranspose;
  t["Concat"] = importConcat;
  t["Split"] = importSplit;
  t["Slice"] = importSlice;
  t["Gather"] = importGather;
}

} // namespace dlc::onnx_import
