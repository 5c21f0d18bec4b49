//===- Quantize.cpp - calibrated ranges -> QDQ around conv/matmul/gemm ----===//
//
// `dlc --quantize=int8 --calibrate=DIR`: the driver runs the f32 model on
// the samples and stores each site's observed ranges on its contraction
// (kQuantRangesAttr). This pass spells the int8 layer in QDQ form, which
// dlc-fold-qdq, next in the pipeline, turns into an integer kernel:
//
//   y = [relu](conv(x, w, b))
//   ->
//   y = dq(q([relu](conv(dq(q(x)), dq(w_i8), dq(b_i32)))))
//
//  * activations (x, y): uint8, asymmetric, per tensor; the range is
//    widened to hold 0 so that zero (padding, relu) is exact;
//  * weights: int8, symmetric (zero point 0, [-127, 127]) per output channel,
//    from the constant itself;
//  * bias: int32 with scale sx * sw[c] and zero point 0, so it adds to the
//    i32 accumulator.
// One quantization per tensor: a y that is the next site's x, or an x read
// by several sites, is quantized once. Everything else (softmax, norms,
// elementwise ops) stays f32. Sites without ranges are left alone.
//
//===----------------------------------------------------------------------===//
#include "compiler/Passes.h"
#include "compiler/transforms/QuantizationSites.h"
#include "ir/Ops.h"

#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
#include <cmath>

namespace dlc {
#define GEN_PASS_DEF_QUANTIZE
#include "compiler/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

RankedTensorType typeOf(Value v) { return llvm::cast<RankedTensorType>(v.getType()); }

bool isStaticF32(Value v) {
  auto t = llvm::dyn_cast<RankedTensorType>(v.getType());
  return t && t.hasStaticShape() && t.getElementType().isF32();
}

DenseElementsAttr constantOf(Value v) {
  DenseElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)))
    return nullptr;
  return attr;
}

bool isConstantF32(Value v, int64_t rank) {
  DenseElementsAttr attr = constantOf(v);
  return attr && attr.getElementType().isF32() && typeOf(v).getRank() == rank;
}

/// The value a site quantizes after `op`: its relu, clip or gelu user if that is
/// its only use, else its result (with any number of users: they all read
/// the dequantized value, as in a QDQ model, so the contraction's only use
/// is the quantize that dlc-fold-qdq folds).
Value quantizedOutput(Operation *op) {
  Value result = op->getResult(0);
  if (result.hasOneUse()) {
    Operation *user = *result.getUsers().begin();
    if (llvm::isa<dlc::ReluOp, dlc::ClipOp, dlc::GeluOp>(user))
      return user->getResult(0);
  }
  return result;
}

} // namespace

SmallVector<dlc::QuantizationSite> dlc::collectQuantizationSites(func::FuncOp graph) {
  SmallVector<QuantizationSite> sites;
  graph.walk([&](Operation *op) {
    std::optional<QuantizationSite> site =
        llvm::TypeSwitch<Operation *, std::optional<QuantizationSite>>(op)
            .Case([](dlc::ConvOp c) -> std::optional<QuantizationSite> {
              int64_t channels = typeOf(c.getOutput()).getDimSize(1);
              if (!isConstantF32(c.getWeight(), typeOf(c.getWeight()).getRank()) ||
                  (c.getBias() && (!isConstantF32(c.getBias(), 1) ||
                                   typeOf(c.getBias()).getDimSize(0) != channels)))
                return std::nullopt;
              return QuantizationSite{c, c.getInput(), c.getWeight(), c.getBias(), {}, 0, c, 2};
            })
            .Case([](dlc::MatMulOp m) -> std::optional<QuantizationSite> {
              if (typeOf(m.getLhs()).getRank() < 2 || !isConstantF32(m.getRhs(), 2))
                return std::nullopt;
              QuantizationSite site{m, m.getLhs(), m.getRhs(), {}, {}, 1};
              // MatMul + Add(constant [N]): the bias of the contraction.
              auto add = m.getOutput().hasOneUse()
                             ? llvm::dyn_cast<dlc::AddOp>(*m.getOutput().getUsers().begin())
                             : dlc::AddOp();
              if (add && add.getType() == m.getOutput().getType()) {
                unsigned index = add.getLhs() == m.getOutput() ? 1 : 0;
                Value bias = add->getOperand(index);
                if (bias != m.getOutput() && isConstantF32(bias, 1) &&
                    typeOf(bias).getDimSize(0) == typeOf(m.getRhs()).getDimSize(1)) {
                  site.bias = bias;
                  site.biasOwner = add;
                  site.biasIndex = index;
                }
              }
              return site;
            })
            .Case([](dlc::GemmOp g) -> std::optional<QuantizationSite> {
              int64_t axis = g.getTransB() ? 0 : 1;
              if (g.getTransA() || g.getAlpha().convertToDouble() != 1.0 ||
                  g.getBeta().convertToDouble() != 1.0 || !isConstantF32(g.getB(), 2) ||
                  (g.getC() && (!isConstantF32(g.getC(), 1) ||
                                typeOf(g.getC()).getDimSize(0) !=
                                    typeOf(g.getB()).getDimSize(axis))))
                return std::nullopt;
              return QuantizationSite{g, g.getA(), g.getB(), g.getC(), {}, axis, g, 2};
            })
            .Default([](Operation *) { return std::nullopt; });
    if (!site || !isStaticF32(site->input) || !isStaticF32(op->getResult(0)) ||
        site->input.getDefiningOp<dlc::DequantizeLinearOp>())
      return;
    site->output = quantizedOutput(site->bias ? site->biasOwner : op);
    sites.push_back(*site);
  });
  return sites;
}

