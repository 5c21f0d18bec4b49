// The executor: dependency-counted scheduling of an entry's nodes.
//
// Everything derived from the plan (argument lists, successor lists, roots)
// is computed once at creation. A run needs an arena and a little scheduling
// state; both live in a `Run` taken from a per-executor pool, so steady-state
// runs allocate nothing and concurrent runs never share mutable state.
#include "Executor.h"
#include "dlc/dnnl_kernels.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

using dlc::rt::Executor;
using dlc::rt::NodeTiming;

namespace {
constexpr uint32_t kNoNode = UINT32_MAX;

/// The thread count library kernels (oneDNN) may use while this thread runs
/// a node: the model's, since batch-1 graphs are mostly chains and a node's
/// own parallelism is where the cores go.
thread_local uint32_t kernelThreads = 1;

/// The run's team lock, held by this thread while its kernel uses the whole
/// team (see dlc_rt_kernel_threads), or null.
thread_local std::mutex *heldTeam = nullptr;
/// The team lock of the run this thread is executing a kernel for.
thread_local std::mutex *currentTeam = nullptr;
/// The executor of that run (dlc_rt_parallel_for uses its helpers).
thread_local const dlc::rt::Executor *currentExecutor = nullptr;
/// When this thread's kernel got the team (0: it did not wait for it): a
/// profiled node starts then, so traces show when kernels really ran.
thread_local uint64_t teamAcquiredNs = 0;

/// The run and node this thread is executing a kernel for (null outside a
/// kernel call): where dlc_rt_kernel_failed records its error.
thread_local dlc::rt::KernelFailureSink *currentSink = nullptr;
thread_local uint32_t currentNode = 0;
/// dlc_rt_kernel_failed outside a model run (a kernel called directly).
thread_local std::string failureOutsideRun;

uint64_t nowNs() {
  return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count());
}
} // namespace

/// The mutable state of one run.
struct Executor::Run : KernelFailureSink {
  void *arena = nullptr;       // host arena
  void *deviceArena = nullptr; // device arena (MemorySpace)
  std::vector<void *> args; // resolved argument pointers, laid out like argTensor
  std::unique_ptr<std::atomic<uint32_t>[]> pending; // unfinished dependencies per node
  std::atomic<uint32_t> remaining{0};               // unfinished nodes
  std::mutex doneMutex;
  std::condition_variable done;
  bool finished = false; // guarded by doneMutex; set by whoever finishes the last node
  NodeTiming *timings = nullptr;
  const Executor *executor = nullptr;
  /// Held by a kernel that uses the whole team (a multi-threaded library
  /// call): two such kernels of one run never overlap, which would put
  /// 2 x threads OpenMP threads on the run's cores.
  std::mutex team;

  ~Run() {
    std::free(arena);
    if (deviceArena)
      executor->memory->release(deviceArena);
  }
};

Executor::Executor(const dlc_model_image &image, const PlanView &plan, uint32_t entryId,
                   unsigned numThreads, MemorySpace *memory)
    : image(image), plan(plan), memory(memory) {
  const dlc_plan_entry &e = plan.entry(entryId);
  first = e.first_node;
  count = e.num_nodes;

  uint64_t bytes = std::max<uint64_t>(plan.header().arena_bytes, 1);
  arenaSize = bytes > UINT64_MAX - DLC_ARENA_ALIGNMENT
                  ? 0 // cannot be allocated; run() reports out of memory
                  : (bytes + DLC_ARENA_ALIGNMENT - 1) / DLC_ARENA_ALIGNMENT * DLC_ARENA_ALIGNMENT;

  std::vector<uint32_t> outDegree(count, 0);
  for (uint32_t i = 0; i < count; ++i) {
    const dlc_plan_node &node = plan.node(first + i);
    argStart.push_back(uint32_t(argTensor.size()));
    for (uint32_t a = 0; a < node.num_inputs + node.num_outputs; ++a) {
      uint32_t tensorId = plan.index(uint64_t(node.args) + a);
      const dlc_plan_tensor &t = plan.tensor(tensorId);
      if (t.storage == DLC_STORAGE_INPUT || t.storage == DLC_STORAGE_OUTPUT)
        ioArgs.push_back({uint32_t(argTensor.size()), uint32_t(t.offset),
                          t.storage == DLC_STORAGE_OUTPUT});
      bool onDevice = memory && plan.argumentOnDevice(entryId, first + i, a);
      slotOnDevice.push_back(onDevice);
      if (t.storage == DLC_STORAGE_ARENA)
        (onDevice ? needsDeviceArena : needsHostArena) = true;
      argTensor.push_back(tensorId);
    }
    for (uint32_t d = 0; d < node.num_deps; ++d)
      ++outDegree[plan.index(uint64_t(node.deps) + d) - first];
    if (node.num_deps == 0)
      roots.push_back(first + i);
  }
  argStart.push_back(uint32_t(argTensor.size()));

  successorStart.assign(count + 1, 0);
  for (uint32_t i = 0; i < count; ++i)
    successorStart[i + 1] = successorStart[i] + outDegree[i];
  successors.resize(successorStart[count]);
  std::vector<uint32_t> fill(successorStart.begin(), successorStart.end() - 1);
  for (uint32_t i = 0; i < count; ++i) {
    const dlc_plan_node &node = plan.node(first + i);
    for (uint32_t d = 0; d < node.num_deps; ++d)
      successors[fill[plan.index(uint64_t(node.deps) + d) - first]++] = first + i;
  }

  // Keep a few idle runs for reuse; a burst of concurrent runs beyond that
  // frees its extra arenas instead of holding them until the model is freed.
  maxIdleRuns = std::max(4u, std::thread::hardware_concurrency());
  idleRuns.reserve(maxIdleRuns);
  this->numThreads = numThreads;
  if (numThreads > 1)
    pool = std::make_unique<ThreadPool>(numThreads - 1);
}

