//===- InferElementwise.cpp - unary, binary, comparison and select ops ---===//
#include "frontend/graph/OpSchema.h"

namespace dlc::graph::detail {

static std::vector<TensorType> inferArithmetic(const InferContext &ctx) {
  ctx.requireSameDType(0, 1);
  if (ctx.dtype(0) == DType::Bool)
    ctx.fail("expects numeric tensors, got bool");
  return {{ctx.dtype(0), ctx.broadcast(ctx.shape(0), ctx.shape(1))}};
}

static std::vector<TensorType> inferPow(const InferContext &ctx) {
  // The exponent may have its own type (ONNX T1).
  if (ctx.dtype(0) == DType::Bool || ctx.dtype(1) == DType::Bool)
    ctx.fail("expects numeric tensors, got bool");
  return {{ctx.dtype(0), ctx.broadcast(ctx.shape(0), ctx.shape(1))}};
}

static std::vector<TensorType> inferComparison(const InferContext &ctx) {
  ctx.requireSameDType(0, 1);
  return {{DType::Bool, ctx.broadcast(ctx.shape(0), ctx.shape(1))}};
}

static std::vector<TensorType> inferWhere(const InferContext &ctx) {
  if (ctx.dtype(0) != DType::Bool)
    ctx.fail("condition must be bool, got " + ctx.input(0).str());
  ctx.requireSameDType(1, 2);
  Shape shape = ctx.broadcast(ctx.shape(0), ctx.shape(1));
  return {{ctx.dtype(1), ctx.broadcast(shape, ctx.shape(2))}};
}

static std::vector<TensorType> inferFloatUnary(const InferContext &ctx) {
  ctx.requireFloating(0);
  return {ctx.input(0)};
}

static std::vector<TensorType> inferNumericUnary(const InferContext &ctx) {
  if (ctx.dtype(0) == DType::Bool)
    ctx.fail("expects a numeric tensor, got " + ctx.input(0).str());
  return {ctx.input(0)};
}

static std::vector<TensorType> inferIdentity(const InferContext &ctx) {
  return {ctx.input(0)};
}

static std::vector<TensorType> inferSoftmax(const InferContext &ctx) {
  ctx.requireFloating(0);
  ctx.normalizeAxis(ctx.attrInt("axis", -1), ctx.rank(0));
  return {ctx.input(0)};
}

static std::vector<TensorType> inferClip(const InferContext &ctx) {
  for (int i = 1; i < 3; ++i) {
    if (!ctx.hasInput(i))
      continue;
    ctx.requireSameDType(0, i);
    if (numElements(ctx.shape(i)) != 1 || ctx.rank(i) > 1)
      ctx.fail(std::string(i == 1 ? "min" : "max") + " must be a scalar, got " +
               toString(ctx.shape(i)));
  }
  return {ctx.input(0)};
}

static std::vector<TensorType> inferDropout(const InferContext &ctx) {
  if (ctx.hasInput(1) && (!isFloating(ctx.dtype(1)) || ctx.rank(1) != 0))
    ctx.fail("ratio must be a float scalar, got " + ctx.input(1).str());
  if (ctx.hasInput(2) && (ctx.dtype(2) != DType::Bool || ctx.rank(2) != 0))
    ctx.fail("training_mode must be a bool scalar, got " + ctx.input(2).str());
  std::vector<TensorType> outputs = {ctx.input(0)};
  if (ctx.numOutputs() > 1)
    outputs.push_back({DType::Bool, ctx.shape(0)});
  return outputs;
}

static std::vector<TensorType> inferCast(const InferContext &ctx) {
  if (!ctx.hasAttr("to"))
    ctx.fail("attribute 'to' is required");
  int64_t to = ctx.attrInt("to", 0);
  if (!isSupportedDType(int32_t(to)))
    ctx.fail("unsupported target type " + std::to_string(to));
  return {{DType(to), ctx.shape(0)}};
}

void registerElementwiseOps(std::vector<OpSchema> &table) {
  for (auto [op, api] : {std::pair{"Add", "add"}, {"Sub", "sub"},
                         {"Mul", "mul"}, {"Div", "div"}})
    table.push_back({op, api, 2, 2, 1, 1, inferArithmetic});
  table.push_back({"Pow", "pow", 2, 2, 1, 1, inferPow});
  for (auto [op, api] : {std::pair{"Equal", "equal"}, {"Less", "less"},
                         {"Greater", "greater"}})
    table.push_back({op, api, 2, 2, 1, 1, inferComparison});
  table.push_back({"Where", "where", 3, 3, 1, 1, inferWhere});
  for (auto [op, api] :
       {std::pair{"Sqrt", "sqrt"}, {"Exp", "exp"}, {"Log", "log"},
        {"Erf", "erf"}, {"Sigmoid", "sigmoid"}, {"Tanh", "tanh"},
        {"Reciprocal", "reciprocal"}, {"LeakyRelu", "leakyRelu"}})
    table.push_back({op, api, 1, 1, 1, 1, inferFloatUnary});
  for (auto [op, api] :
       {std::pair{"Relu", "relu"}, {"Neg", "neg"}, {"Abs", "abs"}})
    table.push_back({op, api, 1, 1, 1, 1, inferNumericUnary});
  table.push_back({"Identity", "identity", 1, 1, 1, 1, inferIdentity});
  table.push_back({"Softmax", "softmax", 1, 1, 1, 1, inferSoftmax});
  table.push_back({"LogSoftmax", "logSoftmax", 1, 1, 1, 1, inferSoftmax});
  table.push_back({"Clip", "clip", 1, 3, 1, 1, inferClip});
  table.push_back({"Dropout", "dropout", 1, 3, 1, 2, inferDropout});
  table.push_back({"Cast", "cast", 1, 1, 1, 1, inferCast});
}

} // namespace dlc::graph::detail
