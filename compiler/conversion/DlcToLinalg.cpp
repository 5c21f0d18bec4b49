//===- DlcToLinalg.cpp - the convert-dlc-to-linalg pass -------------------===//
#include "compiler/Passes.h"
#include "compiler/conversion/Patterns.h"
#include "ir/Dialect.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Transforms/DialectConversion.h"

namespace dlc {
#define GEN_PASS_DEF_CONVERTDLCTOLINALG
#include "compiler/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {
struct ConvertDlcToLinalgPass
    : dlc::impl::ConvertDlcToLinalgBase<ConvertDlcToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<dlc::DlcDialect>();
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                           arith::ArithDialect, math::MathDialect,
                           affine::AffineDialect, func::FuncDialect,
                           bufferization::BufferizationDialect>();
    RewritePatternSet patterns(ctx);
    dlc::populateElementwiseToLinalgPatterns(patterns);
    dlc::populateReductionToLinalgPatterns(patterns);
    dlc::populateContractionToLinalgPatterns(patterns);
    dlc::populatePoolingToLinalgPatterns(patterns);
    dlc::populateDataMovementToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target, std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
