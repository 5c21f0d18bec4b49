//===- Autodiff.cpp - reverse-mode autodiff of the graph function ---------===//
//
// The loss is appended to the prediction, then the reverse sweep
// (ReverseMode.cpp) builds the weights' gradients before the return;
// canonicalization later removes what no result uses.
//===----------------------------------------------------------------------===//
#include "compiler/Passes.h"
#include "compiler/transforms/Training.h"
#include "ir/Ops.h"

#include "llvm/ADT/DenseSet.h"

namespace dlc {
#define GEN_PASS_DEF_AUTODIFF
#include "compiler/Passes.h.inc"
} // namespace dlc

using namespace mlir;
using dlc::isFloatTensor;

namespace {

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

    // Reverse sweep over the forward graph and the loss ops.
    SmallVector<Operation *> order;
    for (Operation &op : body.without_terminator())
      order.push_back(&op);
    SmallVector<Value> weightValues;
    for (dlc::ConstantOp w : weights)
      weightValues.push_back(w);
    FailureOr<SmallVector<Value>> weightGrads =
        dlc::buildGradients(b, loc, order, *loss, weightValues);
    if (failed(weightGrads))
      return failure();

    // Results: loss, prediction, then one gradient per weight reached.
    SmallVector<Value> results{*loss, prediction};
    SmallVector<DictionaryAttr> resultAttrs{
        b.getDictionaryAttr(b.getNamedAttr(dlc::kNameAttr, b.getStringAttr("loss"))),
        graph.getResultAttrDict(0) ? graph.getResultAttrDict(0) : b.getDictionaryAttr({})};
    for (auto [w, g] : llvm::zip(weights, *weightGrads)) {
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
