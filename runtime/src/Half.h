// Internal: float16 / bfloat16 <-> float conversions (IEEE round to nearest even).
#ifndef DLC_RUNTIME_SRC_HALF_H
#define DLC_RUNTIME_SRC_HALF_H

#include <cmath>
#include <cstdint>
#include <cstring>

namespace dlc::rt {

inline float halfToFloat(uint16_t h) {
  int sign = h >> 15, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  float v;
  if (exponent == 0)
    v = std::ldexp(float(mantissa), -24);
  else if (exponent == 31)
    v = mantissa ? NAN : INFINITY;
  else
    v = std::ldexp(float(mantissa + 1024), exponent - 25);
  return sign ? -v : v;
}

inline uint16_t floatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  uint16_t sign = uint16_t((x >> 16) & 0x8000);
  uint32_t absolute = x & 0x7fffffff;
  if (absolute > 0x7f800000) // NaN: keep it quiet
    return sign | 0x7e00;
  if (absolute >= 0x477ff000) // rounds to >= 65520: infinity
    return sign | 0x7c00;
  if (absolute < 0x38800000) { // subnormal half (or zero)
    float magnitude;
    std::memcpy(&magnitude, &absolute, 4);
    return sign | uint16_t(std::nearbyint(magnitude * 16777216.0f)); // / 2^-24
  }
  uint32_t rounded = absolute + 0xfff + ((absolute >> 13) & 1); // to nearest even
  return sign | uint16_t((rounded - 0x38000000) >> 13);
}

inline float bfloat16ToFloat(uint16_t b) {
  uint32_t bits = uint32_t(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

inline uint16_t floatToBfloat16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  if ((x & 0x7fffffff) > 0x7f800000)
    return uint16_t((x >> 16) | 0x40);
  return uint16_t((x + 0x7fff + ((x >> 16) & 1)) >> 16);
}

} // namespace dlc::rt

#endif
