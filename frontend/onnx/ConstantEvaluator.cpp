//===- ConstantEvaluator.cpp - host-side evaluation of constant subgraphs -===//
//
// PyTorch exports compute shape operands with small integer subgraphs
// (Shape -> Gather -> Unsqueeze -> Concat -> Reshape). Since every shape is
// static after import, those subgraphs are evaluated here on the host and
// their results stay compile-time constants, so the ops that consume them
// (Reshape, Expand, Slice, ...) see constant shape operands. Only small
// inputs are evaluated; float arithmetic is left to dlc ops so the compiled
// numerics do not depend on the host.
//
//===----------------------------------------------------------------------===//
#include "frontend/onnx/GraphImporter.h"
#include "frontend/onnx/ShapeComputation.h"
#include "frontend/onnx/TensorConversion.h"

#include "llvm/ADT/StringSet.h"

#include <cmath>

using namespace mlir;

namespace dlc::onnx_import {
namespace {

constexpr int64_t kMaxInputElements = int64_t(1) << 16;
constexpr int64_t kMaxResultElements = int64_t(1) << 24;

const llvm::StringSet<> &evaluatorOps() {
  static const llvm::StringSet<> ops = {
      "Shape",   "ConstantOfShape", "Range",   "Identity", "Cast",  "Add",
      "Sub",     "Mul",             "Div",     "Equal",    "Less",  "Greater",
      "Where",   "Gather",          "Concat",  "Slice",    "Squeeze", "Unsqueeze",
      "Reshape", "Flatten",         "Expand"};
  return ops;
}

std::vector<int64_t> stridesOf(ArrayRef<int64_t> dims) {
  std::vector<int64_t> strides(dims.size(), 1);
  for (int64_t d = (int64_t)dims.size() - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * dims[d + 1];
  return strides;
}

/// Linear index into a tensor of `inDims` broadcast to `outDims`.
int64_t broadcastIndex(int64_t linear, ArrayRef<int64_t> outDims, ArrayRef<int64_t> inDims) {
  int64_t index = 0, stride = 1, offset = outDims.size() - inDims.size();
  for (int64_t d = (int64_t)outDims.size() - 1; d >= 0; --d) {
    int64_t coord = linear % outDims[d];
    linear /= outDims[d];
    int64_t k = d - offset;
    if (k >= 0) {
      if (inDims[k] != 1)
        index += coord * stride;
      stride *= inDims[k];
    }
  }
  return index;
}

FailureOr<bool> done(GraphImporter &imp, FailureOr<HostTensor> result) {
  if (failed(result))
    return failure();
  if (result->numElements() > kMaxResultElements)
    return imp.fail("the result has " + Twine(result->numElements()) +
                    " elements, too many to compute at compile time");
  imp.setHostOutput(0, std::move(*result));
  return true;
}

/// The broadcast result shape of `ins` when it is small enough to compute
/// here; nullopt sends the node to the dlc op importer instead.
std::optional<Shape> smallBroadcast(ArrayRef<const HostTensor *> ins) {
  Shape dims;
  for (const HostTensor *t : ins) {
    size_t rank = std::max(dims.size(), t->dims.size());
    Shape next(rank);
    for (size_t i = 0; i < rank; ++i) {
      int64_t a = i < rank - dims.size() ? 1 : dims[i - (rank - dims.size())];
      int64_t b = i < rank - t->dims.size() ? 1 : t->dims[i - (rank - t->dims.size())];
      if (a != b && a != 1 && b != 1)
        return dims; // not broadcastable: elementwise() reports it
      next[i] = a == 1 ? b : a;
    }
    dims = std::move(next);
    if (numElements(dims) > kMaxResultElements)
      return std::nullopt;
  }
  return dims;
}

/// Elementwise op over broadcast inputs: `f(out, i, indices)` fills out[i].
template <typename F>
FailureOr<HostTensor> elementwise(GraphImporter &imp, ArrayRef<const HostTensor *> ins,
                                  int dtype, F f) {
  Shape dims;
  for (const HostTensor *t : ins) {
    FailureOr<Shape> b = broadcastShapes(imp, dims, t->dims);
    if (failed(b))
      return failure();
    dims = *b;
  }
  if (numElements(dims) > kMaxResultElements)
    return imp.fail("the result is too large to compute at compile time");
  HostTensor out = HostTensor::zeros(dtype, dims);
  SmallVector<int64_t, 3> idx(ins.size());
  for (int64_t i = 0, n = out.numElements(); i < n; ++i) {
    for (size_t k = 0; k < ins.size(); ++k)
      idx[k] = broadcastIndex(i, dims, ins[k]->dims);
    if (failed(f(out, i, idx)))
      return failure();
  }
  return out;
}

FailureOr<HostTensor> evalArithmetic(GraphImporter &imp, const HostTensor &a,
                                     const HostTensor &b) {
  StringRef op = imp.node->opType;
  FailureOr<HostTensor> out = elementwise(
      imp, {&a, &b}, a.dtype,
      [&](HostTensor &o, int64_t i, ArrayRef<int64_t> j) -> LogicalResult {
        // Unsigned arithmetic wraps instead of overflowing (UB).
        uint64_t x = (uint64_t)a.ints[j[0]], y = (uint64_t)b.ints[j[1]];
        if (op == "Add")
          o.ints[i] = (int64_t)(x + y);
        else if (op == "Sub")
          o.ints[i] = (int64_t)(x - y);
        else if (op == "Mul")
          o.ints[i] = (int64_t)(x * y);
        else if (y == 0)
          return imp.fail("integer division by zero");
        else if (isUnsignedDType(a.dtype)) // values are zero-extended
          o.ints[i] = (int64_t)(x / y);
        else if ((int64_t)x == INT64_MIN && (int64_t)y == -1)
          o.ints[i] = INT64_MIN;
        else
          o.ints[i] = (int64_t)x / (int64_t)y; // truncating, like dlc.div
        return success();
      });
  if (failed(out))
    return failure();
  return castHost(*out, a.dtype); // wrap to the element width
}

FailureOr<HostTensor> evalGather(GraphImporter &imp, const HostTensor &data,
                                 const HostTensor &indices) {
  FailureOr<int64_t> axisAttr = imp.attrInt("axis", 0);
  if (failed(axisAttr))
    return failure();
  FailureOr<int64_t> axis = imp.normalizeAxis(*axisAttr, data.dims.size(), "axis");
  if (failed(axis))
    return failure();
  int64_t dim = data.dims[*axis];
  Shape dims(data.dims.begin(), data.dims.begin() + *axis);
  dims.insert(dims.end(), indices.dims.begin(), indices.dims.end());
  dims.insert(dims.end(), data.dims.begin() + *axis + 1, data.dims.end());
  int64_t outer = numElements(ArrayRef<int64_t>(data.dims).take_front(*axis));
  int64_t inner = numElements(ArrayRef<int64_t>(data.dims).drop_front(*axis + 1));
  int64_t count = indices.numElements();
  HostTensor out = HostTensor::zeros(data.dtype, dims);
  for (int64_t j = 0; j < count; ++j) {
    int64_t index = indices.ints[j];
    if (index < -dim || index >= dim)
      return imp.fail("index " + Twine(index) + " is out of range for dim " + Twine(*axis) +
                      " of size " + Twine(dim));
    if (index < 0)
      index += dim;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t k = 0; k < inner; ++k)
        out.copyElement((o * count + j) * inner + k, data, (o * dim + index) * inner + k);
  }
  return out;
}

FailureOr<HostTensor> evalConcat(GraphImporter &imp, ArrayRef<const HostTensor *> ins) {
  FailureOr<int64_t> axisAttr = imp.attrInt("axis");
  if (failed(axisAttr))
    return failure();
  const HostTensor &first = *ins[0];
  FailureOr<int64_t> axis = imp.normalizeAxis(*axisAttr, first.dims.size(), "axis");
  if (failed(axis))
    return failure();
  Shape dims = first.dims;
  dims[*axis] = 0;
  for (const HostTensor *t : ins) {
    bool same = t->dims.size() == first.dims.size() && t->dtype == first.dtype;
    for (size_t d = 0; same && d < dims.size(); ++d)
      same = (int64_t)d == *axis || t->dims[d] == first.dims[d];
    if (!same)
      return imp.fail("inputs " + formatShape(first.dims) + " (" + dtypeName(first.dtype) +
                      ") and " + formatShape(t->dims) + " (" + dtypeName(t->dtype) +
                      ") cannot be concatenated along axis " + Twine(*axis));
    dims[*axis] += t->dims[*axis];
  }
  int64_t outer = numElements(ArrayRef<int64_t>(dims).take_front(*axis));
  int64_t inner = numElements(ArrayRef<int64_t>(dims).drop_front(*axis + 1));
  HostTensor out = HostTensor::zeros(first.dtype, dims);
  int64_t pos = 0;
  for (int64_t o = 0; o < outer; ++o)
    for (const HostTensor *t : ins) {
      int64_t chunk = t->dims[*axis] * inner;
      for (int64_t k = 0; k < chunk; ++k)
        out.copyElement(pos++, *t, o * chunk + k);
    }
  return out;
}

FailureOr<HostTensor> evalSlice(GraphImporter &imp, const HostTensor &data) {
  FailureOr<SliceParams> p = sliceParams(imp, data.dims);
  if (failed(p))
    return failure();
  HostTensor out = HostTensor::zeros(data.dtype, p->sizes);
  std::vector<int64_t> inStrides = stridesOf(data.dims);
  for (int64_t i = 0, n = out.numElements(); i < n; ++i) {
    int64_t rem = i, src = 0;
    for (int64_t d = (int64_t)p->sizes.size() - 1; d >= 0; --d) {
      int64_t coord = rem % p->sizes[d];
      rem /= p->sizes[d];
      src += (p->starts[d] + coord * p->steps[d]) * inStrides[d];
    }
    out.copyElement(i, data, src);
  }
  return out;
}

FailureOr<bool> evalShape(GraphImporter &imp) {
  std::optional<Shape> shape = imp.inputShape(0);
  if (!shape)
    return imp.fail("missing input 0");
  int64_t rank = shape->size();
  FailureOr<int64_t> start = imp.attrInt("start", 0), end = imp.attrInt("end", rank);
  if (failed(start) || failed(end))
    return failure();
  auto clampIndex = [&](int64_t v) {
    if (v < 0)
      v += rank;
    return std::clamp<int64_t>(v, 0, rank);
  };
  int64_t s = clampIndex(*start), e = clampIndex(*end);
  HostTensor out;
  out.dtype = kInt64;
  if (e > s)
    out.ints.assign(shape->begin() + s, shape->begin() + e);
  out.dims = {(int64_t)out.ints.size()};
  imp.setHostOutput(0, std::move(out));
  return true;
}

FailureOr<HostTensor> evalConstantOfShape(GraphImporter &imp, const HostTensor &shape) {
  if (shape.isFloat())
    return imp.fail("input 0 ('input') must be an int64 tensor");
  HostTensor value;
  value.dtype = kFloat;
  value.floats = {0.0};
  if (const Attribute *attr = imp.node->attribute("value")) {
    if (attr->kind != Attribute::Tensor || !attr->tensor)
      return imp.fail("attribute 'value' must be a tensor");
    if (!attr->tensor->error.empty())
      return imp.fail("attribute 'value' " + attr->tensor->error);
    if (attr->tensor->numElements != 1)
      return imp.fail("attribute 'value' must have one element");
    value = tensorToHost(*attr->tensor);
  }
  int64_t n = 1;
  for (int64_t d : shape.ints)
    if (d < 0 || __builtin_mul_overflow(n, d, &n) || n > kMaxResultElements)
      return imp.fail("shape " + formatShape(shape.ints) +
                      " is negative or too large to build at compile time");
  HostTensor out = HostTensor::zeros(value.dtype, shape.ints);
  for (int64_t i = 0; i < n; ++i)
    out.copyElement(i, value, 0);
  return out;
}

FailureOr<HostTensor> evalRange(GraphImporter &imp, ArrayRef<const HostTensor *> ins) {
  for (int i = 0; i < 3; ++i)
    if (ins[i]->numElements() != 1)
      return imp.fail("start, limit and delta must be scalars");
  const HostTensor &start = *ins[0];
  HostTensor out;
  out.dtype = start.dtype;
  if (start.isFloat()) {
    double s = start.floats[0], l = ins[1]->asDouble(0), d = ins[2]->asDouble(0);
    if (d == 0 || !std::isfinite(s) || !std::isfinite(l) || !std::isfinite(d))
      return imp.fail("delta must be non-zero and all bounds finite");
    double count = std::max(std::ceil((l - s) / d), 0.0);
    if (count > (double)kMaxResultElements)
      return imp.fail("the range is too large to build at compile time");
    for (int64_t i = 0; i < (int64_t)count; ++i)
      out.floats.push_back(s + (double)i * d);
    out.dims = {(int64_t)count};
    return castHost(out, start.dtype); // round to the element type
  }
  int64_t s = start.ints[0], l = ins[1]->asInt(0), d = ins[2]->asInt(0);
  if (d == 0)
    return imp.fail("delta must be non-zero");
  // Count in floating point to stay clear of overflow on extreme bounds.
  double count = std::max(std::ceil(((double)l - (double)s) / (double)d), 0.0);
  if (count > (double)kMaxResultElements)
    return imp.fail("the range is too large to build at compile time");
  for (int64_t i = 0; i < (int64_t)count; ++i)
    out.ints.push_back(s + i * d);
  out.dims = {(int64_t)count};
  return out;
}

/// Reshape-like ops move no data: same values, new dims.
FailureOr<HostTensor> withShape(FailureOr<Shape> shape, const HostTensor &data) {
  if (failed(shape))
    return failure();
  HostTensor out = data;
  out.dims = *shape;
  return out;
}

} // namespace

bool isEvaluatorOnlyOp(StringRef opType) {
  return opType == "Shape" || opType == "ConstantOfShape" || opType == "Range";
}

FailureOr<bool> evaluateOnHost(GraphImporter &imp) {
  StringRef op = imp.node->opType;
  if (!evaluatorOps().contains(op))
    return false;
  if (op == "Shape")
    return evalShape(imp);

  // Every given input must be a small compile-time constant.
  SmallVector<const HostTensor *> ins(imp.numInputs(), nullptr);
  for (size_t i = 0; i < imp.numInputs(); ++i) {
    if (!imp.hasInput(i))
      continue;
    std::optional<Shape> shape = imp.inputShape(i);
    const HostTensor *host = nullptr;
    if (shape && numElements(*shape) <= kMaxInputElements) {
      FailureOr<const HostTensor *> h = imp.hostInput(i);
      if (failed(h))
        return failure();
      host = *h;
    }
    if (!host) {
      if (isEvaluatorOnlyOp(op))
        return imp.fail("input " + Twine(i) + " ('" + imp.node->inputs[i] +
                        "') must be a compile-time constant: dlc computes " + op +
                        " only at compile time");
      return false;
    }
    ins[i] = host;
  }
  auto has = [&](size_t i) { return i < ins.size() && ins[i]; };
  if (!has(0))
    return op == "ConstantOfShape" || op == "Range" ? FailureOr<bool>(imp.fail("missing input 0"))
                                                    : FailureOr<bool>(false);
  const HostTensor &x = *ins[0];

  if (op == "Identity")
    return done(imp, x);
  if (op == "Cast") {
    FailureOr<int64_t> to = imp.attrInt("to");
    if (failed(to))
      return failure();
    if (!isSupportedDType((int)*to))
      return false; // the op importer reports it
    return done(imp, castHost(x, (int)*to));
  }
  if (op == "ConstantOfShape")
    return done(imp, evalConstantOfShape(imp, x));
  if (op == "Range") {
    if (!has(1) || !has(2))
      return imp.fail("Range needs start, limit and delta");
    return done(imp, evalRange(imp, ins));
  }
  if (op == "Concat") {
    for (const HostTensor *t : ins)
      if (!t)
        return false;
    return done(imp, evalConcat(imp, ins));
  }
  if (op == "Slice")
    return done(imp, evalSlice(imp, x));
  if (op == "Reshape")
    return done(imp, withShape(reshapeResult(imp, x.dims), x));
  if (op == "Flatten")
    return done(imp, withShape(flattenResult(imp, x.dims), x));
  if (op == "Squeeze")
    return done(imp, withShape(squeezeResult(imp, x.dims), x));
  if (op == "Unsqueeze")
    return done(imp, withShape(unsqueezeResult(imp, x.dims), x));
  if (op == "Expand") {
    FailureOr<Shape> shape = expandResult(imp, x.dims);
    if (failed(shape))
      return failure();
    if (numElements(*shape) > kMaxResultElements)
      return false; // a dlc.expand instead
    HostTensor shapeOnly = HostTensor::zeros(x.dtype, *shape);
    return done(imp, elementwise(imp, {&x, &shapeOnly}, x.dtype,
                                 [&](HostTensor &o, int64_t i, ArrayRef<int64_t> j) {
                                   o.copyElement(i, x, j[0]);
                                   return success();
                                 }));
  }

  if (!has(1))
    return false;
  const HostTensor &y = *ins[1];
  if (op == "Gather") {
    // numel(data) * numel(indices) bounds the result size.
    if (y.isFloat() || x.numElements() * y.numElements() > kMaxResultElements)
      return false;
    return done(imp, evalGather(imp, x, y));
  }
  if (!smallBroadcast(ins.size() > 2 && ins[2] ? ArrayRef<const HostTensor *>(ins).take_front(3)
                                                : ArrayRef<const HostTensor *>(ins).take_front(2)))
    return false;
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
    if (x.isFloat() || x.dtype != y.dtype || x.dtype == kBool)
      return false; // float math and type errors go to the dlc op / importer
    return done(imp, evalArithmetic(imp, x, y));
  }
  if (op == "Equal" || op == "Less" || op == "Greater") {
    if (x.dtype != y.dtype)
      return false; // the op importer reports the mismatch
    // Compare as double for floats, as (u)int64 for integers (exact).
    auto compare = [&](auto a, auto b) -> int64_t {
      return op == "Equal" ? a == b : op == "Less" ? a < b : a > b;
    };
    bool isUnsigned = isUnsignedDType(x.dtype);
    return done(imp, elementwise(imp, {&x, &y}, kBool,
                                 [&](HostTensor &o, int64_t i, ArrayRef<int64_t> j) {
                                   int64_t a = j[0], b = j[1];
                                   o.ints[i] =
                                       x.isFloat() ? compare(x.floats[a], y.floats[b])
                                       : isUnsigned
                                           ? compare((uint64_t)x.ints[a], (uint64_t)y.ints[b])
                                           : compare(x.ints[a], y.ints[b]);
                                   return success();
                                 }));
  }
  if (op == "Where") {
    if (!has(2) || x.dtype != kBool || y.dtype != ins[2]->dtype)
      return false;
    const HostTensor &z = *ins[2];
    return done(imp, elementwise(imp, {&x, &y, &z}, y.dtype,
                                 [&](HostTensor &o, int64_t i, ArrayRef<int64_t> j) {
                                   o.copyElement(i, x.ints[j[0]] ? y : z, x.ints[j[0]] ? j[1]
                                                                                      : j[2]);
                                   return success();
                                 }));
  }
  return false;
}

} // namespace dlc::onnx_import