Executor::~Executor() {
  pool.reset();
  helperPool.reset();
}

std::unique_ptr<Executor::Run> Executor::acquireRun() {
  {
    std::lock_guard<std::mutex> lock(runsMutex);
    if (!idleRuns.empty()) {
      std::unique_ptr<Run> run = std::move(idleRuns.back());
      idleRuns.pop_back();
      return run;
    }
  }
  if (arenaSize == 0)
    return nullptr;
  auto run = std::make_unique<Run>();
  run->executor = this;
  // Every device a plan uses gets an arena of the plan's arena size (the
  // compiler plans each device's tensors within it).
  if (needsHostArena && !(run->arena = std::aligned_alloc(DLC_ARENA_ALIGNMENT, arenaSize)))
    return nullptr;
  if (needsDeviceArena && !(run->deviceArena = memory->allocate(arenaSize)))
    return nullptr;
  run->args.resize(argTensor.size());
  for (size_t slot = 0; slot < argTensor.size(); ++slot) {
    const dlc_plan_tensor &t = plan.tensor(argTensor[slot]);
    bool onDevice = slotOnDevice[slot];
    if (t.storage == DLC_STORAGE_ARENA)
      run->args[slot] =
          static_cast<uint8_t *>(onDevice ? run->deviceArena : run->arena) + t.offset;
    else if (t.storage == DLC_STORAGE_WEIGHT) // kernels never write weights (validated)
      run->args[slot] =
          const_cast<uint8_t *>(onDevice ? memory->weights() : plan.weights()) + t.offset;
  }
  run->pending.reset(new std::atomic<uint32_t>[count]);
  created.fetch_add(1, std::memory_order_acq_rel);
  return run;
}

void Executor::releaseRun(std::unique_ptr<Run> run) {
  std::lock_guard<std::mutex> lock(runsMutex);
  if (idleRuns.size() < maxIdleRuns)
    idleRuns.push_back(std::move(run)); // capacity reserved: cannot throw
}

dlc_status Executor::run(void *const *inputs, void *const *outputs, NodeTiming *timings,
                         std::string &problem) {
  std::unique_ptr<Run> run = acquireRun();
  if (!run) {
    problem = "cannot allocate the " + std::to_string(plan.header().arena_bytes) + "-byte arena";
    return DLC_OUT_OF_MEMORY;
  }
  for (const IoArg &io : ioArgs)
    run->args[io.slot] = (io.isOutput ? outputs : inputs)[io.binding];
  run->timings = timings;
  run->failed.store(false, std::memory_order_relaxed);
  execute(*run);
  run->timings = nullptr;
  dlc_status status = DLC_OK;
  if (run->failed.load(std::memory_order_acquire)) {
    std::lock_guard<std::mutex> lock(run->failureMutex);
    status = run->failureStatus;
    problem = plan.describeNode(run->failedNode) + ": " + run->failure;
  }
  releaseRun(std::move(run));
  return status;
}

void dlc::rt::KernelFailureSink::record(uint32_t node, dlc_status status, const char *message) {
  std::lock_guard<std::mutex> lock(failureMutex);
  if (failed.load(std::memory_order_relaxed))
    return; // the first failure is the one reported
  failedNode = node;
  failureStatus = status;
  failure = message ? message : "the kernel failed";
  failed.store(true, std::memory_order_release);
}

void Executor::execute(Run &run) const {
  if (!pool) {
    for (uint32_t n = first; n < first + count; ++n)
      runNode(run, n);
    return;
  }
  if (count == 0)
    return;
  for (uint32_t i = 0; i < count; ++i)
    run.pending[i].store(plan.node(first + i).num_deps, std::memory_order_relaxed);
  run.remaining.store(count, std::memory_order_relaxed);
  run.finished = false;
  // The first node of an entry has no dependency inside it, so roots is not
  // empty. The caller takes the first root; the pool the others.
  for (size_t r = 1; r < roots.size(); ++r)
    submitOrRun(run, roots[r]);
  runChain(run, roots[0]);
  std::unique_lock<std::mutex> lock(run.doneMutex);
  run.done.wait(lock, [&] { return run.finished; });
}

