//===- Gradients.cpp - gradients(loss, xs): one ONNX Gradient node --------===//
//
// TensorFlow builds the backward graph in the frontend; here the graph keeps
// one standard ONNX Gradient node (ai.onnx.preview.training) and dlc
// differentiates it when compiling, with the same VJP rules as `dlc --train`
// (docs/training.md), so the rules live in one place.
//===----------------------------------------------------------------------===//
#include "frontend/graph/Ops.h"
#include "frontend/graph/OpSchema.h"

namespace dlc::graph {
namespace detail {

// Inputs are the values of attributes xs then zs; output i has xs[i]'s type.
static std::vector<TensorType> inferGradient(const InferContext &c) {
  std::vector<std::string> xs = c.attrStrings("xs", {});
  std::vector<std::string> zs = c.attrStrings("zs", {});
  if (xs.empty())
    c.fail("attribute 'xs' names no tensor to differentiate with respect to");
  if (!c.hasAttr("y"))
    c.fail("attribute 'y' (the tensor to differentiate) is required");
  if (size_t(c.numInputs()) != xs.size() + zs.size())
    c.fail("expects one input per name of 'xs' and 'zs' (" +
           std::to_string(xs.size() + zs.size()) + "), got " + std::to_string(c.numInputs()));
  if (size_t(c.numOutputs()) != xs.size())
    c.fail("produces one output per 'xs' (" + std::to_string(xs.size()) + "), " +
           std::to_string(c.numOutputs()) + " requested");
  std::vector<TensorType> types;
  for (int i = 0; i < int(xs.size()); ++i) {
    c.requireFloating(i);
    types.push_back(c.input(i));
  }
  return types;
}

void registerGradientOp(std::vector<OpSchema> &table) {
  table.push_back({"Gradient", "gradients", 1, 1 << 20, 1, 1 << 20, inferGradient,
                   kTrainingDomain});
}

} // namespace detail

namespace ops {

std::vector<Tensor> gradients(const Tensor &loss, const std::vector<Tensor> &xs) {
  if (!loss.valid())
    throw Error("gradients", "the loss is an absent tensor");
  if (!isFloating(loss.dtype()))
    throw Error("gradients", "the loss '" + loss.name() + "' must be a float tensor, got " +
                                 loss.type().str());
  if (numElements(loss.shape()) != 1)
    throw Error("gradients", "the loss '" + loss.name() +
                                 "' must have exactly one element (reduce it first), got " +
                                 loss.type().str());
  if (xs.empty())
    throw Error("gradients", "no tensors to differentiate with respect to");
  std::vector<std::string> names;
  for (const Tensor &x : xs) {
    if (!x.valid())
      throw Error("gradients", "an absent tensor in the list to differentiate with respect to");
    names.push_back(x.name());
  }
  Attributes attrs{{"xs", names}, {"y", loss.name()}};
  return loss.graph().addNode("Gradient", xs, std::move(attrs), int(xs.size()),
                              detail::kTrainingDomain);
}

} // namespace ops
} // namespace dlc::graph
