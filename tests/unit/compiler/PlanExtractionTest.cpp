//===- PlanExtractionTest.cpp - arena planning and node dependencies ------===//
#include "compiler/Passes.h"
#include "compiler/driver/Compile.h"
#include "compiler/driver/PlanExtraction.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

using namespace mlir;

namespace {

class PlanExtractionTest : public ::testing::Test {
protected:
  PlanExtractionTest() {
    DialectRegistry registry;
    dlc::registerCompilerDialects(registry);
    ctx.appendDialectRegistry(registry);
    ctx.loadAllAvailableDialects();
  }

  /// Parses a graph, places it over `devices` when given (dlc-place),
  /// outlines it and extracts the plan (`inPlace`: in-place kernels).
  dlc::GraphPlan plan(const char *source, bool inPlace = false,
                      std::vector<std::string> devices = {}) {
    module = parseSourceString<ModuleOp>(source, &ctx);
    EXPECT_TRUE(module);
    PassManager pm(&ctx);
    if (!devices.empty()) {
      dlc::PlaceOptions place;
      place.devices.assign(devices.begin(), devices.end());
      pm.addPass(dlc::createPlace(place));
    }
    pm.addPass(dlc::createOutlineKernels());
    EXPECT_TRUE(succeeded(pm.run(*module)));
    func::FuncOp graph;
    for (auto f : module->getOps<func::FuncOp>())
      if (f->hasAttr(dlc::kGraphAttr))
        graph = f;
    auto result = dlc::extractPlan(graph, inPlace);
    EXPECT_TRUE(succeeded(result));
    return *result;
  }

  MLIRContext ctx;
  OwningOpRef<ModuleOp> module;
};

// Lifetimes from the node lists: [producer, last reader].
std::vector<std::pair<int, int>> lifetimes(const dlc::GraphPlan &p) {
  std::vector<std::pair<int, int>> life(p.tensors.size(), {-1, -1});
  for (size_t n = 0; n < p.nodes.size(); ++n) {
    for (uint32_t t : p.nodes[n].outputs)
      life[t] = {int(n), int(n)};
    for (uint32_t t : p.nodes[n].inputs)
      life[t].second = std::max(life[t].second, int(n));
  }
  return life;
}

// A chain of 6 relus over 4 KiB tensors: each value dies after the next node,
// so memory is reused (the arena holds two tensors, not five).
constexpr const char *kChain = R"mlir(
func.func @main_graph(%x: tensor<1024xf32>) -> tensor<1024xf32> attributes {dlc.graph} {
  %0 = dlc.relu %x : (tensor<1024xf32>) -> tensor<1024xf32>
  %1 = dlc.relu %0 : (tensor<1024xf32>) -> tensor<1024xf32>
  %2 = dlc.relu %1 : (tensor<1024xf32>) -> tensor<1024xf32>
  %3 = dlc.relu %2 : (tensor<1024xf32>) -> tensor<1024xf32>
  %4 = dlc.relu %3 : (tensor<1024xf32>) -> tensor<1024xf32>
  %5 = dlc.relu %4 : (tensor<1024xf32>) -> tensor<1024xf32>
  return %5 : tensor<1024xf32>
}
)mlir";

TEST_F(PlanExtractionTest, ChainReusesArena) {
  dlc::GraphPlan p = plan(kChain);
  ASSERT_EQ(p.nodes.size(), 6u);
  EXPECT_EQ(p.arenaBytes, 2u * 4096u);
  ASSERT_EQ(p.outputs.size(), 1u);
  EXPECT_EQ(p.tensors[p.outputs[0]].storage, DLC_STORAGE_OUTPUT);
  EXPECT_EQ(p.tensors[p.inputs[0]].storage, DLC_STORAGE_INPUT);
}

TEST_F(PlanExtractionTest, ReuseAddsWriteAfterReadDependencies) {
  dlc::GraphPlan p = plan(kChain);
  // Node 2 overwrites node 0's output, which node 1 reads: 2 must wait for 1
  // (data dependency) and for 0 and 1 (reuse); all are earlier nodes.
  for (size_t i = 0; i < p.nodes.size(); ++i)
    for (uint32_t d : p.nodes[i].deps)
      EXPECT_LT(d, i);
  EXPECT_EQ(p.nodes[2].deps, (std::vector<uint32_t>{0, 1}));
}

// Two independent branches and a join: overlapping lifetimes never share memory.
constexpr const char *kDiamond = R"mlir(
func.func @main_graph(%x: tensor<256xf32>) -> (tensor<256xf32>, tensor<256xf32>) attributes {dlc.graph} {
  %c = dlc.constant dense<2.0> : tensor<256xf32>
  %a = dlc.exp %x : (tensor<256xf32>) -> tensor<256xf32>
  %b = dlc.neg %x : (tensor<256xf32>) -> tensor<256xf32>
  %s = dlc.add %a, %b : (tensor<256xf32>, tensor<256xf32>) -> tensor<256xf32>
  %m = dlc.mul %s, %c : (tensor<256xf32>, tensor<256xf32>) -> tensor<256xf32>
  %n = dlc.sub %m, %a : (tensor<256xf32>, tensor<256xf32>) -> tensor<256xf32>
  return %n, %x : tensor<256xf32>, tensor<256xf32>
}
)mlir";

