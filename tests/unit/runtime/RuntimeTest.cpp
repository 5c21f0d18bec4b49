// Model creation, execution (serial and parallel), input validation, and
// concurrent runs of libdlcrt on hand-made plans.
#include "TestPlans.h"
#include "dlc/runtime.hpp"

#include <gtest/gtest.h>

#include <random>
#include <thread>

using namespace dlc::test;

namespace {

std::vector<float> randomInput(unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
  std::vector<float> x(kN);
  for (float &v : x)
    v = dist(rng);
  return x;
}

std::vector<float> expected(const std::vector<float> &x) {
  std::vector<float> y(kN);
  for (int64_t i = 0; i < kN; ++i)
    y[i] = (x[i] > 0 ? x[i] : 0) + 3 * x[i] + 1.0f;
  return y;
}

std::vector<float> runDiamond(dlc::Model &model, const std::vector<float> &x) {
  std::vector<float> y(kN);
  model.run({dlc::view(x, {kN})}, {dlc::view(y, {kN})});
  return y;
}

class DiamondTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(DiamondTest, ComputesTheGraph) {
  Image image(dlc::serializePlan(diamondPlan()));
  dlc::Model model(&image.image, GetParam());
  std::vector<float> x = randomInput(7);
  std::vector<float> y = runDiamond(model, x), want = expected(x);
  for (int64_t i = 0; i < kN; ++i)
    EXPECT_FLOAT_EQ(y[i], want[i]) << "element " << i;
}

INSTANTIATE_TEST_SUITE_P(Threads, DiamondTest, ::testing::Values(1u, 4u));

TEST(RuntimeTest, DescribesInputsAndOutputs) {
  Image image(dlc::serializePlan(diamondPlan()));
  dlc::Model model(&image.image);
  ASSERT_EQ(model.numInputs(), 1u);
  ASSERT_EQ(model.numOutputs(), 1u);
  dlc_tensor_info in = model.input(0);
  EXPECT_STREQ(in.name, "x");
  EXPECT_EQ(in.dtype, DLC_DTYPE_FLOAT32);
  EXPECT_EQ(in.rank, 1u);
  EXPECT_EQ(in.shape[0], kN);
  EXPECT_EQ(dlc_model_find_input(model.get(), "x"), 0);
  EXPECT_EQ(dlc_model_find_input(model.get(), "nope"), -1);
}

TEST(RuntimeTest, RejectsWrongInputsWithTheirName) {
  Image image(dlc::serializePlan(diamondPlan()));
  dlc::Model model(&image.image);
  std::vector<float> y(kN);
  std::vector<double> wrongType(kN);
  int64_t wrongShape[] = {kN + 1};
  dlc_tensor_view out = {y.data(), DLC_DTYPE_FLOAT32, 1, &kN};
  dlc_tensor_view badType = {wrongType.data(), DLC_DTYPE_FLOAT64, 1, &kN};
  dlc_tensor_view badShape = {y.data(), DLC_DTYPE_FLOAT32, 1, wrongShape};
  dlc_error *error = nullptr;
  EXPECT_EQ(dlc_model_run(model.get(), &badType, 1, &out, 1, &error), DLC_INVALID_ARGUMENT);
  EXPECT_STREQ(dlc_error_message(error), "input 'x': expected float32[64], got float64[64]");
  dlc_error_free(error);
  EXPECT_EQ(dlc_model_run(model.get(), &badShape, 1, &out, 1, &error), DLC_INVALID_ARGUMENT);
  EXPECT_STREQ(dlc_error_message(error), "input 'x': expected float32[64], got float32[65]");
  dlc_error_free(error);
  EXPECT_EQ(dlc_model_run(model.get(), &out, 0, &out, 1, &error), DLC_INVALID_ARGUMENT);
  EXPECT_STREQ(dlc_error_message(error), "expected 1 inputs, got 0");
  dlc_error_free(error);
  dlc_tensor_view nullData = {nullptr, DLC_DTYPE_FLOAT32, 1, &kN};
  EXPECT_EQ(dlc_model_run(model.get(), &nullData, 1, &out, 1, &error), DLC_INVALID_ARGUMENT);
  EXPECT_STREQ(dlc_error_message(error), "input 'x': data is NULL");
  dlc_error_free(error);
}

TEST(RuntimeTest, ConcurrentRunsMatchASerialRun) {
  Image image(dlc::serializePlan(diamondPlan()));
  dlc::Model serial(&image.image, 1), shared(&image.image, 2);
  std::vector<std::vector<float>> inputs, reference;
  for (unsigned t = 0; t < 8; ++t) {
    inputs.push_back(randomInput(100 + t));
    reference.push_back(runDiamond(serial, inputs.back()));
  }
  std::vector<int> mismatches(8, 0);
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int run = 0; run < 50; ++run)
        if (runDiamond(shared, inputs[t]) != reference[t])
          ++mismatches[t];
    });
  for (std::thread &th : threads)
    th.join();
  for (unsigned t = 0; t < 8; ++t)
    EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

TEST(RuntimeTest, NullArgumentsAreErrorsNotCrashes) {
  dlc_model *model = nullptr;
  dlc_error *error = nullptr;
  EXPECT_EQ(dlc_model_create(nullptr, nullptr, &model, &error), DLC_INVALID_ARGUMENT);
  EXPECT_STREQ(dlc_error_message(error), "model image is NULL");
  dlc_error_free(error);
  EXPECT_EQ(dlc_model_run(nullptr, nullptr, 0, nullptr, 0, &error), DLC_INVALID_ARGUMENT);
  dlc_error_free(error);
  EXPECT_EQ(dlc_model_num_inputs(nullptr), 0u);
  dlc_model_free(nullptr);
  dlc_error_free(nullptr);
}

} // namespace
