//===- ContractionToLinalg.cpp - matmul, gemm, conv -> linalg -------------===//
//
// Each contraction becomes one linalg.generic whose indexing maps spell the
// whole operation, accumulating into an initialized output (destination
// style):
//
//  * matmul: loops (batch..., [m], [n], k); numpy broadcasting of the batch
//    dims is in the operand maps (a size-1 batch dim reads index 0), 1-D
//    operands simply have no m / n loop.
//  * gemm: loops (m, n, k); transA/transB swap the operand maps; alpha, beta
//    and the broadcast C are one elementwise epilogue.
//  * conv: loops (n, [g], oc, o..., ic, k...); the input is zero-padded
//    (fill + copy into the interior) and read at o * stride + k * dilation. Groups expand the
//    channel dims (input [N, G, IC/G, ...], weight [G, OC/G, IC/G, ...],
//    output [N, G, OC/G, ...]) so every map stays a projection plus the
//    window; the output is collapsed back. The bias (if any) initializes the
//    accumulator.
//
// f16/bf16 accumulate in f32 and are rounded once at the end; integers wrap.
//
//===----------------------------------------------------------------------===//
#include "compiler/conversion/LinalgUtils.h"
#include "compiler/conversion/LoweringPattern.h"
#include "compiler/conversion/Patterns.h"
#include "ir/Ops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace dlc;

namespace {

/// acc + lhs * rhs in the accumulator's type (operands promoted).
Value multiplyAccumulate(OpBuilder &b, Location loc, Value lhs, Value rhs, Value acc) {
  Type accType = acc.getType();
  Value l = convertScalar(b, loc, lhs, accType);
  Value r = convertScalar(b, loc, rhs, accType);
  return createAdd(b, loc, acc, createMul(b, loc, l, r));
}

/// The contraction generic: `inputs` read through `maps` (the last map is the
/// output's), accumulating lhs * rhs into `init`.
Value buildContraction(OpBuilder &b, Location loc, Value lhs, Value rhs, Value init,
                       ArrayRef<AffineMap> maps,
                       ArrayRef<utils::IteratorType> iterators) {
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{lhs, rhs}, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc,
                                multiplyAccumulate(nb, nloc, args[0], args[1], args[2]));
      });
  return generic.getResult(0);
}

/// Zero-filled accumulator of `shape` in the compute type of `elementType`.
Value zeroAccumulator(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, Type elementType) {
  Type accType = getComputeType(elementType);
  auto type = RankedTensorType::get(shape, accType);
  return createFilledTensor(b, loc, type, createScalarConstant(b, loc, accType, 0.0));
}

//===----------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------===//

struct MatMulLowering : StaticShapeLowering<MatMulOp, EmptyResult::Fold> {
  using StaticShapeLowering::StaticShapeLowering;

  FailureOr<Value> lower(MatMulOp op, OpAdaptor adaptor,
                         ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    ArrayRef<int64_t> a = cast<RankedTensorType>(lhs.getType()).getShape();
    ArrayRef<int64_t> bs = cast<RankedTensorType>(rhs.getType()).getShape();
    RankedTensorType resultType = this->resultType(op);
    ArrayRef<int64_t> out = resultType.getShape();

    bool lhsVector = a.size() == 1, rhsVector = bs.size() == 1;
    int64_t lhsBatch = lhsVector ? 0 : a.size() - 2;
    int64_t rhsBatch = rhsVector ? 0 : bs.size() - 2;
    int64_t batch = std::max(lhsBatch, rhsBatch);
    // Loops: batch..., [m], [n], k.
    int64_t mLoop = batch, nLoop = batch + (lhsVector ? 0 : 1);
    int64_t kLoop = nLoop + (rhsVector ? 0 : 1);
    int64_t numLoops = kLoop + 1;
    auto dim = [&](int64_t d) { return getAffineDimExpr(d, ctx); };
    auto batchExprs = [&](ArrayRef<int64_t> shape, int64_t rank,
                          SmallVectorImpl<AffineExpr> &exprs) {
      for (int64_t i = 0; i < rank; ++i) {
        int64_t loop = batch - rank + i;
        exprs.push_back(shape[i] == 1 && out[loop] != 1 ? getAffineConstantExpr(0, ctx)
                                                        : dim(loop));
      }
    };
    SmallVector<AffineExpr> lhsExprs, rhsExprs, outExprs;
    batchExprs(a, lhsBatch, lhsExprs);
    if (!lhsVector)
      lhsExprs.push_back(dim(mLoop));
    lhsExprs.push_back(dim(kLoop));
    batchExprs(bs, rhsBatch, rhsExprs);
    rhsExprs.push_back(dim(kLoop));
    if (!rhsVector)
      rhsExprs.push_back(dim(nLoop));
    for (int64_t d = 0; d < kLoop; ++d)
      outExprs.push_back(dim(d));
    SmallVector<AffineMap> maps{AffineMap::get(numLoops, 0, lhsExprs, ctx),
                                AffineMap::get(numLoops, 0, rhsExprs, ctx),
                                AffineMap::get(numLoops, 0, outExprs, ctx)};
    SmallVector<utils::IteratorType> iterators(numLoops, utils::IteratorType::parallel);
    iterators.back() = utils::IteratorType::reduction;

    Type elementType = resultType.getElementType();
    Value init = zeroAccumulator(rewriter, loc, out, elementType);
    Value acc = buildContraction(rewriter, loc, lhs, rhs, init, maps, iterators);
    return convertTensor(rewriter, loc, acc, elementType);
  }
};

