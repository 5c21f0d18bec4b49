// One loaded, dlc-compiled model run from 8 threads x 100 runs at once gives
// results bit-identical to a serial run (the thread-safety guarantee of
// dlc_model_run), with inter-op parallelism inside each run as well.
//
// The model is the graph API's parallel_paths example (two Dense branches on
// one input, concatenated, then Dense+softmax), compiled as a shared library
// that is dlopen()ed, three ways:
//   -O0, run by this binary's libdlcrt: the branches stay separate plan
//       nodes (inter-op parallelism), kernels serial;
//   -O2 --no-dnnl, run by the library's own runtime (dlc/model_library.h):
//       generated gemm kernels split their loops over the run's helper
//       threads (dlc_rt_parallel_for) in every concurrent run;
//   -O2, the library's runtime: oneDNN calls on OpenMP teams.
#include "dlc/model_library.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

namespace {

constexpr int kBatch = 16, kThreads = 8, kRuns = 100;

struct Build {
  const char *name;
  const char *flags;
  bool libraryRuntime; // run with the library's C API, else with this binary's
};

class CompiledModelConcurrency : public ::testing::TestWithParam<Build> {
protected:
  void SetUp() override {
    const Build &build = GetParam();
    dir = fs::temp_directory_path() /
          ("dlc-concurrency-" + std::string(build.name) + "-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::string onnx = (dir / "parallel_paths.onnx").string();
    std::string lib = (dir / "libparallel_paths.so").string();
    ASSERT_EQ(std::system((std::string(DLC_EXAMPLE_PARALLEL_PATHS) + " " + onnx + " --batch " +
                           std::to_string(kBatch) + " > /dev/null")
                              .c_str()),
              0);
    ASSERT_EQ(std::system((std::string(DLC_COMPILER) + " " + build.flags + " --emit=lib " + onnx +
                           " -o " + lib)
                              .c_str()),
              0);
    const char *problem = dlc_model_library_open(lib.c_str(), &api);
    ASSERT_EQ(problem, nullptr) << problem;
    if (!build.libraryRuntime) {
#define DLC_TEST_HOST_FUNCTION(name) api.name = &::name;
      DLC_MODEL_LIBRARY_FUNCTIONS(DLC_TEST_HOST_FUNCTION)
#undef DLC_TEST_HOST_FUNCTION
    }
  }
  void TearDown() override {
    dlc_model_library_close(&api);
    fs::remove_all(dir);
  }

  dlc_model *create(uint32_t threads) {
    dlc_model_options options;
    api.dlc_model_options_init(&options);
    options.num_threads = threads;
    dlc_model *model = nullptr;
    dlc_error *error = nullptr;
    if (api.dlc_model_create(api.image, &options, &model, &error) != DLC_OK) {
      ADD_FAILURE() << api.dlc_error_message(error);
      api.dlc_error_free(error);
    }
    return model;
  }
  bool run(dlc_model *model, std::vector<float> &x, std::vector<float> &y) {
    dlc_tensor_view in{x.data(), DLC_DTYPE_FLOAT32, uint32_t(inShape.size()), inShape.data()};
    dlc_tensor_view out{y.data(), DLC_DTYPE_FLOAT32, uint32_t(outShape.size()), outShape.data()};
    dlc_error *error = nullptr;
    if (api.dlc_model_run(model, &in, 1, &out, 1, &error) == DLC_OK)
      return true;
    ADD_FAILURE() << api.dlc_error_message(error);
    api.dlc_error_free(error);
    return false;
  }

  fs::path dir;
  dlc_model_library api{};
  std::vector<int64_t> inShape, outShape;
};

TEST_P(CompiledModelConcurrency, EightThreadsTimesHundredRunsMatchASerialRun) {
  dlc_model *serial = create(1);
  ASSERT_NE(serial, nullptr);
  ASSERT_EQ(api.dlc_model_num_inputs(serial), 1u);
  dlc_tensor_info in, out;
  ASSERT_EQ(api.dlc_model_input_info(serial, 0, &in, nullptr), DLC_OK);
  ASSERT_EQ(api.dlc_model_output_info(serial, 0, &out, nullptr), DLC_OK);
  inShape.assign(in.shape, in.shape + in.rank);
  outShape.assign(out.shape, out.shape + out.rank);
  size_t inCount = in.bytes / sizeof(float), outCount = out.bytes / sizeof(float);

  // A different random input per thread, its serial result as reference.
  std::vector<std::vector<float>> inputs, reference;
  std::mt19937 rng(1234);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  for (int t = 0; t < kThreads; ++t) {
    std::vector<float> x(inCount), y(outCount);
    for (float &v : x)
      v = uniform(rng);
    ASSERT_TRUE(run(serial, x, y));
    inputs.push_back(x);
    reference.push_back(y);
  }
  api.dlc_model_free(serial);
  // Softmax rows sum to 1: the reference itself is a real result, not zeros.
  float rowSum = 0;
  for (int64_t c = 0; c < outShape.back(); ++c)
    rowSum += reference[0][c];
  EXPECT_NEAR(rowSum, 1.0f, 1e-5f);

  for (uint32_t modelThreads : {1u, 4u}) {
    dlc_model *shared = create(modelThreads);
    ASSERT_NE(shared, nullptr);
    std::vector<int> mismatches(kThreads, 0);
    std::vector<std::thread> workers;
    for (int t = 0; t < kThreads; ++t)
      workers.emplace_back([&, t] {
        std::vector<float> y(outCount);
        for (int r = 0; r < kRuns; ++r) {
          std::fill(y.begin(), y.end(), -1.0f);
          if (!run(shared, inputs[t], y) ||
              std::memcmp(y.data(), reference[t].data(), outCount * sizeof(float)) != 0)
            ++mismatches[t];
        }
      });
    for (std::thread &w : workers)
      w.join();
    api.dlc_model_free(shared);
    for (int t = 0; t < kThreads; ++t)
      EXPECT_EQ(mismatches[t], 0) << "caller thread " << t << ", model threads " << modelThreads;
  }
}

TEST(ModelLibrary, OpenNamesWhatIsMissing) {
  dlc_model_library lib;
  const char *problem = dlc_model_library_open("libm.so.6", &lib);
  ASSERT_NE(problem, nullptr);
  EXPECT_STREQ(problem, "libm.so.6: not a dlc model library (no dlc_model_image_v1)");
  EXPECT_EQ(lib.handle, nullptr);
  problem = dlc_model_library_open("/nonexistent/libmodel.so", &lib);
  ASSERT_NE(problem, nullptr);
  EXPECT_NE(std::string(problem).find("/nonexistent/libmodel.so"), std::string::npos) << problem;
  dlc_model_library_close(&lib); // a zeroed table is ignored
}

INSTANTIATE_TEST_SUITE_P(
    Builds, CompiledModelConcurrency,
    ::testing::Values(Build{"O0_host_runtime", "-O0", false},
                      Build{"O2_parallel_loops", "-O2 --no-dnnl", true},
                      Build{"O2_onednn", "-O2", true}),
    [](const ::testing::TestParamInfo<Build> &info) { return std::string(info.param.name); });

} // namespace
