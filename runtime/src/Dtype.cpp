// Names and sizes of plan dtypes (ONNX TensorProto numbering).
#include "Format.h"
#include "dlc/runtime.h"

extern "C" const char *dlc_dtype_name(int32_t dtype) {
  switch (dtype) {
  case DLC_DTYPE_FLOAT32: return "float32";
  case DLC_DTYPE_UINT8: return "uint8";
  case DLC_DTYPE_INT8: return "int8";
  case DLC_DTYPE_UINT16: return "uint16";
  case DLC_DTYPE_INT16: return "int16";
  case DLC_DTYPE_INT32: return "int32";
  case DLC_DTYPE_INT64: return "int64";
  case DLC_DTYPE_BOOL: return "bool";
  case DLC_DTYPE_FLOAT16: return "float16";
  case DLC_DTYPE_FLOAT64: return "float64";
  case DLC_DTYPE_UINT32: return "uint32";
  case DLC_DTYPE_UINT64: return "uint64";
  case DLC_DTYPE_BFLOAT16: return "bfloat16";
  default: return "unknown";
  }
}

extern "C" size_t dlc_dtype_size(int32_t dtype) {
  switch (dtype) {
  case DLC_DTYPE_UINT8:
  case DLC_DTYPE_INT8:
  case DLC_DTYPE_BOOL: return 1;
  case DLC_DTYPE_UINT16:
  case DLC_DTYPE_INT16:
  case DLC_DTYPE_FLOAT16:
  case DLC_DTYPE_BFLOAT16: return 2;
  case DLC_DTYPE_FLOAT32:
  case DLC_DTYPE_INT32:
  case DLC_DTYPE_UINT32: return 4;
  case DLC_DTYPE_INT64:
  case DLC_DTYPE_FLOAT64:
  case DLC_DTYPE_UINT64: return 8;
  default: return 0;
  }
}

std::string dlc::rt::typeText(int32_t dtype, uint32_t rank, const int64_t *shape) {
  std::string s = dlc_dtype_name(dtype);
  if (s == "unknown")
    s = "dtype(" + std::to_string(dtype) + ")";
  s += "[";
  for (uint32_t i = 0; i < rank && shape; ++i)
    s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}
