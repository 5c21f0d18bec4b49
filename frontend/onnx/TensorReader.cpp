//===- TensorReader.cpp - TensorProto -> TensorData ------------------------===//
//
// Protobuf side (compiled with RTTI, no LLVM headers; see OnnxModel.h).
// Every length, dim and file offset comes from an untrusted file, so each is
// checked before it sizes an allocation or a read.
//
//===----------------------------------------------------------------------===//
#include "frontend/onnx/ProtoReader.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

namespace dlc::onnx_import {

std::string dtypeName(int dtype) {
  switch (dtype) {
  case kFloat: return "float32";
  case kUInt8: return "uint8";
  case kInt8: return "int8";
  case kUInt16: return "uint16";
  case kInt16: return "int16";
  case kInt32: return "int32";
  case kInt64: return "int64";
  case kString: return "string";
  case kBool: return "bool";
  case kFloat16: return "float16";
  case kDouble: return "float64";
  case kUInt32: return "uint32";
  case kUInt64: return "uint64";
  case kComplex64: return "complex64";
  case kComplex128: return "complex128";
  case kBFloat16: return "bfloat16";
  case 17: return "float8e4m3fn";
  case 18: return "float8e4m3fnuz";
  case 19: return "float8e5m2";
  case 20: return "float8e5m2fnuz";
  case 21: return "uint4";
  case 22: return "int4";
  case 23: return "float4e2m1";
  case 24: return "float8e8m0";
  case 25: return "uint2";
  case 26: return "int2";
  default: return "dtype " + std::to_string(dtype);
  }
}

size_t dtypeSize(int dtype) {
  switch (dtype) {
  case kBool: case kInt8: case kUInt8: return 1;
  case kInt16: case kUInt16: case kFloat16: case kBFloat16: return 2;
  case kFloat: case kInt32: case kUInt32: return 4;
  case kDouble: case kInt64: case kUInt64: return 8;
  default: return 0;
  }
}

bool isSupportedDType(int dtype) { return dtypeSize(dtype) != 0; }

bool isFloatDType(int dtype) {
  return dtype == kFloat || dtype == kDouble || dtype == kFloat16 || dtype == kBFloat16;
}

bool isUnsignedDType(int dtype) {
  return dtype == kUInt8 || dtype == kUInt16 || dtype == kUInt32 || dtype == kUInt64;
}

/// Reads external data: `location` must name a regular file inside
/// `modelDir` reached without symlinks, and [offset, offset+length) must lie
/// inside it.
static bool readExternal(const onnx::TensorProto &proto, const std::string &modelDir,
                         size_t expected, std::string &bytes, std::string &error) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto &entry : proto.external_data()) {
    const std::string &key = entry.key(), &value = entry.value();
    if (key == "location") {
      location = value;
    } else if (key == "offset" || key == "length") {
      char *end = nullptr;
      errno = 0;
      long long v = std::strtoll(value.c_str(), &end, 10);
      if (value.empty() || *end || errno || v < 0) {
        error = "external data " + key + " '" + value + "' is not a non-negative integer";
        return false;
      }
      (key == "offset" ? offset : length) = v;
    }
  }
  if (location.empty()) {
    error = "external data has no location";
    return false;
  }
  if (location[0] == '/' || location[0] == '\\') {
    error = "external data location '" + location + "' is absolute";
    return false;
  }
  // Walk the components: no "..", no symlinks, so the file stays inside.
  std::string path = modelDir;
  size_t pos = 0;
  while (pos <= location.size()) {
    size_t next = location.find_first_of("/\\", pos);
    if (next == std::string::npos)
      next = location.size();
    std::string part = location.substr(pos, next - pos);
    pos = next + 1;
    if (part.empty() || part == ".")
      continue;
    if (part == "..") {
      error = "external data location '" + location + "' leaves the model folder";
      return false;
    }
    path += "/" + part;
    struct stat st;
    if (lstat(path.c_str(), &st) != 0) {
      error = "cannot read external data '" + location + "': " + std::strerror(errno);
      return false;
    }
    if (S_ISLNK(st.st_mode)) {
      error = "external data location '" + location + "' goes through a symlink";
      return false;
    }
  }
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    error = "external data '" + location + "' is not a regular file";
    return false;
  }
  int64_t fileSize = st.st_size;
  if (offset > fileSize) {
    error = "external data offset " + std::to_string(offset) + " is past the end of '" +
            location + "' (" + std::to_string(fileSize) + " bytes)";
    return false;
  }
  if (length < 0)
    length = fileSize - offset;
  if (length > fileSize - offset) {
    error = "external data [" + std::to_string(offset) + ", +" + std::to_string(length) +
            ") runs past the end of '" + location + "' (" + std::to_string(fileSize) +
            " bytes)";
    return false;
  }
  if ((uint64_t)length != expected) {
    error = "external data has " + std::to_string(length) + " bytes, expected " +
            std::to_string(expected);
    return false;
  }
  std::ifstream file(path, std::ios::binary);
  bytes.resize(expected);
  if (!file.seekg(offset) || !file.read(bytes.data(), (std::streamsize)expected)) {
    error = "cannot read external data '" + location + "'";
    return false;
  }
  return true;
}

