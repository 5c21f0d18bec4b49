// GraphPlan -> plan blob, through PlanBuilder.
#include "dlc/plan_writer.hpp"

std::vector<uint8_t> dlc::serializePlan(const GraphPlan &plan) {
  PlanBuilder builder(plan.modelName);
  for (const PlanTensor &t : plan.tensors)
    builder.addTensor(t);
  for (const PlanNode &n : plan.nodes)
    builder.addNode(n);
  PlanEntry entry;
  entry.inputs = plan.inputs;
  entry.outputs = plan.outputs;
  entry.numNodes = uint32_t(plan.nodes.size());
  builder.addEntry(std::move(entry));
  // The weights keep their layout: tensor offsets already index into them.
  builder.addWeights(plan.weights.data(), plan.weights.size());
  builder.setArenaBytes(plan.arenaBytes);
  builder.setNumKernels(uint32_t(plan.kernelSymbols.size()));
  return builder.build();
}
