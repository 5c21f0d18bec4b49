//===- LibraryApi.h - typed C entry points for --emit=lib -----------------===//
#ifndef DLC_COMPILER_DRIVER_LIBRARYAPI_H
#define DLC_COMPILER_DRIVER_LIBRARYAPI_H

#include "compiler/driver/PlanExtraction.h"

#include <string>

namespace dlc {

/// "out/libresnet.so" -> "resnet": the prefix of the generated functions.
std::string libraryStem(const std::string &outputPath);

/// The header users include: `int <stem>_run(const float *x, ..., float *y)`
/// with shapes in comments, plus `<stem>_last_error()`.
std::string generateApiHeader(const GraphPlan &plan, const std::string &stem);

/// The C source implementing it on top of libdlcrt's C API.
std::string generateApiSource(const GraphPlan &plan, const std::string &stem);

/// Where dlc/runtime.h lives: `../include` beside the dlc binary, else the
/// source tree this dlc was built from.
std::string runtimeIncludeDir();

} // namespace dlc

#endif // DLC_COMPILER_DRIVER_LIBRARYAPI_H
