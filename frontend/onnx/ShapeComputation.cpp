//===- ShapeComputation.cpp - result shapes of ONNX shape ops -------------===//
#include "frontend/onnx/ShapeComputation.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>

using namespace mlir;

namespace dlc::onnx_import {

int64_t numElements(ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    if (__builtin_mul_overflow(n, d, &n))
      return INT64_MAX;
  return n;
}

std::string checkTensorSize(ArrayRef<int64_t> dims, unsigned elementBits) {
  int64_t bytes = std::max<int64_t>(1, elementBits / 8);
  for (int64_t d : dims)
    if (d > 0 && (__builtin_mul_overflow(bytes, d, &bytes) || bytes > kMaxTensorBytes))
      return "is too large: " + formatShape(dims) + " needs more than 2^47 bytes";
  return "";
}

std::string formatShape(ArrayRef<int64_t> dims) {
  return "[" + llvm::join(llvm::map_range(dims, [](int64_t d) { return std::to_string(d); }), ",") +
         "]";
}

FailureOr<Shape> broadcastShapes(GraphImporter &imp, ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return imp.fail("shapes " + formatShape(a) + " and " + formatShape(b) +
                      " do not broadcast");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

/// Product with an overflow check, for shapes taken from model constants.
static FailureOr<int64_t> checkedProduct(GraphImporter &imp, ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    if (__builtin_mul_overflow(n, d, &n))
      return imp.fail("shape " + formatShape(dims) + " has too many elements");
  return n;
}

FailureOr<Shape> reshapeResult(GraphImporter &imp, ArrayRef<int64_t> in) {
  FailureOr<std::vector<int64_t>> shape = imp.constantInts(1, "shape");
  FailureOr<int64_t> allowZero = imp.attrInt("allowzero", 0);
  if (failed(shape) || failed(allowZero))
    return failure();
  Shape out = *shape;
  int64_t inferred = -1;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == 0 && !*allowZero) {
      if (i >= in.size())
        return imp.fail("shape[" + Twine(i) + "] = 0 copies input dim " + Twine(i) +
                        ", but the input " + formatShape(in) + " has rank " + Twine(in.size()));
      out[i] = in[i];
    } else if (out[i] == -1) {
      if (inferred >= 0)
        return imp.fail("shape " + formatShape(*shape) + " has more than one -1");
      inferred = (int64_t)i;
    } else if (out[i] < -1) {
      return imp.fail("shape[" + Twine(i) + "] = " + Twine(out[i]) + " is invalid");
    }
  }
  int64_t total = numElements(in), known = 1;
  for (size_t i = 0; i < out.size(); ++i)
    if ((int64_t)i != inferred && __builtin_mul_overflow(known, out[i], &known))
      return imp.fail("shape " + formatShape(*shape) + " has too many elements");
  if (inferred >= 0) {
    if (known == 0 || total % known != 0)
      return imp.fail("cannot reshape " + formatShape(in) + " to " + formatShape(*shape) +
                      ": the -1 dim cannot be inferred");
    out[inferred] = total / known;
  } else if (known != total) {
    return imp.fail("cannot reshape " + formatShape(in) + " (" + Twine(total) +
                    " elements) to " + formatShape(out) + " (" + Twine(known) + " elements)");
  }
  return out;
}

FailureOr<Shape> flattenResult(GraphImporter &imp, ArrayRef<int64_t> in) {
  int64_t rank = in.size();
  FailureOr<int64_t> axis = imp.attrInt("axis", 1);
  if (failed(axis))
    return failure();
  // Flatten accepts axis == rank (everything in the first dim).
  int64_t a = *axis < 0 ? *axis + rank : *axis;
  if (a < 0 || a > rank)
    return imp.fail("axis " + Twine(*axis) + " is out of range for rank " + Twine(rank));
  return Shape{numElements(in.take_front(a)), numElements(in.drop_front(a))};
}

