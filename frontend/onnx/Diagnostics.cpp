//===- Diagnostics.cpp - importer error reporting -------------------------===//
#include "frontend/onnx/Diagnostics.h"

namespace dlc::onnx_import {

void ErrorReporter::modelError(const llvm::Twine &message) {
  ++count;
  os << path << ": " << message << "\n";
  os.flush();
}

void ErrorReporter::nodeError(llvm::StringRef node, llvm::StringRef opType,
                              const llvm::Twine &message) {
  ++count;
  os << path << ":node '" << node << "' (" << opType << "): " << message << "\n";
  os.flush();
}

void ErrorReporter::note(const llvm::Twine &message) {
  os << "  note: " << message << "\n";
  os.flush();
}

} // namespace dlc::onnx_import
