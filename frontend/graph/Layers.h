//===- Layers.h - Keras-style layers on top of the graph ops -------------===//
//
//   Graph g(/*seed=*/42);
//   Tensor x = g.input("x", DType::Float32, {1, 784});
//   Tensor y = layers::Sequential({layers::Dense(128, "relu"),
//                                  layers::Dense(10, "softmax")})(x);
//   g.output(y, "probs");
//
// Layout is ONNX's: images are NCHW, so Conv2D/pooling/BatchNorm use axis 1
// for channels (Keras' default is channels-last).
#pragma once

#include "frontend/graph/Ops.h"

#include <memory>
#include <type_traits>

namespace dlc::graph::layers {

// Applies an activation by Keras name: "linear" (or ""), "relu", "relu6",
// "sigmoid", "tanh", "softmax", "log_softmax", "gelu", "leaky_relu",
// "swish" / "silu", "exponential". Throws Error for other names.
Tensor activation(const std::string &name, const Tensor &x);
// Concatenates along `axis` (default: the last), the functional-API merge.
Tensor concatenate(const std::vector<Tensor> &inputs, int64_t axis = -1);
// Elementwise sum of equally shaped tensors (residual connections).
Tensor add(const std::vector<Tensor> &inputs);

// A layer is a callable that creates its weights on the first call (when the
// input shape is known) and reuses them on later calls: calling one layer
// object twice shares its weights. Nodes and weights are named under the
// layer's name ("dense_1/kernel", "dense_1/Gemm").
class Layer {
public:
  virtual ~Layer() = default;
  Tensor operator()(const Tensor &x);
  // Before the first call: the name given with named() or empty.
  const std::string &name() const { return name_; }
  void setName(std::string name) { name_ = std::move(name); }

protected:
  // `kind` is the Keras base name ("dense"), also used in error messages.
  explicit Layer(std::string kind) : kind_(std::move(kind)) {}
  virtual void build(Graph &graph, const Tensor &x) { (void)graph, (void)x; }
  virtual Tensor call(const Tensor &x) = 0;
  // Throws Error("<kind> '<name>'", message).
  [[noreturn]] void fail(const std::string &message) const;

private:
  std::string kind_;
  std::string name_;
  std::shared_ptr<void> builtIn_; // the graph the weights live in
};

// Adds the fluent named() to a concrete layer type.
template <typename Self> class NamedLayer : public Layer {
public:
  Self &named(std::string name) {
    setName(std::move(name));
    return static_cast<Self &>(*this);
  }

protected:
  using Layer::Layer;
};

// A shared handle to any layer, so containers can hold them by value.
class LayerRef {
public:
  template <typename L, typename = std::enable_if_t<
                            std::is_base_of_v<Layer, std::decay_t<L>>>>
  LayerRef(L &&layer)
      : layer_(std::make_shared<std::decay_t<L>>(std::forward<L>(layer))) {}
  LayerRef(std::shared_ptr<Layer> layer) : layer_(std::move(layer)) {}

  Tensor operator()(const Tensor &x) const { return (*layer_)(x); }
  Layer &get() const { return *layer_; }

private:
  std::shared_ptr<Layer> layer_;
};

// Kernel sizes and strides: Size2(5) is 5x5, Size2(3, 1) is 3 high, 1 wide.
struct Size2 {
  int64_t h, w;
  Size2(int64_t size) : h(size), w(size) {}
  Size2(int64_t h, int64_t w) : h(h), w(w) {}
};

// y = activation(x @ kernel + bias); kernel [in, units]. A 2-D input becomes
// one Gemm, higher ranks MatMul + Add over the last dim.
class Dense : public NamedLayer<Dense> {
public:
  explicit Dense(int64_t units, std::string activation = "linear");
  Dense &useBias(bool use) { useBias_ = use; return *this; }
  Dense &kernelInitializer(Initializer init) { kernelInit_ = init; return *this; }
  Dense &biasInitializer(Initializer init) { biasInit_ = init; return *this; }

private:
  void build(Graph &graph, const Tensor &x) override;
  Tensor call(const Tensor &x) override;

  int64_t units_;
  std::string activation_;
  bool useBias_ = true;
  Initializer kernelInit_ = Initializer::glorotUniform();
  Initializer biasInit_ = Initializer::zeros();
  Tensor kernel_, bias_;
};

// 2-D convolution on NCHW input; weight [filters, C, kh, kw]. padding "same"
// pads like TensorFlow (extra padding at the end), "valid" does not pad.
class Conv2D : public NamedLayer<Conv2D> {
public:
  Conv2D(int64_t filters, Size2 kernel, Size2 strides = 1,
         std::string padding = "valid", std::string activation = "linear");
  Conv2D &dilation(Size2 rate) { dilation_ = rate; return *this; }
  Conv2D &useBias(bool use) { useBias_ = use; return *this; }
  Conv2D &kernelInitializer(Initializer init) { kernelInit_ = init; return *this; }
  Conv2D &biasInitializer(Initializer init) { biasInit_ = init; return *this; }

private:
  void build(Graph &graph, const Tensor &x) override;
  Tensor call(const Tensor &x) override;

