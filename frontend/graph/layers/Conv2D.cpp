#include "frontend/graph/Layers.h"
#include "frontend/graph/layers/SamePadding.h"

namespace dlc::graph::layers {

Conv2D::Conv2D(int64_t filters, Size2 kernel, Size2 strides,
               std::string padding, std::string activation)
    : NamedLayer("conv2d"), filters_(filters), kernel_(kernel),
      strides_(strides), padding_(std::move(padding)),
      activation_(std::move(activation)) {
  if (filters < 1 || kernel.h < 1 || kernel.w < 1 || strides.h < 1 ||
      strides.w < 1)
    throw Error("conv2d", "filters, kernel and strides must be >= 1");
  if (padding_ != "same" && padding_ != "valid")
    throw Error("conv2d", "padding must be \"same\" or \"valid\", got \"" +
                              padding_ + "\"");
}

void Conv2D::build(Graph &graph, const Tensor &x) {
  if (x.rank() != 4)
    fail("expects NCHW input of rank 4, got " + x.type().str());
  weight_ = graph.variable("kernel", {filters_, x.dim(1), kernel_.h, kernel_.w},
                           kernelInit_);
  if (useBias_)
    bias_ = graph.variable("bias", {filters_}, biasInit_);
}

Tensor Conv2D::call(const Tensor &x) {
  if (x.rank() != 4)
    fail("expects NCHW input of rank 4, got " + x.type().str());
  ops::ConvOptions options;
  options.strides = {strides_.h, strides_.w};
  options.dilations = {dilation_.h, dilation_.w};
  if (padding_ == "same")
    options.pads = samePads({x.dim(2), x.dim(3)}, {kernel_.h, kernel_.w},
                            options.strides, options.dilations);
  return activation(activation_, ops::conv(x, weight_, bias_, options));
}

} // namespace dlc::graph::layers
