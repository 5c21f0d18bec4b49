//===- LayersTest.cpp - Keras-style layers: shapes, weights, naming -------===//
#include "frontend/graph/GraphApi.h"

#include <gtest/gtest.h>

#include <set>

using namespace dlc::graph;

namespace {

std::vector<std::string> opTypes(const Graph &g) {
  std::vector<std::string> ops;
  for (const Node &node : g.nodes())
    ops.push_back(node.opType);
  return ops;
}

std::vector<std::string> initializerNames(const Graph &g) {
  std::vector<std::string> names;
  for (const Tensor &init : g.initializers())
    names.push_back(init.name());
  return names;
}

TEST(Layers, DenseIsOneGemmOn2DInputs) {
  Graph g;
  Tensor x = g.input("x", DType::Float32, {4, 784});
  Tensor y = layers::Dense(128, "relu")(x);
  EXPECT_EQ(y.shape(), (Shape{4, 128}));
  EXPECT_EQ(opTypes(g), (std::vector<std::string>{"Gemm", "Relu"}));
  EXPECT_EQ(initializerNames(g),
            (std::vector<std::string>{"dense/kernel", "dense/bias"}));
  EXPECT_EQ(g.nodes()[0].name, "dense/Gemm");
  EXPECT_TRUE(g.isTrainable(g.tensor("dense/kernel")));
}

TEST(Layers, DenseOnSequencesUsesMatMulAdd) {
  Graph g;
  Tensor x = g.input("x", DType::Float32, {2, 5, 8});
  Tensor y = layers::Dense(3).useBias(true)(x);
  EXPECT_EQ(y.shape(), (Shape{2, 5, 3}));
  EXPECT_EQ(opTypes(g), (std::vector<std::string>{"MatMul", "Add"}));
}

TEST(Layers, ParallelPathsConcatenate) {
  Graph g;
  Tensor x = g.input("x", DType::Float32, {1, 784});
  Tensor merged = layers::concatenate(
      {layers::Dense(100, "tanh")(x), layers::Dense(100, "relu")(x)});
  EXPECT_EQ(merged.shape(), (Shape{1, 200}));
  Tensor y = layers::Dense(10, "softmax")(merged);
  EXPECT_EQ(y.shape(), (Shape{1, 10}));
  EXPECT_EQ(opTypes(g), (std::vector<std::string>{"Gemm", "Tanh", "Gemm", "Relu",
                                                  "Concat", "Gemm", "Softmax"}));
  EXPECT_EQ(g.nodes()[2].name, "dense_1/Gemm");
}

TEST(Layers, LeNet5Shapes) {
  Graph g;
  Tensor image = g.input("image", DType::Float32, {1, 1, 28, 28});
  std::vector<Shape> shapes;
  Tensor y = image;
  for (layers::LayerRef layer :
       std::vector<layers::LayerRef>{layers::Conv2D(6, 5, 1, "same", "relu"),
                                     layers::MaxPool2D(2),
                                     layers::Conv2D(16, 5, 1, "valid", "relu"),
                                     layers::MaxPool2D(2), layers::Flatten(),
                                     layers::Dense(120, "relu"),
                                     layers::Dense(84, "relu"),
                                     layers::Dense(10, "softmax")}) {
    y = layer(y);
    shapes.push_back(y.shape());
  }
  EXPECT_EQ(shapes, (std::vector<Shape>{{1, 6, 28, 28},
                                        {1, 6, 14, 14},
                                        {1, 16, 10, 10},
                                        {1, 16, 5, 5},
                                        {1, 400},
                                        {1, 120},
                                        {1, 84},
                                        {1, 10}}));
  EXPECT_EQ(g.tensor("conv2d/kernel").shape(), (Shape{6, 1, 5, 5}));
  EXPECT_EQ(g.tensor("conv2d_1/kernel").shape(), (Shape{16, 6, 5, 5}));
}

TEST(Layers, SamePaddingPutsTheOddPixelAtTheEnd) {
  Graph g;
  Tensor x = g.input("x", DType::Float32, {1, 3, 7, 8});
  Tensor y = layers::Conv2D(4, 3, 2, "same")(x);
  EXPECT_EQ(y.shape(), (Shape{1, 4, 4, 4}));
  // H: out 4 -> needs 3*2+3-7 = 2 -> 1/1; W: out 4 -> 3*2+3-8 = 1 -> 0/1.
  const Attributes &attrs = g.nodes()[0].attrs;
  EXPECT_EQ(std::get<std::vector<int64_t>>(attrs.at("pads")),
            (std::vector<int64_t>{1, 0, 1, 1}));
}

TEST(Layers, CallingALayerTwiceSharesWeights) {
  Graph g;
  Tensor a = g.input("a", DType::Float32, {1, 4});
  Tensor b = g.input("b", DType::Float32, {1, 4});
  layers::Dense shared(3);
  Tensor ya = shared(a);
  Tensor yb = shared(b);
  EXPECT_EQ(g.initializers().size(), 2u);
  EXPECT_EQ(g.nodes()[0].inputs[1], g.nodes()[1].inputs[1]);
  EXPECT_EQ(g.nodes()[1].name, "dense/Gemm_1");
  (void)ya, (void)yb;
}

TEST(Layers, SequentialAppliesInOrderAndNests) {
  Graph g;
  Tensor x = g.input("x", DType::Float32, {2, 10});
  layers::Sequential inner({layers::Dense(8, "relu"), layers::Dropout(0.5f)});
  layers::Sequential outer;
  outer.add(inner).add(layers::LayerNorm()).add(layers::Dense(2));
  Tensor y = outer.named("model")(x);
  EXPECT_EQ(y.shape(), (Shape{2, 2}));
  EXPECT_EQ(outer.name(), "model");
  EXPECT_EQ(g.nodes()[0].name, "model/sequential/dense/Gemm");
  EXPECT_EQ(opTypes(g), (std::vector<std::string>{"Gemm", "Relu", "Dropout",
                                                  "LayerNormalization", "Gemm"}));
}

TEST(Layers, ExplicitNamesMustBeUnique) {
  Graph g;
  Tensor x = g.input("x", DType::Float32, {2, 10});
  layers::Dense(4).named("fc")(x);
  EXPECT_EQ(g.tensor("fc/kernel").shape(), (Shape{10, 4}));
  EXPECT_THROW(layers::Dense(4).named("fc")(x), Error);
}

TEST(Layers, LstmIsUnrolledIntoPrimitives) {
  Graph g;
  Tensor x = g.input("x", DType::Float32, {2, 4, 3});
  Tensor sequence = layers::LSTM(5, true)(x);
  EXPECT_EQ(sequence.shape(), (Shape{2, 4, 5}));
  Tensor last = layers::LSTM(6)(sequence);
  EXPECT_EQ(last.shape(), (Shape{2, 6}));
  std::set<std::string> ops;
  for (const std::string &op : opTypes(g))
    ops.insert(op);
  EXPECT_EQ(ops, (std::set<std::string>{"MatMul", "Add", "Gather", "Split",
                                        "Sigmoid", "Tanh", "Mul", "Unsqueeze",
                                        "Concat"}));
  EXPECT_EQ(g.tensor("lstm/kernel").shape(), (Shape{3, 20}));
  EXPECT_EQ(g.tensor("lstm/recurrent_kernel").shape(), (Shape{5, 20}));
  // unit_forget_bias: the forget gate's slice of the bias starts at 1.
  std::vector<float> bias = g.initialValue(g.tensor("lstm/bias"))->toFloats();
  EXPECT_EQ(bias[4], 0.0f);
  EXPECT_EQ(bias[5], 1.0f);
  EXPECT_EQ(bias[10], 0.0f);
}

TEST(Layers, EmbeddingGathersRows) {
  Graph g;
  Tensor ids = g.input("ids", DType::Int64, {2, 7});
  Tensor y = layers::Embedding(100, 16)(ids);
  EXPECT_EQ(y.shape(), (Shape{2, 7, 16}));
  EXPECT_THROW(layers::Embedding(100, 16)(g.input("f", DType::Float32, {2})),
               Error);
}

TEST(Layers, BatchNormStatisticsAreConstants) {
  Graph g;
  Tensor x = g.input("x", DType::Float32, {2, 3, 4, 4});
  layers::BatchNorm()(x);
  EXPECT_TRUE(g.isTrainable(g.tensor("batch_normalization/gamma")));
  EXPECT_FALSE(g.isTrainable(g.tensor("batch_normalization/moving_mean")));
  EXPECT_EQ(std::get<float>(g.nodes()[0].attrs.at("epsilon")), 1e-3f);
}

TEST(Layers, ActivationsByName) {
  Graph g;
  Tensor x = g.input("x", DType::Float32, {2, 3});
  for (const char *name : {"linear", "relu", "relu6", "sigmoid", "tanh",
                           "softmax", "log_softmax", "gelu", "leaky_relu",
                           "swish", "silu", "exponential"})
    EXPECT_EQ(layers::activation(name, x).shape(), (Shape{2, 3})) << name;
}

} // namespace
