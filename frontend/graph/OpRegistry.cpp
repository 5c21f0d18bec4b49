#include "frontend/graph/OpSchema.h"

#include "frontend/graph/Error.h"

#include <algorithm>

namespace dlc::graph::detail {

// Built on first use from explicit calls: static-library registration by
// global constructors would be dropped by the linker.
static const std::vector<OpSchema> &opTable() {
  static const std::vector<OpSchema> table = [] {
    std::vector<OpSchema> ops;
    registerElementwiseOps(ops);
    registerLinalgOps(ops);
    registerConvPoolOps(ops);
    registerNormalizationOps(ops);
    registerShapeOps(ops);
    registerReductionOps(ops);
    registerGradientOp(ops);
    return ops;
  }();
  return table;
}

const OpSchema *findOpSchema(const std::string &onnxType, const std::string &domain) {
  for (const OpSchema &schema : opTable())
    if (schema.onnxType == onnxType && schema.domain == domain)
      return &schema;
  return nullptr;
}

std::vector<std::string> supportedOps() {
  std::vector<std::string> names;
  for (const OpSchema &schema : opTable())
    names.push_back(schema.onnxType);
  std::sort(names.begin(), names.end());
  return names;
}

void InferContext::fail(const std::string &message) const {
  throw Error(schema_.apiName, message);
}

const TensorType &InferContext::input(int i) const {
  if (!hasInput(i))
    fail("input " + std::to_string(i) + " is required");
  return *inputs_[i];
}

std::vector<int64_t> InferContext::constantInts(int i,
                                                const std::string &what) const {
  const TensorData *data = constant(i);
  if (!data)
    fail(what + " must be a constant (an initializer)");
  if (!isInteger(data->dtype()) || data->shape().size() > 1)
    fail(what + " must be a 1-D int tensor, got " + data->type().str());
  return data->toInt64s();
}

const AttrValue *InferContext::attr(const std::string &name) const {
  auto it = attrs_.find(name);
  return it == attrs_.end() ? nullptr : &it->second;
}

int64_t InferContext::attrInt(const std::string &name, int64_t fallback) const {
  const AttrValue *value = attr(name);
  if (!value)
    return fallback;
  if (auto *number = std::get_if<int64_t>(value))
    return *number;
  fail("attribute '" + name + "' must be an int");
}

float InferContext::attrFloat(const std::string &name, float fallback) const {
  const AttrValue *value = attr(name);
  if (!value)
    return fallback;
  if (auto *number = std::get_if<float>(value))
    return *number;
  fail("attribute '" + name + "' must be a float");
}

std::string InferContext::attrString(const std::string &name,
                                     const std::string &fallback) const {
  const AttrValue *value = attr(name);
  if (!value)
    return fallback;
  if (auto *text = std::get_if<std::string>(value))
    return *text;
  fail("attribute '" + name + "' must be a string");
}

std::vector<int64_t>
InferContext::attrInts(const std::string &name,
                       const std::vector<int64_t> &fallback) const {
  const AttrValue *value = attr(name);
  if (!value)
    return fallback;
  if (auto *numbers = std::get_if<std::vector<int64_t>>(value))
    return *numbers;
  fail("attribute '" + name + "' must be a list of ints");
}

std::vector<std::string>
InferContext::attrStrings(const std::string &name,
                          const std::vector<std::string> &fallback) const {
  const AttrValue *value = attr(name);
  if (!value)
    return fallback;
  if (auto *strings = std::get_if<std::vector<std::string>>(value))
    return *strings;
  fail("attribute '" + name + "' must be a list of strings");
}

int64_t InferContext::normalizeAxis(int64_t axis, int64_t rank,
                                    const std::string &what) const {
  if (axis < -rank || axis >= rank)
    fail(what + " " + std::to_string(axis) + " is out of range for rank " +
         std::to_string(rank));
  return axis < 0 ? axis + rank : axis;
}

void InferContext::requireFloating(int i) const {
  if (!isFloating(dtype(i)))
    fail("expects a floating-point tensor, got " + input(i).str());
}

void InferContext::requireSameDType(int i, int j) const {
  if (dtype(i) != dtype(j))
    fail("dtype mismatch: " + toString(dtype(i)) + " vs " +
         toString(dtype(j)));
}

void InferContext::requireRank(int i, int64_t rank,
                               const std::string &what) const {
  if (this->rank(i) != rank)
    fail(what + " must have rank " + std::to_string(rank) + ", got " +
         toString(shape(i)));
}

Shape InferContext::broadcast(const Shape &a, const Shape &b) const {
  size_t rank = std::max(a.size(), b.size());
  Shape result(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      fail("cannot broadcast " + toString(a) + " and " + toString(b));
    result[i] = da == 1 ? db : da;
  }
  return result;
}

} // namespace dlc::graph::detail
