//===- Compile.h - ONNX model -> artefact ---------------------------------===//
#ifndef DLC_COMPILER_DRIVER_COMPILE_H
#define DLC_COMPILER_DRIVER_COMPILE_H

#include "compiler/driver/Pipeline.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"

namespace dlc {

/// Every dialect, interface model and translation the compiler uses.
void registerCompilerDialects(mlir::DialectRegistry &registry);

/// The module's graph function (kGraphAttr), or null.
mlir::func::FuncOp findGraph(mlir::ModuleOp module);

/// Runs the whole pipeline of DESIGN.md for `options`. Errors go to stderr
/// as `FILE:node 'NAME': message`; returns the process exit code (0 or 1).
int compileModel(const CompileOptions &options);

} // namespace dlc

#endif // DLC_COMPILER_DRIVER_COMPILE_H
