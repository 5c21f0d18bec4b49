// dlc_cli_main: the command line of every compiled executable (DESIGN.md).
#include "../TensorIO.h"
#include "Compare.h"
#include "dlc/runtime.h"

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <sys/stat.h>
#include <vector>

using dlc::rt::HostTensor;

namespace {

const char *kUsage =
    "usage: %s [--data DIR] [--input NAME=FILE.npy|.pb]... [--check [--rtol R] [--atol A]]\n"
    "          [--output-dir DIR] [--bench N] [--threads T] [--print]\n"
    "  --data DIR        read inputs from DIR/input_N.pb (ONNX TensorProto)\n"
    "  --input NAME=F    read one input from a .npy or .pb file (overrides --data)\n"
    "  --check           compare outputs with DIR/output_N.pb (rtol 1e-3, atol 1e-5)\n"
    "  --output-dir DIR  write output_N.pb and output_N.npy\n"
    "  --bench N         time N runs after warm-up; print median and p90 latency\n"
    "  --threads T       worker threads (0 = one per core, 1 = serial)\n"
    "  --print           print a summary of every output\n"
    "Without --data or --input, inputs are seeded random values.\n"
    "Exit codes: 0 success, 1 error or mismatch, 2 usage error.\n";

struct Options {
  std::string dataDir, outputDir;
  std::map<std::string, std::string> inputFiles;
  bool check = false, print = false;
  double rtol = 1e-3, atol = 1e-5;
  long bench = 0;
  long threads = 0;
};

int usage(const char *argv0, const std::string &problem) {
  if (!problem.empty())
    std::fprintf(stderr, "error: %s\n", problem.c_str());
  std::fprintf(stderr, kUsage, argv0);
  return 2;
}

bool parseNumber(const char *text, double &out) {
  char *end = nullptr;
  out = std::strtod(text, &end);
  return end && *end == '\0' && end != text;
}

/// Returns -1 on success, else the exit code.
int parseArgs(int argc, char **argv, Options &o) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    bool hasInlineValue = false;
    if (size_t eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos &&
                                   arg.rfind("--input", 0) != 0) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      hasInlineValue = true;
    }
    auto next = [&](std::string &out) {
      if (hasInlineValue) {
        out = value;
        return true;
      }
      if (i + 1 >= argc)
        return false;
      out = argv[++i];
      return true;
    };
    double number;
    std::string text;
    if (arg == "--help" || arg == "-h") {
      std::printf(kUsage, argv[0]);
      return 0;
    } else if (arg == "--check") {
      o.check = true;
    } else if (arg == "--print") {
      o.print = true;
    } else if (arg == "--data") {
      if (!next(o.dataDir)) return usage(argv[0], "--data needs a directory");
    } else if (arg == "--output-dir") {
      if (!next(o.outputDir)) return usage(argv[0], "--output-dir needs a directory");
    } else if (arg == "--input") {
      if (!next(text)) return usage(argv[0], "--input needs NAME=FILE");
      size_t eq = text.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
        return usage(argv[0], "--input needs NAME=FILE, got '" + text + "'");
      o.inputFiles[text.substr(0, eq)] = text.substr(eq + 1);
    } else if (arg.rfind("--input=", 0) == 0) {
      text = arg.substr(8);
      size_t eq = text.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
        return usage(argv[0], "--input needs NAME=FILE, got '" + text + "'");
      o.inputFiles[text.substr(0, eq)] = text.substr(eq + 1);
    } else if (arg == "--rtol" || arg == "--atol") {
      if (!next(text) || !parseNumber(text.c_str(), number) || number < 0)
        return usage(argv[0], arg + " needs a non-negative number");
      (arg == "--rtol" ? o.rtol : o.atol) = number;
    } else if (arg == "--bench" || arg == "--threads") {
      if (!next(text) || !parseNumber(text.c_str(), number) || number < 0 ||
          number != std::floor(number) || number > 1e9)
        return usage(argv[0], arg + " needs a non-negative integer");
      (arg == "--bench" ? o.bench : o.threads) = long(number);
    } else {
      return usage(argv[0], "unknown argument '" + arg + "'");
    }
  }
  if (o.check && o.dataDir.empty())
    return usage(argv[0], "--check needs --data DIR with the expected output_N.pb");
  return -1;
}

