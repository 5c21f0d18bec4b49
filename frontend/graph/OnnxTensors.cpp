//===- OnnxTensors.cpp - TensorData <-> onnx::TensorProto -----------------===//
#include "frontend/graph/OnnxSerializer.h"

#include <cstring>

namespace dlc::graph {

onnx::TensorProto toTensorProto(const TensorData &data, const std::string &name) {
  onnx::TensorProto proto;
  proto.set_name(name);
  proto.set_data_type(int32_t(data.dtype()));
  for (int64_t dim : data.shape())
    proto.add_dims(dim);
  // raw_data is little-endian, the layout TensorData already holds.
  proto.set_raw_data(data.bytes().data(), data.bytes().size());
  return proto;
}

template <typename T, typename Field>
static std::vector<uint8_t> packField(const Field &field) {
  std::vector<uint8_t> bytes(size_t(field.size()) * sizeof(T));
  for (int i = 0; i < field.size(); ++i) {
    T element = static_cast<T>(field.Get(i));
    std::memcpy(bytes.data() + size_t(i) * sizeof(T), &element, sizeof(T));
  }
  return bytes;
}

TensorData fromTensorProto(const onnx::TensorProto &proto, const std::string &what) {
  if (!isSupportedDType(proto.data_type()))
    throw Error("", what + ": unsupported tensor data type " +
                        std::to_string(proto.data_type()));
  if (proto.data_location() == onnx::TensorProto::EXTERNAL)
    throw Error("", what + ": external tensor data is not supported");
  DType dtype = DType(proto.data_type());
  Shape shape(proto.dims().begin(), proto.dims().end());
  std::vector<uint8_t> bytes;
  if (proto.has_raw_data()) {
    bytes.assign(proto.raw_data().begin(), proto.raw_data().end());
  } else {
    // The typed fields: small types travel widened in int32_data.
    switch (dtype) {
    case DType::Float32: bytes = packField<float>(proto.float_data()); break;
    case DType::Float64: bytes = packField<double>(proto.double_data()); break;
    case DType::Int64: bytes = packField<int64_t>(proto.int64_data()); break;
    case DType::Int32: bytes = packField<int32_t>(proto.int32_data()); break;
    case DType::Int8: bytes = packField<int8_t>(proto.int32_data()); break;
    case DType::UInt8:
    case DType::Bool: bytes = packField<uint8_t>(proto.int32_data()); break;
    case DType::Float16: bytes = packField<uint16_t>(proto.int32_data()); break;
    }
  }
  try {
    return TensorData(dtype, shape, std::move(bytes));
  } catch (const Error &error) {
    throw Error("", what + ": " + error.message());
  }
}

} // namespace dlc::graph
