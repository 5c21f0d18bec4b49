//===- RangeObserver.cpp - value ranges of a tensor over calibration runs -===//
#include "compiler/driver/RangeObserver.h"

#include <algorithm>
#include <cmath>

void dlc::RangeObserver::observe(const float *values, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    float v = values[i];
    if (!std::isfinite(v))
      continue;
    lo = seen ? std::min(lo, v) : v;
    hi = seen ? std::max(hi, v) : v;
    ++seen;
    if (method != CalibrationMethod::Percentile)
      continue;
    // Algorithm R: value number `seen` replaces a random slot with
    // probability kReservoirSize / seen.
    if (reservoir.size() < kReservoirSize) {
      reservoir.push_back(v);
    } else {
      uint64_t slot = std::uniform_int_distribution<uint64_t>(0, seen - 1)(rng);
      if (slot < kReservoirSize)
        reservoir[slot] = v;
    }
  }
}

std::pair<float, float> dlc::RangeObserver::range() const {
  if (!seen)
    return {0.0f, 0.0f};
  if (method != CalibrationMethod::Percentile || reservoir.size() < 2)
    return {lo, hi};
  std::vector<float> sorted(reservoir);
  std::sort(sorted.begin(), sorted.end());
  double tail = std::clamp(1.0 - percentile / 100.0, 0.0, 0.5);
  auto at = [&](double q) {
    double pos = q * double(sorted.size() - 1);
    size_t below = size_t(std::floor(pos));
    size_t above = std::min(below + 1, sorted.size() - 1);
    double frac = pos - double(below);
    return float(sorted[below] + frac * (double(sorted[above]) - sorted[below]));
  };
  return {at(tail), at(1.0 - tail)};
}
