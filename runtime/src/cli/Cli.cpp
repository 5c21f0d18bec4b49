// dlc_cli_main: the command line of every compiled executable (DESIGN.md).
// One run computes the outputs; then, as asked: write them, print them,
// check them, time more runs, profile one more run.
#include "../Format.h"
#include "../TensorIO.h"
#include "Compare.h"
#include "Inputs.h"
#include "Options.h"
#include "dlc/runtime.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace dlc::rt;

namespace {

struct ModelDeleter {
  void operator()(dlc_model *m) const { dlc_model_free(m); }
};
using ModelPtr = std::unique_ptr<dlc_model, ModelDeleter>;

int fail(const std::string &message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return 1;
}

int fail(dlc_error *error) {
  int rc = fail(dlc_error_message(error));
  dlc_error_free(error);
  return rc;
}

/// mkdir -p.
bool makeDirs(const std::string &dir, std::string &error) {
  for (size_t slash = dir.find('/', 1);; slash = dir.find('/', slash + 1)) {
    std::string prefix = dir.substr(0, slash);
    if (mkdir(prefix.c_str(), 0777) != 0 && errno != EEXIST) {
      error = prefix + ": " + std::strerror(errno);
      return false;
    }
    if (slash == std::string::npos)
      break;
  }
  struct stat info;
  if (stat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    error = dir + ": not a directory";
    return false;
  }
  return true;
}

std::vector<dlc_tensor_view> viewsOf(std::vector<HostTensor> &tensors) {
  std::vector<dlc_tensor_view> views;
  for (HostTensor &t : tensors)
    views.push_back({t.data.data(), t.dtype, uint32_t(t.shape.size()), t.shape.data()});
  return views;
}

void printSummary(size_t index, const HostTensor &t) {
  std::printf("output %zu '%s': %s", index, t.name.c_str(), typeText(t.dtype, t.shape).c_str());
  std::vector<double> values = toDoubles(t);
  if (!values.empty()) {
    double lo = values[0], hi = values[0], sum = 0;
    for (double v : values) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      sum += v;
    }
    std::printf(" min %g max %g mean %g first [", lo, hi, sum / double(values.size()));
    for (size_t i = 0; i < std::min<size_t>(values.size(), 6); ++i)
      std::printf("%s%g", i ? ", " : "", values[i]);
    std::printf("%s]", values.size() > 6 ? ", ..." : "");
  }
  std::printf("\n");
}

/// output_N.pb and output_N.npy in `dir`. bfloat16 has no .npy dtype: only .pb then.
bool writeOutputs(const std::string &dir, const std::vector<HostTensor> &outputs,
                  std::string &error) {
  if (!makeDirs(dir, error))
    return false;
  for (size_t i = 0; i < outputs.size(); ++i) {
    std::string base = dir + "/output_" + std::to_string(i);
    if (!writeFile(base + ".pb", serializeTensorProto(outputs[i]), error))
      return false;
    std::vector<uint8_t> npy;
    std::string npyProblem;
    if (!serializeNpy(outputs[i], npy, npyProblem))
      std::fprintf(stderr, "warning: %s.npy not written: %s\n", base.c_str(), npyProblem.c_str());
    else if (!writeFile(base + ".npy", npy, error))
      return false;
  }
  return true;
}

/// Compares every output with dataDir/output_N.pb; prints one line each.
/// Returns 0 on a full match, 1 otherwise.
int checkOutputs(const CliOptions &o, const std::vector<HostTensor> &outputs) {
  size_t mismatches = 0;
  for (size_t i = 0; i < outputs.size(); ++i) {
    std::string path = o.dataDir + "/output_" + std::to_string(i) + ".pb", error;
    HostTensor expected;
    if (!readTensorFile(path, expected, error))
      return fail(error);
    Comparison c = compare(outputs[i], expected, o.rtol, o.atol);
    std::printf("output %zu '%s': %s\n", i, outputs[i].name.c_str(), c.summary.c_str());
    mismatches += !c.match;
  }
  if (mismatches)
    std::printf("check: MISMATCH (%zu of %zu outputs)\n", mismatches, outputs.size());
  else
    std::printf("check: OK (%zu outputs, rtol %g, atol %g)\n", outputs.size(), o.rtol, o.atol);
  return mismatches ? 1 : 0;
}

/// The value below which `fraction` of the sorted samples lie (nearest rank).
double percentile(const std::vector<double> &sorted, double fraction) {
  size_t rank = size_t(std::ceil(fraction * double(sorted.size())));
  return sorted[std::min(sorted.size(), std::max<size_t>(rank, 1)) - 1];
}

