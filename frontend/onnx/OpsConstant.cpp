//===- OpsConstant.cpp - Constant, Identity, Dropout; the op table --------===//
#include "frontend/onnx/GraphImporter.h"

#include <cstring>

using namespace mlir;

namespace dlc::onnx_import {
namespace {

/// Constant: the payload stays host-side until an op needs it as a value,
/// so shape constants never become dlc.constant ops.
LogicalResult importConstant(GraphImporter &imp) {
  for (const char *unsupported : {"sparse_value", "value_string", "value_strings"})
    if (imp.hasAttr(unsupported))
      return imp.fail("attribute '" + Twine(unsupported) + "' is not supported");
  const Attribute *found = nullptr;
  for (const Attribute &attr : imp.node->attributes)
    if (attr.name == "value" || attr.name == "value_float" || attr.name == "value_floats" ||
        attr.name == "value_int" || attr.name == "value_ints") {
      if (found)
        return imp.fail("has both '" + found->name + "' and '" + attr.name + "'");
      found = &attr;
    }
  if (!found)
    return imp.fail("missing required attribute 'value' (or value_float(s)/value_int(s))");

  if (found->name == "value") {
    if (found->kind != Attribute::Tensor || !found->tensor)
      return imp.fail("attribute 'value' must be a tensor, got " +
                      Twine(attributeKindName(found->kind)));
    if (!found->tensor->error.empty())
      return imp.fail("attribute 'value' " + found->tensor->error);
    imp.setDataOutput(0, found->tensor.get());
    return success();
  }
  TensorData data;
  data.name = imp.node->outputs.empty() ? "" : imp.node->outputs[0];
  bool isFloat = found->name == "value_float" || found->name == "value_floats";
  bool isList = found->name == "value_floats" || found->name == "value_ints";
  data.dtype = isFloat ? kFloat : kInt64;
  // Scalars and lists share one path: a list of values, then bytes.
  std::vector<float> floats;
  std::vector<int64_t> ints;
  if (isFloat && isList) {
    FailureOr<std::vector<float>> v = imp.attrFloats(found->name);
    if (failed(v))
      return failure();
    floats = *v;
  } else if (isFloat) {
    FailureOr<float> v = imp.attrFloat(found->name);
    if (failed(v))
      return failure();
    floats = {*v};
  } else if (isList) {
    FailureOr<std::vector<int64_t>> v = imp.attrInts(found->name);
    if (failed(v))
      return failure();
    ints = *v;
  } else {
    FailureOr<int64_t> v = imp.attrInt(found->name);
    if (failed(v))
      return failure();
    ints = {*v};
  }
  if (isFloat) {
    data.bytes.assign((const char *)floats.data(), floats.size() * sizeof(float));
    data.numElements = floats.size();
  } else {
    data.bytes.assign((const char *)ints.data(), ints.size() * sizeof(int64_t));
    data.numElements = ints.size();
  }
  if (isList)
    data.dims = {data.numElements};
  imp.ownedTensors.push_back(std::move(data));
  imp.setDataOutput(0, &imp.ownedTensors.back());
  return success();
}

LogicalResult importIdentity(GraphImporter &imp) {
  FailureOr<Value> x = imp.input(0);
  if (failed(x))
    return failure();
  imp.setOutput(0, dlc::IdentityOp::create(imp.builder, imp.loc, x->getType(), *x));
  return success();
}

/// Dropout in inference: identity, and the mask (output 1) all true.
/// ratio/training_mode are inputs since opset 12 (ratio an attribute
/// before); training must be off.
LogicalResult importDropout(GraphImporter &imp) {
  FailureOr<Value> x = imp.input(0);
  FailureOr<float> ratio = imp.attrFloat("ratio", 0.5f);
  if (failed(x) || failed(ratio) || failed(imp.requireFloat(*x, "data")))
    return failure();
  if (imp.hasInput(1)) {
    FailureOr<const HostTensor *> r = imp.constantInput(1, "ratio");
    if (failed(r))
      return failure();
    if ((*r)->numElements() != 1)
      return imp.fail("ratio must be a scalar");
    *ratio = (float)(*r)->asDouble(0);
  }
  if (imp.hasInput(2)) {
    FailureOr<const HostTensor *> t = imp.constantInput(2, "training_mode");
    if (failed(t))
      return failure();
    if ((*t)->numElements() != 1)
      return imp.fail("training_mode must be a scalar");
    if ((*t)->asDouble(0) != 0)
      return imp.fail("training_mode=true is not supported (dlc imports Dropout for inference)");
  }
  OpBuilder &b = imp.builder;
  imp.setOutput(0, dlc::DropoutOp::create(b, imp.loc, x->getType(), *x, b.getF32FloatAttr(*ratio)));
  if (imp.outputUsed(1)) {
    // Shapes are static here, so the mask is a splat constant.
    auto maskType = GraphImporter::typeOf(*x).clone(b.getI1Type());
    imp.setOutput(1, dlc::ConstantOp::create(b, imp.loc, DenseElementsAttr::get(maskType, true)));
  }
  return success();
}

llvm::StringMap<OpImportFn> buildTable() {
  llvm::StringMap<OpImportFn> table;
  table["Constant"] = importConstant;
  table["Identity"] = importIdentity;
  table["Dropout"] = importDropout;
  addElementwiseImporters(table);
  addNNImporters(table);
  addQuantImporters(table);
  addNormalizationImporters(table);
  addShapeImporters(table);
  addReductionImporters(table);
  addGradientImporter(table);
  return table;
}

} // namespace

std::string opKey(const Node &node) {
  return node.domain.empty() ? node.opType : node.domain + ":" + node.opType;
}

const llvm::StringMap<OpImportFn> &opImporters() {
  static const llvm::StringMap<OpImportFn> table = buildTable();
  return table;
}

} // namespace dlc::onnx_import
