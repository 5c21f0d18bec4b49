//===- OpsElementwise.cpp - elementwise ops and operator overloads -------===//
#include "frontend/graph/OpsSupport.h"

#include <cmath>

namespace dlc::graph::ops {

using support::scalarLike;
using support::single;

Tensor add(const Tensor &a, const Tensor &b) { return single("Add", "add", {a, b}); }
Tensor sub(const Tensor &a, const Tensor &b) { return single("Sub", "sub", {a, b}); }
Tensor mul(const Tensor &a, const Tensor &b) { return single("Mul", "mul", {a, b}); }
Tensor div(const Tensor &a, const Tensor &b) { return single("Div", "div", {a, b}); }
Tensor pow(const Tensor &base, const Tensor &exponent) {
  return single("Pow", "pow", {base, exponent});
}
Tensor equal(const Tensor &a, const Tensor &b) { return single("Equal", "equal", {a, b}); }
Tensor less(const Tensor &a, const Tensor &b) { return single("Less", "less", {a, b}); }
Tensor greater(const Tensor &a, const Tensor &b) {
  return single("Greater", "greater", {a, b});
}
Tensor where(const Tensor &condition, const Tensor &a, const Tensor &b) {
  return single("Where", "where", {condition, a, b});
}

Tensor sqrt(const Tensor &x) { return single("Sqrt", "sqrt", {x}); }
Tensor exp(const Tensor &x) { return single("Exp", "exp", {x}); }
Tensor log(const Tensor &x) { return single("Log", "log", {x}); }
Tensor neg(const Tensor &x) { return single("Neg", "neg", {x}); }
Tensor abs(const Tensor &x) { return single("Abs", "abs", {x}); }
Tensor reciprocal(const Tensor &x) { return single("Reciprocal", "reciprocal", {x}); }
Tensor erf(const Tensor &x) { return single("Erf", "erf", {x}); }
Tensor relu(const Tensor &x) { return single("Relu", "relu", {x}); }
Tensor leakyRelu(const Tensor &x, float alpha) {
  return single("LeakyRelu", "leakyRelu", {x}, {{"alpha", alpha}});
}
Tensor sigmoid(const Tensor &x) { return single("Sigmoid", "sigmoid", {x}); }
Tensor tanh(const Tensor &x) { return single("Tanh", "tanh", {x}); }

Tensor gelu(const Tensor &x) {
  if (!x.valid())
    throw Error("gelu", "needs an input tensor");
  if (!isFloating(x.dtype()))
    throw Error("gelu", "expects a floating-point tensor, got " + x.type().str());
  Graph graph = x.graph();
  Graph::Scope scope(graph, graph.uniqueLayerName("gelu"));
  Tensor cdf = add(erf(div(x, scalarLike(x, std::sqrt(2.0)))), scalarLike(x, 1.0));
  return mul(mul(x, cdf), scalarLike(x, 0.5));
}

Tensor clip(const Tensor &x, std::optional<double> min, std::optional<double> max) {
  if (!x.valid())
    throw Error("clip", "needs an input tensor");
  Tensor low = min ? scalarLike(x, *min) : Tensor();
  Tensor high = max ? scalarLike(x, *max) : Tensor();
  return single("Clip", "clip", {x, low, high});
}

Tensor softmax(const Tensor &x, int64_t axis) {
  return single("Softmax", "softmax", {x}, {{"axis", axis}});
}
Tensor logSoftmax(const Tensor &x, int64_t axis) {
  return single("LogSoftmax", "logSoftmax", {x}, {{"axis", axis}});
}
Tensor identity(const Tensor &x) { return single("Identity", "identity", {x}); }

Tensor dropout(const Tensor &x, float ratio) {
  if (!x.valid())
    throw Error("dropout", "needs an input tensor");
  if (ratio < 0.0f || ratio >= 1.0f)
    throw Error("dropout", "ratio must be in [0, 1), got " + std::to_string(ratio));
  return single("Dropout", "dropout", {x, x.graph().scalar(ratio)});
}

Tensor cast(const Tensor &x, DType to) {
  return single("Cast", "cast", {x}, {{"to", int64_t(to)}});
}

} // namespace dlc::graph::ops

namespace dlc::graph {

using ops::support::scalarLike;

Tensor operator+(const Tensor &a, const Tensor &b) { return ops::add(a, b); }
Tensor operator-(const Tensor &a, const Tensor &b) { return ops::sub(a, b); }
Tensor operator*(const Tensor &a, const Tensor &b) { return ops::mul(a, b); }
Tensor operator/(const Tensor &a, const Tensor &b) { return ops::div(a, b); }
Tensor operator-(const Tensor &x) { return ops::neg(x); }
Tensor operator+(const Tensor &a, double b) { return ops::add(a, scalarLike(a, b)); }
Tensor operator-(const Tensor &a, double b) { return ops::sub(a, scalarLike(a, b)); }
Tensor operator*(const Tensor &a, double b) { return ops::mul(a, scalarLike(a, b)); }
Tensor operator/(const Tensor &a, double b) { return ops::div(a, scalarLike(a, b)); }
Tensor operator+(double a, const Tensor &b) { return ops::add(scalarLike(b, a), b); }
Tensor operator-(double a, const Tensor &b) { return ops::sub(scalarLike(b, a), b); }
Tensor operator*(double a, const Tensor &b) { return ops::mul(scalarLike(b, a), b); }
Tensor operator/(double a, const Tensor &b) { return ops::div(scalarLike(b, a), b); }

} // namespace dlc::graph
