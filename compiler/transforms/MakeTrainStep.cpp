//===- MakeTrainStep.cpp - weights become state, gradients become updates -===//
//
// Input: the function dlc-autodiff made, (inputs, labels) -> (loss,
// prediction, gradients). Output: (inputs, labels, weights, optimizer
// state[, optimizer:step]) -> (loss, prediction, new weights, new state).
// The runtime owns the weights between steps: it feeds output `X:new` back
// as input `X` (ping-pong buffers, so no kernel reads a weight that another
// kernel of the same step is overwriting).
//===----------------------------------------------------------------------===//
#include "compiler/Passes.h"
#include "compiler/transforms/Training.h"
#include "ir/GradientUtils.h"
#include "ir/Ops.h"

namespace dlc {
#define GEN_PASS_DEF_MAKETRAINSTEP
#include "compiler/Passes.h.inc"
} // namespace dlc

using namespace mlir;
using namespace dlc::grad;

namespace {

struct MakeTrainStepPass : dlc::impl::MakeTrainStepBase<MakeTrainStepPass> {
  using MakeTrainStepBase::MakeTrainStepBase;

  void runOnOperation() override {
    if (optimizer != "sgd" && optimizer != "momentum" && optimizer != "adam") {
      getOperation().emitError("unknown optimizer '")
          << optimizer << "' (sgd, momentum, adam)";
      return signalPassFailure();
    }
    for (auto graph : getOperation().getOps<func::FuncOp>())
      if (graph->hasAttr(dlc::kGraphAttr) && failed(rewrite(graph)))
        return signalPassFailure();
  }

  Value addArgument(func::FuncOp graph, Type type, StringRef name, Location loc) {
    unsigned index = graph.getNumArguments();
    OpBuilder b(graph);
    (void)graph.insertArgument(
        index, type,
        b.getDictionaryAttr(b.getNamedAttr(dlc::kNameAttr, b.getStringAttr(name))), loc);
    return graph.getArgument(index);
  }

  LogicalResult rewrite(func::FuncOp graph) {
    Block &body = graph.getBody().front();
    auto ret = cast<func::ReturnOp>(body.getTerminator());
    llvm::StringMap<dlc::ConstantOp> constants;
    graph.walk([&](dlc::ConstantOp c) {
      if (auto name = c->getAttrOfType<StringAttr>(dlc::kInitializerAttr))
        constants[name] = c;
    });
    double mu = optimizer == "momentum" && momentum == 0.0 ? 0.9 : momentum.getValue();
    bool useMomentum = optimizer != "adam" && mu != 0.0;

    OpBuilder b(ret);
    Location loc = ret.getLoc();
    Emit e{b, loc};
    SmallVector<Value> results;
    SmallVector<DictionaryAttr> attrs;
    auto named = [&](StringRef name) {
      return b.getDictionaryAttr(b.getNamedAttr(dlc::kNameAttr, b.getStringAttr(name)));
    };
    auto output = [&](Value v, StringRef name) {
      results.push_back(v);
      attrs.push_back(named(name));
    };
    Value step; // Adam's 1-based step number, f32[1]
    for (unsigned i = 0; i < ret.getNumOperands(); ++i) {
      auto of = graph.getResultAttrOfType<StringAttr>(i, dlc::kGradientOfAttr);
      if (!of) {
        results.push_back(ret.getOperand(i));
        attrs.push_back(graph.getResultAttrDict(i) ? graph.getResultAttrDict(i)
                                                   : b.getDictionaryAttr({}));
        continue;
      }
      dlc::ConstantOp constant = constants.lookup(of);
      if (!constant)
        return graph.emitError("no weight constant named '") << of.getValue() << "'";
      std::string name = of.str();
      Value w = addArgument(graph, constant.getType(), name, constant.getLoc());
      constant.getResult().replaceAllUsesWith(w);
      constant.erase();
      Value g = ret.getOperand(i);
      if (weightDecay != 0.0)
        g = e.add(g, e.scale(w, weightDecay));
      Value lr = e.scalar(w, this->lr);
      if (optimizer == "adam") {
        if (!step)
          step = addArgument(graph, RankedTensorType::get({1}, b.getF32Type()), "optimizer:step",
                             loc);
        Value m = addArgument(graph, w.getType(), name + ":m", loc);
        Value v = addArgument(graph, w.getType(), name + ":v", loc);
        Value m1 = e.add(e.scale(m, beta1), e.scale(g, 1 - beta1));
        Value v1 = e.add(e.scale(v, beta2), e.mul(e.scale(g, 1 - beta2), g));
        // Bias corrections 1 - beta^t, in f32 then in the weight's type.
        auto correction = [&](double beta) {
          Value c = e.sub(e.scalar(step, 1),
                          dlc::PowOp::create(b, loc, e.scalar(step, beta), step));
          Type wt = typeOf(w).getElementType();
          return wt == b.getF32Type()
                     ? c
                     : dlc::CastOp::create(b, loc, RankedTensorType::get({1}, wt), c).getResult();
        };
        Value denom = e.add(e.div(e.sqrt(v1), e.sqrt(correction(beta2))), e.scalar(w, epsilon));
        Value update = e.div(e.div(e.mul(lr, m1), correction(beta1)), denom);
        output(e.sub(w, update), name + ":new");
        output(m1, name + ":m:new");
        output(v1, name + ":v:new");
      } else if (useMomentum) {
        Value velocity = addArgument(graph, w.getType(), name + ":velocity", loc);
        Value v1 = e.add(e.scale(velocity, mu), g);
        output(e.sub(w, e.mul(lr, v1)), name + ":new");
        output(v1, name + ":velocity:new");
      } else {
        output(e.sub(w, e.mul(lr, g)), name + ":new");
      }
    }
    func::ReturnOp::create(b, loc, results);
    ret.erase();
    graph.setFunctionType(
        b.getFunctionType(graph.getArgumentTypes(), ValueRange(results).getTypes()));
    graph.setAllResultAttrs(attrs);
    return success();
  }
};
} // namespace
