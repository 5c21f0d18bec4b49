//===- CalibrationRunner.h - run a model library on samples, observe ranges ===//
//
// Loads a model library built by dlc for calibration (the f32 model whose
// extra outputs are the tensors to observe), runs it on every sample and
// returns the range of each observed tensor. A model input may be observed
// too: its range comes from the samples. No MLIR here.
//
//===----------------------------------------------------------------------===//
#ifndef DLC_COMPILER_DRIVER_CALIBRATIONRUNNER_H
#define DLC_COMPILER_DRIVER_CALIBRATIONRUNNER_H

#include "compiler/driver/RangeObserver.h"

#include <string>
#include <utility>
#include <vector>

namespace dlc {

struct CalibrationRun {
  std::string library;              // dlc --emit=lib output
  std::string samplesDir;           // --calibrate=DIR (CalibrationSamples.h)
  std::vector<std::string> observe; // f32 input or output names of the library's model
  CalibrationMethod method = CalibrationMethod::MinMax;
  double percentile = 99.99;
  bool progress = false; // a progress bar on stderr
};

/// ranges[i] is the range of run.observe[i]; `samples` the count used.
bool runCalibration(const CalibrationRun &run, std::vector<std::pair<float, float>> &ranges,
                    size_t &samples, std::string &error);

} // namespace dlc

#endif // DLC_COMPILER_DRIVER_CALIBRATIONRUNNER_H
