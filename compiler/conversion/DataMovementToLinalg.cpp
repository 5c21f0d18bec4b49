//===- DataMovementToLinalg.cpp - reshape, transpose, concat, ... -> linalg ===//
//
//  * reshape: tensor.collapse_shape / tensor.expand_shape when one shape
//    groups the other's dims; otherwise collapse to 1-D then expand (always
//    possible for static shapes, and both stay views after bufferization).
//  * transpose: linalg.transpose.
//  * concat: tensor.empty, then each (non-empty) input is copied into its
//    slot of the result with insertByCopy (destination style: bufferization
//    writes straight into the result buffer, no strided memref.copy).
//  * split, slice: tensor.extract_slice of the window (|step|) copied out
//    with linalg.copy, or with a linalg.generic reading dims with a negative
//    step at (count - 1 - i), so no dynamic indexing is needed. The copy keeps
//    the result contiguous: a bare extract_slice result would bufferize to a
//    strided memref.copy, i.e. a call to the external `memrefCopy`.
//  * gather: linalg.generic over the output reading the index tensor,
//    wrapping negative indices (+ dim size), clamping into range (memory
//    safety for bad indices) and reading data with tensor.extract.
//  * expand: a broadcasting linalg.generic.
//
//===----------------------------------------------------------------------===//
#include "compiler/conversion/LinalgUtils.h"
#include "compiler/conversion/LoweringPattern.h"
#include "compiler/conversion/Patterns.h"
#include "ir/Ops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace dlc;

namespace {

/// All dims of a rank-`rank` tensor in one group (collapse to 1-D / 0-D).
SmallVector<ReassociationIndices> allInOne(int64_t rank) {
  if (rank == 0)
    return {};
  ReassociationIndices group;
  for (int64_t i = 0; i < rank; ++i)
    group.push_back(i);
  return {group};
}

//===----------------------------------------------------------------------===//
// reshape
//===----------------------------------------------------------------------===//

struct ReshapeLowering : StaticShapeLowering<ReshapeOp> {
  using StaticShapeLowering::StaticShapeLowering;

  FailureOr<Value> lower(ReshapeOp op, OpAdaptor adaptor,
                         ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto srcType = cast<RankedTensorType>(input.getType());
    RankedTensorType dstType = resultType(op);
    if (srcType == dstType)
      return input;
    if (dstType.getNumElements() == 0)
      return createEmptyTensor(rewriter, loc, dstType);
    ArrayRef<int64_t> src = srcType.getShape(), dst = dstType.getShape();
    if (src.size() > dst.size()) {
      if (auto reassociation = getReassociationIndicesForCollapse(src, dst))
        return tensor::CollapseShapeOp::create(rewriter, loc, dstType, input, *reassociation)
            .getResult();
    } else if (src.size() < dst.size()) {
      if (auto reassociation = getReassociationIndicesForCollapse(dst, src))
        return tensor::ExpandShapeOp::create(rewriter, loc, dstType, input, *reassociation)
            .getResult();
    }
    // General case: through the flat 1-D tensor.
    Value flat = input;
    if (src.size() != 1)
      flat = tensor::CollapseShapeOp::create(
          rewriter, loc, RankedTensorType::get({srcType.getNumElements()},
                                               srcType.getElementType()),
          input, allInOne(src.size()));
    Value result = flat;
    if (dst.size() != 1)
      result = tensor::ExpandShapeOp::create(rewriter, loc, dstType, flat,
                                             allInOne(dst.size()));
    return result;
  }
};

//===----------------------------------------------------------------------===//
// transpose, concat, split
//===----------------------------------------------------------------------===//

struct TransposeLowering : StaticShapeLowering<TransposeOp> {
  using StaticShapeLowering::StaticShapeLowering;

