#include "frontend/graph/OpsSupport.h"

namespace dlc::graph::ops::support {

Graph graphOf(const std::string &op, const std::vector<Tensor> &inputs) {
  for (const Tensor &input : inputs)
    if (input.valid())
      return input.graph();
  throw Error(op, "needs at least one input tensor");
}

Tensor single(const std::string &opType, const std::string &op,
              const std::vector<Tensor> &inputs, Attributes attrs) {
  return graphOf(op, inputs).addNode(opType, inputs, std::move(attrs))[0];
}

Tensor intsConstant(const Tensor &like, const std::vector<int64_t> &values) {
  return like.graph().constant(
      TensorData::fromInt64s({int64_t(values.size())}, values));
}

Tensor scalarLike(const Tensor &like, double value) {
  return like.graph().scalar(value, like.dtype());
}

} // namespace dlc::graph::ops::support
