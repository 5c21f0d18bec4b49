//===- onnx_import_fuzzer.cpp - libFuzzer: bytes -> ONNX importer ---------===//
//
// Any byte string must import into a verified module or fail with
// diagnostics: never crash, abort, hit an assertion (the fuzz build keeps
// asserts and llvm_unreachable in dlc's own code) or trip ASan/UBSan.
// External data is looked up in a folder that does not exist, so the
// fuzzer never reads files.
//
//===----------------------------------------------------------------------===//
#include "frontend/onnx/Importer.h"
#include "ir/Dialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstdlib>

// Huge allocations come back as null / bad_alloc, which dlc handles; they
// are not crashes.
extern "C" const char *__asan_default_options() { return "allocator_may_return_null=1"; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // One context per input: diagnostics handlers and uniqued attributes of
  // one input never leak into the next.
  mlir::MLIRContext ctx;
  ctx.getOrLoadDialect<dlc::DlcDialect>();
  ctx.getOrLoadDialect<mlir::func::FuncDialect>();
  std::string messages;
  llvm::raw_string_ostream errs(messages);
  mlir::OwningOpRef<mlir::ModuleOp> module = dlc::importOnnxModelBytes(
      ctx, llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz.onnx",
      "/nonexistent-dlc-fuzz-dir", dlc::ImportOptions{}, errs);
  errs.flush();
  if (module) {
    // What the importer returns must verify, and a success reports nothing.
    if (mlir::failed(mlir::verify(*module)) || !messages.empty()) {
      std::fprintf(stderr, "imported module does not verify or came with errors:\n%s\n",
                   messages.c_str());
      std::abort();
    }
  } else if (messages.empty()) {
    std::fprintf(stderr, "import failed without a message\n");
    std::abort();
  }
  return 0;
}
