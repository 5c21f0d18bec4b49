//===- OpsSupport.h - helpers shared by the Ops*.cpp builders ------------===//
#pragma once

#include "frontend/graph/Ops.h"

namespace dlc::graph::ops::support {

// The graph of the first present input; throws Error(op) when there is none.
Graph graphOf(const std::string &op, const std::vector<Tensor> &inputs);

// Adds a single-output node to the inputs' graph.
Tensor single(const std::string &opType, const std::string &op,
              const std::vector<Tensor> &inputs, Attributes attrs = {});

// A 1-D int64 constant in the graph of `like`.
Tensor intsConstant(const Tensor &like, const std::vector<int64_t> &values);

// A scalar constant of `like`'s dtype.
Tensor scalarLike(const Tensor &like, double value);

} // namespace dlc::graph::ops::support
