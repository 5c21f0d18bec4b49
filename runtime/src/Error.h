// Internal: the dlc_error object and helpers to report through the C API.
#ifndef DLC_RUNTIME_SRC_ERROR_H
#define DLC_RUNTIME_SRC_ERROR_H

#include "dlc/runtime.h"

#include <string>

struct dlc_error {
  dlc_status status;
  std::string message;
};

namespace dlc::rt {

/// Stores a new error in *out (when out is not NULL) and returns `status`.
dlc_status fail(dlc_error **out, dlc_status status, std::string message);

/// Clears *out (when not NULL) and returns DLC_OK.
dlc_status ok(dlc_error **out);

} // namespace dlc::rt

#endif
