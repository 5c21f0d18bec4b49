//===- QuantizationSites.h - what `dlc --quantize=int8` quantizes -*- C++ -*-===//
//
// Shared by the calibration in the driver (which observes the sites'
// activations) and by dlc-quantize (which quantizes them with the observed
// ranges), so both agree on which tensors a site reads and writes.
//
//===----------------------------------------------------------------------===//
#ifndef DLC_COMPILER_TRANSFORMS_QUANTIZATIONSITES_H
#define DLC_COMPILER_TRANSFORMS_QUANTIZATIONSITES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/SmallVector.h"

namespace dlc {

/// Calibrated ranges of a site, on its contraction op: array<f32: input min,
/// input max, output min, output max>.
inline constexpr llvm::StringLiteral kQuantRangesAttr = "dlc.quant_ranges";

/// A conv, matmul or gemm that dlc-fold-qdq turns into an int8 kernel once
/// its activation, weights, bias and output are quantized.
struct QuantizationSite {
  mlir::Operation *op;
  mlir::Value input;  // the activation operand (f32)
  mlir::Value weight; // a constant f32 tensor
  mlir::Value bias;   // a constant f32 [channels] or null
  mlir::Value output; // what is quantized: the op's result, or its only user's if a relu/clip
  int64_t channelAxis; // of the weight: conv 0, matmul 1, gemm 0 with transB else 1
  /// Where the bias is an operand: the op itself (conv, gemm), or the add
  /// after a matmul (ONNX MatMul + Add), whose result is then the
  /// contraction's result.
  mlir::Operation *biasOwner = nullptr;
  unsigned biasIndex = 0;
};

/// The sites of `graph`, in op order: f32 static-shape conv (any groups),
/// matmul with a constant 2-D right operand (and, if its only user adds a
/// constant [N], that bias), and gemm (alpha = beta = 1, no transA) with a
/// constant B and a constant 1-D or no C. The output is a
/// single-use relu/clip after the contraction, else the contraction's result
/// (all its users then read the dequantized value, so dlc-fold-qdq sees one
/// use). Contractions of already dequantized operands (QDQ models) are not
/// sites.
llvm::SmallVector<QuantizationSite> collectQuantizationSites(mlir::func::FuncOp graph);

} // namespace dlc

#endif // DLC_COMPILER_TRANSFORMS_QUANTIZATIONSITES_H