/// Copies a typed repeated field into little-endian bytes of `size` each.
template <typename Field>
static bool copyTyped(const Field &field, const char *fieldName, int64_t numElements,
                      size_t size, std::string &bytes, std::string &error, bool isBool) {
  if ((int64_t)field.size() != numElements) {
    error = std::string(fieldName) + " has " + std::to_string(field.size()) +
            " values, expected " + std::to_string(numElements);
    return false;
  }
  bytes.resize((size_t)numElements * size);
  for (int64_t i = 0; i < numElements; ++i) {
    auto v = field.Get((int)i);
    if (isBool)
      v = v != 0;
    // The low `size` bytes of the value (int32_data holds int8/int16/bool and
    // the bit patterns of float16/bfloat16); little-endian host assumed.
    std::memcpy(&bytes[(size_t)i * size], &v, size);
  }
  return true;
}

bool decodeTensor(onnx::TensorProto &proto, const std::string &modelDir, TensorData &out,
                  std::string &error) {
  out.name = proto.name();
  out.dtype = proto.data_type();
  out.dims.assign(proto.dims().begin(), proto.dims().end());
  int64_t numElements = 1;
  for (int64_t d : out.dims) {
    if (d < 0) {
      error = "has a negative dim " + std::to_string(d);
      return false;
    }
    if (__builtin_mul_overflow(numElements, d, &numElements)) {
      error = "has too many elements (the dims product overflows)";
      return false;
    }
  }
  out.numElements = numElements;
  size_t size = dtypeSize(out.dtype);
  if (!size) {
    out.error = "has unsupported element type " + dtypeName(out.dtype);
    return true;
  }
  size_t expected;
  if (__builtin_mul_overflow((size_t)numElements, size, &expected) ||
      expected > (size_t)INT64_MAX) {
    error = "has too many elements (the byte size overflows)";
    return false;
  }
  if (proto.has_segment()) {
    error = "is segmented, which is not supported";
    return false;
  }
  bool isBool = out.dtype == kBool;
  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    if (!readExternal(proto, modelDir, expected, out.bytes, error))
      return false;
  } else if (proto.has_raw_data()) {
    if (proto.raw_data().size() != expected) {
      error = "raw_data has " + std::to_string(proto.raw_data().size()) + " bytes, expected " +
              std::to_string(expected) + " (" + std::to_string(numElements) + " x " +
              dtypeName(out.dtype) + ")";
      return false;
    }
    out.bytes.swap(*proto.mutable_raw_data());
  } else {
    switch (out.dtype) {
    case kFloat:
      if (!copyTyped(proto.float_data(), "float_data", numElements, size, out.bytes, error, false))
        return false;
      break;
    case kDouble:
      if (!copyTyped(proto.double_data(), "double_data", numElements, size, out.bytes, error,
                     false))
        return false;
      break;
    case kInt64:
      if (!copyTyped(proto.int64_data(), "int64_data", numElements, size, out.bytes, error, false))
        return false;
      break;
    case kUInt32:
    case kUInt64:
      if (!copyTyped(proto.uint64_data(), "uint64_data", numElements, size, out.bytes, error,
                     false))
        return false;
      break;
    default: // (u)int16, (u)int8, int32, bool, float16, bfloat16 live in int32_data
      if (!copyTyped(proto.int32_data(), "int32_data", numElements, size, out.bytes, error,
                     isBool))
        return false;
      break;
    }
  }
  if (isBool)
    for (char &c : out.bytes)
      c = c != 0;
  return true;
}

} // namespace dlc::onnx_import
