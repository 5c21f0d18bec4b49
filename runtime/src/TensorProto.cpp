// TensorProto <-> HostTensor with a minimal protobuf wire-format codec.
// Field numbers from onnx.proto: dims 1, data_type 2, segment 3,
// float_data 4, int32_data 5, string_data 6, int64_data 7, name 8,
// raw_data 9, double_data 10, uint64_data 11, doc_string 12,
// external_data 13, data_location 14.
#include "TensorIO.h"
#include "Wire.h"
#include "dlc/runtime.h"

#include <cstring>

using dlc::rt::HostTensor;
using namespace dlc::rt::wire;

int64_t HostTensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    if (d < 0 || __builtin_mul_overflow(n, d, &n))
      return -1;
  return n;
}

namespace {


/// Appends the values of a repeated scalar field (packed or one element).
template <typename Decode>
bool readRepeated(WireReader &r, uint32_t wireType, uint32_t scalarWireType, Decode decode) {
  if (wireType == 2) {
    const uint8_t *data;
    size_t size;
    if (!r.lengthDelimited(data, size))
      return false;
    WireReader packed(data, size);
    while (!packed.done())
      if (!decode(packed))
        return false;
    return true;
  }
  return wireType == scalarWireType && decode(r);
}

template <typename T> bool fixed(WireReader &r, std::vector<T> &out) {
  const uint8_t *p;
  if (!r.bytes(sizeof(T), p))
    return false;
  T v;
  std::memcpy(&v, p, sizeof(T));
  out.push_back(v);
  return true;
}

bool varintValue(WireReader &r, std::vector<uint64_t> &out) {
  uint64_t v;
  if (!r.varint(v))
    return false;
  out.push_back(v);
  return true;
}

/// Converts typed-field values to the dense element bytes of `dtype`.
bool fromTypedValues(HostTensor &t, const std::vector<float> &floats,
                     const std::vector<double> &doubles, const std::vector<uint64_t> &ints,
                     int64_t count, std::string &error) {
  size_t elementSize = dlc_dtype_size(t.dtype);
  // The value count is checked before anything is allocated: the dims of a
  // hostile file must not make us reserve memory the file does not back.
  const char *field = t.dtype == DLC_DTYPE_FLOAT32   ? "float_data"
                      : t.dtype == DLC_DTYPE_FLOAT64 ? "double_data"
                      : t.dtype == DLC_DTYPE_INT64   ? "int64_data"
                      : t.dtype == DLC_DTYPE_UINT32 || t.dtype == DLC_DTYPE_UINT64 ? "uint64_data"
                                                                                  : "int32_data";
  size_t have = t.dtype == DLC_DTYPE_FLOAT32   ? floats.size()
                : t.dtype == DLC_DTYPE_FLOAT64 ? doubles.size()
                                               : ints.size();
  if (int64_t(have) != count) {
    error = "has " + std::to_string(have) + " values in " + field + " (or raw_data) for " +
            std::to_string(count) + " elements";
    return false;
  }
  t.data.assign(size_t(count) * elementSize, 0);
  uint8_t *out = t.data.data();
  if (t.dtype == DLC_DTYPE_FLOAT32) {
    if (count)
      std::memcpy(out, floats.data(), size_t(count) * 4);
    return true;
  }
  if (t.dtype == DLC_DTYPE_FLOAT64) {
    if (count)
      std::memcpy(out, doubles.data(), size_t(count) * 8);
    return true;
  }
  for (int64_t i = 0; i < count; ++i) {
    uint64_t v = ints[i];
    // int32_data carries int32/int16/int8/uint16/uint8/bool/float16/bfloat16
    // as (sign-extended) varints; the low bytes are the element's bits.
    if (t.dtype == DLC_DTYPE_BOOL)
      v = v != 0;
    std::memcpy(out + i * elementSize, &v, elementSize);
  }
  return true;
}

} // namespace

bool dlc::rt::parseTensorProto(const uint8_t *bytes, size_t size, HostTensor &t,
                               std::string &error) {
  WireReader r(bytes, size);
  std::vector<uint64_t> dims, ints;
  std::vector<float> floats;
  std::vector<double> doubles;
  const uint8_t *raw = nullptr;
  size_t rawSize = 0;
  bool hasRaw = false;
  t = HostTensor();
  while (!r.done()) {
    uint64_t tag;
    if (!r.varint(tag)) {
      error = "malformed TensorProto (bad field tag)";
      return false;
    }
    uint32_t field = uint32_t(tag >> 3), wire = uint32_t(tag & 7);
    bool ok = true;
    switch (field) {
    case 1: ok = readRepeated(r, wire, 0, [&](WireReader &w) { return varintValue(w, dims); }); break;
    case 2: {
      uint64_t v = 0;
      ok = wire == 0 && r.varint(v);
      t.dtype = int32_t(v);
      break;
    }
    case 4: ok = readRepeated(r, wire, 5, [&](WireReader &w) { return fixed(w, floats); }); break;
    case 5:
    case 7:
    case 11: ok = readRepeated(r, wire, 0, [&](WireReader &w) { return varintValue(w, ints); }); break;
    case 6: error = "string tensors are not supported"; return false;
    case 8: {
      const uint8_t *data;
      size_t n;
      ok = wire == 2 && r.lengthDelimited(data, n);
      if (ok)
        t.name.assign(reinterpret_cast<const char *>(data), n);
      break;
    }
    case 9: ok = wire == 2 && r.lengthDelimited(raw, rawSize); hasRaw = ok; break;
    case 10: ok = readRepeated(r, wire, 1, [&](WireReader &w) { return fixed(w, doubles); }); break;
    case 13: error = "tensors with external data are not supported here"; return false;
    case 14: {
      uint64_t location;
      ok = wire == 0 && r.varint(location);
      if (ok && location != 0) {
        error = "tensors with external data are not supported here";
        return false;
      }
      break;
    }
    default: ok = r.skip(wire); break;
    }
    if (!ok) {
      error = "malformed TensorProto (field " + std::to_string(field) + ")";
      return false;
    }
  }
  size_t elementSize = dlc_dtype_size(t.dtype);
  if (elementSize == 0) {
    error = "unsupported data_type " + std::to_string(t.dtype);
    return false;
  }
  for (uint64_t d : dims) {
    if (d > uint64_t(INT64_MAX)) {
      error = "negative dim";
      return false;
    }
    t.shape.push_back(int64_t(d));
  }
  int64_t count = t.numElements();
  uint64_t bytesNeeded;
  if (count < 0 || __builtin_mul_overflow(uint64_t(count), elementSize, &bytesNeeded)) {
    error = "dims overflow";
    return false;
  }
  if (hasRaw) {
    if (rawSize != bytesNeeded) {
      error = "raw_data has " + std::to_string(rawSize) + " bytes, dims need " +
              std::to_string(bytesNeeded);
      return false;
    }
    t.data.assign(raw, raw + rawSize);
    return true;
  }
  if (!fromTypedValues(t, floats, doubles, ints, count, error)) {
    error = "TensorProto " + error;
    return false;
  }
  return true;
}

std::vector<uint8_t> dlc::rt::serializeTensorProto(const HostTensor &t) {
  std::vector<uint8_t> out;
  for (int64_t d : t.shape) {
    putTag(out, 1, 0);
    putVarint(out, uint64_t(d));
  }
  putTag(out, 2, 0);
  putVarint(out, uint64_t(t.dtype));
  if (!t.name.empty())
    putBytes(out, 8, t.name.data(), t.name.size());
  putBytes(out, 9, t.data.data(), t.data.size());
  return out;
}
