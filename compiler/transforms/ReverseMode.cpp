//===- ReverseMode.cpp - the reverse sweep shared by the autodiff passes --===//
//
// Forward activity first (which values depend on an x), so VJPs are only
// built, and non-differentiable ops only reported, where a gradient flows.
//===----------------------------------------------------------------------===//
#include "compiler/transforms/Training.h"
#include "ir/GradientUtils.h"
#include "ir/Interfaces.h"
#include "ir/Ops.h"

#include "llvm/ADT/DenseSet.h"

using namespace mlir;

bool dlc::isFloatTensor(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && isa<FloatType>(type.getElementType());
}

FailureOr<SmallVector<Value>> dlc::buildGradients(OpBuilder &b, Location loc,
                                                  ArrayRef<Operation *> ops, Value y,
                                                  ArrayRef<Value> xs) {
  llvm::DenseSet<Value> active(xs.begin(), xs.end());
  for (Operation *op : ops)
    if (llvm::any_of(op->getOperands(), [&](Value v) { return active.contains(v); }))
      for (Value r : op->getResults())
        if (isFloatTensor(r))
          active.insert(r);

  llvm::DenseMap<Value, Value> grads;
  grads[y] = dlc::grad::scalar(b, loc, dlc::grad::typeOf(y).getElementType(), 1.0);
  for (Operation *op : llvm::reverse(ops)) {
    SmallVector<Value> resultGrads;
    bool reached = false;
    for (Value r : op->getResults()) {
      resultGrads.push_back(grads.lookup(r));
      reached |= bool(resultGrads.back());
    }
    SmallVector<bool> needed;
    for (Value v : op->getOperands())
      needed.push_back(active.contains(v));
    if (!reached || !llvm::is_contained(needed, true))
      continue;
    auto differentiable = dyn_cast<dlc::GradientOpInterface>(op);
    if (!differentiable)
      return op->emitError("'") << op->getName()
                                << "' is not differentiable, but a gradient flows through it";
    FailureOr<SmallVector<Value>> operandGrads = differentiable.buildVJP(b, resultGrads, needed);
    if (failed(operandGrads))
      return failure();
    for (auto [operand, g, need] : llvm::zip(op->getOperands(), *operandGrads, needed)) {
      if (!g || !need)
        continue;
      if (g.getType() != operand.getType())
        return op->emitError("internal error: the gradient of an operand has type ")
               << g.getType() << ", expected " << operand.getType();
      Value &sum = grads[operand];
      sum = sum ? dlc::AddOp::create(b, loc, sum, g).getResult() : g;
    }
  }
  SmallVector<Value> result;
  for (Value x : xs)
    result.push_back(grads.lookup(x));
  return result;
}
