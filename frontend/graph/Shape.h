//===- Shape.h - static shapes and tensor types ---------------------------===//
#pragma once

#include "frontend/graph/DType.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dlc::graph {

// Every dim is known (>= 0): the graph API builds static graphs, which is
// what the dlc compiler plans memory for.
using Shape = std::vector<int64_t>;

std::string toString(const Shape &shape); // "[2,3]"
int64_t numElements(const Shape &shape);

struct TensorType {
  DType dtype = DType::Float32;
  Shape shape;

  std::string str() const; // "float32[2,3]"
  bool operator==(const TensorType &other) const {
    return dtype == other.dtype && shape == other.shape;
  }
  bool operator!=(const TensorType &other) const { return !(*this == other); }
};

} // namespace dlc::graph