TEST_F(PlanExtractionTest, LiveTensorsDoNotOverlap) {
  dlc::GraphPlan p = plan(kDiamond);
  auto life = lifetimes(p);
  for (size_t a = 0; a < p.tensors.size(); ++a)
    for (size_t b = a + 1; b < p.tensors.size(); ++b) {
      const auto &ta = p.tensors[a], &tb = p.tensors[b];
      if (ta.storage != DLC_STORAGE_ARENA || tb.storage != DLC_STORAGE_ARENA)
        continue;
      bool liveTogether = life[a].first <= life[b].second && life[b].first <= life[a].second;
      bool memoryOverlaps = ta.offset < tb.offset + tb.bytes && tb.offset < ta.offset + ta.bytes;
      EXPECT_FALSE(liveTogether && memoryOverlaps) << ta.name << " and " << tb.name;
    }
}

TEST_F(PlanExtractionTest, WeightsAndCopiedOutputs) {
  dlc::GraphPlan p = plan(kDiamond);
  // The constant is a weight (256 floats of 2.0); returning the graph input
  // needs a copy node writing output binding 1.
  size_t weights = 0;
  for (const auto &t : p.tensors)
    weights += t.storage == DLC_STORAGE_WEIGHT;
  EXPECT_EQ(weights, 1u);
  ASSERT_EQ(p.weights.size(), 1024u);
  float first;
  std::memcpy(&first, p.weights.data(), 4);
  EXPECT_EQ(first, 2.0f);
  const dlc::PlanNode &copy = p.nodes.back();
  EXPECT_EQ(copy.kind, DLC_NODE_COPY);
  EXPECT_EQ(p.tensors[copy.outputs[0]].storage, DLC_STORAGE_OUTPUT);
  EXPECT_EQ(p.tensors[copy.outputs[0]].offset, 1u);
}

TEST_F(PlanExtractionTest, SerializedBlobHasValidHeader) {
  dlc::GraphPlan p = plan(kDiamond);
  std::vector<uint8_t> blob = dlc::serializePlan(p);
  ASSERT_GE(blob.size(), sizeof(dlc_plan_header));
  dlc_plan_header header;
  std::memcpy(&header, blob.data(), sizeof(header));
  EXPECT_EQ(header.magic, DLC_PLAN_MAGIC);
  EXPECT_EQ(header.version, DLC_PLAN_VERSION);
  EXPECT_EQ(header.blob_bytes, blob.size());
  EXPECT_EQ(header.num_nodes, p.nodes.size());
  EXPECT_EQ(header.num_tensors, p.tensors.size());
  EXPECT_EQ(header.weights_offset % DLC_ARENA_ALIGNMENT, 0u);
  EXPECT_EQ(header.weights_offset + header.weights_bytes, blob.size());
}

TEST_F(PlanExtractionTest, InPlaceChainNeedsOneBuffer) {
  dlc::GraphPlan p = plan(kChain, /*inPlace=*/true);
  // relu 0 reads the graph input; relus 1..4 overwrite their operand; relu 5
  // writes the output binding. One 4 KiB arena tensor instead of two.
  EXPECT_EQ(p.arenaBytes, 4096u);
  for (size_t n = 1; n < 5; ++n)
    EXPECT_EQ(p.tensors[p.nodes[n].outputs[0]].offset, p.tensors[p.nodes[n].inputs[0]].offset);
}

TEST_F(PlanExtractionTest, InPlaceOnlyOverDeadOperandsAfterTheirReaders) {
  dlc::GraphPlan p = plan(kDiamond, /*inPlace=*/true);
  auto life = lifetimes(p);
  size_t inPlace = 0;
  for (size_t a = 0; a < p.tensors.size(); ++a)
    for (size_t b = a + 1; b < p.tensors.size(); ++b) {
      const auto &ta = p.tensors[a], &tb = p.tensors[b];
      if (ta.storage != DLC_STORAGE_ARENA || tb.storage != DLC_STORAGE_ARENA)
        continue;
      bool memoryOverlaps = ta.offset < tb.offset + tb.bytes && tb.offset < ta.offset + ta.bytes;
      bool liveTogether = life[a].first <= life[b].second && life[b].first <= life[a].second;
      if (!memoryOverlaps || !liveTogether)
        continue;
      // The only allowed sharing: b's producer overwrites a, its last use,
      // after every other reader of a.
      int n = life[b].first;
      ASSERT_EQ(life[a].second, n) << ta.name << " is read after " << tb.name << " is written";
      ASSERT_EQ(ta.offset, tb.offset);
      const auto &deps = p.nodes[n].deps;
      for (size_t r = 0; r < p.nodes.size(); ++r)
        if (int(r) != n && std::count(p.nodes[r].inputs.begin(), p.nodes[r].inputs.end(), a))
          EXPECT_TRUE(std::count(deps.begin(), deps.end(), r)) << "node " << n << " must wait for " << r;
      ++inPlace;
    }
  // add overwrites neg's result (exp's is read again by sub); mul overwrites
  // add's; sub writes the output binding.
  EXPECT_EQ(inPlace, 2u);
}

