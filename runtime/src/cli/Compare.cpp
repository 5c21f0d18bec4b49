// Output checking for --check.
#include "Compare.h"
#include "dlc/runtime.h"

#include <cmath>
#include <cstring>

namespace {
double halfToDouble(uint16_t h) {
  int sign = h >> 15, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  double v;
  if (exponent == 0)
    v = std::ldexp(mantissa, -24);
  else if (exponent == 31)
    v = mantissa ? NAN : INFINITY;
  else
    v = std::ldexp(mantissa + 1024, exponent - 25);
  return sign ? -v : v;
}

double bfloat16ToDouble(uint16_t b) {
  uint32_t bits = uint32_t(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

template <typename T> double load(const uint8_t *p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return double(v);
}

bool isFloat(int32_t dtype) {
  return dtype == DLC_DTYPE_FLOAT32 || dtype == DLC_DTYPE_FLOAT64 || dtype == DLC_DTYPE_FLOAT16 ||
         dtype == DLC_DTYPE_BFLOAT16;
}

std::string shapeText(const dlc::rt::HostTensor &t) {
  std::string s = std::string(dlc_dtype_name(t.dtype)) + "[";
  for (size_t i = 0; i < t.shape.size(); ++i)
    s += (i ? "," : "") + std::to_string(t.shape[i]);
  return s + "]";
}
} // namespace

std::vector<double> dlc::rt::toDoubles(const HostTensor &t) {
  size_t size = dlc_dtype_size(t.dtype);
  std::vector<double> out;
  if (!size)
    return out;
  for (size_t off = 0; off + size <= t.data.size(); off += size) {
    const uint8_t *p = t.data.data() + off;
    switch (t.dtype) {
    case DLC_DTYPE_FLOAT32: out.push_back(load<float>(p)); break;
    case DLC_DTYPE_FLOAT64: out.push_back(load<double>(p)); break;
    case DLC_DTYPE_FLOAT16: out.push_back(halfToDouble(uint16_t(load<uint16_t>(p)))); break;
    case DLC_DTYPE_BFLOAT16: out.push_back(bfloat16ToDouble(uint16_t(load<uint16_t>(p)))); break;
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
  if (actual.dtype != expected.dtype || actual.shape != expected.shape) {
    c.summary = "MISMATCH: got " + shapeText(actual) + ", expected " + shapeText(expected);
    return c;
  }
  if (!isFloat(actual.dtype)) {
    // Exact: compare the bytes, report the first differing element.
    size_t size = dlc_dtype_size(actual.dtype);
    for (size_t off = 0; off < actual.data.size(); off += size)
      if (std::memcmp(actual.data.data() + off, expected.data.data() + off, size) != 0) {
        std::vector<double> a = toDoubles(actual), b = toDoubles(expected);
        size_t i = off / size;
        c.summary = "MISMATCH at element " + std::to_string(i) + ": got " +
                    std::to_string(a[i]) + ", expected " + std::to_string(b[i]);
        return c;
      }
    c.match = true;
    c.summary = "OK (exact)";
    return c;
  }
  std::vector<double> a = toDoubles(actual), b = toDoubles(expected);
  double maxAbs = 0, maxRel = 0;
  long firstBad = -1, bad = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) && std::isnan(b[i]))
      continue;
    if (std::isinf(b[i]) && a[i] == b[i])
      continue;
    double diff = std::fabs(a[i] - b[i]);
    if (std::isnan(diff))
      diff = INFINITY;
    maxAbs = std::max(maxAbs, diff);
    if (b[i] != 0)
      maxRel = std::max(maxRel, diff / std::fabs(b[i]));
    if (!(diff <= atol + rtol * std::fabs(b[i]))) {
      ++bad;
      if (firstBad < 0)
        firstBad = long(i);
    }
  }
  char stats[160];
  std::snprintf(stats, sizeof stats, "max abs err %.3g, max rel err %.3g", maxAbs, maxRel);
  if (firstBad >= 0) {
    char first[200];
    std::snprintf(first, sizeof first, "MISMATCH: %ld of %zu elements; first at %ld: got %.9g, expected %.9g; ",
                  bad, a.size(), firstBad, a[firstBad], b[firstBad]);
    c.summary = first + std::string(stats);
    return c;
  }
  c.match = true;
  c.summary = "OK (" + std::string(stats) + ")";
  return c;
}
