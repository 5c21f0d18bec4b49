// PlanBuilder: the blob layout of plan.h, weights alignment, the default
// entry, build-time validation, and GraphPlan serialization.
#include "TestPlans.h"
#include "dlc/plan_writer.hpp"

#include <gtest/gtest.h>

using namespace dlc::test;

namespace {

dlc_plan_header headerOf(const std::vector<uint8_t> &blob) {
  dlc_plan_header h;
  std::memcpy(&h, blob.data(), sizeof h);
  return h;
}

TEST(PlanBuilder, LaysOutTheTablesOfPlanH) {
  std::vector<uint8_t> blob = diamondBlob();
  dlc_plan_header h = headerOf(blob);
  EXPECT_EQ(h.magic, DLC_PLAN_MAGIC);
  EXPECT_EQ(h.version, DLC_PLAN_VERSION);
  EXPECT_EQ(h.blob_bytes, blob.size());
  EXPECT_EQ(h.num_tensors, 6u);
  EXPECT_EQ(h.num_nodes, 4u);
  EXPECT_EQ(h.num_entries, 1u);
  EXPECT_EQ(h.num_kernels, 3u);
  EXPECT_EQ(h.arena_bytes, 768u);
  // Header, then tensors, nodes, entries, indices, strings, weights, in order.
  EXPECT_EQ(h.tensors_offset, (sizeof(dlc_plan_header) + 7) / 8 * 8);
  EXPECT_EQ(h.nodes_offset, h.tensors_offset + 6 * sizeof(dlc_plan_tensor));
  EXPECT_EQ(h.entries_offset, h.nodes_offset + 4 * sizeof(dlc_plan_node));
  EXPECT_EQ(h.indices_offset, h.entries_offset + sizeof(dlc_plan_entry));
  EXPECT_GE(h.strings_offset, h.indices_offset + 4 * h.num_indices);
  EXPECT_EQ(h.weights_offset % DLC_ARENA_ALIGNMENT, 0u);
  EXPECT_EQ(h.weights_offset + h.weights_bytes, blob.size());
  EXPECT_EQ(blob[h.strings_offset + h.strings_bytes - 1], '\0');
  EXPECT_STREQ(reinterpret_cast<const char *>(blob.data() + h.strings_offset + h.model_name), "diamond");
  EXPECT_EQ(dlc::validatePlan(blob.data(), blob.size(), 3), "");
}

TEST(PlanBuilder, AlignsWeights) {
  dlc::PlanBuilder b;
  uint8_t three[3] = {1, 2, 3};
  EXPECT_EQ(b.addWeights(three, 3), 0u);
  EXPECT_EQ(b.addWeights(three, 3), 64u);
  EXPECT_EQ(b.addWeights(three, 3, 4), 68u);
  EXPECT_EQ(b.addWeights(nullptr, 0, 16), 80u);
  std::vector<float> w(5, 2.0f);
  uint32_t id = b.addWeightTensor("w", DLC_DTYPE_FLOAT32, {5}, w.data());
  EXPECT_EQ(b.weightBytes().size(), 128u + 20u);
  EXPECT_EQ(id, 0u);
  float back[5];
  std::memcpy(back, b.weightBytes().data() + 128, sizeof back);
  EXPECT_EQ(back[4], 2.0f);
}

TEST(PlanBuilder, DefaultEntryBindsByPosition) {
  dlc::PlanBuilder b;
  // Added out of order through addTensor: the entry sorts them by binding.
  dlc::PlanTensor second{"second", DLC_DTYPE_INT64, {2}, DLC_STORAGE_INPUT, 1};
  dlc::PlanTensor first{"first", DLC_DTYPE_INT64, {2}, DLC_STORAGE_INPUT, 0};
  uint32_t s = b.addTensor(second), f = b.addTensor(first);
  EXPECT_EQ(s, 0u);
  EXPECT_EQ(f, 1u);
  uint32_t out = b.addOutput("out", DLC_DTYPE_INT64, {2});
  b.addCopyNode(f, out, {}, "id");
  std::vector<uint8_t> blob;
  std::string problem;
  ASSERT_TRUE(b.build(blob, problem)) << problem;
  Image image(blob, nullptr, 0);
  dlc_model *model = nullptr;
  ASSERT_EQ(dlc_model_create(&image.image, nullptr, &model, nullptr), DLC_OK);
  dlc_tensor_info info;
  ASSERT_EQ(dlc_model_input_info(model, 0, &info, nullptr), DLC_OK);
  EXPECT_STREQ(info.name, "first");
  EXPECT_EQ(info.bytes, 16u); // computed from dtype and shape
  ASSERT_EQ(dlc_model_input_info(model, 1, &info, nullptr), DLC_OK);
  EXPECT_STREQ(info.name, "second");
  dlc_model_free(model);
}

TEST(PlanBuilder, BuildReportsInvalidPlans) {
  dlc::PlanBuilder b = diamondBuilder();
  b.setArenaBytes(100);
  std::vector<uint8_t> blob;
  std::string problem;
  EXPECT_FALSE(b.build(blob, problem));
  EXPECT_EQ(problem, "tensor 2 'a': bytes [0, +256) lie outside the arena (100 bytes)");
  EXPECT_FALSE(blob.empty()); // still produced, for inspection

  dlc::PlanBuilder ranks;
  ranks.addArenaTensor("r9", DLC_DTYPE_FLOAT32, {1, 1, 1, 1, 1, 1, 1, 1, 1}, 0);
  ranks.setArenaBytes(4);
  EXPECT_FALSE(ranks.build(blob, problem));
  EXPECT_EQ(problem, "tensor 0 'r9': rank 9 exceeds 8");
}

TEST(PlanBuilder, DenseBytes) {
  uint64_t bytes;
  EXPECT_TRUE(dlc::denseBytes(DLC_DTYPE_FLOAT16, {3, 5}, bytes));
  EXPECT_EQ(bytes, 30u);
  EXPECT_TRUE(dlc::denseBytes(DLC_DTYPE_INT64, {}, bytes));
  EXPECT_EQ(bytes, 8u);
  EXPECT_TRUE(dlc::denseBytes(DLC_DTYPE_BOOL, {0, 7}, bytes));
  EXPECT_EQ(bytes, 0u);
  EXPECT_FALSE(dlc::denseBytes(DLC_DTYPE_FLOAT32, {-1}, bytes));
  EXPECT_FALSE(dlc::denseBytes(DLC_DTYPE_FLOAT32, {INT64_MAX, 2}, bytes));
  EXPECT_FALSE(dlc::denseBytes(42, {1}, bytes));
}

TEST(PlanBuilder, GraphPlanSerializesLikeTheBuilder) {
  // The compiler's GraphPlan path and the builder produce the same blob.
  dlc::GraphPlan p;
  p.modelName = "diamond";
  auto tensor = [](const char *name, dlc_storage storage, uint64_t offset) {
    return dlc::PlanTensor{name, DLC_DTYPE_FLOAT32, {kN}, storage, offset, uint64_t(kN * 4)};
  };
  p.tensors = {tensor("x", DLC_STORAGE_INPUT, 0), tensor("w", DLC_STORAGE_WEIGHT, 0),
               tensor("a", DLC_STORAGE_ARENA, 0), tensor("b", DLC_STORAGE_ARENA, 256),
               tensor("s", DLC_STORAGE_ARENA, 512), tensor("y", DLC_STORAGE_OUTPUT, 0)};
  auto node = [](uint32_t kernel, std::vector<uint32_t> in, std::vector<uint32_t> out,
                 std::vector<uint32_t> deps, const char *name, const char *op) {
    dlc::PlanNode n;
    n.kernel = kernel;
    n.inputs = std::move(in);
    n.outputs = std::move(out);
    n.deps = std::move(deps);
    n.name = name;
    n.op = op;
    return n;
  };
  p.nodes = {node(kRelu, {0}, {2}, {}, "relu", "dlc.relu"),
             node(kScale, {0}, {3}, {}, "scale", "dlc.mul"),
             node(kAdd, {2, 3}, {4}, {0, 1}, "add1", "dlc.add"),
             node(kAdd, {4, 1}, {5}, {2}, "add2", "dlc.add")};
  p.inputs = {0};
  p.outputs = {5};
  std::vector<float> ones(kN, 1.0f);
  p.weights.resize(kN * 4);
  std::memcpy(p.weights.data(), ones.data(), kN * 4);
  p.arenaBytes = 768;
  p.kernelSymbols = {"add", "relu", "scale"};
  EXPECT_EQ(dlc::serializePlan(p), diamondBlob());
}

} // namespace
