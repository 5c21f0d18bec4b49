//===- Interfaces.td - dlc op interfaces -------------------*- tablegen -*-===//
#ifndef DLC_INTERFACES_TD
#define DLC_INTERFACES_TD

include "mlir/IR/OpBase.td"

// Reverse-mode autodiff (dlc-autodiff) asks each op for its vector-Jacobian
// product. Ops without this interface are non-differentiable: integer and
// boolean ops (compares, casts to integers, gather indices) never carry a
// gradient, and the pass names any other op that would need one.
def Dlc_GradientOpInterface : OpInterface<"GradientOpInterface"> {
  let cppNamespace = "::dlc";
  let description = [{
    `buildVJP` builds, at the builder's insertion point (after the op), the
    gradient of every operand from the gradients of the results. A null
    result gradient means zero. It returns one value per operand, null where
    the operand is non-differentiable (e.g. a where condition) or not
    `needed`; it fails (with an error on the op) when the op's attributes
    have no implemented gradient (e.g. a grouped convolution).
  }];
  let methods = [
    InterfaceMethod<"Builds the operand gradients from the result gradients.",
      "::mlir::FailureOr<::llvm::SmallVector<::mlir::Value>>", "buildVJP",
      (ins "::mlir::OpBuilder &":$builder,
           "::llvm::ArrayRef<::mlir::Value>":$resultGrads,
           "::llvm::ArrayRef<bool>":$needed)>,
  ];
}

#endif // DLC_INTERFACES_TD
