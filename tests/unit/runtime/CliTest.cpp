// dlc_cli_main, the entry point of compiled executables, on the diamond plan.
#include "../../../runtime/src/TensorIO.h"
#include "TestPlans.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <random>

using namespace dlc::test;
namespace fs = std::filesystem;

namespace {

class CliTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("dlc-cli-test-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> dist(-1, 1);
    x.resize(kN);
    for (float &v : x)
      v = dist(rng);
    for (int64_t i = 0; i < kN; ++i)
      y.push_back((x[i] > 0 ? x[i] : 0) + 3 * x[i] + 1.0f);
    write("input_0.pb", x);
    write("output_0.pb", y);
  }
  void TearDown() override { fs::remove_all(dir); }

  void write(const std::string &name, const std::vector<float> &values) {
    dlc::rt::HostTensor t;
    t.dtype = DLC_DTYPE_FLOAT32;
    t.shape = {kN};
    t.data.resize(kN * 4);
    std::memcpy(t.data.data(), values.data(), kN * 4);
    std::string error;
    ASSERT_TRUE(dlc::rt::writeFile((dir / name).string(), dlc::rt::serializeTensorProto(t), error));
  }

  int cli(std::vector<std::string> args) {
    args.insert(args.begin(), "model");
    std::vector<char *> argv;
    for (std::string &a : args)
      argv.push_back(a.data());
    return dlc_cli_main(&image.image, int(argv.size()), argv.data());
  }

  Image image{dlc::serializePlan(diamondPlan())};
  fs::path dir;
  std::vector<float> x, y;
};

TEST_F(CliTest, CheckPassesOnMatchingOutputs) {
  EXPECT_EQ(cli({"--data", dir.string(), "--check"}), 0);
}

TEST_F(CliTest, CheckFailsOnMismatch) {
  y[5] += 0.01f;
  write("output_0.pb", y);
  EXPECT_EQ(cli({"--data", dir.string(), "--check"}), 1);
  // Within a looser tolerance it matches again.
  EXPECT_EQ(cli({"--data", dir.string(), "--check", "--atol", "0.02"}), 0);
}

TEST_F(CliTest, WritesOutputsAsPbAndNpy) {
  fs::path out = dir / "out";
  ASSERT_EQ(cli({"--data", dir.string(), "--output-dir", out.string()}), 0);
  dlc::rt::HostTensor pb, npy;
  std::string error;
  ASSERT_TRUE(dlc::rt::readTensorFile((out / "output_0.pb").string(), pb, error)) << error;
  ASSERT_TRUE(dlc::rt::readTensorFile((out / "output_0.npy").string(), npy, error)) << error;
  EXPECT_EQ(pb.data, npy.data);
  std::vector<float> got(kN);
  std::memcpy(got.data(), pb.data.data(), kN * 4);
  EXPECT_EQ(got, y);
}

TEST_F(CliTest, InputFileByName) {
  fs::path npy = dir / "x.npy";
  dlc::rt::HostTensor t;
  t.dtype = DLC_DTYPE_FLOAT32;
  t.shape = {kN};
  t.data.resize(kN * 4);
  std::memcpy(t.data.data(), x.data(), kN * 4);
  std::vector<uint8_t> bytes;
  std::string error;
  ASSERT_TRUE(dlc::rt::serializeNpy(t, bytes, error));
  ASSERT_TRUE(dlc::rt::writeFile(npy.string(), bytes, error));
  fs::path empty = dir / "empty";
  fs::create_directories(empty);
  fs::copy(dir / "output_0.pb", empty / "output_0.pb");
  EXPECT_EQ(cli({"--input", "x=" + npy.string(), "--data", empty.string(), "--check"}), 0);
  EXPECT_EQ(cli({"--input", "nope=" + npy.string()}), 1);
}

TEST_F(CliTest, BadInputsAreErrors) {
  EXPECT_EQ(cli({"--data", (dir / "missing").string()}), 1);
  dlc::rt::HostTensor wrong;
  wrong.dtype = DLC_DTYPE_INT64;
  wrong.shape = {kN};
  wrong.data.resize(kN * 8);
  std::string error;
  ASSERT_TRUE(dlc::rt::writeFile((dir / "input_0.pb").string(), dlc::rt::serializeTensorProto(wrong), error));
  EXPECT_EQ(cli({"--data", dir.string()}), 1);
}

TEST_F(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(cli({"--frobnicate"}), 2);
  EXPECT_EQ(cli({"--data"}), 2);
  EXPECT_EQ(cli({"--check"}), 2);
  EXPECT_EQ(cli({"--bench", "-3"}), 2);
  EXPECT_EQ(cli({"--input", "novalue"}), 2);
}

TEST_F(CliTest, BenchPrintsLatency) {
  testing::internal::CaptureStdout();
  EXPECT_EQ(cli({"--bench", "20"}), 0);
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("latency: median"), std::string::npos) << out;
}

} // namespace
