//===- OpsElementwise.cpp - unary, binary, compare, where, clip, cast -----===//
#include "frontend/onnx/GraphImporter.h"
#include "frontend/onnx/TensorConversion.h"

using namespace mlir;

namespace dlc::onnx_import {
namespace {

template <typename OpTy, bool FloatOnly>
LogicalResult importUnary(GraphImporter &imp) {
  FailureOr<Value> x = imp.input(0);
  if (failed(x) || (FloatOnly && failed(imp.requireFloat(*x, "input"))))
    return failure();
  imp.setOutput(0, OpTy::create(imp.builder, imp.loc, x->getType(), *x));
  return success();
}

/// Add/Sub/Mul/Div/Pow: both operands must share the element type, except
/// for Pow whose exponent may differ (the result has the base's type).
template <typename OpTy, bool SameTypes>
LogicalResult importBinary(GraphImporter &imp) {
  FailureOr<Value> a = imp.input(0), b = failed(a) ? a : imp.input(1);
  if (failed(a) || failed(b))
    return failure();
  if (SameTypes && failed(imp.requireSameElementType(*a, *b, "A", "B")))
    return failure();
  FailureOr<Value> result = imp.createInferred<OpTy>(*a, *b);
  if (failed(result))
    return failure();
  imp.setOutput(0, *result);
  return success();
}

LogicalResult importLeakyRelu(GraphImporter &imp) {
  FailureOr<Value> x = imp.input(0);
  FailureOr<float> alpha = imp.attrFloat("alpha", 0.01f);
  if (failed(x) || failed(alpha) || failed(imp.requireFloat(*x, "input")))
    return failure();
  imp.setOutput(0, dlc::LeakyReluOp::create(imp.builder, imp.loc, x->getType(), *x,
                                            imp.builder.getF32FloatAttr(*alpha)));
  return success();
}

LogicalResult importGelu(GraphImporter &imp) {
  FailureOr<Value> x = imp.input(0);
  FailureOr<std::string> approximate = imp.attrString("approximate", std::string("none"));
  if (failed(x) || failed(approximate) || failed(imp.requireFloat(*x, "input")))
    return failure();
  if (*approximate != "none" && *approximate != "tanh")
    return imp.fail("attribute 'approximate' must be \"none\" or \"tanh\", got \"" +
                    *approximate + "\"");
  imp.setOutput(0, dlc::GeluOp::create(imp.builder, imp.loc, x->getType(), *x,
                                       imp.builder.getStringAttr(*approximate)));
  return success();
}

/// Clip bounds: inputs 1/2 (opset >= 11, "" = absent) or attributes
/// min/max (opset 6); they must be compile-time scalars.
LogicalResult importClip(GraphImporter &imp) {
  FailureOr<Value> x = imp.input(0);
  if (failed(x))
    return failure();
  FloatAttr bounds[2];
  const char *names[2] = {"min", "max"};
  for (int i = 0; i < 2; ++i) {
    if (imp.hasInput(1 + i)) {
      FailureOr<const HostTensor *> c = imp.constantInput(1 + i, names[i]);
      if (failed(c))
        return failure();
      if ((*c)->numElements() != 1)
        return imp.fail(Twine(names[i]) + " must be a scalar, got " +
                        Twine((*c)->numElements()) + " elements");
      bounds[i] = imp.builder.getF64FloatAttr((*c)->asDouble(0));
    } else if (imp.hasAttr(names[i])) {
      FailureOr<float> v = imp.attrFloat(names[i]);
      if (failed(v))
        return failure();
      bounds[i] = imp.builder.getF64FloatAttr(*v);
    }
  }
  imp.setOutput(0, dlc::ClipOp::create(imp.builder, imp.loc, x->getType(), *x, bounds[0],
                                       bounds[1]));
  return success();
}

template <typename OpTy>
LogicalResult importCompare(GraphImporter &imp) {
  return importBinary<OpTy, true>(imp);
}

LogicalResult importWhere(GraphImporter &imp) {
  FailureOr<Value> c = imp.input(0);
  FailureOr<Value> x = failed(c) ? c : imp.input(1);
  FailureOr<Value> y = failed(x) ? x : imp.input(2);
  if (failed(y))
    return failure();
  if (!GraphImporter::typeOf(*c).getElementType().isInteger(1))
    return imp.fail("condition must be a bool tensor");
  if (failed(imp.requireSameElementType(*x, *y, "X", "Y")))
    return failure();
  FailureOr<Value> result = imp.createInferred<dlc::WhereOp>(*c, *x, *y);
  if (failed(result))
    return failure();
  imp.setOutput(0, *result);
  return success();
}

LogicalResult importCast(GraphImporter &imp) {
  FailureOr<Value> x = imp.input(0);
  FailureOr<int64_t> to = imp.attrInt("to");
  if (failed(x) || failed(to))
    return failure();
  Type elementType = elementTypeFor(imp.ctx, (int)*to);
  if (!elementType)
    return imp.fail("cast to unsupported element type " + dtypeName((int)*to));
  imp.setOutput(0, dlc::CastOp::create(imp.builder, imp.loc,
                                       GraphImporter::typeOf(*x).clone(elementType), *x));
  return success();
}

} // namespace

void addElementwiseImporters(llvm::StringMap<OpImportFn> &t) {
  t["Sqrt"] = importUnary<dlc::SqrtOp, true>;
  t["Exp"] = importUnary<dlc::ExpOp, true>;
  t["Log"] = importUnary<dlc::LogOp, true>;
  t["Neg"] = importUnary<dlc::NegOp, false>;
  t["Abs"] = importUnary<dlc::AbsOp, false>;
  t["Reciprocal"] = importUnary<dlc::ReciprocalOp, true>;
  t["Relu"] = importUnary<dlc::ReluOp, false>;
  t["Sigmoid"] = importUnary<dlc::SigmoidOp, true>;
  t["Tanh"] = importUnary<dlc::TanhOp, true>;
  t["Erf"] = importUnary<dlc::ErfOp, true>;
  t["LeakyRelu"] = importLeakyRelu;
  t["Gelu"] = importGelu;
  t["Clip"] = importClip;
  t["Add"] = importBinary<dlc::AddOp, true>;
  t["Sub"] = importBinary<dlc::SubOp, true>;
  t["Mul"] = importBinary<dlc::MulOp, true>;
  t["Div"] = importBinary<dlc::DivOp, true>;
  t["Pow"] = importBinary<dlc::PowOp, false>;
  t["Equal"] = importCompare<dlc::EqualOp>;
  t["Less"] = importCompare<dlc::LessOp>;
  t["Greater"] = importCompare<dlc::GreaterOp>;
  t["Where"] = importWhere;
  t["Cast"] = importCast;
}

} // namespace dlc::onnx_import
