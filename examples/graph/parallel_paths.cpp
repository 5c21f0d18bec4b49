//===- parallel_paths.cpp - the functional API with two parallel paths ---===//
//
// x -> Dense(100, tanh) --\
//                          concatenate -> Dense(10, softmax)
// x -> Dense(100, relu) --/
#include "examples/graph/ExampleCli.h"

using namespace dlc::graph;

static Graph buildParallelPaths(const examples::ExampleOptions &options) {
  Graph graph(options.seed, "parallel_paths");
  Tensor x = graph.input("x", DType::Float32, {options.batch, 784});
  Tensor tanhPath = layers::Dense(100, "tanh")(x);
  Tensor reluPath = layers::Dense(100, "relu")(x);
  Tensor merged = layers::concatenate({tanhPath, reluPath}); // [batch, 200]
  graph.output(layers::Dense(10, "softmax")(merged), "probabilities");
  return graph;
}

int main(int argc, char **argv) {
  return examples::runExample(argc, argv, buildParallelPaths);
}
