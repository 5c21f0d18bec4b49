//===- DlcToLinalg.cpp - the convert-dlc-to-linalg pass -------------------===//
//
// arith and linalg compute on signless integers, so unsigned dlc tensors
// (`ui8`) become signless (`i8`, same bytes) here: in the lowered ops and in
// the signatures of the kernels (and calls/returns), whose bare-pointer ABI
// is therefore unchanged. The patterns choose the unsigned arith ops from
// the dlc op's own types.
//
//===----------------------------------------------------------------------===//
#include "compiler/Passes.h"
#include "compiler/conversion/LinalgUtils.h"
#include "compiler/conversion/Patterns.h"
#include "ir/Dialect.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
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
    TypeConverter converter;
    converter.addConversion([](Type type) { return dlc::getSignlessType(type); });

    ConversionTarget target(*ctx);
    target.addIllegalDialect<dlc::DlcDialect>();
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                           arith::ArithDialect, math::MathDialect,
                           affine::AffineDialect, func::FuncDialect,
                           bufferization::BufferizationDialect>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp f) {
      return converter.isSignatureLegal(f.getFunctionType()) &&
             converter.isLegal(&f.getBody());
    });
    target.addDynamicallyLegalOp<func::ReturnOp, func::CallOp>(
        [&](Operation *op) { return converter.isLegal(op); });

    RewritePatternSet patterns(ctx);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns, converter);
    populateCallOpTypeConversionPattern(patterns, converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    dlc::populateElementwiseToLinalgPatterns(converter, patterns);
    dlc::populateReductionToLinalgPatterns(converter, patterns);
    dlc::populateContractionToLinalgPatterns(converter, patterns);
    dlc::populatePoolingToLinalgPatterns(converter, patterns);
    dlc::populateQuantToLinalgPatterns(converter, patterns);
    dlc::populateDataMovementToLinalgPatterns(converter, patterns);
    if (failed(applyPartialConversion(getOperation(), target, std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
