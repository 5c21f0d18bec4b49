// Internal: tensors in files — ONNX TensorProto (.pb) and NumPy (.npy).
//
// libdlcrt decodes the small, stable subset of the protobuf wire format that
// TensorProto needs instead of linking libprotobuf, so compiled models run
// where protobuf is not installed. Every read is bounds-checked and sizes
// are checked against the input before anything is allocated: malformed
// bytes give an error message, never a crash or a huge allocation.
//
// All functions are pure or touch only the named file: thread-safe.
#ifndef DLC_RUNTIME_SRC_TENSORIO_H
#define DLC_RUNTIME_SRC_TENSORIO_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dlc::rt {

/// A dense row-major tensor in host memory; bool is one byte per element.
struct HostTensor {
  std::string name;
  int32_t dtype = 0; // dlc_dtype
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;

  /// Product of the dims (1 for a scalar); -1 if it overflows or a dim < 0.
  int64_t numElements() const;
};

/// Decodes a serialized onnx.TensorProto: dims (packed or not), data_type,
/// name, and the values from raw_data or the typed field of the dtype
/// (float_data, double_data, int64_data, uint64_data for uint32/uint64,
/// int32_data for the other integer types, bool, float16 and bfloat16).
/// Rejects string tensors, external data and any inconsistency.
bool parseTensorProto(const uint8_t *bytes, size_t size, HostTensor &out, std::string &error);
/// Encodes dims, data_type, name and raw_data (what onnx.numpy_helper reads).
std::vector<uint8_t> serializeTensorProto(const HostTensor &tensor);

/// Decodes .npy format 1.0/2.0/3.0, little-endian, C order.
bool parseNpy(const uint8_t *bytes, size_t size, HostTensor &out, std::string &error);
/// Encodes .npy (format 1.0, 2.0 for huge headers). Fails for dtypes NumPy
/// has no name for (bfloat16).
bool serializeNpy(const HostTensor &tensor, std::vector<uint8_t> &out, std::string &error);

/// Reads a whole regular file; the error names the path.
bool readFile(const std::string &path, std::vector<uint8_t> &out, std::string &error);
/// Writes through a temporary file and a rename (no partial files).
bool writeFile(const std::string &path, const std::vector<uint8_t> &bytes, std::string &error);

/// Reads `path` as .npy if it ends in ".npy", else as a TensorProto.
bool readTensorFile(const std::string &path, HostTensor &out, std::string &error);

} // namespace dlc::rt

#endif
