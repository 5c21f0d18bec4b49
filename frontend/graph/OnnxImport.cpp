//===- OnnxImport.cpp - onnx::ModelProto -> Graph -------------------------===//
#include "frontend/graph/GraphState.h"
#include "frontend/graph/OnnxSerializer.h"
#include "frontend/graph/OpSchema.h"

#include <sstream>
#include <unordered_map>

namespace dlc::graph {

namespace {

// Imports one model; `fail*` helpers format errors per DESIGN.md's CLI
// contract: "file:node 'name' (OpType): message".
class Importer {
public:
  Importer(const onnx::ModelProto &model, const std::string &source)
      : model_(model), source_(source), graph_(0, model.graph().name()),
        state_(*graph_.state()) {}

  Graph run() {
    checkOpset();
    const onnx::GraphProto &proto = model_.graph();
    std::set<std::string> trainable = trainableNames(proto);
    for (const onnx::TensorProto &tensor : proto.initializer())
      addInitializer(tensor.name(),
                     fromTensorProto(tensor, source_ + ": initializer '" +
                                                 tensor.name() + "'"),
                     trainable.count(tensor.name()) > 0);
    for (const onnx::ValueInfoProto &input : proto.input())
      if (!ids_.count(input.name())) // IR < 4 lists initializers as inputs too
        addInput(input);
    for (const onnx::NodeProto &node : proto.node())
      addNode(node);
    for (const onnx::ValueInfoProto &output : proto.output())
      addOutput(output);
    return graph_;
  }

private:
  [[noreturn]] void fail(const std::string &message) const {
    throw Error("", source_ + ": " + message);
  }
  [[noreturn]] void failNode(const onnx::NodeProto &node,
                             const std::string &message) const {
    throw Error("", source_ + ":node '" + node.name() + "' (" + node.op_type() +
                        "): " + message);
  }

  void checkOpset() const {
    for (const onnx::OperatorSetIdProto &opset : model_.opset_import()) {
      if (!opset.domain().empty() && opset.domain() != "ai.onnx")
        continue; // only an error if a node uses it
      if (opset.version() < 13 || opset.version() > kOnnxOpset)
        fail("opset " + std::to_string(opset.version()) +
             " is not supported (13.." + std::to_string(kOnnxOpset) +
             "); convert the model with onnx.version_converter");
    }
  }

  // Listed in the metadata when dlc wrote the model; otherwise every
  // floating-point initializer is taken to be a weight.
  std::set<std::string> trainableNames(const onnx::GraphProto &proto) const {
    std::set<std::string> names;
    for (const auto &entry : model_.metadata_props()) {
      if (entry.key() != kTrainableMetadataKey)
        continue;
      std::istringstream lines(entry.value());
      for (std::string line; std::getline(lines, line);)
        if (!line.empty())
          names.insert(line);
      return names;
    }
    for (const onnx::TensorProto &tensor : proto.initializer())
      if (isSupportedDType(tensor.data_type()) &&
          isFloating(DType(tensor.data_type())))
        names.insert(tensor.name());
    return names;
  }

  void claimName(const std::string &name) {
    if (name.empty() || !state_.valueNames.insert(name).second)
      fail("value name '" + name + "' is empty or defined twice");
  }

  void addInitializer(const std::string &name, TensorData data, bool trainable) {
    claimName(name);
    int id = state_.addValue(name, data.type(), Value::Kind::Initializer);
    state_.initialValues.emplace(id, std::move(data));
    state_.initializerOrder.push_back(id);
    if (trainable)
      state_.trainable.insert(id);
    ids_[name] = id;
  }

  TensorType staticType(const onnx::ValueInfoProto &info) const {
    const std::string what = "value '" + info.name() + "'";
    if (!info.type().has_tensor_type())
      fail(what + " is not a tensor");
    const onnx::TypeProto_Tensor &tensor = info.type().tensor_type();
    if (!isSupportedDType(tensor.elem_type()))
      fail(what + " has unsupported element type " +
           std::to_string(tensor.elem_type()));
    if (!tensor.has_shape())
      fail(what + " has no shape; the graph API needs static shapes");
    TensorType type{DType(tensor.elem_type()), {}};
    for (const onnx::TensorShapeProto_Dimension &dim : tensor.shape().dim()) {
      if (!dim.has_dim_value())
        fail(what + " has a dynamic dim '" + dim.dim_param() +
             "'; the graph API needs static shapes (fix it before loading)");
      type.shape.push_back(dim.dim_value());
    }
    return type;
  }

  void addInput(const onnx::ValueInfoProto &input) {
    TensorType type = staticType(input);
    claimName(input.name());
    int id = state_.addValue(input.name(), type, Value::Kind::Input);
    state_.inputs.push_back(id);
    ids_[input.name()] = id;
  }

