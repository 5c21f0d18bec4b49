//===- Autodiff.cpp - reverse-mode autodiff of the graph function ---------===//
//
// Forward activity first (which values depend on a trainable weight), so
// VJPs are only built, and non-differentiable ops only reported, where a
// weight's gradient actually flows. The backward ops are appended before
// the return; canonicalization later removes what no result uses.
//===----------------------------------------------------------------------===//
#include "compiler/Passes.h"
#include "compiler/transforms/Training.h"
#include "ir/GradientUtils.h"
#include "ir/Interfaces.h"
#include "ir/Ops.h"

#include "llvm/ADT/DenseSet.h"

namespace dlc {
#define GEN_PASS_DEF_AUTODIFF
#include "compiler/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

bool isFloatTensor(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && isa<FloatType>(type.getElementType());
}

struct AutodiffPass : dlc::impl::AutodiffBase<AutodiffPass> {
  using AutodiffBase::AutodiffBase;

  void runOnOperation() override {
    for (auto graph : getOperation().getOps<func::FuncOp>())
      if (graph->hasAttr(dlc::kGraphAttr) && failed(differentiate(graph)))
        return signalPassFailure();
  }

  LogicalResult differentiate(func::FuncOp graph) {
    if (!graph.getBody().hasOneBlock())
      return graph.emitError("training needs a single-block graph");
    Block &body = graph.getBody().front();
    auto ret = cast<func::ReturnOp>(body.getTerminator());
    if (ret.getNumOperands() != 1)
      return graph.emitError("training needs exactly one graph output (the prediction), the "
                             "model has ")
             << ret.getNumOperands();
    Value prediction = ret.getOperand(0);
    if (!isFloatTensor(prediction))
      return graph.emitError("the graph output must be a float tensor to train on, got ")
             << prediction.getType();
    SmallVector<Operation *> forward;
    for (Operation &op : body.without_terminator())
      forward.push_back(&op);

    // Trainable weights and the values that depend on them.
    SmallVector<dlc::ConstantOp> weights;
    llvm::DenseSet<Value> active;
    for (Operation *op : forward) {
      if (auto constant = dyn_cast<dlc::ConstantOp>(op)) {
        if (constant->hasAttr(dlc::kInitializerAttr) && isFloatTensor(constant)) {
          weights.push_back(constant);
          active.insert(constant);
        }
        continue;
      }
      if (llvm::any_of(op->getOperands(), [&](Value v) { return active.contains(v); }))
        for (Value r : op->getResults())
          if (isFloatTensor(r))
            active.insert(r);
    }
    if (!active.contains(prediction))
      return graph.emitError("the graph output depends on no float initializer: nothing to train");

    OpBuilder b(ret);
    Location loc = ret.getLoc();
    unsigned labelsIndex = graph.getNumArguments();
    if (failed(graph.insertArgument(labelsIndex, prediction.getType(),
                                    b.getDictionaryAttr(b.getNamedAttr(
                                        dlc::kNameAttr, b.getStringAttr("labels"))),
                                    loc)))
      return failure();
    Value labels = graph.getArgument(labelsIndex);
    FailureOr<Value> loss = dlc::buildLoss(b, loc, this->loss, prediction, labels);
    if (failed(loss))
      return failure();

    // Reverse sweep over the loss ops and the forward graph.
    llvm::DenseSet<Operation *> isForward(forward.begin(), forward.end());
    SmallVector<Operation *> order;
    for (Operation &op : body.without_terminator())
      if (!isForward.contains(&op))
        order.push_back(&op);
    for (Operation *lossOp : order)
      for (Value r : lossOp->getResults())
        active.insert(r);
    order.insert(order.begin(), forward.begin(), forward.end());
    llvm::DenseMap<Value, Value> grads;
    grads[*loss] = dlc::grad::scalar(b, loc, dlc::grad::typeOf(*loss).getElementType(), 1.0);
    for (Operation *op : llvm::reverse(order)) {
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
                                  << "' is not differentiable, but a trainable weight's "
                                     "gradient flows through it";
      FailureOr<SmallVector<Value>> operandGrads =
          differentiable.buildVJP(b, resultGrads, needed);
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

    // Results: loss, prediction, then one gradient per weight reached.
    SmallVector<Value> results{*loss, prediction};
    SmallVector<DictionaryAttr> resultAttrs{
        b.getDictionaryAttr(b.getNamedAttr(dlc::kNameAttr, b.getStringAttr("loss"))),
        graph.getResultAttrDict(0) ? graph.getResultAttrDict(0) : b.getDictionaryAttr({})};
    for (dlc::ConstantOp w : weights) {
      Value g = grads.lookup(w);
      if (!g)
        continue; // e.g. batch-norm statistics: not trained
      auto name = w->getAttrOfType<StringAttr>(dlc::kInitializerAttr);
      results.push_back(g);
      resultAttrs.push_back(b.getDictionaryAttr(
          {b.getNamedAttr(dlc::kNameAttr, b.getStringAttr(name.str() + ":grad")),
           b.getNamedAttr(dlc::kGradientOfAttr, name)}));
    }
    func::ReturnOp::create(b, ret.getLoc(), results);
    ret.erase();
    graph.setFunctionType(
        b.getFunctionType(graph.getArgumentTypes(), ValueRange(results).getTypes()));
    graph.setAllResultAttrs(resultAttrs);
    return success();
  }
};
} // namespace
