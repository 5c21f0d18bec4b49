//===- PlanExtraction.h - graph function -> runtime plan ------------------===//
#ifndef DLC_COMPILER_DRIVER_PLANEXTRACTION_H
#define DLC_COMPILER_DRIVER_PLANEXTRACTION_H

#include "dlc/plan.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

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

/// Builds the plan from an outlined graph function: block args are inputs,
/// dlc.constant ops weights, each kernel call a node. Arena offsets come from
/// tensor liveness (first-fit, reuse across disjoint lifetimes) and every node
/// depends on the producers of its inputs and on the readers of any tensor
/// whose memory it overwrites, so nodes may run in parallel.
mlir::FailureOr<GraphPlan> extractPlan(mlir::func::FuncOp graph);

/// Serializes to the blob format of runtime/include/dlc/plan.h.
std::vector<uint8_t> serializePlan(const GraphPlan &plan);

/// Element size in bytes of a plan dtype; 0 if unknown.
uint64_t dtypeSize(int32_t dtype);

} // namespace dlc

#endif // DLC_COMPILER_DRIVER_PLANEXTRACTION_H
