// Units of `dlc --quantize=int8 --calibrate=DIR` that need no model: range
// observation (MinMax, percentile) and reading the sample folder layouts.
#include "compiler/driver/CalibrationSamples.h"
#include "compiler/driver/RangeObserver.h"
#include "dlc/plan.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

namespace fs = std::filesystem;

namespace {

TEST(RangeObserver, MinMaxOverCallsIgnoresNaN) {
  dlc::RangeObserver o(dlc::CalibrationMethod::MinMax, 99.99);
  EXPECT_EQ(o.range(), std::make_pair(0.0f, 0.0f)); // nothing seen
  float a[] = {1.5f, -2.0f, NAN}, b[] = {7.25f, INFINITY, 0.0f};
  o.observe(a, 3);
  o.observe(b, 3);
  EXPECT_EQ(o.range(), std::make_pair(-2.0f, 7.25f));
}

TEST(RangeObserver, PercentileClipsBothTails) {
  // 1e6 values uniform in [0, 1) plus 10 outliers at +-1000: 99.9 drops
  // them and lands near 0.001 / 0.999 (the reservoir is a sample, so the
  // percentiles are within a few 1e-3).
  dlc::RangeObserver o(dlc::CalibrationMethod::Percentile, 99.9);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<float> values(1000000);
  for (float &v : values)
    v = u(rng);
  for (int i = 0; i < 5; ++i)
    values[i * 1000] = 1000.0f, values[i * 1000 + 1] = -1000.0f;
  o.observe(values.data(), values.size());
  auto [lo, hi] = o.range();
  EXPECT_NEAR(lo, 0.001f, 0.003f);
  EXPECT_NEAR(hi, 0.999f, 0.003f);
}

TEST(RangeObserver, PercentileOfFewValuesIsExactInterpolation) {
  dlc::RangeObserver o(dlc::CalibrationMethod::Percentile, 75.0);
  float v[] = {4.0f, 0.0f, 2.0f, 1.0f, 3.0f};
  o.observe(v, 5);
  auto [lo, hi] = o.range(); // 25th and 75th percentile of 0..4
  EXPECT_FLOAT_EQ(lo, 1.0f);
  EXPECT_FLOAT_EQ(hi, 3.0f);
}

/// A .npy file (format 1.0) of float32 values.
void writeNpy(const fs::path &path, const std::vector<int64_t> &shape,
              const std::vector<float> &values) {
  std::string dims;
  for (int64_t d : shape)
    dims += std::to_string(d) + ",";
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
  header.append(63 - (10 + header.size()) % 64, ' ');
  header += '\n';
  std::ofstream f(path, std::ios::binary);
  f.write("\x93NUMPY\x01\x00", 8);
  uint16_t size = uint16_t(header.size());
  f.write(reinterpret_cast<const char *>(&size), 2);
  f << header;
  f.write(reinterpret_cast<const char *>(values.data()), values.size() * 4);
}

class SamplesTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("dlc-calib-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
           "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  fs::path dir;
  std::vector<dlc::InputSpec> input{{"x", DLC_DTYPE_FLOAT32, {2, 3}}};
};

TEST_F(SamplesTest, StackedFileSplitsAlongDimZero) {
  std::vector<float> v(12);
  for (int i = 0; i < 12; ++i)
    v[i] = float(i);
  writeNpy(dir / "batch.npy", {4, 3}, v); // two samples of [2, 3]
  dlc::CalibrationSamples samples;
  std::string error;
  ASSERT_TRUE(dlc::loadCalibrationSamples(dir.string(), input, samples, error)) << error;
  ASSERT_EQ(samples.size(), 2u);
  float second[6];
  std::memcpy(second, samples[1][0].data.data(), sizeof second);
  EXPECT_EQ(second[0], 6.0f);
  EXPECT_EQ(samples[1][0].shape, (std::vector<int64_t>{2, 3}));
}

TEST_F(SamplesTest, FolderPerSampleByName) {
  for (const char *name : {"b", "a"}) {
    fs::create_directories(dir / name);
    writeNpy(dir / name / "x.npy", {2, 3}, std::vector<float>(6, name[0] == 'a' ? 1.0f : 2.0f));
  }
  dlc::CalibrationSamples samples;
  std::string error;
  ASSERT_TRUE(dlc::loadCalibrationSamples(dir.string(), input, samples, error)) << error;
  ASSERT_EQ(samples.size(), 2u);
  float first;
  std::memcpy(&first, samples[0][0].data.data(), 4);
  EXPECT_EQ(first, 1.0f); // folders in name order
}

TEST_F(SamplesTest, ErrorsNameTheFileAndTheExpectation) {
  writeNpy(dir / "x.npy", {3, 3}, std::vector<float>(9, 0.0f)); // 3 rows: not a stack of 2
  dlc::CalibrationSamples samples;
  std::string error;
  EXPECT_FALSE(dlc::loadCalibrationSamples(dir.string(), input, samples, error));
  EXPECT_NE(error.find("x.npy"), std::string::npos) << error;
  EXPECT_NE(error.find("float32[2,3]"), std::string::npos) << error;
  EXPECT_NE(error.find("float32[3,3]"), std::string::npos) << error;

  fs::remove(dir / "x.npy");
  EXPECT_FALSE(dlc::loadCalibrationSamples(dir.string(), input, samples, error));
  EXPECT_NE(error.find("holds no samples"), std::string::npos) << error;

  fs::create_directories(dir / "s0");
  EXPECT_FALSE(dlc::loadCalibrationSamples(dir.string(), input, samples, error));
  EXPECT_NE(error.find("no file for input 'x'"), std::string::npos) << error;
}

TEST_F(SamplesTest, TwoInputsNeedNamedFiles) {
  std::vector<dlc::InputSpec> two{{"a", DLC_DTYPE_FLOAT32, {1, 2}}, {"b", DLC_DTYPE_FLOAT32, {1, 2}}};
  writeNpy(dir / "a.npy", {3, 2}, std::vector<float>(6, 0.5f));
  writeNpy(dir / "b.npy", {2, 2}, std::vector<float>(4, 0.5f));
  dlc::CalibrationSamples samples;
  std::string error;
  EXPECT_FALSE(dlc::loadCalibrationSamples(dir.string(), two, samples, error));
  EXPECT_NE(error.find("3 samples of input 'a' but 2 of 'b'"), std::string::npos) << error;
  writeNpy(dir / "b.npy", {3, 2}, std::vector<float>(6, 0.5f));
  ASSERT_TRUE(dlc::loadCalibrationSamples(dir.string(), two, samples, error)) << error;
  EXPECT_EQ(samples.size(), 3u);
  writeNpy(dir / "other.npy", {3, 2}, std::vector<float>(6, 0.5f));
  EXPECT_FALSE(dlc::loadCalibrationSamples(dir.string(), two, samples, error));
  EXPECT_NE(error.find("name each file after one"), std::string::npos) << error;
}

} // namespace
