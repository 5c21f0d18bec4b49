// dlc_train_main: the training loop of `dlc --train` executables.
//
// The compiled step maps (x, labels, weights, optimizer state[, step]) to
// (loss, prediction, new weights, new state); docs/training.md gives the
// naming contract this file relies on. Weights and state live in two host
// buffer sets that swap after every step: output `X:new` of one step is
// input `X` of the next, and no kernel reads a buffer that the same step
// writes. Evaluation runs the same step and discards the new weights.
#include "../Format.h"
#include "../TensorIO.h"
#include "../cli/Compare.h"
#include "../cli/Inputs.h"
#include "Npz.h"
#include "OnnxWeights.h"
#include "dlc/runtime.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

using namespace dlc::rt;

namespace {

struct Options {
  std::string data, val, save, predictions;
  int64_t epochs = 1, batch = 0, threads = 0;
  uint64_t seed = 0;
  bool progress = true;
};

const char *kUsage =
    "usage: TRAINER --data train.npz [--epochs N] [--batch B] [--val val.npz] [--save out.onnx]\n"
    "               [--predictions preds.npy] [--seed S] [--threads T] [--no-progress]\n"
    "  .npz files (np.savez) hold x (samples) and y (class indices or targets)\n";

int usage(const std::string &message) {
  std::fprintf(stderr, "error: %s\n%s", message.c_str(), kUsage);
  return 2;
}

int fail(const std::string &message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return 1;
}

bool parseInt(const char *text, int64_t &out, int64_t min) {
  char *end = nullptr;
  long long v = std::strtoll(text, &end, 10);
  if (!end || *end || end == text || v < min)
    return false;
  out = v;
  return true;
}

/// Parses argv; returns 0 to go on, else the exit code.
int parseOptions(int argc, char **argv, Options &o) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char *&out) {
      if (i + 1 >= argc)
        return false;
      out = argv[++i];
      return true;
    };
    const char *v = nullptr;
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return -1;
    } else if (arg == "--no-progress") {
      o.progress = false;
    } else if (arg == "--data" || arg == "--val" || arg == "--save" || arg == "--predictions") {
      if (!value(v))
        return usage(arg + " needs a value");
      (arg == "--data" ? o.data : arg == "--val" ? o.val : arg == "--save" ? o.save : o.predictions) = v;
    } else if (arg == "--epochs" || arg == "--batch" || arg == "--threads" || arg == "--seed") {
      int64_t n;
      if (!value(v) || !parseInt(v, n, arg == "--epochs" || arg == "--batch" ? 1 : 0))
        return usage(arg + " needs a " + (arg == "--epochs" || arg == "--batch" ? "positive" : "non-negative") + " integer");
      if (arg == "--epochs") o.epochs = n;
      else if (arg == "--batch") o.batch = n;
      else if (arg == "--threads") o.threads = n;
      else o.seed = uint64_t(n);
    } else {
      return usage("unknown argument '" + arg + "'");
    }
  }
  if (o.data.empty())
    return usage("--data FILE.npz is required");
  return 0;
}

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// Converts `values` into `t`'s float dtype at element offset `at`.
void storeFloats(HostTensor &t, size_t at, const double *values, size_t n) {
  if (t.dtype == DLC_DTYPE_FLOAT64) {
    std::memcpy(t.data.data() + at * 8, values, n * 8);
    return;
  }
  float *out = reinterpret_cast<float *>(t.data.data()) + at;
  for (size_t i = 0; i < n; ++i)
    out[i] = float(values[i]);
}

/// A data set in the step's terms: per sample, `xSize` input values and
/// `labelSize` label values (one-hot for class indices).
struct DataSet {
  size_t samples = 0, xSize = 0, labelSize = 0;
  std::vector<double> x, labels;
  std::vector<int64_t> classes; // class index per sample (accuracy); empty for targets
};

