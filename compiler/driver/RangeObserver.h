//===- RangeObserver.h - value ranges of a tensor over calibration runs ---===//
//
// One observer per calibrated tensor. MinMax keeps the extremes; Percentile
// clips both tails at `percentile` (e.g. 99.99: the 0.01% most extreme
// values on each side are saturated), computed on a uniform reservoir
// sample of the values seen (kReservoirSize, a fixed seed: the same samples
// give the same ranges). NaNs are ignored. No MLIR here: unit-tested alone.
//
//===----------------------------------------------------------------------===//
#ifndef DLC_COMPILER_DRIVER_RANGEOBSERVER_H
#define DLC_COMPILER_DRIVER_RANGEOBSERVER_H

#include <cstddef>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace dlc {

enum class CalibrationMethod { MinMax, Percentile };

class RangeObserver {
public:
  static constexpr size_t kReservoirSize = size_t(1) << 17;

  RangeObserver(CalibrationMethod method, double percentile)
      : method(method), percentile(percentile) {}

  void observe(const float *values, size_t count);
  /// [lo, hi] of everything observed; {0, 0} when nothing finite was.
  std::pair<float, float> range() const;

private:
  CalibrationMethod method;
  double percentile;
  float lo = 0, hi = 0;
  uint64_t seen = 0; // finite values observed
  std::vector<float> reservoir;
  std::mt19937_64 rng{0x5eed};
};

} // namespace dlc

#endif // DLC_COMPILER_DRIVER_RANGEOBSERVER_H
