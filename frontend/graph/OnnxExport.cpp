//===- OnnxExport.cpp - Graph -> onnx::ModelProto -------------------------===//
#include "frontend/graph/GraphState.h"
#include "frontend/graph/OnnxSerializer.h"
#include "frontend/graph/OpSchema.h"

namespace dlc::graph {

static void setValueInfo(onnx::ValueInfoProto &info, const Value &value) {
  info.set_name(value.name);
  onnx::TypeProto_Tensor *tensor = info.mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(int32_t(value.type.dtype));
  onnx::TensorShapeProto *shape = tensor->mutable_shape();
  for (int64_t dim : value.type.shape)
    shape->add_dim()->set_dim_value(dim);
}

namespace {
struct AttributeWriter {
  onnx::AttributeProto &proto;
  void operator()(int64_t value) {
    proto.set_type(onnx::AttributeProto::INT);
    proto.set_i(value);
  }
  void operator()(float value) {
    proto.set_type(onnx::AttributeProto::FLOAT);
    proto.set_f(value);
  }
  void operator()(const std::string &value) {
    proto.set_type(onnx::AttributeProto::STRING);
    proto.set_s(value);
  }
  void operator()(const std::vector<int64_t> &values) {
    proto.set_type(onnx::AttributeProto::INTS);
    for (int64_t value : values)
      proto.add_ints(value);
  }
  void operator()(const std::vector<float> &values) {
    proto.set_type(onnx::AttributeProto::FLOATS);
    for (float value : values)
      proto.add_floats(value);
  }
  void operator()(const std::vector<std::string> &values) {
    proto.set_type(onnx::AttributeProto::STRINGS);
    for (const std::string &value : values)
      proto.add_strings(value);
  }
  void operator()(const TensorData &value) {
    proto.set_type(onnx::AttributeProto::TENSOR);
    *proto.mutable_t() = toTensorProto(value, "");
  }
};
} // namespace

onnx::ModelProto toOnnx(const Graph &graph) {
  const detail::GraphState &state = *graph.state();
  onnx::ModelProto model;
  model.set_ir_version(kOnnxIrVersion);
  model.set_producer_name("dlc-graph");
  model.set_producer_version("0.1");
  onnx::OperatorSetIdProto *opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOnnxOpset);
  for (const Node &node : state.nodes)
    if (node.domain == detail::kTrainingDomain) {
      onnx::OperatorSetIdProto *training = model.add_opset_import();
      training->set_domain(detail::kTrainingDomain);
      training->set_version(1);
      break;
    }

  onnx::GraphProto &proto = *model.mutable_graph();
  proto.set_name(state.name);

  std::vector<bool> used(state.values.size(), false);
  for (const Node &node : state.nodes)
    for (int id : node.inputs)
      if (id >= 0)
        used[size_t(id)] = true;

  std::string trainableNames;
  for (int id : state.initializerOrder) {
    bool trainable = state.trainable.count(id);
    // Constants orphaned by a failed op are dropped; unused variables stay.
    if (!trainable && !used[size_t(id)])
      continue;
    const Value &value = state.values[size_t(id)];
    *proto.add_initializer() = toTensorProto(state.initialValues.at(id), value.name);
    if (trainable)
      trainableNames += value.name + "\n";
  }
  if (!trainableNames.empty()) {
    onnx::StringStringEntryProto *entry = model.add_metadata_props();
    entry->set_key(kTrainableMetadataKey);
    entry->set_value(trainableNames);
  }

  for (int id : state.inputs)
    setValueInfo(*proto.add_input(), state.values[size_t(id)]);

  std::vector<bool> isOutput(state.values.size(), false);
  for (int id : state.outputs)
    isOutput[size_t(id)] = true;

  for (const Node &node : state.nodes) {
    onnx::NodeProto &nodeProto = *proto.add_node();
    nodeProto.set_op_type(node.opType);
    if (!node.domain.empty())
      nodeProto.set_domain(node.domain);
    if (!node.name.empty())
      nodeProto.set_name(node.name);
    for (int id : node.inputs)
      nodeProto.add_input(id < 0 ? "" : state.values[size_t(id)].name);
    for (int id : node.outputs) {
      nodeProto.add_output(state.values[size_t(id)].name);
      if (!isOutput[size_t(id)])
        setValueInfo(*proto.add_value_info(), state.values[size_t(id)]);
    }
    for (const auto &[name, value] : node.attrs) {
      onnx::AttributeProto &attr = *nodeProto.add_attribute();
      attr.set_name(name);
      std::visit(AttributeWriter{attr}, value);
    }
  }

  for (int id : state.outputs)
    setValueInfo(*proto.add_output(), state.values[size_t(id)]);
  return model;
}

} // namespace dlc::graph
