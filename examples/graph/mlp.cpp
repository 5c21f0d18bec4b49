//===- mlp.cpp - a 784-128-10 multilayer perceptron (Sequential) ---------===//
#include "examples/graph/ExampleCli.h"

using namespace dlc::graph;

static Graph buildMlp(const examples::ExampleOptions &options) {
  Graph graph(options.seed, "mlp");
  Tensor image = graph.input("image", DType::Float32, {options.batch, 784});
  layers::Sequential model({
      layers::Dense(128, "relu"),
      layers::Dense(10, "softmax"),
  });
  graph.output(model(image), "probabilities");
  return graph;
}

int main(int argc, char **argv) {
  return examples::runExample(argc, argv, buildMlp);
}
