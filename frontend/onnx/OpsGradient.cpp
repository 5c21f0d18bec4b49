//===- OpsGradient.cpp - ONNX Gradient (ai.onnx.preview.training) ---------===//
//
// Gradient(xs..., zs...) {xs, y, zs} returns d y / d xs[i]. The spec lets
// its inputs feed other values than the named tensors; dlc (like the graph
// API that writes these nodes) differentiates at the graph's own values, so
// input i must be the tensor the attributes name. Imported as dlc.gradient,
// which dlc-expand-gradients turns into vector-Jacobian products.
//===----------------------------------------------------------------------===//
#include "frontend/onnx/GraphImporter.h"
#include "ir/Ops.h"

using namespace mlir;

namespace dlc::onnx_import {
namespace {

LogicalResult importGradient(GraphImporter &imp) {
  FailureOr<std::vector<std::string>> xs = imp.attrStrings("xs");
  FailureOr<std::string> yName = imp.attrString("y");
  FailureOr<std::vector<std::string>> zs = imp.attrStrings("zs", std::vector<std::string>{});
  if (failed(xs) || failed(yName) || failed(zs))
    return failure();
  if (xs->empty())
    return imp.fail("attribute 'xs' names no tensor to differentiate with respect to");
  const std::vector<std::string> &inputs = imp.node->inputs;
  if (inputs.size() != xs->size() + zs->size())
    return imp.fail("takes one input per name of 'xs' and 'zs' (" +
                    Twine(xs->size() + zs->size()) + "), got " + Twine(inputs.size()));
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string &named = i < xs->size() ? (*xs)[i] : (*zs)[i - xs->size()];
    if (inputs[i] != named)
      return imp.fail("input " + Twine(i) + " is '" + inputs[i] + "' but attribute '" +
                      (i < xs->size() ? "xs" : "zs") + "' names '" + named +
                      "' there (dlc differentiates at the graph's own values)");
  }
  if (imp.node->outputs.size() != xs->size())
    return imp.fail("has " + Twine(imp.node->outputs.size()) + " outputs, expected one per 'xs' (" +
                    Twine(xs->size()) + ")");

  auto entry = imp.values.find(*yName);
  if (entry == imp.values.end())
    return imp.fail("attribute 'y' names '" + *yName +
                    "', which no earlier node, graph input or initializer produces");
  if (entry->second.poisoned)
    return failure(); // its producer reported the error
  FailureOr<Value> y = imp.materialize(*yName, entry->second);
  if (failed(y) || failed(imp.requireFloat(*y, "y")))
    return failure();
  auto yType = GraphImporter::typeOf(*y);
  if (!yType.hasStaticShape() || yType.getNumElements() != 1)
    return imp.fail("y ('" + *yName + "') must have exactly one element (a scalar loss)");

  SmallVector<Value> xValues;
  SmallVector<Type> gradTypes;
  for (size_t i = 0; i < xs->size(); ++i) {
    FailureOr<Value> x = imp.input(i);
    if (failed(x) || failed(imp.requireFloat(*x, "xs '" + (*xs)[i] + "'")))
      return failure();
    xValues.push_back(*x);
    gradTypes.push_back(x->getType());
  }
  auto gradient = dlc::GradientOp::create(imp.builder, imp.loc, gradTypes, *y, xValues);
  for (size_t i = 0; i < xs->size(); ++i)
    imp.setOutput(i, gradient.getResult(i));
  return success();
}

} // namespace

void addGradientImporter(llvm::StringMap<OpImportFn> &table) {
  table[(kTrainingDomain + ":Gradient").str()] = importGradient;
}

} // namespace dlc::onnx_import
