//===- TensorConversion.cpp - ONNX dtypes and tensors -> MLIR -------------===//
#include "frontend/onnx/TensorConversion.h"

#include "llvm/ADT/APFloat.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;

namespace dlc::onnx_import {

Type elementTypeFor(MLIRContext &ctx, int dtype) {
  switch (dtype) {
  case kFloat: return Float32Type::get(&ctx);
  case kDouble: return Float64Type::get(&ctx);
  case kFloat16: return Float16Type::get(&ctx);
  case kBFloat16: return BFloat16Type::get(&ctx);
  case kInt8: return IntegerType::get(&ctx, 8);
  case kInt16: return IntegerType::get(&ctx, 16);
  case kInt32: return IntegerType::get(&ctx, 32);
  case kInt64: return IntegerType::get(&ctx, 64);
  case kUInt8: return IntegerType::get(&ctx, 8, IntegerType::Unsigned);
  case kUInt16: return IntegerType::get(&ctx, 16, IntegerType::Unsigned);
  case kUInt32: return IntegerType::get(&ctx, 32, IntegerType::Unsigned);
  case kUInt64: return IntegerType::get(&ctx, 64, IntegerType::Unsigned);
  case kBool: return IntegerType::get(&ctx, 1);
  default: return {};
  }
}

int dtypeFor(Type type) {
  if (type.isF32()) return kFloat;
  if (type.isF64()) return kDouble;
  if (type.isF16()) return kFloat16;
  if (type.isBF16()) return kBFloat16;
  if (auto i = llvm::dyn_cast<IntegerType>(type)) {
    if (i.isUnsigned()) {
      switch (i.getWidth()) {
      case 8: return kUInt8;
      case 16: return kUInt16;
      case 32: return kUInt32;
      case 64: return kUInt64;
      default: return kUndefined;
      }
    }
    if (!i.isSignless())
      return kUndefined;
    switch (i.getWidth()) {
    case 1: return kBool;
    case 8: return kInt8;
    case 16: return kInt16;
    case 32: return kInt32;
    case 64: return kInt64;
    default: return kUndefined;
    }
  }
  return kUndefined;
}

static const llvm::fltSemantics &semanticsOf(int dtype) {
  switch (dtype) {
  case kFloat16: return llvm::APFloat::IEEEhalf();
  case kBFloat16: return llvm::APFloat::BFloat();
  case kFloat: return llvm::APFloat::IEEEsingle();
  default: return llvm::APFloat::IEEEdouble();
  }
}

DenseElementsAttr tensorToAttr(MLIRContext &ctx, const TensorData &tensor) {
  auto type = RankedTensorType::get(tensor.dims, elementTypeFor(ctx, tensor.dtype));
  if (tensor.dtype == kBool) {
    // i1 raw buffers are bit-packed; build from bools instead.
    SmallVector<bool> values(tensor.bytes.begin(), tensor.bytes.end());
    return DenseElementsAttr::get(type, values);
  }
  if (tensor.numElements == 0)
    return DenseElementsAttr::get(type, ArrayRef<mlir::Attribute>{});
  return DenseElementsAttr::getFromRawBuffer(
      type, ArrayRef<char>(tensor.bytes.data(), tensor.bytes.size()));
}

template <typename T>
static T load(const std::string &bytes, int64_t i) {
  T v;
  std::memcpy(&v, bytes.data() + i * sizeof(T), sizeof(T));
  return v;
}

HostTensor tensorToHost(const TensorData &tensor) {
  HostTensor host;
  host.dtype = tensor.dtype;
  host.dims = tensor.dims;
  int64_t n = tensor.numElements;
  const std::string &b = tensor.bytes;
  if (host.isFloat()) {
    host.floats.resize(n);
    for (int64_t i = 0; i < n; ++i) {
      switch (tensor.dtype) {
      case kFloat: host.floats[i] = load<float>(b, i); break;
      case kDouble: host.floats[i] = load<double>(b, i); break;
      default:
        host.floats[i] = llvm::APFloat(semanticsOf(tensor.dtype),
                                       llvm::APInt(16, load<uint16_t>(b, i)))
                             .convertToDouble();
      }
    }
    return host;
  }
  host.ints.resize(n);
  for (int64_t i = 0; i < n; ++i) {
    switch (tensor.dtype) {
    case kBool: host.ints[i] = load<uint8_t>(b, i) != 0; break;
    case kInt8: host.ints[i] = load<int8_t>(b, i); break;
    case kInt16: host.ints[i] = load<int16_t>(b, i); break;
    case kInt32: host.ints[i] = load<int32_t>(b, i); break;
    case kUInt8: host.ints[i] = load<uint8_t>(b, i); break;
    case kUInt16: host.ints[i] = load<uint16_t>(b, i); break;
    case kUInt32: host.ints[i] = load<uint32_t>(b, i); break;
    default: host.ints[i] = load<int64_t>(b, i); break; // int64, uint64 (bits)
    }
  }
  return host;
}

DenseElementsAttr hostToAttr(MLIRContext &ctx, const HostTensor &tensor) {
  Type elementType = elementTypeFor(ctx, tensor.dtype);
  auto type = RankedTensorType::get(tensor.dims, elementType);
  if (tensor.dtype == kBool) {
    SmallVector<bool> values;
    for (int64_t v : tensor.ints)
      values.push_back(v != 0);
    return DenseElementsAttr::get(type, values);
  }
  if (tensor.isFloat()) {
    SmallVector<APFloat> values;
    for (double v : tensor.floats) {
      APFloat f(v);
      bool lost;
      f.convert(semanticsOf(tensor.dtype), APFloat::rmNearestTiesToEven, &lost);
      values.push_back(f);
    }
    return DenseElementsAttr::get(type, values);
  }
  unsigned width = elementType.getIntOrFloatBitWidth();
  SmallVector<APInt> values;
  for (int64_t v : tensor.ints)
    values.push_back(APInt(width, (uint64_t)v, /*isSigned=*/true, /*implicitTrunc=*/true));
  return DenseElementsAttr::get(type, values);
}

/// Wraps `v` to an integer of `bits` bits (signed: sign-extended back).
static int64_t wrapInt(int64_t v, int bits, bool isSigned) {
  if (bits >= 64)
    return v;
  uint64_t mask = (uint64_t(1) << bits) - 1, u = (uint64_t)v & mask;
  if (isSigned && u >> (bits - 1))
    u |= ~mask;
  return (int64_t)u;
}

static int bitsOf(int dtype) { return dtype == kBool ? 1 : (int)dtypeSize(dtype) * 8; }

HostTensor castHost(const HostTensor &tensor, int dtype) {
  HostTensor out;
  out.dtype = dtype;
  out.dims = tensor.dims;
  int64_t n = tensor.numElements();
  if (isFloatDType(dtype)) {
    out.floats.resize(n);
    for (int64_t i = 0; i < n; ++i) {
      APFloat f(tensor.asDouble(i));
      bool lost;
      f.convert(semanticsOf(dtype), APFloat::rmNearestTiesToEven, &lost);
      out.floats[i] = f.convertToDouble();
    }
    return out;
  }
  out.ints.resize(n);
  for (int64_t i = 0; i < n; ++i) {
    if (dtype == kBool) {
      out.ints[i] = tensor.asDouble(i) != 0;
      continue;
    }
    int64_t v;
    if (tensor.isFloat()) {
      double d = std::trunc(tensor.floats[i]);
      if (std::isnan(d))
        v = 0;
      else if (d >= 9.2233720368547758e18)
        v = std::numeric_limits<int64_t>::max();
      else if (d <= -9.2233720368547758e18)
        v = std::numeric_limits<int64_t>::min();
      else
        v = (int64_t)d;
    } else {
      v = tensor.ints[i];
    }
    out.ints[i] = wrapInt(v, bitsOf(dtype), !isUnsignedDType(dtype));
  }
  return out;
}

} // namespace dlc::onnx_import
