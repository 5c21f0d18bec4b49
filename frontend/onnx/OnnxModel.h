//===- OnnxModel.h - an ONNX model as plain C++ structs --------*- C++ -*-===//
//
// The protobuf classes are compiled with RTTI (like libprotobuf and
// libonnx_proto), while MLIR code must be built with -fno-rtti. Mixing the
// two in one translation unit would let inline protobuf code (vtables,
// dynamic_cast in the generated headers) be emitted in both modes, which the
// linker may merge arbitrarily. So only ModelReader.cpp / TensorReader.cpp
// see protobuf (compiled with RTTI, no LLVM headers); they convert the model
// into these structs, which the MLIR side (-fno-rtti) consumes. This header
// must stay free of protobuf, LLVM and polymorphic types.
//
//===----------------------------------------------------------------------===//
#ifndef DLC_FRONTEND_ONNX_ONNXMODEL_H
#define DLC_FRONTEND_ONNX_ONNXMODEL_H

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dlc::onnx_import {

/// ONNX TensorProto.DataType codes (numbering fixed by onnx.proto).
enum OnnxDType : int {
  kUndefined = 0, kFloat = 1, kUInt8 = 2, kInt8 = 3, kUInt16 = 4, kInt16 = 5,
  kInt32 = 6, kInt64 = 7, kString = 8, kBool = 9, kFloat16 = 10, kDouble = 11,
  kUInt32 = 12, kUInt64 = 13, kComplex64 = 14, kComplex128 = 15, kBFloat16 = 16,
};

/// "float32", "uint8", ... ("dtype N" for codes this build does not know).
std::string dtypeName(int dtype);
/// The element types dlc supports: float16/32/64, bfloat16, int8/16/32/64, bool.
bool isSupportedDType(int dtype);
bool isFloatDType(int dtype);
bool isUnsignedDType(int dtype);
/// Bytes per element in TensorData::bytes (bool: 1); 0 for unsupported types.
size_t dtypeSize(int dtype);

/// A decoded TensorProto. `bytes` holds numElements little-endian values of
/// dtypeSize(dtype) bytes each (bool: one byte, 0 or 1), whatever the proto
/// used (raw_data, typed fields or external data).
struct TensorData {
  std::string name;
  int dtype = kUndefined;
  std::vector<int64_t> dims;
  int64_t numElements = 0;
  std::string bytes;
  /// Set when the tensor could not be decoded (e.g. an unsupported element
  /// type); reported only if the tensor is used.
  std::string error;
};

struct Attribute {
  enum Kind { Undefined, Float, Int, String, Tensor, Graph, SparseTensor, TypeProto,
              Floats, Ints, Strings, Tensors, Graphs, SparseTensors, TypeProtos };
  std::string name;
  Kind kind = Undefined;
  float f = 0;
  int64_t i = 0;
  std::string s;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
  std::unique_ptr<TensorData> tensor; // Kind::Tensor
};
const char *attributeKindName(Attribute::Kind kind);

struct Node {
  /// The node name, or "<OpType>_<index>" when the model leaves it empty.
  std::string name;
  std::string opType;
  std::string domain; // "" for the default domain ("ai.onnx" is mapped to "")
  size_t index = 0;
  std::vector<std::string> inputs;  // "" = optional input left out
  std::vector<std::string> outputs; // "" = optional output left out
  std::vector<Attribute> attributes;

  const Attribute *attribute(const std::string &attrName) const {
    for (const Attribute &a : attributes)
      if (a.name == attrName)
        return &a;
    return nullptr;
  }
};

/// One dim of a declared shape: a value, a symbolic name, or unknown
/// (value -1, hasValue false). A value < 0 with hasValue set is malformed.
struct Dim {
  int64_t value = -1;
  bool hasValue = false;
  std::string param;
};

struct ValueInfo {
  std::string name;
  /// "tensor", or what the type is instead ("sequence", "map", "none", ...).
  std::string typeKind = "none";
  int dtype = kUndefined;
  bool hasShape = false;
  std::vector<Dim> dims;
};

struct Model {
  /// Version of the default ("" / "ai.onnx") domain; -1 if not imported.
  int64_t opset = -1;
  std::map<std::string, int64_t> opsets;
  std::vector<Node> nodes;
  std::vector<TensorData> initializers;
  std::vector<ValueInfo> inputs, outputs;
};

/// One problem found while reading; `node` is empty for model-level ones.
struct ReadError {
  std::string node, opType, message;
};

/// Parses the ONNX file at `path` (external tensor data is read relative to
/// its folder). Returns false, with `errors` filled, if the file is missing,
/// malformed or has bad tensors.
bool readOnnxModel(const std::string &path, Model &model, std::vector<ReadError> &errors);
/// The same for a serialized ModelProto in memory; external data is read
/// relative to `modelDir`.
bool parseOnnxModel(std::string bytes, const std::string &modelDir, Model &model,
                    std::vector<ReadError> &errors);

} // namespace dlc::onnx_import

#endif // DLC_FRONTEND_ONNX_ONNXMODEL_H
