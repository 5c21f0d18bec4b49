//===- Dot.h - Graphviz view of the dlc graph -----------------------------===//
#ifndef DLC_COMPILER_DRIVER_DOT_H
#define DLC_COMPILER_DRIVER_DOT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <string>

namespace dlc {
/// One node per op (labelled with the ONNX node name, op and result type),
/// one edge per value use; graph inputs and outputs as ellipses.
std::string graphToDot(mlir::func::FuncOp graph);
} // namespace dlc

#endif // DLC_COMPILER_DRIVER_DOT_H