//===----------------------------------------------------------------------===//
// gemm
//===----------------------------------------------------------------------===//

struct GemmLowering : StaticShapeLowering<GemmOp, EmptyResult::Fold> {
  using StaticShapeLowering::StaticShapeLowering;

  FailureOr<Value> lower(GemmOp op, OpAdaptor adaptor,
                         ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type elementType = resultType.getElementType();

    // Loops (m, n, k).
    MLIRContext *ctx = rewriter.getContext();
    AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
               k = getAffineDimExpr(2, ctx);
    SmallVector<AffineMap> maps{
        AffineMap::get(3, 0, op.getTransA() ? ArrayRef<AffineExpr>{k, m}
                                            : ArrayRef<AffineExpr>{m, k}, ctx),
        AffineMap::get(3, 0, op.getTransB() ? ArrayRef<AffineExpr>{n, k}
                                            : ArrayRef<AffineExpr>{k, n}, ctx),
        AffineMap::get(3, 0, {m, n}, ctx)};
    SmallVector<utils::IteratorType> iterators{utils::IteratorType::parallel,
                                               utils::IteratorType::parallel,
                                               utils::IteratorType::reduction};
    Value init = zeroAccumulator(rewriter, loc, resultType.getShape(), elementType);
    Value acc = buildContraction(rewriter, loc, adaptor.getA(), adaptor.getB(), init, maps,
                                 iterators);

    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    Value c = adaptor.getC();
    if (alpha == 1.0 && !c)
      return convertTensor(rewriter, loc, acc, elementType);
    // Epilogue: alpha * acc + beta * C (C numpy-broadcast to [M, N]).
    Type accType = getComputeType(elementType);
    SmallVector<Value> operands{acc};
    if (c)
      operands.push_back(c);
    return buildBroadcastElementwise(
        rewriter, loc, resultType, operands,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value v = args[0];
          if (alpha != 1.0)
            v = createMul(b, l, createScalarConstant(b, l, accType, alpha), v);
          if (args.size() > 1) {
            Value cv = convertScalar(b, l, args[1], accType);
            if (beta != 1.0)
              cv = createMul(b, l, createScalarConstant(b, l, accType, beta), cv);
            v = createAdd(b, l, v, cv);
          }
          return convertScalar(b, l, v, elementType);
        });
  }
};

//===----------------------------------------------------------------------===//
// conv
//===----------------------------------------------------------------------===//

/// tensor.expand_shape of `value` splitting dim `d` into (`outer`, size/outer).
Value splitDim(OpBuilder &b, Location loc, Value value, int64_t d, int64_t outer) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape;
  SmallVector<ReassociationIndices> reassociation;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    int64_t pos = shape.size();
    if (i == d) {
      shape.push_back(outer);
      shape.push_back(type.getDimSize(i) / outer);
      reassociation.push_back({pos, pos + 1});
    } else {
      shape.push_back(type.getDimSize(i));
      reassociation.push_back({pos});
    }
  }
  return tensor::ExpandShapeOp::create(b, loc, type.clone(shape), value, reassociation);
}

/// tensor.collapse_shape of `value` merging dims `d` and `d + 1`.
Value mergeDims(OpBuilder &b, Location loc, Value value, int64_t d) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<ReassociationIndices> reassociation;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    if (i == d + 1)
      continue;
    if (i == d)
      reassociation.push_back({i, i + 1});
    else
      reassociation.push_back({i});
  }
  return tensor::CollapseShapeOp::create(b, loc, value, reassociation);
}

