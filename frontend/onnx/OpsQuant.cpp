//===- OpsQuant.cpp - QuantizeLinear, DequantizeLinear, integer matmul/conv ===//
//
// QuantizeLinear / DequantizeLinear become dlc.quantize_linear /
// dlc.dequantize_linear (blocked scales are expanded to the input's shape
// here, an absent zero point becomes a zero constant). The integer ops are
// decomposed into dlc ops, following the ONNX reference semantics:
//
//   MatMulInteger: matmul(i32(A) - a_zp, i32(B) - b_zp)            -> i32
//   QLinearMatMul: quantize_linear(f64(that) * f64(sa * sb / sy), 1, y_zp)
//   QLinearConv:   the same with conv(i32(x) - x_zp, i32(w) - w_zp, B)
//
// The accumulator is exact (i32); the requantization is computed in f64, as
// the reference does (numpy promotes int32 * float32 to float64), and
// rounds half to even with saturation. Per-row (A), per-column (B) and
// per-output-channel (w) zero points and scales are reshaped to broadcast.
//
//===----------------------------------------------------------------------===//
#include "frontend/onnx/GraphImporter.h"
#include "frontend/onnx/ShapeComputation.h"
#include "frontend/onnx/TensorConversion.h"
#include "ir/QuantBuilders.h"

#include "mlir/Dialect/Traits.h"

using namespace mlir;