std::string describe(int32_t dtype, const std::vector<int64_t> &shape) {
  std::string s = std::string(dlc_dtype_name(dtype)) + "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

HostTensor allocate(const dlc_tensor_info &info) {
  HostTensor t;
  t.name = info.name;
  t.dtype = info.dtype;
  t.shape.assign(info.shape, info.shape + info.rank);
  t.data.assign(info.bytes, 0);
  return t;
}

/// Seeded random values: floats uniform in [-1, 1), integers in [0, 4), bools 0/1.
void fillRandom(HostTensor &t, std::mt19937_64 &rng) {
  size_t n = t.data.size() / std::max<size_t>(1, dlc_dtype_size(t.dtype));
  std::uniform_real_distribution<double> real(-1.0, 1.0);
  std::uniform_int_distribution<int> small(0, 3);
  for (size_t i = 0; i < n; ++i) {
    uint8_t *p = t.data.data() + i * dlc_dtype_size(t.dtype);
    switch (t.dtype) {
    case DLC_DTYPE_FLOAT32: { float v = float(real(rng)); std::memcpy(p, &v, 4); break; }
    case DLC_DTYPE_FLOAT64: { double v = real(rng); std::memcpy(p, &v, 8); break; }
    case DLC_DTYPE_BOOL: *p = uint8_t(small(rng) & 1); break;
    default: {
      int64_t v = small(rng);
      std::memcpy(p, &v, dlc_dtype_size(t.dtype)); // little-endian low bytes
    }
    }
  }
}

bool makeDir(const std::string &dir, std::string &error) {
  if (mkdir(dir.c_str(), 0777) == 0 || errno == EEXIST)
    return true;
  error = dir + ": " + std::strerror(errno);
  return false;
}

void printSummary(size_t index, const HostTensor &t) {
  std::printf("output %zu '%s': %s", index, t.name.c_str(), describe(t.dtype, t.shape).c_str());
  std::vector<double> values = dlc::rt::toDoubles(t);
  if (!values.empty()) {
    double lo = values[0], hi = values[0], sum = 0;
    for (double v : values) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      sum += v;
    }
    std::printf(" min %g max %g mean %g first [", lo, hi, sum / values.size());
    for (size_t i = 0; i < std::min<size_t>(values.size(), 6); ++i)
      std::printf("%s%g", i ? ", " : "", values[i]);
    std::printf("%s]", values.size() > 6 ? ", ..." : "");
  }
  std::printf("\n");
}

struct ModelDeleter {
  void operator()(dlc_model *m) const { dlc_model_free(m); }
};

int reportError(dlc_error *error) {
  std::fprintf(stderr, "error: %s\n", dlc_error_message(error));
  dlc_error_free(error);
  return 1;
}

