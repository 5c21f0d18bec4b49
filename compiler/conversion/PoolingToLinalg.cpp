//===- PoolingToLinalg.cpp - max_pool, avg_pool, global_avg_pool -> linalg ===//
//
// A window pool is one linalg.generic with loops (n, c, o..., k...): the
// input is padded (max: the lowest value, avg: 0) and read at
// o * stride + k * dilation; a shape-only tensor.empty of the kernel shape
// gives the window loops their range (as in linalg's named pooling ops).
// ceil_mode adds the extra end padding its last windows need.
//
// avg_pool divides the window sum by the number of counted positions. That
// count depends only on the output position and the shapes are static, so it
// is computed here: a scalar when it is the same everywhere (the kernel
// volume, usually), otherwise a dense constant over the spatial output dims.
// count_include_pad counts begin/end pads but never the ceil-mode extension;
// otherwise only positions inside the input count.
//
// global_avg_pool is a keepdims mean over the spatial dims.
//
//===----------------------------------------------------------------------===//
#include "compiler/conversion/LinalgUtils.h"
#include "compiler/conversion/LoweringPattern.h"
#include "compiler/conversion/Patterns.h"
#include "ir/Ops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace dlc;

namespace {

/// The window of one pooling op, with the output sizes of its result type.
struct Window {
  int64_t spatial;
  ArrayRef<int64_t> input; // spatial input sizes
  ArrayRef<int64_t> output; // spatial output sizes
  ArrayRef<int64_t> kernel, strides, pads, dilations;

  int64_t padBegin(int64_t i) const { return pads[i]; }
  int64_t padEnd(int64_t i) const { return pads[i + spatial]; }
  /// Padded positions the last window reads past input + pads (ceil_mode).
  int64_t ceilExtra(int64_t i) const {
    int64_t needed = (output[i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1;
    return std::max<int64_t>(0, needed - (input[i] + padBegin(i) + padEnd(i)));
  }
  /// Window positions of output `o` in dim `i` inside [lo, hi) (padded coordinates).
  int64_t countIn(int64_t i, int64_t o, int64_t lo, int64_t hi) const {
    int64_t count = 0;
    for (int64_t k = 0; k < kernel[i]; ++k) {
      int64_t pos = o * strides[i] + k * dilations[i];
      count += pos >= lo && pos < hi;
    }
    return count;
  }
};

template <typename PoolOp>
Window getWindow(PoolOp op) {
  auto inputType = cast<RankedTensorType>(op.getInput().getType());
  auto resultType = cast<RankedTensorType>(op.getType());
  Window w;
  w.spatial = inputType.getRank() - 2;
  w.input = inputType.getShape().drop_front(2);
  w.output = resultType.getShape().drop_front(2);
  w.kernel = op.getKernelShape();
  w.strides = op.getStrides();
  w.pads = op.getPads();
  w.dilations = op.getDilations();
  return w;
}

/// Pads the spatial dims of `input` with `padValue`: begin pads, end pads
/// plus the ceil-mode extension.
Value padInput(OpBuilder &b, Location loc, Value input, const Window &w, Value padValue) {
  SmallVector<int64_t> low(2, 0), high(2, 0);
  bool any = false;
  for (int64_t i = 0; i < w.spatial; ++i) {
    low.push_back(w.padBegin(i));
    high.push_back(w.padEnd(i) + w.ceilExtra(i));
    any |= low.back() != 0 || high.back() != 0;
  }
  return any ? padTensor(b, loc, input, low, high, padValue) : input;
}

/// The window generic: loops (n, c, o..., k...) reading `padded` at
/// o * stride + k * dilation and combining into `init` with `body(x, acc)`.
Value buildWindowReduction(OpBuilder &b, Location loc, Value padded, Value init,
                           const Window &w,
                           function_ref<Value(OpBuilder &, Location, Value, Value)> body) {
  MLIRContext *ctx = b.getContext();
  int64_t s = w.spatial, numLoops = 2 + 2 * s;
  auto dim = [&](int64_t d) { return getAffineDimExpr(d, ctx); };
  SmallVector<AffineExpr> inExprs{dim(0), dim(1)}, winExprs, outExprs{dim(0), dim(1)};
  for (int64_t i = 0; i < s; ++i) {
    inExprs.push_back(dim(2 + i) * w.strides[i] + dim(2 + s + i) * w.dilations[i]);
    winExprs.push_back(dim(2 + s + i));
    outExprs.push_back(dim(2 + i));
  }
  SmallVector<AffineMap> maps{AffineMap::get(numLoops, 0, inExprs, ctx),
                              AffineMap::get(numLoops, 0, winExprs, ctx),
                              AffineMap::get(numLoops, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(numLoops, utils::IteratorType::parallel);
  for (int64_t d = 2 + s; d < numLoops; ++d)
    iterators[d] = utils::IteratorType::reduction;
  // Shape-only operand: its sizes are the window loops' ranges.
  Type elementType = cast<RankedTensorType>(padded.getType()).getElementType();
  Value window = tensor::EmptyOp::create(b, loc, w.kernel, elementType);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{padded, window}, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc, body(nb, nloc, args[0], args[2]));
      });
  return generic.getResult(0);
}

struct MaxPoolLowering : StaticShapeLowering<MaxPoolOp, EmptyResult::Fold> {
  using StaticShapeLowering::StaticShapeLowering;