int run(const dlc_model_image *image, const CliOptions &o) {
  dlc_model_options options;
  dlc_model_options_init(&options);
  options.num_threads = o.threads;
  options.cuda_graphs = o.cudaGraphs ? 1 : 0;
  dlc_model *raw = nullptr;
  dlc_error *error = nullptr;
  if (dlc_model_create(image, &options, &raw, &error) != DLC_OK)
    return fail(error);
  ModelPtr model(raw);

  std::vector<HostTensor> inputs, outputs;
  std::string problem;
  if (!loadInputs(model.get(), o, inputs, problem))
    return fail(problem);
  for (uint32_t i = 0; i < dlc_model_num_outputs(model.get()); ++i) {
    dlc_tensor_info info;
    if (dlc_model_output_info(model.get(), i, &info, &error) != DLC_OK)
      return fail(error);
    if (std::string tooLarge = checkAllocatable(info, "output"); !tooLarge.empty())
      return fail(tooLarge);
    outputs.push_back(allocateTensor(info));
  }
  std::vector<dlc_tensor_view> inputViews = viewsOf(inputs), outputViews = viewsOf(outputs);
  auto runOnce = [&](const char *tracePath) {
    return tracePath ? dlc_model_run_profiled(model.get(), inputViews.data(), inputViews.size(),
                                              outputViews.data(), outputViews.size(), tracePath,
                                              &error)
                     : dlc_model_run(model.get(), inputViews.data(), inputViews.size(),
                                     outputViews.data(), outputViews.size(), &error);
  };
  if (runOnce(nullptr) != DLC_OK)
    return fail(error);

  if (!o.outputDir.empty() && !writeOutputs(o.outputDir, outputs, problem))
    return fail(problem);
  bool randomInputs = o.dataDir.empty() && o.inputs.empty();
  if (o.print || randomInputs)
    for (size_t i = 0; i < outputs.size(); ++i)
      printSummary(i, outputs[i]);
  int status = o.check ? checkOutputs(o, outputs) : 0;
  std::fflush(stdout);

  if (o.benchRuns > 0) {
    uint64_t warmup = std::min<uint64_t>(10, std::max<uint64_t>(1, o.benchRuns / 10));
    for (uint64_t i = 0; i < warmup; ++i)
      if (runOnce(nullptr) != DLC_OK)
        return fail(error);
    std::vector<double> ms;
    ms.reserve(o.benchRuns);
    for (uint64_t i = 0; i < o.benchRuns; ++i) {
      auto start = std::chrono::steady_clock::now();
      if (runOnce(nullptr) != DLC_OK)
        return fail(error);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(ms.begin(), ms.end());
    std::printf("latency: median %.4f ms, p90 %.4f ms (%llu runs)\n", percentile(ms, 0.5),
                percentile(ms, 0.9), static_cast<unsigned long long>(o.benchRuns));
  }
  if (!o.profilePath.empty()) {
    if (runOnce(o.profilePath.c_str()) != DLC_OK)
      return fail(error);
    std::printf("profile: wrote %s\n", o.profilePath.c_str());
  }
  return status;
}
} // namespace

// Defined only when the executable links libdlc_dnnl (weak: not pulled in).
extern "C" __attribute__((weak)) void dlc_dnnl_conv2d(int64_t *, const int64_t *, const float *,
                                                     const float *, const float *, const float *,
                                                     const float *, float *);
extern "C" __attribute__((weak)) void dlc_dnnl_matmul(int64_t *, const int64_t *, const float *,
                                                     const float *, const float *, const float *,
                                                     const float *, float *);
extern "C" __attribute__((weak)) void dlc_dnnl_softmax(int64_t *, const int64_t *, const float *,
                                                      const float *, const float *, const float *,
                                                      const float *, float *);
extern "C" __attribute__((weak)) void dlc_dnnl_max_pool(int64_t *, const int64_t *, const float *,
                                                       const float *, const float *,
                                                       const float *, const float *, float *);
extern "C" __attribute__((weak)) void dlc_dnnl_layer_norm(int64_t *, const int64_t *,
                                                         const float *, const float *,
                                                         const float *, const float *,
                                                         const float *, float *);

/// oneDNN runs on OpenMP, whose idle threads spin (~300k iterations) by
/// default; with its static work split, a spinning or preempted team member
/// costs milliseconds per primitive on a machine shared with other jobs
/// (measured: 2-thread MobileNetV2 1.8 s instead of ~15 ms on the 2-core CI
/// machine, docs/performance.md). Fully passive threads (futex sleep after
/// every parallel region) cost the other way: on an AMD EPYC VM waking them
/// doubled 2-thread MobileNetV2 (5.6 ms vs 2.3 ms spinning). A short spin,
/// GOMP_SPINCOUNT=30000 (tens of microseconds, then sleep), kept 2.4 ms
/// there and stayed at or below passive with 2 and 4 competing CPU hogs.
/// libgomp reads its environment once, in its constructor, before main: so
/// an executable using oneDNN whose user chose neither variable re-executes
/// itself once with OMP_WAIT_POLICY=active and GOMP_SPINCOUNT=30000.
static void preferBriefSpinningOpenMpThreads(char **argv) {
  // Every dlc_dnnl_* function (int8 ones too) lives in one object of
  // libdlc_dnnl.a: a model calling any of them links all of them.
  bool usesDnnl = dlc_dnnl_conv2d || dlc_dnnl_matmul || dlc_dnnl_softmax ||
                  dlc_dnnl_layer_norm || dlc_dnnl_max_pool;
  if (usesDnnl && dlc_prefer_brief_openmp_spinning())
    execv("/proc/self/exe", argv); // returns only on failure: run as we are
}

extern "C" int dlc_prefer_brief_openmp_spinning(void) {
  if (std::getenv("OMP_WAIT_POLICY") || std::getenv("GOMP_SPINCOUNT"))
    return 0;
  return setenv("OMP_WAIT_POLICY", "active", 1) == 0 && setenv("GOMP_SPINCOUNT", "30000", 1) == 0;
}

extern "C" int dlc_cli_main(const dlc_model_image *image, int argc, char **argv) {
  preferBriefSpinningOpenMpThreads(argv);
  return dlc_cli_run(image, argc, argv);
}

extern "C" int dlc_cli_run(const dlc_model_image *image, int argc, char **argv) {
  try {
    CliOptions options;
    if (int code = parseCliOptions(argc, argv, options); code >= 0)
      return code;
    int rc = run(image, options);
    std::fflush(stdout);
    return rc;
  } catch (const std::bad_alloc &) {
    return fail("out of memory");
  } catch (const std::exception &e) {
    return fail(std::string("internal error: ") + e.what());
  } catch (...) {
    return fail("internal error");
  }
}
