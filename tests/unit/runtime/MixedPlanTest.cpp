// Mixed CPU+CUDA plans (dlc --devices=cpu,cuda:0): what the runtime accepts,
// where each node argument lives, and a clean failure without a GPU. The
// runs themselves need a CUDA device (tests/cuda/check_split.py).
#include "../../../runtime/src/PlanView.h"
#include "TestPlans.h"
#include "dlc/runtime.hpp"

#include <gtest/gtest.h>

#include <functional>

using namespace dlc::test;

namespace {

constexpr uint32_t kCpu = 0, kCuda = 1;

dlc::PlanNode node(dlc_node_kind kind, uint32_t device, uint32_t kernel, std::vector<uint32_t> inputs,
                   std::vector<uint32_t> outputs, std::vector<uint32_t> deps, const char *name,
                   const char *op) {
  dlc::PlanNode n;
  n.kind = kind;
  n.device = device;
  n.kernel = kernel;
  n.inputs = std::move(inputs);
  n.outputs = std::move(outputs);
  n.deps = std::move(deps);
  n.name = name;
  n.op = op;
  return n;
}

/// x (host) -copy-> xd (cuda arena) -scale on cuda-> sd -copy-> sh (host
/// arena) -add w on cpu-> y (host). The weight w is read on the CPU, and
/// also by a GPU kernel that adds it on the device (w is on both).
///   tensors: 0 x  1 w  2 xd  3 sd  4 sh  5 y
///   nodes:   0 copy->cuda  1 scale (cuda)  2 copy->cpu  3 add (cpu)
dlc::PlanBuilder mixedBuilder() {
  dlc::PlanBuilder b("mixed");
  std::vector<float> ones(kN, 1.0f);
  uint32_t x = b.addInput("x", DLC_DTYPE_FLOAT32, {kN});
  uint32_t w = b.addWeightTensor("w", DLC_DTYPE_FLOAT32, {kN}, ones.data());
  dlc::PlanTensor t;
  t.dtype = DLC_DTYPE_FLOAT32;
  t.shape = {kN};
  t.device = kCuda;
  t.name = "xd";
  uint32_t xd = b.addTensor(t);
  t.name = "sd";
  t.offset = 256;
  uint32_t sd = b.addTensor(t);
  uint32_t sh = b.addArenaTensor("sh", DLC_DTYPE_FLOAT32, {kN}, 0);
  uint32_t y = b.addOutput("y", DLC_DTYPE_FLOAT32, {kN});

  uint32_t n0 = b.addNode(node(DLC_NODE_COPY, kCuda, 0, {x}, {xd}, {}, "copy(input)->cuda:0", "copy"));
  uint32_t n1 =
      b.addNode(node(DLC_NODE_GPU_KERNEL, kCuda, kScale, {xd, w}, {sd}, {n0}, "scale", "dlc.mul"));
  uint32_t n2 = b.addNode(node(DLC_NODE_COPY, kCpu, 0, {sd}, {sh}, {n1}, "copy(scale)->cpu", "copy"));

  b.addCpuNode(kAdd, {sh, w}, {y}, {n2}, "add", "dlc.add");
  b.setArenaBytes(512);
  b.setNumKernels(3);
  return b;
}

struct BuiltPlan {
  std::vector<uint8_t> blob;
  dlc::rt::PlanView view() const { return dlc::rt::PlanView(blob.data(), blob.size()); }
};

BuiltPlan build(const dlc::PlanBuilder &b) {
  BuiltPlan p;
  std::string problem;
  EXPECT_TRUE(b.build(p.blob, problem)) << problem;
  return p;
}

TEST(MixedPlan, IsAcceptedAndMixed) {
  BuiltPlan p = build(mixedBuilder());
  dlc::rt::PlanView plan = p.view();
  ASSERT_EQ(plan.validate(3), "");
  EXPECT_TRUE(plan.usesCuda(0));
  EXPECT_TRUE(plan.isMixed(0));
  EXPECT_EQ(plan.unsupported(0), "");
}

TEST(MixedPlan, ArgumentsLiveWhereTheirNodeReadsThem) {
  BuiltPlan p = build(mixedBuilder());
  dlc::rt::PlanView plan = p.view();
  ASSERT_EQ(plan.validate(3), "");
  // copy->cuda: host input x, device xd.
  EXPECT_FALSE(plan.argumentOnDevice(0, 0, 0));
  EXPECT_TRUE(plan.argumentOnDevice(0, 0, 1));
  // scale on cuda: xd, the weight w (device copy), sd.
  EXPECT_TRUE(plan.argumentOnDevice(0, 1, 0));
  EXPECT_TRUE(plan.argumentOnDevice(0, 1, 1));
  EXPECT_TRUE(plan.argumentOnDevice(0, 1, 2));
  // copy->cpu: device sd, host sh.
  EXPECT_TRUE(plan.argumentOnDevice(0, 2, 0));
  EXPECT_FALSE(plan.argumentOnDevice(0, 2, 1));
  // add on cpu: host sh, the weight w (host copy), output y.
  EXPECT_FALSE(plan.argumentOnDevice(0, 3, 0));
  EXPECT_FALSE(plan.argumentOnDevice(0, 3, 1));
  EXPECT_FALSE(plan.argumentOnDevice(0, 3, 2));
}

TEST(MixedPlan, CpuPlansKeepEverythingOnTheHost) {
  BuiltPlan p = build(diamondBuilder());
  dlc::rt::PlanView plan = p.view();
  ASSERT_EQ(plan.validate(3), "");
  EXPECT_FALSE(plan.isMixed(0));
  for (uint32_t n = 0; n < 4; ++n)
    EXPECT_FALSE(plan.argumentOnDevice(0, n, 0));
}

/// The mixed plan with one change, expected to be refused with `message`.
void expectUnsupported(const std::function<void(dlc::PlanBuilder &)> &change,
                       const std::string &message) {
  dlc::PlanBuilder b = mixedBuilder();
  change(b);
  BuiltPlan p;
  p.blob = b.build();
  dlc::rt::PlanView plan = p.view();
  ASSERT_EQ(plan.validate(3), "");
  EXPECT_EQ(plan.unsupported(0), message);
}

TEST(MixedPlan, RefusesWhatItCannotRun) {
  expectUnsupported(
      [](dlc::PlanBuilder &b) { // a CPU kernel reading a device tensor directly
        uint32_t out = b.addOutput("z", DLC_DTYPE_FLOAT32, {kN});
        b.addCpuNode(kRelu, {3}, {out}, {1}, "relu", "dlc.relu");
      },
      "node 4 'relu' (dlc.relu): tensor 'sd' is on device 1 but the node runs on device 0 (a "
      "copy node must move it)");
  expectUnsupported(
      [](dlc::PlanBuilder &b) { // a GPU kernel writing a host output
        uint32_t out = b.addOutput("z", DLC_DTYPE_FLOAT32, {kN});
        b.addNode(node(DLC_NODE_GPU_KERNEL, kCuda, kRelu, {3}, {out}, {1}, "relu", "dlc.relu"));
      },
      "node 4 'relu' (dlc.relu): GPU kernel reads host buffer 'z' (a copy node must move it)");
  expectUnsupported(
      [](dlc::PlanBuilder &b) { // a second CUDA device
        dlc::PlanTensor t;
        t.dtype = DLC_DTYPE_FLOAT32;
        t.shape = {kN};
        t.device = 2;
        t.name = "other";
        uint32_t other = b.addTensor(t);
        b.addNode(node(DLC_NODE_COPY, 2, 0, {3}, {other}, {1}, "to_cuda1", "copy"));
      },
      "node 4 'to_cuda1' (copy): device 2 (cuda:1) is not supported: this runtime runs one CUDA "
      "device (cuda:0)");
}

TEST(MixedPlan, ModelCreationWithoutAGpuFailsCleanly) {
  BuiltPlan p = build(mixedBuilder());
  Image image(p.blob);
  dlc_model *model = nullptr;
  ErrorHolder e;
  dlc_status status = dlc_model_create(&image.image, nullptr, &model, e.out());
  if (status == DLC_OK) {
    dlc_model_free(model);
    GTEST_SKIP() << "a CUDA device is present: creation succeeded (runs are checked by "
                    "tests/cuda/check_split.py)";
  }
  EXPECT_EQ(status, DLC_UNSUPPORTED);
  EXPECT_EQ(model, nullptr);
  EXPECT_NE(e.message().find("cannot run this CUDA model: "), std::string::npos) << e.message();
}

} // namespace
