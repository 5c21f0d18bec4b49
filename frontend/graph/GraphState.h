//===- GraphState.h - the shared state behind Graph and Tensor handles ---===//
// Internal to frontend/graph: used by Graph.cpp and the ONNX serializer.
#pragma once

#include "frontend/graph/Graph.h"

#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace dlc::graph::detail {

struct GraphState {
  std::string name;
  std::vector<Value> values;
  std::vector<Node> nodes;
  std::vector<int> inputs;
  std::vector<int> outputs;
  std::map<int, TensorData> initialValues; // by value id, creation order
  std::vector<int> initializerOrder;
  std::set<int> trainable;
  std::unordered_set<std::string> valueNames;
  std::unordered_set<std::string> nodeNames;
  std::unordered_set<std::string> layerNames;
  std::unordered_map<std::string, int> nameCounters;
  std::vector<std::string> scopes;
  std::mt19937_64 rng;

  // `base`, or `base_N` with the smallest N that is free.
  std::string uniqueName(const std::string &base,
                         std::unordered_set<std::string> &taken);
  // The current scope path joined with "/", then `name`.
  std::string scoped(const std::string &name) const;
  int addValue(const std::string &name, TensorType type, Value::Kind kind,
               int node = -1);
  // Infers output types (throws Error) and appends the node. Empty output
  // names are generated from the node name.
  int appendNode(const std::string &opType, const std::string &nodeName,
                 const std::vector<int> &inputs, Attributes attrs,
                 const std::vector<std::string> &outputNames,
                 const std::string &domain = "");
};

} // namespace dlc::graph::detail
