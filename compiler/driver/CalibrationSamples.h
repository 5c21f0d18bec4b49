//===- CalibrationSamples.h - the input samples of --calibrate=DIR --------===//
//
// DIR holds either
//  * one folder per sample (sorted by name), each with a file per model
//    input: NAME.npy / NAME.pb (the input's name) or input_N.pb /
//    input_N.npy (its index; the ONNX test-data layout), or
//  * tensor files (.npy / .pb) directly, each holding one sample or a stack
//    of samples along dim 0 (a [k*B, ...] file for a [B, ...] input gives k
//    samples). A file named after an input feeds that input; with a single
//    input every file feeds it. Every input must get the same count.
// Dtypes and shapes must match the model's inputs; errors name the file.
// No MLIR here.
//
//===----------------------------------------------------------------------===//
#ifndef DLC_COMPILER_DRIVER_CALIBRATIONSAMPLES_H
#define DLC_COMPILER_DRIVER_CALIBRATIONSAMPLES_H

#include "runtime/src/TensorIO.h" // libdlcrt's .npy / TensorProto readers

#include <string>
#include <vector>

namespace dlc {

/// What a model input must look like.
struct InputSpec {
  std::string name;
  int32_t dtype; // dlc_dtype
  std::vector<int64_t> shape;
};

/// samples[s][i]: input i of sample s, in the model's input order.
using CalibrationSamples = std::vector<std::vector<rt::HostTensor>>;

bool loadCalibrationSamples(const std::string &dir, const std::vector<InputSpec> &inputs,
                            CalibrationSamples &samples, std::string &error);

} // namespace dlc

#endif // DLC_COMPILER_DRIVER_CALIBRATIONSAMPLES_H
