//===- RecognizeGelu.cpp - the decomposed exact GELU -> dlc.gelu ----------===//
//
// Exporters without an ONNX Gelu op (opset < 20) write exact GELU as
//   y = x * 0.5 * (1 + erf(x / sqrt(2)))
// in some order of the two multiplications, and with x * (1 / sqrt(2)) in
// place of the division. As one dlc.gelu it is one elementwise op, which a
// preceding conv/matmul library call fuses as a post-op; as five ops it is a
// separate kernel with a scalar erf per element.
//
//===----------------------------------------------------------------------===//
#include "compiler/Passes.h"
#include "ir/Ops.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace dlc {
#define GEN_PASS_DEF_RECOGNIZEGELU
#include "compiler/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// Is `v` a splat float constant equal to `want` (to f32 rounding)?
bool isSplat(Value v, double want) {
  DenseFPElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || !attr.isSplat())
    return false;
  double got = attr.getSplatValue<APFloat>().convertToDouble();
  return std::fabs(got - want) <= 1e-6 * std::fabs(want);
}

/// The operand of commutative `op` other than `known`, if `known` is one.
Value otherOperand(Operation *op, Value known) {
  if (op->getOperand(0) == known)
    return op->getOperand(1);
  if (op->getOperand(1) == known)
    return op->getOperand(0);
  return nullptr;
}

/// The only user of `v`, if it is an `OpTy`.
template <typename OpTy> OpTy soleUser(Value v) {
  return v.hasOneUse() ? llvm::dyn_cast<OpTy>(*v.getUsers().begin()) : OpTy();
}

/// Rooted at the erf: x / sqrt(2) (or x * 1/sqrt(2)) -> erf -> + 1 ->
/// * x -> * 0.5, or * (x * 0.5) in the last step.
struct ExactGelu : OpRewritePattern<dlc::ErfOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(dlc::ErfOp erf, PatternRewriter &rewriter) const override {
    Operation *scaled = erf.getInput().getDefiningOp();
    Value x;
    if (auto div = llvm::dyn_cast_if_present<dlc::DivOp>(scaled)) {
      if (isSplat(div.getRhs(), M_SQRT2))
        x = div.getLhs();
    } else if (auto mul = llvm::dyn_cast_if_present<dlc::MulOp>(scaled)) {
      for (Value c : {mul.getLhs(), mul.getRhs()})
        if (isSplat(c, M_SQRT1_2))
          x = otherOperand(mul, c);
    }
    auto type = llvm::dyn_cast_if_present<RankedTensorType>(x ? x.getType() : Type());
    if (!type || !llvm::isa<FloatType>(type.getElementType()) || erf.getType() != type ||
        !scaled->getResult(0).hasOneUse())
      return rewriter.notifyMatchFailure(erf, "not erf(x / sqrt(2))");
    auto plusOne = soleUser<dlc::AddOp>(erf.getOutput());
    if (!plusOne || plusOne.getType() != type ||
        !isSplat(otherOperand(plusOne, erf.getOutput()), 1.0))
      return rewriter.notifyMatchFailure(erf, "not 1 + erf(..)");
    auto times = soleUser<dlc::MulOp>(plusOne.getOutput());
    Value factor = times ? otherOperand(times, plusOne.getOutput()) : Value();
    if (!times || times.getType() != type)
      return rewriter.notifyMatchFailure(erf, "not a product with (1 + erf(..))");
    Operation *root = nullptr;
    if (factor == x) { // (x * (1 + erf)) * 0.5
      auto half = soleUser<dlc::MulOp>(times.getOutput());
      if (half && half.getType() == type && isSplat(otherOperand(half, times.getOutput()), 0.5))
        root = half;
    } else if (auto halfX = factor.getDefiningOp<dlc::MulOp>()) { // (x * 0.5) * (1 + erf)
      Value c = otherOperand(halfX, x);
      if (c && halfX.getType() == type && factor.hasOneUse() && isSplat(c, 0.5))
        root = times;
    }
    if (!root)
      return rewriter.notifyMatchFailure(erf, "no 0.5 * x factor");
    rewriter.replaceOpWithNewOp<dlc::GeluOp>(root, type, x);
    return success();
  }
};

struct RecognizeGeluPass : dlc::impl::RecognizeGeluBase<RecognizeGeluPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ExactGelu>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
