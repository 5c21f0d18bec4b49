//===- RoundTripTest.cpp - save -> load -> save, and load errors ----------===//
#include "frontend/graph/OnnxSerializer.h"
#include "frontend/graph/OpSchema.h"
#include "tests/unit/graph/AllOpsModel.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <set>

using namespace dlc::graph;
using google::protobuf::util::MessageDifferencer;

namespace {

std::string tempPath(const std::string &name) {
  return ::testing::TempDir() + "dlc_graph_" + name;
}

Graph buildParallelPaths() {
  Graph g(1, "parallel_paths");
  Tensor x = g.input("x", DType::Float32, {1, 784});
  Tensor merged = layers::concatenate({layers::Dense(100, "tanh")(x),
                                       layers::Dense(100, "relu")(x)});
  g.output(layers::Dense(10, "softmax")(merged), "probabilities");
  return g;
}

Graph buildLayerZoo() {
  Graph g(2, "layer_zoo");
  Tensor image = g.input("image", DType::Float32, {2, 3, 16, 16});
  Tensor y = layers::Sequential({
      layers::Conv2D(8, 3, 2, "same", "relu"),
      layers::BatchNorm(),
      layers::MaxPool2D(3, 2, "same"),
      layers::AveragePool2D(2),
      layers::Dropout(0.3f),
      layers::GlobalAveragePooling2D(),
      layers::LayerNorm(),
      layers::Dense(6, "gelu"),
  })(image);
  Tensor tokens = g.input("tokens", DType::Int64, {2, 5});
  Tensor sequence = layers::Embedding(20, 4)(tokens);
  Tensor last = layers::LSTM(6)(layers::LSTM(3, true)(sequence));
  g.output(layers::add({y, last}), "sum");
  return g;
}

void expectRoundTrip(const Graph &graph) {
  onnx::ModelProto first = toOnnx(graph);
  std::string path = tempPath(graph.name() + ".onnx");
  graph.save(path);
  Graph loaded = Graph::load(path);
  onnx::ModelProto second = toOnnx(loaded);
  std::remove(path.c_str());

  // Same ops, names, wiring and attributes (and weights), node by node.
  ASSERT_EQ(first.graph().node_size(), second.graph().node_size());
  for (int i = 0; i < first.graph().node_size(); ++i) {
    const onnx::NodeProto &a = first.graph().node(i), &b = second.graph().node(i);
    EXPECT_EQ(a.op_type(), b.op_type());
    EXPECT_TRUE(MessageDifferencer::Equals(a, b)) << a.DebugString() << "vs\n"
                                                  << b.DebugString();
  }
  EXPECT_TRUE(MessageDifferencer::Equals(first, second));
  EXPECT_EQ(first.SerializeAsString(), second.SerializeAsString());

  for (size_t i = 0; i < graph.outputs().size(); ++i)
    EXPECT_EQ(graph.outputs()[i].type(), loaded.outputs()[i].type());
  for (const Tensor &init : graph.initializers())
    if (graph.isTrainable(init))
      EXPECT_TRUE(loaded.isTrainable(loaded.tensor(init.name()))) << init.name();
}

TEST(RoundTrip, ParallelPaths) { expectRoundTrip(buildParallelPaths()); }
TEST(RoundTrip, LayerZoo) { expectRoundTrip(buildLayerZoo()); }
TEST(RoundTrip, AllOps) { expectRoundTrip(test_models::buildAllOpsModel()); }

TEST(RoundTrip, AllOpsModelCoversEverySupportedOp) {
  Graph graph = test_models::buildAllOpsModel();
  std::set<std::string> used;
  for (const Node &node : graph.nodes())
    used.insert(node.opType);
  for (const std::string &op : detail::supportedOps())
    EXPECT_TRUE(used.count(op)) << op << " is not covered";
}

TEST(RoundTrip, TextFormat) {
  Graph graph = buildParallelPaths();
  std::string path = tempPath("parallel_paths.textproto");
  graph.saveText(path);
  std::ifstream file(path);
  std::string firstLine;
  std::getline(file, firstLine);
  EXPECT_EQ(firstLine, "ir_version: 8");
  Graph loaded = Graph::loadText(path);
  std::remove(path.c_str());
  EXPECT_TRUE(MessageDifferencer::Equals(toOnnx(graph), toOnnx(loaded)));
}

TEST(RoundTrip, ModelHeader) {
  onnx::ModelProto model = toOnnx(buildParallelPaths());
  EXPECT_EQ(model.ir_version(), 8);
  ASSERT_EQ(model.opset_import_size(), 1);
  EXPECT_EQ(model.opset_import(0).domain(), "");
  EXPECT_EQ(model.opset_import(0).version(), 17);
  EXPECT_EQ(model.graph().input(0).name(), "x");
  EXPECT_EQ(model.graph().output(0).name(), "probabilities");
  EXPECT_EQ(model.graph().node(0).name(), "dense/Gemm");
  EXPECT_EQ(model.graph().initializer(0).name(), "dense/kernel");
}

// A two-node model written by hand, as other exporters write it.
onnx::ModelProto handWrittenModel() {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(13);
  onnx::GraphProto &graph = *model.mutable_graph();
  onnx::ValueInfoProto &input = *graph.add_input();
  input.set_name("a");
  auto *type = input.mutable_type()->mutable_tensor_type();
  type->set_elem_type(onnx::TensorProto::FLOAT);
  type->mutable_shape()->add_dim()->set_dim_value(2);
  type->mutable_shape()->add_dim()->set_dim_value(3);
  onnx::TensorProto &weight = *graph.add_initializer();
  weight.set_name("w");
  weight.set_data_type(onnx::TensorProto::FLOAT);
  weight.add_dims(3);
  weight.add_dims(4);
  for (int i = 0; i < 12; ++i)
    weight.add_float_data(float(i));
  onnx::NodeProto &constant = *graph.add_node();
  constant.set_op_type("Constant");
  constant.add_output("two");
  onnx::AttributeProto &value = *constant.add_attribute();
  value.set_name("value_float");
  value.set_type(onnx::AttributeProto::FLOAT);
  value.set_f(2.0f);
  onnx::NodeProto &matmul = *graph.add_node();
  matmul.set_op_type("MatMul");
  matmul.set_name("mm");
  matmul.add_input("a");
  matmul.add_input("w");
  matmul.add_output("ab");
  onnx::NodeProto &mul = *graph.add_node();
  mul.set_op_type("Mul");
  mul.set_name("scale");
  mul.add_input("ab");
  mul.add_input("two");
  mul.add_output("y");
  graph.add_output()->set_name("y");
  return model;
}

std::string loadError(const onnx::ModelProto &model) {
  try {
    fromOnnx(model, "m.onnx");
  } catch (const Error &error) {
    return error.what();
  }
  return "";
}

TEST(Load, ForeignModelWithTypedDataAndConstantNode) {
  Graph g = fromOnnx(handWrittenModel(), "m.onnx");
  ASSERT_EQ(g.nodes().size(), 2u);
  EXPECT_EQ(g.outputs()[0].shape(), (Shape{2, 4}));
  EXPECT_EQ(g.initialValue(g.tensor("w"))->toFloats()[11], 11.0f);
  EXPECT_TRUE(g.isTrainable(g.tensor("w")));
  EXPECT_FALSE(g.isTrainable(g.tensor("two")));
}

TEST(Load, ShapeErrorsNameFileNodeAndOp) {
  onnx::ModelProto model = handWrittenModel();
  model.mutable_graph()->mutable_initializer(0)->set_dims(0, 5);
  model.mutable_graph()->mutable_initializer(0)->mutable_float_data()->Resize(20, 0);
  EXPECT_EQ(loadError(model),
            "m.onnx:node 'mm' (MatMul): inner dims differ: [2,3] x [5,4]");
}

TEST(Load, RejectsWhatItCannotRepresent) {
  onnx::ModelProto dynamic = handWrittenModel();
  dynamic.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()
      ->mutable_shape()->mutable_dim(0)->set_dim_param("batch");
  EXPECT_EQ(loadError(dynamic),
            "m.onnx: value 'a' has a dynamic dim 'batch'; the graph API needs "
            "static shapes (fix it before loading)");

  onnx::ModelProto newOpset = handWrittenModel();
  newOpset.mutable_opset_import(0)->set_version(18);
  EXPECT_EQ(loadError(newOpset),
            "m.onnx: opset 18 is not supported (13..17); convert the model with "
            "onnx.version_converter");

  onnx::ModelProto unknownOp = handWrittenModel();
  unknownOp.mutable_graph()->mutable_node(2)->set_op_type("Hardmax");
  EXPECT_EQ(loadError(unknownOp), "m.onnx:node 'scale' (Hardmax): unsupported op");

  onnx::ModelProto unsorted = handWrittenModel();
  unsorted.mutable_graph()->mutable_node()->SwapElements(1, 2);
  EXPECT_EQ(loadError(unsorted),
            "m.onnx:node 'scale' (Mul): input 'ab' is not defined before use "
            "(nodes must be topologically sorted)");

  try {
    Graph::load(tempPath("missing.onnx"));
    FAIL() << "no error";
  } catch (const Error &error) {
    EXPECT_EQ(error.op(), "load");
  }
}

} // namespace
