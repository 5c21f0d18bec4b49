//===- FoldQdq.cpp - DequantizeLinear -> conv/matmul/gemm -> QuantizeLinear ===//
//
// A QDQ model (onnxruntime's quantize_static, QDQ format) spells an int8
// layer as float ops between dequantize and quantize:
//
//   q = quantize_linear([relu|clip|gelu](conv(dequantize(x), dequantize(w), dequantize(b))), sy, zy)
//
// which is computed exactly, up to one final rounding, by the integer form
// (ir/QuantBuilders.h):
//
//   acc = conv(i32(x) - zx, i32(w) - zw[oc], b_i32)             (i32)
//   q   = quantize_linear([relu|clip'](f64(acc) * (sx * sw[oc] / sy)), 1, zy)
//
// so the pass rewrites the first into the second: the contraction reads
// the 8-bit activations and accumulates in i32, and fusion puts the
// requantization into the same kernel as its epilogue. Constant weights
// are centered (w - zw) and, for gemm transB, transposed here, once.
// Matched for conv, matmul (2-D weights [K, N]; a following Add of the i32
// bias counts as gemm's C) and gemm (alpha = beta = 1, no transA; transB
// weights are transposed) when
//  * x is dequantized per tensor, w per tensor or per output channel
//    (conv axis 0, matmul/gemm the N axis), both from 8-bit integers;
//  * sx, sw and sy are f32 constants (the multiplier is computed here, in
//    f32 like QLinearConv's reference), y is quantized per tensor;
//  * the bias, if any, is the dequantization of an i32 constant with zero
//    point 0 and scale sx * sw (how quantizers store it), so it adds to acc;
//  * every intermediate has no other use (relu: max(0, .) commutes with a
//    positive multiplier; clip' is the clip with its bounds divided by sy,
//    ReLU6 in MobileNets; gelu does not commute with sy, so with a gelu the
//    multiplier is sx * sw and the quantize divides by sy after it).
// Anything else is left in float.
//
//===----------------------------------------------------------------------===//
#include "compiler/Passes.h"
#include "ir/Ops.h"
#include "ir/QuantBuilders.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

namespace dlc {
#define GEN_PASS_DEF_FOLDQDQ
#include "compiler/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

RankedTensorType typeOf(Value v) { return llvm::cast<RankedTensorType>(v.getType()); }

/// The f32 values of a constant, or failure.
FailureOr<SmallVector<float>> constantF32(Value v) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || !attr.getElementType().isF32())
    return failure();
  return SmallVector<float>(attr.getValues<float>());
}

bool isInt8(Value v) {
  auto t = llvm::dyn_cast<IntegerType>(typeOf(v).getElementType());
  return t && t.getWidth() == 8;
}

bool perTensor(Value param) {
  return typeOf(param).getNumElements() == 1 && typeOf(param).getRank() <= 1;
}

/// What a folded contraction needs from its operands.
struct QuantOperands {
  dlc::DequantizeLinearOp x, w;
  SmallVector<float> xScale, wScale; // wScale: 1 or one per output channel
  Value bias;                        // i32 [channels] or null
};

