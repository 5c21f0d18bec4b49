//===- ScratchDir.h - a temporary folder removed on scope exit -*- C++ -*-===//
#ifndef DLC_COMPILER_DRIVER_SCRATCHDIR_H
#define DLC_COMPILER_DRIVER_SCRATCHDIR_H

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <string>
#include <system_error>

namespace dlc {

/// A unique folder under the system's temporary directory, removed with
/// everything in it on scope exit; `ec` says whether it could be made.
struct ScratchDir {
  llvm::SmallString<128> path;
  std::error_code ec;
  explicit ScratchDir(llvm::StringRef prefix) {
    ec = llvm::sys::fs::createUniqueDirectory(prefix, path);
  }
  ~ScratchDir() {
    if (!ec)
      llvm::sys::fs::remove_directories(path);
  }
  ScratchDir(const ScratchDir &) = delete;
  ScratchDir &operator=(const ScratchDir &) = delete;
  std::string file(llvm::StringRef name) const {
    llvm::SmallString<128> p(path);
    llvm::sys::path::append(p, name);
    return std::string(p);
  }
};

} // namespace dlc

#endif // DLC_COMPILER_DRIVER_SCRATCHDIR_H
