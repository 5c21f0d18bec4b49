//===- GradientsNN.cpp - VJP rules of matmul, conv, pooling, norms --------===//
//
// Conv and pooling gradients are built from convs, strided slices and
// scatterDim (the transpose of a strided read), so they need no dedicated
// backward ops:
// - conv d(input): the result gradient spread to stride positions,
//   convolved with the flipped, in/out-swapped weights (stride 1, same
//   dilation, pads (K-1)*d - pad);
// - conv d(weight): a conv of the batch-swapped input with the
//   batch-swapped result gradient (stride and dilation exchanged);
// - pooling: for each window offset, the result gradient placed where that
//   offset reads (max pool: only where the window's first maximum sits,
//   PyTorch's choice among ties).
// batch_norm is the inference form: mean and variance are fixed statistics
// (no gradient), so training treats it as a per-channel affine map.
//===----------------------------------------------------------------------===//
#include "ir/GradientUtils.h"
#include "ir/Interfaces.h"

#include <limits>

using namespace mlir;
using namespace dlc;
using namespace dlc::grad;

using Grads = FailureOr<SmallVector<Value>>;

static SmallVector<int64_t> iota(int64_t from, int64_t to) {
  SmallVector<int64_t> v;
  for (int64_t i = from; i < to; ++i)
    v.push_back(i);
  return v;
}

static Value swapLastTwo(OpBuilder &b, Location loc, Value v) {
  SmallVector<int64_t> perm = iota(0, typeOf(v).getRank());
  std::swap(perm[perm.size() - 1], perm[perm.size() - 2]);
  return transpose(b, loc, v, perm);
}

Grads MatMulOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool> needed) {
  Location loc = getLoc();
  Value a = getLhs(), bm = getRhs();
  RankedTensorType aT = typeOf(a), bT = typeOf(bm);
  // 1-D operands act as a row (lhs) / column (rhs) matrix.
  SmallVector<int64_t> aShape(aT.getShape()), bShape(bT.getShape());
  if (aShape.size() == 1)
    aShape.insert(aShape.begin(), 1);
  if (bShape.size() == 1)
    bShape.push_back(1);
  SmallVector<int64_t> gShape(typeOf(getOutput()).getShape());
  if (aT.getRank() == 1)
    gShape.insert(gShape.end() - (bT.getRank() == 1 ? 0 : 1), 1);
  if (bT.getRank() == 1)
    gShape.push_back(1);
  Value g = reshape(b, loc, gs[0], gShape);
  Value ap = reshape(b, loc, a, aShape), bp = reshape(b, loc, bm, bShape);
  Value da, db;
  if (needed[0]) {
    Value full = MatMulOp::create(b, loc, g, swapLastTwo(b, loc, bp));
    da = reshape(b, loc, sumToShape(b, loc, full, aT.clone(aShape)), aT.getShape());
  }
  if (needed[1]) {
    Value full = MatMulOp::create(b, loc, swapLastTwo(b, loc, ap), g);
    db = reshape(b, loc, sumToShape(b, loc, full, bT.clone(bShape)), bT.getShape());
  }
  return SmallVector<Value>{da, db};
}

Grads GemmOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool> needed) {
  Location loc = getLoc();
  Value a = getA(), bm = getB(), g = gs[0];
  bool ta = getTransA(), tb = getTransB();
  FloatAttr alpha = getAlphaAttr(), unit = b.getF32FloatAttr(1.0f);
  auto gemm = [&](Value x, Value y, bool tx, bool ty) {
    return GemmOp::create(b, loc, x, y, Value(), alpha, unit, b.getBoolAttr(tx),
                          b.getBoolAttr(ty));
  };
  SmallVector<Value> out(getNumOperands());
  // Y = alpha op(A) op(B) + beta C
  if (needed[0])
    out[0] = ta ? gemm(bm, g, tb, true) : gemm(g, bm, false, !tb);
  if (needed[1])
    out[1] = tb ? gemm(g, a, true, ta) : gemm(a, g, !ta, false);
  if (getC() && needed[2]) {
    Emit e{b, loc};
    out[2] = sumToShape(b, loc, e.scale(g, getBeta().convertToDouble()), typeOf(getC()));
  }
  return out;
}

