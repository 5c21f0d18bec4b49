#include "tests/unit/graph/AllOpsModel.h"

namespace dlc::graph::test_models {

using namespace ops;

Graph buildAllOpsModel(uint64_t seed) {
  Graph g(seed, "all_ops");
  Tensor x = g.input("x", DType::Float32, {2, 3, 8, 8});
  Tensor ids = g.input("ids", DType::Int64, {2, 4});

  // Convolution, pooling, normalization.
  Tensor w = g.variable("conv_w", {4, 3, 3, 3}, Initializer::heNormal());
  Tensor b = g.variable("conv_b", {4}, Initializer::zeros());
  ConvOptions convOptions;
  convOptions.pads = {1, 1, 1, 1};
  Tensor y = conv(x, w, b, convOptions); // [2,4,8,8]
  y = batchNormalization(y, g.variable("bn_s", {4}, "ones"),
                         g.variable("bn_b", {4}, "zeros"),
                         g.constant(TensorData::filled(DType::Float32, {4}, 0)),
                         g.constant(TensorData::filled(DType::Float32, {4}, 1)));
  y = relu(y);
  PoolOptions pool;
  pool.kernel = {2, 2};
  pool.strides = {2, 2};
  Tensor maxPooled = maxPool(y, pool); // [2,4,4,4]
  Tensor avgPooled = averagePool(y, pool);
  Tensor pooled = concat({maxPooled, avgPooled}, 1); // [2,8,4,4]
  Tensor global = globalAveragePool(pooled);         // [2,8,1,1]
  Tensor features = flatten(global, 1);              // [2,8]

  // Dense path with the math ops.
  Tensor dense = gemm(features, g.variable("fc_w", {8, 6}, "glorot_uniform"),
                      g.variable("fc_b", {6}, "zeros"));
  Tensor h = matmul(dense, g.variable("mm_w", {6, 6}, "glorot_normal"));
  h = layerNormalization(h, g.variable("ln_s", {6}, "ones"),
                         g.variable("ln_b", {6}, "zeros"));
  h = tanh(h) + sigmoid(h) - erf(h) * leakyRelu(h, 0.1f);
  h = h / (abs(h) + 1.0);
  h = sqrt(exp(neg(h))) + log(reciprocal(clip(h * h + 1.0, 0.5, 10.0)));
  h = pow(h, g.scalar(2.0)) + gelu(h);
  h = identity(dropout(h, 0.25f));
  Tensor mask = greater(h, g.scalar(0.0));
  Tensor chosen = where(mask, h, g.scalar(0.0) - h);
  Tensor same = cast(equal(less(h, chosen), mask), DType::Float32);
  Tensor probs = softmax(chosen + same, -1);
  Tensor logProbs = logSoftmax(chosen, 1);

  // Shape ops and reductions.
  Tensor r = reshape(probs, {2, 3, 2});
  r = transpose(r, {0, 2, 1});                    // [2,2,3]
  std::vector<Tensor> parts = split(r, {1, 2}, 2); // [2,2,1], [2,2,2]
  Tensor halves = concat(splitEqual(parts[1], 2, 2), 2);
  Tensor sliced = slice(halves, {0, -1}, {2, -2}, {1, 2}, {1, -1}); // [2,2,1]
  Tensor squeezed = squeeze(sliced, {2});                         // [2,2]
  Tensor expanded = expand(unsqueeze(squeezed, {1}), {2, 3, 2});  // [2,3,2]
  Tensor reduced = reduceMean(expanded, {1}, false) +
                   reduceSum(expanded, {1}, false) +
                   reduceMax(expanded, {1}, false); // [2,2]

  // Embedding lookup.
  Tensor table = g.variable("table", {10, 5}, "random_uniform");
  Tensor embedded = gather(table, ids, 0); // [2,4,5]
  Tensor firstToken = gather(embedded, 0, 1); // [2,5]

  g.output(reduced, "reduced");
  g.output(logProbs, "log_probs");
  g.output(firstToken, "first_token");
  g.output(squeeze(parts[0]), "part0");
  // The gradient of a scalar with respect to a variable (ONNX Gradient).
  g.output(gradients(reduceSum(firstToken, {}, false), {table})[0], "table_grad");
  return g;
}

} // namespace dlc::graph::test_models
