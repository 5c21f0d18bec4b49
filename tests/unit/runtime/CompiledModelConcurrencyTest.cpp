// One loaded, dlc-compiled model run from 8 threads x 100 runs at once gives
// results bit-identical to a serial run (the thread-safety guarantee of
// dlc_model_run), with inter-op parallelism inside each run as well.
//
// The model is the graph API's parallel_paths example (two Dense branches on
// one input, concatenated, then Dense+softmax), compiled as a shared library
// that is dlopen()ed, three ways:
//   -O0, through this binary's libdlcrt, which hands the library's image to
//       the library's runtime (ForeignRuntime.h): the branches stay
//       separate plan nodes (inter-op parallelism), kernels serial;
//   -O2 --no-dnnl, run by the library's own runtime (dlc/model_library.h):
//       generated gemm kernels split their loops over the run's helper
//       threads (dlc_rt_parallel_for) in every concurrent run;
//   -O2, the library's runtime: oneDNN calls on OpenMP teams.
#include "../../../runtime/src/ForeignRuntime.h"
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

// A host that passes the library's image to its own libdlcrt gets a model
// of the library's runtime (the one the kernels call back), through its own
// API: same results, errors as its own objects. Images in this binary stay
// with this runtime.
TEST_P(CompiledModelConcurrency, HostApiHandsALibraryImageToTheLibraryRuntime) {
  std::unique_ptr<dlc::rt::ForeignRuntime> foreign = dlc::rt::foreignRuntimeOf(api.image);
  ASSERT_NE(foreign, nullptr);
  EXPECT_NE(reinterpret_cast<void *>(foreign->api.dlc_model_create),
            reinterpret_cast<void *>(&::dlc_model_create));
  static const dlc_model_image local{};
  EXPECT_EQ(dlc::rt::foreignRuntimeOf(&local), nullptr);

  dlc_model *host = nullptr, *own = nullptr;
  dlc_error *error = nullptr;
  ASSERT_EQ(::dlc_model_create(api.image, nullptr, &host, &error), DLC_OK)
      << ::dlc_error_message(error);
  ASSERT_EQ(foreign->api.dlc_model_create(api.image, nullptr, &own, nullptr), DLC_OK);
  EXPECT_STREQ(::dlc_model_name(host), foreign->api.dlc_model_name(own));
  ASSERT_EQ(::dlc_model_num_inputs(host), 1u);
  EXPECT_EQ(::dlc_model_find_output(host, "nonexistent"), -1);
  dlc_tensor_info in, out;
  ASSERT_EQ(::dlc_model_input_info(host, 0, &in, nullptr), DLC_OK);
  ASSERT_EQ(::dlc_model_output_info(host, 0, &out, nullptr), DLC_OK);
  EXPECT_EQ(::dlc_model_input_info(host, 5, &in, &error), DLC_INVALID_ARGUMENT);
  EXPECT_STREQ(::dlc_error_message(error), "input index 5 out of range (1 inputs)");
  ::dlc_error_free(error);

  std::vector<int64_t> inDims(in.shape, in.shape + in.rank), outDims(out.shape, out.shape + out.rank);
  std::vector<float> x(in.bytes / sizeof(float)), viaHost(out.bytes / sizeof(float), -1.f),
      viaLibrary(viaHost.size(), -2.f);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> uniform(-1.f, 1.f);
  for (float &v : x)
    v = uniform(rng);
  dlc_tensor_view inView{x.data(), DLC_DTYPE_FLOAT32, in.rank, inDims.data()};
  dlc_tensor_view hostOut{viaHost.data(), DLC_DTYPE_FLOAT32, out.rank, outDims.data()};
  dlc_tensor_view libraryOut{viaLibrary.data(), DLC_DTYPE_FLOAT32, out.rank, outDims.data()};
  ASSERT_EQ(::dlc_model_run(host, &inView, 1, &hostOut, 1, nullptr), DLC_OK);
  ASSERT_EQ(foreign->api.dlc_model_run(own, &inView, 1, &libraryOut, 1, nullptr), DLC_OK);
  EXPECT_EQ(std::memcmp(viaHost.data(), viaLibrary.data(), viaHost.size() * sizeof(float)), 0);
  // A wrong input shape is the library's error, reported by this runtime.
  std::vector<int64_t> wrong = inDims;
  wrong.back() += 1;
  dlc_tensor_view wrongView{x.data(), DLC_DTYPE_FLOAT32, in.rank, wrong.data()};
  EXPECT_EQ(::dlc_model_run(host, &wrongView, 1, &hostOut, 1, &error), DLC_INVALID_ARGUMENT);
  EXPECT_EQ(std::string(::dlc_error_message(error)),
            "input 'x': expected float32[" + std::to_string(inDims[0]) + "," +
                std::to_string(inDims[1]) + "], got float32[" + std::to_string(wrong[0]) + "," +
                std::to_string(wrong[1]) + "]");
  ::dlc_error_free(error);
  foreign->api.dlc_model_free(own);
  ::dlc_model_free(host);
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
