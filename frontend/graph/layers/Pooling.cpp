#include "frontend/graph/Layers.h"
#include "frontend/graph/layers/SamePadding.h"

namespace dlc::graph::layers {

static void checkPadding(const std::string &layer, const std::string &padding) {
  if (padding != "same" && padding != "valid")
    throw Error(layer, "padding must be \"same\" or \"valid\", got \"" +
                           padding + "\"");
}

// strides 0 default to the pool size, as in Keras.
static ops::PoolOptions poolOptions(const Tensor &x, Size2 poolSize,
                                    Size2 strides, const std::string &padding) {
  ops::PoolOptions options;
  options.kernel = {poolSize.h, poolSize.w};
  options.strides = {strides.h ? strides.h : poolSize.h,
                     strides.w ? strides.w : poolSize.w};
  if (padding == "same" && x.rank() == 4)
    options.pads = samePads({x.dim(2), x.dim(3)}, options.kernel,
                            options.strides, {1, 1});
  return options;
}

MaxPool2D::MaxPool2D(Size2 poolSize, Size2 strides, std::string padding)
    : NamedLayer("max_pooling2d"), poolSize_(poolSize), strides_(strides),
      padding_(std::move(padding)) {
  checkPadding("max_pooling2d", padding_);
}

Tensor MaxPool2D::call(const Tensor &x) {
  if (x.rank() != 4)
    fail("expects NCHW input of rank 4, got " + x.type().str());
  return ops::maxPool(x, poolOptions(x, poolSize_, strides_, padding_));
}

AveragePool2D::AveragePool2D(Size2 poolSize, Size2 strides, std::string padding)
    : NamedLayer("average_pooling2d"), poolSize_(poolSize), strides_(strides),
      padding_(std::move(padding)) {
  checkPadding("average_pooling2d", padding_);
}

Tensor AveragePool2D::call(const Tensor &x) {
  if (x.rank() != 4)
    fail("expects NCHW input of rank 4, got " + x.type().str());
  // Padded cells are not counted, matching Keras' "same" average pooling.
  return ops::averagePool(x, poolOptions(x, poolSize_, strides_, padding_));
}

Tensor GlobalAveragePooling2D::call(const Tensor &x) {
  if (x.rank() != 4)
    fail("expects NCHW input of rank 4, got " + x.type().str());
  return ops::flatten(ops::globalAveragePool(x), 1);
}

} // namespace dlc::graph::layers
