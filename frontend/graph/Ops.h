//===- Ops.h - the ops as free functions and operator overloads ----------===//
//
// Each function adds one ONNX node (opset 17) to the graph of its inputs and
// returns its output(s); shapes are inferred on the spot and errors throw
// dlc::graph::Error naming the function ("matmul: inner dims differ: ...").
// Operands that are shapes, axes or indices are plain vectors and become
// int64 constants of the graph.
#pragma once

#include "frontend/graph/Graph.h"

#include <optional>

namespace dlc::graph::ops {

// Elementwise arithmetic with numpy broadcasting.
Tensor add(const Tensor &a, const Tensor &b);
Tensor sub(const Tensor &a, const Tensor &b);
Tensor mul(const Tensor &a, const Tensor &b);
Tensor div(const Tensor &a, const Tensor &b);
Tensor pow(const Tensor &base, const Tensor &exponent);
Tensor equal(const Tensor &a, const Tensor &b);   // bool result
Tensor less(const Tensor &a, const Tensor &b);    // bool result
Tensor greater(const Tensor &a, const Tensor &b); // bool result
Tensor where(const Tensor &condition, const Tensor &a, const Tensor &b);

// Unary math and activations.
Tensor sqrt(const Tensor &x);
Tensor exp(const Tensor &x);
Tensor log(const Tensor &x);
Tensor neg(const Tensor &x);
Tensor abs(const Tensor &x);
Tensor reciprocal(const Tensor &x);
Tensor erf(const Tensor &x);
Tensor relu(const Tensor &x);
Tensor leakyRelu(const Tensor &x, float alpha = 0.01f);
Tensor sigmoid(const Tensor &x);
Tensor tanh(const Tensor &x);
// Exact GELU, 0.5 * x * (1 + erf(x / sqrt(2))), spelled with primitives:
// the Gelu op only exists from opset 20.
Tensor gelu(const Tensor &x);
Tensor clip(const Tensor &x, std::optional<double> min, std::optional<double> max);
Tensor softmax(const Tensor &x, int64_t axis = -1);
Tensor logSoftmax(const Tensor &x, int64_t axis = -1);
Tensor identity(const Tensor &x);
// Inference-mode dropout (an identity at run time); `ratio` is recorded.
Tensor dropout(const Tensor &x, float ratio = 0.5f);
Tensor cast(const Tensor &x, DType to);

// Linear algebra. gemm: alpha * A' * B' + beta * C, C optional (absent Tensor).
Tensor matmul(const Tensor &a, const Tensor &b);
Tensor gemm(const Tensor &a, const Tensor &b, const Tensor &c = {},
            float alpha = 1.0f, float beta = 1.0f, bool transA = false,
            bool transB = false);

// Convolution and pooling (NCHW). Empty vectors mean the ONNX defaults
// (stride 1, dilation 1, no padding).
struct ConvOptions {
  std::vector<int64_t> strides;
  std::vector<int64_t> pads; // [begin..., end...]
  std::vector<int64_t> dilations;
  int64_t group = 1;
};
Tensor conv(const Tensor &x, const Tensor &weight, const Tensor &bias = {},
            const ConvOptions &options = {});

struct PoolOptions {
  std::vector<int64_t> kernel; // required
  std::vector<int64_t> strides;
  std::vector<int64_t> pads;
  bool ceilMode = false;
  bool countIncludePad = false; // averagePool only
};
Tensor maxPool(const Tensor &x, const PoolOptions &options);
Tensor averagePool(const Tensor &x, const PoolOptions &options);
Tensor globalAveragePool(const Tensor &x);

// Normalization.
Tensor batchNormalization(const Tensor &x, const Tensor &scale,
                          const Tensor &bias, const Tensor &mean,
                          const Tensor &var, float epsilon = 1e-5f,
                          float momentum = 0.9f);
Tensor layerNormalization(const Tensor &x, const Tensor &scale,
                          const Tensor &bias = {}, int64_t axis = -1,
                          float epsilon = 1e-5f);

// Shape manipulation.
Tensor reshape(const Tensor &x, const Shape &shape); // 0 copies, -1 infers
Tensor flatten(const Tensor &x, int64_t axis = 1);
Tensor transpose(const Tensor &x, const std::vector<int64_t> &perm = {});
Tensor concat(const std::vector<Tensor> &inputs, int64_t axis);
// Sizes along `axis`; splitEqual cuts into `parts` equal pieces.
std::vector<Tensor> split(const Tensor &x, const std::vector<int64_t> &sizes,
                          int64_t axis = 0);
std::vector<Tensor> splitEqual(const Tensor &x, int64_t parts, int64_t axis = 0);
Tensor slice(const Tensor &x, const std::vector<int64_t> &starts,
             const std::vector<int64_t> &ends,
             const std::vector<int64_t> &axes = {},
             const std::vector<int64_t> &steps = {});
Tensor gather(const Tensor &x, const Tensor &indices, int64_t axis = 0);
// A scalar index removes the axis.
Tensor gather(const Tensor &x, int64_t index, int64_t axis = 0);
Tensor squeeze(const Tensor &x, const std::vector<int64_t> &axes = {});
Tensor unsqueeze(const Tensor &x, const std::vector<int64_t> &axes);
Tensor expand(const Tensor &x, const Shape &shape);

// Reductions (empty axes = all).
Tensor reduceMean(const Tensor &x, const std::vector<int64_t> &axes = {},
                  bool keepDims = true);
Tensor reduceSum(const Tensor &x, const std::vector<int64_t> &axes = {},
                 bool keepDims = true);
Tensor reduceMax(const Tensor &x, const std::vector<int64_t> &axes = {},
                 bool keepDims = true);

// TensorFlow's tf.gradients: d loss / d x for each x (variables, inputs or
// intermediate float tensors of the loss's graph), zeros where the loss does
// not depend on x. `loss` must have one element. Written as one ONNX Gradient
// node (domain ai.onnx.preview.training) that dlc differentiates when it
// compiles the model; onnxruntime's inference build cannot run it.
std::vector<Tensor> gradients(const Tensor &loss, const std::vector<Tensor> &xs);

} // namespace dlc::graph::ops

namespace dlc::graph {

using ops::gradients;

using ops::matmul;

// Scalars become constants of the tensor's dtype.
Tensor operator+(const Tensor &a, const Tensor &b);
Tensor operator-(const Tensor &a, const Tensor &b);
Tensor operator*(const Tensor &a, const Tensor &b);
Tensor operator/(const Tensor &a, const Tensor &b);
Tensor operator-(const Tensor &x);
Tensor operator+(const Tensor &a, double b);
Tensor operator-(const Tensor &a, double b);
Tensor operator*(const Tensor &a, double b);
Tensor operator/(const Tensor &a, double b);
Tensor operator+(double a, const Tensor &b);
Tensor operator-(double a, const Tensor &b);
Tensor operator*(double a, const Tensor &b);
Tensor operator/(double a, const Tensor &b);

} // namespace dlc::graph
