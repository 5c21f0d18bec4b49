//===- InferNormalization.cpp - BatchNormalization, LayerNormalization ----===//
#include "frontend/graph/OpSchema.h"

namespace dlc::graph::detail {

static std::vector<TensorType> inferBatchNorm(const InferContext &ctx) {
  ctx.requireFloating(0);
  const Shape &x = ctx.shape(0);
  if (x.size() < 2)
    ctx.fail("input must be [N, C, ...], got " + toString(x));
  if (ctx.attrInt("training_mode", 0) != 0)
    ctx.fail("training_mode=1 is not supported (inference form only)");
  static const char *kNames[] = {"", "scale", "bias", "mean", "var"};
  for (int i = 1; i < 5; ++i) {
    ctx.requireSameDType(0, i);
    if (ctx.shape(i) != Shape{x[1]})
      ctx.fail(std::string(kNames[i]) + " must be [" + std::to_string(x[1]) +
               "] (the channels of " + toString(x) + "), got " +
               toString(ctx.shape(i)));
  }
  return {ctx.input(0)};
}

static std::vector<TensorType> inferLayerNorm(const InferContext &ctx) {
  ctx.requireFloating(0);
  const Shape &x = ctx.shape(0);
  int64_t axis = ctx.normalizeAxis(ctx.attrInt("axis", -1), int64_t(x.size()));
  Shape normalized(x.begin() + axis, x.end());
  for (int i = 1; i < 3; ++i) {
    if (!ctx.hasInput(i))
      continue;
    ctx.requireSameDType(0, i);
    if (ctx.broadcast(ctx.shape(i), normalized) != normalized)
      ctx.fail(std::string(i == 1 ? "scale " : "bias ") +
               toString(ctx.shape(i)) + " does not broadcast to the normalized " +
               "dims " + toString(normalized));
  }
  std::vector<TensorType> outputs = {ctx.input(0)};
  // Mean and InvStdDev keep the leading dims and 1 for each normalized one.
  Shape statistics(x.begin(), x.begin() + axis);
  statistics.resize(x.size(), 1);
  DType stash = ctx.attrInt("stash_type", 1) == 1 ? DType::Float32 : ctx.dtype(0);
  for (int i = 1; i < ctx.numOutputs(); ++i)
    outputs.push_back({stash, statistics});
  return outputs;
}

void registerNormalizationOps(std::vector<OpSchema> &table) {
  table.push_back(
      {"BatchNormalization", "batchNormalization", 5, 5, 1, 1, inferBatchNorm});
  table.push_back(
      {"LayerNormalization", "layerNormalization", 2, 3, 1, 3, inferLayerNorm});
}

} // namespace dlc::graph::detail