struct ConvLowering : StaticShapeLowering<ConvOp, EmptyResult::Fold> {
  using StaticShapeLowering::StaticShapeLowering;

  FailureOr<Value> lower(ConvOp op, OpAdaptor adaptor,
                         ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type elementType = resultType.getElementType();
    Type accType = getComputeType(elementType);
    Value input = adaptor.getInput(), weight = adaptor.getWeight(), bias = adaptor.getBias();
    auto inputType = cast<RankedTensorType>(input.getType());
    int64_t spatial = inputType.getRank() - 2;
    ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(),
                      dilations = op.getDilations();
    int64_t group = op.getGroup();
    bool grouped = group > 1;

    // Zero padding: begin pads then end pads of each spatial dim.
    if (llvm::any_of(pads, [](int64_t p) { return p != 0; })) {
      SmallVector<int64_t> low(2, 0), high(2, 0);
      for (int64_t i = 0; i < spatial; ++i) {
        low.push_back(pads[i]);
        high.push_back(pads[i + spatial]);
      }
      Value zero = createScalarConstant(rewriter, loc, inputType.getElementType(), 0.0);
      input = padTensor(rewriter, loc, input, low, high, zero);
    }

    // Accumulator shape [N, (G, OC/G) | OC, o...].
    SmallVector<int64_t> accShape(resultType.getShape());
    if (grouped) {
      input = splitDim(rewriter, loc, input, 1, group);
      weight = splitDim(rewriter, loc, weight, 0, group);
      accShape[1] /= group;
      accShape.insert(accShape.begin() + 1, group);
    }
    auto accTensorType = RankedTensorType::get(accShape, accType);

    // Loops: n, [g], oc, o..., ic, k...
    int64_t gLoop = 1, ocLoop = grouped ? 2 : 1, oBase = ocLoop + 1;
    int64_t icLoop = oBase + spatial, kBase = icLoop + 1, numLoops = kBase + spatial;
    auto dim = [&](int64_t d) { return getAffineDimExpr(d, ctx); };
    SmallVector<AffineExpr> inExprs{dim(0)}, wExprs, outExprs{dim(0)};
    if (grouped) {
      inExprs.push_back(dim(gLoop));
      wExprs.push_back(dim(gLoop));
      outExprs.push_back(dim(gLoop));
    }
    inExprs.push_back(dim(icLoop));
    wExprs.push_back(dim(ocLoop));
    wExprs.push_back(dim(icLoop));
    outExprs.push_back(dim(ocLoop));
    for (int64_t i = 0; i < spatial; ++i) {
      inExprs.push_back(dim(oBase + i) * strides[i] + dim(kBase + i) * dilations[i]);
      wExprs.push_back(dim(kBase + i));
      outExprs.push_back(dim(oBase + i));
    }
    SmallVector<AffineMap> maps{AffineMap::get(numLoops, 0, inExprs, ctx),
                                AffineMap::get(numLoops, 0, wExprs, ctx),
                                AffineMap::get(numLoops, 0, outExprs, ctx)};
    SmallVector<utils::IteratorType> iterators(numLoops, utils::IteratorType::parallel);
    for (int64_t d = icLoop; d < numLoops; ++d)
      iterators[d] = utils::IteratorType::reduction;

    // The accumulator starts at the bias broadcast over (n, o...), or 0.
    Value init;
    if (bias) {
      SmallVector<AffineExpr> biasExprs;
      if (grouped) {
        bias = splitDim(rewriter, loc, bias, 0, group);
        biasExprs = {dim(1), dim(2)};
      } else {
        biasExprs = {dim(1)};
      }
      AffineMap biasMap = AffineMap::get(accShape.size(), 0, biasExprs, ctx);
      init = buildElementwise(rewriter, loc, accTensorType, bias, biasMap,
                              [&](OpBuilder &b, Location l, ValueRange args) {
                                return convertScalar(b, l, args[0], accType);
                              });
    } else {
      init = zeroAccumulator(rewriter, loc, accShape, elementType);
    }
    Value acc = buildContraction(rewriter, loc, input, weight, init, maps, iterators);
    if (grouped)
      acc = mergeDims(rewriter, loc, acc, 1);
    return convertTensor(rewriter, loc, acc, elementType);
  }
};

} // namespace

void dlc::populateContractionToLinalgPatterns(const TypeConverter &converter,
                                              RewritePatternSet &patterns) {
  patterns.add<MatMulLowering, GemmLowering, ConvLowering>(converter, patterns.getContext());
}