/// Axes of Squeeze/Unsqueeze/Reduce*: the input when given, else the
/// attribute (older opsets). Returns nullopt when neither is present.
static FailureOr<std::optional<Shape>> axesOperand(GraphImporter &imp, size_t inputIndex) {
  if (imp.hasInput(inputIndex)) {
    FailureOr<std::vector<int64_t>> axes = imp.constantInts(inputIndex, "axes");
    if (failed(axes))
      return failure();
    return std::optional<Shape>(*axes);
  }
  if (imp.hasAttr("axes")) {
    FailureOr<std::vector<int64_t>> axes = imp.attrInts("axes");
    if (failed(axes))
      return failure();
    return std::optional<Shape>(*axes);
  }
  return std::optional<Shape>();
}

FailureOr<Shape> squeezeResult(GraphImporter &imp, ArrayRef<int64_t> in) {
  FailureOr<std::optional<Shape>> axes = axesOperand(imp, 1);
  if (failed(axes))
    return failure();
  Shape out;
  if (!*axes) {
    for (int64_t d : in)
      if (d != 1)
        out.push_back(d);
    return out;
  }
  FailureOr<SmallVector<int64_t>> norm = imp.normalizeAxes(**axes, in.size(), "axes");
  if (failed(norm))
    return failure();
  for (int64_t a : *norm)
    if (in[a] != 1)
      return imp.fail("cannot squeeze dim " + Twine(a) + " of size " + Twine(in[a]) +
                      " (input " + formatShape(in) + ")");
  for (int64_t d = 0; d < (int64_t)in.size(); ++d)
    if (!llvm::is_contained(*norm, d))
      out.push_back(in[d]);
  return out;
}

FailureOr<Shape> unsqueezeResult(GraphImporter &imp, ArrayRef<int64_t> in) {
  FailureOr<std::optional<Shape>> axes = axesOperand(imp, 1);
  if (failed(axes))
    return failure();
  if (!*axes)
    return imp.fail(imp.opset >= 13 ? "missing input 1 ('axes')"
                                    : "missing required attribute 'axes'");
  int64_t outRank = in.size() + (*axes)->size();
  FailureOr<SmallVector<int64_t>> norm = imp.normalizeAxes(**axes, outRank, "axes");
  if (failed(norm))
    return failure();
  Shape out;
  size_t next = 0;
  for (int64_t d = 0; d < outRank; ++d)
    out.push_back(llvm::is_contained(*norm, d) ? 1 : in[next++]);
  return out;
}

FailureOr<Shape> expandResult(GraphImporter &imp, ArrayRef<int64_t> in) {
  FailureOr<std::vector<int64_t>> shape = imp.constantInts(1, "shape");
  if (failed(shape))
    return failure();
  for (int64_t d : *shape)
    if (d < 0)
      return imp.fail("shape " + formatShape(*shape) + " has a negative dim");
  if (failed(checkedProduct(imp, *shape)))
    return failure();
  return broadcastShapes(imp, in, *shape);
}