  // A Constant node becomes a non-trainable initializer.
  void addConstant(const onnx::NodeProto &node) {
    if (node.output_size() != 1 || node.attribute_size() != 1)
      failNode(node, "expects one output and one value attribute");
    const onnx::AttributeProto &attr = node.attribute(0);
    TensorData data;
    if (attr.name() == "value")
      data = fromTensorProto(attr.t(), source_ + ":node '" + node.name() + "'");
    else if (attr.name() == "value_float")
      data = TensorData::scalar(DType::Float32, attr.f());
    else if (attr.name() == "value_int")
      data = TensorData::fromInt64s({}, {attr.i()});
    else if (attr.name() == "value_floats")
      data = TensorData::fromFloats({attr.floats_size()},
                                    {attr.floats().begin(), attr.floats().end()});
    else if (attr.name() == "value_ints")
      data = TensorData::fromInt64s({attr.ints_size()},
                                    {attr.ints().begin(), attr.ints().end()});
    else
      failNode(node, "unsupported attribute '" + attr.name() + "'");
    addInitializer(node.output(0), std::move(data), false);
  }

  AttrValue attribute(const onnx::NodeProto &node,
                      const onnx::AttributeProto &attr) const {
    switch (attr.type()) {
    case onnx::AttributeProto::INT: return attr.i();
    case onnx::AttributeProto::FLOAT: return attr.f();
    case onnx::AttributeProto::STRING: return attr.s();
    case onnx::AttributeProto::INTS:
      return std::vector<int64_t>(attr.ints().begin(), attr.ints().end());
    case onnx::AttributeProto::FLOATS:
      return std::vector<float>(attr.floats().begin(), attr.floats().end());
    case onnx::AttributeProto::STRINGS:
      return std::vector<std::string>(attr.strings().begin(), attr.strings().end());
    case onnx::AttributeProto::TENSOR:
      return fromTensorProto(attr.t(), source_ + ":node '" + node.name() + "'");
    default:
      failNode(node, "attribute '" + attr.name() + "' has an unsupported type");
    }
  }

  void addNode(const onnx::NodeProto &node) {
    std::string domain = node.domain() == "ai.onnx" ? "" : node.domain();
    if (!domain.empty() && domain != detail::kTrainingDomain)
      failNode(node, "domain '" + node.domain() + "' is not supported");
    if (node.op_type() == "Constant")
      return addConstant(node);

    std::vector<int> inputs;
    for (const std::string &name : node.input()) {
      if (name.empty()) {
        inputs.push_back(-1);
        continue;
      }
      auto it = ids_.find(name);
      if (it == ids_.end())
        failNode(node, "input '" + name +
                           "' is not defined before use (nodes must be "
                           "topologically sorted)");
      inputs.push_back(it->second);
    }
    while (!inputs.empty() && inputs.back() < 0)
      inputs.pop_back();

    std::vector<std::string> outputs(node.output().begin(), node.output().end());
    while (!outputs.empty() && outputs.back().empty())
      outputs.pop_back();
    for (const std::string &name : outputs)
      if (name.empty())
        failNode(node, "omitted outputs before the last one are not supported");

    Attributes attrs;
    for (const onnx::AttributeProto &attr : node.attribute())
      attrs[attr.name()] = attribute(node, attr);
    // Gradient's y is a value name in an attribute, not an input.
    if (auto y = attrs.find("y"); domain == detail::kTrainingDomain && y != attrs.end()) {
      auto *name = std::get_if<std::string>(&y->second);
      if (!name || !ids_.count(*name))
        failNode(node, "attribute 'y' must name a value defined before the node");
    }

    for (const std::string &name : outputs)
      if (state_.valueNames.count(name))
        failNode(node, "value name '" + name + "' is defined twice");
    int index;
    try {
      index = state_.appendNode(node.op_type(), node.name(), inputs,
                                std::move(attrs), outputs, domain);
    } catch (const Error &error) {
      failNode(node, error.message());
    }
    for (int id : state_.nodes[size_t(index)].outputs)
      ids_[state_.values[size_t(id)].name] = id;
  }

  void addOutput(const onnx::ValueInfoProto &output) {
    auto it = ids_.find(output.name());
    if (it == ids_.end())
      fail("graph output '" + output.name() + "' is not produced by any node");
    const TensorType &inferred = state_.values[size_t(it->second)].type;
    const onnx::TypeProto_Tensor &declared = output.type().tensor_type();
    bool checkable = output.type().has_tensor_type() && declared.has_shape();
    for (const auto &dim : declared.shape().dim())
      checkable &= dim.has_dim_value();
    if (checkable && staticType(output) != inferred)
      fail("graph output '" + output.name() + "' is declared " +
           staticType(output).str() + " but infers " + inferred.str());
    // Kept as written, even when it names an input or initializer.
    state_.outputs.push_back(it->second);
  }

  const onnx::ModelProto &model_;
  std::string source_;
  Graph graph_;
  detail::GraphState &state_;
  std::unordered_map<std::string, int> ids_;
};

} // namespace

Graph fromOnnx(const onnx::ModelProto &model, const std::string &source) {
  return Importer(model, source).run();
}

} // namespace dlc::graph
