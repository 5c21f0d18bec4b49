//===- GraphTest.cpp - values, names, outputs and scopes of a Graph -------===//
#include "frontend/graph/GraphApi.h"

#include <gtest/gtest.h>

using namespace dlc::graph;

namespace {

TEST(Graph, OutputRenamesNodeOutputs) {
  Graph g;
  Tensor x = g.input("x", DType::Float32, {2});
  Tensor y = ops::relu(x);
  EXPECT_EQ(y.name(), "Relu_output_0");
  g.output(y, "y");
  EXPECT_EQ(y.name(), "y");
  ASSERT_EQ(g.outputs().size(), 1u);
  EXPECT_EQ(g.outputs()[0].id(), y.id());
  EXPECT_EQ(g.nodes().size(), 1u);
}

TEST(Graph, OutputOfAnInputOrARepeatedOutputGetsAnIdentity) {
  Graph g;
  Tensor x = g.input("x", DType::Float32, {2});
  g.output(x, "x_copy");
  Tensor y = ops::relu(x);
  g.output(y, "y");
  g.output(y, "y_again");
  ASSERT_EQ(g.nodes().size(), 3u);
  EXPECT_EQ(g.nodes()[0].opType, "Identity");
  EXPECT_EQ(g.nodes()[2].opType, "Identity");
  EXPECT_EQ(g.outputs()[2].name(), "y_again");
  EXPECT_THROW(g.output(y, "x"), Error); // taken by the input
}

TEST(Graph, ScopesPrefixNodeAndVariableNames) {
  Graph g;
  Tensor x = g.input("x", DType::Float32, {2});
  {
    Graph::Scope block(g, "block");
    Tensor w = g.variable("w", {2}, Initializer::ones());
    EXPECT_EQ(w.name(), "block/w");
    Tensor y = x * w;
    EXPECT_EQ(g.nodes().back().name, "block/Mul");
    y = y * w;
    EXPECT_EQ(g.nodes().back().name, "block/Mul_1");
  }
  ops::relu(x);
  EXPECT_EQ(g.nodes().back().name, "Relu");
}

TEST(Graph, OmittedOptionalInputsAreKept) {
  Graph g;
  Tensor x = g.input("x", DType::Float32, {2});
  ops::clip(x, std::nullopt, 6.0);
  const Node &clip = g.nodes().back();
  ASSERT_EQ(clip.inputs.size(), 3u);
  EXPECT_EQ(clip.inputs[1], -1);
  ops::clip(x, 0.0, std::nullopt);
  EXPECT_EQ(g.nodes().back().inputs.size(), 2u); // trailing omissions dropped
}

TEST(Graph, TensorsKeepTheirGraphAlive) {
  Tensor y;
  {
    Graph g;
    y = ops::relu(g.input("x", DType::Float32, {3}));
  }
  EXPECT_EQ(y.shape(), Shape{3});
  EXPECT_EQ(y.graph().nodes().size(), 1u);
  EXPECT_EQ(y.dim(-1), 3);
  EXPECT_THROW(y.dim(1), Error);
  EXPECT_THROW(Tensor().shape(), Error);
}

} // namespace
