//===- OpsNN.cpp - matmul, gemm, conv, pooling, softmax -------------------===//
#include "frontend/onnx/GraphImporter.h"
#include "frontend/onnx/ShapeComputation.h"

using namespace mlir;

namespace dlc::onnx_import {
namespace {

template <typename T>
LogicalResult setResult(GraphImporter &imp, FailureOr<T> result) {
  if (failed(result))
    return failure();
  imp.setOutput(0, *result);
  return success();
}

LogicalResult importMatMul(GraphImporter &imp) {
  FailureOr<Value> a = imp.input(0), b = failed(a) ? a : imp.input(1);
  if (failed(b))
    return failure();
  return setResult(imp, imp.createInferred<dlc::MatMulOp>(*a, *b));
}

LogicalResult importGemm(GraphImporter &imp) {
  FailureOr<Value> a = imp.input(0), b = failed(a) ? a : imp.input(1);
  FailureOr<Value> c = failed(b) ? b : imp.optionalInput(2);
  FailureOr<float> alpha = imp.attrFloat("alpha", 1.0f), beta = imp.attrFloat("beta", 1.0f);
  FailureOr<int64_t> transA = imp.attrInt("transA", 0), transB = imp.attrInt("transB", 0);
  if (failed(c) || failed(alpha) || failed(beta) || failed(transA) || failed(transB) ||
      failed(imp.requireFloat(*a, "A")))
    return failure();
  OpBuilder &b_ = imp.builder;
  return setResult(imp, imp.createInferred<dlc::GemmOp>(
                            *a, *b, *c, b_.getF32FloatAttr(*alpha), b_.getF32FloatAttr(*beta),
                            b_.getBoolAttr(*transA != 0), b_.getBoolAttr(*transB != 0)));
}

/// Window attributes of Conv/MaxPool/AveragePool with auto_pad resolved
/// into explicit pads (begin pads of every spatial dim, then end pads).
struct Window {
  std::vector<int64_t> kernel, strides, pads, dilations;
};

FailureOr<Window> windowAttrs(GraphImporter &imp, ArrayRef<int64_t> inputShape,
                              std::vector<int64_t> kernel) {
  int64_t spatial = (int64_t)inputShape.size() - 2;
  if (spatial < 1)
    return imp.fail("input needs rank >= 3 (N, C, spatial...), got " + formatShape(inputShape));
  if ((int64_t)kernel.size() != spatial)
    return imp.fail("kernel_shape " + formatShape(kernel) + " needs " + Twine(spatial) +
                    " entries");
  Window w;
  w.kernel = std::move(kernel);
  std::vector<int64_t> ones(spatial, 1), zeros(2 * spatial, 0);
  FailureOr<std::vector<int64_t>> strides = imp.attrInts("strides", ones);
  FailureOr<std::vector<int64_t>> dilations = imp.attrInts("dilations", ones);
  FailureOr<std::vector<int64_t>> pads = imp.attrInts("pads", zeros);
  FailureOr<std::string> autoPad = imp.attrString("auto_pad", std::string("NOTSET"));
  if (failed(strides) || failed(dilations) || failed(pads) || failed(autoPad))
    return failure();
  // Empty lists mean the defaults (some exporters write them).
  w.strides = strides->empty() ? ones : *strides;
  w.dilations = dilations->empty() ? ones : *dilations;
  w.pads = pads->empty() ? zeros : *pads;
  if ((int64_t)w.strides.size() != spatial || (int64_t)w.dilations.size() != spatial)
    return imp.fail("strides " + formatShape(w.strides) + " and dilations " +
                    formatShape(w.dilations) + " need " + Twine(spatial) + " entries");
  if ((int64_t)w.pads.size() != 2 * spatial)
    return imp.fail("pads " + formatShape(w.pads) + " needs " + Twine(2 * spatial) + " entries");
  // Bounded so the window arithmetic below cannot overflow.
  constexpr int64_t kLimit = int64_t(1) << 31;
  for (int64_t i = 0; i < spatial; ++i) {
    if (w.strides[i] <= 0 || w.dilations[i] <= 0 || w.kernel[i] <= 0)
      return imp.fail("strides, dilations and kernel_shape must be positive");
    if (w.strides[i] > kLimit || w.dilations[i] > kLimit || w.kernel[i] > kLimit ||
        std::abs(w.pads[i]) > kLimit || std::abs(w.pads[i + spatial]) > kLimit)
      return imp.fail("window attributes are too large");
  }

  const std::string &mode = *autoPad;
  if (mode == "VALID") {
    w.pads = zeros;
  } else if (mode == "SAME_UPPER" || mode == "SAME_LOWER") {
    // Output size ceil(in / stride); the extra pad goes at the end (UPPER)
    // or the beginning (LOWER).
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t in = inputShape[i + 2], stride = w.strides[i];
      int64_t out = (in + stride - 1) / stride;
      int64_t span = (w.kernel[i] - 1) * w.dilations[i] + 1;
      int64_t total = std::max<int64_t>(0, (out - 1) * stride + span - in);
      int64_t small = total / 2, large = total - small;
      w.pads[i] = mode == "SAME_UPPER" ? small : large;
      w.pads[i + spatial] = mode == "SAME_UPPER" ? large : small;
    }
  } else if (mode != "NOTSET") {
    return imp.fail("attribute 'auto_pad' has unknown value \"" + mode + "\"");
  }
  return w;
}

} // namespace

