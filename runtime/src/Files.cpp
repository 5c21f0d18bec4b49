// Whole-file reads and atomic writes for tensor files.
#include "TensorIO.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>

bool dlc::rt::readFile(const std::string &path, std::vector<uint8_t> &out, std::string &error) {
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) {
    error = path + ": " + std::strerror(errno);
    return false;
  }
  out.clear();
  uint8_t buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0)
    out.insert(out.end(), buffer, buffer + n);
  bool failed = std::ferror(f);
  std::fclose(f);
  if (failed)
    error = path + ": read error";
  return !failed;
}

bool dlc::rt::writeFile(const std::string &path, const std::vector<uint8_t> &bytes,
                        std::string &error) {
  std::string temp = path + ".tmp-" + std::to_string(getpid());
  FILE *f = std::fopen(temp.c_str(), "wb");
  if (!f) {
    error = path + ": " + std::strerror(errno);
    return false;
  }
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  ok = (std::fclose(f) == 0) && ok;
  if (!ok || std::rename(temp.c_str(), path.c_str()) != 0) {
    error = path + ": " + std::strerror(errno);
    std::remove(temp.c_str());
    return false;
  }
  return true;
}

bool dlc::rt::readTensorFile(const std::string &path, HostTensor &out, std::string &error) {
  std::vector<uint8_t> bytes;
  if (!readFile(path, bytes, error))
    return false;
  bool isNpy = path.size() >= 4 && path.compare(path.size() - 4, 4, ".npy") == 0;
  bool ok = isNpy ? parseNpy(bytes.data(), bytes.size(), out, error)
                  : parseTensorProto(bytes.data(), bytes.size(), out, error);
  if (!ok)
    error = path + ": " + error;
  return ok;
}
