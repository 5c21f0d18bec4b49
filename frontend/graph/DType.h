//===- DType.h - element types --------------------------------------------===//
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace dlc::graph {

// Values equal onnx::TensorProto::DataType, so serialization is a cast.
enum class DType : int32_t {
  Float32 = 1,
  UInt8 = 2,
  Int8 = 3,
  Int32 = 6,
  Int64 = 7,
  Bool = 9,
  Float16 = 10,
  Float64 = 11,
};

std::string toString(DType dtype);
size_t byteSize(DType dtype);
bool isFloating(DType dtype);
bool isInteger(DType dtype);
// True when `onnxType` (a TensorProto::DataType value) has a DType.
bool isSupportedDType(int32_t onnxType);

} // namespace dlc::graph
