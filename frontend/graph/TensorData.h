//===- TensorData.h - host tensor values (initializers, constants) --------===//
#pragma once

#include "frontend/graph/DType.h"
#include "frontend/graph/Shape.h"

#include <cstdint>
#include <vector>

namespace dlc::graph {

// A dense tensor held as little-endian bytes, the layout of ONNX raw_data,
// so any dtype round-trips without conversion.
class TensorData {
public:
  TensorData() = default;
  // Throws Error when bytes.size() != numElements(shape) * byteSize(dtype).
  TensorData(DType dtype, Shape shape, std::vector<uint8_t> bytes);

  static TensorData fromFloats(Shape shape, const std::vector<float> &values);
  static TensorData fromInt64s(Shape shape, const std::vector<int64_t> &values);
  // Every element equal to `value`, converted to `dtype`.
  static TensorData filled(DType dtype, Shape shape, double value);
  static TensorData scalar(DType dtype, double value) {
    return filled(dtype, {}, value);
  }

  DType dtype() const { return dtype_; }
  const Shape &shape() const { return shape_; }
  int64_t numElements() const { return dlc::graph::numElements(shape_); }
  const std::vector<uint8_t> &bytes() const { return bytes_; }
  TensorType type() const { return {dtype_, shape_}; }

  // Element values converted to double / int64 (fails for float16).
  std::vector<double> toDoubles() const;
  std::vector<int64_t> toInt64s() const;
  std::vector<float> toFloats() const;

  bool operator==(const TensorData &other) const {
    return dtype_ == other.dtype_ && shape_ == other.shape_ &&
           bytes_ == other.bytes_;
  }

private:
  DType dtype_ = DType::Float32;
  Shape shape_;
  std::vector<uint8_t> bytes_;
};

} // namespace dlc::graph
