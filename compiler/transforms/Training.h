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

} // namespace dlc

#endif // DLC_COMPILER_TRANSFORMS_TRAINING_H
