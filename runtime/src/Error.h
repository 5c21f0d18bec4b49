// Internal: the dlc_error object and helpers to report through the C API.
#ifndef DLC_RUNTIME_SRC_ERROR_H
#define DLC_RUNTIME_SRC_ERROR_H

#include "dlc/runtime.h"

#include <exception>
#include <new>
#include <string>

struct dlc_error {
  dlc_status status;
  std::string message;
};

namespace dlc::rt {

/// Stores a new error in *out (when out is not NULL) and returns `status`.
/// Never throws: if even the error cannot be allocated, *out is NULL and
/// dlc_error_message(NULL) explains that.
dlc_status fail(dlc_error **out, dlc_status status, std::string message) noexcept;

/// Clears *out (when not NULL) and returns DLC_OK.
dlc_status ok(dlc_error **out) noexcept;

/// Runs `body` (returning dlc_status) and turns any escaping exception into
/// a status: the C API boundary. Exceptions never cross it.
template <typename Body> dlc_status guarded(dlc_error **error, Body &&body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    return fail(error, DLC_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception &e) {
    return fail(error, DLC_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return fail(error, DLC_INTERNAL, "internal error: unknown exception");
  }
}

} // namespace dlc::rt

#endif
