#include "frontend/graph/Layers.h"

namespace dlc::graph::layers {

void BatchNorm::build(Graph &graph, const Tensor &x) {
  if (x.rank() < 2)
    fail("expects [N, C, ...] input, got " + x.type().str());
  Shape channels = {x.dim(1)};
  gamma_ = graph.variable("gamma", channels, Initializer::ones());
  beta_ = graph.variable("beta", channels, Initializer::zeros());
  // Running statistics are state, not weights the optimizer updates.
  movingMean_ = graph.constant(TensorData::filled(DType::Float32, channels, 0),
                               "moving_mean");
  movingVariance_ = graph.constant(
      TensorData::filled(DType::Float32, channels, 1), "moving_variance");
}

Tensor BatchNorm::call(const Tensor &x) {
  return ops::batchNormalization(x, gamma_, beta_, movingMean_,
                                 movingVariance_, epsilon_, momentum_);
}

void LayerNorm::build(Graph &graph, const Tensor &x) {
  if (x.rank() < 1)
    fail("expects an input of rank >= 1, got " + x.type().str());
  gamma_ = graph.variable("gamma", {x.dim(-1)}, Initializer::ones());
  beta_ = graph.variable("beta", {x.dim(-1)}, Initializer::zeros());
}

Tensor LayerNorm::call(const Tensor &x) {
  return ops::layerNormalization(x, gamma_, beta_, -1, epsilon_);
}

} // namespace dlc::graph::layers
