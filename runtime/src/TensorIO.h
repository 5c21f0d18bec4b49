// Internal: tensors in files — ONNX TensorProto (.pb) and NumPy (.npy).
//
// libdlcrt decodes the small, stable subset of the protobuf wire format that
// TensorProto needs instead of linking libprotobuf, so compiled models run
// where protobuf is not installed. Every read is bounds-checked.
#ifndef DLC_RUNTIME_SRC_TENSORIO_H
#define DLC_RUNTIME_SRC_TENSORIO_H

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

bool parseTensorProto(const uint8_t *bytes, size_t size, HostTensor &out, std::string &error);
std::vector<uint8_t> serializeTensorProto(const HostTensor &tensor);

bool parseNpy(const uint8_t *bytes, size_t size, HostTensor &out, std::string &error);
/// Fails for dtypes NumPy has no name for (bfloat16).
bool serializeNpy(const HostTensor &tensor, std::vector<uint8_t> &out, std::string &error);

bool readFile(const std::string &path, std::vector<uint8_t> &out, std::string &error);
/// Writes through a temporary file and a rename (no partial files).
bool writeFile(const std::string &path, const std::vector<uint8_t> &bytes, std::string &error);

/// Reads `path` as .npy if it ends in ".npy", else as a TensorProto.
bool readTensorFile(const std::string &path, HostTensor &out, std::string &error);

} // namespace dlc::rt

#endif