/// x per tensor, w per tensor or per `channelAxis`, bias as described in
/// the file comment; `channels` is the size of the output-channel dim.
FailureOr<QuantOperands> matchOperands(Value x, Value w, Value bias, int64_t channelAxis,
                                       int64_t channels) {
  QuantOperands q;
  q.x = x.getDefiningOp<dlc::DequantizeLinearOp>();
  q.w = w.getDefiningOp<dlc::DequantizeLinearOp>();
  if (!q.x || !q.w || !isInt8(q.x.getInput()) || !isInt8(q.w.getInput()) ||
      !perTensor(q.x.getScale()))
    return failure();
  bool wPerTensor = perTensor(q.w.getScale());
  if (!wPerTensor && ((int64_t)q.w.getAxis() != channelAxis || typeOf(q.w.getScale()).getRank() != 1))
    return failure();
  auto xs = constantF32(q.x.getScale()), ws = constantF32(q.w.getScale());
  if (failed(xs) || failed(ws))
    return failure();
  q.xScale = *xs;
  q.wScale = *ws;
  if (!bias)
    return q;
  auto b = bias.getDefiningOp<dlc::DequantizeLinearOp>();
  DenseElementsAttr zp;
  auto bs = b ? constantF32(b.getScale()) : FailureOr<SmallVector<float>>(failure());
  if (!b || failed(bs) || !typeOf(b.getInput()).getElementType().isSignlessInteger(32) ||
      typeOf(b.getInput()).getShape() != ArrayRef<int64_t>{channels} ||
      !matchPattern(b.getZeroPoint(), m_Constant(&zp)) ||
      llvm::any_of(zp.getValues<APInt>(), [](const APInt &v) { return !v.isZero(); }))
    return failure();
  for (int64_t c = 0; c < channels; ++c) {
    float expected = q.xScale[0] * q.wScale[wPerTensor ? 0 : c];
    float got = (*bs)[bs->size() == 1 ? 0 : c];
    if (std::abs(got - expected) > 1e-6f * std::abs(expected))
      return failure();
  }
  q.bias = b.getInput();
  return q;
}

/// sx * sw[c] / sy in f32, shaped `shape` (one entry per channel, or one).
Value multiplierConstant(PatternRewriter &rewriter, Location loc, const QuantOperands &q,
                         float yScale, ArrayRef<int64_t> shape) {
  SmallVector<float> m;
  for (float w : q.wScale)
    m.push_back(q.xScale[0] * w / yScale);
  auto type = RankedTensorType::get(m.size() == 1 ? ArrayRef<int64_t>{} : shape,
                                    rewriter.getF32Type());
  return dlc::ConstantOp::create(rewriter, loc, DenseElementsAttr::get(type, ArrayRef<float>(m)));
}

Value reshapeTo(PatternRewriter &rewriter, Location loc, Value v, ArrayRef<int64_t> shape) {
  if (typeOf(v).getShape() == shape)
    return v;
  return dlc::ReshapeOp::create(rewriter, loc, typeOf(v).clone(shape), v);
}

/// A per-channel weight zero point [C] as `shape` (C at the channel dim).
Value channelZeroPoint(PatternRewriter &rewriter, Location loc, Value zp, int64_t rank,
                       int64_t channelDim) {
  if (perTensor(zp))
    return zp;
  SmallVector<int64_t> shape(rank, 1);
  shape[channelDim] = typeOf(zp).getDimSize(0);
  return reshapeTo(rewriter, loc, zp, shape);
}

/// The integer contraction and its requantization multiplier.
struct Folded {
  Value acc, multiplier;
};

/// i32(w) - i32(zw) of constant 8-bit weights, computed here: [OC, ...]
/// with zw per tensor or per dim-0 channel (conv), or [K, N] from w [K, N]
/// (zw per column) or from w [N, K] (`transpose`, zw per row). Null if w or
/// zw is not constant.
Value centeredWeights(PatternRewriter &rewriter, Location loc, Value w, Value zw,
                      int64_t channelAxis, bool transpose) {
  DenseElementsAttr wAttr, zAttr;
  if (!matchPattern(w, m_Constant(&wAttr)) || !matchPattern(zw, m_Constant(&zAttr)))
    return Value();
  bool isUnsigned = typeOf(w).getElementType().isUnsignedInteger();
  auto toInt = [&](const APInt &v) {
    return isUnsigned ? (int64_t)v.getZExtValue() : v.getSExtValue();
  };
  SmallVector<int64_t> zp;
  for (const APInt &v : zAttr.getValues<APInt>())
    zp.push_back(toInt(v));
  ArrayRef<int64_t> shape = typeOf(w).getShape();
  int64_t rows = shape[0], inner = typeOf(w).getNumElements() / std::max<int64_t>(rows, 1);
  SmallVector<int32_t> values(typeOf(w).getNumElements());
  int64_t i = 0;
  for (const APInt &v : wAttr.getValues<APInt>()) {
    int64_t r = i / inner, c = i % inner;
    int64_t channel = channelAxis == 0 ? r : c;
    int32_t centered = (int32_t)(toInt(v) - zp[zp.size() == 1 ? 0 : channel]);
    values[transpose ? c * rows + r : i] = centered;
    ++i;
  }
  SmallVector<int64_t> outShape(shape);
  if (transpose)
    std::swap(outShape[0], outShape[1]);
  auto type = RankedTensorType::get(outShape, rewriter.getI32Type());
  return dlc::ConstantOp::create(rewriter, loc,
                                 DenseElementsAttr::get(type, ArrayRef<int32_t>(values)));
}

