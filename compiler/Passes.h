//===- Passes.h - dlc compiler passes -------------------------------------===//
#ifndef DLC_COMPILER_PASSES_H
#define DLC_COMPILER_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace dlc {

/// Attribute names shared by the passes and the plan builder.
inline constexpr llvm::StringLiteral kGraphAttr = "dlc.graph";
inline constexpr llvm::StringLiteral kKernelAttr = "dlc.kernel";
inline constexpr llvm::StringLiteral kOpNameAttr = "dlc.op";
/// The device an op, kernel call or kernel function runs on ("cpu", "cuda:0").
inline constexpr llvm::StringLiteral kDeviceAttr = "dlc.device";
/// Suffix of the packed-argument entry of every kernel (PackKernelArgs).
inline constexpr llvm::StringLiteral kKernelEntrySuffix = "_entry";

#define GEN_PASS_DECL
#include "compiler/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compiler/Passes.h.inc"

} // namespace dlc

#endif // DLC_COMPILER_PASSES_H
