// Internal: checks the caller's input/output views against the model.
#ifndef DLC_RUNTIME_SRC_BINDINGS_H
#define DLC_RUNTIME_SRC_BINDINGS_H

#include "dlc/runtime.h"

#include <vector>

namespace dlc::rt {

/// Checks the views of one side ("input" or "output") against the model's
/// tensors: count, NULL pointers, dtype, rank and shape, each mismatch named
/// after the tensor. On success fills `data` with the buffers. Thread-safe.
dlc_status checkViews(const std::vector<dlc_tensor_info> &expected, const dlc_tensor_view *views,
                      size_t count, const char *side, std::vector<void *> &data,
                      dlc_error **error);

/// Fails when an output buffer overlaps another output or an input: kernels
/// would read values they already overwrote. Call after checkViews.
dlc_status checkOutputsDoNotOverlap(const std::vector<dlc_tensor_info> &inputs,
                                    const std::vector<void *> &inputData,
                                    const std::vector<dlc_tensor_info> &outputs,
                                    const std::vector<void *> &outputData, dlc_error **error);

} // namespace dlc::rt

#endif