int run(const dlc_model_image *image, const char *argv0, const Options &o) {
  dlc_model_options options;
  dlc_model_options_init(&options);
  options.num_threads = uint32_t(o.threads);
  dlc_model *raw = nullptr;
  dlc_error *error = nullptr;
  if (dlc_model_create(image, &options, &raw, &error) != DLC_OK)
    return reportError(error);
  std::unique_ptr<dlc_model, ModelDeleter> model(raw);

  uint32_t numInputs = dlc_model_num_inputs(model.get());
  uint32_t numOutputs = dlc_model_num_outputs(model.get());
  for (const auto &[name, file] : o.inputFiles)
    if (dlc_model_find_input(model.get(), name.c_str()) < 0) {
      std::string names;
      for (uint32_t i = 0; i < numInputs; ++i) {
        dlc_tensor_info info;
        dlc_model_input_info(model.get(), i, &info, nullptr);
        names += (i ? ", " : "") + std::string(info.name);
      }
      std::fprintf(stderr, "error: --input %s: the model has no input '%s' (inputs: %s)\n",
                   file.c_str(), name.c_str(), names.c_str());
      return 1;
    }

  std::mt19937_64 rng(42);
  std::vector<HostTensor> inputs, outputs;
  std::vector<dlc_tensor_view> inputViews, outputViews;
  for (uint32_t i = 0; i < numInputs; ++i) {
    dlc_tensor_info info;
    dlc_model_input_info(model.get(), i, &info, nullptr);
    HostTensor t = allocate(info);
    std::string path, err;
    if (auto it = o.inputFiles.find(info.name); it != o.inputFiles.end())
      path = it->second;
    else if (!o.dataDir.empty())
      path = o.dataDir + "/input_" + std::to_string(i) + ".pb";
    if (path.empty()) {
      fillRandom(t, rng);
    } else {
      HostTensor loaded;
      if (!dlc::rt::readTensorFile(path, loaded, err)) {
        std::fprintf(stderr, "error: %s\n", err.c_str());
        return 1;
      }
      if (loaded.dtype != t.dtype || loaded.shape != t.shape) {
        std::fprintf(stderr, "error: %s: input '%s' expects %s, got %s\n", path.c_str(),
                     info.name, describe(t.dtype, t.shape).c_str(),
                     describe(loaded.dtype, loaded.shape).c_str());
        return 1;
      }
      t.data = std::move(loaded.data);
    }
    inputs.push_back(std::move(t));
  }
  for (uint32_t i = 0; i < numOutputs; ++i) {
    dlc_tensor_info info;
    dlc_model_output_info(model.get(), i, &info, nullptr);
    outputs.push_back(allocate(info));
  }
  for (HostTensor &t : inputs)
    inputViews.push_back({t.data.data(), t.dtype, uint32_t(t.shape.size()), t.shape.data()});
  for (HostTensor &t : outputs)
    outputViews.push_back({t.data.data(), t.dtype, uint32_t(t.shape.size()), t.shape.data()});

  auto runOnce = [&]() {
    return dlc_model_run(model.get(), inputViews.data(), inputViews.size(), outputViews.data(),
                         outputViews.size(), &error);
  };
  if (runOnce() != DLC_OK)
    return reportError(error);

  int status = 0;
  if (!o.outputDir.empty()) {
    std::string err;
    if (!makeDir(o.outputDir, err)) {
      std::fprintf(stderr, "error: %s\n", err.c_str());
      return 1;
    }
    for (size_t i = 0; i < outputs.size(); ++i) {
      std::string base = o.outputDir + "/output_" + std::to_string(i);
      std::vector<uint8_t> npy;
      if (!dlc::rt::writeFile(base + ".pb", dlc::rt::serializeTensorProto(outputs[i]), err) ||
          (dlc::rt::serializeNpy(outputs[i], npy, err) && !dlc::rt::writeFile(base + ".npy", npy, err))) {
        std::fprintf(stderr, "error: %s\n", err.c_str());
        return 1;
      }
    }
  }
  if (o.print || (o.dataDir.empty() && o.inputFiles.empty() && !o.bench && o.outputDir.empty()))
    for (size_t i = 0; i < outputs.size(); ++i)
      printSummary(i, outputs[i]);
  if (o.check) {
    for (size_t i = 0; i < outputs.size(); ++i) {
      std::string path = o.dataDir + "/output_" + std::to_string(i) + ".pb", err;
      HostTensor expected;
      if (!dlc::rt::readTensorFile(path, expected, err)) {
        std::fprintf(stderr, "error: %s\n", err.c_str());
        return 1;
      }
      dlc::rt::Comparison c = dlc::rt::compare(outputs[i], expected, o.rtol, o.atol);
      std::printf("output %zu '%s': %s\n", i, outputs[i].name.c_str(), c.summary.c_str());
      if (!c.match)
        status = 1;
    }
    std::printf("%s\n", status ? "check: MISMATCH" : "check: OK");
  }
  if (o.bench > 0) {
    long warmup = std::min<long>(10, std::max<long>(1, o.bench / 10));
    for (long i = 0; i < warmup; ++i)
      if (runOnce() != DLC_OK)
        return reportError(error);
    std::vector<double> ms;
    for (long i = 0; i < o.bench; ++i) {
      auto start = std::chrono::steady_clock::now();
      if (runOnce() != DLC_OK)
        return reportError(error);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(ms.begin(), ms.end());
    std::printf("latency: median %.4f ms, p90 %.4f ms (%ld runs)\n", ms[ms.size() / 2],
                ms[std::min(ms.size() - 1, size_t(ms.size() * 0.9))], o.bench);
  }
  (void)argv0;
  return status;
}
} // namespace

extern "C" int dlc_cli_main(const dlc_model_image *image, int argc, char **argv) {
  try {
    Options o;
    if (int code = parseArgs(argc, argv, o); code >= 0)
      return code;
    return run(image, argc > 0 ? argv[0] : "model", o);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
