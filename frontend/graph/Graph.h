//===- Graph.h - Graph and Tensor, the core of the graph-building API ----===//
#pragma once

#include "frontend/graph/Attributes.h"
#include "frontend/graph/DType.h"
#include "frontend/graph/Error.h"
#include "frontend/graph/Initializers.h"
#include "frontend/graph/Shape.h"
#include "frontend/graph/TensorData.h"

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace dlc::graph {

namespace detail {
struct GraphState;
}

// A named value of the graph: a graph input, an initializer or a node output.
struct Value {
  enum class Kind { Input, Initializer, NodeOutput };
  std::string name;
  TensorType type;
  Kind kind = Kind::NodeOutput;
  int node = -1; // producing node for NodeOutput
};

// One ONNX node. Inputs/outputs are value ids; -1 is an omitted optional input.
struct Node {
  std::string opType;
  std::string name;
  std::vector<int> inputs;
  std::vector<int> outputs;
  Attributes attrs;
  std::string domain; // "" = the default ONNX domain
};

class Graph;

// A handle to one value of a Graph. Cheap to copy; keeps its graph alive.
// A default-constructed Tensor is "absent" (an omitted optional input).
class Tensor {
public:
  Tensor() = default;

  bool valid() const { return state_ != nullptr; }
  int id() const { return id_; }
  const std::string &name() const;
  const TensorType &type() const;
  DType dtype() const { return type().dtype; }
  const Shape &shape() const { return type().shape; }
  int64_t rank() const { return int64_t(shape().size()); }
  // dim(-1) is the last dim. Throws Error when out of range.
  int64_t dim(int64_t axis) const;
  Graph graph() const;

private:
  friend class Graph;
  Tensor(std::shared_ptr<detail::GraphState> state, int id)
      : state_(std::move(state)), id_(id) {}
  const Value &value() const;

  std::shared_ptr<detail::GraphState> state_;
  int id_ = -1;
};

// A dataflow graph that serializes to an ONNX model (opset 17, IR 8).
// Graph is a handle too: copies (and Tensor::graph()) refer to the same graph.
class Graph {
public:
  // `seed` seeds the std::mt19937_64 all initializers draw from, so building
  // the same model with the same seed gives bit-identical weights.
  explicit Graph(uint64_t seed = 0, std::string name = "dlc_graph");

  Tensor input(const std::string &name, DType dtype, Shape shape);
  // A trainable initializer.
  Tensor variable(const std::string &name, TensorData initial);
  // A float32 variable drawn from `initializer`; fans default to
  // computeFans(shape) (ONNX weight layouts).
  Tensor variable(const std::string &name, Shape shape,
                  const Initializer &initializer);
  Tensor variable(const std::string &name, Shape shape,
                  const Initializer &initializer, Fans fans);
  // A non-trainable initializer; an empty name picks "Constant", "Constant_1"...
  Tensor constant(TensorData value, const std::string &name = "");
  Tensor scalar(double value, DType dtype = DType::Float32);
  // Marks `tensor` as a graph output named `name` (default: keep its name).
  void output(const Tensor &tensor, const std::string &name = "");

  // Adds one node after inferring its output types; throws Error naming the
  // op when inputs/attributes are invalid. Absent Tensors are omitted inputs.
  // `domain` "" is the default ONNX domain.
  std::vector<Tensor> addNode(const std::string &opType,
                              const std::vector<Tensor> &inputs,
                              Attributes attrs = {}, int numOutputs = 1,
                              const std::string &domain = "");

  // Node names created while a Scope is alive are prefixed "scope/".
  class Scope {
  public:
    Scope(const Graph &graph, const std::string &name);
    ~Scope();
    Scope(const Scope &) = delete;
    Scope &operator=(const Scope &) = delete;

  private:
    std::shared_ptr<detail::GraphState> state_;
  };
  // "dense", then "dense_1", "dense_2"... (Keras layer naming).
  std::string uniqueLayerName(const std::string &base) const;

  std::mt19937_64 &rng() const;
  void setSeed(uint64_t seed);

  const std::string &name() const;
  const std::vector<Node> &nodes() const;
  const Value &value(int id) const;
  Tensor tensor(int id) const;
  // Throws Error when no value has that name.
  Tensor tensor(const std::string &name) const;
  std::vector<Tensor> inputs() const;
  std::vector<Tensor> outputs() const;
  std::vector<Tensor> initializers() const;
  // The initial value of an initializer, nullptr for other values.
  const TensorData *initialValue(const Tensor &tensor) const;
  bool isTrainable(const Tensor &tensor) const;

  // ONNX serialization (OnnxSerializer.cpp). save/saveText write binary /
  // protobuf text format; load/loadText accept opset 13..17 models.
  void save(const std::string &path) const;
  void saveText(const std::string &path) const;
  static Graph load(const std::string &path);
  static Graph loadText(const std::string &path);

  std::shared_ptr<detail::GraphState> state() const { return state_; }
  explicit Graph(std::shared_ptr<detail::GraphState> state)
      : state_(std::move(state)) {}

private:
  Tensor makeInitializer(const std::string &name, TensorData data,
                         bool trainable);

  std::shared_ptr<detail::GraphState> state_;
};

} // namespace dlc::graph