Grads ConvOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool> needed) {
  if (getGroup() != 1) {
    emitOpError("has no gradient for group = ") << getGroup() << " (only group = 1)";
    return failure();
  }
  Location loc = getLoc();
  Value x = getInput(), w = getWeight(), g = gs[0];
  RankedTensorType xT = typeOf(x), wT = typeOf(w), gT = typeOf(g);
  int64_t spatial = xT.getRank() - 2;
  ArrayRef<int64_t> strides = getStrides(), pads = getPads(), dilations = getDilations();
  SmallVector<int64_t> ones(spatial, 1);
  SmallVector<Value> out(getNumOperands());
  if (needed[0]) {
    Value z = g, wf = w;
    SmallVector<int64_t> padBegin(spatial), padEnd(spatial);
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t dim = 2 + i, k = wT.getDimSize(dim), s = strides[i], d = dilations[i];
      int64_t length = (gT.getDimSize(dim) - 1) * s + 1;
      z = scatterDim(b, loc, z, dim, 0, s, length);
      // Output length H = length + begin + end - (K-1) d; negative pads crop z.
      int64_t begin = (k - 1) * d - pads[i];
      if (begin < 0) {
        z = sliceDim(b, loc, z, dim, -begin, 1, length + begin);
        length += begin;
        begin = 0;
      }
      int64_t end = xT.getDimSize(dim) - length - begin + (k - 1) * d;
      if (end < 0) {
        z = sliceDim(b, loc, z, dim, 0, 1, length + end);
        end = 0;
      }
      padBegin[i] = begin;
      padEnd[i] = end;
      wf = sliceDim(b, loc, wf, dim, k - 1, -1, k);
    }
    wf = swapFirstTwo(b, loc, wf);
    SmallVector<int64_t> allPads(padBegin);
    allPads.append(padEnd);
    out[0] = ConvOp::create(b, loc, z, wf, Value(), ones, allPads, dilations, 1);
  }
  if (needed[1]) {
    Value r = ConvOp::create(b, loc, swapFirstTwo(b, loc, x), swapFirstTwo(b, loc, g), Value(),
                             dilations, pads, strides, 1);
    for (int64_t i = 0; i < spatial; ++i)
      r = sliceDim(b, loc, r, 2 + i, 0, 1, wT.getDimSize(2 + i));
    out[1] = swapFirstTwo(b, loc, r);
  }
  if (getBias() && needed[2]) {
    SmallVector<int64_t> axes{0};
    axes.append(iota(2, gT.getRank()));
    out[2] = ReduceSumOp::create(b, loc, g, axes, /*keepdims=*/false);
  }
  return out;
}

namespace {
/// The geometry of a pooling window along each spatial dim.
struct PoolGeometry {
  int64_t spatial;
  SmallVector<int64_t> kernel, strides, dilations, padBegin, padEnd, input, output, padded;

