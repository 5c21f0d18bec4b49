// Internal: what a dlc_model handle holds.
#ifndef DLC_RUNTIME_SRC_MODEL_H
#define DLC_RUNTIME_SRC_MODEL_H

#include "Executor.h"
#include "PlanView.h"
#include "cuda/CudaModel.h"
#include "dlc/runtime.h"

#include <memory>
#include <vector>

/// A validated plan, its entry's signature and the executor that runs it.
/// Immutable after creation (the executor guards its own run pool).
struct dlc_model {
  dlc::rt::PlanView plan;
  std::vector<dlc_tensor_info> inputs, outputs; // pointers into the plan blob
  std::unique_ptr<dlc::rt::CudaModel> cuda;     // CUDA plans only; outlives executor
  std::unique_ptr<dlc::rt::Executor> executor;

  explicit dlc_model(dlc::rt::PlanView plan) : plan(plan) {}
};

#endif
