// Internal: what running a CUDA plan adds to a model: the arena and weights
// in device memory, device copies of the caller's inputs and outputs
// (all-CUDA plans), CUDA graphs, and per-thread streams (mixed plans).
#ifndef DLC_RUNTIME_SRC_CUDA_CUDAMODEL_H
#define DLC_RUNTIME_SRC_CUDA_CUDAMODEL_H

#include "../Executor.h"
#include "CudaDriver.h"
#include "GraphPolicy.h"
#include "dlc/runtime.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace dlc::rt {

/// Created once per model; must outlive the model's executor (which frees
/// its arenas through it). run() (all-CUDA plans) may be called from several
/// threads: runs are serialized on one mutex, since they share the staging
/// buffers and the captured graph. runMixed() runs concurrently.
class CudaModel final : public MemorySpace {
public:
  /// Loads the driver and uploads the weights. On failure returns NULL and
  /// sets `error` ("no CUDA device ...", or the failing call).
  /// `graphs`: capture and replay CUDA graphs (dlc_model_options.cuda_graphs).
  /// `mixed`: the plan is mixed CPU+CUDA (PlanView::isMixed); its GPU nodes
  /// and copies then run on a stream per executing thread.
  static std::unique_ptr<CudaModel> create(const PlanView &plan, bool graphs, bool mixed,
                                           std::string &error);
  ~CudaModel() override;

  void *allocate(uint64_t bytes) override;
  void release(void *memory) override;
  const uint8_t *weights() const override { return weightsOnDevice; }
  void copy(void *dst, bool dstOnDevice, const void *src, bool srcOnDevice,
            uint64_t bytes) override;
  /// Mixed plans: the launcher enqueues on the calling thread's stream,
  /// which is then synchronized, so GPU nodes that different pool threads
  /// run at once overlap on the device. All-CUDA plans: the launcher as is.
  void runGpuNode(dlc_cpu_fn launcher, void **args) override;

  /// Copies the inputs to the device, runs the executor (one thread), copies
  /// the outputs back. The views were checked by the caller.
  dlc_status run(Executor &executor, const std::vector<dlc_tensor_info> &inputInfo,
                 const std::vector<void *> &inputs, const std::vector<dlc_tensor_info> &outputInfo,
                 const std::vector<void *> &outputs, NodeTiming *timings, dlc_error **error);

  /// A mixed CPU+CUDA plan (PlanView::isMixed): the executor reads and writes
  /// the caller's host buffers itself and copy nodes move data to and from
  /// the device, so nothing is staged and runs need no lock. Reports a CUDA
  /// failure recorded during the run as DLC_DEVICE_ERROR. (The first-error
  /// record is process-wide: concurrent failing runs may swap messages.)
  dlc_status runMixed(Executor &executor, const std::vector<void *> &inputs,
                      const std::vector<void *> &outputs, NodeTiming *timings, dlc_error **error);

private:
  explicit CudaModel(const cuda::Driver &d) : d(d) {}
  bool stage(std::vector<void *> &buffers, const std::vector<dlc_tensor_info> &info);
  void releaseAll(std::vector<void *> &buffers);
  /// Records the executor's launches on `stream` into `graph` (GraphPolicy).
  /// False when capture failed; the error recorded meanwhile is dropped.
  bool capture(Executor &executor, std::string &why);
  void dropGraph();
  /// The calling thread's stream for mixed plans (created on first use,
  /// destroyed with the model); NULL when streams are not used.
  cuda::CUstream threadStream();
  void synchronize(cuda::CUstream stream, const char *what);

  const cuda::Driver &d;
  uint8_t *weightsOnDevice = nullptr;
  std::mutex runMutex;
  std::vector<void *> deviceInputs, deviceOutputs; // guarded by runMutex; NULL for 0 bytes
  cuda::GraphState graphState;                     // guarded by runMutex
  cuda::CUstream stream = nullptr;                 // for graphs; created on first capture
  cuda::CUgraphExec graph = nullptr;
  bool perThreadStreams = false;
  std::mutex streamsMutex;
  std::map<std::thread::id, cuda::CUstream> streams; // guarded by streamsMutex
};

} // namespace dlc::rt

#endif