void Executor::runChainTask(void *run, uint32_t node) {
  Run &r = *static_cast<Run *>(run);
  r.executor->runChain(r, node);
}

void Executor::submitOrRun(Run &run, uint32_t node) const {
  try {
    pool->submit(Task{&Executor::runChainTask, &run, node});
    return;
  } catch (...) {
    // The queue could not grow: run the node here instead. Slower, still correct.
  }
  runChain(run, node);
}

void Executor::runChain(Run &run, uint32_t node) const {
  for (;;) {
    runNode(run, node);
    uint32_t next = kNoNode;
    uint32_t i = node - first;
    for (uint32_t s = successorStart[i]; s < successorStart[i + 1]; ++s) {
      uint32_t successor = successors[s];
      // acq_rel: the last dependency to finish sees every producer's writes.
      if (run.pending[successor - first].fetch_sub(1, std::memory_order_acq_rel) == 1) {
        if (next == kNoNode)
          next = successor;
        else
          submitOrRun(run, successor);
      }
    }
    if (run.remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      // Last node of the run. Only this flag, set under the lock, releases
      // the caller, so no thread touches `run` after the caller may go on.
      std::lock_guard<std::mutex> lock(run.doneMutex);
      run.finished = true;
      run.done.notify_all();
      return;
    }
    if (next == kNoNode)
      return;
    node = next; // `next` is unfinished, so `remaining` kept `run` alive
  }
}

void Executor::runNode(Run &run, uint32_t node) const {
  const dlc_plan_node &n = plan.node(node);
  uint32_t i = node - first;
  void **args = run.args.data() + argStart[i];
  uint64_t start = run.timings ? nowNs() : 0, end = 0;
  if (n.kind == DLC_NODE_GPU_KERNEL && memory) {
    // A GPU kernel's entry is host code that launches it (src/cuda).
    memory->runGpuNode(image.kernels[n.kernel], args);
  } else if (n.kind == DLC_NODE_CPU_FN || n.kind == DLC_NODE_GPU_KERNEL) {
    // After a kernel failed, the run only counts its remaining nodes down:
    // their inputs are not results (a garbage index must not be followed).
    if (run.failed.load(std::memory_order_acquire))
      return;
    kernelThreads = numThreads; // library kernels (oneDNN) use the run's threads
    currentSink = &run;
    currentNode = node;
    currentTeam = pool ? &run.team : nullptr; // serial runs have nothing to exclude
    currentExecutor = this;
    image.kernels[n.kernel](args);
    // The node ends before the team is released: traces of kernels that
    // take turns never show them overlapping.
    end = run.timings ? nowNs() : 0;
    if (heldTeam) {
      heldTeam->unlock();
      heldTeam = nullptr;
      start = teamAcquiredNs;
    }
    kernelThreads = 1; // outside a node: as outside a run
    currentTeam = nullptr;
    currentExecutor = nullptr;
    currentSink = nullptr;
  } else { // DLC_NODE_COPY; other kinds are rejected when the model is created
    uint32_t slot = argStart[i];
    uint64_t bytes = plan.tensor(argTensor[slot + 1]).bytes;
    bool srcOnDevice = slotOnDevice[slot], dstOnDevice = slotOnDevice[slot + 1];
    if (bytes && args[0] != args[1]) {
      if (srcOnDevice || dstOnDevice)
        memory->copy(args[1], dstOnDevice, args[0], srcOnDevice, bytes);
      else
        std::memmove(args[1], args[0], bytes);
    }
  }
  if (run.timings)
    run.timings[i] = NodeTiming{start, end ? end : nowNs(), ThreadPool::currentWorker()};
}

extern "C" uint32_t dlc_rt_kernel_threads(void) {
  // A kernel asking for more than one thread gets the run's whole team:
  // it waits until no other kernel of the run holds it, then keeps it until
  // it returns (runNode releases it).
  if (kernelThreads > 1 && currentTeam && !heldTeam) {
    currentTeam->lock();
    heldTeam = currentTeam;
    teamAcquiredNs = nowNs();
  }
  return kernelThreads;
}

extern "C" void dlc_rt_kernel_failed(int status, const char *message) {
  if (status <= DLC_OK || status > DLC_DEVICE_ERROR)
    status = DLC_INTERNAL;
  if (currentSink)
    currentSink->record(currentNode, dlc_status(status), message);
  else
    failureOutsideRun = message ? message : "the kernel failed";
}

dlc::rt::ThreadPool *dlc::rt::currentKernelHelpers() {
  return currentExecutor ? currentExecutor->helpers() : nullptr;
}

dlc::rt::ThreadPool *Executor::helpers() const {
  if (numThreads < 2)
    return nullptr;
  std::call_once(helpersOnce, [&] {
    try {
      helperPool = std::make_unique<ThreadPool>(numThreads - 1);
    } catch (...) { // no threads: kernels run serially
    }
  });
  return helperPool.get();
}

std::string dlc::rt::takeKernelFailureOutsideRun() {
  std::string message;
  message.swap(failureOutsideRun);
  return message;
}
