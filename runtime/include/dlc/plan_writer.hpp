// Builds plan blobs (runtime/include/dlc/plan.h) from plain C++ tables: used
// by the compiler to emit plans and by tests to make plans by hand.
#ifndef DLC_PLAN_WRITER_HPP
#define DLC_PLAN_WRITER_HPP

#include "dlc/plan.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dlc {

struct PlanTensor {
  std::string name;
  int32_t dtype = DLC_DTYPE_UNDEFINED;
  std::vector<int64_t> shape;
  dlc_storage storage = DLC_STORAGE_ARENA;
  uint64_t offset = 0; // arena/weights offset or binding index
  uint64_t bytes = 0;
};

struct PlanNode {
  dlc_node_kind kind = DLC_NODE_CPU_FN;
  uint32_t kernel = 0; // index into GraphPlan::kernelSymbols
  std::string name;    // ONNX node name (from the op location)
  std::string op;      // dlc op name
  std::vector<uint32_t> inputs, outputs, deps;
};

/// Everything the runtime needs, before serialization into the plan blob.
struct GraphPlan {
  std::string modelName;
  std::vector<PlanTensor> tensors;
  std::vector<PlanNode> nodes; // topological order
  std::vector<uint32_t> inputs, outputs;
  std::vector<uint8_t> weights;
  uint64_t arenaBytes = 0;
  std::vector<std::string> kernelSymbols; // plan-ABI entry symbol per kernel
};

/// Serializes to the blob layout of plan.h: header, 8-byte aligned tables,
/// 64-byte aligned weights. Pure function; thread-safe.
std::vector<uint8_t> serializePlan(const GraphPlan &plan);

} // namespace dlc

#endif // DLC_PLAN_WRITER_HPP
