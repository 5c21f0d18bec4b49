//===- PlanExtractionTest.cpp - arena planning and node dependencies ------===//
#include "compiler/Passes.h"
#include "compiler/driver/Compile.h"
#include "compiler/driver/PlanExtraction.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

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

  /// Parses a graph, outlines it and extracts the plan.
  dlc::GraphPlan plan(const char *source) {
    module = parseSourceString<ModuleOp>(source, &ctx);
    EXPECT_TRUE(module);
    PassManager pm(&ctx);
    pm.addPass(dlc::createOutlineKernels());
    EXPECT_TRUE(succeeded(pm.run(*module)));
    func::FuncOp graph;
    for (auto f : module->getOps<func::FuncOp>())
      if (f->hasAttr(dlc::kGraphAttr))
        graph = f;
    auto result = dlc::extractPlan(graph);
    EXPECT_TRUE(succeeded(result));
    return *result;
  }

  MLIRContext ctx;
  OwningOpRef<ModuleOp> module;
};

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
  // Lifetimes from the node lists: [producer, last reader].
  std::vector<std::pair<int, int>> life(p.tensors.size(), {-1, -1});
  for (size_t n = 0; n < p.nodes.size(); ++n) {
    for (uint32_t t : p.nodes[n].outputs)
      life[t] = {int(n), int(n)};
    for (uint32_t t : p.nodes[n].inputs)
      life[t].second = std::max(life[t].second, int(n));
  }
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

} // namespace
