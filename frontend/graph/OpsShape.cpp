//===- OpsShape.cpp - reshape/transpose/concat/slice..., reductions ------===//
#include "frontend/graph/OpsSupport.h"

namespace dlc::graph::ops {

using support::graphOf;
using support::intsConstant;
using support::single;

// Validates the data tensor before a constant operand is made from it.
static const Tensor &present(const std::string &op, const Tensor &x) {
  if (!x.valid())
    throw Error(op, "needs an input tensor");
  return x;
}

Tensor reshape(const Tensor &x, const Shape &shape) {
  return single("Reshape", "reshape",
                {present("reshape", x), intsConstant(x, shape)});
}

Tensor flatten(const Tensor &x, int64_t axis) {
  return single("Flatten", "flatten", {x}, {{"axis", axis}});
}

Tensor transpose(const Tensor &x, const std::vector<int64_t> &perm) {
  Attributes attrs;
  if (!perm.empty())
    attrs["perm"] = perm;
  return single("Transpose", "transpose", {x}, attrs);
}

Tensor concat(const std::vector<Tensor> &inputs, int64_t axis) {
  return graphOf("concat", inputs).addNode("Concat", inputs, {{"axis", axis}})[0];
}

std::vector<Tensor> split(const Tensor &x, const std::vector<int64_t> &sizes,
                          int64_t axis) {
  present("split", x);
  if (sizes.empty())
    throw Error("split", "needs at least one size");
  return x.graph().addNode("Split", {x, intsConstant(x, sizes)},
                           {{"axis", axis}}, int(sizes.size()));
}

std::vector<Tensor> splitEqual(const Tensor &x, int64_t parts, int64_t axis) {
  present("split", x);
  if (parts < 1)
    throw Error("split", "parts must be >= 1, got " + std::to_string(parts));
  return x.graph().addNode("Split", {x}, {{"axis", axis}}, int(parts));
}

Tensor slice(const Tensor &x, const std::vector<int64_t> &starts,
             const std::vector<int64_t> &ends, const std::vector<int64_t> &axes,
             const std::vector<int64_t> &steps) {
  present("slice", x);
  std::vector<Tensor> inputs = {x, intsConstant(x, starts), intsConstant(x, ends)};
  if (!axes.empty() || !steps.empty()) {
    std::vector<int64_t> allAxes = axes;
    for (size_t i = 0; allAxes.empty() && i < starts.size(); ++i)
      allAxes.push_back(int64_t(i));
    inputs.push_back(intsConstant(x, allAxes));
  }
  if (!steps.empty())
    inputs.push_back(intsConstant(x, steps));
  return single("Slice", "slice", inputs);
}

Tensor gather(const Tensor &x, const Tensor &indices, int64_t axis) {
  return single("Gather", "gather", {x, indices}, {{"axis", axis}});
}

Tensor gather(const Tensor &x, int64_t index, int64_t axis) {
  present("gather", x);
  Tensor scalarIndex = x.graph().constant(TensorData::fromInt64s({}, {index}));
  return gather(x, scalarIndex, axis);
}

Tensor squeeze(const Tensor &x, const std::vector<int64_t> &axes) {
  present("squeeze", x);
  if (axes.empty())
    return single("Squeeze", "squeeze", {x});
  return single("Squeeze", "squeeze", {x, intsConstant(x, axes)});
}

Tensor unsqueeze(const Tensor &x, const std::vector<int64_t> &axes) {
  return single("Unsqueeze", "unsqueeze",
                {present("unsqueeze", x), intsConstant(x, axes)});
}

Tensor expand(const Tensor &x, const Shape &shape) {
  return single("Expand", "expand", {present("expand", x), intsConstant(x, shape)});
}

static Attributes reduceAttrs(const std::vector<int64_t> &axes, bool keepDims) {
  Attributes attrs = {{"keepdims", int64_t(keepDims)}};
  if (!axes.empty())
    attrs["axes"] = axes;
  return attrs;
}

Tensor reduceMean(const Tensor &x, const std::vector<int64_t> &axes, bool keepDims) {
  return single("ReduceMean", "reduceMean", {x}, reduceAttrs(axes, keepDims));
}

Tensor reduceMax(const Tensor &x, const std::vector<int64_t> &axes, bool keepDims) {
  return single("ReduceMax", "reduceMax", {x}, reduceAttrs(axes, keepDims));
}

Tensor reduceSum(const Tensor &x, const std::vector<int64_t> &axes, bool keepDims) {
  // Opset 13+: axes are an input, not an attribute.
  present("reduceSum", x);
  std::vector<Tensor> inputs = {x};
  if (!axes.empty())
    inputs.push_back(intsConstant(x, axes));
  return single("ReduceSum", "reduceSum", inputs,
                {{"keepdims", int64_t(keepDims)}});
}

} // namespace dlc::graph::ops
