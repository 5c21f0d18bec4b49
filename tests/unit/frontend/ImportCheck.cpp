//===- ImportCheck.cpp - import ONNX files, print IR or errors ------------===//
//
// A developer tool for sweeping model collections (e.g. the ONNX node
// tests) through the importer alone, without the rest of the pipeline:
//   onnx_import_check [--quiet] [--shape=name=d0,d1] MODEL.onnx...
// Prints each module (unless --quiet) or the importer's errors; exits 1 if
// any model failed.
//===----------------------------------------------------------------------===//
#include "frontend/onnx/Importer.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

int main(int argc, char **argv) {
  bool quiet = false;
  dlc::ImportOptions opts;
  int failures = 0;
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg = argv[i];
    if (arg == "--quiet") {
      quiet = true;
      continue;
    }
    if (arg.consume_front("--shape=")) {
      auto [name, dims] = arg.split('=');
      llvm::SmallVector<llvm::StringRef> parts;
      dims.split(parts, ',');
      std::vector<int64_t> &shape = opts.inputShapes[name.str()];
      for (llvm::StringRef p : parts)
        shape.push_back(std::atoll(p.str().c_str()));
      continue;
    }
    mlir::MLIRContext ctx;
    auto module = dlc::importOnnxModel(ctx, arg, opts, llvm::errs());
    if (!module) {
      ++failures;
      continue;
    }
    if (!quiet)
      module->print(llvm::outs());
  }
  return failures ? 1 : 0;
}
