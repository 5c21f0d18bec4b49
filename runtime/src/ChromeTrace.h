// Internal: writes node timings as a Chrome trace (the --profile format).
#ifndef DLC_RUNTIME_SRC_CHROMETRACE_H
#define DLC_RUNTIME_SRC_CHROMETRACE_H

#include "Executor.h"

#include <string>

namespace dlc::rt {

/// Writes one complete ("X") event per node of the executor's entry, named
/// after the ONNX node with the dlc op as category, one track per thread.
/// `timings` has executor.numNodes() entries. Returns false with `error`.
bool writeChromeTrace(const std::string &path, const PlanView &plan, const Executor &executor,
                      const NodeTiming *timings, std::string &error);

} // namespace dlc::rt

#endif
