//===- CalibrationRunner.cpp - run a model library on samples, observe ranges ===//
#include "compiler/driver/CalibrationRunner.h"
#include "compiler/driver/CalibrationSamples.h"
#include "dlc/model_library.h"

#include <cstdio>

namespace {

/// The calibration library's own C API (dlc/model_library.h): its kernels
/// call back into that copy of libdlcrt, so running them with the
/// compiler's would give them one thread and lose library-call failures.
/// Released after the model.
struct LoadedModel {
  dlc_model_library api{};
  dlc_model *model = nullptr;
  ~LoadedModel() {
    if (model)
      api.dlc_model_free(model);
    dlc_model_library_close(&api);
  }
};

bool check(const dlc_model_library &api, dlc_status status, dlc_error *err, std::string &error) {
  if (status == DLC_OK)
    return true;
  error = std::string("calibration run: ") + api.dlc_error_message(err);
  api.dlc_error_free(err);
  return false;
}

void drawProgress(size_t done, size_t total) {
  const int width = 30;
  int filled = int(width * done / (total ? total : 1));
  std::fprintf(stderr, "\rcalibrating [%.*s%*s] %zu/%zu", filled,
               "==============================", width - filled, "", done, total);
  if (done == total)
    std::fputc('\n', stderr);
  std::fflush(stderr);
}

} // namespace

bool dlc::runCalibration(const CalibrationRun &run, std::vector<std::pair<float, float>> &ranges,
                         size_t &sampleCount, std::string &error) {
  LoadedModel loaded;
  if (const char *problem = dlc_model_library_open(run.library.c_str(), &loaded.api)) {
    error = "cannot load the calibration model: " + std::string(problem);
    return false;
  }
  const dlc_model_library &api = loaded.api;
  dlc_model_options options;
  api.dlc_model_options_init(&options); // one thread per core
  dlc_error *err = nullptr;
  if (!check(api, api.dlc_model_create(api.image, &options, &loaded.model, &err), err, error))
    return false;
  dlc_model *model = loaded.model;

  std::vector<InputSpec> inputs;
  for (uint32_t i = 0; i < api.dlc_model_num_inputs(model); ++i) {
    dlc_tensor_info info;
    if (!check(api, api.dlc_model_input_info(model, i, &info, &err), err, error))
      return false;
    inputs.push_back({info.name, info.dtype, {info.shape, info.shape + info.rank}});
  }
  CalibrationSamples samples;
  if (!loadCalibrationSamples(run.samplesDir, inputs, samples, error))
    return false;

  std::vector<rt::HostTensor> outputs;
  for (uint32_t i = 0; i < api.dlc_model_num_outputs(model); ++i) {
    dlc_tensor_info info;
    if (!check(api, api.dlc_model_output_info(model, i, &info, &err), err, error))
      return false;
    outputs.push_back({info.name, info.dtype, {info.shape, info.shape + info.rank}, {}});
    outputs.back().data.resize(info.bytes);
  }
  // Where each observed tensor is: (is an input, index).
  std::vector<std::pair<bool, size_t>> where;
  std::vector<RangeObserver> observers;
  for (const std::string &name : run.observe) {
    int32_t in = api.dlc_model_find_input(model, name.c_str());
    int32_t out = api.dlc_model_find_output(model, name.c_str());
    int32_t dtype = in >= 0 ? inputs[in].dtype : out >= 0 ? outputs[out].dtype : -1;
    if (dtype != DLC_DTYPE_FLOAT32) {
      error = "calibration: no float32 tensor '" + name + "' in the calibration model";
      return false;
    }
    where.push_back({in >= 0, size_t(in >= 0 ? in : out)});
    observers.emplace_back(run.method, run.percentile);
  }

  auto viewOf = [](rt::HostTensor &t) {
    return dlc_tensor_view{t.data.data(), t.dtype, uint32_t(t.shape.size()), t.shape.data()};
  };
  std::vector<dlc_tensor_view> outViews;
  for (rt::HostTensor &t : outputs)
    outViews.push_back(viewOf(t));
  for (size_t s = 0; s < samples.size(); ++s) {
    std::vector<dlc_tensor_view> inViews;
    for (rt::HostTensor &t : samples[s])
      inViews.push_back(viewOf(t));
    if (!check(api, api.dlc_model_run(model, inViews.data(), inViews.size(), outViews.data(),
                             outViews.size(), &err),
               err, error))
      return false;
    for (size_t k = 0; k < observers.size(); ++k) {
      const rt::HostTensor &t = where[k].first ? samples[s][where[k].second]
                                               : outputs[where[k].second];
      observers[k].observe(reinterpret_cast<const float *>(t.data.data()), t.data.size() / 4);
    }
    if (run.progress)
      drawProgress(s + 1, samples.size());
  }
  ranges.clear();
  for (const RangeObserver &o : observers)
    ranges.push_back(o.range());
  sampleCount = samples.size();
  return true;
}
