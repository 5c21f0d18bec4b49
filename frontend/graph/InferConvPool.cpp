//===- InferConvPool.cpp - Conv, MaxPool, AveragePool, GlobalAveragePool --===//
#include "frontend/graph/OpSchema.h"

#include <cmath>

namespace dlc::graph::detail {

// Output spatial dims of a sliding window per the ONNX formulas, for any
// auto_pad mode. `kernel` is the window size before dilation.
static Shape windowOutput(const InferContext &ctx, const Shape &spatial,
                          const Shape &kernel) {
  size_t n = spatial.size();
  Shape strides = ctx.attrInts("strides", Shape(n, 1));
  Shape dilations = ctx.attrInts("dilations", Shape(n, 1));
  Shape pads = ctx.attrInts("pads", Shape(2 * n, 0));
  std::string autoPad = ctx.attrString("auto_pad", "NOTSET");
  bool ceilMode = ctx.attrInt("ceil_mode", 0);
  if (strides.size() != n || dilations.size() != n || pads.size() != 2 * n)
    ctx.fail("strides/dilations need " + std::to_string(n) +
             " values and pads " + std::to_string(2 * n) + " for " +
             std::to_string(n) + " spatial dims");
  for (size_t i = 0; i < n; ++i)
    if (strides[i] < 1 || dilations[i] < 1 || kernel[i] < 1)
      ctx.fail("kernel, strides and dilations must be >= 1");
  for (int64_t pad : pads)
    if (pad < 0)
      ctx.fail("pads must be >= 0, got " + toString(pads));

  Shape output(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t window = (kernel[i] - 1) * dilations[i] + 1;
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      output[i] = (spatial[i] + strides[i] - 1) / strides[i];
      continue;
    }
    if (autoPad != "NOTSET" && autoPad != "VALID")
      ctx.fail("unknown auto_pad '" + autoPad + "'");
    int64_t padded = spatial[i];
    if (autoPad == "NOTSET")
      padded += pads[i] + pads[i + n];
    if (padded < window)
      ctx.fail("window " + std::to_string(window) + " exceeds padded input " +
               std::to_string(padded) + " in spatial dim " + std::to_string(i) +
               " of " + toString(spatial));
    int64_t steps = padded - window;
    output[i] = (ceilMode ? (steps + strides[i] - 1) / strides[i]
                          : steps / strides[i]) + 1;
    // A window may not start inside the end padding (ceil_mode only).
    int64_t begin = autoPad == "NOTSET" ? pads[i] : 0;
    if (ceilMode && (output[i] - 1) * strides[i] >= spatial[i] + begin)
      --output[i];
  }
  return output;
}

static std::vector<TensorType> inferConv(const InferContext &ctx) {
  ctx.requireFloating(0);
  ctx.requireSameDType(0, 1);
  const Shape &x = ctx.shape(0), &w = ctx.shape(1);
  if (x.size() < 3)
    ctx.fail("input must be [N, C, spatial...], got " + toString(x));
  if (w.size() != x.size())
    ctx.fail("weight rank differs from input rank: input " + toString(x) +
             ", weight " + toString(w));
  int64_t group = ctx.attrInt("group", 1);
  if (group < 1 || w[0] % group)
    ctx.fail("group " + std::to_string(group) + " must divide the " +
             std::to_string(w[0]) + " output channels");
  if (x[1] != w[1] * group)
    ctx.fail("input channels differ: input " + toString(x) + " has " +
             std::to_string(x[1]) + ", weight " + toString(w) + " expects " +
             std::to_string(w[1] * group) + " (group " +
             std::to_string(group) + ")");
  Shape kernel(w.begin() + 2, w.end());
  if (ctx.hasAttr("kernel_shape") && ctx.attrInts("kernel_shape", {}) != kernel)
    ctx.fail("kernel_shape " + toString(ctx.attrInts("kernel_shape", {})) +
             " differs from weight " + toString(w));
  if (ctx.hasInput(2)) {
    ctx.requireSameDType(0, 2);
    if (ctx.shape(2) != Shape{w[0]})
      ctx.fail("bias must be [" + std::to_string(w[0]) + "], got " +
               toString(ctx.shape(2)));
  }
  Shape output = {x[0], w[0]};
  Shape spatial = windowOutput(ctx, Shape(x.begin() + 2, x.end()), kernel);
  output.insert(output.end(), spatial.begin(), spatial.end());
  return {{ctx.dtype(0), output}};
}

static std::vector<TensorType> inferPool(const InferContext &ctx) {
  ctx.requireFloating(0);
  const Shape &x = ctx.shape(0);
  if (x.size() < 3)
    ctx.fail("input must be [N, C, spatial...], got " + toString(x));
  if (!ctx.hasAttr("kernel_shape"))
    ctx.fail("attribute 'kernel_shape' is required");
  Shape kernel = ctx.attrInts("kernel_shape", {});
  if (kernel.size() != x.size() - 2)
    ctx.fail("kernel_shape " + toString(kernel) + " does not match input " +
             toString(x));
  Shape output = {x[0], x[1]};
  Shape spatial = windowOutput(ctx, Shape(x.begin() + 2, x.end()), kernel);
  output.insert(output.end(), spatial.begin(), spatial.end());
  std::vector<TensorType> outputs = {{ctx.dtype(0), output}};
  if (ctx.numOutputs() > 1) // MaxPool's Indices
    outputs.push_back({DType::Int64, output});
  return outputs;
}

static std::vector<TensorType> inferGlobalPool(const InferContext &ctx) {
  ctx.requireFloating(0);
  Shape shape = ctx.shape(0);
  if (shape.size() < 3)
    ctx.fail("input must be [N, C, spatial...], got " + toString(shape));
  for (size_t i = 2; i < shape.size(); ++i)
    shape[i] = 1;
  return {{ctx.dtype(0), shape}};
}

void registerConvPoolOps(std::vector<OpSchema> &table) {
  table.push_back({"Conv", "conv", 2, 3, 1, 1, inferConv});
  table.push_back({"MaxPool", "maxPool", 1, 1, 1, 2, inferPool});
  table.push_back({"AveragePool", "averagePool", 1, 1, 1, 1, inferPool});
  table.push_back(
      {"GlobalAveragePool", "globalAveragePool", 1, 1, 1, 1, inferGlobalPool});
}

} // namespace dlc::graph::detail
