//===- Output.h - atomic output files -------------------------------------===//
#ifndef DLC_COMPILER_DRIVER_OUTPUT_H
#define DLC_COMPILER_DRIVER_OUTPUT_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace dlc {

/// Writes `bytes` to `path` through a temporary file in the same directory
/// and a rename, so a failed compile never leaves a partial output. "-" is
/// standard output.
bool writeFileAtomically(llvm::StringRef path, llvm::StringRef bytes, std::string &error);

/// A temporary path beside `path` for a tool (the linker) to write, then
/// `commit` renames it into place; destruction without commit removes it.
class PendingOutput {
public:
  explicit PendingOutput(llvm::StringRef path);
  ~PendingOutput();
  const std::string &tempPath() const { return temp; }
  bool commit(std::string &error);

private:
  std::string finalPath, temp;
  bool committed = false;
};

} // namespace dlc

#endif // DLC_COMPILER_DRIVER_OUTPUT_H
