//===- InferShapeOps.cpp - Reshape, Transpose, Concat, Slice, Gather... ---===//
#include "frontend/graph/OpSchema.h"

#include <algorithm>
#include <limits>

namespace dlc::graph::detail {

static std::vector<TensorType> inferReshape(const InferContext &ctx) {
  const Shape &x = ctx.shape(0);
  Shape requested = ctx.constantInts(1, "shape");
  bool allowZero = ctx.attrInt("allowzero", 0);
  Shape result(requested.size());
  int inferred = -1;
  int64_t known = 1;
  for (size_t i = 0; i < requested.size(); ++i) {
    int64_t dim = requested[i];
    if (dim == 0 && !allowZero) {
      if (i >= x.size())
        ctx.fail("0 at position " + std::to_string(i) + " has no input dim in " +
                 toString(x));
      dim = x[i];
    }
    if (dim == -1) {
      if (inferred >= 0)
        ctx.fail("more than one -1 in " + toString(requested));
      inferred = int(i);
      continue;
    }
    if (dim < 0)
      ctx.fail("invalid dim " + std::to_string(dim) + " in " +
               toString(requested));
    result[i] = dim;
    known *= dim;
  }
  int64_t total = numElements(x);
  if (inferred >= 0) {
    if (known == 0 || total % known)
      ctx.fail("cannot reshape " + toString(x) + " (" + std::to_string(total) +
               " elements) to " + toString(requested));
    result[inferred] = total / known;
  } else if (known != total) {
    ctx.fail("cannot reshape " + toString(x) + " (" + std::to_string(total) +
             " elements) to " + toString(requested));
  }
  return {{ctx.dtype(0), result}};
}

static std::vector<TensorType> inferFlatten(const InferContext &ctx) {
  const Shape &x = ctx.shape(0);
  int64_t rank = int64_t(x.size());
  int64_t axis = ctx.attrInt("axis", 1);
  if (axis < -rank || axis > rank)
    ctx.fail("axis " + std::to_string(axis) + " is out of range for rank " +
             std::to_string(rank));
  if (axis < 0)
    axis += rank;
  return {{ctx.dtype(0),
           {numElements(Shape(x.begin(), x.begin() + axis)),
            numElements(Shape(x.begin() + axis, x.end()))}}};
}

static std::vector<TensorType> inferTranspose(const InferContext &ctx) {
  const Shape &x = ctx.shape(0);
  Shape perm(x.size());
  for (size_t i = 0; i < perm.size(); ++i)
    perm[i] = int64_t(perm.size() - 1 - i);
  perm = ctx.attrInts("perm", perm);
  Shape sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  bool isPermutation = sorted.size() == x.size();
  for (size_t i = 0; isPermutation && i < sorted.size(); ++i)
    isPermutation = sorted[i] == int64_t(i);
  if (!isPermutation)
    ctx.fail("perm " + toString(perm) + " is not a permutation of the " +
             std::to_string(x.size()) + " dims of " + toString(x));
  Shape result(x.size());
  for (size_t i = 0; i < perm.size(); ++i)
    result[i] = x[perm[i]];
  return {{ctx.dtype(0), result}};
}

static std::vector<TensorType> inferConcat(const InferContext &ctx) {
  if (!ctx.hasAttr("axis"))
    ctx.fail("attribute 'axis' is required");
  Shape result = ctx.shape(0);
  int64_t axis = ctx.normalizeAxis(ctx.attrInt("axis", 0), int64_t(result.size()));
  for (int i = 1; i < ctx.numInputs(); ++i) {
    ctx.requireSameDType(0, i);
    const Shape &other = ctx.shape(i);
    bool compatible = other.size() == result.size();
    for (size_t d = 0; compatible && d < other.size(); ++d)
      compatible = int64_t(d) == axis || other[d] == result[d];
    if (!compatible)
      ctx.fail("input " + std::to_string(i) + " " + toString(other) +
               " does not match " + toString(ctx.shape(0)) +
               " outside axis " + std::to_string(axis));
    result[axis] += other[axis];
  }
  return {{ctx.dtype(0), result}};
}

static std::vector<TensorType> inferSplit(const InferContext &ctx) {
  const Shape &x = ctx.shape(0);
  int64_t axis = ctx.normalizeAxis(ctx.attrInt("axis", 0), int64_t(x.size()));
  int64_t parts = ctx.numOutputs();
  Shape sizes;
  if (ctx.hasInput(1)) {
    sizes = ctx.constantInts(1, "split");
    int64_t sum = 0;
    for (int64_t size : sizes)
      sum += size;
    if (int64_t(sizes.size()) != parts || sum != x[axis])
      ctx.fail("split " + toString(sizes) + " must have " +
               std::to_string(parts) + " sizes summing to " +
               std::to_string(x[axis]) + " (axis " + std::to_string(axis) +
               " of " + toString(x) + ")");
  } else {
    if (x[axis] % parts)
      ctx.fail("dim " + std::to_string(x[axis]) + " (axis " +
               std::to_string(axis) + " of " + toString(x) +
               ") does not split into " + std::to_string(parts) +
               " equal parts");
    sizes.assign(size_t(parts), x[axis] / parts);
  }
  std::vector<TensorType> outputs;
  for (int64_t size : sizes) {
    Shape shape = x;
    shape[axis] = size;
    outputs.push_back({ctx.dtype(0), shape});
  }
  return outputs;
}

// ONNX Slice clamping: negative indices count from the end, then starts/ends
// clamp to the valid range for the step's direction.
static int64_t sliceLength(int64_t dim, int64_t start, int64_t end,
                           int64_t step) {
  if (dim == 0)
    return 0;
  auto clamp = [](int64_t v, int64_t lo, int64_t hi) {
    return std::max(lo, std::min(v, hi));
  };
  if (start < 0)
    start = start < std::numeric_limits<int64_t>::min() + dim ? -1 : start + dim;
  if (end < 0)
    end = end < std::numeric_limits<int64_t>::min() + dim ? -1 : end + dim;
  if (step > 0) {
    start = clamp(start, 0, dim);
    end = clamp(end, 0, dim);
    return end > start ? (end - start + step - 1) / step : 0;
  }
  start = clamp(start, 0, dim - 1);
  end = clamp(end, -1, dim - 1);
  return start > end ? (start - end - step - 1) / -step : 0;
}

static std::vector<TensorType> inferSlice(const InferContext &ctx) {
  Shape x = ctx.shape(0);
  int64_t rank = int64_t(x.size());
  Shape starts = ctx.constantInts(1, "starts");
  Shape ends = ctx.constantInts(2, "ends");
  Shape axes(starts.size());
  for (size_t i = 0; i < axes.size(); ++i)
    axes[i] = int64_t(i);
  if (ctx.hasInput(3))
    axes = ctx.constantInts(3, "axes");
  Shape steps(starts.size(), 1);
  if (ctx.hasInput(4))
    steps = ctx.constantInts(4, "steps");
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    ctx.fail("starts, ends, axes and steps must have the same length");
  std::vector<bool> seen(size_t(rank), false);
  for (size_t i = 0; i < starts.size(); ++i) {
    int64_t axis = ctx.normalizeAxis(axes[i], rank);
    if (seen[axis])
      ctx.fail("axis " + std::to_string(axis) + " appears twice");
    seen[axis] = true;
    if (steps[i] == 0)
      ctx.fail("steps must not be 0");
    x[axis] = sliceLength(x[axis], starts[i], ends[i], steps[i]);
  }
  return {{ctx.dtype(0), x}};
}

static std::vector<TensorType> inferGather(const InferContext &ctx) {
  const Shape &data = ctx.shape(0);
  if (ctx.dtype(1) != DType::Int64 && ctx.dtype(1) != DType::Int32)
    ctx.fail("indices must be int32 or int64, got " + ctx.input(1).str());
  if (data.empty())
    ctx.fail("data must have rank >= 1");
  int64_t axis = ctx.normalizeAxis(ctx.attrInt("axis", 0), int64_t(data.size()));
  if (const TensorData *indices = ctx.constant(1))
    for (int64_t index : indices->toInt64s())
      if (index < -data[axis] || index >= data[axis])
        ctx.fail("index " + std::to_string(index) + " is out of range for dim " +
                 std::to_string(data[axis]) + " (axis " + std::to_string(axis) +
                 " of " + toString(data) + ")");
  Shape result(data.begin(), data.begin() + axis);
  result.insert(result.end(), ctx.shape(1).begin(), ctx.shape(1).end());
  result.insert(result.end(), data.begin() + axis + 1, data.end());
  return {{ctx.dtype(0), result}};
}

static std::vector<TensorType> inferSqueeze(const InferContext &ctx) {
  const Shape &x = ctx.shape(0);
  int64_t rank = int64_t(x.size());
  std::vector<bool> drop(size_t(rank), false);
  if (ctx.hasInput(1)) {
    for (int64_t axis : ctx.constantInts(1, "axes")) {
      axis = ctx.normalizeAxis(axis, rank);
      if (x[axis] != 1)
        ctx.fail("axis " + std::to_string(axis) + " of " + toString(x) +
                 " has size " + std::to_string(x[axis]) + ", not 1");
      drop[axis] = true;
    }
  } else {
    for (int64_t d = 0; d < rank; ++d)
      drop[d] = x[d] == 1;
  }
  Shape result;
  for (int64_t d = 0; d < rank; ++d)
    if (!drop[d])
      result.push_back(x[d]);
  return {{ctx.dtype(0), result}};
}

static std::vector<TensorType> inferUnsqueeze(const InferContext &ctx) {
  const Shape &x = ctx.shape(0);
  Shape axes = ctx.constantInts(1, "axes");
  int64_t rank = int64_t(x.size() + axes.size());
  std::vector<bool> inserted(size_t(rank), false);
  for (int64_t axis : axes) {
    axis = ctx.normalizeAxis(axis, rank);
    if (inserted[axis])
      ctx.fail("axis " + std::to_string(axis) + " appears twice");
    inserted[axis] = true;
  }
  Shape result;
  size_t next = 0;
  for (int64_t d = 0; d < rank; ++d)
    result.push_back(inserted[d] ? 1 : x[next++]);
  return {{ctx.dtype(0), result}};
}

static std::vector<TensorType> inferExpand(const InferContext &ctx) {
  Shape target = ctx.constantInts(1, "shape");
  for (int64_t dim : target)
    if (dim < 0)
      ctx.fail("invalid dim in shape " + toString(target));
  return {{ctx.dtype(0), ctx.broadcast(ctx.shape(0), target)}};
}

void registerShapeOps(std::vector<OpSchema> &table) {
  table.push_back({"Reshape", "reshape", 2, 2, 1, 1, inferReshape});
  table.push_back({"Flatten", "flatten", 1, 1, 1, 1, inferFlatten});
  table.push_back({"Transpose", "transpose", 1, 1, 1, 1, inferTranspose});
  table.push_back({"Concat", "concat", 1, 1 << 20, 1, 1, inferConcat});
  table.push_back({"Split", "split", 1, 2, 1, 1 << 20, inferSplit});
  table.push_back({"Slice", "slice", 3, 5, 1, 1, inferSlice});
  table.push_back({"Gather", "gather", 2, 2, 1, 1, inferGather});
  table.push_back({"Squeeze", "squeeze", 1, 2, 1, 1, inferSqueeze});
  table.push_back({"Unsqueeze", "unsqueeze", 2, 2, 1, 1, inferUnsqueeze});
  table.push_back({"Expand", "expand", 2, 2, 1, 1, inferExpand});
}

} // namespace dlc::graph::detail
