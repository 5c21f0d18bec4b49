// A minimal zip reader: the end-of-central-directory record, then each
// central directory entry and its local header. Only method 0 (stored).
#include "Npz.h"

#include <cstring>

namespace {
uint32_t le(const uint8_t *p, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i)
    v = (v << 8) | p[i];
  return v;
}
} // namespace

bool dlc::rt::readNpz(const std::string &path, std::map<std::string, HostTensor> &arrays,
                      std::string &error) {
  std::vector<uint8_t> file;
  if (!readFile(path, file, error))
    return false;
  auto bad = [&](const std::string &why) {
    error = path + ": not a readable .npz (" + why + ")";
    return false;
  };
  const size_t n = file.size();
  const uint8_t *d = file.data();
  // The end record (22 bytes + a comment of at most 64 KiB) closes the file.
  size_t eocd = std::string::npos;
  for (size_t back = 22; back <= n && back <= 22 + 65535; ++back)
    if (le(d + n - back, 4) == 0x06054b50) {
      eocd = n - back;
      break;
    }
  if (eocd == std::string::npos)
    return bad("no zip end record");
  uint32_t entries = le(d + eocd + 10, 2), dirSize = le(d + eocd + 12, 4),
           dirOffset = le(d + eocd + 16, 4);
  if (entries == 0xffff || dirOffset == 0xffffffffu)
    return bad("zip64 archives are not supported");
  if (uint64_t(dirOffset) + dirSize > eocd)
    return bad("central directory out of range");
  size_t at = dirOffset;
  for (uint32_t e = 0; e < entries; ++e) {
    if (at + 46 > eocd || le(d + at, 4) != 0x02014b50)
      return bad("broken central directory");
    uint32_t method = le(d + at + 10, 2), size = le(d + at + 20, 4), raw = le(d + at + 24, 4);
    uint32_t nameLen = le(d + at + 28, 2), extraLen = le(d + at + 30, 2),
             commentLen = le(d + at + 32, 2), local = le(d + at + 42, 4);
    if (at + 46 + nameLen > eocd)
      return bad("broken central directory");
    std::string name(reinterpret_cast<const char *>(d + at + 46), nameLen);
    at += 46 + nameLen + extraLen + commentLen;
    if (method != 0)
      return bad("member '" + name +
                 "' is compressed; write the file with np.savez, not np.savez_compressed");
    if (size == 0xffffffffu || local == 0xffffffffu)
      return bad("zip64 archives are not supported");
    if (size != raw)
      return bad("member '" + name + "' has inconsistent sizes");
    if (uint64_t(local) + 30 > n || le(d + local, 4) != 0x04034b50)
      return bad("broken local header of '" + name + "'");
    uint64_t data = uint64_t(local) + 30 + le(d + local + 26, 2) + le(d + local + 28, 2);
    if (data + size > n)
      return bad("member '" + name + "' runs past the end of the file");
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".npy") == 0)
      name.resize(name.size() - 4);
    HostTensor t;
    std::string npyError;
    if (!parseNpy(d + data, size, t, npyError))
      return bad("member '" + name + "': " + npyError);
    t.name = name;
    arrays[name] = std::move(t);
  }
  return true;
}
