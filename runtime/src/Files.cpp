// Whole-file reads and atomic writes for tensor and trace files.
#include "TensorIO.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

bool dlc::rt::readFile(const std::string &path, std::vector<uint8_t> &out, std::string &error) {
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) {
    error = path + ": " + std::strerror(errno);
    return false;
  }
  struct stat info;
  if (fstat(fileno(f), &info) == 0 && !S_ISREG(info.st_mode)) {
    std::fclose(f);
    error = path + ": not a regular file";
    return false;
  }
  out.clear();
  uint8_t buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0)
    out.insert(out.end(), buffer, buffer + n);
  bool failed = std::ferror(f);
  int savedErrno = errno;
  std::fclose(f);
  if (failed)
    error = path + ": read error: " + std::strerror(savedErrno);
  return !failed;
}

bool dlc::rt::writeFile(const std::string &path, const std::vector<uint8_t> &bytes,
                        std::string &error) {
  // A unique temporary name per process and call, renamed over `path` once
  // complete: readers never see a partial file.
  static std::atomic<unsigned> counter{0};
  std::string temp = path + ".tmp-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
  FILE *f = std::fopen(temp.c_str(), "wb");
  if (!f) {
    error = path + ": " + std::strerror(errno);
    return false;
  }
  bool ok = bytes.empty() || std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  int savedErrno = errno;
  ok = (std::fclose(f) == 0) && ok;
  if (ok && std::rename(temp.c_str(), path.c_str()) != 0) {
    savedErrno = errno;
    ok = false;
  }
  if (!ok) {
    error = path + ": " + std::strerror(savedErrno ? savedErrno : EIO);
    std::remove(temp.c_str());
  }
  return ok;
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
