// GraphPlan: the plan as plain tables, serialized in one call. Kept for the
// compiler's plan extraction; new code can use dlc::PlanBuilder directly.
#ifndef DLC_PLAN_WRITER_HPP
#define DLC_PLAN_WRITER_HPP

#include "dlc/plan_builder.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace dlc {

/// Everything the runtime needs, before serialization into the plan blob.
struct GraphPlan {
  std::string modelName;
  std::vector<PlanTensor> tensors;
  std::vector<PlanNode> nodes; // topological order
  std::vector<uint32_t> inputs, outputs; // tensor ids of the "inference" entry
  std::vector<uint8_t> weights;          // WEIGHT tensor offsets index into this
  uint64_t arenaBytes = 0;
  std::vector<std::string> kernelSymbols; // plan-ABI entry symbol per kernel
};

/// Serializes to the blob layout of plan.h through PlanBuilder (one
/// "inference" entry over all nodes). Pure function; thread-safe.
std::vector<uint8_t> serializePlan(const GraphPlan &plan);

} // namespace dlc

#endif // DLC_PLAN_WRITER_HPP
