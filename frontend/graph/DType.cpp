#include "frontend/graph/DType.h"

namespace dlc::graph {

std::string toString(DType dtype) {
  switch (dtype) {
  case DType::Float32: return "float32";
  case DType::UInt8: return "uint8";
  case DType::Int8: return "int8";
  case DType::Int32: return "int32";
  case DType::Int64: return "int64";
  case DType::Bool: return "bool";
  case DType::Float16: return "float16";
  case DType::Float64: return "float64";
  }
  return "dtype(" + std::to_string(static_cast<int32_t>(dtype)) + ")";
}

size_t byteSize(DType dtype) {
  switch (dtype) {
  case DType::UInt8:
  case DType::Int8:
  case DType::Bool: return 1;
  case DType::Float16: return 2;
  case DType::Float32:
  case DType::Int32: return 4;
  case DType::Int64:
  case DType::Float64: return 8;
  }
  return 0;
}

bool isFloating(DType dtype) {
  return dtype == DType::Float32 || dtype == DType::Float16 ||
         dtype == DType::Float64;
}

bool isInteger(DType dtype) {
  return dtype == DType::UInt8 || dtype == DType::Int8 ||
         dtype == DType::Int32 || dtype == DType::Int64;
}

bool isSupportedDType(int32_t onnxType) {
  switch (onnxType) {
  case 1: case 2: case 3: case 6: case 7: case 9: case 10: case 11: return true;
  default: return false;
  }
}

} // namespace dlc::graph
