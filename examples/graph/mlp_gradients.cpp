//===- mlp_gradients.cpp - a loss, its gradients and an SGD step in C++ ---===//
//
// TensorFlow 1 style: the model, its softmax cross-entropy loss, the
// gradients of the loss with respect to the variables (gradients(), one
// ONNX Gradient node) and a plain SGD update, all in one graph. The compiled
// model returns the loss, the four gradients and the four updated weights.
#include "examples/graph/ExampleCli.h"

using namespace dlc::graph;

static Graph buildMlpGradients(const examples::ExampleOptions &options) {
  Graph g(options.seed, "mlp_gradients");
  Tensor image = g.input("image", DType::Float32, {options.batch, 64});
  Tensor labels = g.input("labels", DType::Float32, {options.batch, 10}); // one-hot
  Tensor w1 = g.variable("w1", {64, 32}, "glorot_uniform");
  Tensor b1 = g.variable("b1", {32}, "random_normal");
  Tensor w2 = g.variable("w2", {32, 10}, "glorot_uniform");
  Tensor b2 = g.variable("b2", {10}, "random_normal");

  Tensor hidden = ops::tanh(matmul(image, w1) + b1);
  Tensor logits = matmul(hidden, w2) + b2;
  Tensor perExample = -ops::reduceSum(labels * ops::logSoftmax(logits), {1}, false);
  Tensor loss = ops::reduceMean(perExample, {}, false);

  std::vector<Tensor> variables{w1, b1, w2, b2};
  std::vector<Tensor> grads = gradients(loss, variables);
  g.output(loss, "loss");
  const double learningRate = 0.1;
  for (size_t i = 0; i < variables.size(); ++i) {
    g.output(grads[i], variables[i].name() + "_grad");
    g.output(variables[i] - learningRate * grads[i], variables[i].name() + "_new");
  }
  return g;
}

int main(int argc, char **argv) {
  return examples::runExample(argc, argv, buildMlpGradients);
}