namespace dlc::onnx_import {
namespace {

using Shape = SmallVector<int64_t>;

ArrayRef<int64_t> shapeOf(Value v) { return GraphImporter::typeOf(v).getShape(); }
Type elementOf(Value v) { return GraphImporter::typeOf(v).getElementType(); }

Value splat(GraphImporter &imp, ArrayRef<int64_t> shape, Type type, double value) {
  auto tensorType = RankedTensorType::get(shape, type);
  mlir::Attribute element = llvm::isa<FloatType>(type)
                          ? mlir::Attribute(imp.builder.getFloatAttr(type, value))
                          : mlir::Attribute(imp.builder.getIntegerAttr(type, (int64_t)value));
  return dlc::ConstantOp::create(imp.builder, imp.loc,
                                 DenseElementsAttr::get(tensorType, element));
}

bool isQuantizedType(Type t) {
  auto i = llvm::dyn_cast<IntegerType>(t);
  return i && !i.isSigned() && (i.getWidth() == 8 || i.getWidth() == 16);
}

LogicalResult requireQuantized(GraphImporter &imp, Value v, StringRef what) {
  if (!isQuantizedType(elementOf(v)))
    return imp.fail(what + " must be an int8, uint8, int16 or uint16 tensor, got " +
                    dtypeName(dtypeFor(elementOf(v))));
  return success();
}

/// Blocked quantization (block_size > 0): `param` has the input's rank and
/// ceil(dim / block_size) entries along `axis`; each is repeated block_size
/// times (reshape, expand, reshape) and the tail cut off (slice).
FailureOr<Value> expandBlocked(GraphImporter &imp, Value param, StringRef what,
                               ArrayRef<int64_t> input, int64_t axis, int64_t block) {
  ArrayRef<int64_t> p = shapeOf(param);
  int64_t dim = input[axis];
  block = std::min(block, std::max<int64_t>(dim, 1)); // one block covers the dim
  int64_t blocks = dim == 0 ? 0 : (dim - 1) / block + 1;
  bool ok = p.size() == input.size() && p[axis] == blocks;
  for (size_t d = 0; ok && d < p.size(); ++d)
    ok = (int64_t)d == axis || p[d] == input[d];
  if (!ok)
    return imp.fail(what + " " + formatShape(p) + " does not match input " +
                    formatShape(input) + " with block_size " + Twine(block) + " on axis " +
                    Twine(axis));
  Shape split(p), repeated(p);
  split.insert(split.begin() + axis + 1, 1);
  repeated.insert(repeated.begin() + axis + 1, block);
  OpBuilder &b = imp.builder;
  Value v = imp.reshape(param, split);
  v = dlc::ExpandOp::create(b, imp.loc, GraphImporter::typeOf(v).clone(repeated), v);
  Shape full(p);
  full[axis] = blocks * block;
  v = imp.reshape(v, full);
  if (full[axis] == dim)
    return v;
  Shape starts(full.size(), 0), steps(full.size(), 1);
  return Value(dlc::SliceOp::create(b, imp.loc, GraphImporter::typeOf(v).clone(input), v,
                                    b.getDenseI64ArrayAttr(starts),
                                    b.getDenseI64ArrayAttr(steps)));
}

/// The attributes and parameters shared by QuantizeLinear and
/// DequantizeLinear: normalized axis, blocked scale/zero point expanded.
struct QuantParams {
  Value scale, zeroPoint;
  int64_t axis = 0;
};

FailureOr<QuantParams> quantParams(GraphImporter &imp, Value x, Value scale, Value zp,
                                   StringRef scaleName, Type quantType) {
  FailureOr<int64_t> axis = imp.attrInt("axis", 1), block = imp.attrInt("block_size", 0);
  if (failed(axis) || failed(block) || failed(imp.requireFloat(scale, scaleName)))
    return failure();
  if (!zp)
    zp = splat(imp, shapeOf(scale), quantType, 0);
  // Per tensor, a [1] scale with a scalar zero point or the reverse
  // (onnxruntime's quantizer writes such pairs) means the same.
  if (GraphImporter::typeOf(scale).getNumElements() == 1 && shapeOf(scale).size() <= 1 &&
      GraphImporter::typeOf(zp).getNumElements() == 1 && shapeOf(zp).size() <= 1)
    zp = imp.reshape(zp, shapeOf(scale));
  QuantParams q{scale, zp, 0};
  ArrayRef<int64_t> input = shapeOf(x);
  bool perTensor = GraphImporter::typeOf(scale).getNumElements() == 1 &&
                   shapeOf(scale).size() <= 1;
  if (!input.empty() && (!perTensor || *block > 0)) {
    FailureOr<int64_t> a = imp.normalizeAxis(*axis, input.size(), "axis");
    if (failed(a))
      return failure();
    q.axis = *a;
  }
  if (*block < 0)
    return imp.fail("attribute 'block_size' must be >= 0, got " + Twine(*block));
  if (*block == 0) {
    if (shapeOf(scale).size() > 1)
      return imp.fail(scaleName + " " + formatShape(shapeOf(scale)) +
                      " must be a scalar or 1-D (block_size is 0)");
    return q;
  }
  if (input.empty())
    return imp.fail("blocked quantization needs an input of rank >= 1");
  FailureOr<Value> s = expandBlocked(imp, scale, scaleName, input, q.axis, *block);
  FailureOr<Value> z = failed(s) ? s : expandBlocked(imp, zp, "zero point", input, q.axis,
                                                    *block);
  if (failed(z))
    return failure();
  q.scale = *s;
  q.zeroPoint = *z;
  return q;
}

/// dlc.quantize_linear / dlc.dequantize_linear of x with the node's axis
/// and block_size; a missing zero point is 0 of `quantType`.
template <typename OpTy>
FailureOr<Value> buildQuantOp(GraphImporter &imp, Value x, Value scale, Value zp,
                              StringRef scaleName, Type quantType) {
  FailureOr<QuantParams> q = quantParams(imp, x, scale, zp, scaleName, quantType);
  if (failed(q))
    return failure();
  return imp.createInferred<OpTy>(x, q->scale, q->zeroPoint,
                                  imp.builder.getI64IntegerAttr(q->axis));
}

LogicalResult importQuantizeLinear(GraphImporter &imp) {
  FailureOr<Value> x = imp.input(0), scale = failed(x) ? x : imp.input(1);
  FailureOr<Value> zp = failed(scale) ? scale : imp.optionalInput(2);
  FailureOr<int64_t> outputDtype = imp.attrInt("output_dtype", 0);
  FailureOr<int64_t> precision = imp.attrInt("precision", 0);
  if (failed(zp) || failed(outputDtype) || failed(precision) ||
      failed(imp.requireFloat(*x, "x")))
    return failure();
  if (*precision != 0 && *precision != kFloat)
    return imp.fail("attribute 'precision' " + Twine(*precision) +
                    " is not supported (dlc divides in float32)");
  Type outType = *zp ? elementOf(*zp)
                     : (*outputDtype ? elementTypeFor(imp.ctx, *outputDtype)
                                     : IntegerType::get(&imp.ctx, 8, IntegerType::Unsigned));
  if (*zp && *outputDtype && dtypeFor(outType) != *outputDtype)
    return imp.fail("attribute 'output_dtype' " + dtypeName((int)*outputDtype) +
                    " differs from the zero point's type " + dtypeName(dtypeFor(outType)));
  if (!outType || !isQuantizedType(outType))
    return imp.fail("quantizing to " + dtypeName(outType ? dtypeFor(outType) : (int)*outputDtype) +
                    " is not supported (int8, uint8, int16, uint16)");
  FailureOr<Value> y =
      buildQuantOp<dlc::QuantizeLinearOp>(imp, *x, *scale, *zp, "y_scale", outType);
  if (failed(y))
    return failure();
  imp.setOutput(0, *y);
  return success();
}

LogicalResult importDequantizeLinear(GraphImporter &imp) {
  FailureOr<Value> x = imp.input(0), scale = failed(x) ? x : imp.input(1);
  FailureOr<Value> zp = failed(scale) ? scale : imp.optionalInput(2);
  FailureOr<int64_t> outputDtype = imp.attrInt("output_dtype", 0);
  if (failed(zp) || failed(outputDtype))
    return failure();
  Type in = elementOf(*x);
  if (!isQuantizedType(in) && !in.isSignlessInteger(32))
    return imp.fail("x must be an int8, uint8, int16, uint16 or int32 tensor, got " +
                    dtypeName(dtypeFor(in)));
  FailureOr<Value> y = buildQuantOp<dlc::DequantizeLinearOp>(imp, *x, *scale, *zp, "x_scale", in);
  if (failed(y))
    return failure();
  Value result = *y;
  if (*outputDtype) {
    Type out = elementTypeFor(imp.ctx, *outputDtype);
    if (!out || !llvm::isa<FloatType>(out))
      return imp.fail("attribute 'output_dtype' " + dtypeName((int)*outputDtype) +
                      " is not a floating-point type");
    if (out != elementOf(result))
      result = dlc::CastOp::create(imp.builder, imp.loc,
                                   GraphImporter::typeOf(result).clone(out), result);
  }
  imp.setOutput(0, result);
  return success();
}

//===----------------------------------------------------------------------===//
// Integer matmul / conv
//===----------------------------------------------------------------------===//

/// Where a 1-D per-slice parameter (zero point or scale of more than one
/// element) applies: rows of a matmul's A ([M] -> [M, 1]), output channels
/// of a conv weight ([OC] -> [OC, 1, ...]) or of a conv result ([OC] ->
/// [1, OC, 1, ...]). Columns of B ([N]) and N-D parameters broadcast as
/// they are.
enum class Slice { None, Row, WeightChannel, OutputChannel };

Value broadcastable(GraphImporter &imp, Value param, Slice slice, int64_t rank) {
  ArrayRef<int64_t> p = shapeOf(param);
  int64_t channelDim = slice == Slice::OutputChannel ? 1 : 0;
  if (p.size() != 1 || p[0] == 1 || slice == Slice::None ||
      (slice != Slice::Row && rank <= channelDim))
    return param; // (a rank too small fails the broadcast check later)
  Shape shape(slice == Slice::Row ? 2 : rank, 1);
  shape[channelDim] = p[0];
  return imp.reshape(param, shape);
}

bool broadcastsTo(ArrayRef<int64_t> from, ArrayRef<int64_t> to) {
  SmallVector<int64_t> shape;
  return mlir::OpTrait::util::getBroadcastedShape(from, to, shape) && ArrayRef(shape) == to;
}

/// i32(v) - i32(zp) (zp may be null: i32(v)).
FailureOr<Value> centered(GraphImporter &imp, Value v, Value zp, StringRef what, Slice slice) {
  if (failed(requireQuantized(imp, v, what)))
    return failure();
  if (zp) {
    if (failed(imp.requireSameElementType(v, zp, what, (what + " zero point").str())))
      return failure();
    zp = broadcastable(imp, zp, slice, shapeOf(v).size());
    if (!broadcastsTo(shapeOf(zp), shapeOf(v)))
      return imp.fail(what + " zero point " + formatShape(shapeOf(zp)) +
                      " does not broadcast to " + formatShape(shapeOf(v)));
  }
  return dlc::centerToI32(imp.builder, imp.loc, v, zp);
}

/// The requantization of an i32 accumulator to yZp's type (outType when
/// there is no yZp); see dlc::requantize.
FailureOr<Value> requantize(GraphImporter &imp, Value acc, Value multiplier, Value yZp,
                            Type outType) {
  if (!broadcastsTo(shapeOf(multiplier), shapeOf(acc)))
    return imp.fail("scales " + formatShape(shapeOf(multiplier)) + " do not broadcast to " +
                    formatShape(shapeOf(acc)));
  if (!yZp)
    yZp = splat(imp, {}, outType, 0);
  if (failed(requireQuantized(imp, yZp, "y_zero_point")))
    return failure();
  if (GraphImporter::typeOf(yZp).getNumElements() != 1 || shapeOf(yZp).size() > 1)
    return imp.fail("y_zero_point " + formatShape(shapeOf(yZp)) + " must be per tensor");
  return dlc::requantize(imp.builder, imp.loc, acc, multiplier, yZp);
}

/// scaleA * scaleB / scaleY, each made broadcastable per `slices`.
FailureOr<Value> multiplier(GraphImporter &imp, Value sa, Value sb, Value sy,
                            ArrayRef<Slice> slices, int64_t rank) {
  for (auto [s, name] : {std::pair{sa, "first scale"}, {sb, "second scale"}, {sy, "y_scale"}})
    if (failed(imp.requireFloat(s, name)))
      return failure();
  if (failed(imp.requireSameElementType(sa, sb, "scale", "scale")) ||
      failed(imp.requireSameElementType(sa, sy, "scale", "y_scale")))
    return failure();
  FailureOr<Value> ab = imp.createInferred<dlc::MulOp>(broadcastable(imp, sa, slices[0], rank),
                                                       broadcastable(imp, sb, slices[1], rank));
  if (failed(ab))
    return failure();
  return imp.createInferred<dlc::DivOp>(*ab, sy);
}

LogicalResult importMatMulInteger(GraphImporter &imp) {
  FailureOr<Value> a = imp.input(0), b = failed(a) ? a : imp.input(1);
  FailureOr<Value> azp = failed(b) ? b : imp.optionalInput(2);
  FailureOr<Value> bzp = failed(azp) ? azp : imp.optionalInput(3);
  if (failed(bzp))
    return failure();
  FailureOr<Value> ai = centered(imp, *a, *azp, "A", Slice::Row);
  FailureOr<Value> bi = failed(ai) ? ai : centered(imp, *b, *bzp, "B", Slice::None);
  FailureOr<Value> y = failed(bi) ? bi : imp.createInferred<dlc::MatMulOp>(*ai, *bi);
  if (failed(y))
    return failure();
  imp.setOutput(0, *y);
  return success();
}

/// The 8 inputs of QLinearMatMul / QLinearConv: x, x_scale, x_zp, w,
/// w_scale, w_zp, y_scale, y_zp (zero points may be "").
FailureOr<SmallVector<Value, 8>> qlinearInputs(GraphImporter &imp) {
  SmallVector<Value, 8> v;
  for (size_t i = 0; i < 8; ++i) {
    bool optional = i == 2 || i == 5 || i == 7;
    FailureOr<Value> in = optional ? imp.optionalInput(i) : imp.input(i);
    if (failed(in))
      return failure();
    v.push_back(*in);
  }
  return v;
}

LogicalResult importQLinearMatMul(GraphImporter &imp) {
  FailureOr<SmallVector<Value, 8>> in = qlinearInputs(imp);
  if (failed(in))
    return failure();
  auto &v = *in;
  FailureOr<Value> ai = centered(imp, v[0], v[2], "a", Slice::Row);
  FailureOr<Value> bi = failed(ai) ? ai : centered(imp, v[3], v[5], "b", Slice::None);
  FailureOr<Value> acc = failed(bi) ? bi : imp.createInferred<dlc::MatMulOp>(*ai, *bi);
  FailureOr<Value> m =
      failed(acc) ? acc : multiplier(imp, v[1], v[4], v[6], {Slice::Row, Slice::None}, 2);
  Type outType = v[7] ? elementOf(v[7]) : elementOf(v[0]);
  FailureOr<Value> y = failed(m) ? m : requantize(imp, *acc, *m, v[7], outType);
  if (failed(y))
    return failure();
  imp.setOutput(0, *y);
  return success();
}

LogicalResult importQLinearConv(GraphImporter &imp) {
  FailureOr<SmallVector<Value, 8>> in = qlinearInputs(imp);
  FailureOr<Value> bias = failed(in) ? FailureOr<Value>(failure()) : imp.optionalInput(8);
  if (failed(bias))
    return failure();
  auto &v = *in;
  if (*bias && !elementOf(*bias).isSignlessInteger(32))
    return imp.fail("B must be an int32 tensor, got " + dtypeName(dtypeFor(elementOf(*bias))));
  int64_t rank = shapeOf(v[0]).size();
  if (v[2] && GraphImporter::typeOf(v[2]).getNumElements() != 1)
    return imp.fail("x_zero_point " + formatShape(shapeOf(v[2])) + " must be per tensor");
  FailureOr<Value> xi = centered(imp, v[0], v[2], "x", Slice::None);
  FailureOr<Value> wi = failed(xi) ? xi : centered(imp, v[3], v[5], "w", Slice::WeightChannel);
  FailureOr<Value> acc = failed(wi) ? wi : buildConv(imp, *xi, *wi, *bias);
  FailureOr<Value> m = failed(acc) ? acc
                                   : multiplier(imp, v[1], v[4], v[6],
                                                {Slice::None, Slice::OutputChannel}, rank);
  Type outType = v[7] ? elementOf(v[7]) : elementOf(v[0]);
  FailureOr<Value> y = failed(m) ? m : requantize(imp, *acc, *m, v[7], outType);
  if (failed(y))
    return failure();
  imp.setOutput(0, *y);
  return success();
}

} // namespace

void addQuantImporters(llvm::StringMap<OpImportFn> &t) {
  t["QuantizeLinear"] = importQuantizeLinear;
  t["DequantizeLinear"] = importDequantizeLinear;
  t["MatMulInteger"] = importMatMulInteger;
  t["QLinearMatMul"] = importQLinearMatMul;
  t["QLinearConv"] = importQLinearConv;
}

} // namespace dlc::onnx_import
