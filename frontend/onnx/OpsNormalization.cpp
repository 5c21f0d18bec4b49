//===- OpsNormalization.cpp - BatchNormalization, LayerNormalization ------===//
#include "frontend/onnx/GraphImporter.h"
#include "frontend/onnx/TensorConversion.h"

#include "llvm/ADT/Sequence.h"

using namespace mlir;

namespace dlc::onnx_import {
namespace {

LogicalResult importBatchNorm(GraphImporter &imp) {
  FailureOr<int64_t> training = imp.attrInt("training_mode", 0);
  FailureOr<float> epsilon = imp.attrFloat("epsilon", 1e-5f);
  if (failed(training) || failed(epsilon))
    return failure();
  if (*training)
    return imp.fail("training_mode=1 is not supported (dlc imports BatchNormalization for "
                    "inference)");
  if (failed(imp.requireUnusedOutputs(1, "running mean/variance outputs exist only in "
                                         "training mode")))
    return failure();
  Value operands[5];
  for (int i = 0; i < 5; ++i) {
    FailureOr<Value> v = imp.input(i);
    if (failed(v))
      return failure();
    operands[i] = *v;
    if (failed(imp.requireFloat(*v, i == 0 ? "X" : "scale, B, mean and var")))
      return failure();
  }
  imp.setOutput(0, dlc::BatchNormOp::create(imp.builder, imp.loc, operands[0].getType(),
                                            operands[0], operands[1], operands[2], operands[3],
                                            operands[4], imp.builder.getF32FloatAttr(*epsilon)));
  return success();
}

/// Sets LayerNormalization's Mean (output 1) and InvStdDev (output 2) the
/// way the ONNX reference computes them over dims [axis, rank), in the
/// stash type: var = mean((x - mean)^2), InvStdDev = 1 / sqrt(var + eps).
/// Y keeps the fused dlc.layer_norm, which the compiler lowers as a whole.
LogicalResult setLayerNormStats(GraphImporter &imp, Value x, int64_t axis, float epsilon,
                                Type stashType) {
  OpBuilder &b = imp.builder;
  auto type = GraphImporter::typeOf(x);
  if (type.getElementType() != stashType)
    x = dlc::CastOp::create(b, imp.loc, type.clone(stashType), x);
  auto axes = b.getDenseI64ArrayAttr(llvm::to_vector(llvm::seq<int64_t>(axis, type.getRank())));
  auto keepDims = b.getBoolAttr(true);
  FailureOr<Value> mean = imp.createInferred<dlc::ReduceMeanOp>(x, axes, keepDims);
  if (failed(mean))
    return failure();
  imp.setOutput(1, *mean);
  if (!imp.outputUsed(2))
    return success();

  FailureOr<Value> diff = imp.createInferred<dlc::SubOp>(x, *mean);
  FailureOr<Value> square = failed(diff) ? diff : imp.createInferred<dlc::MulOp>(*diff, *diff);
  FailureOr<Value> var =
      failed(square) ? square : imp.createInferred<dlc::ReduceMeanOp>(*square, axes, keepDims);
  if (failed(var))
    return failure();
  // A rank-0 epsilon broadcasts against the reduced shape.
  mlir::Attribute epsAttr = b.getFloatAttr(stashType, epsilon);
  Value eps = dlc::ConstantOp::create(
      b, imp.loc, DenseElementsAttr::get(RankedTensorType::get({}, stashType), epsAttr));
  FailureOr<Value> shifted = imp.createInferred<dlc::AddOp>(*var, eps);
  if (failed(shifted))
    return failure();
  Value stdDev = dlc::SqrtOp::create(b, imp.loc, shifted->getType(), *shifted);
  imp.setOutput(2, dlc::ReciprocalOp::create(b, imp.loc, stdDev.getType(), stdDev));
  return success();
}

LogicalResult importLayerNorm(GraphImporter &imp) {
  FailureOr<Value> x = imp.input(0), scale = failed(x) ? x : imp.input(1);
  FailureOr<Value> bias = failed(scale) ? scale : imp.optionalInput(2);
  FailureOr<int64_t> axis = imp.attrInt("axis", -1);
  FailureOr<float> epsilon = imp.attrFloat("epsilon", 1e-5f);
  FailureOr<int64_t> stash = imp.attrInt("stash_type", kFloat);
  if (failed(bias) || failed(axis) || failed(epsilon) || failed(stash) ||
      failed(imp.requireFloat(*x, "X")))
    return failure();
  // stash_type is the element type of Mean/InvStdDev; ONNX allows these two.
  if (*stash != kFloat && *stash != kBFloat16)
    return imp.fail("attribute 'stash_type' must be 1 (float) or 16 (bfloat16), got " +
                    Twine(*stash));
  FailureOr<int64_t> a = imp.normalizeAxis(*axis, GraphImporter::typeOf(*x).getRank(), "axis");
  if (failed(a))
    return failure();
  imp.setOutput(0, dlc::LayerNormOp::create(imp.builder, imp.loc, x->getType(), *x, *scale, *bias,
                                            imp.builder.getI64IntegerAttr(*a),
                                            imp.builder.getF32FloatAttr(*epsilon)));
  if (!imp.outputUsed(1) && !imp.outputUsed(2))
    return success();
  return setLayerNormStats(imp, *x, *a, *epsilon, elementTypeFor(imp.ctx, *stash));
}

} // namespace

void addNormalizationImporters(llvm::StringMap<OpImportFn> &t) {
  t["BatchNormalization"] = importBatchNorm;
  t["LayerNormalization"] = importLayerNorm;
}

} // namespace dlc::onnx_import
