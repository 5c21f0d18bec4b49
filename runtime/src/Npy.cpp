// NumPy .npy (format versions 1-3, little-endian, C order) <-> HostTensor.
#include "TensorIO.h"
#include "dlc/runtime.h"

#include <cstring>

using dlc::rt::HostTensor;

namespace {
struct Descr {
  const char *name;
  int32_t dtype;
};
const Descr kDescrs[] = {
    {"<f4", DLC_DTYPE_FLOAT32}, {"<f8", DLC_DTYPE_FLOAT64}, {"<f2", DLC_DTYPE_FLOAT16},
    {"|i1", DLC_DTYPE_INT8},    {"|u1", DLC_DTYPE_UINT8},   {"<i2", DLC_DTYPE_INT16},
    {"<u2", DLC_DTYPE_UINT16},  {"<i4", DLC_DTYPE_INT32},   {"<u4", DLC_DTYPE_UINT32},
    {"<i8", DLC_DTYPE_INT64},   {"<u8", DLC_DTYPE_UINT64},  {"|b1", DLC_DTYPE_BOOL},
};

/// The value after `'key':` in the header dict, up to the next top-level ','.
bool dictValue(const std::string &header, const std::string &key, std::string &value) {
  size_t at = header.find("'" + key + "'");
  if (at == std::string::npos)
    return false;
  size_t colon = header.find(':', at);
  if (colon == std::string::npos)
    return false;
  size_t begin = header.find_first_not_of(' ', colon + 1), end = begin;
  int depth = 0;
  for (; end < header.size(); ++end) {
    char c = header[end];
    if (c == '(')
      ++depth;
    else if (c == ')')
      --depth;
    else if ((c == ',' || c == '}') && depth == 0)
      break;
  }
  if (begin == std::string::npos || end > header.size())
    return false;
  value = header.substr(begin, end - begin);
  value.erase(value.find_last_not_of(' ') + 1);
  return !value.empty();
}
} // namespace

bool dlc::rt::parseNpy(const uint8_t *bytes, size_t size, HostTensor &t, std::string &error) {
  t = HostTensor();
  if (size < 10 || std::memcmp(bytes, "\x93NUMPY", 6) != 0) {
    error = "not a .npy file";
    return false;
  }
  uint8_t major = bytes[6];
  size_t headerLen, headerStart;
  if (major == 1) {
    headerLen = bytes[8] | (size_t(bytes[9]) << 8);
    headerStart = 10;
  } else if ((major == 2 || major == 3) && size >= 12) {
    headerLen = bytes[8] | (size_t(bytes[9]) << 8) | (size_t(bytes[10]) << 16) |
                (size_t(bytes[11]) << 24);
    headerStart = 12;
  } else {
    error = ".npy format version " + std::to_string(major) + " is not supported";
    return false;
  }
  if (headerLen > size - headerStart) {
    error = ".npy header runs past the end of the file";
    return false;
  }
  std::string header(reinterpret_cast<const char *>(bytes + headerStart), headerLen);
  std::string descr, fortran, shape;
  if (!dictValue(header, "descr", descr) || !dictValue(header, "fortran_order", fortran) ||
      !dictValue(header, "shape", shape)) {
    error = "malformed .npy header";
    return false;
  }
  if (fortran != "False") {
    error = ".npy in Fortran order is not supported";
    return false;
  }
  if (descr.size() < 2) {
    error = "malformed .npy descr";
    return false;
  }
  if ((descr.front() != '\'' && descr.front() != '"') || descr.back() != descr.front()) {
    error = "malformed .npy descr " + descr;
    return false;
  }
  descr = descr.substr(1, descr.size() - 2); // strip quotes
  // '=' is native order (little-endian here); one-byte types have no order.
  if (descr.size() == 3 && descr[0] == '=')
    descr[0] = '<';
  if (descr.size() == 3 && descr[2] == '1' && descr[0] == '<')
    descr[0] = '|';
  for (const Descr &d : kDescrs)
    if (descr == d.name)
      t.dtype = d.dtype;
  if (!t.dtype) {
    error = ".npy dtype '" + descr + "' is not supported";
    return false;
  }
  // shape is "(d0, d1, )" or "()".
  if (shape.size() < 2 || shape.front() != '(' || shape.back() != ')') {
    error = "malformed .npy shape";
    return false;
  }
  std::string dims = shape.substr(1, shape.size() - 2);
  size_t pos = 0;
  while (pos < dims.size()) {
    size_t comma = dims.find(',', pos);
    std::string item = dims.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) {
      char *end = nullptr;
      long long d = std::strtoll(item.c_str(), &end, 10);
      if (*end != '\0' || d < 0) {
        error = "malformed .npy shape";
        return false;
      }
      t.shape.push_back(d);
    }
    if (comma == std::string::npos)
      break;
    pos = comma + 1;
  }
  int64_t count = t.numElements();
  uint64_t bytesNeeded;
  if (count < 0 || __builtin_mul_overflow(uint64_t(count), dlc_dtype_size(t.dtype), &bytesNeeded)) {
    error = ".npy shape overflows";
    return false;
  }
  size_t dataStart = headerStart + headerLen;
  if (size - dataStart != bytesNeeded) {
    error = ".npy has " + std::to_string(size - dataStart) + " data bytes, shape needs " +
            std::to_string(bytesNeeded);
    return false;
  }
  t.data.assign(bytes + dataStart, bytes + size);
  return true;
}

bool dlc::rt::serializeNpy(const HostTensor &t, std::vector<uint8_t> &out, std::string &error) {
  const char *descr = nullptr;
  for (const Descr &d : kDescrs)
    if (d.dtype == t.dtype)
      descr = d.name;
  if (!descr) {
    error = std::string("NumPy has no dtype for ") + dlc_dtype_name(t.dtype);
    return false;
  }
  std::string shape = "(";
  for (int64_t d : t.shape)
    shape += std::to_string(d) + (t.shape.size() == 1 ? "," : ", ");
  shape += ")";
  std::string header =
      std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Padded with spaces so the data starts at a multiple of 64; ends in '\n'.
  // Version 1 stores the header length in 2 bytes, version 2 in 4.
  bool v1 = header.size() + 64 <= 65535;
  size_t prefix = v1 ? 10 : 12;
  size_t total = prefix + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  out.assign({0x93, 'N', 'U', 'M', 'P', 'Y', uint8_t(v1 ? 1 : 2), 0});
  for (size_t i = 0; i < prefix - 8; ++i)
    out.push_back(uint8_t(header.size() >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), t.data.begin(), t.data.end());
  return true;
}