  FailureOr<Value> lower(MaxPoolOp op, OpAdaptor adaptor,
                         ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type elementType = getElementTypeOrSelf(op.getType());
    bool isUnsigned = elementType.isUnsignedInteger();
    Window w = getWindow(op);
    Value lowest = createLowestValue(rewriter, loc, elementType);
    Value padded = padInput(rewriter, loc, adaptor.getInput(), w, lowest);
    Value init = createFilledTensor(rewriter, loc, resultType(op), lowest);
    return buildWindowReduction(rewriter, loc, padded, init, w,
                                [&](OpBuilder &b, Location l, Value x, Value acc) {
                                  return createMax(b, l, x, acc, isUnsigned);
                                });
  }
};

/// A dense constant of `type` from doubles.
DenseElementsAttr denseFloats(RankedTensorType type, ArrayRef<double> values) {
  auto floatType = cast<FloatType>(type.getElementType());
  SmallVector<APFloat> floats;
  for (double v : values) {
    APFloat f(v);
    bool lost;
    f.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    floats.push_back(f);
  }
  return DenseElementsAttr::get(type, floats);
}

struct AvgPoolLowering : StaticShapeLowering<AvgPoolOp, EmptyResult::Fold> {
  using StaticShapeLowering::StaticShapeLowering;

  FailureOr<Value> lower(AvgPoolOp op, OpAdaptor adaptor,
                         ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Window w = getWindow(op);
    Type elementType = resultType.getElementType();
    Type accType = getComputeType(elementType);

    Value zero = createScalarConstant(rewriter, loc, elementType, 0.0);
    Value padded = padInput(rewriter, loc, adaptor.getInput(), w, zero);
    Value accZero = accType == elementType
                        ? zero
                        : createScalarConstant(rewriter, loc, accType, 0.0);
    Value init = createFilledTensor(rewriter, loc, resultType.clone(accType), accZero);
    Value sum = buildWindowReduction(rewriter, loc, padded, init, w,
                                     [&](OpBuilder &b, Location l, Value x, Value acc) {
                                       return createAdd(b, l, convertScalar(b, l, x, accType),
                                                        acc);
                                     });

    // Divisor per spatial output position: product over dims of the counted
    // window positions ([0, input + pads) or [padBegin, padBegin + input)).
    bool includePad = op.getCountIncludePad();
    SmallVector<SmallVector<int64_t>> counts(w.spatial);
    for (int64_t i = 0; i < w.spatial; ++i) {
      int64_t lo = includePad ? 0 : w.padBegin(i);
      int64_t hi = includePad ? w.input[i] + w.padBegin(i) + w.padEnd(i)
                              : w.padBegin(i) + w.input[i];
      for (int64_t o = 0; o < w.output[i]; ++o)
        counts[i].push_back(w.countIn(i, o, lo, hi));
    }
    SmallVector<double> divisors;
    int64_t numPositions = 1;
    for (int64_t size : w.output)
      numPositions *= size;
    for (int64_t p = 0; p < numPositions; ++p) {
      int64_t rest = p, count = 1;
      for (int64_t i = w.spatial - 1; i >= 0; --i) {
        count *= counts[i][rest % w.output[i]];
        rest /= w.output[i];
      }
      divisors.push_back(static_cast<double>(count));
    }
    bool uniform = llvm::all_equal(divisors);

    MLIRContext *ctx = rewriter.getContext();
    SmallVector<Value> operands{sum};
    SmallVector<AffineMap> maps{
        AffineMap::getMultiDimIdentityMap(resultType.getRank(), ctx)};
    if (!uniform) {
      auto divType = RankedTensorType::get(w.output, accType);
      operands.push_back(arith::ConstantOp::create(rewriter, loc, divType,
                                                   denseFloats(divType, divisors)));
      SmallVector<AffineExpr> exprs;
      for (int64_t i = 0; i < w.spatial; ++i)
        exprs.push_back(getAffineDimExpr(2 + i, ctx));
      maps.push_back(AffineMap::get(resultType.getRank(), 0, exprs, ctx));
    }
    double divisor = divisors.front();
    return buildElementwise(
        rewriter, loc, resultType, operands, maps,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value d = uniform ? createScalarConstant(b, l, accType, divisor) : args[1];
          return convertScalar(b, l, createDiv(b, l, args[0], d), elementType);
        });
  }
};

struct GlobalAvgPoolLowering : StaticShapeLowering<GlobalAvgPoolOp, EmptyResult::Fold> {
  using StaticShapeLowering::StaticShapeLowering;

  FailureOr<Value> lower(GlobalAvgPoolOp op, OpAdaptor adaptor,
                         ConversionPatternRewriter &rewriter) const override {
    int64_t rank = cast<RankedTensorType>(op.getType()).getRank();
    SmallVector<int64_t> axes;
    for (int64_t d = 2; d < rank; ++d)
      axes.push_back(d);
    return buildReduceMean(rewriter, op.getLoc(), adaptor.getInput(), axes,
                           /*keepDims=*/true);
  }
};

} // namespace

void dlc::populatePoolingToLinalgPatterns(const TypeConverter &converter,
                                          RewritePatternSet &patterns) {
  patterns.add<MaxPoolLowering, AvgPoolLowering, GlobalAvgPoolLowering>(
      converter, patterns.getContext());
}
