// Output checking for --check.
#include "Compare.h"
#include "../Format.h"
#include "../Half.h"
#include "dlc/runtime.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace {
template <typename T> double load(const uint8_t *p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return double(v);
}

bool isFloat(int32_t dtype) {
  return dtype == DLC_DTYPE_FLOAT32 || dtype == DLC_DTYPE_FLOAT64 || dtype == DLC_DTYPE_FLOAT16 ||
         dtype == DLC_DTYPE_BFLOAT16;
}

/// "[0,5]": the multi-dimensional index of flat element `flat`.
std::string indexText(size_t flat, const std::vector<int64_t> &shape) {
  std::vector<int64_t> index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    if (shape[d] == 0)
      return "[]";
    index[d] = int64_t(flat % uint64_t(shape[d]));
    flat /= uint64_t(shape[d]);
  }
  std::string s = "[";
  for (size_t d = 0; d < index.size(); ++d)
    s += (d ? "," : "") + std::to_string(index[d]);
  return s + "]";
}

std::string number(double v) {
  char text[40];
  std::snprintf(text, sizeof text, "%.9g", v);
  return text;
}
} // namespace

std::vector<double> dlc::rt::toDoubles(const HostTensor &t) {
  size_t size = dlc_dtype_size(t.dtype);
  std::vector<double> out;
  if (!size)
    return out;
  out.reserve(t.data.size() / size);
  for (size_t off = 0; off + size <= t.data.size(); off += size) {
    const uint8_t *p = t.data.data() + off;
    switch (t.dtype) {
    case DLC_DTYPE_FLOAT32: out.push_back(load<float>(p)); break;
    case DLC_DTYPE_FLOAT64: out.push_back(load<double>(p)); break;
    case DLC_DTYPE_FLOAT16: out.push_back(halfToFloat(uint16_t(load<uint16_t>(p)))); break;
    case DLC_DTYPE_BFLOAT16: out.push_back(bfloat16ToFloat(uint16_t(load<uint16_t>(p)))); break;
    case DLC_DTYPE_INT8: out.push_back(load<int8_t>(p)); break;
    case DLC_DTYPE_UINT8:
    case DLC_DTYPE_BOOL: out.push_back(load<uint8_t>(p)); break;
    case DLC_DTYPE_INT16: out.push_back(load<int16_t>(p)); break;
    case DLC_DTYPE_UINT16: out.push_back(load<uint16_t>(p)); break;
    case DLC_DTYPE_INT32: out.push_back(load<int32_t>(p)); break;
    case DLC_DTYPE_UINT32: out.push_back(load<uint32_t>(p)); break;
    case DLC_DTYPE_INT64: out.push_back(load<int64_t>(p)); break;
    case DLC_DTYPE_UINT64: out.push_back(load<uint64_t>(p)); break;
    }
  }
  return out;
}

dlc::rt::Comparison dlc::rt::compare(const HostTensor &actual, const HostTensor &expected,
                                     double rtol, double atol) {
  Comparison c;
  if (actual.dtype != expected.dtype || actual.shape != expected.shape ||
      actual.data.size() != expected.data.size()) {
    c.summary = "MISMATCH: got " + typeText(actual.dtype, actual.shape) + ", expected " +
                typeText(expected.dtype, expected.shape);
    return c;
  }
  bool exact = !isFloat(actual.dtype);
  size_t size = dlc_dtype_size(actual.dtype);
  std::vector<double> a = toDoubles(actual), b = toDoubles(expected);
  double maxAbs = 0, maxRel = 0;
  size_t bad = 0, firstBad = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    bool ok;
    double diff;
    if (exact) {
      // Bytes, not doubles: int64 values beyond 2^53 must still differ.
      ok = std::memcmp(actual.data.data() + i * size, expected.data.data() + i * size, size) == 0;
      diff = ok ? 0 : std::fabs(a[i] - b[i]);
    } else if (std::isnan(a[i]) && std::isnan(b[i])) {
      continue;
    } else if (std::isinf(b[i]) && a[i] == b[i]) {
      continue;
    } else {
      diff = std::fabs(a[i] - b[i]);
      if (std::isnan(diff))
        diff = INFINITY;
      ok = diff <= atol + rtol * std::fabs(b[i]);
    }
    maxAbs = std::max(maxAbs, diff);
    if (b[i] != 0)
      maxRel = std::max(maxRel, diff / std::fabs(b[i]));
    if (!ok && bad++ == 0)
      firstBad = i;
  }
  std::string stats = "max abs err " + number(maxAbs) + ", max rel err " + number(maxRel);
  if (bad) {
    c.summary = "MISMATCH: " + std::to_string(bad) + " of " + std::to_string(a.size()) +
                " elements differ; first at index " + std::to_string(firstBad) + " " +
                indexText(firstBad, actual.shape) + ": got " + number(a[firstBad]) +
                ", expected " + number(b[firstBad]) + "; " + stats;
    return c;
  }
  c.match = true;
  c.summary = "OK (" + std::string(exact ? "exact; " : "") + stats + ")";
  return c;
}