/// A dlc.conv of the current node's attributes (Conv, QLinearConv).
FailureOr<Value> buildConv(GraphImporter &imp, Value x, Value w, Value bias) {
  FailureOr<int64_t> group = imp.attrInt("group", 1);
  if (failed(group))
    return failure();
  auto xType = GraphImporter::typeOf(x), wType = GraphImporter::typeOf(w);
  if (wType.getRank() != xType.getRank() || wType.getRank() < 3)
    return imp.fail("weight " + formatShape(wType.getShape()) + " must have the rank of X " +
                    formatShape(xType.getShape()) + " (>= 3)");
  std::vector<int64_t> kernel(wType.getShape().drop_front(2));
  if (imp.hasAttr("kernel_shape")) {
    FailureOr<std::vector<int64_t>> attr = imp.attrInts("kernel_shape");
    if (failed(attr))
      return failure();
    if (*attr != kernel)
      return imp.fail("kernel_shape " + formatShape(*attr) + " differs from the weight's " +
                      formatShape(kernel));
  }
  FailureOr<Window> win = windowAttrs(imp, xType.getShape(), kernel);
  if (failed(win))
    return failure();
  OpBuilder &b = imp.builder;
  return imp.createInferred<dlc::ConvOp>(x, w, bias, b.getDenseI64ArrayAttr(win->strides),
                                         b.getDenseI64ArrayAttr(win->pads),
                                         b.getDenseI64ArrayAttr(win->dilations),
                                         b.getI64IntegerAttr(*group));
}

namespace {

LogicalResult importConv(GraphImporter &imp) {
  FailureOr<Value> x = imp.input(0), w = failed(x) ? x : imp.input(1);
  FailureOr<Value> bias = failed(w) ? w : imp.optionalInput(2);
  if (failed(bias) || failed(imp.requireFloat(*x, "X")))
    return failure();
  return setResult(imp, buildConv(imp, *x, *w, *bias));
}

template <bool IsMax>
LogicalResult importPool(GraphImporter &imp) {
  FailureOr<Value> x = imp.input(0);
  FailureOr<std::vector<int64_t>> kernel = imp.attrInts("kernel_shape");
  FailureOr<int64_t> ceilMode = imp.attrInt("ceil_mode", 0);
  if (failed(x) || failed(kernel) || failed(ceilMode))
    return failure();
  if (IsMax && failed(imp.requireUnusedOutputs(1, "MaxPool Indices are not supported")))
    return failure();
  FailureOr<Window> win = windowAttrs(imp, GraphImporter::typeOf(*x).getShape(), *kernel);
  if (failed(win))
    return failure();
  OpBuilder &b = imp.builder;
  auto k = b.getDenseI64ArrayAttr(win->kernel), s = b.getDenseI64ArrayAttr(win->strides),
       p = b.getDenseI64ArrayAttr(win->pads), d = b.getDenseI64ArrayAttr(win->dilations);
  if constexpr (IsMax) {
    return setResult(imp, imp.createInferred<dlc::MaxPoolOp>(*x, k, s, p, d,
                                                             b.getBoolAttr(*ceilMode != 0)));
  } else {
    FailureOr<int64_t> includePad = imp.attrInt("count_include_pad", 0);
    if (failed(includePad) || failed(imp.requireFloat(*x, "X")))
      return failure();
    return setResult(imp, imp.createInferred<dlc::AvgPoolOp>(
                              *x, k, s, p, d, b.getBoolAttr(*ceilMode != 0),
                              b.getBoolAttr(*includePad != 0)));
  }
}

LogicalResult importGlobalAveragePool(GraphImporter &imp) {
  FailureOr<Value> x = imp.input(0);
  if (failed(x) || failed(imp.requireFloat(*x, "X")))
    return failure();
  return setResult(imp, imp.createInferred<dlc::GlobalAvgPoolOp>(*x));
}

/// Softmax/LogSoftmax. Before opset 13 the input is coerced to 2-D at
/// `axis` (default 1) and normalized over the whole second part.
template <typename OpTy>
LogicalResult importSoftmax(GraphImporter &imp) {
  FailureOr<Value> x = imp.input(0);
  bool legacy = imp.opset < 13;
  FailureOr<int64_t> axis = imp.attrInt("axis", legacy ? 1 : -1);
  if (failed(x) || failed(axis) || failed(imp.requireFloat(*x, "input")))
    return failure();
  auto type = GraphImporter::typeOf(*x);
  FailureOr<int64_t> a = imp.normalizeAxis(*axis, type.getRank(), "axis");
  if (failed(a))
    return failure();
  OpBuilder &b = imp.builder;
  if (!legacy || *a == type.getRank() - 1) {
    // Legacy form on the last axis coerces to [rows, last]: same result.
    imp.setOutput(0, OpTy::create(b, imp.loc, type, *x, b.getI64IntegerAttr(*a)));
    return success();
  }
  ArrayRef<int64_t> shape = type.getShape();
  Value flat = imp.reshape(*x, {numElements(shape.take_front(*a)),
                                numElements(shape.drop_front(*a))});
  Value y = OpTy::create(b, imp.loc, flat.getType(), flat, b.getI64IntegerAttr(1));
  imp.setOutput(0, imp.reshape(y, shape));
  return success();
}

} // namespace

void addNNImporters(llvm::StringMap<OpImportFn> &t) {
  t["MatMul"] = importMatMul;
  t["Gemm"] = importGemm;
  t["Conv"] = importConv;
  t["MaxPool"] = importPool<true>;
  t["AveragePool"] = importPool<false>;
  t["GlobalAveragePool"] = importGlobalAveragePool;
  t["Softmax"] = importSoftmax<dlc::SoftmaxOp>;
  t["LogSoftmax"] = importSoftmax<dlc::LogSoftmaxOp>;
}

} // namespace dlc::onnx_import
