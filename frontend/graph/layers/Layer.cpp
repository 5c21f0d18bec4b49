//===- Layer.cpp - Layer base, activations, merges, Sequential -----------===//
#include "frontend/graph/Layers.h"


namespace dlc::graph::layers {

Tensor Layer::operator()(const Tensor &x) {
  if (!x.valid())
    throw Error(kind_, "called on an absent tensor");
  Graph graph = x.graph();
  if (!builtIn_) {
    if (name_.empty()) {
      name_ = graph.uniqueLayerName(kind_);
    } else if (graph.uniqueLayerName(name_) != name_) {
      throw Error(kind_, "layer name '" + name_ + "' is already used");
    }
    Graph::Scope scope(graph, name_);
    build(graph, x);
    builtIn_ = graph.state();
    return call(x);
  }
  if (builtIn_ != graph.state())
    fail("was built in another graph; layers cannot be shared across graphs");
  Graph::Scope scope(graph, name_);
  return call(x);
}

void Layer::fail(const std::string &message) const {
  throw Error(kind_ + " '" + name_ + "'", message);
}

Tensor activation(const std::string &name, const Tensor &x) {
  if (name.empty() || name == "linear")
    return x;
  if (name == "relu")
    return ops::relu(x);
  if (name == "relu6")
    return ops::clip(x, 0.0, 6.0);
  if (name == "sigmoid")
    return ops::sigmoid(x);
  if (name == "tanh")
    return ops::tanh(x);
  if (name == "softmax")
    return ops::softmax(x, -1);
  if (name == "log_softmax")
    return ops::logSoftmax(x, -1);
  if (name == "gelu")
    return ops::gelu(x);
  if (name == "leaky_relu")
    return ops::leakyRelu(x, 0.2f); // Keras' default slope
  if (name == "swish" || name == "silu")
    return x * ops::sigmoid(x);
  if (name == "exponential")
    return ops::exp(x);
  throw Error("activation",
              "unknown activation '" + name +
                  "' (known: linear, relu, relu6, sigmoid, tanh, softmax, "
                  "log_softmax, gelu, leaky_relu, swish, silu, exponential)");
}

Tensor concatenate(const std::vector<Tensor> &inputs, int64_t axis) {
  return ops::concat(inputs, axis);
}

Tensor add(const std::vector<Tensor> &inputs) {
  if (inputs.empty())
    throw Error("add", "needs at least one input tensor");
  Tensor sum = inputs[0];
  for (size_t i = 1; i < inputs.size(); ++i)
    sum = ops::add(sum, inputs[i]);
  return sum;
}

Tensor Activation::call(const Tensor &x) { return activation(activation_, x); }

Tensor Flatten::call(const Tensor &x) {
  if (x.rank() < 1)
    fail("expects an input with a batch dim, got " + x.type().str());
  return ops::flatten(x, 1);
}

Tensor Dropout::call(const Tensor &x) { return ops::dropout(x, rate_); }

Tensor Sequential::call(const Tensor &x) {
  Tensor y = x;
  for (const LayerRef &layer : layers_)
    y = layer(y);
  return y;
}

} // namespace dlc::graph::layers
