//===- OpsNN.cpp - matmul/gemm, convolution, pooling, normalization ------===//
#include "frontend/graph/OpsSupport.h"

namespace dlc::graph::ops {

using support::single;

Tensor matmul(const Tensor &a, const Tensor &b) {
  return single("MatMul", "matmul", {a, b});
}

Tensor gemm(const Tensor &a, const Tensor &b, const Tensor &c, float alpha,
            float beta, bool transA, bool transB) {
  Attributes attrs;
  // Defaults are left out, as exporters do, to keep models minimal.
  if (alpha != 1.0f)
    attrs["alpha"] = alpha;
  if (beta != 1.0f)
    attrs["beta"] = beta;
  if (transA)
    attrs["transA"] = int64_t(1);
  if (transB)
    attrs["transB"] = int64_t(1);
  return single("Gemm", "gemm", {a, b, c}, attrs);
}

// Spatial attributes written out in full so consumers need not know defaults.
static void setWindowAttrs(Attributes &attrs, size_t spatialRank,
                           const std::vector<int64_t> &strides,
                           const std::vector<int64_t> &pads) {
  attrs["strides"] = strides.empty() ? std::vector<int64_t>(spatialRank, 1) : strides;
  attrs["pads"] = pads.empty() ? std::vector<int64_t>(2 * spatialRank, 0) : pads;
}

Tensor conv(const Tensor &x, const Tensor &weight, const Tensor &bias,
            const ConvOptions &options) {
  Attributes attrs;
  if (weight.valid() && weight.rank() >= 3) {
    size_t spatialRank = size_t(weight.rank() - 2);
    attrs["kernel_shape"] = Shape(weight.shape().begin() + 2, weight.shape().end());
    setWindowAttrs(attrs, spatialRank, options.strides, options.pads);
    attrs["dilations"] = options.dilations.empty()
                             ? std::vector<int64_t>(spatialRank, 1)
                             : options.dilations;
  }
  if (options.group != 1)
    attrs["group"] = options.group;
  return single("Conv", "conv", {x, weight, bias}, attrs);
}

static Attributes poolAttrs(const PoolOptions &options) {
  Attributes attrs;
  attrs["kernel_shape"] = options.kernel;
  setWindowAttrs(attrs, options.kernel.size(), options.strides, options.pads);
  if (options.ceilMode)
    attrs["ceil_mode"] = int64_t(1);
  return attrs;
}

Tensor maxPool(const Tensor &x, const PoolOptions &options) {
  return single("MaxPool", "maxPool", {x}, poolAttrs(options));
}

Tensor averagePool(const Tensor &x, const PoolOptions &options) {
  Attributes attrs = poolAttrs(options);
  if (options.countIncludePad)
    attrs["count_include_pad"] = int64_t(1);
  return single("AveragePool", "averagePool", {x}, attrs);
}

Tensor globalAveragePool(const Tensor &x) {
  return single("GlobalAveragePool", "globalAveragePool", {x});
}

Tensor batchNormalization(const Tensor &x, const Tensor &scale,
                          const Tensor &bias, const Tensor &mean,
                          const Tensor &var, float epsilon, float momentum) {
  return single("BatchNormalization", "batchNormalization",
                {x, scale, bias, mean, var},
                {{"epsilon", epsilon}, {"momentum", momentum}});
}

Tensor layerNormalization(const Tensor &x, const Tensor &scale,
                          const Tensor &bias, int64_t axis, float epsilon) {
  return single("LayerNormalization", "layerNormalization", {x, scale, bias},
                {{"axis", axis}, {"epsilon", epsilon}});
}

} // namespace dlc::graph::ops
