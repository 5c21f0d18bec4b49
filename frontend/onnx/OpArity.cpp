//===- OpArity.cpp - ONNX input/output counts of the supported ops --------===//
//
// Checked before a node is imported so a malformed node gets one clear
// message ("takes 1 to 3 inputs, got 4") instead of extra operands being
// ignored. Counts cover every opset the importer accepts (11 to 28); an
// optional input left out as "" still counts as a position.
//
//===----------------------------------------------------------------------===//
#include "frontend/onnx/GraphImporter.h"

#include <climits>

namespace dlc::onnx_import {

std::optional<OpArity> opArity(llvm::StringRef opType) {
  constexpr unsigned kMany = UINT_MAX;
  static const llvm::StringMap<OpArity> table = [] {
    llvm::StringMap<OpArity> t;
    for (const char *unary : {"Sqrt", "Exp", "Log", "Neg", "Abs", "Reciprocal", "Relu",
                              "LeakyRelu", "Sigmoid", "Tanh", "Gelu", "Erf", "Softmax",
                              "LogSoftmax", "AveragePool", "GlobalAveragePool", "Flatten",
                              "Transpose", "Identity", "Cast", "Shape", "ConstantOfShape"})
      t[unary] = {1, 1, 1};
    for (const char *binary : {"Add", "Sub", "Mul", "Div", "Pow", "Equal", "Less", "Greater",
                               "MatMul", "Gather", "Expand", "Reshape"})
      t[binary] = {2, 2, 1};
    t["Conv"] = {2, 3, 1};
    t["Gemm"] = {2, 3, 1};
    t["Clip"] = {1, 3, 1};
    t["MaxPool"] = {1, 1, 2};  // Y, Indices
    t["BatchNormalization"] = {5, 5, 5}; // Y + training outputs (3 or 5 by opset)
    t["LayerNormalization"] = {2, 3, 3}; // Y, Mean, InvStdDev
    t["Concat"] = {1, kMany, 1};
    t["Split"] = {1, 2, kMany};
    t["Slice"] = {3, 5, 1};
    t["Squeeze"] = {1, 2, 1};
    t["Unsqueeze"] = {1, 2, 1};
    t["ReduceMean"] = t["ReduceSum"] = t["ReduceMax"] = {1, 2, 1};
    t["Constant"] = {0, 0, 1};
    t["Dropout"] = {1, 3, 2}; // output, mask
    t["Where"] = {3, 3, 1};
    t["Range"] = {3, 3, 1};
    t["QuantizeLinear"] = t["DequantizeLinear"] = {2, 3, 1};
    t["MatMulInteger"] = {2, 4, 1};
    t["QLinearMatMul"] = {8, 8, 1};
    t["QLinearConv"] = {8, 9, 1};
    return t;
  }();
  auto it = table.find(opType);
  if (it == table.end())
    return std::nullopt;
  return it->second;
}

} // namespace dlc::onnx_import
