//===- PlanExtraction.h - graph function -> runtime plan ------------------===//
#ifndef DLC_COMPILER_DRIVER_PLANEXTRACTION_H
#define DLC_COMPILER_DRIVER_PLANEXTRACTION_H

#include "dlc/plan_writer.hpp"
#include "mlir/Dialect/Func/IR/FuncOps.h"


namespace dlc {

/// Builds the plan from an outlined graph function: block args are inputs,
/// dlc.constant ops weights, each kernel call a node. Arena offsets come from
/// tensor liveness (first-fit, reuse across disjoint lifetimes) and every node
/// depends on the producers of its inputs and on the readers of any tensor
/// whose memory it overwrites, so nodes may run in parallel.
///
/// With `inPlace`, an elementwise kernel writes its result over an operand of
/// the same type that no later node reads (see inPlaceOperands in the .cpp),
/// unless that makes the arena larger than planning without it.
mlir::FailureOr<GraphPlan> extractPlan(mlir::func::FuncOp graph, bool inPlace = false);

} // namespace dlc

#endif // DLC_COMPILER_DRIVER_PLANEXTRACTION_H