  PoolGeometry(RankedTensorType in, RankedTensorType out, ArrayRef<int64_t> k,
               ArrayRef<int64_t> s, ArrayRef<int64_t> pads, ArrayRef<int64_t> d)
      : spatial(in.getRank() - 2), kernel(k), strides(s), dilations(d) {
    for (int64_t i = 0; i < spatial; ++i) {
      padBegin.push_back(pads[i]);
      padEnd.push_back(pads[spatial + i]);
      input.push_back(in.getDimSize(2 + i));
      output.push_back(out.getDimSize(2 + i));
      // Long enough for every window, ceil_mode's extension included.
      int64_t needed = (output[i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1;
      padded.push_back(std::max(input[i] + padBegin[i] + padEnd[i], needed));
    }
  }

  /// Window offsets (one index per spatial dim), row-major.
  SmallVector<SmallVector<int64_t>> offsets() const {
    SmallVector<SmallVector<int64_t>> all{{}};
    for (int64_t i = 0; i < spatial; ++i) {
      SmallVector<SmallVector<int64_t>> next;
      for (auto &prefix : all)
        for (int64_t k = 0; k < kernel[i]; ++k) {
          next.push_back(prefix);
          next.back().push_back(k);
        }
      all = std::move(next);
    }
    return all;
  }

  /// Adds `v` (output-shaped) at the positions offset `k` reads, in the
  /// padded frame.
  Value scatter(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> k) const {
    for (int64_t i = 0; i < spatial; ++i)
      v = scatterDim(b, loc, v, 2 + i, k[i] * dilations[i], strides[i], padded[i]);
    return v;
  }

  Value window(OpBuilder &b, Location loc, Value padded_, ArrayRef<int64_t> k) const {
    for (int64_t i = 0; i < spatial; ++i)
      padded_ = sliceDim(b, loc, padded_, 2 + i, k[i] * dilations[i], strides[i], output[i]);
    return padded_;
  }

  Value pad(OpBuilder &b, Location loc, Value v, double fill) const {
    for (int64_t i = 0; i < spatial; ++i) {
      v = padDim(b, loc, v, 2 + i, padBegin[i], /*atBegin=*/true, fill);
      v = padDim(b, loc, v, 2 + i, padded[i] - input[i] - padBegin[i], /*atBegin=*/false, fill);
    }
    return v;
  }

  Value crop(OpBuilder &b, Location loc, Value v) const {
    for (int64_t i = 0; i < spatial; ++i)
      v = sliceDim(b, loc, v, 2 + i, padBegin[i], 1, input[i]);
    return v;
  }
};
} // namespace

Grads MaxPoolOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  Location loc = getLoc();
  Value x = getInput(), y = getOutput(), g = gs[0];
  if (!isa<FloatType>(typeOf(x).getElementType()))
    return SmallVector<Value>{Value()};
  PoolGeometry geo(typeOf(x), typeOf(y), getKernelShape(), getStrides(), getPads(),
                   getDilations());
  Emit e{b, loc};
  Value padded = geo.pad(b, loc, x, -std::numeric_limits<double>::infinity());
  Value taken, sum;
  for (const SmallVector<int64_t> &k : geo.offsets()) {
    Value hit = EqualOp::create(b, loc, geo.window(b, loc, padded, k), y);
    Value mask = CastOp::create(b, loc, typeOf(y), hit);
    if (taken) // only the first maximum of each window takes the gradient
      mask = e.mul(mask, e.sub(e.scalar(y, 1), taken));
    taken = taken ? e.add(taken, mask) : mask;
    Value part = geo.scatter(b, loc, e.mul(mask, g), k);
    sum = sum ? e.add(sum, part) : part;
  }
  return SmallVector<Value>{geo.crop(b, loc, sum)};
}

Grads AvgPoolOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  Location loc = getLoc();
  Value x = getInput(), g = gs[0];
  RankedTensorType yT = typeOf(getOutput());
  PoolGeometry geo(typeOf(x), yT, getKernelShape(), getStrides(), getPads(), getDilations());
  // The divisor of each output position, as the forward lowering counts it:
  // positions inside the input, or inside input + pads with
  // count_include_pad (never the ceil-mode extension).
  SmallVector<SmallVector<double>> counts(geo.spatial);
  for (int64_t i = 0; i < geo.spatial; ++i) {
    int64_t lo = getCountIncludePad() ? -geo.padBegin[i] : 0;
    int64_t hi = geo.input[i] + (getCountIncludePad() ? geo.padEnd[i] : 0);
    for (int64_t o = 0; o < geo.output[i]; ++o) {
      int64_t count = 0;
      for (int64_t k = 0; k < geo.kernel[i]; ++k) {
        int64_t pos = o * geo.strides[i] - geo.padBegin[i] + k * geo.dilations[i];
        count += pos >= lo && pos < hi;
      }
      counts[i].push_back(double(std::max<int64_t>(count, 1)));
    }
  }
  SmallVector<int64_t> invShape{1, 1};
  invShape.append(geo.output);
  SmallVector<Attribute> inv;
  int64_t positions = 1;
  for (int64_t o : geo.output)
    positions *= o;
  Type elementType = yT.getElementType();
  for (int64_t p = 0; p < positions; ++p) {
    double divisor = 1;
    for (int64_t i = geo.spatial - 1, rest = p; i >= 0; rest /= geo.output[i], --i)
      divisor *= counts[i][rest % geo.output[i]];
    inv.push_back(b.getFloatAttr(elementType, 1.0 / divisor));
  }
  auto invType = RankedTensorType::get(invShape, elementType);
  Value scale = ConstantOp::create(b, loc, DenseElementsAttr::get(invType, inv));
  Value scaled = Emit{b, loc}.mul(g, scale);
  Value sum;
  for (const SmallVector<int64_t> &k : geo.offsets()) {
    Value part = geo.scatter(b, loc, scaled, k);
    sum = sum ? Emit{b, loc}.add(sum, part) : part;
  }
  return SmallVector<Value>{geo.crop(b, loc, sum)};
}

