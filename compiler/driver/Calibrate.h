//===- Calibrate.h - `dlc --quantize=int8 --calibrate=DIR` ----------------===//
#ifndef DLC_COMPILER_DRIVER_CALIBRATE_H
#define DLC_COMPILER_DRIVER_CALIBRATE_H

#include "compiler/driver/Pipeline.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace dlc {

/// Builds a model library (--emit=lib) at options.outputPath from a graph
/// module that went through the graph stages; returns an exit code.
using LibraryBuilder = llvm::function_ref<int(mlir::ModuleOp, const CompileOptions &)>;

/// Calibrates and quantizes the quantization sites of `module` (after the
/// Simplify stage): an instrumented f32 clone, which also returns every
/// site's activation and output, is compiled with `buildLibrary` into a
/// temporary folder and run on the samples of options.calibrationDir; the
/// observed ranges go on the sites and dlc-quantize + dlc-fold-qdq make
/// them int8 kernels. `quantized` is the number of int8 kernels made.
/// Errors are printed; returns failure after one.
mlir::LogicalResult calibrateAndQuantize(mlir::ModuleOp module, const CompileOptions &options,
                                         LibraryBuilder buildLibrary, size_t &quantized);

} // namespace dlc

#endif // DLC_COMPILER_DRIVER_CALIBRATE_H
