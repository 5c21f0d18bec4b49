// Internal: what running a CUDA plan adds to a model: the arena and weights
// in device memory, and device copies of the caller's inputs and outputs.
#ifndef DLC_RUNTIME_SRC_CUDA_CUDAMODEL_H
#define DLC_RUNTIME_SRC_CUDA_CUDAMODEL_H

#include "../Executor.h"
#include "CudaDriver.h"
#include "dlc/runtime.h"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace dlc::rt {

/// Created once per model; must outlive the model's executor (which frees
/// its arenas through it). run() may be called from several threads: runs
/// are serialized on one mutex, since they share the staging buffers.
class CudaModel final : public MemorySpace {
public:
  /// Loads the driver and uploads the weights. On failure returns NULL and
  /// sets `error` ("no CUDA device ...", or the failing call).
  static std::unique_ptr<CudaModel> create(const PlanView &plan, std::string &error);
  ~CudaModel() override;

  void *allocate(uint64_t bytes) override;
  void release(void *memory) override;
  const uint8_t *weights() const override { return weightsOnDevice; }
  void copy(void *dst, const void *src, uint64_t bytes) override;

  /// Copies the inputs to the device, runs the executor (one thread), copies
  /// the outputs back. The views were checked by the caller.
  dlc_status run(Executor &executor, const std::vector<dlc_tensor_info> &inputInfo,
                 const std::vector<void *> &inputs, const std::vector<dlc_tensor_info> &outputInfo,
                 const std::vector<void *> &outputs, NodeTiming *timings, dlc_error **error);

private:
  explicit CudaModel(const cuda::Driver &d) : d(d) {}
  bool stage(std::vector<void *> &buffers, const std::vector<dlc_tensor_info> &info);
  void releaseAll(std::vector<void *> &buffers);

  const cuda::Driver &d;
  uint8_t *weightsOnDevice = nullptr;
  std::mutex runMutex;
  std::vector<void *> deviceInputs, deviceOutputs; // guarded by runMutex; NULL for 0 bytes
};

} // namespace dlc::rt

#endif
