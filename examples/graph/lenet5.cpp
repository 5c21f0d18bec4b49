//===- lenet5.cpp - LeNet-5 on 1x28x28 images (NCHW) ----------------------===//
#include "examples/graph/ExampleCli.h"

using namespace dlc::graph;

static Graph buildLeNet5(const examples::ExampleOptions &options) {
  Graph graph(options.seed, "lenet5");
  Tensor image = graph.input("image", DType::Float32, {options.batch, 1, 28, 28});
  layers::Sequential model({
      // "same" keeps 28x28: the original LeNet saw 32x32 inputs.
      layers::Conv2D(6, 5, 1, "same", "relu"), // 6x28x28
      layers::MaxPool2D(2),                    // 6x14x14
      layers::Conv2D(16, 5, 1, "valid", "relu"), // 16x10x10
      layers::MaxPool2D(2),                    // 16x5x5
      layers::Flatten(),                       // 400
      layers::Dense(120, "relu"),
      layers::Dense(84, "relu"),
      layers::Dense(10, "softmax"),
  });
  graph.output(model(image), "probabilities");
  return graph;
}

int main(int argc, char **argv) {
  return examples::runExample(argc, argv, buildLeNet5);
}
