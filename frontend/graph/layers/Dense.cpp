#include "frontend/graph/Layers.h"

namespace dlc::graph::layers {

Dense::Dense(int64_t units, std::string activation)
    : NamedLayer("dense"), units_(units), activation_(std::move(activation)) {
  if (units < 1)
    throw Error("dense", "units must be >= 1, got " + std::to_string(units));
}

void Dense::build(Graph &graph, const Tensor &x) {
  if (x.rank() < 1)
    fail("expects an input of rank >= 1, got " + x.type().str());
  kernel_ = graph.variable("kernel", {x.dim(-1), units_}, kernelInit_);
  if (useBias_)
    bias_ = graph.variable("bias", {units_}, biasInit_);
}

Tensor Dense::call(const Tensor &x) {
  if (x.rank() < 1 || x.dim(-1) != kernel_.dim(0))
    fail("expects inputs with last dim " + std::to_string(kernel_.dim(0)) +
         ", got " + x.type().str());
  Tensor y;
  if (x.rank() == 2) {
    y = ops::gemm(x, kernel_, bias_); // one op, the form BLAS calls take
  } else {
    y = ops::matmul(x, kernel_);
    if (useBias_)
      y = y + bias_;
  }
  return activation(activation_, y);
}

} // namespace dlc::graph::layers
