//===- QuantBuilders.h - integer contraction pieces in dlc ops -*- C++ -*-===//
//
// The integer form of a quantized contraction, spelled with dlc ops: the
// importer builds it for MatMulInteger / QLinearMatMul / QLinearConv and
// dlc-fold-qdq for DequantizeLinear -> conv/matmul/gemm -> QuantizeLinear.
//
//   acc = contraction(i32(x) - i32(x_zp), i32(w) - i32(w_zp)) [+ bias_i32]
//   y   = quantize_linear(f64(acc) * f64(multiplier), 1.0, y_zp)
//
// The callers check shapes first (ops are created with inferred types).
//
//===----------------------------------------------------------------------===//
#ifndef DLC_IR_QUANTBUILDERS_H
#define DLC_IR_QUANTBUILDERS_H

#include "mlir/IR/Builders.h"

#include <optional>
#include <string>

namespace dlc {

/// `v` with element type `element` (dlc.cast; `v` itself if it has it;
/// computed here for constants: integers -> i32, f32 -> f64/f16/bf16).
mlir::Value castElements(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                         mlir::Type element);

/// i32(v) - i32(zeroPoint); i32(v) when zeroPoint is null or a constant 0.
/// The zero point must broadcast to v's shape.
mlir::Value centerToI32(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                        mlir::Value zeroPoint);

/// What runs between the scaling and the quantization: nothing, relu, or a
/// clip whose bounds are in output-scale units (the f32 bounds / y_scale).
struct RequantActivation {
  bool relu = false;
  bool clip = false;
  std::optional<double> clipMin, clipMax;
  /// GELU (`geluApproximate` "none" or "tanh") does not commute with a
  /// scale: the multiplier is then sx * sw alone and the quantization
  /// divides by `outputScale` (y_scale) after the GELU.
  bool gelu = false;
  std::string geluApproximate = "none";
  std::optional<double> outputScale;
};

/// quantize_linear(act(f64(acc) * f64(multiplier)), 1.0, yZeroPoint): the
/// requantization of an i32 accumulator, `act` as `activation` says.
/// yZeroPoint holds one element; multiplier broadcasts to acc's shape.
mlir::Value requantize(mlir::OpBuilder &b, mlir::Location loc, mlir::Value acc,
                       mlir::Value multiplier, mlir::Value yZeroPoint,
                       const RequantActivation &activation = {});

} // namespace dlc

#endif // DLC_IR_QUANTBUILDERS_H
