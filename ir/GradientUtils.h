//===- GradientUtils.h - building blocks of the VJP rules -----------------===//
//
// The VJP rules (ir/Gradients*.cpp) are composed from existing dlc ops, so
// every gradient lowers, fuses and runs on every target like the forward
// graph. These helpers are the recurring pieces: constants, undoing numpy
// broadcasting, and placing values at strided positions (the transpose of a
// strided window read, used by conv/pool/slice gradients).
//===----------------------------------------------------------------------===//
#ifndef DLC_IR_GRADIENTUTILS_H
#define DLC_IR_GRADIENTUTILS_H

#include "ir/Ops.h"
#include "mlir/IR/Builders.h"

namespace dlc::grad {

mlir::RankedTensorType typeOf(mlir::Value v);

/// A rank-0 constant of `elementType` (broadcasts against any shape).
mlir::Value scalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Type elementType, double value);
/// `value` everywhere, shape `type` (an expand of a scalar: no weight bytes).
mlir::Value filled(mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType type,
                   double value);
/// The gradient of a value nothing differentiable reached: zeros.
mlir::Value zerosLike(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v);

mlir::Value reshape(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                    llvm::ArrayRef<int64_t> shape);
mlir::Value transpose(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                      llvm::ArrayRef<int64_t> perm);
/// Swaps dims 0 and 1 (NC.. <-> CN.., OI.. <-> IO..).
mlir::Value swapFirstTwo(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v);
/// Broadcasts `v` to `shape` (numpy rules).
mlir::Value expandTo(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                     llvm::ArrayRef<int64_t> shape);
/// Undoes numpy broadcasting: sums `g` over the dims `type` was broadcast
/// along and reshapes to `type` (the gradient of a broadcast operand).
mlir::Value sumToShape(mlir::OpBuilder &b, mlir::Location loc, mlir::Value g,
                       mlir::RankedTensorType type);
/// Window of `v` along `dim`: `count` elements from `start` every `step`.
mlir::Value sliceDim(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v, int64_t dim,
                     int64_t start, int64_t step, int64_t count);
/// Joins `a` and a `fill`-valued block of `size` elements along `dim`,
/// before (`atBegin`) or after `a`.
mlir::Value padDim(mlir::OpBuilder &b, mlir::Location loc, mlir::Value a, int64_t dim,
                   int64_t size, bool atBegin, double fill);
/// A tensor with `v`'s shape except `full` elements along `dim`, holding
/// v[i] at position start + i * step (step > 0) and zeros elsewhere; the
/// transpose of sliceDim. Positions past `full` must not be needed.
mlir::Value scatterDim(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v, int64_t dim,
                       int64_t start, int64_t step, int64_t full);
/// Reduce over `axes` keeping them (size 1).
mlir::Value sumKeep(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                    llvm::ArrayRef<int64_t> axes);
/// The op's result gradient `i`, or zeros when none reached it.
mlir::Value gradOrZeros(mlir::OpBuilder &b, mlir::Operation *op,
                        llvm::ArrayRef<mlir::Value> resultGrads, unsigned i);

/// Arithmetic shorthands at one builder position and location, so VJP rules
/// read like their formulas.
struct Emit {
  mlir::OpBuilder &b;
  mlir::Location loc;
  mlir::Value add(mlir::Value x, mlir::Value y) { return AddOp::create(b, loc, x, y); }
  mlir::Value sub(mlir::Value x, mlir::Value y) { return SubOp::create(b, loc, x, y); }
  mlir::Value mul(mlir::Value x, mlir::Value y) { return MulOp::create(b, loc, x, y); }
  mlir::Value div(mlir::Value x, mlir::Value y) { return DivOp::create(b, loc, x, y); }
  mlir::Value neg(mlir::Value x) { return NegOp::create(b, loc, x); }
  mlir::Value exp(mlir::Value x) { return ExpOp::create(b, loc, x); }
  mlir::Value log(mlir::Value x) { return LogOp::create(b, loc, x); }
  mlir::Value sqrt(mlir::Value x) { return SqrtOp::create(b, loc, x); }
  mlir::Value less(mlir::Value x, mlir::Value y) { return LessOp::create(b, loc, x, y); }
  mlir::Value greater(mlir::Value x, mlir::Value y) { return GreaterOp::create(b, loc, x, y); }
  mlir::Value select(mlir::Value c, mlir::Value x, mlir::Value y) {
    return WhereOp::create(b, loc, c, x, y);
  }
  /// A rank-0 constant with `like`'s element type.
  mlir::Value scalar(mlir::Value like, double value) {
    return grad::scalar(b, loc, typeOf(like).getElementType(), value);
  }
  /// x * c for a constant c.
  mlir::Value scale(mlir::Value x, double c) { return c == 1.0 ? x : mul(x, scalar(x, c)); }
};

} // namespace dlc::grad

#endif // DLC_IR_GRADIENTUTILS_H
