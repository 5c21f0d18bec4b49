//===- OpSchema.h - per-op arity and static shape inference ---------------===//
// Internal: one table (OpRegistry.cpp) drives both the builder functions and
// the ONNX loader, so both validate nodes the same way.
#pragma once

#include "frontend/graph/Attributes.h"
#include "frontend/graph/Shape.h"

#include <string>
#include <vector>

namespace dlc::graph::detail {

class InferContext;
using InferFn = std::vector<TensorType> (*)(const InferContext &);

struct OpSchema {
  std::string onnxType; // "MatMul"
  std::string apiName;  // "matmul": the builder function, used in errors
  int minInputs, maxInputs;
  int minOutputs, maxOutputs;
  InferFn infer;
  std::string domain = ""; // the default ONNX domain
};

// The domain of ONNX's training ops (Gradient).
inline constexpr const char *kTrainingDomain = "ai.onnx.preview.training";

// nullptr when the op is not supported.
const OpSchema *findOpSchema(const std::string &onnxType, const std::string &domain = "");
std::vector<std::string> supportedOps();

// What an inference function sees of a node. Errors go through fail(), which
// throws Error(apiName, message).
class InferContext {
public:
  InferContext(const OpSchema &schema, std::vector<const TensorType *> inputs,
               std::vector<const TensorData *> constants,
               const Attributes &attrs, int numOutputs)
      : schema_(schema), inputs_(std::move(inputs)),
        constants_(std::move(constants)), attrs_(attrs),
        numOutputs_(numOutputs) {}

  [[noreturn]] void fail(const std::string &message) const;
  const std::string &apiName() const { return schema_.apiName; }

  int numInputs() const { return int(inputs_.size()); }
  int numOutputs() const { return numOutputs_; }
  bool hasInput(int i) const { return i < numInputs() && inputs_[i]; }
  // Fails when input `i` is absent.
  const TensorType &input(int i) const;
  const Shape &shape(int i) const { return input(i).shape; }
  DType dtype(int i) const { return input(i).dtype; }
  int64_t rank(int i) const { return int64_t(shape(i).size()); }
  // The value of input `i` when it is an initializer, else nullptr.
  const TensorData *constant(int i) const {
    return i < int(constants_.size()) ? constants_[i] : nullptr;
  }
  // Input `i` as integers; fails unless it is a constant 1-D int tensor.
  std::vector<int64_t> constantInts(int i, const std::string &what) const;

  bool hasAttr(const std::string &name) const { return attrs_.count(name); }
  int64_t attrInt(const std::string &name, int64_t fallback) const;
  float attrFloat(const std::string &name, float fallback) const;
  std::string attrString(const std::string &name,
                         const std::string &fallback) const;
  std::vector<int64_t> attrInts(const std::string &name,
                                const std::vector<int64_t> &fallback) const;
  std::vector<std::string> attrStrings(const std::string &name,
                                       const std::vector<std::string> &fallback) const;

  // axis in [-rank, rank) -> [0, rank); fails naming `what` otherwise.
  int64_t normalizeAxis(int64_t axis, int64_t rank,
                        const std::string &what = "axis") const;
  void requireFloating(int i) const;
  void requireSameDType(int i, int j) const;
  void requireRank(int i, int64_t rank, const std::string &what) const;
  // Numpy-style broadcast of two shapes.
  Shape broadcast(const Shape &a, const Shape &b) const;

private:
  const AttrValue *attr(const std::string &name) const;

  const OpSchema &schema_;
  std::vector<const TensorType *> inputs_;
  std::vector<const TensorData *> constants_;
  const Attributes &attrs_;
  int numOutputs_;
};

// Registration hooks, one per op family file (Infer*.cpp).
void registerElementwiseOps(std::vector<OpSchema> &table);
void registerLinalgOps(std::vector<OpSchema> &table);
void registerConvPoolOps(std::vector<OpSchema> &table);
void registerNormalizationOps(std::vector<OpSchema> &table);
void registerShapeOps(std::vector<OpSchema> &table);
void registerReductionOps(std::vector<OpSchema> &table);
void registerGradientOp(std::vector<OpSchema> &table);

} // namespace dlc::graph::detail
