//===- LoweringPattern.h - the base of the dlc -> linalg lowerings --------===//
//
// dlc compiles static shapes only, and the builders in LinalgUtils rely on
// it. StaticShapeLowering checks that once for every lowering: an op with a
// dynamic or unranked operand or result is not matched (the conversion then
// reports it as illegal), so `lower` sees static ranked tensors only. `lower`
// returns the replacement values rather than replacing the op itself.
//
// dlc tensors may be unsigned (`ui8`), arith/linalg need signless integers:
// the pass's type converter makes them signless, so `lower` builds
// `resultType(op)` (not op's own type) and reads signedness from `op`.
//
//===----------------------------------------------------------------------===//
#ifndef DLC_COMPILER_CONVERSION_LOWERINGPATTERN_H
#define DLC_COMPILER_CONVERSION_LOWERINGPATTERN_H

#include "compiler/conversion/LinalgUtils.h"

#include "mlir/Transforms/DialectConversion.h"

namespace dlc {

/// What StaticShapeLowering does with an op whose result has no elements:
/// hand it to `lower` like any other, or fold it to a tensor.empty of the
/// result type without calling `lower` (nothing to compute; spares `lower`
/// zero-sized loops and slices).
enum class EmptyResult { Lower, Fold };

/// Lowers OpTy ops whose types are all static (see the file comment). `lower`
/// returns the replacement: a Value for a single-result op, else the values.
template <typename OpTy, EmptyResult emptyResult = EmptyResult::Lower>
struct StaticShapeLowering : mlir::OpConversionPattern<OpTy> {
  using mlir::OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpTy::Adaptor;
  using Replacement =
      std::conditional_t<OpTy::template hasTrait<mlir::OpTrait::OneResult>(), mlir::Value,
                         llvm::SmallVector<mlir::Value>>;

  mlir::LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  mlir::ConversionPatternRewriter &rewriter) const final {
    if (!hasStaticTypes(op))
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    if constexpr (emptyResult == EmptyResult::Fold) {
      mlir::RankedTensorType type = resultType(op);
      if (type.getNumElements() == 0) {
        rewriter.replaceOp(op, createEmptyTensor(rewriter, op.getLoc(), type));
        return mlir::success();
      }
    }
    mlir::FailureOr<Replacement> replacement = lower(op, adaptor, rewriter);
    if (mlir::failed(replacement))
      return mlir::failure();
    rewriter.replaceOp(op, *replacement);
    return mlir::success();
  }

  /// Builds what replaces `op`, or fails with notifyMatchFailure.
  virtual mlir::FailureOr<Replacement>
  lower(OpTy op, OpAdaptor adaptor, mlir::ConversionPatternRewriter &rewriter) const = 0;

  /// The type `lower` builds for result `i` of `op` (signless elements).
  mlir::RankedTensorType resultType(OpTy op, unsigned i = 0) const {
    return mlir::cast<mlir::RankedTensorType>(
        this->getTypeConverter()->convertType(op->getResult(i).getType()));
  }
};

} // namespace dlc

#endif // DLC_COMPILER_CONVERSION_LOWERINGPATTERN_H
