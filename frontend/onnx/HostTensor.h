//===- HostTensor.h - compile-time tensor values ---------------*- C++ -*-===//
//
// Values the importer knows at compile time: shape operands (Reshape shape,
// Slice starts, ...) and the results of the constant evaluator. Integers and
// bools are held as int64 (uint64: its bits), floating-point values as
// double, so the evaluator has one code path per op instead of one per
// element type.
//
//===----------------------------------------------------------------------===//
#ifndef DLC_FRONTEND_ONNX_HOSTTENSOR_H
#define DLC_FRONTEND_ONNX_HOSTTENSOR_H

#include "frontend/onnx/OnnxModel.h"

#include <cstdint>
#include <vector>

namespace dlc::onnx_import {

struct HostTensor {
  int dtype = kInt64;
  std::vector<int64_t> dims;
  std::vector<int64_t> ints;  // integer and bool dtypes
  std::vector<double> floats; // floating-point dtypes

  bool isFloat() const { return isFloatDType(dtype); }
  int64_t numElements() const {
    return (int64_t)(isFloat() ? floats.size() : ints.size());
  }
  double asDouble(int64_t i) const {
    if (isFloat())
      return floats[i];
    return dtype == kUInt64 ? (double)(uint64_t)ints[i] : (double)ints[i];
  }
  /// Truncates floating-point values (like a C cast).
  int64_t asInt(int64_t i) const { return isFloat() ? (int64_t)floats[i] : ints[i]; }

  /// A value of `dtype` with `dims`, zero-filled.
  static HostTensor zeros(int dtype, std::vector<int64_t> dims) {
    HostTensor t;
    t.dtype = dtype;
    int64_t n = 1;
    for (int64_t d : dims)
      n *= d;
    t.dims = std::move(dims);
    if (t.isFloat())
      t.floats.assign(n, 0.0);
    else
      t.ints.assign(n, 0);
    return t;
  }
  /// Copies element `from` of `src` (same kind of dtype) into element `to`.
  void copyElement(int64_t to, const HostTensor &src, int64_t from) {
    if (isFloat())
      floats[to] = src.asDouble(from);
    else
      ints[to] = src.asInt(from);
  }
};

} // namespace dlc::onnx_import

#endif // DLC_FRONTEND_ONNX_HOSTTENSOR_H
