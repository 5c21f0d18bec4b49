// Internal: runs the nodes of one entry of a validated plan.
#ifndef DLC_RUNTIME_SRC_EXECUTOR_H
#define DLC_RUNTIME_SRC_EXECUTOR_H

#include "PlanView.h"
#include "ThreadPool.h"
#include "dlc/runtime.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace dlc::rt {

/// Device memory for plans that use a device (the CUDA runtime, src/cuda):
/// the device arena, the weights on the device, and copies that involve it.
/// Must outlive the executor; its functions may be called from any thread.
class MemorySpace {
public:
  virtual ~MemorySpace() = default;
  /// Device memory; `bytes` > 0; NULL when out of memory.
  virtual void *allocate(uint64_t bytes) = 0;
  virtual void release(void *memory) = 0;
  /// The plan's weights section on the device.
  virtual const uint8_t *weights() const = 0;
  /// Copies `bytes` (> 0); each side is host or device memory. Complete
  /// when the call returns; failures are recorded (cuda::recordError).
  virtual void copy(void *dst, bool dstOnDevice, const void *src, bool srcOnDevice,
                    uint64_t bytes) = 0;
  /// Runs a GPU node's host launcher; its work is complete when this
  /// returns (the executor's dependency counts order cross-device edges).
  virtual void runGpuNode(dlc_cpu_fn launcher, void **args) { launcher(args); }
};

/// When and where one node ran (steady clock, nanoseconds).
struct NodeTiming {
  uint64_t startNs = 0, endNs = 0;
  unsigned thread = 0; // 0 = the caller, 1.. = pool workers
};

/// Where dlc_rt_kernel_failed records a kernel's failure during a run: the
/// first one wins; `failed` lets the executor skip the remaining kernels.
struct KernelFailureSink {
  std::atomic<bool> failed{false};
  std::mutex failureMutex;
  uint32_t failedNode = 0;                // guarded by failureMutex
  dlc_status failureStatus = DLC_OK;      // guarded by failureMutex
  std::string failure;                    // guarded by failureMutex
  void record(uint32_t node, dlc_status status, const char *message);
};

/// The message of this thread's last dlc_rt_kernel_failed call made outside
/// a model run (a library kernel called directly, as in tests), then "".
std::string takeKernelFailureOutsideRun();

/// The helper threads of the run whose kernel this thread is executing (null
/// outside a kernel call, in a serial run, or when they cannot start):
/// dlc_rt_parallel_for's team.
ThreadPool *currentKernelHelpers();

/// Executes an entry: every node starts once all its dependencies have
/// finished. With one thread, nodes run in plan order on the caller's thread.
/// Otherwise the caller and a pool of workers run ready nodes: a thread that
/// finishes a node continues with one newly ready successor itself (a chain
/// never changes threads) and hands the other ready ones to the pool.
///
/// Immutable after construction except the pool of per-run states, which a
/// mutex guards: run() may be called from many threads at once.
class Executor {
public:
  /// `plan` must have passed validate() and `image` must outlive the
  /// executor. `numThreads` >= 1 counts the caller. Throws std::bad_alloc /
  /// std::system_error (worker threads) on failure.
  /// `memory` NULL: a CPU plan; else the device memory of a CUDA plan, all
  /// on the device or mixed (see PlanView::argumentOnDevice).
  Executor(const dlc_model_image &image, const PlanView &plan, uint32_t entry, unsigned numThreads,
           MemorySpace *memory = nullptr);
  ~Executor();
  Executor(const Executor &) = delete;
  Executor &operator=(const Executor &) = delete;

  /// Runs the entry on the given binding buffers (already checked by the
  /// caller: right count, sizes, non-overlapping outputs). `timings` is NULL
  /// or has one slot per node of the entry. Returns DLC_OK; or
  /// DLC_OUT_OF_MEMORY when no arena could be allocated (nothing ran); or the
  /// status of the first kernel that called dlc_rt_kernel_failed, whose node
  /// `problem` names (kernels not started by then were skipped; the outputs
  /// are not results).
  dlc_status run(void *const *inputs, void *const *outputs, NodeTiming *timings,
                 std::string &problem);

  uint32_t firstNode() const { return first; }
  uint32_t numNodes() const { return count; }
  uint64_t arenaBytes() const { return arenaSize; }
  /// How many run states (arenas) were created so far. A CUDA graph captured
  /// from a run stays valid while this does not change: runs of all-CUDA
  /// plans are serialized, so they reuse one run state.
  uint64_t runsCreated() const { return created.load(std::memory_order_acquire); }
  /// numThreads - 1 threads that help a kernel holding the run's team
  /// (dlc_rt_parallel_for), started on first use; null when serial or when
  /// they cannot start. Not the node pool: its workers may be blocked
  /// waiting for the team that the helped kernel holds.
  ThreadPool *helpers() const;

private:
  struct Run;
  std::unique_ptr<Run> acquireRun();
  void releaseRun(std::unique_ptr<Run> run);
  void execute(Run &run) const;
  void runChain(Run &run, uint32_t node) const;
  void runNode(Run &run, uint32_t node) const;
  void submitOrRun(Run &run, uint32_t node) const;
  static void runChainTask(void *run, uint32_t node);

  const dlc_model_image &image;
  PlanView plan;
  MemorySpace *memory;
  uint32_t first, count;
  unsigned numThreads = 1; // counts the caller; library kernels use as many
  uint64_t arenaSize; // rounded up to the alignment, at least one alignment unit

  // Flattened node arguments: node n's args are args[argStart[n - first]...].
  std::vector<uint32_t> argStart;
  std::vector<uint32_t> argTensor;
  // Per argument slot: whether it points into device memory (PlanView::
  // argumentOnDevice); and whether runs need a host / a device arena.
  std::vector<uint8_t> slotOnDevice;
  bool needsHostArena = false, needsDeviceArena = false;
  // Argument slots that point into the caller's buffers.
  struct IoArg {
    uint32_t slot, binding;
    bool isOutput;
  };
  std::vector<IoArg> ioArgs;
  // Successors of node n: successors[successorStart[n - first]...], CSR form.
  std::vector<uint32_t> successorStart, successors;
  std::vector<uint32_t> roots; // nodes without dependencies, in plan order

  std::unique_ptr<ThreadPool> pool; // null: serial execution
  mutable std::once_flag helpersOnce;
  mutable std::unique_ptr<ThreadPool> helperPool;
  std::atomic<uint64_t> created{0};
  std::mutex runsMutex;
  std::vector<std::unique_ptr<Run>> idleRuns;
  size_t maxIdleRuns;
};

} // namespace dlc::rt

#endif
