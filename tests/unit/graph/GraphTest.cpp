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

TEST(Graph, GradientsAddOneGradientNode) {
  Graph g;
  Tensor x = g.input("x", DType::Float32, {2, 3});
  Tensor w = g.variable("w", {3}, "glorot_uniform");
  Tensor loss = ops::reduceSum(ops::relu(x * w), {}, false);
  std::vector<Tensor> grads = gradients(loss, {w, x});
  ASSERT_EQ(grads.size(), 2u);
  EXPECT_EQ(grads[0].type(), w.type());
  EXPECT_EQ(grads[1].type(), x.type());
  const Node &node = g.nodes().back();
  EXPECT_EQ(node.opType, "Gradient");
  EXPECT_EQ(node.domain, "ai.onnx.preview.training");
  EXPECT_EQ(std::get<std::string>(node.attrs.at("y")), loss.name());
  EXPECT_EQ(std::get<std::vector<std::string>>(node.attrs.at("xs")),
            (std::vector<std::string>{"w", "x"}));
  // Naming the loss as an output renames the attribute with it.
  g.output(loss, "loss");
  EXPECT_EQ(std::get<std::string>(g.nodes().back().attrs.at("y")), "loss");
}

TEST(Graph, GradientsRejectNonScalarLossesAndIntegerTensors) {
  Graph g;
  Tensor x = g.input("x", DType::Float32, {2, 3});
  Tensor ids = g.input("ids", DType::Int64, {2});
  Tensor w = g.variable("w", {3}, "glorot_uniform");
  try {
    gradients(x * w, {w});
    FAIL() << "a [2,3] loss was accepted";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("gradients"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("exactly one element"), std::string::npos) << e.what();
  }
  Tensor loss = ops::reduceSum(x * w, {}, false);
  EXPECT_THROW(gradients(loss, {}), Error);
  EXPECT_THROW(gradients(loss, {ids}), Error);
  EXPECT_THROW(gradients(loss, {Tensor()}), Error);
  Graph other;
  Tensor foreign = other.input("y", DType::Float32, {3});
  EXPECT_THROW(gradients(loss, {foreign}), Error);
}

} // namespace
