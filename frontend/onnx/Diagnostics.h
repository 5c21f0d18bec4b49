//===- Diagnostics.h - importer error reporting ----------------*- C++ -*-===//
//
// Every importer error goes through ErrorReporter so it has the CLI
// contract's form: `FILE:node 'NAME' (OpType): message` or `FILE: message`.
//
//===----------------------------------------------------------------------===//
#ifndef DLC_FRONTEND_ONNX_DIAGNOSTICS_H
#define DLC_FRONTEND_ONNX_DIAGNOSTICS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace dlc::onnx_import {

class ErrorReporter {
public:
  ErrorReporter(llvm::StringRef path, llvm::raw_ostream &os) : path(path.str()), os(os) {}

  void modelError(const llvm::Twine &message);
  void nodeError(llvm::StringRef node, llvm::StringRef opType, const llvm::Twine &message);
  /// An indented follow-up line (MLIR diagnostic notes).
  void note(const llvm::Twine &message);

  size_t errorCount() const { return count; }
  const std::string &filePath() const { return path; }

private:
  std::string path;
  llvm::raw_ostream &os;
  size_t count = 0;
};

} // namespace dlc::onnx_import

#endif // DLC_FRONTEND_ONNX_DIAGNOSTICS_H
