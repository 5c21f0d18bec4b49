//===- Link.h - executables and shared libraries from the model object ----===//
#ifndef DLC_COMPILER_DRIVER_LINK_H
#define DLC_COMPILER_DRIVER_LINK_H

#include "compiler/driver/PlanExtraction.h"

#include <string>

namespace dlc {

/// Links `object` with the runtime (libdlcrt_main.a + libdlcrt.a from the
/// `lib` folder beside the dlc binary's folder) into an executable at
/// `outputPath`, atomically. `usesDnnl`: the object calls libdlc_dnnl
/// (dlc-dispatch-dnnl), which is linked with oneDNN and OpenMP too. A
/// `trainer` links libdlcrt_train_main.a instead of libdlcrt_main.a: the
/// training loop of `dlc --train` (docs/training.md).
bool linkExecutable(const std::string &object, bool usesDnnl, const std::string &outputPath,
                    std::string &error, bool trainer = false);

/// Links `object` with libdlcrt into a shared library at `outputPath` and
/// writes `<stem>.h` beside it: typed entry points `<stem>_run(...)`.
bool linkSharedLibrary(const std::string &object, bool usesDnnl, const GraphPlan &plan,
                       const std::string &outputPath, std::string &error);

} // namespace dlc

#endif // DLC_COMPILER_DRIVER_LINK_H
