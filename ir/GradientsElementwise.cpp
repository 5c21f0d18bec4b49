//===- GradientsElementwise.cpp - VJP rules of elementwise ops ------------===//
//
// Unary rules reuse the forward result where that is cheaper than the input
// (exp, sigmoid, tanh, sqrt, reciprocal). Binary rules undo broadcasting
// with sumToShape. Derivatives at kinks follow PyTorch: relu'(0) = 0,
// leaky_relu'(0) = 1 (ONNX takes x for x >= 0), clip passes the gradient for
// min <= x <= max, abs'(0) = 1.
//===----------------------------------------------------------------------===//
#include "ir/GradientUtils.h"
#include "ir/Interfaces.h"

#include <cmath>

using namespace mlir;
using namespace dlc;
using namespace dlc::grad;

using Grads = FailureOr<SmallVector<Value>>;

static Grads one(Value g) { return SmallVector<Value>{g}; }

Grads IdentityOp::buildVJP(OpBuilder &, ArrayRef<Value> gs, ArrayRef<bool>) { return one(gs[0]); }
Grads DropoutOp::buildVJP(OpBuilder &, ArrayRef<Value> gs, ArrayRef<bool>) { return one(gs[0]); }

Grads SqrtOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  Emit e{b, getLoc()};
  return one(e.div(e.scale(gs[0], 0.5), getOutput()));
}

Grads ExpOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  return one(Emit{b, getLoc()}.mul(gs[0], getOutput()));
}

Grads LogOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  return one(Emit{b, getLoc()}.div(gs[0], getInput()));
}

Grads NegOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  return one(Emit{b, getLoc()}.neg(gs[0]));
}

Grads AbsOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  Emit e{b, getLoc()};
  return one(e.select(e.less(getInput(), e.scalar(getInput(), 0)), e.neg(gs[0]), gs[0]));
}

Grads ReciprocalOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  Emit e{b, getLoc()};
  Value y = getOutput();
  return one(e.neg(e.mul(gs[0], e.mul(y, y))));
}

Grads ReluOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  Emit e{b, getLoc()};
  Value x = getInput();
  return one(e.select(e.greater(x, e.scalar(x, 0)), gs[0], e.scalar(x, 0)));
}

Grads SigmoidOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  Emit e{b, getLoc()};
  Value y = getOutput();
  return one(e.mul(gs[0], e.mul(y, e.sub(e.scalar(y, 1), y))));
}

Grads TanhOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  Emit e{b, getLoc()};
  Value y = getOutput();
  return one(e.mul(gs[0], e.sub(e.scalar(y, 1), e.mul(y, y))));
}

Grads ErfOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  Emit e{b, getLoc()};
  Value x = getInput();
  Value density = e.exp(e.neg(e.mul(x, x)));
  return one(e.mul(gs[0], e.scale(density, 2.0 / std::sqrt(M_PI))));
}

Grads LeakyReluOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  Emit e{b, getLoc()};
  Value x = getInput();
  double alpha = getAlpha().convertToFloat();
  return one(e.select(e.less(x, e.scalar(x, 0)), e.scale(gs[0], alpha), gs[0]));
}

Grads GeluOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  Emit e{b, getLoc()};
  Value x = getInput();
  Value one_ = e.scalar(x, 1), half = e.scalar(x, 0.5);
  Value derivative;
  if (getApproximate() == "tanh") {
    // u = c (x + k x^3), y = x/2 (1 + tanh u):
    // y' = (1 + t)/2 + x/2 (1 - t^2) c (1 + 3k x^2)
    const double c = std::sqrt(2.0 / M_PI), k = 0.044715;
    Value x2 = e.mul(x, x);
    Value t = TanhOp::create(b, getLoc(), e.scale(e.add(x, e.scale(e.mul(x2, x), k)), c));
    Value du = e.scale(e.add(one_, e.scale(x2, 3 * k)), c);
    derivative = e.add(e.mul(half, e.add(one_, t)),
                       e.mul(e.mul(half, x), e.mul(e.sub(one_, e.mul(t, t)), du)));
  } else {
    // y = x Phi(x): y' = Phi(x) + x phi(x)
    Value cdf = e.mul(half, e.add(one_, ErfOp::create(b, getLoc(), e.scale(x, M_SQRT1_2))));
    Value pdf = e.scale(e.exp(e.scale(e.mul(x, x), -0.5)), 1.0 / std::sqrt(2 * M_PI));
    derivative = e.add(cdf, e.mul(x, pdf));
  }
  return one(e.mul(gs[0], derivative));
}

