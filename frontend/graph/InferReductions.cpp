//===- InferReductions.cpp - ReduceMean, ReduceSum, ReduceMax -------------===//
#include "frontend/graph/OpSchema.h"

namespace dlc::graph::detail {

static TensorType reduce(const InferContext &ctx, const Shape &axes) {
  const Shape &x = ctx.shape(0);
  int64_t rank = int64_t(x.size());
  std::vector<bool> reduced(size_t(rank), axes.empty());
  for (int64_t axis : axes) {
    axis = ctx.normalizeAxis(axis, rank);
    if (reduced[axis])
      ctx.fail("axis " + std::to_string(axis) + " appears twice");
    reduced[axis] = true;
  }
  bool keepDims = ctx.attrInt("keepdims", 1);
  Shape result;
  for (int64_t d = 0; d < rank; ++d) {
    if (!reduced[d])
      result.push_back(x[d]);
    else if (keepDims)
      result.push_back(1);
  }
  return {ctx.dtype(0), result};
}

// Opset 13..17 ReduceMean/ReduceMax take axes as an attribute.
static std::vector<TensorType> inferReduceAttrAxes(const InferContext &ctx) {
  if (ctx.dtype(0) == DType::Bool)
    ctx.fail("expects a numeric tensor, got " + ctx.input(0).str());
  return {reduce(ctx, ctx.attrInts("axes", {}))};
}

// ReduceSum (opset 13+) takes axes as an optional constant input.
static std::vector<TensorType> inferReduceSum(const InferContext &ctx) {
  if (ctx.dtype(0) == DType::Bool)
    ctx.fail("expects a numeric tensor, got " + ctx.input(0).str());
  Shape axes;
  if (ctx.hasInput(1))
    axes = ctx.constantInts(1, "axes");
  if (axes.empty() && ctx.attrInt("noop_with_empty_axes", 0))
    return {ctx.input(0)};
  return {reduce(ctx, axes)};
}

void registerReductionOps(std::vector<OpSchema> &table) {
  table.push_back({"ReduceMean", "reduceMean", 1, 1, 1, 1, inferReduceAttrAxes});
  table.push_back({"ReduceMax", "reduceMax", 1, 1, 1, 1, inferReduceAttrAxes});
  table.push_back({"ReduceSum", "reduceSum", 1, 2, 1, 1, inferReduceSum});
}

} // namespace dlc::graph::detail