FailureOr<SliceParams> sliceParams(GraphImporter &imp, ArrayRef<int64_t> in) {
  int64_t rank = in.size();
  FailureOr<std::vector<int64_t>> starts = imp.constantInts(1, "starts");
  if (failed(starts))
    return failure();
  FailureOr<std::vector<int64_t>> ends = imp.constantInts(2, "ends");
  if (failed(ends))
    return failure();
  size_t count = starts->size();
  if (ends->size() != count)
    return imp.fail("starts has " + Twine(count) + " entries, ends " + Twine(ends->size()));
  std::vector<int64_t> axes, steps(count, 1);
  if (imp.hasInput(3)) {
    FailureOr<std::vector<int64_t>> a = imp.constantInts(3, "axes");
    if (failed(a))
      return failure();
    axes = *a;
  } else {
    for (size_t i = 0; i < count; ++i)
      axes.push_back((int64_t)i);
  }
  if (imp.hasInput(4)) {
    FailureOr<std::vector<int64_t>> s = imp.constantInts(4, "steps");
    if (failed(s))
      return failure();
    steps = *s;
  }
  if (axes.size() != count || steps.size() != count)
    return imp.fail("starts, ends, axes and steps must have the same length (" + Twine(count) +
                    ", " + Twine(ends->size()) + ", " + Twine(axes.size()) + ", " +
                    Twine(steps.size()) + ")");

  SliceParams p;
  p.starts.assign(rank, 0);
  p.steps.assign(rank, 1);
  p.sizes.assign(in.begin(), in.end());
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < count; ++i) {
    FailureOr<int64_t> axis = imp.normalizeAxis(axes[i], rank, "axis");
    if (failed(axis))
      return failure();
    if (seen[*axis])
      return imp.fail("axes contain dim " + Twine(*axis) + " twice");
    seen[*axis] = true;
    int64_t dim = in[*axis], step = steps[i];
    if (step == 0)
      return imp.fail("step for axis " + Twine(axes[i]) + " is 0");
    // ONNX: negative indices count from the end, then clamp; a negative
    // step may end at -1 (before the first element).
    int64_t start = starts->at(i), end = ends->at(i);
    if (start < 0)
      start = start < -dim ? 0 : start + dim;
    if (end < 0)
      end = end < -dim ? -1 : end + dim;
    // Sizes are ceil(distance / |step|) written as 1 + (distance - 1) /
    // |step| so that huge steps (even INT64_MIN) cannot overflow.
    int64_t size;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      size = end > start ? 1 + (end - start - 1) / step : 0;
    } else {
      start = std::clamp<int64_t>(start, 0, std::max<int64_t>(dim - 1, 0));
      end = std::clamp<int64_t>(end, -1, dim - 1);
      uint64_t magnitude = uint64_t(0) - (uint64_t)step;
      size = start > end ? 1 + (int64_t)((uint64_t)(start - end - 1) / magnitude) : 0;
      if (dim == 0)
        size = 0;
    }
    p.starts[*axis] = size ? start : 0;
    p.steps[*axis] = step;
    p.sizes[*axis] = size;
  }
  return p;
}

FailureOr<Shape> splitSizes(GraphImporter &imp, ArrayRef<int64_t> in, int64_t axis) {
  int64_t dim = in[axis];
  int64_t outputs = imp.node->outputs.size();
  Shape sizes;
  if (imp.hasInput(1)) {
    FailureOr<std::vector<int64_t>> split = imp.constantInts(1, "split");
    if (failed(split))
      return failure();
    sizes = *split;
  } else if (imp.hasAttr("split")) {
    FailureOr<std::vector<int64_t>> split = imp.attrInts("split");
    if (failed(split))
      return failure();
    sizes = *split;
  } else if (imp.hasAttr("num_outputs")) {
    FailureOr<int64_t> n = imp.attrInt("num_outputs");
    if (failed(n))
      return failure();
    if (*n <= 0 || *n != outputs)
      return imp.fail("num_outputs is " + Twine(*n) + " but the node has " + Twine(outputs) +
                      " outputs");
    // Opset 18: ceil(dim / n) each, the last one takes what is left (as
    // the ONNX reference does; it may be empty, but not negative).
    int64_t chunk = (dim + *n - 1) / *n;
    if (chunk * (*n - 1) > dim)
      return imp.fail("cannot split dim " + Twine(axis) + " of size " + Twine(dim) + " into " +
                      Twine(*n) + " chunks of " + Twine(chunk));
    sizes.assign(*n - 1, chunk);
    sizes.push_back(dim - chunk * (*n - 1));
  } else {
    if (outputs == 0 || dim % outputs != 0)
      return imp.fail("dim " + Twine(axis) + " of size " + Twine(dim) +
                      " does not split evenly into " + Twine(outputs) + " outputs");
    sizes.assign(outputs, dim / outputs);
  }
  if ((int64_t)sizes.size() != outputs)
    return imp.fail("split has " + Twine(sizes.size()) + " sizes for " + Twine(outputs) +
                    " outputs");
  int64_t total = 0;
  for (int64_t s : sizes) {
    if (s < 0)
      return imp.fail("split " + formatShape(sizes) + " has a negative size");
    if (__builtin_add_overflow(total, s, &total))
      return imp.fail("split " + formatShape(sizes) + " overflows");
  }
  if (total != dim)
    return imp.fail("split " + formatShape(sizes) + " adds up to " + Twine(total) + ", but dim " +
                    Twine(axis) + " has size " + Twine(dim));
  return sizes;
}

} // namespace dlc::onnx_import