Grads ClipOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  Emit e{b, getLoc()};
  Value x = getInput(), g = gs[0], zero = e.scalar(x, 0);
  if (auto min = getMin())
    g = e.select(e.less(x, e.scalar(x, min->convertToDouble())), zero, g);
  if (auto max = getMax())
    g = e.select(e.greater(x, e.scalar(x, max->convertToDouble())), zero, g);
  return one(g);
}

Grads CastOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  // Only float -> float casts carry a gradient; integer results are
  // non-differentiable (the pass never asks for their gradient).
  Type in = typeOf(getInput()).getElementType();
  if (!isa<FloatType>(in) || !isa<FloatType>(typeOf(getOutput()).getElementType()))
    return one(Value());
  return one(CastOp::create(b, getLoc(), getInput().getType(), gs[0]));
}

/// Gradients of a broadcasting binary op from the full-shape contributions.
static Grads unbroadcast(OpBuilder &b, Location loc, Value lhs, Value rhs, Value dl, Value dr) {
  SmallVector<Value> out{dl ? sumToShape(b, loc, dl, typeOf(lhs)) : Value(),
                         dr ? sumToShape(b, loc, dr, typeOf(rhs)) : Value()};
  return out;
}

Grads AddOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool>) {
  return unbroadcast(b, getLoc(), getLhs(), getRhs(), gs[0], gs[0]);
}

Grads SubOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool> needed) {
  Emit e{b, getLoc()};
  return unbroadcast(b, getLoc(), getLhs(), getRhs(), gs[0], needed[1] ? e.neg(gs[0]) : Value());
}

Grads MulOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool> needed) {
  Emit e{b, getLoc()};
  return unbroadcast(b, getLoc(), getLhs(), getRhs(),
                     needed[0] ? e.mul(gs[0], getRhs()) : Value(),
                     needed[1] ? e.mul(gs[0], getLhs()) : Value());
}

Grads DivOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool> needed) {
  if (!isa<FloatType>(typeOf(getOutput()).getElementType()))
    return SmallVector<Value>{Value(), Value()};
  Emit e{b, getLoc()};
  // d(l/r)/dr = -(l/r)/r
  return unbroadcast(b, getLoc(), getLhs(), getRhs(),
                     needed[0] ? e.div(gs[0], getRhs()) : Value(),
                     needed[1] ? e.neg(e.div(e.mul(gs[0], getOutput()), getRhs())) : Value());
}

Grads PowOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool> needed) {
  Emit e{b, getLoc()};
  Value x = getLhs(), p = getRhs(), g = gs[0];
  Value dx, dp;
  if (needed[0]) {
    // p * x^(p-1); the exponent may be of another float type than the base.
    Value pAsX = typeOf(p).getElementType() == typeOf(x).getElementType()
                     ? p
                     : CastOp::create(b, getLoc(), typeOf(p).clone(typeOf(x).getElementType()), p);
    Value pm1AsX = e.sub(pAsX, e.scalar(x, 1));
    dx = e.mul(g, e.mul(pAsX, PowOp::create(b, getLoc(), x, pm1AsX)));
  }
  if (needed[1]) {
    if (typeOf(p).getElementType() != typeOf(x).getElementType()) {
      emitOpError("gradient of the exponent needs base and exponent of one element type");
      return failure();
    }
    dp = e.mul(g, e.mul(getOutput(), e.log(x)));
  }
  return unbroadcast(b, getLoc(), x, p, dx, dp);
}

Grads WhereOp::buildVJP(OpBuilder &b, ArrayRef<Value> gs, ArrayRef<bool> needed) {
  Emit e{b, getLoc()};
  Value c = getCondition(), g = gs[0], zero = e.scalar(g, 0);
  Value dx = needed[1] ? sumToShape(b, getLoc(), e.select(c, g, zero), typeOf(getX())) : Value();
  Value dy = needed[2] ? sumToShape(b, getLoc(), e.select(c, zero, g), typeOf(getY())) : Value();
  return SmallVector<Value>{Value(), dx, dy};
}
