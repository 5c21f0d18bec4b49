//===- CalibrationSamples.cpp - the input samples of --calibrate=DIR ------===//
#include "compiler/driver/CalibrationSamples.h"
#include "dlc/runtime.h"
#include "runtime/src/Format.h" // libdlcrt's `float32[1,4]`

#include <algorithm>
#include <filesystem>
#include <map>

namespace fs = std::filesystem;
using dlc::rt::HostTensor;

namespace {

bool isTensorFile(const fs::path &p) {
  return p.extension() == ".npy" || p.extension() == ".pb";
}

/// Splits `t` into samples of `spec`: itself when it has the input's shape,
/// else k slices of a [k*B, ...] stack.
bool splitSamples(const HostTensor &t, const dlc::InputSpec &spec, const std::string &path,
                  std::vector<HostTensor> &out, std::string &error) {
  if (t.dtype != spec.dtype) {
    error = path + ": input '" + spec.name + "' expects " + dlc::rt::typeText(spec.dtype, spec.shape) +
            ", the file holds " + dlc::rt::typeText(t.dtype, t.shape);
    return false;
  }
  const std::vector<int64_t> &s = spec.shape;
  bool stacked = !s.empty() && t.shape.size() == s.size() && s[0] > 0 && t.shape[0] > 0 &&
                 t.shape[0] % s[0] == 0 && std::equal(s.begin() + 1, s.end(), t.shape.begin() + 1);
  if (!stacked) {
    error = path + ": input '" + spec.name + "' expects " + dlc::rt::typeText(spec.dtype, s) +
            " (or a stack of them along dim 0), the file holds " + dlc::rt::typeText(t.dtype, t.shape);
    return false;
  }
  size_t count = size_t(t.shape[0] / s[0]), bytes = t.data.size() / count;
  for (size_t k = 0; k < count; ++k) {
    HostTensor sample{spec.name, spec.dtype, s, {}};
    sample.data.assign(t.data.begin() + k * bytes, t.data.begin() + (k + 1) * bytes);
    out.push_back(std::move(sample));
  }
  return true;
}

bool loadFolderSample(const fs::path &folder, const std::vector<dlc::InputSpec> &inputs,
                      std::vector<HostTensor> &sample, std::string &error) {
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::string index = "input_" + std::to_string(i);
    fs::path found;
    for (const std::string &stem : {inputs[i].name, index})
      for (const char *ext : {".npy", ".pb"})
        if (found.empty() && fs::is_regular_file(folder / (stem + ext)))
          found = folder / (stem + ext);
    if (found.empty()) {
      error = folder.string() + ": no file for input '" + inputs[i].name + "' (" +
              inputs[i].name + ".npy, " + inputs[i].name + ".pb or " + index + ".pb)";
      return false;
    }
    HostTensor t;
    std::vector<HostTensor> one;
    if (!dlc::rt::readTensorFile(found.string(), t, error) ||
        !splitSamples(t, inputs[i], found.string(), one, error))
      return false;
    if (one.size() != 1) {
      error = found.string() + ": a sample folder holds one sample per input, the file holds " +
              std::to_string(one.size());
      return false;
    }
    sample.push_back(std::move(one[0]));
  }
  return true;
}

} // namespace

bool dlc::loadCalibrationSamples(const std::string &dir, const std::vector<InputSpec> &inputs,
                                 CalibrationSamples &samples, std::string &error) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    error = "--calibrate: '" + dir + "' is not a folder of input samples";
    return false;
  }
  std::vector<fs::path> folders, files;
  for (const fs::directory_entry &e : fs::directory_iterator(dir, ec)) {
    if (e.is_directory())
      folders.push_back(e.path());
    else if (e.is_regular_file() && isTensorFile(e.path()))
      files.push_back(e.path());
  }
  if (ec) {
    error = "--calibrate: cannot list '" + dir + "': " + ec.message();
    return false;
  }
  std::sort(folders.begin(), folders.end());
  std::sort(files.begin(), files.end());
  samples.clear();
  if (!folders.empty()) {
    for (const fs::path &folder : folders) {
      samples.emplace_back();
      if (!loadFolderSample(folder, inputs, samples.back(), error))
        return false;
    }
    return true;
  }
  // Flat files: per input, the samples of its files in name order.
  std::vector<std::vector<HostTensor>> perInput(inputs.size());
  for (const fs::path &file : files) {
    std::string stem = file.stem().string();
    auto named = std::find_if(inputs.begin(), inputs.end(),
                              [&](const InputSpec &in) { return in.name == stem; });
    size_t input = named != inputs.end() ? size_t(named - inputs.begin()) : 0;
    if (named == inputs.end() && inputs.size() != 1) {
      error = file.string() + ": the model has " + std::to_string(inputs.size()) +
              " inputs; name each file after one (NAME.npy) or use one folder per sample";
      return false;
    }
    HostTensor t;
    if (!rt::readTensorFile(file.string(), t, error) ||
        !splitSamples(t, inputs[input], file.string(), perInput[input], error))
      return false;
  }
  for (size_t i = 0; i < inputs.size(); ++i)
    if (perInput[i].size() != perInput[0].size()) {
      error = "--calibrate: " + dir + " holds " + std::to_string(perInput[0].size()) +
              " samples of input '" + inputs[0].name + "' but " +
              std::to_string(perInput[i].size()) + " of '" + inputs[i].name + "'";
      return false;
    }
  size_t count = inputs.empty() ? 0 : perInput[0].size();
  for (size_t s = 0; s < count; ++s) {
    samples.emplace_back();
    for (size_t i = 0; i < inputs.size(); ++i)
      samples.back().push_back(std::move(perInput[i][s]));
  }
  if (samples.empty()) {
    error = "--calibrate: " + dir + " holds no samples (.npy/.pb files, or one folder per sample)";
    return false;
  }
  return true;
}
