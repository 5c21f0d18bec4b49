// TensorProto and .npy encoding/decoding, the typed fields onnx writes, and
// hostile bytes (truncated, bad varints, lengths past the end, random flips).
#include "../../../runtime/src/TensorIO.h"
#include "dlc/runtime.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <random>

using dlc::rt::HostTensor;

namespace {

HostTensor randomTensor(int32_t dtype, std::vector<int64_t> shape, unsigned seed) {
  HostTensor t;
  t.name = "t";
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.data.resize(size_t(t.numElements()) * dlc_dtype_size(dtype));
  std::mt19937 rng(seed);
  for (uint8_t &b : t.data)
    b = uint8_t(rng());
  if (dtype == DLC_DTYPE_BOOL)
    for (uint8_t &b : t.data)
      b &= 1;
  return t;
}

/// A hand-rolled protobuf encoder for test vectors.
struct Proto {
  std::vector<uint8_t> bytes;
  Proto &varint(uint64_t v) {
    while (v >= 0x80) {
      bytes.push_back(uint8_t(v) | 0x80);
      v >>= 7;
    }
    bytes.push_back(uint8_t(v));
    return *this;
  }
  Proto &tag(uint32_t field, uint32_t wire) { return varint((uint64_t(field) << 3) | wire); }
  Proto &field(uint32_t f, uint64_t v) { return tag(f, 0).varint(v); }
  Proto &packed(uint32_t f, const std::vector<uint64_t> &values) {
    Proto body;
    for (uint64_t v : values)
      body.varint(v);
    return bytesField(f, body.bytes);
  }
  Proto &bytesField(uint32_t f, const std::vector<uint8_t> &data) {
    tag(f, 2).varint(data.size());
    bytes.insert(bytes.end(), data.begin(), data.end());
    return *this;
  }
  template <typename T> Proto &packedFixed(uint32_t f, const std::vector<T> &values) {
    std::vector<uint8_t> data(values.size() * sizeof(T));
    std::memcpy(data.data(), values.data(), data.size());
    return bytesField(f, data);
  }
};

bool parse(const std::vector<uint8_t> &bytes, HostTensor &t, std::string &error) {
  return dlc::rt::parseTensorProto(bytes.data(), bytes.size(), t, error);
}

template <typename T> std::vector<T> valuesOf(const HostTensor &t) {
  std::vector<T> v(t.data.size() / sizeof(T));
  std::memcpy(v.data(), t.data.data(), t.data.size());
  return v;
}

class TensorProtoRoundTrip : public ::testing::TestWithParam<int32_t> {};

TEST_P(TensorProtoRoundTrip, KeepsNameDtypeShapeAndBytes) {
  HostTensor t = randomTensor(GetParam(), {2, 3, 5}, 1), back;
  std::vector<uint8_t> bytes = dlc::rt::serializeTensorProto(t);
  std::string error;
  ASSERT_TRUE(parse(bytes, back, error)) << error;
  EXPECT_EQ(back.name, "t");
  EXPECT_EQ(back.dtype, t.dtype);
  EXPECT_EQ(back.shape, t.shape);
  EXPECT_EQ(back.data, t.data);
}

class NpyRoundTrip : public ::testing::TestWithParam<int32_t> {};

TEST_P(NpyRoundTrip, KeepsDtypeShapeAndBytes) {
  for (std::vector<int64_t> shape : {std::vector<int64_t>{4, 1, 3}, {7}, {}, {0, 2}}) {
    HostTensor t = randomTensor(GetParam(), shape, 2), back;
    std::vector<uint8_t> bytes;
    std::string error;
    ASSERT_TRUE(dlc::rt::serializeNpy(t, bytes, error)) << error;
    ASSERT_TRUE(dlc::rt::parseNpy(bytes.data(), bytes.size(), back, error)) << error;
    EXPECT_EQ(back.dtype, t.dtype);
    EXPECT_EQ(back.shape, t.shape);
    EXPECT_EQ(back.data, t.data);
  }
}

std::string dtypeTestName(const ::testing::TestParamInfo<int32_t> &info) {
  return dlc_dtype_name(info.param);
}

// NumPy has no bfloat16, so it is a TensorProto-only dtype.
INSTANTIATE_TEST_SUITE_P(Dtypes, TensorProtoRoundTrip,
                         ::testing::Values(DLC_DTYPE_FLOAT32, DLC_DTYPE_FLOAT64, DLC_DTYPE_FLOAT16,
                                           DLC_DTYPE_BFLOAT16, DLC_DTYPE_INT64, DLC_DTYPE_INT32,
                                           DLC_DTYPE_INT16, DLC_DTYPE_INT8, DLC_DTYPE_UINT64,
                                           DLC_DTYPE_UINT32, DLC_DTYPE_UINT16, DLC_DTYPE_UINT8,
                                           DLC_DTYPE_BOOL),
                         dtypeTestName);
INSTANTIATE_TEST_SUITE_P(Dtypes, NpyRoundTrip,
                         ::testing::Values(DLC_DTYPE_FLOAT32, DLC_DTYPE_FLOAT64, DLC_DTYPE_FLOAT16,
                                           DLC_DTYPE_INT64, DLC_DTYPE_INT32, DLC_DTYPE_INT16,
                                           DLC_DTYPE_INT8, DLC_DTYPE_UINT64, DLC_DTYPE_UINT32,
                                           DLC_DTYPE_UINT16, DLC_DTYPE_UINT8, DLC_DTYPE_BOOL),
                         dtypeTestName);

TEST(TensorProto, FloatDataPackedAndNot) {
  HostTensor t;
  std::string error;
  Proto packed;
  packed.packed(1, {2}).field(2, DLC_DTYPE_FLOAT32).packedFixed<float>(4, {1.0f, -2.0f});
  ASSERT_TRUE(parse(packed.bytes, t, error)) << error;
  EXPECT_EQ(t.shape, std::vector<int64_t>{2});
  EXPECT_EQ(valuesOf<float>(t), (std::vector<float>{1.0f, -2.0f}));

  Proto unpacked; // dims and float_data one element per tag
  unpacked.field(1, 1).field(1, 2).field(2, DLC_DTYPE_FLOAT32);
  for (float v : {0.5f, 1.5f}) {
    unpacked.tag(4, 5);
    uint8_t raw[4];
    std::memcpy(raw, &v, 4);
    unpacked.bytes.insert(unpacked.bytes.end(), raw, raw + 4);
  }
  ASSERT_TRUE(parse(unpacked.bytes, t, error)) << error;
  EXPECT_EQ(t.shape, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(valuesOf<float>(t), (std::vector<float>{0.5f, 1.5f}));
}

TEST(TensorProto, IntegerFields) {
  HostTensor t;
  std::string error;
  // int64_data, unpacked, with a negative value (10-byte varint).
  Proto i64;
  i64.field(1, 2).field(2, DLC_DTYPE_INT64).field(7, 5).field(7, uint64_t(-1));
  ASSERT_TRUE(parse(i64.bytes, t, error)) << error;
  EXPECT_EQ(valuesOf<int64_t>(t), (std::vector<int64_t>{5, -1}));
  // int8 in int32_data: negative values are sign-extended varints.
  Proto i8;
  i8.field(1, 3).field(2, DLC_DTYPE_INT8).packed(5, {uint64_t(-128), 127, uint64_t(-1)});
  ASSERT_TRUE(parse(i8.bytes, t, error)) << error;
  EXPECT_EQ(valuesOf<int8_t>(t), (std::vector<int8_t>{-128, 127, -1}));
  // uint16 and int16 in int32_data.
  Proto u16;
  u16.field(1, 2).field(2, DLC_DTYPE_UINT16).packed(5, {65535, 7});
  ASSERT_TRUE(parse(u16.bytes, t, error)) << error;
  EXPECT_EQ(valuesOf<uint16_t>(t), (std::vector<uint16_t>{65535, 7}));
  // bool in int32_data: any non-zero value is true, stored as 1.
  Proto b;
  b.field(1, 3).field(2, DLC_DTYPE_BOOL).packed(5, {0, 1, 5});
  ASSERT_TRUE(parse(b.bytes, t, error)) << error;
  EXPECT_EQ(t.data, (std::vector<uint8_t>{0, 1, 1}));
  // float16 bits in int32_data (1.0 = 0x3c00, -2.0 = 0xc000).
  Proto f16;
  f16.field(1, 2).field(2, DLC_DTYPE_FLOAT16).packed(5, {0x3c00, 0xc000});
  ASSERT_TRUE(parse(f16.bytes, t, error)) << error;
  EXPECT_EQ(valuesOf<uint16_t>(t), (std::vector<uint16_t>{0x3c00, 0xc000}));
  // uint32/uint64 in uint64_data.
  Proto u32;
  u32.field(1, 1).field(2, DLC_DTYPE_UINT32).packed(11, {4000000000u});
  ASSERT_TRUE(parse(u32.bytes, t, error)) << error;
  EXPECT_EQ(valuesOf<uint32_t>(t), (std::vector<uint32_t>{4000000000u}));
  Proto u64;
  u64.field(1, 1).field(2, DLC_DTYPE_UINT64).packed(11, {UINT64_MAX});
  ASSERT_TRUE(parse(u64.bytes, t, error)) << error;
  EXPECT_EQ(valuesOf<uint64_t>(t), (std::vector<uint64_t>{UINT64_MAX}));
  // double_data, packed.
  Proto f64;
  f64.field(1, 2).field(2, DLC_DTYPE_FLOAT64).packedFixed<double>(10, {0.25, -1e300});
  ASSERT_TRUE(parse(f64.bytes, t, error)) << error;
  EXPECT_EQ(valuesOf<double>(t), (std::vector<double>{0.25, -1e300}));
}

TEST(TensorProto, ScalarsNamesAndUnknownFields) {
  HostTensor t;
  std::string error;
  Proto p; // no dims: a scalar; doc_string (12) and segment (3) are skipped
  p.field(2, DLC_DTYPE_INT32).bytesField(12, {'d', 'o', 'c'}).bytesField(8, {'x', '0'})
      .bytesField(3, {0x08, 0x01}).packed(5, {9});
  ASSERT_TRUE(parse(p.bytes, t, error)) << error;
  EXPECT_TRUE(t.shape.empty());
  EXPECT_EQ(t.name, "x0");
  EXPECT_EQ(valuesOf<int32_t>(t), (std::vector<int32_t>{9}));
}

struct Malformed {
  const char *name;
  std::vector<uint8_t> bytes;
  const char *message;
};

TEST(TensorProto, RejectsMalformedBytes) {
  std::vector<uint8_t> overlongVarint = {0x08, 0xff, 0xff, 0xff, 0xff, 0xff,
                                         0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
  std::vector<uint8_t> varintBeyond64 = {0x08, 0xff, 0xff, 0xff, 0xff, 0xff,
                                         0xff, 0xff, 0xff, 0xff, 0x02};
  const Malformed cases[] = {
      {"overlong varint", overlongVarint, "malformed TensorProto (field 1)"},
      {"varint beyond 64 bits", varintBeyond64, "malformed TensorProto (field 1)"},
      {"truncated varint", {0x08, 0x80}, "malformed TensorProto (field 1)"},
      {"length past end", {0x10, 0x01, 0x4a, 0x7f, 0x00}, "malformed TensorProto (field 9)"},
      {"huge length", Proto().field(2, 1).tag(9, 2).varint(UINT64_MAX).bytes, "(field 9)"},
      {"bad wire type", {0x0f}, "malformed TensorProto (field 1)"},
      {"wrong wire type for name", Proto().field(8, 3).bytes, "(field 8)"},
      {"raw size mismatch", {0x08, 0x02, 0x10, 0x01, 0x4a, 0x04, 0, 0, 0, 0},
       "raw_data has 4 bytes, dims need 8"},
      {"unknown dtype", {0x10, 0x63}, "unsupported data_type 99"},
      {"no dtype", {0x08, 0x01}, "unsupported data_type 0"},
      {"negative dim", Proto().field(1, uint64_t(-3)).field(2, 1).bytes, "negative dim"},
      {"dims overflow", Proto().field(1, uint64_t(1) << 62).field(1, 8).field(2, 1).bytes,
       "dims overflow"},
      // Dims promise 2^40 floats, the file has none: an error, not a 4 TiB allocation.
      {"dims without data", Proto().field(1, uint64_t(1) << 40).field(2, 1).bytes,
       "has 0 values in float_data (or raw_data) for 1099511627776 elements"},
      {"too few values", Proto().field(1, 3).field(2, 7).packed(7, {1, 2}).bytes,
       "has 2 values in int64_data"},
      {"string tensor", Proto().field(2, 8).bytesField(6, {'a'}).bytes, "string tensors are not supported"},
      {"external data", Proto().field(2, 1).field(14, 1).bytes, "external data are not supported"},
      {"packed floats not a multiple of 4", Proto().field(2, 1).bytesField(4, {1, 2, 3}).bytes,
       "(field 4)"},
  };
  for (const Malformed &c : cases) {
    HostTensor t;
    std::string error;
    EXPECT_FALSE(parse(c.bytes, t, error)) << c.name;
    EXPECT_NE(error.find(c.message), std::string::npos) << c.name << ": " << error;
  }
}

TEST(TensorProto, EveryTruncationIsRejected) {
  HostTensor t = randomTensor(DLC_DTYPE_FLOAT32, {3, 4}, 3), back;
  std::vector<uint8_t> good = dlc::rt::serializeTensorProto(t);
  std::string error;
  for (size_t n = 0; n + 1 < good.size(); ++n)
    EXPECT_FALSE(dlc::rt::parseTensorProto(good.data(), n, back, error)) << "length " << n;
}

// Whatever random flips and truncations do, parsing returns (true or false)
// with a consistent tensor; the sanitizer builds check the memory accesses.
TEST(TensorProto, RandomMutationsNeverCrash) {
  std::mt19937 rng(77);
  std::vector<uint8_t> good = Proto().packed(1, {2, 3}).field(2, DLC_DTYPE_INT64)
                                  .bytesField(8, {'n'}).packed(7, {1, 2, 3, 4, 5, 6}).bytes;
  for (int trial = 0; trial < 20000; ++trial) {
    std::vector<uint8_t> bytes = good;
    for (int k = 1 + int(rng() % 4); k > 0; --k)
      bytes[rng() % bytes.size()] = uint8_t(rng());
    bytes.resize(rng() % (bytes.size() + 1));
    HostTensor t;
    std::string error;
    if (parse(bytes, t, error)) {
      ASSERT_GE(t.numElements(), 0);
      ASSERT_EQ(t.data.size(), size_t(t.numElements()) * dlc_dtype_size(t.dtype));
    } else {
      ASSERT_FALSE(error.empty());
    }
  }
}

std::vector<uint8_t> npyBytes(const std::string &header, size_t dataBytes, uint8_t version = 1) {
  std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', version, 0};
  size_t lengthBytes = version == 1 ? 2 : 4;
  for (size_t i = 0; i < lengthBytes; ++i)
    out.push_back(uint8_t(header.size() >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  out.resize(out.size() + dataBytes, 0);
  return out;
}

TEST(Npy, ReadsTheVariantsNumPyWrites) {
  struct Case {
    std::string header;
    uint8_t version;
    int32_t dtype;
    std::vector<int64_t> shape;
  } cases[] = {
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n", 1, DLC_DTYPE_FLOAT32, {2, 3}},
      {"{'descr': '<i8', 'fortran_order': False, 'shape': (5,), }\n", 2, DLC_DTYPE_INT64, {5}},
      {"{'descr': '|b1', 'fortran_order': False, 'shape': (), }\n", 3, DLC_DTYPE_BOOL, {}},
      {"{'shape': (4,), 'fortran_order': False, 'descr': '=f8'}\n", 1, DLC_DTYPE_FLOAT64, {4}},
      {"{'descr': '<u1', 'fortran_order': False, 'shape': (1, 1, 2)}\n", 1, DLC_DTYPE_UINT8, {1, 1, 2}},
      {"{'descr': '<f2', 'fortran_order': False, 'shape': (0, 2), }\n", 1, DLC_DTYPE_FLOAT16, {0, 2}},
  };
  for (const Case &c : cases) {
    HostTensor t;
    t.shape = c.shape;
    size_t bytes = size_t(t.numElements()) * dlc_dtype_size(c.dtype);
    std::vector<uint8_t> file = npyBytes(c.header, bytes, c.version);
    std::string error;
    ASSERT_TRUE(dlc::rt::parseNpy(file.data(), file.size(), t, error)) << c.header << error;
    EXPECT_EQ(t.dtype, c.dtype) << c.header;
    EXPECT_EQ(t.shape, c.shape) << c.header;
    EXPECT_EQ(t.data.size(), bytes);
  }
}

TEST(Npy, RejectsMalformedBytes) {
  const Malformed cases[] = {
      {"not npy", {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0}, "not a .npy file"},
      {"version 4", npyBytes("{}", 0, 4), "format version 4 is not supported"},
      {"header past end", {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0xff, 0xff, '{'},
       "header runs past the end"},
      {"big endian", npyBytes("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", 4),
       "dtype '>f4' is not supported"},
      {"object", npyBytes("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", 8),
       "dtype '|O' is not supported"},
      {"fortran", npyBytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 16),
       "Fortran order"},
      {"missing shape", npyBytes("{'descr': '<f4', 'fortran_order': False}", 4), "malformed .npy header"},
      {"bad shape", npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", 8),
       "malformed .npy shape"},
      {"negative dim", npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", 8),
       "malformed .npy shape"},
      {"unquoted descr", npyBytes("{'descr': f4, 'fortran_order': False, 'shape': (1,), }", 4),
       "malformed .npy descr"},
      {"short data", npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", 8),
       "has 8 data bytes, shape needs 12"},
      {"overflow", npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", 0),
       "shape overflows"},
  };
  for (const Malformed &c : cases) {
    HostTensor t;
    std::string error;
    EXPECT_FALSE(dlc::rt::parseNpy(c.bytes.data(), c.bytes.size(), t, error)) << c.name;
    EXPECT_NE(error.find(c.message), std::string::npos) << c.name << ": " << error;
  }
}

TEST(Npy, TruncationsAndMutationsNeverCrash) {
  HostTensor t = randomTensor(DLC_DTYPE_FLOAT32, {3, 4}, 4), back;
  std::vector<uint8_t> good;
  std::string error;
  ASSERT_TRUE(dlc::rt::serializeNpy(t, good, error));
  for (size_t n = 0; n < good.size(); ++n)
    EXPECT_FALSE(dlc::rt::parseNpy(good.data(), n, back, error)) << "length " << n;
  std::mt19937 rng(5);
  for (int trial = 0; trial < 20000; ++trial) {
    std::vector<uint8_t> bytes = good;
    bytes[rng() % 80] = uint8_t(rng()); // the header
    if (dlc::rt::parseNpy(bytes.data(), bytes.size(), back, error)) {
      ASSERT_EQ(back.data.size(), size_t(back.numElements()) * dlc_dtype_size(back.dtype));
    }
  }
}

TEST(Npy, HeaderIsPaddedTo64Bytes) {
  HostTensor t = randomTensor(DLC_DTYPE_INT16, {2, 2}, 6);
  std::vector<uint8_t> bytes;
  std::string error;
  ASSERT_TRUE(dlc::rt::serializeNpy(t, bytes, error));
  EXPECT_EQ((bytes.size() - t.data.size()) % 64, 0u);
  EXPECT_EQ(bytes[bytes.size() - t.data.size() - 1], '\n');
  t.dtype = DLC_DTYPE_BFLOAT16;
  EXPECT_FALSE(dlc::rt::serializeNpy(t, bytes, error));
  EXPECT_EQ(error, "NumPy has no dtype for bfloat16");
}

TEST(Files, ErrorsNameThePath) {
  namespace fs = std::filesystem;
  std::vector<uint8_t> bytes;
  std::string error;
  EXPECT_FALSE(dlc::rt::readFile("/nonexistent/x.pb", bytes, error));
  EXPECT_EQ(error, "/nonexistent/x.pb: No such file or directory");
  std::string dir = fs::temp_directory_path().string();
  EXPECT_FALSE(dlc::rt::readFile(dir, bytes, error));
  EXPECT_EQ(error, dir + ": not a regular file");
  EXPECT_FALSE(dlc::rt::writeFile("/nonexistent/y.pb", {1, 2}, error));
  EXPECT_EQ(error, "/nonexistent/y.pb: No such file or directory");

  std::string path = dir + "/dlc-files-test-" + std::to_string(::getpid()) + ".npy";
  ASSERT_TRUE(dlc::rt::writeFile(path, {1, 2, 3}, error)) << error;
  HostTensor t;
  EXPECT_FALSE(dlc::rt::readTensorFile(path, t, error));
  EXPECT_EQ(error, path + ": not a .npy file");
  fs::remove(path);
}

} // namespace
