//===- OpsReduction.cpp - ReduceMean / ReduceSum / ReduceMax --------------===//
#include "frontend/onnx/GraphImporter.h"

using namespace mlir;

namespace dlc::onnx_import {
namespace {

/// Axes come from input 1 (ReduceSum since opset 13, the others since 18)
/// or the `axes` attribute before that; whichever the node carries is used.
/// Empty axes reduce everything unless noop_with_empty_axes is set.
template <typename OpTy>
LogicalResult importReduce(GraphImporter &imp) {
  FailureOr<Value> x = imp.input(0);
  FailureOr<int64_t> keepDims = imp.attrInt("keepdims", 1);
  FailureOr<int64_t> noop = imp.attrInt("noop_with_empty_axes", 0);
  if (failed(x) || failed(keepDims) || failed(noop))
    return failure();
  std::vector<int64_t> axes;
  if (imp.hasInput(1)) {
    FailureOr<std::vector<int64_t>> in = imp.constantInts(1, "axes");
    if (failed(in))
      return failure();
    axes = *in;
  } else if (imp.hasAttr("axes")) {
    FailureOr<std::vector<int64_t>> attr = imp.attrInts("axes");
    if (failed(attr))
      return failure();
    axes = *attr;
  }
  auto type = GraphImporter::typeOf(*x);
  if (axes.empty()) {
    if (*noop) {
      imp.setOutput(0, dlc::IdentityOp::create(imp.builder, imp.loc, type, *x));
      return success();
    }
    for (int64_t d = 0; d < type.getRank(); ++d)
      axes.push_back(d);
  }
  FailureOr<SmallVector<int64_t>> norm = imp.normalizeAxes(axes, type.getRank(), "axes");
  if (failed(norm))
    return failure();
  FailureOr<Value> result = imp.createInferred<OpTy>(
      *x, imp.builder.getDenseI64ArrayAttr(*norm), imp.builder.getBoolAttr(*keepDims != 0));
  if (failed(result))
    return failure();
  imp.setOutput(0, *result);
  return success();
}

} // namespace

void addReductionImporters(llvm::StringMap<OpImportFn> &t) {
  t["ReduceMean"] = importReduce<dlc::ReduceMeanOp>;
  t["ReduceSum"] = importReduce<dlc::ReduceSumOp>;
  t["ReduceMax"] = importReduce<dlc::ReduceMaxOp>;
}

} // namespace dlc::onnx_import
