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
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Transforms/DialectConversion.h"

namespace dlc {
#define GEN_PASS_DEF_CONVERTDLCTOLINALG
#include "compiler/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {
/// Library calls (dlc-dispatch-dnnl) reach 8-bit tensors through
/// to_buffer / reinterpret_cast / alloc / to_tensor, whose meaning does not
/// depend on signedness: they get the signless types like everything else.
bool isRetypedOp(Operation *op) {
  return llvm::isa<bufferization::ToBufferOp, bufferization::ToTensorOp, memref::AllocOp,
                   memref::ReinterpretCastOp>(op);
}

struct RetypeOp : ConversionPattern {
  RetypeOp(const TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), 1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                                ConversionPatternRewriter &rewriter) const override {
    SmallVector<Type> types;
    if (!isRetypedOp(op) || failed(getTypeConverter()->convertTypes(op->getResultTypes(), types)))
      return failure();
    OperationState state(op->getLoc(), op->getName().getStringRef(), operands, types,
                         op->getAttrs(), op->getSuccessors());
    rewriter.replaceOp(op, rewriter.create(state)->getResults());
    return success();
  }
};

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
    target.addDynamicallyLegalOp<func::ReturnOp, func::CallOp, bufferization::ToBufferOp,
                                 bufferization::ToTensorOp, memref::AllocOp,
                                 memref::ReinterpretCastOp>(
        [&](Operation *op) { return converter.isLegal(op); });

    RewritePatternSet patterns(ctx);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns, converter);
    populateCallOpTypeConversionPattern(patterns, converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    patterns.add<RetypeOp>(converter, ctx);
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
