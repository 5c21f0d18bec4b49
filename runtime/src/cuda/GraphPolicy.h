// Internal: when a CUDA model runs directly, captures a CUDA graph or
// replays it. A pure function, so the policy is unit-tested without a GPU.
#ifndef DLC_RUNTIME_SRC_CUDA_GRAPHPOLICY_H
#define DLC_RUNTIME_SRC_CUDA_GRAPHPOLICY_H

#include <cstdint>

namespace dlc::rt::cuda {

enum class GraphStep {
  Direct,  // launch node by node, synchronizing after each kernel function
  Capture, // capture this run into a graph on the model's stream, then replay it
  Replay   // launch the captured graph
};

struct GraphState {
  bool enabled = false;        // dlc_model_options.cuda_graphs
  bool failed = false;         // a capture failed: graphs are off for good
  uint64_t directRuns = 0;     // runs done without a graph so far
  bool captured = false;       // a graph exists...
  uint64_t capturedRunSet = 0; // ...for this value of Executor::runsCreated()
};

/// The step of the next run. `runSet` is the executor's runsCreated(): a
/// graph holds the device pointers of the run state it was captured with,
/// so a new run state (arena) means a new capture. Profiled runs go direct
/// (node timings need the node-by-node executor). The first run always goes
/// direct: it loads the GPU modules and allocates the arena, which must not
/// happen during a capture.
inline GraphStep nextGraphStep(const GraphState &s, bool profiled, uint64_t runSet) {
  if (!s.enabled || s.failed || profiled)
    return GraphStep::Direct;
  if (s.captured && s.capturedRunSet == runSet)
    return GraphStep::Replay;
  if (s.directRuns == 0)
    return GraphStep::Direct;
  return GraphStep::Capture;
}

} // namespace dlc::rt::cuda

#endif
