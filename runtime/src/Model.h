// Internal: what a dlc_model handle holds.
#ifndef DLC_RUNTIME_SRC_MODEL_H
#define DLC_RUNTIME_SRC_MODEL_H

#include "Executor.h"
#include "ForeignRuntime.h"
#include "PlanView.h"
#include "cuda/CudaModel.h"
#include "dlc/runtime.h"

#include <memory>
#include <vector>

/// The model of an image whose kernels call another copy of the runtime
/// (ForeignRuntime.h): that copy's model, which every C API call forwards to.
struct ForeignModel {
  std::unique_ptr<dlc::rt::ForeignRuntime> runtime;
  dlc_model *model = nullptr;
  ~ForeignModel() {
    if (model)
      runtime->api.dlc_model_free(model);
  }
};

/// A validated plan, its entry's signature and the executor that runs it, or
/// (`foreign`) another runtime's model. Immutable after creation (the
/// executor guards its own run pool).
struct dlc_model {
  dlc::rt::PlanView plan;
  std::vector<dlc_tensor_info> inputs, outputs; // pointers into the plan blob
  std::unique_ptr<dlc::rt::CudaModel> cuda;     // CUDA plans only; outlives executor
  std::unique_ptr<dlc::rt::Executor> executor;
  std::unique_ptr<ForeignModel> foreign;

  explicit dlc_model(dlc::rt::PlanView plan) : plan(plan) {}
};

#endif