bool loadDataSet(const std::string &path, const HostTensor &xInput, const HostTensor &labelInput,
                 DataSet &set, std::string &error) {
  std::map<std::string, HostTensor> arrays;
  if (!readNpz(path, arrays, error))
    return false;
  for (const char *key : {"x", "y"})
    if (!arrays.count(key)) {
      error = path + ": no array '" + key + "' (expected x = samples, y = labels)";
      return false;
    }
  HostTensor &x = arrays["x"], &y = arrays["y"];
  if (x.shape.empty() || y.shape.empty() || x.shape[0] != y.shape[0]) {
    error = path + ": x and y need the same number of samples (first dim), got " +
            typeText(x.dtype, x.shape) + " and " + typeText(y.dtype, y.shape);
    return false;
  }
  set.samples = size_t(x.shape[0]);
  set.xSize = size_t(xInput.numElements() / xInput.shape[0]);
  set.labelSize = size_t(labelInput.numElements() / labelInput.shape[0]);
  if (set.samples == 0 || size_t(x.numElements()) != set.samples * set.xSize) {
    error = path + ": x " + typeText(x.dtype, x.shape) + " does not hold " +
            std::to_string(set.xSize) + " values per sample (model input '" + xInput.name +
            "' is " + typeText(xInput.dtype, xInput.shape) + ")";
    return false;
  }
  set.x = toDoubles(x);
  std::vector<double> yv = toDoubles(y);
  bool integer = y.dtype != DLC_DTYPE_FLOAT32 && y.dtype != DLC_DTYPE_FLOAT64 &&
                 y.dtype != DLC_DTYPE_FLOAT16 && y.dtype != DLC_DTYPE_BFLOAT16;
  size_t perSample = yv.size() / set.samples;
  if (integer && perSample == 1 && set.labelSize > 1) {
    // Class indices -> one-hot rows.
    set.labels.assign(set.samples * set.labelSize, 0.0);
    for (size_t i = 0; i < set.samples; ++i) {
      double c = yv[i];
      if (c < 0 || c >= double(set.labelSize) || c != std::floor(c)) {
        error = path + ": label " + std::to_string(int64_t(c)) + " of sample " +
                std::to_string(i) + " is not a class index in [0, " +
                std::to_string(set.labelSize) + ")";
        return false;
      }
      set.labels[i * set.labelSize + size_t(c)] = 1.0;
      set.classes.push_back(int64_t(c));
    }
    return true;
  }
  if (perSample != set.labelSize || yv.size() != set.samples * perSample) {
    error = path + ": y " + typeText(y.dtype, y.shape) + " does not match the prediction " +
            typeText(labelInput.dtype, labelInput.shape) +
            " (give class indices or one target row per sample)";
    return false;
  }
  set.labels = std::move(yv);
  if (integer && set.labelSize == 1) // binary 0/1 labels
    for (size_t i = 0; i < set.samples; ++i)
      set.classes.push_back(int64_t(set.labels[i]));
  return true;
}

/// Index of the class a prediction row votes for (threshold 0.5 for one output).
int64_t predictedClass(const std::vector<double> &pred, size_t row, size_t width) {
  const double *p = pred.data() + row * width;
  if (width == 1)
    return p[0] > 0.5 ? 1 : 0;
  return int64_t(std::max_element(p, p + width) - p);
}

class Trainer {
public:
  dlc_model *model = nullptr;
  std::vector<HostTensor> inputs, outputs, state[2];
  int xIndex = -1, labelsIndex = -1, stepIndex = -1, lossIndex = -1, predIndex = -1;
  /// Per weight/state input: its slot in state[] and the output that updates it.
  std::vector<int> stateInput, stateOutput;
  std::map<std::string, size_t> weightSlot; // initializer name -> slot
  int current = 0;
  int64_t step = 0;

  ~Trainer() { dlc_model_free(model); }

  bool setUp(const dlc_model_image *image, const uint8_t *onnx, size_t onnxSize, int64_t threads,
             std::string &error) {
    dlc_model_options options;
    dlc_model_options_init(&options);
    options.num_threads = uint32_t(threads);
    dlc_error *err = nullptr;
    if (dlc_model_create(image, &options, &model, &err) != DLC_OK) {
      error = dlc_error_message(err);
      dlc_error_free(err);
      return false;
    }
    std::map<std::string, HostTensor> initializers;
    if (!readInitializers(onnx, onnxSize, initializers, error))
      return false;
    std::vector<std::string> dataInputs;
    for (uint32_t i = 0; i < dlc_model_num_inputs(model); ++i) {
      dlc_tensor_info info;
      dlc_model_input_info(model, i, &info, nullptr);
      inputs.push_back(allocateTensor(info));
      std::string name = info.name;
      auto init = initializers.find(name);
      if (name == "labels") {
        labelsIndex = int(i);
      } else if (name == "optimizer:step") {
        stepIndex = int(i);
      } else if (init != initializers.end() || endsWith(name, ":m") || endsWith(name, ":v") ||
                 endsWith(name, ":velocity")) {
        int out = dlc_model_find_output(model, (name + ":new").c_str());
        if (out < 0) {
          error = "the training step has no output '" + name + ":new'";
          return false;
        }
        HostTensor value = inputs.back();
        if (init != initializers.end()) {
          if (init->second.dtype != value.dtype || init->second.shape != value.shape) {
            error = "initializer '" + name + "' is " + typeText(init->second.dtype, init->second.shape) +
                    " in the model but " + typeText(value.dtype, value.shape) + " in the step";
            return false;
          }
          value.data = init->second.data; // initial weights; state starts at zero
          weightSlot[name] = stateInput.size();
        }
        stateInput.push_back(int(i));
        stateOutput.push_back(out);
        state[0].push_back(value);
        state[1].push_back(value);
      } else {
        xIndex = int(i);
        dataInputs.push_back(name);
      }
    }
    if (labelsIndex < 0 || dataInputs.size() != 1) {
      error = "this executable is not a dlc --train step with one data input";
      return false;
    }
    for (uint32_t i = 0; i < dlc_model_num_outputs(model); ++i) {
      dlc_tensor_info info;
      dlc_model_output_info(model, i, &info, nullptr);
      outputs.push_back(allocateTensor(info));
      std::string name = info.name;
      if (name == "loss")
        lossIndex = int(i);
      else if (!endsWith(name, ":new"))
        predIndex = int(i);
    }
    if (lossIndex < 0 || predIndex < 0) {
      error = "the training step has no 'loss' or prediction output";
      return false;
    }
    return true;
  }

