// dlc_cli_main in-process on the diamond: inputs, --check, outputs, bench,
// profile, usage errors. ExecutableTest runs the same CLI as a real program.
#include "CliTestUtils.h"

#include <gtest/gtest.h>

using namespace dlc::test;

namespace {

class CliTest : public DiamondDataDir {
protected:
  int cli(std::vector<std::string> args) {
    args.insert(args.begin(), "model");
    std::vector<char *> argv;
    for (std::string &a : args)
      argv.push_back(a.data());
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    int rc = dlc_cli_main(&image.image, int(argv.size()), argv.data());
    out = ::testing::internal::GetCapturedStdout();
    err = ::testing::internal::GetCapturedStderr();
    return rc;
  }

  Image image{diamondBlob()};
};

TEST_F(CliTest, CheckPassesOnMatchingOutputs) {
  EXPECT_EQ(cli({"--data", dir.string(), "--check"}), 0) << err;
  EXPECT_NE(out.find("output 0 'y': OK (max abs err 0, max rel err 0)"), std::string::npos) << out;
  EXPECT_NE(out.find("check: OK"), std::string::npos) << out;
  EXPECT_EQ(cli({"--data=" + dir.string(), "--check", "--threads", "4"}), 0) << err;
}

TEST_F(CliTest, CheckFailsOnMismatchAndNamesTheElement) {
  y[5] += 0.01f;
  writePb("output_0.pb", floatTensor(y, {kN}));
  EXPECT_EQ(cli({"--data", dir.string(), "--check"}), 1);
  EXPECT_NE(out.find("MISMATCH: 1 of 64 elements differ; first at index 5 [5]"), std::string::npos)
      << out;
  EXPECT_NE(out.find("check: MISMATCH (1 of 1 outputs)"), std::string::npos) << out;
  // Within a looser tolerance it matches again.
  EXPECT_EQ(cli({"--data", dir.string(), "--check", "--atol", "0.02"}), 0) << out;
  EXPECT_EQ(cli({"--data", dir.string(), "--check", "--rtol=0.5"}), 0) << out;
}

TEST_F(CliTest, CheckReportsWrongExpectedShape) {
  writePb("output_0.pb", floatTensor(y, {8, 8}));
  EXPECT_EQ(cli({"--data", dir.string(), "--check"}), 1);
  EXPECT_NE(out.find("MISMATCH: got float32[64], expected float32[8,8]"), std::string::npos) << out;
  fs::remove(dir / "output_0.pb");
  EXPECT_EQ(cli({"--data", dir.string(), "--check"}), 1);
  EXPECT_NE(err.find("output_0.pb: No such file or directory"), std::string::npos) << err;
}

TEST_F(CliTest, WritesOutputsAsPbAndNpy) {
  fs::path outDir = dir / "out" / "nested";
  ASSERT_EQ(cli({"--data", dir.string(), "--output-dir", outDir.string()}), 0) << err;
  dlc::rt::HostTensor pb, npy;
  std::string error;
  ASSERT_TRUE(dlc::rt::readTensorFile((outDir / "output_0.pb").string(), pb, error)) << error;
  ASSERT_TRUE(dlc::rt::readTensorFile((outDir / "output_0.npy").string(), npy, error)) << error;
  EXPECT_EQ(pb.name, "y");
  EXPECT_EQ(pb.shape, std::vector<int64_t>{kN});
  EXPECT_EQ(pb.data, npy.data);
  EXPECT_EQ(pb.data, floatTensor(y, {kN}).data);
}

TEST_F(CliTest, InputFileByNameOverridesData) {
  writeNpy("x.npy", floatTensor(x, {kN}));
  fs::create_directories(dir / "other");
  fs::copy(dir / "output_0.pb", dir / "other" / "output_0.pb");
  std::vector<float> zeros(kN, 0.0f);
  writePb("other/input_0.pb", floatTensor(zeros, {kN}));
  EXPECT_EQ(cli({"--input", "x=" + (dir / "x.npy").string(), "--data", (dir / "other").string(),
                 "--check"}),
            0)
      << out << err;
  EXPECT_EQ(cli({"--input=x=" + (dir / "input_0.pb").string(), "--print"}), 0) << err;
  EXPECT_NE(out.find("output 0 'y': float32[64] min"), std::string::npos) << out;
}

TEST_F(CliTest, InputErrorsNameTheFileAndTheInput) {
  EXPECT_EQ(cli({"--input", "nope=" + (dir / "input_0.pb").string()}), 1);
  EXPECT_NE(err.find("the model has no input 'nope' (inputs: x)"), std::string::npos) << err;
  EXPECT_EQ(cli({"--data", (dir / "missing").string()}), 1);
  EXPECT_NE(err.find("missing/input_0.pb: No such file or directory"), std::string::npos) << err;

  dlc::rt::HostTensor wrong;
  wrong.dtype = DLC_DTYPE_INT64;
  wrong.shape = {1, 4};
  wrong.data.resize(32);
  writePb("input_0.pb", wrong);
  EXPECT_EQ(cli({"--data", dir.string()}), 1);
  std::string want = "error: " + (dir / "input_0.pb").string() +
                     ": expected input 'x' float32[64], got int64[1,4]\n";
  EXPECT_EQ(err, want);

  std::ofstream((dir / "input_0.pb").string()) << "garbage\xff\xff";
  EXPECT_EQ(cli({"--data", dir.string()}), 1);
  EXPECT_NE(err.find("malformed TensorProto"), std::string::npos) << err;
}

TEST_F(CliTest, RandomInputsPrintOutputs) {
  EXPECT_EQ(cli({}), 0) << err;
  EXPECT_EQ(out.rfind("output 0 'y': float32[64] min ", 0), 0u) << out;
  std::string first = out;
  EXPECT_EQ(cli({"--threads", "3"}), 0);
  EXPECT_EQ(out, first) << "seeded inputs must not depend on threads";
}

TEST_F(CliTest, UsageErrorsExitTwo) {
  const std::vector<std::vector<std::string>> cases = {
      {"--frobnicate"},        {"--data"},           {"--check"},
      {"--bench", "-3"},       {"--bench", "1.5"},   {"--threads", "257"},
      {"--threads", "x"},      {"--input", "novalue"}, {"--input", "=f.npy"},
      {"--cuda-graphs", "maybe"}, {"--cuda-graphs"},
      {"--atol", "nan"},       {"--rtol", "-1"},     {"--check=yes", "--data", "d"},
      {"positional"},          {"--output-dir"},     {"--profile"},
  };
  for (const auto &args : cases) {
    EXPECT_EQ(cli(args), 2) << args[0];
    EXPECT_EQ(err.rfind("error: ", 0), 0u) << err;
    EXPECT_NE(err.find("usage: model"), std::string::npos) << err;
  }
  EXPECT_EQ(cli({"--help"}), 0);
  EXPECT_NE(out.find("--bench N"), std::string::npos);
}

TEST_F(CliTest, BenchPrintsLatency) {
  EXPECT_EQ(cli({"--data", dir.string(), "--bench", "20"}), 0) << err;
  EXPECT_NE(out.find("latency: median "), std::string::npos) << out;
  EXPECT_NE(out.find(" ms (20 runs)\n"), std::string::npos) << out;
  EXPECT_NE(out.find(", p90 "), std::string::npos) << out;
}

TEST_F(CliTest, ProfileWritesATrace) {
  fs::path trace = dir / "trace.json";
  EXPECT_EQ(cli({"--data", dir.string(), "--profile", trace.string(), "--threads", "2"}), 0) << err;
  std::string json = readText(trace);
  EXPECT_NE(json.find("\"traceEvents\""), std::string::npos);
  EXPECT_NE(json.find("\"add2\""), std::string::npos) << json;
}

TEST_F(CliTest, CudaGraphsFlagIsAcceptedAndCpuModelsIgnoreIt) {
  EXPECT_EQ(cli({"--data", dir.string(), "--check", "--cuda-graphs", "on"}), 0) << err;
  EXPECT_EQ(cli({"--data", dir.string(), "--check", "--cuda-graphs=off"}), 0) << err;
}

TEST_F(CliTest, InvalidImageIsAnError) {
  image.image.abi_version = 7;
  EXPECT_EQ(cli({}), 1);
  EXPECT_EQ(err, "error: model image ABI 7 is not supported (1 expected)\n");
}

} // namespace