Grads GlobalAvgPoolOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  RankedTensorType xT = typeOf(getInput());
  int64_t size = 1;
  for (int64_t d = 2; d < xT.getRank(); ++d)
    size *= xT.getDimSize(d);
  Emit e{b, getLoc()};
  return SmallVector<Value>{expandTo(b, getLoc(), e.scale(gs[0], 1.0 / double(size)),
                                     xT.getShape())};
}

/// `v` of shape [C] as [1, C, 1, ...] to broadcast over an NC.. tensor.
static Value channelView(OpBuilder &b, Location loc, Value v, int64_t rank) {
  SmallVector<int64_t> shape(rank, 1);
  shape[1] = typeOf(v).getDimSize(0);
  return reshape(b, loc, v, shape);
}

Grads BatchNormOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool> needed) {
  Location loc = getLoc();
  Emit e{b, loc};
  Value x = getInput(), g = gs[0];
  int64_t rank = typeOf(x).getRank();
  Value var = channelView(b, loc, getVariance(), rank);
  Value invStd = e.div(e.scalar(var, 1),
                       e.sqrt(e.add(var, e.scalar(var, getEpsilon().convertToDouble()))));
  Value scale = channelView(b, loc, getScale(), rank);
  SmallVector<int64_t> axes{0};
  axes.append(iota(2, rank));
  auto perChannel = [&](Value v) {
    return ReduceSumOp::create(b, loc, v, axes, /*keepdims=*/false);
  };
  SmallVector<Value> out(getNumOperands());
  if (needed[0])
    out[0] = e.mul(g, e.mul(scale, invStd));
  if (needed[1]) {
    Value centered = e.sub(x, channelView(b, loc, getMean(), rank));
    out[1] = perChannel(e.mul(g, e.mul(centered, invStd)));
  }
  if (needed[2])
    out[2] = perChannel(g);
  return out; // mean and variance: fixed statistics, no gradient
}

Grads LayerNormOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool> needed) {
  Location loc = getLoc();
  Emit e{b, loc};
  Value x = getInput(), g = gs[0];
  RankedTensorType xT = typeOf(x);
  SmallVector<int64_t> axes = iota(getAxis(), xT.getRank());
  auto mean = [&](Value v) { return ReduceMeanOp::create(b, loc, v, axes, /*keepdims=*/true); };
  Value centered = e.sub(x, mean(x));
  Value var = mean(e.mul(centered, centered));
  Value invStd =
      e.div(e.scalar(x, 1), e.sqrt(e.add(var, e.scalar(x, getEpsilon().convertToDouble()))));
  Value xhat = e.mul(centered, invStd);
  SmallVector<Value> out(getNumOperands());
  if (needed[0]) {
    Value dxhat = e.mul(g, getScale());
    // dx = invStd (dxhat - mean(dxhat) - xhat mean(dxhat xhat))
    out[0] = e.mul(invStd, e.sub(e.sub(dxhat, mean(dxhat)), e.mul(xhat, mean(e.mul(dxhat, xhat)))));
  }
  if (needed[1])
    out[1] = sumToShape(b, loc, e.mul(g, xhat), typeOf(getScale()));
  if (getBias() && needed[2])
    out[2] = sumToShape(b, loc, g, typeOf(getBias()));
  return out;
}

Grads SoftmaxOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  Emit e{b, getLoc()};
  Value y = getOutput(), g = gs[0];
  // y (g - sum(g y))
  int64_t axis = getAxis();
  return SmallVector<Value>{e.mul(y, e.sub(g, sumKeep(b, getLoc(), e.mul(g, y), {axis})))};
}

Grads LogSoftmaxOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  Emit e{b, getLoc()};
  Value g = gs[0];
  int64_t axis = getAxis();
  // g - softmax(x) sum(g)
  return SmallVector<Value>{
      e.sub(g, e.mul(e.exp(getOutput()), sumKeep(b, getLoc(), g, {axis})))};
}
