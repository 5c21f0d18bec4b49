#include "frontend/graph/TensorData.h"

#include "frontend/graph/Error.h"

#include <cstring>

namespace dlc::graph {

TensorData::TensorData(DType dtype, Shape shape, std::vector<uint8_t> bytes)
    : dtype_(dtype), shape_(std::move(shape)), bytes_(std::move(bytes)) {
  for (int64_t dim : shape_)
    if (dim < 0)
      throw Error("tensor", "negative dim in shape " + toString(shape_));
  size_t expected = static_cast<size_t>(numElements()) * byteSize(dtype_);
  if (bytes_.size() != expected)
    throw Error("tensor", toString(dtype_) + toString(shape_) + " needs " +
                              std::to_string(expected) + " bytes, got " +
                              std::to_string(bytes_.size()));
}

template <typename T>
static std::vector<uint8_t> toBytes(const std::vector<T> &values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(T));
  if (!values.empty())
    std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

TensorData TensorData::fromFloats(Shape shape, const std::vector<float> &values) {
  return TensorData(DType::Float32, std::move(shape), toBytes(values));
}

TensorData TensorData::fromInt64s(Shape shape,
                                  const std::vector<int64_t> &values) {
  return TensorData(DType::Int64, std::move(shape), toBytes(values));
}

template <typename T>
static std::vector<uint8_t> repeat(T value, int64_t count) {
  return toBytes(std::vector<T>(static_cast<size_t>(count), value));
}

TensorData TensorData::filled(DType dtype, Shape shape, double value) {
  int64_t count = dlc::graph::numElements(shape);
  std::vector<uint8_t> bytes;
  switch (dtype) {
  case DType::Float32: bytes = repeat(static_cast<float>(value), count); break;
  case DType::Float64: bytes = repeat(value, count); break;
  case DType::Int64: bytes = repeat(static_cast<int64_t>(value), count); break;
  case DType::Int32: bytes = repeat(static_cast<int32_t>(value), count); break;
  case DType::Int8: bytes = repeat(static_cast<int8_t>(value), count); break;
  case DType::UInt8: bytes = repeat(static_cast<uint8_t>(value), count); break;
  case DType::Bool: bytes = repeat<uint8_t>(value != 0.0, count); break;
  case DType::Float16:
    throw Error("tensor", "cannot fill a float16 tensor from a number");
  }
  return TensorData(dtype, std::move(shape), std::move(bytes));
}

template <typename T, typename R>
static std::vector<R> convert(const std::vector<uint8_t> &bytes) {
  std::vector<R> values(bytes.size() / sizeof(T));
  for (size_t i = 0; i < values.size(); ++i) {
    T element;
    std::memcpy(&element, bytes.data() + i * sizeof(T), sizeof(T));
    values[i] = static_cast<R>(element);
  }
  return values;
}

template <typename R>
static std::vector<R> convertAll(DType dtype, const std::vector<uint8_t> &bytes) {
  switch (dtype) {
  case DType::Float32: return convert<float, R>(bytes);
  case DType::Float64: return convert<double, R>(bytes);
  case DType::Int64: return convert<int64_t, R>(bytes);
  case DType::Int32: return convert<int32_t, R>(bytes);
  case DType::Int8: return convert<int8_t, R>(bytes);
  case DType::UInt8:
  case DType::Bool: return convert<uint8_t, R>(bytes);
  case DType::Float16: break;
  }
  throw Error("tensor", "cannot read " + toString(dtype) + " values");
}

std::vector<double> TensorData::toDoubles() const {
  return convertAll<double>(dtype_, bytes_);
}
std::vector<int64_t> TensorData::toInt64s() const {
  return convertAll<int64_t>(dtype_, bytes_);
}
std::vector<float> TensorData::toFloats() const {
  return convertAll<float>(dtype_, bytes_);
}

} // namespace dlc::graph
