//===- ModelReader.cpp - ONNX ModelProto -> onnx_import::Model -------------===//
//
// Protobuf side (compiled with RTTI, no LLVM headers; see OnnxModel.h).
//
//===----------------------------------------------------------------------===//
#include "frontend/onnx/ProtoReader.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/stat.h>

namespace dlc::onnx_import {

const char *attributeKindName(Attribute::Kind kind) {
  switch (kind) {
  case Attribute::Float: return "float";
  case Attribute::Int: return "int";
  case Attribute::String: return "string";
  case Attribute::Tensor: return "tensor";
  case Attribute::Graph: return "graph";
  case Attribute::SparseTensor: return "sparse tensor";
  case Attribute::TypeProto: return "type";
  case Attribute::Floats: return "floats";
  case Attribute::Ints: return "ints";
  case Attribute::Strings: return "strings";
  case Attribute::Tensors: return "tensors";
  case Attribute::Graphs: return "graphs";
  case Attribute::SparseTensors: return "sparse tensors";
  case Attribute::TypeProtos: return "types";
  default: return "undefined";
  }
}

/// The attribute's kind; old models leave `type` unset and fill one field.
static Attribute::Kind kindOf(const onnx::AttributeProto &a) {
  using A = onnx::AttributeProto;
  switch (a.type()) {
  case A::FLOAT: return Attribute::Float;
  case A::INT: return Attribute::Int;
  case A::STRING: return Attribute::String;
  case A::TENSOR: return Attribute::Tensor;
  case A::GRAPH: return Attribute::Graph;
  case A::SPARSE_TENSOR: return Attribute::SparseTensor;
  case A::TYPE_PROTO: return Attribute::TypeProto;
  case A::FLOATS: return Attribute::Floats;
  case A::INTS: return Attribute::Ints;
  case A::STRINGS: return Attribute::Strings;
  case A::TENSORS: return Attribute::Tensors;
  case A::GRAPHS: return Attribute::Graphs;
  case A::SPARSE_TENSORS: return Attribute::SparseTensors;
  case A::TYPE_PROTOS: return Attribute::TypeProtos;
  default: break;
  }
  if (a.has_f()) return Attribute::Float;
  if (a.has_i()) return Attribute::Int;
  if (a.has_s()) return Attribute::String;
  if (a.has_t()) return Attribute::Tensor;
  if (a.has_g()) return Attribute::Graph;
  if (a.floats_size()) return Attribute::Floats;
  if (a.ints_size()) return Attribute::Ints;
  if (a.strings_size()) return Attribute::Strings;
  return Attribute::Undefined;
}

static ValueInfo convertValueInfo(const onnx::ValueInfoProto &proto) {
  ValueInfo info;
  info.name = proto.name();
  if (!proto.has_type())
    return info;
  const onnx::TypeProto &type = proto.type();
  switch (type.value_case()) {
  case onnx::TypeProto::kTensorType: {
    info.typeKind = "tensor";
    const auto &tensor = type.tensor_type();
    info.dtype = tensor.elem_type();
    info.hasShape = tensor.has_shape();
    for (const auto &dim : tensor.shape().dim()) {
      Dim d;
      d.hasValue = dim.has_dim_value();
      if (d.hasValue)
        d.value = dim.dim_value(); // negative values are reported by their users
      else if (dim.has_dim_param())
        d.param = dim.dim_param();
      info.dims.push_back(d);
    }
    break;
  }
  case onnx::TypeProto::kSequenceType: info.typeKind = "sequence"; break;
  case onnx::TypeProto::kMapType: info.typeKind = "map"; break;
  case onnx::TypeProto::kOptionalType: info.typeKind = "optional"; break;
  case onnx::TypeProto::kSparseTensorType: info.typeKind = "sparse tensor"; break;
  default: info.typeKind = "unknown type"; break;
  }
  return info;
}

static std::string directoryOf(const std::string &path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

bool readOnnxModel(const std::string &path, Model &model, std::vector<ReadError> &errors) {
  auto modelError = [&](const std::string &message) {
    errors.push_back({"", "", message});
    return false;
  };
  struct stat st;
  if (stat(path.c_str(), &st) != 0)
    return modelError(std::string("cannot open the model: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode))
    return modelError("the model path is not a regular file");
  // Protobuf messages are limited to 2 GiB; bigger models keep their
  // weights in external data files.
  if ((uint64_t)st.st_size > (uint64_t)INT_MAX)
    return modelError("the model file is larger than 2 GiB (store the weights as external data)");
  std::ifstream file(path, std::ios::binary);
  if (!file)
    return modelError(std::string("cannot open the model: ") + std::strerror(errno));
  std::ostringstream buffer;
  buffer << file.rdbuf();
  std::string bytes = buffer.str();
  return parseOnnxModel(std::move(bytes), directoryOf(path), model, errors);
}

bool parseOnnxModel(std::string bytes, const std::string &modelDir, Model &model,
                    std::vector<ReadError> &errors) {
  auto modelError = [&](const std::string &message) {
    errors.push_back({"", "", message});
    return false;
  };
  if (bytes.empty())
    return modelError("the model file is empty");

  onnx::ModelProto proto;
  {
    google::protobuf::io::ArrayInputStream array(bytes.data(),
                                                 (int)std::min<size_t>(bytes.size(), INT_MAX));
    google::protobuf::io::CodedInputStream stream(&array);
    stream.SetTotalBytesLimit(INT_MAX);
    if (bytes.size() > (size_t)INT_MAX || !proto.ParseFromCodedStream(&stream) ||
        !stream.ConsumedEntireMessage())
      return modelError("not a valid ONNX model (protobuf parsing failed: the data is truncated "
                        "or corrupt, or messages are nested more than 100 deep)");
  }
  std::string().swap(bytes);
  if (!proto.has_graph())
    return modelError("the model has no graph");

  for (const auto &opset : proto.opset_import()) {
    std::string domain = opset.domain() == "ai.onnx" ? "" : opset.domain();
    model.opsets[domain] = opset.version();
    if (domain.empty())
      model.opset = opset.version();
  }

  onnx::GraphProto &graph = *proto.mutable_graph();
  bool ok = true;

  std::set<std::string> initializerNames;
  for (auto &init : *graph.mutable_initializer()) {
    if (!initializerNames.insert(init.name()).second) {
      errors.push_back({"", "", "initializer '" + init.name() + "' is defined twice"});
      ok = false;
      continue;
    }
    TensorData tensor;
    std::string error;
    if (!decodeTensor(init, modelDir, tensor, error)) {
      errors.push_back({"", "", "initializer '" + init.name() + "' " + error});
      ok = false;
      continue;
    }
    model.initializers.push_back(std::move(tensor));
  }
  for (const auto &sparse : graph.sparse_initializer()) {
    errors.push_back({"", "", "sparse initializer '" + sparse.values().name() +
                                  "' is not supported"});
    ok = false;
  }

  for (int n = 0; n < graph.node_size(); ++n) {
    onnx::NodeProto &proto = *graph.mutable_node(n);
    Node node;
    node.index = (size_t)n;
    node.opType = proto.op_type();
    node.name = proto.name().empty() ? node.opType + "_" + std::to_string(n) : proto.name();
    node.domain = proto.domain() == "ai.onnx" ? "" : proto.domain();
    node.inputs.assign(proto.input().begin(), proto.input().end());
    node.outputs.assign(proto.output().begin(), proto.output().end());
    std::set<std::string> attributeNames;
    for (auto &attrProto : *proto.mutable_attribute()) {
      if (!attributeNames.insert(attrProto.name()).second) {
        errors.push_back({node.name, node.opType, "attribute '" + attrProto.name() +
                                                      "' is given twice"});
        ok = false;
        continue;
      }
      Attribute attr;
      attr.name = attrProto.name();
      attr.kind = kindOf(attrProto);
      attr.f = attrProto.f();
      attr.i = attrProto.i();
      attr.s = attrProto.s();
      attr.floats.assign(attrProto.floats().begin(), attrProto.floats().end());
      attr.ints.assign(attrProto.ints().begin(), attrProto.ints().end());
      attr.strings.assign(attrProto.strings().begin(), attrProto.strings().end());
      if (attr.kind == Attribute::Tensor) {
        // A bad tensor is reported when the node is imported, with its name.
        attr.tensor = std::make_unique<TensorData>();
        std::string error;
        if (!decodeTensor(*attrProto.mutable_t(), modelDir, *attr.tensor, error))
          attr.tensor->error = error;
      }
      node.attributes.push_back(std::move(attr));
    }
    model.nodes.push_back(std::move(node));
  }

  std::set<std::string> inputNames;
  for (const auto &input : graph.input()) {
    if (!inputNames.insert(input.name()).second) {
      errors.push_back({"", "", "graph input '" + input.name() + "' is listed twice"});
      ok = false;
    }
    model.inputs.push_back(convertValueInfo(input));
  }
  for (const auto &output : graph.output())
    model.outputs.push_back(convertValueInfo(output));
  if (model.outputs.empty()) {
    errors.push_back({"", "", "the graph has no outputs"});
    ok = false;
  }
  return ok;
}

} // namespace dlc::onnx_import
