//===- Training.h - pieces shared by the training passes ------------------===//
#ifndef DLC_COMPILER_TRANSFORMS_TRAINING_H
#define DLC_COMPILER_TRANSFORMS_TRAINING_H

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringRef.h"

namespace dlc {

/// On dlc.constant: the ONNX initializer it was imported from (set by the
/// importer; such float constants are the trainable weights).
inline constexpr llvm::StringLiteral kInitializerAttr = "dlc.initializer";
/// On a graph result: the initializer whose gradient it is (dlc-autodiff).
inline constexpr llvm::StringLiteral kGradientOfAttr = "dlc.gradient_of";
/// Arg/result names of the graph function (plan tensor names).
inline constexpr llvm::StringLiteral kNameAttr = "dlc.name";

/// The scalar (rank-0) loss of `prediction` against `labels` (same type):
/// mse (mean over all elements), binary_cross_entropy (mean; computed from
/// the logits when the prediction is a sigmoid, else from clipped
/// probabilities) or softmax_cross_entropy (labels are class probabilities
/// along the last axis, e.g. one-hot; the logits are the input of a final
/// softmax/log_softmax, else the prediction itself; mean over the other
/// dims). Fails with an error at `loc` for an unknown kind.
mlir::FailureOr<mlir::Value> buildLoss(mlir::OpBuilder &b, mlir::Location loc,
                                       llvm::StringRef kind, mlir::Value prediction,
                                       mlir::Value labels);

/// A ranked tensor of a float element type.
bool isFloatTensor(mlir::Value v);

/// Reverse mode: the gradients of the scalar `y` with respect to `xs`, built
/// at `b`'s insertion point from the VJPs (GradientOpInterface) of `ops`, the
/// ops that compute `y` in program order. A null Value for an x that `y` does
/// not depend on. A non-differentiable op on a path from an x to `y` is an
/// error naming it.
mlir::FailureOr<llvm::SmallVector<mlir::Value>>
buildGradients(mlir::OpBuilder &b, mlir::Location loc, llvm::ArrayRef<mlir::Operation *> ops,
               mlir::Value y, llvm::ArrayRef<mlir::Value> xs);

} // namespace dlc

#endif // DLC_COMPILER_TRANSFORMS_TRAINING_H
