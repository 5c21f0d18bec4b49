//===- LSTM.cpp - Keras LSTM unrolled into primitive ops ------------------===//
#include "frontend/graph/Layers.h"

#include <algorithm>

namespace dlc::graph::layers {

void LSTM::build(Graph &graph, const Tensor &x) {
  if (x.rank() != 3)
    fail("expects [batch, time, features] input, got " + x.type().str());
  if (units_ < 1)
    fail("units must be >= 1");
  kernel_ = graph.variable("kernel", {x.dim(2), 4 * units_}, kernelInit_);
  recurrent_ = graph.variable("recurrent_kernel", {units_, 4 * units_},
                              recurrentInit_);
  std::vector<float> bias(size_t(4 * units_), 0.0f);
  if (unitForgetBias_)
    std::fill(bias.begin() + units_, bias.begin() + 2 * units_, 1.0f);
  bias_ = graph.variable("bias", TensorData::fromFloats({4 * units_}, bias));
}

Tensor LSTM::call(const Tensor &x) {
  if (x.rank() != 3 || x.dim(2) != kernel_.dim(0))
    fail("expects [batch, time, " + std::to_string(kernel_.dim(0)) +
         "] input, got " + x.type().str());
  int64_t steps = x.dim(1);
  if (steps < 1)
    fail("needs at least one time step, got " + x.type().str());
  Graph graph = x.graph();
  // The input projection of all steps at once: [B, T, 4U].
  Tensor projected = ops::matmul(x, kernel_) + bias_;

  Tensor h, c;
  std::vector<Tensor> sequence;
  for (int64_t t = 0; t < steps; ++t) {
    Graph::Scope scope(graph, "t" + std::to_string(t));
    Tensor z = ops::gather(projected, t, 1); // [B, 4U]
    if (t > 0) // h0 = 0, so the first step has no recurrent term
      z = z + ops::matmul(h, recurrent_);
    std::vector<Tensor> gates = ops::splitEqual(z, 4, 1);
    Tensor input = ops::sigmoid(gates[0]);
    Tensor forget = ops::sigmoid(gates[1]);
    Tensor candidate = ops::tanh(gates[2]);
    Tensor output = ops::sigmoid(gates[3]);
    c = t > 0 ? forget * c + input * candidate : input * candidate;
    h = output * ops::tanh(c);
    if (returnSequences_)
      sequence.push_back(ops::unsqueeze(h, {1}));
  }
  if (!returnSequences_)
    return h;
  return sequence.size() == 1 ? sequence[0] : ops::concat(sequence, 1);
}

} // namespace dlc::graph::layers