// relu overwrites exp's result, its last use; neg reads that result too but
// relu does not otherwise depend on it: the in-place write must wait.
constexpr const char *kSharedOperand = R"mlir(
func.func @main_graph(%x: tensor<64xf32>) -> (tensor<64xf32>, tensor<64xf32>) attributes {dlc.graph} {
  %a = dlc.exp %x : (tensor<64xf32>) -> tensor<64xf32>
  %b = dlc.neg %a : (tensor<64xf32>) -> tensor<64xf32>
  %s = dlc.relu %a : (tensor<64xf32>) -> tensor<64xf32>
  %t = dlc.sqrt %s : (tensor<64xf32>) -> tensor<64xf32>
  return %b, %t : tensor<64xf32>, tensor<64xf32>
}
)mlir";

TEST_F(PlanExtractionTest, InPlaceWriteWaitsForOtherReaders) {
  dlc::GraphPlan p = plan(kSharedOperand, /*inPlace=*/true);
  ASSERT_EQ(p.nodes.size(), 4u);
  const dlc::PlanNode &relu = p.nodes[2];
  EXPECT_EQ(p.tensors[relu.outputs[0]].offset, p.tensors[relu.inputs[0]].offset);
  EXPECT_EQ(relu.deps, (std::vector<uint32_t>{0, 1}));
  // Without in-place planning relu only waits for its producer.
  EXPECT_EQ(plan(kSharedOperand).nodes[2].deps, (std::vector<uint32_t>{0}));
}

// A big matmul (cuda:0 by the cost rule) and its elementwise tail (which
// follows it), next to a small host branch: copies at every boundary.
constexpr const char *kSplit = R"mlir(
func.func @main_graph(%x: tensor<64x64xf32>, %w: tensor<64x64xf32>) -> (tensor<64x64xf32>, tensor<64x64xf32>) attributes {dlc.graph} {
  %m = dlc.matmul %x, %w : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  %e = dlc.exp %m : (tensor<64x64xf32>) -> tensor<64x64xf32>
  %r = dlc.relu %e : (tensor<64x64xf32>) -> tensor<64x64xf32>
  %t = dlc.tanh %x : (tensor<64x64xf32>) -> tensor<64x64xf32>
  return %r, %t : tensor<64x64xf32>, tensor<64x64xf32>
}
)mlir";

TEST_F(PlanExtractionTest, PlacedPlanRecordsDevicesAndCopies) {
  dlc::GraphPlan p = plan(kSplit, /*inPlace=*/true, {"cpu", "cuda:0"});
  std::vector<std::string> kinds;
  for (const dlc::PlanNode &n : p.nodes)
    kinds.push_back(n.op + "@" + std::to_string(n.device) +
                    (n.kind == DLC_NODE_COPY         ? ":copy"
                     : n.kind == DLC_NODE_GPU_KERNEL ? ":gpu"
                                                     : ":cpu"));
  EXPECT_EQ(kinds, (std::vector<std::string>{"copy@1:copy", "copy@1:copy", "dlc.matmul@1:gpu",
                                             "dlc.exp@1:gpu", "dlc.relu@1:gpu", "dlc.tanh@0:cpu",
                                             "copy@0:copy"}));
  // A node's arena tensors live on its device, except a copy's source.
  size_t deviceTensors = 0;
  for (const dlc::PlanNode &n : p.nodes) {
    for (uint32_t t : n.outputs)
      if (p.tensors[t].storage == DLC_STORAGE_ARENA) {
        EXPECT_EQ(p.tensors[t].device, n.device) << n.name;
        deviceTensors += p.tensors[t].device == 1;
      }
    if (n.kind != DLC_NODE_COPY)
      for (uint32_t t : n.inputs)
        if (p.tensors[t].storage == DLC_STORAGE_ARENA)
          EXPECT_EQ(p.tensors[t].device, n.device) << n.name;
  }
  EXPECT_EQ(deviceTensors, 5u); // x, w, m, e, r on the device
  // Graph inputs and outputs stay host buffers, written by host nodes.
  for (uint32_t t : p.inputs)
    EXPECT_EQ(p.tensors[t].device, 0u);
  for (uint32_t t : p.outputs)
    EXPECT_EQ(p.tensors[t].device, 0u);
}

} // namespace