  int64_t filters_;
  Size2 kernel_, strides_, dilation_ = 1;
  std::string padding_, activation_;
  bool useBias_ = true;
  Initializer kernelInit_ = Initializer::glorotUniform();
  Initializer biasInit_ = Initializer::zeros();
  Tensor weight_, bias_;
};

// Pooling on NCHW input. strides 0 (the default) means "same as pool size".
class MaxPool2D : public NamedLayer<MaxPool2D> {
public:
  explicit MaxPool2D(Size2 poolSize = 2, Size2 strides = 0,
                     std::string padding = "valid");

private:
  Tensor call(const Tensor &x) override;
  Size2 poolSize_, strides_;
  std::string padding_;
};

class AveragePool2D : public NamedLayer<AveragePool2D> {
public:
  explicit AveragePool2D(Size2 poolSize = 2, Size2 strides = 0,
                         std::string padding = "valid");

private:
  Tensor call(const Tensor &x) override;
  Size2 poolSize_, strides_;
  std::string padding_;
};

// [N, C, H, W] -> [N, C].
class GlobalAveragePooling2D : public NamedLayer<GlobalAveragePooling2D> {
public:
  GlobalAveragePooling2D() : NamedLayer("global_average_pooling2d") {}

private:
  Tensor call(const Tensor &x) override;
};

// [N, ...] -> [N, prod(...)].
class Flatten : public NamedLayer<Flatten> {
public:
  Flatten() : NamedLayer("flatten") {}

private:
  Tensor call(const Tensor &x) override;
};

// Inference graph: an ONNX Dropout that is the identity at run time.
class Dropout : public NamedLayer<Dropout> {
public:
  explicit Dropout(float rate) : NamedLayer("dropout"), rate_(rate) {}

private:
  Tensor call(const Tensor &x) override;
  float rate_;
};

class Activation : public NamedLayer<Activation> {
public:
  explicit Activation(std::string name)
      : NamedLayer("activation"), activation_(std::move(name)) {}

private:
  Tensor call(const Tensor &x) override;
  std::string activation_;
};

// Batch normalization over axis 1 (channels of NCHW, features of [N, C]).
// gamma/beta are trainable; moving_mean/moving_variance are constants.
class BatchNorm : public NamedLayer<BatchNorm> {
public:
  explicit BatchNorm(float epsilon = 1e-3f, float momentum = 0.99f)
      : NamedLayer("batch_normalization"), epsilon_(epsilon),
        momentum_(momentum) {}

private:
  void build(Graph &graph, const Tensor &x) override;
  Tensor call(const Tensor &x) override;
  float epsilon_, momentum_;
  Tensor gamma_, beta_, movingMean_, movingVariance_;
};
using BatchNormalization = BatchNorm;

// Layer normalization over the last dim.
class LayerNorm : public NamedLayer<LayerNorm> {
public:
  explicit LayerNorm(float epsilon = 1e-3f)
      : NamedLayer("layer_normalization"), epsilon_(epsilon) {}

private:
  void build(Graph &graph, const Tensor &x) override;
  Tensor call(const Tensor &x) override;
  float epsilon_;
  Tensor gamma_, beta_;
};
using LayerNormalization = LayerNorm;

// Integer ids [...] -> vectors [..., outputDim] through a Gather.
class Embedding : public NamedLayer<Embedding> {
public:
  Embedding(int64_t inputDim, int64_t outputDim)
      : NamedLayer("embedding"), inputDim_(inputDim), outputDim_(outputDim) {}
  Embedding &embeddingsInitializer(Initializer init) { init_ = init; return *this; }

private:
  void build(Graph &graph, const Tensor &x) override;
  Tensor call(const Tensor &x) override;
  int64_t inputDim_, outputDim_;
  Initializer init_ = "random_uniform";
  Tensor embeddings_;
};

// Keras LSTM on [batch, time, features], unrolled over the static time dim
// into MatMul/Gather/Split/Sigmoid/Tanh/Mul/Add so dlc compiles it (no ONNX
// LSTM op). Gate order i, f, c, o; kernel [F, 4U], recurrent [U, 4U].
// Returns [batch, units], or [batch, time, units] with returnSequences.
class LSTM : public NamedLayer<LSTM> {
public:
  explicit LSTM(int64_t units, bool returnSequences = false)
      : NamedLayer("lstm"), units_(units), returnSequences_(returnSequences) {}
  LSTM &kernelInitializer(Initializer init) { kernelInit_ = init; return *this; }
  LSTM &recurrentInitializer(Initializer init) { recurrentInit_ = init; return *this; }
  // Keras' unit_forget_bias: the forget gate bias starts at 1.
  LSTM &unitForgetBias(bool use) { unitForgetBias_ = use; return *this; }

private:
  void build(Graph &graph, const Tensor &x) override;
  Tensor call(const Tensor &x) override;
  int64_t units_;
  bool returnSequences_;
  bool unitForgetBias_ = true;
  Initializer kernelInit_ = Initializer::glorotUniform();
  Initializer recurrentInit_ = Initializer::orthogonal();
  Tensor kernel_, recurrent_, bias_;
};

// Layers applied in order; itself a layer, so it nests and reuses weights.
class Sequential : public NamedLayer<Sequential> {
public:
  Sequential() : NamedLayer("sequential") {}
  Sequential(std::vector<LayerRef> layers)
      : NamedLayer("sequential"), layers_(std::move(layers)) {}
  Sequential &add(LayerRef layer) {
    layers_.push_back(std::move(layer));
    return *this;
  }
  const std::vector<LayerRef> &layers() const { return layers_; }

private:
  Tensor call(const Tensor &x) override;
  std::vector<LayerRef> layers_;
};

} // namespace dlc::graph::layers