  FailureOr<Value> lower(TransposeOp op, OpAdaptor adaptor,
                         ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = this->resultType(op);
    Value init = createEmptyTensor(rewriter, op.getLoc(), resultType);
    auto transpose = linalg::TransposeOp::create(rewriter, op.getLoc(), adaptor.getInput(),
                                                 init, op.getPerm());
    return transpose->getResult(0);
  }
};

struct ConcatLowering : StaticShapeLowering<ConcatOp> {
  using StaticShapeLowering::StaticShapeLowering;

  FailureOr<Value> lower(ConcatOp op, OpAdaptor adaptor,
                         ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = this->resultType(op);
    int64_t axis = op.getAxis(), rank = resultType.getRank();
    Value result = createEmptyTensor(rewriter, loc, resultType);
    int64_t offset = 0;
    for (Value input : adaptor.getInputs()) {
      auto type = cast<RankedTensorType>(input.getType());
      int64_t size = type.getDimSize(axis);
      if (type.getNumElements() == 0) {
        offset += size;
        continue;
      }
      SmallVector<int64_t> offsets(rank, 0);
      offsets[axis] = offset;
      result = insertByCopy(rewriter, loc, input, result, offsets);
      offset += size;
    }
    return result;
  }
};

/// A copy of the strided window input[offsets + steps * i] of `resultType`:
/// an extract_slice of the same elements in increasing order (|step|), then
/// linalg.copy, or a copying linalg.generic that reads dims with a negative
/// step at (count - 1 - i). Linalg requires a plain dim in a map to span the whole
/// operand dim, hence the slice instead of offset maps on the input.
Value copyWindow(OpBuilder &b, Location loc, Value input, RankedTensorType resultType,
                 ArrayRef<int64_t> offsets, ArrayRef<int64_t> steps) {
  if (resultType.getNumElements() == 0)
    return createEmptyTensor(b, loc, resultType);
  auto inputType = cast<RankedTensorType>(input.getType());
  ArrayRef<int64_t> counts = resultType.getShape();
  int64_t rank = resultType.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<int64_t> first, strides;
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t step = steps[d];
    first.push_back(step > 0 ? offsets[d] : offsets[d] + (counts[d] - 1) * step);
    strides.push_back(std::abs(step));
    AffineExpr i = getAffineDimExpr(d, ctx);
    exprs.push_back(step < 0 ? (counts[d] - 1) - i : i);
  }
  bool whole = inputType == resultType &&
               llvm::all_of(first, [](int64_t o) { return o == 0; }) &&
               llvm::all_of(strides, [](int64_t s) { return s == 1; });
  Value window = input;
  if (!whole)
    window = tensor::ExtractSliceOp::create(b, loc, resultType, input,
                                            getAsIndexOpFoldResult(ctx, first),
                                            getAsIndexOpFoldResult(ctx, counts),
                                            getAsIndexOpFoldResult(ctx, strides));
  AffineMap map = AffineMap::get(rank, 0, exprs, ctx);
  if (map.isIdentity()) {
    if (whole)
      return input;
    // linalg.copy, not an identity generic: canonicalization erases the
    // latter and would leave the strided view as the result.
    Value init = createEmptyTensor(b, loc, resultType);
    return linalg::CopyOp::create(b, loc, window, init).getResult(0);
  }
  return buildElementwise(b, loc, resultType, window, map,
                          [](OpBuilder &, Location, ValueRange args) { return args[0]; });
}

struct SplitLowering : StaticShapeLowering<SplitOp> {
  using StaticShapeLowering::StaticShapeLowering;

  FailureOr<SmallVector<Value>> lower(SplitOp op, OpAdaptor adaptor,
                                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t axis = op.getAxis();
    int64_t rank = cast<RankedTensorType>(adaptor.getInput().getType()).getRank();
    SmallVector<Value> results;
    int64_t offset = 0;
    for (unsigned i = 0; i < op.getNumResults(); ++i) {
      RankedTensorType type = resultType(op, i);
      SmallVector<int64_t> offsets(rank, 0), steps(rank, 1);
      offsets[axis] = offset;
      results.push_back(copyWindow(rewriter, loc, adaptor.getInput(), type, offsets, steps));
      offset += type.getDimSize(axis);
    }
    return results;
  }
};

