// Every corrupted plan field is rejected with a specific message, never a crash.
#include "TestPlans.h"

#include <gtest/gtest.h>

#include <functional>

using namespace dlc::test;

namespace {

struct Corruption {
  const char *name;
  std::function<void(dlc::GraphPlan &)> editPlan;       // before serialization
  std::function<void(std::vector<uint8_t> &)> editBlob; // after
  const char *message;                                  // expected substring
};

dlc_plan_header &header(std::vector<uint8_t> &blob) {
  return *reinterpret_cast<dlc_plan_header *>(blob.data());
}

class PlanValidationTest : public ::testing::TestWithParam<Corruption> {};

TEST_P(PlanValidationTest, RejectsCorruptPlan) {
  const Corruption &c = GetParam();
  dlc::GraphPlan plan = diamondPlan();
  if (c.editPlan)
    c.editPlan(plan);
  std::vector<uint8_t> blob = dlc::serializePlan(plan);
  if (c.editBlob)
    c.editBlob(blob);
  Image image(blob);
  dlc_model *model = nullptr;
  dlc_error *error = nullptr;
  EXPECT_EQ(dlc_model_create(&image.image, nullptr, &model, &error), DLC_INVALID_PLAN);
  EXPECT_EQ(model, nullptr);
  EXPECT_NE(std::string(dlc_error_message(error)).find(c.message), std::string::npos)
      << dlc_error_message(error);
  dlc_error_free(error);
}

const Corruption kCorruptions[] = {
    {"magic", nullptr, [](auto &b) { header(b).magic = 0x12345678; }, "bad magic"},
    {"version", nullptr, [](auto &b) { header(b).version = 99; }, "plan version 99"},
    {"size", nullptr, [](auto &b) { header(b).blob_bytes += 8; }, "image has"},
    {"tensor_table", nullptr, [](auto &b) { header(b).tensors_offset = b.size(); },
     "tensor table lies outside"},
    {"node_count", nullptr, [](auto &b) { header(b).num_nodes = 1u << 30; },
     "node table lies outside"},
    {"strings", nullptr, [](auto &b) { header(b).strings_bytes = 0; }, "not a valid string"},
    {"arena", [](auto &p) { p.tensors[4].offset = 4096; }, nullptr, "lies outside the arena"},
    {"weights", [](auto &p) { p.tensors[1].offset = 64; }, nullptr, "lies outside the weights"},
    {"bytes", [](auto &p) { p.tensors[2].bytes = 8; }, nullptr, "does not match its shape"},
    {"overflow", [](auto &p) { p.tensors[2].shape = {INT64_MAX, 4}; }, nullptr, "size overflows"},
    {"dtype", [](auto &p) { p.tensors[2].dtype = 99; }, nullptr, "unknown dtype 99"},
    {"kernel", [](auto &p) { p.nodes[0].kernel = 7; }, nullptr, "kernel 7 is not in the kernel table"},
    {"later_dep", [](auto &p) { p.nodes[0].deps = {3}; }, nullptr, "which is not earlier"},
    {"arg", [](auto &p) { p.nodes[0].inputs = {42}; }, nullptr, "is not a tensor"},
    {"write_weight", [](auto &p) { p.nodes[0].outputs = {1}; }, nullptr, "writes a read-only tensor"},
    {"binding", [](auto &p) { p.tensors[0].offset = 3; }, nullptr, "is not bound to position 0"},
    {"kernel_count", nullptr, [](auto &b) { header(b).num_kernels = 2; }, "kernels, image has 3"},
};

INSTANTIATE_TEST_SUITE_P(Fields, PlanValidationTest, ::testing::ValuesIn(kCorruptions),
                         [](const auto &info) { return std::string(info.param.name); });

TEST(PlanValidation, TruncatedBlobs) {
  std::vector<uint8_t> blob = dlc::serializePlan(diamondPlan());
  for (size_t size : {size_t(0), size_t(16), sizeof(dlc_plan_header), blob.size() / 2}) {
    std::vector<uint8_t> cut(blob.begin(), blob.begin() + size);
    Image image(cut.empty() ? std::vector<uint8_t>(1) : cut);
    image.image.plan_bytes = size;
    dlc_model *model = nullptr;
    dlc_error *error = nullptr;
    EXPECT_EQ(dlc_model_create(&image.image, nullptr, &model, &error), DLC_INVALID_PLAN)
        << "size " << size;
    dlc_error_free(error);
  }
}

} // namespace
