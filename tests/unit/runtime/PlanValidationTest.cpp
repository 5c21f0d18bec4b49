// Every corrupted plan field is rejected with a specific message, never a crash.
#include "TestPlans.h"

#include <gtest/gtest.h>

#include <functional>

using namespace dlc::test;

namespace {

// Rows of a serialized plan, to corrupt them in place.
dlc_plan_header &header(std::vector<uint8_t> &b) {
  return *reinterpret_cast<dlc_plan_header *>(b.data());
}
dlc_plan_tensor &tensorRow(std::vector<uint8_t> &b, uint32_t i) {
  return reinterpret_cast<dlc_plan_tensor *>(b.data() + header(b).tensors_offset)[i];
}
dlc_plan_node &nodeRow(std::vector<uint8_t> &b, uint32_t i) {
  return reinterpret_cast<dlc_plan_node *>(b.data() + header(b).nodes_offset)[i];
}
dlc_plan_entry &entryRow(std::vector<uint8_t> &b, uint32_t i) {
  return reinterpret_cast<dlc_plan_entry *>(b.data() + header(b).entries_offset)[i];
}
uint32_t &indexAt(std::vector<uint8_t> &b, uint32_t i) {
  return reinterpret_cast<uint32_t *>(b.data() + header(b).indices_offset)[i];
}

/// dlc_model_create on `blob`: expects `status` and a message containing `message`.
void expectRejected(const std::vector<uint8_t> &blob, dlc_status status, const std::string &message,
                    const dlc_cpu_fn *kernels = kDiamondKernels, uint32_t numKernels = 3) {
  Image image(blob, kernels, numKernels);
  dlc_model *model = reinterpret_cast<dlc_model *>(0x1);
  ErrorHolder e;
  EXPECT_EQ(dlc_model_create(&image.image, nullptr, &model, e.out()), status) << e.message();
  EXPECT_EQ(model, nullptr);
  EXPECT_NE(e.message().find(message), std::string::npos) << e.message();
  // The build-time check of the compiler reports the same plan problems.
  if (status == DLC_INVALID_PLAN) {
    EXPECT_NE(dlc::validatePlan(image.blob.get(), blob.size(), numKernels), "");
  }
}

struct Corruption {
  const char *name;
  std::function<void(std::vector<uint8_t> &)> edit;
  const char *message; // expected substring
};

class PlanValidationTest : public ::testing::TestWithParam<Corruption> {};

TEST_P(PlanValidationTest, RejectsCorruptPlan) {
  std::vector<uint8_t> blob = diamondBlob();
  ASSERT_EQ(dlc::validatePlan(blob.data(), blob.size(), 3), "");
  GetParam().edit(blob);
  expectRejected(blob, DLC_INVALID_PLAN, GetParam().message);
}

const Corruption kCorruptions[] = {
    // Header
    {"magic", [](auto &b) { header(b).magic = 0x12345678; }, "not a dlc plan (bad magic)"},
    {"version", [](auto &b) { header(b).version = 99; },
     "plan version 99 is not supported (expected 1)"},
    {"blob_bytes", [](auto &b) { header(b).blob_bytes += 8; }, "bytes, image has"},
    {"kernel_count", [](auto &b) { header(b).num_kernels = 2; }, "plan expects 2 kernels, image has 3"},
    {"tensors_offset", [](auto &b) { header(b).tensors_offset = b.size(); },
     "tensor table lies outside the plan blob"},
    {"tensors_offset_overflow", [](auto &b) { header(b).tensors_offset = UINT64_MAX - 7; },
     "tensor table lies outside the plan blob"},
    {"tensors_misaligned", [](auto &b) { header(b).tensors_offset += 4; }, "tensor table is not 8-byte aligned"},
    {"num_nodes", [](auto &b) { header(b).num_nodes = 1u << 30; }, "node table lies outside"},
    {"num_tensors", [](auto &b) { header(b).num_tensors = UINT32_MAX; }, "tensor table lies outside"},
    {"entries_offset", [](auto &b) { header(b).entries_offset = b.size() - 8; }, "entry table lies outside"},
    {"num_indices", [](auto &b) { header(b).num_indices = UINT32_MAX; }, "index table lies outside"},
    {"strings_bytes", [](auto &b) { header(b).strings_bytes = UINT64_MAX; }, "string table lies outside"},
    {"weights_offset", [](auto &b) { header(b).weights_offset = b.size(); }, "weights section lies outside the plan blob"},
    {"weights_bytes", [](auto &b) { header(b).weights_bytes += 1; }, "weights section lies outside the plan blob"},
    {"weights_misaligned", [](auto &b) { header(b).weights_offset -= 8; header(b).weights_bytes += 8; },
     "weights are not 64-byte aligned"},
    {"no_entry", [](auto &b) { header(b).num_entries = 0; }, "plan has no entry point"},
    {"model_name", [](auto &b) { header(b).model_name = 1u << 20; }, "model name is not a valid string"},
    {"unterminated_strings",
     [](auto &b) { header(b).strings_bytes = 3; /* "diamond" without its NUL */ },
     "model name is not a valid string"},
    // Tensors
    {"tensor_name", [](auto &b) { tensorRow(b, 2).name = 1u << 30; }, "tensor 2: name is not a valid string"},
    {"dtype", [](auto &b) { tensorRow(b, 2).dtype = 99; }, "tensor 2 'a': unknown dtype 99"},
    {"rank", [](auto &b) { tensorRow(b, 2).rank = 9; }, "tensor 2 'a': rank 9 exceeds 8"},
    {"negative_dim", [](auto &b) { tensorRow(b, 2).shape[0] = -1; }, "negative dim -1"},
    {"shape_overflow",
     [](auto &b) {
       auto &t = tensorRow(b, 2);
       t.rank = 2;
       t.shape[0] = INT64_MAX;
       t.shape[1] = 4;
     },
     "tensor 2 'a': size overflows"},
    {"bytes", [](auto &b) { tensorRow(b, 2).bytes = 8; },
     "tensor 2 'a': byte size 8 does not match its shape (256)"},
    {"arena_overflow", [](auto &b) { tensorRow(b, 4).offset = 4096; },
     "tensor 4 's': bytes [4096, +256) lie outside the arena (768 bytes)"},
    {"arena_offset_wraps", [](auto &b) { tensorRow(b, 4).offset = UINT64_MAX - 8; }, "lie outside the arena"},
    {"arena_bytes", [](auto &b) { header(b).arena_bytes = 767; }, "lie outside the arena (767 bytes)"},
    {"weights_overflow", [](auto &b) { tensorRow(b, 1).offset = 64; },
     "tensor 1 'w': bytes [64, +256) lie outside the weights (256 bytes)"},
    {"storage", [](auto &b) { tensorRow(b, 2).storage = 7; }, "tensor 2 'a': unknown storage 7"},
    // Nodes
    {"node_kind", [](auto &b) { nodeRow(b, 1).kind = 9; }, "node 1 'scale' (dlc.mul): unknown node kind 9"},
    {"node_name", [](auto &b) { nodeRow(b, 1).op = UINT32_MAX; }, "node 1: name or op is not a valid string"},
    {"kernel_index", [](auto &b) { nodeRow(b, 0).kernel = 7; },
     "node 0 'relu' (dlc.relu): kernel 7 is not in the kernel table (3 kernels)"},
    {"args_range", [](auto &b) { nodeRow(b, 0).args = UINT32_MAX; }, "argument list lies outside the index table"},
    {"arg_count", [](auto &b) { nodeRow(b, 0).num_outputs = UINT32_MAX; }, "argument list lies outside"},
    {"arg_tensor", [](auto &b) { indexAt(b, nodeRow(b, 0).args) = 42; },
     "node 0 'relu' (dlc.relu): argument 0 is tensor 42, the plan has 6"},
    {"deps_range", [](auto &b) { nodeRow(b, 2).num_deps = 1000; }, "dependency list lies outside"},
    {"later_dep", [](auto &b) { indexAt(b, nodeRow(b, 2).deps) = 3; },
     "node 2 'add1' (dlc.add): depends on node 3, which is not earlier"},
    {"self_dep", [](auto &b) { indexAt(b, nodeRow(b, 2).deps) = 2; }, "depends on node 2, which is not earlier"},
    {"writes_weight", [](auto &b) { indexAt(b, nodeRow(b, 0).args + 1) = 1; },
     "node 0 'relu' (dlc.relu): writes a read-only tensor"},
    {"writes_input", [](auto &b) { indexAt(b, nodeRow(b, 0).args + 1) = 0; }, "writes a read-only tensor"},
    // Entries
    {"entry_name", [](auto &b) { entryRow(b, 0).name = 1u << 31; }, "entry 0: name is not a valid string"},
    {"entry_nodes", [](auto &b) { entryRow(b, 0).num_nodes = 5; }, "node range lies outside the node table"},
    {"entry_inputs", [](auto &b) { entryRow(b, 0).num_inputs = UINT32_MAX; }, "input/output list lies outside"},
    {"binding_tensor", [](auto &b) { indexAt(b, entryRow(b, 0).inputs) = 77; },
     "entry 0 'inference': input 0 is tensor 77, the plan has 6"},
    {"binding_position", [](auto &b) { tensorRow(b, 0).offset = 3; },
     "entry 0 'inference': tensor 0 is not bound to input position 0"},
    {"binding_storage", [](auto &b) { indexAt(b, entryRow(b, 0).outputs) = 4; },
     "tensor 4 is not bound to output position 0"},
    {"output_never_written",
     [](auto &b) { indexAt(b, nodeRow(b, 3).args + 2) = 4; /* add2 writes s, not y */ },
     "entry 0 'inference': output 0 'y' is never written"},
};

INSTANTIATE_TEST_SUITE_P(Fields, PlanValidationTest, ::testing::ValuesIn(kCorruptions),
                         [](const auto &info) { return std::string(info.param.name); });

TEST(PlanValidation, DependencyOutsideTheEntryWouldHang) {
  // Entry 0 runs node 1 only, but node 1 waits for node 0: rejected rather
  // than a run that never finishes.
  dlc::PlanBuilder b = diamondBuilder();
  dlc::PlanEntry e;
  e.inputs = {0};
  e.outputs = {5};
  e.firstNode = 3;
  e.numNodes = 1;
  b.addEntry(e);
  expectRejected(b.build(), DLC_INVALID_PLAN,
                 "node 3 'add2' (dlc.add): depends on node 2, which is outside entry 0 'inference'");
}

TEST(PlanValidation, TensorClaimingAnotherBinding) {
  // A second tensor bound to input 0 with a bigger shape would read past the
  // caller's buffer.
  dlc::PlanBuilder b("alias");
  uint32_t x = b.addInput("x", DLC_DTYPE_FLOAT32, {kN});
  dlc::PlanTensor big;
  big.name = "big";
  big.dtype = DLC_DTYPE_FLOAT32;
  big.shape = {4 * kN};
  big.storage = DLC_STORAGE_INPUT;
  big.offset = 0;
  uint32_t alias = b.addTensor(big);
  uint32_t y = b.addOutput("y", DLC_DTYPE_FLOAT32, {kN});
  b.addCpuNode(kRelu, {alias}, {y}, {}, "relu", "dlc.relu");
  b.setNumKernels(3);
  dlc::PlanEntry e;
  e.inputs = {x};
  e.outputs = {y};
  e.numNodes = 1;
  b.addEntry(e);
  expectRejected(b.build(), DLC_INVALID_PLAN,
                 "node 0 'relu' (dlc.relu): tensor 1 claims input binding 0, which entry 0 "
                 "'inference' does not give it");
}

TEST(PlanValidation, ImageProblems) {
  std::vector<uint8_t> blob = diamondBlob();
  Image image(blob);
  dlc_model *model = nullptr;
  ErrorHolder e;
  dlc_model_image bad = image.image;
  bad.abi_version = 2;
  EXPECT_EQ(dlc_model_create(&bad, nullptr, &model, e.out()), DLC_INVALID_PLAN);
  EXPECT_EQ(e.message(), "model image ABI 2 is not supported (1 expected)");
  bad = image.image;
  bad.plan = nullptr;
  EXPECT_EQ(dlc_model_create(&bad, nullptr, &model, e.out()), DLC_INVALID_PLAN);
  EXPECT_EQ(e.message(), "model image has no plan");
  bad = image.image;
  bad.kernels = nullptr;
  EXPECT_EQ(dlc_model_create(&bad, nullptr, &model, e.out()), DLC_INVALID_PLAN);
  EXPECT_EQ(e.message(), "model image has no kernel table");
  const dlc_cpu_fn withNull[] = {addKernel, nullptr, scaleKernel};
  bad.kernels = withNull;
  EXPECT_EQ(dlc_model_create(&bad, nullptr, &model, e.out()), DLC_INVALID_PLAN);
  EXPECT_EQ(e.message(), "kernel 1 of the image is NULL");
  bad = image.image;
  bad.plan = image.blob.get() + 4; // misaligned
  bad.plan_bytes -= 4;
  EXPECT_EQ(dlc_model_create(&bad, nullptr, &model, e.out()), DLC_INVALID_PLAN);
  EXPECT_EQ(e.message(), "invalid plan: plan blob is not 8-byte aligned");
}

TEST(PlanValidation, TruncatedBlobs) {
  std::vector<uint8_t> blob = diamondBlob();
  for (size_t size = 0; size < blob.size(); size += 8) {
    std::vector<uint8_t> cut(blob.begin(), blob.begin() + size);
    Image image(cut);
    dlc_model *model = nullptr;
    EXPECT_EQ(dlc_model_create(&image.image, nullptr, &model, nullptr), DLC_INVALID_PLAN)
        << "size " << size;
    EXPECT_EQ(model, nullptr);
  }
}

// Random byte flips in the tables: whatever they hit, creation either fails
// cleanly or yields a model that runs (the sanitizer builds check the rest).
TEST(PlanValidation, RandomCorruptionNeverCrashes) {
  std::vector<uint8_t> good = diamondBlob();
  uint64_t tablesEnd = header(good).weights_offset;
  std::mt19937 rng(1234);
  int rejected = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::vector<uint8_t> blob = good;
    for (int flips = 1 + int(rng() % 3); flips > 0; --flips)
      blob[rng() % tablesEnd] ^= uint8_t(1u << (rng() % 8));
    Image image(blob);
    dlc_model *model = nullptr;
    dlc_status status = dlc_model_create(&image.image, nullptr, &model, nullptr);
    if (status != DLC_OK) {
      ++rejected;
      continue;
    }
    // Accepted: the flip hit something harmless (a name's text, an unused
    // field). Running is then safe by construction of the checks.
    dlc_model_free(model);
  }
  EXPECT_GT(rejected, 100);
}

} // namespace