namespace {

/// uint8 asymmetric parameters of the range [lo, hi] widened to hold 0.
std::pair<float, uint8_t> activationParams(float lo, float hi) {
  lo = std::min(lo, 0.0f);
  hi = std::max(hi, 0.0f);
  float scale = (hi - lo) / 255.0f;
  if (!(scale > 0.0f) || !std::isfinite(scale))
    scale = 1.0f; // an all-zero tensor: any scale is exact
  float zp = std::nearbyint(-lo / scale);
  return {scale, static_cast<uint8_t>(std::clamp(zp, 0.0f, 255.0f))};
}

class SiteQuantizer {
public:
  explicit SiteQuantizer(MLIRContext *ctx) : b(ctx) {}

  void quantize(const dlc::QuantizationSite &site, ArrayRef<float> ranges) {
    Operation *op = site.op;
    b.setInsertionPoint(op);
    Location loc = op->getLoc();
    auto [xScale, xZp] = activationParams(ranges[0], ranges[1]);
    Value x = quantizeActivation(site.input, xScale, xZp, loc);
    SmallVector<float> wScale;
    Value w = quantizeWeight(site.weight, site.channelAxis, wScale, loc);
    op->setOperand(0, x);
    op->setOperand(1, w);
    if (site.bias)
      site.biasOwner->setOperand(site.biasIndex, quantizeBias(site.bias, xScale, wScale, loc));
    // The output: q/dq right after it, read by all of its former users.
    Value y = site.output;
    b.setInsertionPointAfterValue(y);
    auto [yScale, yZp] = activationParams(ranges[2], ranges[3]);
    Value dq = quantizeDequantize(y, yScale, yZp, loc);
    y.replaceAllUsesExcept(dq, dq.getDefiningOp()->getOperand(0).getDefiningOp());
    dequantized[y] = dq;
    op->removeAttr(dlc::kQuantRangesAttr);
  }

private:
  Value scalar(Type element, Attribute value, Location loc) {
    auto type = RankedTensorType::get({}, element);
    return dlc::ConstantOp::create(b, loc, DenseElementsAttr::get(type, value));
  }
  IntegerType u8() { return IntegerType::get(b.getContext(), 8, IntegerType::Unsigned); }

  /// dq(q(v)) with one scale and zero point constant for both.
  Value quantizeDequantize(Value v, float scale, uint8_t zp, Location loc) {
    Value s = scalar(b.getF32Type(), b.getF32FloatAttr(scale), loc);
    Value z = scalar(u8(), IntegerAttr::get(u8(), APInt(8, zp)), loc);
    Value q = dlc::QuantizeLinearOp::create(b, loc, v, s, z, b.getI64IntegerAttr(1));
    return dlc::DequantizeLinearOp::create(b, loc, q, s, z, b.getI64IntegerAttr(1));
  }

  /// dq(q(v)), reusing the quantization of a tensor already quantized (as a
  /// site's output or another site's input).
  Value quantizeActivation(Value v, float scale, uint8_t zp, Location loc) {
    if (auto it = dequantized.find(v); it != dequantized.end())
      return it->second;
    Value dq = quantizeDequantize(v, scale, zp, loc);
    dequantized[v] = dq;
    return dq;
  }

