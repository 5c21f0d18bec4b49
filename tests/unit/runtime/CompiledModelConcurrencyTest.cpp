// One loaded, dlc-compiled model run from 8 threads x 100 runs at once gives
// results bit-identical to a serial run (the thread-safety guarantee of
// dlc_model_run), with inter-op parallelism inside each run as well.
//
// The model is the graph API's parallel_paths example (two Dense branches on
// one input, concatenated, then Dense+softmax), compiled at -O0 so that the
// branches stay separate plan nodes, as a shared library that is dlopen()ed.
#include "dlc/runtime.hpp"

#include <gtest/gtest.h>

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <thread>

namespace fs = std::filesystem;

namespace {

constexpr int kBatch = 16, kThreads = 8, kRuns = 100;

class CompiledModelConcurrency : public ::testing::Test {
protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("dlc-concurrency-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::string onnx = (dir / "parallel_paths.onnx").string();
    std::string lib = (dir / "libparallel_paths.so").string();
    ASSERT_EQ(std::system((std::string(DLC_EXAMPLE_PARALLEL_PATHS) + " " + onnx + " --batch " +
                           std::to_string(kBatch) + " > /dev/null")
                              .c_str()),
              0);
    ASSERT_EQ(std::system((std::string(DLC_COMPILER) + " -O0 --emit=lib " + onnx + " -o " + lib)
                              .c_str()),
              0);
    handle = dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(handle, nullptr) << dlerror();
    image = static_cast<const dlc_model_image *>(dlsym(handle, DLC_MODEL_IMAGE_SYMBOL));
    ASSERT_NE(image, nullptr);
  }
  void TearDown() override {
    if (handle)
      dlclose(handle);
    fs::remove_all(dir);
  }

  fs::path dir;
  void *handle = nullptr;
  const dlc_model_image *image = nullptr;
};

TEST_F(CompiledModelConcurrency, EightThreadsTimesHundredRunsMatchASerialRun) {
  dlc::Model serial(image, 1);
  ASSERT_EQ(serial.numInputs(), 1u);
  dlc::TensorInfo in = serial.input(0), out = serial.output(0);
  const std::vector<int64_t> &inShape = in.shape, &outShape = out.shape;
  size_t inCount = in.bytes / sizeof(float), outCount = out.bytes / sizeof(float);

  // A different random input per thread, its serial result as reference.
  std::vector<std::vector<float>> inputs, reference;
  std::mt19937 rng(1234);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  for (int t = 0; t < kThreads; ++t) {
    std::vector<float> x(inCount), y(outCount);
    for (float &v : x)
      v = uniform(rng);
    serial.run({dlc::view(x, inShape)}, {dlc::view(y, outShape)});
    inputs.push_back(x);
    reference.push_back(y);
  }
  // Softmax rows sum to 1: the reference itself is a real result, not zeros.
  float rowSum = 0;
  for (int64_t c = 0; c < outShape.back(); ++c)
    rowSum += reference[0][c];
  EXPECT_NEAR(rowSum, 1.0f, 1e-5f);

  for (uint32_t modelThreads : {1u, 4u}) {
    dlc::Model shared(image, modelThreads);
    std::vector<int> mismatches(kThreads, 0);
    std::vector<std::thread> workers;
    for (int t = 0; t < kThreads; ++t)
      workers.emplace_back([&, t] {
        std::vector<float> y(outCount);
        for (int run = 0; run < kRuns; ++run) {
          std::fill(y.begin(), y.end(), -1.0f);
          shared.run({dlc::view(inputs[t], inShape)}, {dlc::view(y, outShape)});
          if (std::memcmp(y.data(), reference[t].data(), outCount * sizeof(float)) != 0)
            ++mismatches[t];
        }
      });
    for (std::thread &w : workers)
      w.join();
    for (int t = 0; t < kThreads; ++t)
      EXPECT_EQ(mismatches[t], 0) << "caller thread " << t << ", model threads " << modelThreads;
  }
}

} // namespace