  int64_t batch() const { return inputs[xIndex].shape[0]; }

  /// Runs one step on the samples `order[first, first + batch)` (wrapping to
  /// the batch's first samples when fewer remain). With `update`, the new
  /// weights and state become current.
  bool run(const DataSet &set, const std::vector<size_t> &order, size_t first, bool update,
           double &loss, std::string &error) {
    size_t b = size_t(batch());
    for (size_t r = 0; r < b; ++r) {
      size_t s = order[first + (first + r < order.size() ? r : r % (order.size() - first))];
      storeFloats(inputs[xIndex], r * set.xSize, set.x.data() + s * set.xSize, set.xSize);
      storeFloats(inputs[labelsIndex], r * set.labelSize, set.labels.data() + s * set.labelSize,
                  set.labelSize);
    }
    if (stepIndex >= 0) {
      double t = double(step + 1);
      storeFloats(inputs[stepIndex], 0, &t, 1);
    }
    std::vector<dlc_tensor_view> in, out;
    auto view = [](HostTensor &t) {
      return dlc_tensor_view{t.data.data(), t.dtype, uint32_t(t.shape.size()), t.shape.data()};
    };
    for (HostTensor &t : inputs)
      in.push_back(view(t));
    for (HostTensor &t : outputs)
      out.push_back(view(t));
    for (size_t k = 0; k < stateInput.size(); ++k) {
      in[stateInput[k]] = view(state[current][k]);
      out[stateOutput[k]] = view(state[1 - current][k]);
    }
    dlc_error *err = nullptr;
    if (dlc_model_run(model, in.data(), in.size(), out.data(), out.size(), &err) != DLC_OK) {
      error = dlc_error_message(err);
      dlc_error_free(err);
      return false;
    }
    loss = toDoubles(outputs[lossIndex])[0];
    if (update) {
      current = 1 - current;
      ++step;
    }
    return true;
  }

  /// The current value of every trained initializer.
  std::map<std::string, HostTensor> weights() const {
    std::map<std::string, HostTensor> out;
    for (auto &[name, slot] : weightSlot)
      out[name] = state[current][slot];
    return out;
  }
};

struct Metrics {
  double loss = 0;
  size_t correct = 0, counted = 0;
  void addAccuracy(const DataSet &set, const std::vector<double> &pred, size_t width,
                   const std::vector<size_t> &order, size_t first, size_t rows) {
    if (set.classes.empty())
      return;
    for (size_t r = 0; r < rows; ++r) {
      correct += predictedClass(pred, r, width) == set.classes[order[first + r]];
      ++counted;
    }
  }
  std::string text(const char *prefix) const {
    char line[128];
    int n = std::snprintf(line, sizeof line, "%sloss %.6f", prefix, loss);
    if (counted)
      std::snprintf(line + n, sizeof line - n, " %sacc %.4f", prefix, double(correct) / double(counted));
    return line;
  }
};

/// Evaluates `set` in order (the last batch padded with repeats; only real
/// samples count for accuracy). Loss: batch losses weighted by real samples.
bool evaluate(Trainer &t, const DataSet &set, Metrics &m, std::vector<double> *predictions,
              std::string &error) {
  std::vector<size_t> order(set.samples);
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  size_t b = size_t(t.batch()), width = set.labelSize;
  double lossSum = 0;
  for (size_t first = 0; first < set.samples; first += b) {
    double loss;
    if (!t.run(set, order, first, /*update=*/false, loss, error))
      return false;
    size_t rows = std::min(b, set.samples - first);
    std::vector<double> pred = toDoubles(t.outputs[t.predIndex]);
    m.addAccuracy(set, pred, width, order, first, rows);
    lossSum += loss * double(rows);
    if (predictions)
      predictions->insert(predictions->end(), pred.begin(), pred.begin() + rows * width);
  }
  m.loss = lossSum / double(set.samples);
  return true;
}

