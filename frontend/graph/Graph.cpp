#include "frontend/graph/Graph.h"

#include "frontend/graph/GraphState.h"
#include "frontend/graph/OpSchema.h"

namespace dlc::graph {

//===----------------------------------------------------------------------===//
// Tensor
//===----------------------------------------------------------------------===//

const Value &Tensor::value() const {
  if (!state_)
    throw Error("tensor", "use of an absent (default-constructed) Tensor");
  return state_->values[size_t(id_)];
}

const std::string &Tensor::name() const { return value().name; }
const TensorType &Tensor::type() const { return value().type; }

int64_t Tensor::dim(int64_t axis) const {
  int64_t r = rank();
  if (axis < -r || axis >= r)
    throw Error("dim", "axis " + std::to_string(axis) +
                           " is out of range for " + type().str());
  return shape()[size_t(axis < 0 ? axis + r : axis)];
}

Graph Tensor::graph() const {
  value(); // throws for an absent tensor
  return Graph(state_);
}

//===----------------------------------------------------------------------===//
// GraphState
//===----------------------------------------------------------------------===//

namespace detail {

std::string GraphState::uniqueName(const std::string &base,
                                   std::unordered_set<std::string> &taken) {
  std::string name = base;
  int &counter = nameCounters[base];
  while (taken.count(name))
    name = base + "_" + std::to_string(++counter);
  taken.insert(name);
  return name;
}

std::string GraphState::scoped(const std::string &name) const {
  std::string path;
  for (const std::string &scope : scopes)
    path += scope + "/";
  return path + name;
}

int GraphState::addValue(const std::string &name, TensorType type,
                         Value::Kind kind, int node) {
  values.push_back({name, std::move(type), kind, node});
  return int(values.size()) - 1;
}

int GraphState::appendNode(const std::string &opType,
                           const std::string &nodeName,
                           const std::vector<int> &inputIds, Attributes attrs,
                           const std::vector<std::string> &outputNames,
                           const std::string &domain) {
  const OpSchema *schema = findOpSchema(opType, domain);
  if (!schema)
    throw Error(opType, domain.empty() ? "unsupported op"
                                       : "unsupported op (domain '" + domain + "')");
  int numInputs = int(inputIds.size()), numOutputs = int(outputNames.size());
  auto range = [](int lo, int hi) {
    return lo == hi ? std::to_string(lo)
                    : std::to_string(lo) + ".." +
                          (hi >= (1 << 20) ? "" : std::to_string(hi));
  };
  if (numInputs < schema->minInputs || numInputs > schema->maxInputs)
    throw Error(schema->apiName, "expects " +
                                     range(schema->minInputs, schema->maxInputs) +
                                     " inputs, got " + std::to_string(numInputs));
  if (numOutputs < schema->minOutputs || numOutputs > schema->maxOutputs)
    throw Error(schema->apiName,
                "produces " + range(schema->minOutputs, schema->maxOutputs) +
                    " outputs, " + std::to_string(numOutputs) + " requested");

  std::vector<const TensorType *> types;
  std::vector<const TensorData *> constants;
  for (int id : inputIds) {
    types.push_back(id < 0 ? nullptr : &values[size_t(id)].type);
    auto it = initialValues.find(id);
    constants.push_back(it == initialValues.end() ? nullptr : &it->second);
  }
  InferContext context(*schema, types, constants, attrs, numOutputs);
  std::vector<TensorType> outputTypes = schema->infer(context);

  Node node{opType, nodeName, inputIds, {}, std::move(attrs), domain};
  int nodeIndex = int(nodes.size());
  for (int i = 0; i < numOutputs; ++i) {
    std::string name = outputNames[size_t(i)];
    if (name.empty())
      name = uniqueName(nodeName + "_output_" + std::to_string(i), valueNames);
    else if (!valueNames.insert(name).second)
      throw Error(schema->apiName, "output name '" + name + "' is already used");
    node.outputs.push_back(
        addValue(name, outputTypes[size_t(i)], Value::Kind::NodeOutput, nodeIndex));
  }
  if (!nodeName.empty())
    nodeNames.insert(nodeName);
  nodes.push_back(std::move(node));
  return nodeIndex;
}

} // namespace detail

//===----------------------------------------------------------------------===//
// Graph
//===----------------------------------------------------------------------===//

Graph::Graph(uint64_t seed, std::string name)
    : state_(std::make_shared<detail::GraphState>()) {
  state_->name = std::move(name);
  state_->rng.seed(seed);
}

Tensor Graph::input(const std::string &name, DType dtype, Shape shape) {
  for (int64_t dim : shape)
    if (dim < 0)
      throw Error("input", "'" + name + "' has a negative dim in " +
                               toString(shape) + " (shapes are static)");
  if (name.empty() || !state_->valueNames.insert(name).second)
    throw Error("input", "name '" + name + "' is empty or already used");
  int id = state_->addValue(name, {dtype, std::move(shape)}, Value::Kind::Input);
  state_->inputs.push_back(id);
  return Tensor(state_, id);
}

Tensor Graph::makeInitializer(const std::string &name, TensorData data,
                              bool trainable) {
  int id = state_->addValue(name, data.type(), Value::Kind::Initializer);
  state_->initialValues.emplace(id, std::move(data));
  state_->initializerOrder.push_back(id);
  if (trainable)
    state_->trainable.insert(id);
  return Tensor(state_, id);
}

Tensor Graph::variable(const std::string &name, TensorData initial) {
  std::string fullName = state_->scoped(name);
  if (name.empty() || !state_->valueNames.insert(fullName).second)
    throw Error("variable", "name '" + fullName + "' is empty or already used");
  return makeInitializer(fullName, std::move(initial), true);
}

Tensor Graph::variable(const std::string &name, Shape shape,
                       const Initializer &initializer) {
  Fans fans = computeFans(shape);
  return variable(name, std::move(shape), initializer, fans);
}

Tensor Graph::variable(const std::string &name, Shape shape,
                       const Initializer &initializer, Fans fans) {
  std::vector<float> values = initializer.generate(shape, fans, state_->rng);
  return variable(name, TensorData::fromFloats(std::move(shape), values));
}

Tensor Graph::constant(TensorData value, const std::string &name) {
  std::string fullName;
  if (name.empty())
    fullName = state_->uniqueName(state_->scoped("Constant"), state_->valueNames);
  else if (state_->valueNames.insert(fullName = state_->scoped(name)).second == false)
    throw Error("constant", "name '" + fullName + "' is already used");
  return makeInitializer(fullName, std::move(value), false);
}

Tensor Graph::scalar(double value, DType dtype) {
  return constant(TensorData::scalar(dtype, value));
}

// Gradient nodes name their y, xs and zs in attributes: keep those in step
// when output() renames a value.
static void renameInGradientAttributes(std::vector<Node> &nodes, const std::string &from,
                                       const std::string &to) {
  for (Node &node : nodes) {
    if (node.domain != detail::kTrainingDomain)
      continue;
    for (auto &[key, attr] : node.attrs) {
      if (auto *name = std::get_if<std::string>(&attr); name && *name == from)
        *name = to;
      if (auto *names = std::get_if<std::vector<std::string>>(&attr))
        for (std::string &n : *names)
          if (n == from)
            n = to;
    }
  }
}

void Graph::output(const Tensor &tensor, const std::string &name) {
  if (!tensor.valid() || tensor.state_ != state_)
    throw Error("output", "tensor does not belong to this graph");
  Value &value = state_->values[size_t(tensor.id())];
  std::string outputName = name.empty() ? value.name : name;
  bool alreadyOutput = false;
  for (int id : state_->outputs)
    alreadyOutput |= id == tensor.id();

  if (value.kind == Value::Kind::NodeOutput && !alreadyOutput) {
    if (outputName != value.name) {
      if (!state_->valueNames.insert(outputName).second)
        throw Error("output", "name '" + outputName + "' is already used");
      state_->valueNames.erase(value.name);
      renameInGradientAttributes(state_->nodes, value.name, outputName);
      value.name = outputName;
    }
    state_->outputs.push_back(tensor.id());
    return;
  }
  // Inputs, initializers and repeated outputs need a node of their own.
  if (state_->valueNames.count(outputName))
    throw Error("output", "name '" + outputName +
                              "' is already used; pass another output name");
  std::string nodeName = state_->uniqueName("Identity", state_->nodeNames);
  int node = state_->appendNode("Identity", nodeName, {tensor.id()}, {},
                                {outputName});
  state_->outputs.push_back(state_->nodes[size_t(node)].outputs[0]);
}

std::vector<Tensor> Graph::addNode(const std::string &opType,
                                   const std::vector<Tensor> &inputs,
                                   Attributes attrs, int numOutputs,
                                   const std::string &domain) {
  std::vector<int> ids;
  for (const Tensor &input : inputs) {
    if (input.valid() && input.state_ != state_) {
      const detail::OpSchema *schema = detail::findOpSchema(opType, domain);
      throw Error(schema ? schema->apiName : opType,
                  "inputs come from different graphs");
    }
    ids.push_back(input.valid() ? input.id() : -1);
  }
  // Trailing omitted inputs are dropped, as ONNX writes them.
  while (!ids.empty() && ids.back() < 0)
    ids.pop_back();
  std::string nodeName =
      state_->uniqueName(state_->scoped(opType), state_->nodeNames);
  state_->nodeNames.erase(nodeName); // appendNode records it once inference passed
  int node = state_->appendNode(opType, nodeName, ids, std::move(attrs),
                                std::vector<std::string>(size_t(numOutputs)), domain);
  std::vector<Tensor> outputs;
  for (int id : state_->nodes[size_t(node)].outputs)
    outputs.push_back(Tensor(state_, id));
  return outputs;
}

Graph::Scope::Scope(const Graph &graph, const std::string &name)
    : state_(graph.state_) {
  state_->scopes.push_back(name);
}

Graph::Scope::~Scope() { state_->scopes.pop_back(); }

std::string Graph::uniqueLayerName(const std::string &base) const {
  return state_->uniqueName(base, state_->layerNames);
}

std::mt19937_64 &Graph::rng() const { return state_->rng; }
void Graph::setSeed(uint64_t seed) { state_->rng.seed(seed); }
const std::string &Graph::name() const { return state_->name; }
const std::vector<Node> &Graph::nodes() const { return state_->nodes; }

const Value &Graph::value(int id) const {
  if (id < 0 || size_t(id) >= state_->values.size())
    throw Error("graph", "no value with id " + std::to_string(id));
  return state_->values[size_t(id)];
}

Tensor Graph::tensor(int id) const {
  value(id);
  return Tensor(state_, id);
}

Tensor Graph::tensor(const std::string &name) const {
  for (size_t id = 0; id < state_->values.size(); ++id)
    if (state_->values[id].name == name)
      return Tensor(state_, int(id));
  throw Error("graph", "no value named '" + name + "'");
}

static std::vector<Tensor> toTensors(const std::shared_ptr<detail::GraphState> &state,
                                     const std::vector<int> &ids) {
  std::vector<Tensor> tensors;
  for (int id : ids)
    tensors.push_back(Graph(state).tensor(id));
  return tensors;
}

std::vector<Tensor> Graph::inputs() const { return toTensors(state_, state_->inputs); }
std::vector<Tensor> Graph::outputs() const { return toTensors(state_, state_->outputs); }
std::vector<Tensor> Graph::initializers() const {
  return toTensors(state_, state_->initializerOrder);
}

const TensorData *Graph::initialValue(const Tensor &tensor) const {
  if (tensor.state_ != state_)
    return nullptr;
  auto it = state_->initialValues.find(tensor.id());
  return it == state_->initialValues.end() ? nullptr : &it->second;
}

bool Graph::isTrainable(const Tensor &tensor) const {
  return tensor.state_ == state_ && state_->trainable.count(tensor.id());
}

} // namespace dlc::graph