  /// dq(w_i8) with symmetric per-channel scales max|w[c]| / 127 (`scales`).
  Value quantizeWeight(Value weight, int64_t axis, SmallVector<float> &scales, Location loc) {
    DenseElementsAttr attr = constantOf(weight);
    ArrayRef<int64_t> shape = typeOf(weight).getShape();
    int64_t channels = shape[axis];
    int64_t inner = typeOf(weight).getNumElements() / std::max<int64_t>(shape[0], 1);
    auto channelOf = [&](int64_t i) { return axis == 0 ? i / inner : i % channels; };
    SmallVector<float> values(attr.getValues<float>());
    SmallVector<float> maxAbs(channels, 0.0f);
    for (int64_t i = 0, e = values.size(); i < e; ++i)
      maxAbs[channelOf(i)] = std::max(maxAbs[channelOf(i)], std::abs(values[i]));
    scales.clear();
    for (float m : maxAbs)
      scales.push_back(m > 0.0f ? m / 127.0f : 1.0f);
    SmallVector<int8_t> q(values.size());
    for (int64_t i = 0, e = values.size(); i < e; ++i)
      q[i] = static_cast<int8_t>(
          std::clamp(std::nearbyint(values[i] / scales[channelOf(i)]), -127.0f, 127.0f));
    auto i8 = b.getIntegerType(8);
    auto qType = RankedTensorType::get(shape, i8);
    auto channelType = [&](Type element) { return RankedTensorType::get({channels}, element); };
    Value qw = dlc::ConstantOp::create(b, loc, DenseElementsAttr::get(qType, ArrayRef<int8_t>(q)));
    Value scale = dlc::ConstantOp::create(
        b, loc, DenseElementsAttr::get(channelType(b.getF32Type()), ArrayRef<float>(scales)));
    Value zp = dlc::ConstantOp::create(
        b, loc, DenseElementsAttr::get(channelType(i8), b.getIntegerAttr(i8, 0)));
    return dlc::DequantizeLinearOp::create(b, loc, qw, scale, zp, b.getI64IntegerAttr(axis));
  }

  /// dq(b_i32) with scale sx * sw[c] (computed in f32, as dlc-fold-qdq
  /// checks it) and zero point 0.
  Value quantizeBias(Value bias, float xScale, ArrayRef<float> wScale, Location loc) {
    SmallVector<float> values(constantOf(bias).getValues<float>());
    SmallVector<float> scales;
    SmallVector<int32_t> q;
    for (size_t c = 0; c < values.size(); ++c) {
      scales.push_back(xScale * wScale[c]);
      double v = std::nearbyint(static_cast<double>(values[c]) / scales.back());
      q.push_back(static_cast<int32_t>(std::clamp(v, -2147483647.0, 2147483647.0)));
    }
    auto i32 = b.getI32Type();
    auto type = [&](Type element) {
      return RankedTensorType::get({static_cast<int64_t>(values.size())}, element);
    };
    Value qb = dlc::ConstantOp::create(b, loc, DenseElementsAttr::get(type(i32), ArrayRef<int32_t>(q)));
    Value scale = dlc::ConstantOp::create(
        b, loc, DenseElementsAttr::get(type(b.getF32Type()), ArrayRef<float>(scales)));
    Value zp = dlc::ConstantOp::create(b, loc,
                                       DenseElementsAttr::get(type(i32), b.getI32IntegerAttr(0)));
    return dlc::DequantizeLinearOp::create(b, loc, qb, scale, zp, b.getI64IntegerAttr(0));
  }

  OpBuilder b;
  llvm::DenseMap<Value, Value> dequantized; // tensor -> dq(q(tensor))
};

struct QuantizePass : dlc::impl::QuantizeBase<QuantizePass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // Ranges on ops that are no longer sites would be silently ignored.
    llvm::DenseSet<Operation *> siteOps;
    SmallVector<dlc::QuantizationSite> sites = dlc::collectQuantizationSites(func);
    for (const dlc::QuantizationSite &site : sites)
      siteOps.insert(site.op);
    WalkResult bad = func.walk([&](Operation *op) {
      auto ranges = op->getAttrOfType<DenseF32ArrayAttr>(dlc::kQuantRangesAttr);
      if (!op->hasAttr(dlc::kQuantRangesAttr))
        return WalkResult::advance();
      if (!ranges || ranges.size() != 4 ||
          !llvm::all_of(ranges.asArrayRef(), [](float v) { return std::isfinite(v); }) ||
          ranges[0] > ranges[1] || ranges[2] > ranges[3]) {
        op->emitError("dlc-quantize: '")
            << dlc::kQuantRangesAttr
            << "' must be array<f32: in_min, in_max, out_min, out_max> of finite values, "
               "min <= max";
        return WalkResult::interrupt();
      }
      if (!siteOps.contains(op)) {
        op->emitError("dlc-quantize: ranges on an op that cannot be quantized (see "
                      "compiler/transforms/QuantizationSites.h)");
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (bad.wasInterrupted())
      return signalPassFailure();
    SiteQuantizer quantizer(&getContext());
    for (const dlc::QuantizationSite &site : sites)
      if (auto ranges = site.op->getAttrOfType<DenseF32ArrayAttr>(dlc::kQuantRangesAttr))
        quantizer.quantize(site, ranges.asArrayRef());
  }
};

} // namespace