void drawProgress(int64_t epoch, int64_t epochs, size_t done, size_t total, double loss,
                  const Metrics &m) {
  const int width = 30;
  int filled = total ? int(double(done) / double(total) * width) : width;
  std::fprintf(stderr, "\repoch %lld/%lld [%s%s] %zu/%zu loss %.4f", (long long)epoch,
               (long long)epochs, std::string(filled, '=').c_str(),
               std::string(width - filled, ' ').c_str(), done, total, loss);
  if (m.counted)
    std::fprintf(stderr, " acc %.4f", double(m.correct) / double(m.counted));
  std::fflush(stderr);
}

} // namespace

extern "C" DLC_API int dlc_train_main(const dlc_model_image *image, const uint8_t *onnx,
                                      size_t onnxSize, int argc, char **argv) {
  Options o;
  if (int rc = parseOptions(argc, argv, o))
    return rc < 0 ? 0 : rc;
  Trainer t;
  std::string error;
  if (!t.setUp(image, onnx, onnxSize, o.threads, error))
    return fail(error);
  const HostTensor &xInput = t.inputs[t.xIndex];
  if (o.batch && o.batch != t.batch())
    return fail("this trainer was compiled for batch " + std::to_string(t.batch()) +
                " (input '" + xInput.name + "' is " + typeText(xInput.dtype, xInput.shape) +
                "); recompile with dlc --train --shape " + xInput.name + "=" +
                std::to_string(o.batch) + ",... for batch " + std::to_string(o.batch));
  DataSet train, val;
  if (!loadDataSet(o.data, xInput, t.inputs[t.labelsIndex], train, error) ||
      (!o.val.empty() && !loadDataSet(o.val, xInput, t.inputs[t.labelsIndex], val, error)))
    return fail(error);
  size_t b = size_t(t.batch());
  if (train.samples < b)
    return fail(o.data + ": " + std::to_string(train.samples) + " samples, fewer than one batch (" +
                std::to_string(b) + ")");
  size_t steps = train.samples / b; // the last partial batch is dropped
  bool bar = o.progress && isatty(STDERR_FILENO);
  std::mt19937_64 rng(o.seed);
  std::vector<size_t> order(train.samples);
  for (int64_t epoch = 1; epoch <= o.epochs; ++epoch) {
    auto start = std::chrono::steady_clock::now();
    for (size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    for (size_t i = order.size() - 1; i > 0; --i) // Fisher-Yates, same on every platform
      std::swap(order[i], order[size_t(rng() % (i + 1))]);
    Metrics m;
    double lossSum = 0;
    for (size_t s = 0; s < steps; ++s) {
      double loss;
      if (!t.run(train, order, s * b, /*update=*/true, loss, error))
        return fail(error);
      if (!std::isfinite(loss))
        return fail("the loss became " + std::to_string(loss) + " at epoch " +
                    std::to_string(epoch) + ", step " + std::to_string(s + 1) +
                    " (try a smaller --lr when compiling)");
      lossSum += loss;
      m.addAccuracy(train, toDoubles(t.outputs[t.predIndex]), train.labelSize, order, s * b, b);
      if (bar)
        drawProgress(epoch, o.epochs, s + 1, steps, lossSum / double(s + 1), m);
    }
    m.loss = lossSum / double(steps);
    if (bar)
      std::fputc('\n', stderr);
    std::string line = "epoch " + std::to_string(epoch) + "/" + std::to_string(o.epochs) + ": " +
                       m.text("");
    if (val.samples) {
      Metrics vm;
      if (!evaluate(t, val, vm, nullptr, error))
        return fail(error);
      line += " " + vm.text("val_");
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%s (%.2fs)\n", line.c_str(), seconds);
    std::fflush(stdout);
  }
  if (!o.predictions.empty()) {
    const DataSet &set = val.samples ? val : train;
    Metrics m;
    std::vector<double> pred;
    if (!evaluate(t, set, m, &pred, error))
      return fail(error);
    HostTensor out;
    out.dtype = DLC_DTYPE_FLOAT32;
    out.shape = {int64_t(set.samples), int64_t(set.labelSize)};
    out.data.resize(pred.size() * 4);
    storeFloats(out, 0, pred.data(), pred.size());
    std::vector<uint8_t> bytes;
    if (!serializeNpy(out, bytes, error) || !writeFile(o.predictions, bytes, error))
      return fail(error);
  }
  if (!o.save.empty()) {
    std::vector<uint8_t> bytes;
    if (!replaceInitializers(onnx, onnxSize, t.weights(), bytes, error) ||
        !writeFile(o.save, bytes, error))
      return fail(error);
    std::printf("saved %s (%zu trained initializers)\n", o.save.c_str(), t.weightSlot.size());
  }
  return 0;
}