struct FoldQdqContraction : OpRewritePattern<dlc::QuantizeLinearOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(dlc::QuantizeLinearOp quant,
                                PatternRewriter &rewriter) const override {
    auto yScale = constantF32(quant.getScale());
    if (failed(yScale) || !perTensor(quant.getScale()) || !isInt8(quant.getOutput()))
      return rewriter.notifyMatchFailure(quant, "not an 8-bit per-tensor f32-scale quantize");
    Value y = quant.getInput();
    dlc::RequantActivation activation;
    if (auto r = y.getDefiningOp<dlc::ReluOp>()) {
      if (!r->hasOneUse())
        return failure();
      activation.relu = true;
      y = r.getInput();
    } else if (auto c = y.getDefiningOp<dlc::ClipOp>()) {
      // clip(v, lo, hi) / sy = clip(v / sy, lo / sy, hi / sy): sy > 0.
      if (!c->hasOneUse() || !((*yScale)[0] > 0.0f))
        return failure();
      activation.clip = true;
      if (c.getMin())
        activation.clipMin = c.getMin()->convertToDouble() / (*yScale)[0];
      if (c.getMax())
        activation.clipMax = c.getMax()->convertToDouble() / (*yScale)[0];
      y = c.getInput();
    } else if (auto g = y.getDefiningOp<dlc::GeluOp>()) {
      // gelu(v) / sy != gelu(v / sy): scale by sx * sw, gelu, then divide by sy.
      if (!g->hasOneUse())
        return failure();
      activation.gelu = true;
      activation.geluApproximate = g.getApproximate().str();
      activation.outputScale = (*yScale)[0];
      y = g.getInput();
    }
    Operation *producer = y.getDefiningOp();
    if (!producer || !producer->hasOneUse())
      return rewriter.notifyMatchFailure(quant, "input is not a contraction used only here");
    Location loc = rewriter.getFusedLoc({producer->getLoc(), quant.getLoc()});
    float multiplierScale = activation.gelu ? 1.0f : (*yScale)[0]; // see the gelu case
    FailureOr<Folded> folded =
        llvm::TypeSwitch<Operation *, FailureOr<Folded>>(producer)
            .Case([&](dlc::ConvOp conv) { return foldConv(conv, multiplierScale, rewriter, loc); })
            .Case([&](dlc::MatMulOp mm) {
              return foldMatMul(mm.getLhs(), mm.getRhs(), Value(), false, multiplierScale,
                                rewriter, loc);
            })
            .Case([&](dlc::AddOp add) -> FailureOr<Folded> {
              // ONNX MatMul + Add: the added operand is the bias.
              for (unsigned i = 0; i < 2; ++i) {
                auto mm = add->getOperand(i).getDefiningOp<dlc::MatMulOp>();
                if (mm && mm->hasOneUse() && add.getType() == mm.getOutput().getType())
                  return foldMatMul(mm.getLhs(), mm.getRhs(), add->getOperand(1 - i), false,
                                    multiplierScale, rewriter, loc);
              }
              return failure();
            })
            .Case([&](dlc::GemmOp gemm) -> FailureOr<Folded> {
              if (gemm.getTransA() || gemm.getAlpha().convertToDouble() != 1.0 ||
                  gemm.getBeta().convertToDouble() != 1.0)
                return failure();
              return foldMatMul(gemm.getA(), gemm.getB(), gemm.getC(), gemm.getTransB(),
                                multiplierScale, rewriter, loc);
            })
            .Default([](Operation *) { return failure(); });
    if (failed(folded))
      return rewriter.notifyMatchFailure(quant, "operands are not foldable dequantizations");
    rewriter.replaceOp(quant, dlc::requantize(rewriter, loc, folded->acc, folded->multiplier,
                                              quant.getZeroPoint(), activation));
    return success();
  }

