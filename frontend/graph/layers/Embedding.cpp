#include "frontend/graph/Layers.h"

namespace dlc::graph::layers {

void Embedding::build(Graph &graph, const Tensor &x) {
  (void)x;
  if (inputDim_ < 1 || outputDim_ < 1)
    fail("inputDim and outputDim must be >= 1");
  embeddings_ = graph.variable("embeddings", {inputDim_, outputDim_}, init_);
}

Tensor Embedding::call(const Tensor &x) {
  if (x.dtype() != DType::Int64 && x.dtype() != DType::Int32)
    fail("expects int32/int64 ids, got " + x.type().str());
  return ops::gather(embeddings_, x, 0);
}

} // namespace dlc::graph::layers
