// Model creation, description, execution and argument checking of libdlcrt
// on hand-made plans, through the C API and the C++ wrapper.
#include "../../../runtime/src/Executor.h"
#include "TestPlans.h"
#include "dlc/dnnl_kernels.h"
#include "dlc/runtime.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

using namespace dlc::test;

namespace {

std::vector<float> runDiamond(dlc::Model &model, const std::vector<float> &x) {
  std::vector<float> y(kN);
  model.run({dlc::view(x, {kN})}, {dlc::view(y, {kN})});
  return y;
}

class DiamondTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(DiamondTest, ComputesTheGraph) {
  Image image(diamondBlob());
  dlc::Model model(&image.image, GetParam());
  for (unsigned seed = 0; seed < 5; ++seed) {
    std::vector<float> x = randomFloats(kN, seed);
    std::vector<float> y = runDiamond(model, x), want = diamondReference(x);
    for (int64_t i = 0; i < kN; ++i)
      ASSERT_FLOAT_EQ(y[i], want[i]) << "seed " << seed << " element " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, DiamondTest, ::testing::Values(0u, 1u, 2u, 4u, 16u));

TEST(RuntimeTest, DescribesInputsAndOutputs) {
  Image image(diamondBlob());
  dlc::Model model(&image.image);
  EXPECT_EQ(model.name(), "diamond");
  ASSERT_EQ(model.numInputs(), 1u);
  ASSERT_EQ(model.numOutputs(), 1u);
  dlc::TensorInfo in = model.input(0);
  EXPECT_EQ(in.name, "x");
  EXPECT_EQ(in.dtype, DLC_DTYPE_FLOAT32);
  EXPECT_EQ(in.shape, std::vector<int64_t>{kN});
  EXPECT_EQ(in.bytes, uint64_t(kN * 4));
  EXPECT_EQ(model.output(0).name, "y");
  EXPECT_EQ(dlc_model_find_input(model.get(), "x"), 0);
  EXPECT_EQ(dlc_model_find_output(model.get(), "y"), 0);
  EXPECT_EQ(dlc_model_find_input(model.get(), "y"), -1);
  EXPECT_EQ(dlc_model_find_input(model.get(), nullptr), -1);
  EXPECT_EQ(model.inputIndex("x"), 0u);
  EXPECT_THROW(model.inputIndex("nope"), dlc::Error);

  ErrorHolder e;
  dlc_tensor_info info;
  EXPECT_EQ(dlc_model_output_info(model.get(), 1, &info, e.out()), DLC_INVALID_ARGUMENT);
  EXPECT_EQ(e.message(), "output index 1 out of range (1 outputs)");
  EXPECT_EQ(dlc_model_input_info(model.get(), 0, nullptr, e.out()), DLC_INVALID_ARGUMENT);
}

TEST(RuntimeTest, CppRunAllocatesOutputs) {
  Image image(diamondBlob());
  dlc::Model model(&image.image, 2);
  std::vector<float> x = randomFloats(kN, 3);
  std::vector<dlc::Tensor> out = model.run({dlc::view(x, {kN})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].name, "y");
  EXPECT_EQ(out[0].values<float>(), diamondReference(x));
  dlc::Model moved = std::move(model);
  EXPECT_EQ(moved.run({dlc::view(x, {kN})})[0].values<float>(), diamondReference(x));
}

struct BadRun {
  const char *name;
  dlc_tensor_view input;
  const char *message;
};

TEST(RuntimeTest, RejectsWrongInputsNamingThem) {
  Image image(diamondBlob());
  dlc::Model model(&image.image);
  std::vector<float> x(kN), y(kN);
  std::vector<double> doubles(kN);
  static const int64_t kShape[] = {kN}, kLonger[] = {kN + 1}, kRank2[] = {1, kN};
  const BadRun cases[] = {
      {"dtype", {doubles.data(), DLC_DTYPE_FLOAT64, 1, kShape},
       "input 'x': expected float32[64], got float64[64]"},
      {"shape", {x.data(), DLC_DTYPE_FLOAT32, 1, kLonger},
       "input 'x': expected float32[64], got float32[65]"},
      {"rank", {x.data(), DLC_DTYPE_FLOAT32, 2, kRank2},
       "input 'x': expected float32[64], got float32[1,64]"},
      {"scalar", {x.data(), DLC_DTYPE_FLOAT32, 0, nullptr},
       "input 'x': expected float32[64], got float32[]"},
      {"unknown dtype", {x.data(), 99, 1, kShape},
       "input 'x': expected float32[64], got dtype(99)[64]"},
      {"null data", {nullptr, DLC_DTYPE_FLOAT32, 1, kShape}, "input 'x': data is NULL"},
      {"null shape", {x.data(), DLC_DTYPE_FLOAT32, 1, nullptr},
       "input 'x': shape is NULL for rank 1"},
  };
  dlc_tensor_view out = {y.data(), DLC_DTYPE_FLOAT32, 1, kShape};
  for (const BadRun &c : cases) {
    ErrorHolder e;
    EXPECT_EQ(dlc_model_run(model.get(), &c.input, 1, &out, 1, e.out()), DLC_INVALID_ARGUMENT)
        << c.name;
    EXPECT_EQ(e.message(), c.message) << c.name;
  }
  ErrorHolder e;
  dlc_tensor_view in = {x.data(), DLC_DTYPE_FLOAT32, 1, kShape};
  EXPECT_EQ(dlc_model_run(model.get(), &in, 0, &out, 1, e.out()), DLC_INVALID_ARGUMENT);
  EXPECT_EQ(e.message(), "expected 1 inputs, got 0");
  EXPECT_EQ(dlc_model_run(model.get(), &in, 1, &out, 2, e.out()), DLC_INVALID_ARGUMENT);
  EXPECT_EQ(e.message(), "expected 1 outputs, got 2");
  EXPECT_EQ(dlc_model_run(model.get(), nullptr, 1, &out, 1, e.out()), DLC_INVALID_ARGUMENT);
  EXPECT_EQ(e.message(), "input array is NULL");
  dlc_tensor_view badOut = {y.data(), DLC_DTYPE_INT32, 1, kShape};
  EXPECT_EQ(dlc_model_run(model.get(), &in, 1, &badOut, 1, e.out()), DLC_INVALID_ARGUMENT);
  EXPECT_EQ(e.message(), "output 'y': expected float32[64], got int32[64]");
  // Errors are optional: a NULL error pointer still gets the status.
  EXPECT_EQ(dlc_model_run(model.get(), &in, 0, &out, 1, nullptr), DLC_INVALID_ARGUMENT);
}

TEST(RuntimeTest, RejectsOverlappingOutputs) {
  Image image(diamondBlob());
  dlc::Model model(&image.image);
  std::vector<float> buffer(2 * kN);
  static const int64_t kShape[] = {kN};
  dlc_tensor_view in = {buffer.data(), DLC_DTYPE_FLOAT32, 1, kShape};
  dlc_tensor_view out = {buffer.data() + kN / 2, DLC_DTYPE_FLOAT32, 1, kShape};
  ErrorHolder e;
  EXPECT_EQ(dlc_model_run(model.get(), &in, 1, &out, 1, e.out()), DLC_INVALID_ARGUMENT);
  EXPECT_EQ(e.message(), "output 'y': buffer overlaps input 'x'");
  // Adjacent buffers are fine.
  out.data = buffer.data() + kN;
  EXPECT_EQ(dlc_model_run(model.get(), &in, 1, &out, 1, e.out()), DLC_OK);
}

TEST(RuntimeTest, NullArgumentsAreErrorsNotCrashes) {
  dlc_model *model = reinterpret_cast<dlc_model *>(0x1);
  ErrorHolder e;
  EXPECT_EQ(dlc_model_create(nullptr, nullptr, &model, e.out()), DLC_INVALID_ARGUMENT);
  EXPECT_EQ(model, nullptr);
  EXPECT_EQ(e.message(), "model image is NULL");
  EXPECT_EQ(dlc_error_status(e.error), DLC_INVALID_ARGUMENT);
  Image image(diamondBlob());
  EXPECT_EQ(dlc_model_create(&image.image, nullptr, nullptr, e.out()), DLC_INVALID_ARGUMENT);
  EXPECT_EQ(dlc_model_run(nullptr, nullptr, 0, nullptr, 0, e.out()), DLC_INVALID_ARGUMENT);
  EXPECT_EQ(e.message(), "model is NULL");
  EXPECT_EQ(dlc_model_num_inputs(nullptr), 0u);
  EXPECT_EQ(dlc_model_num_outputs(nullptr), 0u);
  EXPECT_STREQ(dlc_model_name(nullptr), "");
  EXPECT_EQ(dlc_model_find_input(nullptr, "x"), -1);
  dlc_model_free(nullptr);
  dlc_error_free(nullptr);
  dlc_model_options_init(nullptr);
  EXPECT_STREQ(dlc_status_name(DLC_INVALID_PLAN), "INVALID_PLAN");
  EXPECT_EQ(dlc_error_status(nullptr), DLC_INTERNAL);
}

TEST(RuntimeTest, RejectsBadCudaGraphsOption) {
  Image image(diamondBlob());
  dlc_model_options options;
  dlc_model_options_init(&options);
  EXPECT_EQ(options.cuda_graphs, 0u);
  options.cuda_graphs = 2;
  dlc_model *model = nullptr;
  ErrorHolder e;
  EXPECT_EQ(dlc_model_create(&image.image, &options, &model, e.out()), DLC_INVALID_ARGUMENT);
  EXPECT_EQ(e.message(), "cuda_graphs 2 is not 0 (off) or 1 (on)");
  options.cuda_graphs = 1; // CPU models ignore it
  ASSERT_EQ(dlc_model_create(&image.image, &options, &model, e.out()), DLC_OK);
  dlc_model_free(model);
}

TEST(RuntimeTest, RejectsTooManyThreads) {
  Image image(diamondBlob());
  dlc_model_options options;
  dlc_model_options_init(&options);
  options.num_threads = DLC_MAX_THREADS + 1;
  dlc_model *model = nullptr;
  ErrorHolder e;
  EXPECT_EQ(dlc_model_create(&image.image, &options, &model, e.out()), DLC_INVALID_ARGUMENT);
  EXPECT_EQ(e.message(), "num_threads 257 exceeds 256");
}

TEST(RuntimeTest, HugeArenaIsOutOfMemoryNotACrash) {
  dlc::PlanBuilder b = diamondBuilder();
  b.setArenaBytes(uint64_t(1) << 62); // validation accepts it; allocation cannot succeed
  Image image(b.build());
  dlc::Model model(&image.image, 1);
  std::vector<float> x(kN), y(kN);
  try {
    model.run({dlc::view(x, {kN})}, {dlc::view(y, {kN})});
    FAIL() << "a 4 EiB arena was allocated";
  } catch (const dlc::Error &e) {
    EXPECT_EQ(e.status(), DLC_OUT_OF_MEMORY);
    EXPECT_STREQ(e.what(), "cannot allocate the 4611686018427387904-byte arena");
  }
}

// A kernel that cannot compute its result (a library call oneDNN refuses)
// fails the run through dlc_rt_kernel_failed: the run returns its status with
// the node's name, the kernels after it do not run, and the next run of the
// same model is unaffected.
std::atomic<int> lastAddRuns{0};
void failingReluKernel(void *const *a) {
  if (static_cast<const float *>(a[0])[0] < -100.f) // the test's signal to fail
    dlc_rt_kernel_failed(DLC_UNSUPPORTED, "no implementation for this machine");
  else
    reluKernel(a);
}
void countingAddKernel(void *const *a) {
  ++lastAddRuns;
  addKernel(a);
}
const dlc_cpu_fn kFailingKernels[] = {countingAddKernel, failingReluKernel, scaleKernel};

class KernelFailureTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(KernelFailureTest, FailsTheRunNamingTheNodeAndSkipsTheRest) {
  Image image(diamondBlob(), kFailingKernels);
  dlc::Model model(&image.image, GetParam());
  std::vector<float> x = randomFloats(kN, 5), y(kN, 0.f);
  x[0] = -1000.f;
  lastAddRuns = 0;
  try {
    model.run({dlc::view(x, {kN})}, {dlc::view(y, {kN})});
    FAIL() << "the run succeeded although its relu kernel failed";
  } catch (const dlc::Error &e) {
    EXPECT_EQ(e.status(), DLC_UNSUPPORTED);
    EXPECT_STREQ(e.what(), "node 0 'relu' (dlc.relu): no implementation for this machine");
  }
  EXPECT_EQ(lastAddRuns, 0) << "add1 and add2 depend on the failed node";
  x[0] = 1.f;
  EXPECT_EQ(runDiamond(model, x), diamondReference(x));
  EXPECT_EQ(lastAddRuns, 2);
}

INSTANTIATE_TEST_SUITE_P(Threads, KernelFailureTest, ::testing::Values(1u, 2u));

// Kernels that ask for the run's threads (library calls) never overlap
// within a run: relu and scale, the diamond's two roots, both ask here and
// hold the team for 2 ms each; with two threads they would otherwise run at
// the same time. Each still gets all of the run's threads.
std::atomic<int> teamInside{0}, teamMaxInside{0}, teamThreadsSeen{0};
void holdTeam() {
  teamThreadsSeen = int(dlc_rt_kernel_threads());
  int now = ++teamInside;
  for (int seen = teamMaxInside; now > seen && !teamMaxInside.compare_exchange_weak(seen, now);) {
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  --teamInside;
}
void teamReluKernel(void *const *a) {
  holdTeam();
  reluKernel(a);
}
void teamScaleKernel(void *const *a) {
  holdTeam();
  scaleKernel(a);
}
const dlc_cpu_fn kTeamKernels[] = {addKernel, teamReluKernel, teamScaleKernel};

TEST(RuntimeTest, KernelsUsingTheTeamTakeTurns) {
  Image image(diamondBlob(), kTeamKernels);
  dlc::Model model(&image.image, 2);
  teamMaxInside = 0;
  for (unsigned seed = 0; seed < 20; ++seed) {
    std::vector<float> x = randomFloats(kN, seed);
    ASSERT_EQ(runDiamond(model, x), diamondReference(x));
  }
  EXPECT_EQ(teamMaxInside, 1);
  EXPECT_EQ(teamThreadsSeen, 2);
}

TEST(RuntimeTest, KernelFailureOutsideARunIsKeptForTheThread) {
  EXPECT_EQ(dlc::rt::takeKernelFailureOutsideRun(), "");
  dlc_rt_kernel_failed(DLC_INTERNAL, "called directly");
  EXPECT_EQ(dlc::rt::takeKernelFailureOutsideRun(), "called directly");
  EXPECT_EQ(dlc::rt::takeKernelFailureOutsideRun(), "");
}

/// Creating a model of x -> one GPU kernel node on `device` -> y (x and y
/// on the CPU) fails with DLC_UNSUPPORTED; returns the message.
static std::string unsupportedGpuNode(uint32_t device, const char *name, const char *op) {
  dlc::PlanBuilder b("gpu");
  uint32_t x = b.addInput("x", DLC_DTYPE_FLOAT32, {kN});
  uint32_t y = b.addOutput("y", DLC_DTYPE_FLOAT32, {kN});
  dlc::PlanNode n;
  n.kind = DLC_NODE_GPU_KERNEL;
  n.device = device;
  n.inputs = {x};
  n.outputs = {y};
  n.name = name;
  n.op = op;
  b.addNode(n);
  b.setNumKernels(3);
  Image image(b.build());
  dlc_model *model = nullptr;
  ErrorHolder e;
  EXPECT_EQ(dlc_model_create(&image.image, nullptr, &model, e.out()), DLC_UNSUPPORTED);
  return e.message();
}

TEST(RuntimeTest, GpuNodesAreUnsupportedInThisBuild) {
  EXPECT_EQ(unsupportedGpuNode(0, "conv1", "dlc.conv"),
            "node 0 'conv1' (dlc.conv): GPU kernels are not supported by this runtime build");
}

TEST(RuntimeTest, CudaPlansMustKeepEveryTensorOnTheDevice) {
  // Mixed plans are refused before any driver is loaded: holds with or
  // without a GPU.
  EXPECT_EQ(unsupportedGpuNode(1, "relu1", "dlc.relu"),
            "node 0 'relu1' (dlc.relu): tensor 'x' is on device 0, not on the plan's CUDA "
            "device 1");
}

TEST(RuntimeTest, CopyNodesAndInputsAsOutputs) {
  // y0 = copy(x) (an output that is a graph input), y1 = relu(x).
  dlc::PlanBuilder b("copy");
  uint32_t x = b.addInput("x", DLC_DTYPE_FLOAT32, {kN});
  uint32_t y0 = b.addOutput("y0", DLC_DTYPE_FLOAT32, {kN});
  uint32_t y1 = b.addOutput("y1", DLC_DTYPE_FLOAT32, {kN});
  b.addCopyNode(x, y0, {}, "identity");
  b.addCpuNode(kRelu, {x}, {y1}, {}, "relu", "dlc.relu");
  b.setNumKernels(3);
  std::vector<uint8_t> blob;
  std::string problem;
  ASSERT_TRUE(b.build(blob, problem)) << problem;
  Image image(blob);
  dlc::Model model(&image.image, 2);
  std::vector<float> x0 = randomFloats(kN, 9);
  std::vector<dlc::Tensor> out = model.run({dlc::view(x0, {kN})});
  EXPECT_EQ(out[0].values<float>(), x0);
  for (int64_t i = 0; i < kN; ++i)
    EXPECT_EQ(out[1].values<float>()[i], x0[i] > 0 ? x0[i] : 0);
}

TEST(RuntimeTest, ProfiledRunWritesAChromeTrace) {
  Image image(diamondBlob());
  dlc::Model model(&image.image, 2);
  std::vector<float> x = randomFloats(kN, 4), y(kN);
  std::string path = ::testing::TempDir() + "dlc-trace-" + std::to_string(::getpid()) + ".json";
  model.runProfiled({dlc::view(x, {kN})}, {dlc::view(y, {kN})}, path);
  EXPECT_EQ(y, diamondReference(x));
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  std::string json = text.str();
  std::remove(path.c_str());
  EXPECT_EQ(json.rfind("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[", 0), 0u) << json;
  for (const char *name : {"\"relu\"", "\"scale\"", "\"add1\"", "\"add2\"", "\"dlc.add\""})
    EXPECT_NE(json.find(name), std::string::npos) << name << " in " << json;
  EXPECT_EQ(json.substr(json.size() - 3), "]}\n");

  EXPECT_THROW(model.runProfiled({dlc::view(x, {kN})}, {dlc::view(y, {kN})},
                                 "/nonexistent-dir/trace.json"),
               dlc::Error);
}

TEST(RuntimeTest, EmptyEntryRuns) {
  dlc::PlanBuilder b("empty");
  Image image(b.build(), nullptr, 0);
  dlc::Model model(&image.image, 4);
  EXPECT_TRUE(model.run({}).empty());
}

} // namespace