private:
  FailureOr<Folded> foldConv(dlc::ConvOp conv, float yScale, PatternRewriter &rewriter,
                            Location loc) const {
    auto out = typeOf(conv.getOutput());
    int64_t channels = out.getDimSize(1), rank = out.getRank();
    FailureOr<QuantOperands> q =
        matchOperands(conv.getInput(), conv.getWeight(), conv.getBias(), 0, channels);
    if (failed(q))
      return failure();
    Value x = dlc::centerToI32(rewriter, loc, q->x.getInput(), q->x.getZeroPoint());
    Value w = centeredWeights(rewriter, loc, q->w.getInput(), q->w.getZeroPoint(), 0, false);
    if (!w)
      w = dlc::centerToI32(rewriter, loc, q->w.getInput(),
                           channelZeroPoint(rewriter, loc, q->w.getZeroPoint(), rank, 0));
    Value acc = dlc::ConvOp::create(rewriter, loc, x, w, q->bias, conv.getStridesAttr(),
                                    conv.getPadsAttr(), conv.getDilationsAttr(),
                                    conv.getGroupAttr());
    SmallVector<int64_t> mShape(rank, 1);
    mShape[1] = channels;
    return Folded{acc, multiplierConstant(rewriter, loc, *q, yScale, mShape)};
  }

  /// matmul / gemm: a [M, K] x w [K, N] (gemm transB: w is [N, K]) + bias [N].
  FailureOr<Folded> foldMatMul(Value a, Value b, Value bias, bool transB, float yScale,
                              PatternRewriter &rewriter, Location loc) const {
    if (typeOf(b).getRank() != 2 || typeOf(a).getRank() < 2)
      return failure();
    int64_t channelAxis = transB ? 0 : 1, n = typeOf(b).getDimSize(channelAxis);
    if (bias && typeOf(bias).getRank() != 1)
      return failure();
    FailureOr<QuantOperands> q = matchOperands(a, b, bias, channelAxis, n);
    if (failed(q))
      return failure();
    Value x = dlc::centerToI32(rewriter, loc, q->x.getInput(), q->x.getZeroPoint());
    Value w = centeredWeights(rewriter, loc, q->w.getInput(), q->w.getZeroPoint(), channelAxis,
                              transB);
    if (!w) {
      w = dlc::centerToI32(rewriter, loc, q->w.getInput(),
                           channelZeroPoint(rewriter, loc, q->w.getZeroPoint(), 2, channelAxis));
      if (transB)
        w = dlc::TransposeOp::create(rewriter, loc, w, rewriter.getDenseI64ArrayAttr({1, 0}));
    }
    Value acc = dlc::MatMulOp::create(rewriter, loc, x, w);
    if (q->bias)
      acc = dlc::AddOp::create(rewriter, loc, acc, q->bias);
    return Folded{acc, multiplierConstant(rewriter, loc, *q, yScale, {n})};
  }
};

struct FoldQdqPass : dlc::impl::FoldQdqBase<FoldQdqPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldQdqContraction>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