//===----------------------------------------------------------------------===//
// slice
//===----------------------------------------------------------------------===//

struct SliceLowering : StaticShapeLowering<SliceOp> {
  using StaticShapeLowering::StaticShapeLowering;

  FailureOr<Value> lower(SliceOp op, OpAdaptor adaptor,
                         ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = this->resultType(op);
    return copyWindow(rewriter, op.getLoc(), adaptor.getInput(), resultType, op.getStarts(),
                      op.getSteps());
  }
};

//===----------------------------------------------------------------------===//
// gather, expand
//===----------------------------------------------------------------------===//

struct GatherLowering : StaticShapeLowering<GatherOp> {
  using StaticShapeLowering::StaticShapeLowering;

  FailureOr<Value> lower(GatherOp op, OpAdaptor adaptor,
                         ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto dataType = cast<RankedTensorType>(data.getType());
    auto indicesType = cast<RankedTensorType>(indices.getType());
    RankedTensorType resultType = this->resultType(op);
    int64_t axis = op.getAxis();
    int64_t axisSize = dataType.getDimSize(axis);
    if (resultType.getNumElements() == 0 || axisSize == 0)
      return createEmptyTensor(rewriter, loc, resultType);
    int64_t indicesRank = indicesType.getRank(), rank = resultType.getRank();
    SmallVector<AffineExpr> exprs;
    for (int64_t i = 0; i < indicesRank; ++i)
      exprs.push_back(getAffineDimExpr(axis + i, ctx));
    AffineMap indicesMap = AffineMap::get(rank, 0, exprs, ctx);
    return buildElementwise(
        rewriter, loc, resultType, indices, indicesMap,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value index =
              args[0].getType().isInteger(1) // i1 is 0/1, not -1/0
                  ? arith::IndexCastUIOp::create(b, l, b.getIndexType(), args[0]).getResult()
                  : arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]).getResult();
          Value zero = arith::ConstantIndexOp::create(b, l, 0);
          Value size = arith::ConstantIndexOp::create(b, l, axisSize);
          Value last = arith::ConstantIndexOp::create(b, l, axisSize - 1);
          Value negative =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, index, zero);
          Value wrapped = arith::AddIOp::create(b, l, index, size);
          index = arith::SelectOp::create(b, l, negative, wrapped, index);
          index = arith::MaxSIOp::create(b, l, index, zero);
          index = arith::MinSIOp::create(b, l, index, last);
          SmallVector<Value> coords;
          for (int64_t d = 0; d < axis; ++d)
            coords.push_back(linalg::IndexOp::create(b, l, d));
          coords.push_back(index);
          for (int64_t d = axis + 1; d < dataType.getRank(); ++d)
            coords.push_back(linalg::IndexOp::create(b, l, d - 1 + indicesRank));
          return tensor::ExtractOp::create(b, l, data, coords);
        });
  }
};

struct ExpandLowering : StaticShapeLowering<ExpandOp> {
  using StaticShapeLowering::StaticShapeLowering;

  FailureOr<Value> lower(ExpandOp op, OpAdaptor adaptor,
                         ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = this->resultType(op);
    Value input = adaptor.getInput();
    if (input.getType() == resultType)
      return input;
    if (resultType.getNumElements() == 0)
      return createEmptyTensor(rewriter, op.getLoc(), resultType);
    return buildBroadcastElementwise(
        rewriter, op.getLoc(), resultType, input,
        [](OpBuilder &, Location, ValueRange args) { return args[0]; });
  }
};

} // namespace

void dlc::populateDataMovementToLinalgPatterns(const TypeConverter &converter,
                                               RewritePatternSet &patterns) {
  patterns.add<ReshapeLowering, TransposeLowering, ConcatLowering, SplitLowering,
               SliceLowering, GatherLowering, ExpandLowering>(converter,
                                                              patterns.getContext());
}
