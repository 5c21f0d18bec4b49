// Internal: model images that belong to another copy of libdlcrt.
//
// A model library (`dlc --emit=lib`) links its own libdlcrt with -Bsymbolic,
// so its kernels call that copy back (thread count, parallel loops, failure
// reports). A host that hands the library's image to its own dlc_model_create
// used to get correct results from working kernels, one thread per kernel
// and unreported library failures. Now the host's runtime finds the owning
// copy and forwards the model's whole C API to it.
#ifndef DLC_RUNTIME_SRC_FOREIGNRUNTIME_H
#define DLC_RUNTIME_SRC_FOREIGNRUNTIME_H

#include "dlc/model_library.h"

#include <memory>

namespace dlc::rt {

/// Another loaded object's copy of the runtime (a dlopen() reference held
/// for as long as this lives).
struct ForeignRuntime {
  dlc_model_library api{};
  ForeignRuntime() = default;
  ForeignRuntime(const ForeignRuntime &) = delete;
  ForeignRuntime &operator=(const ForeignRuntime &) = delete;
  ~ForeignRuntime() { dlc_model_library_close(&api); }

  /// Runs `call(theirs)` (a C API call of the copy, given where to put its
  /// error, or NULL when the caller wants none) and turns the status and
  /// error into this runtime's (the copy's error is freed by its own
  /// dlc_error_free).
  template <typename Call> dlc_status call(dlc_error **error, Call call) const {
    dlc_error *theirs = nullptr;
    dlc_status status = call(error ? &theirs : nullptr); // before `theirs` is read
    return adopt(status, theirs, error);
  }

private:
  dlc_status adopt(dlc_status status, dlc_error *theirs, dlc_error **error) const;
};

/// The runtime that `image`'s kernels call when it is not this one: the
/// image lies in a loaded shared object that exports a dlc_model_create
/// other than ours. Null otherwise (the image is ours, in the executable,
/// or its object cannot be identified).
std::unique_ptr<ForeignRuntime> foreignRuntimeOf(const dlc_model_image *image);

} // namespace dlc::rt

#endif
