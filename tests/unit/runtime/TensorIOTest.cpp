// TensorProto and .npy encoding/decoding, including hostile bytes.
#include "../../../runtime/src/TensorIO.h"
#include "dlc/runtime.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

using dlc::rt::HostTensor;

namespace {

HostTensor randomTensor(int32_t dtype, std::vector<int64_t> shape, unsigned seed) {
  HostTensor t;
  t.name = "t";
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.data.resize(t.numElements() * dlc_dtype_size(dtype));
  std::mt19937 rng(seed);
  for (uint8_t &b : t.data)
    b = uint8_t(rng());
  if (dtype == DLC_DTYPE_BOOL)
    for (uint8_t &b : t.data)
      b &= 1;
  return t;
}

class RoundTrip : public ::testing::TestWithParam<int32_t> {};

TEST_P(RoundTrip, TensorProto) {
  HostTensor t = randomTensor(GetParam(), {2, 3, 5}, 1), back;
  std::vector<uint8_t> bytes = dlc::rt::serializeTensorProto(t);
  std::string error;
  ASSERT_TRUE(dlc::rt::parseTensorProto(bytes.data(), bytes.size(), back, error)) << error;
  EXPECT_EQ(back.name, "t");
  EXPECT_EQ(back.dtype, t.dtype);
  EXPECT_EQ(back.shape, t.shape);
  EXPECT_EQ(back.data, t.data);
}

TEST_P(RoundTrip, Npy) {
  HostTensor t = randomTensor(GetParam(), {4, 1, 3}, 2), back;
  std::vector<uint8_t> bytes;
  std::string error;
  ASSERT_TRUE(dlc::rt::serializeNpy(t, bytes, error)) << error;
  ASSERT_TRUE(dlc::rt::parseNpy(bytes.data(), bytes.size(), back, error)) << error;
  EXPECT_EQ(back.dtype, t.dtype);
  EXPECT_EQ(back.shape, t.shape);
  EXPECT_EQ(back.data, t.data);
}

INSTANTIATE_TEST_SUITE_P(Dtypes, RoundTrip,
                         ::testing::Values(DLC_DTYPE_FLOAT32, DLC_DTYPE_FLOAT64, DLC_DTYPE_INT64,
                                           DLC_DTYPE_INT32, DLC_DTYPE_INT8, DLC_DTYPE_UINT8,
                                           DLC_DTYPE_BOOL, DLC_DTYPE_FLOAT16));

// float_data (field 4, packed) and int64_data (field 7, unpacked) as onnx writes them.
TEST(TensorProto, TypedFields) {
  const uint8_t floats[] = {0x08, 0x02, 0x10, 0x01, 0x22, 0x08, 0x00, 0x00, 0x80, 0x3f,
                            0x00, 0x00, 0x00, 0xc0};
  HostTensor t;
  std::string error;
  ASSERT_TRUE(dlc::rt::parseTensorProto(floats, sizeof floats, t, error)) << error;
  ASSERT_EQ(t.shape, std::vector<int64_t>{2});
  float v[2];
  std::memcpy(v, t.data.data(), 8);
  EXPECT_EQ(v[0], 1.0f);
  EXPECT_EQ(v[1], -2.0f);

  const uint8_t ints[] = {0x08, 0x02, 0x10, 0x07, 0x38, 0x05, 0x38, 0xff, 0xff, 0xff, 0xff,
                          0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
  ASSERT_TRUE(dlc::rt::parseTensorProto(ints, sizeof ints, t, error)) << error;
  int64_t w[2];
  std::memcpy(w, t.data.data(), 16);
  EXPECT_EQ(w[0], 5);
  EXPECT_EQ(w[1], -1);
}

TEST(TensorProto, RejectsMalformedBytes) {
  HostTensor t = randomTensor(DLC_DTYPE_FLOAT32, {3, 4}, 3), back;
  std::vector<uint8_t> good = dlc::rt::serializeTensorProto(t);
  std::string error;
  // Every truncation is either rejected or (at a field boundary) inconsistent.
  for (size_t n = 0; n + 1 < good.size(); ++n)
    EXPECT_FALSE(dlc::rt::parseTensorProto(good.data(), n, back, error)) << "length " << n;
  const uint8_t badVarint[] = {0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
  EXPECT_FALSE(dlc::rt::parseTensorProto(badVarint, sizeof badVarint, back, error));
  const uint8_t lengthPastEnd[] = {0x10, 0x01, 0x4a, 0x7f, 0x00};
  EXPECT_FALSE(dlc::rt::parseTensorProto(lengthPastEnd, sizeof lengthPastEnd, back, error));
  const uint8_t rawMismatch[] = {0x08, 0x02, 0x10, 0x01, 0x4a, 0x04, 0, 0, 0, 0};
  EXPECT_FALSE(dlc::rt::parseTensorProto(rawMismatch, sizeof rawMismatch, back, error));
  EXPECT_NE(error.find("raw_data has 4 bytes, dims need 8"), std::string::npos) << error;
  const uint8_t badType[] = {0x10, 0x63};
  EXPECT_FALSE(dlc::rt::parseTensorProto(badType, sizeof badType, back, error));
  EXPECT_NE(error.find("unsupported data_type 99"), std::string::npos) << error;
}

TEST(Npy, RejectsMalformedBytes) {
  HostTensor t = randomTensor(DLC_DTYPE_FLOAT32, {3, 4}, 4), back;
  std::vector<uint8_t> good;
  std::string error;
  ASSERT_TRUE(dlc::rt::serializeNpy(t, good, error));
  for (size_t n = 0; n < good.size(); n += 7)
    EXPECT_FALSE(dlc::rt::parseNpy(good.data(), n, back, error)) << "length " << n;
  std::vector<uint8_t> fortran = good;
  std::string header(fortran.begin() + 10, fortran.begin() + 74);
  size_t at = header.find("False");
  std::memcpy(fortran.data() + 10 + at, "True ", 5);
  EXPECT_FALSE(dlc::rt::parseNpy(fortran.data(), fortran.size(), back, error));
  EXPECT_NE(error.find("Fortran order"), std::string::npos) << error;
}

} // namespace
