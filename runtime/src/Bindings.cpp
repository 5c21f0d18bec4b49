// Validation of the caller's buffers: the last line of defence before kernels
// write through them, so every mismatch is an error naming the tensor.
#include "Bindings.h"
#include "Error.h"
#include "Format.h"

#include <algorithm>
#include <cstring>
#include <string>

dlc_status dlc::rt::checkViews(const std::vector<dlc_tensor_info> &expected,
                               const dlc_tensor_view *views, size_t count, const char *side,
                               std::vector<void *> &data, dlc_error **error) {
  if (count != expected.size())
    return fail(error, DLC_INVALID_ARGUMENT,
                "expected " + std::to_string(expected.size()) + " " + side + "s, got " +
                    std::to_string(count));
  if (count && !views)
    return fail(error, DLC_INVALID_ARGUMENT, std::string(side) + " array is NULL");
  data.resize(count);
  for (size_t i = 0; i < count; ++i) {
    const dlc_tensor_info &want = expected[i];
    const dlc_tensor_view &got = views[i];
    std::string what = std::string(side) + " '" + want.name + "'";
    if (got.rank && !got.shape)
      return fail(error, DLC_INVALID_ARGUMENT, what + ": shape is NULL for rank " +
                                                   std::to_string(got.rank));
    bool matches = got.dtype == want.dtype && got.rank == want.rank &&
                   (got.rank == 0 ||
                    std::memcmp(got.shape, want.shape, got.rank * sizeof(int64_t)) == 0);
    if (!matches)
      return fail(error, DLC_INVALID_ARGUMENT,
                  what + ": expected " + typeText(want.dtype, want.rank, want.shape) + ", got " +
                      typeText(got.dtype, std::min<uint32_t>(got.rank, 64), got.shape) +
                      (got.rank > 64 ? " (rank " + std::to_string(got.rank) + ")" : ""));
    if (!got.data && want.bytes)
      return fail(error, DLC_INVALID_ARGUMENT, what + ": data is NULL");
    data[i] = got.data;
  }
  return DLC_OK;
}

namespace {
struct Buffer {
  uintptr_t begin, end;
  bool isOutput;
  size_t index;
};
} // namespace

dlc_status dlc::rt::checkOutputsDoNotOverlap(const std::vector<dlc_tensor_info> &inputs,
                                             const std::vector<void *> &inputData,
                                             const std::vector<dlc_tensor_info> &outputs,
                                             const std::vector<void *> &outputData,
                                             dlc_error **error) {
  // Sort all non-empty buffers by start; any overlap then shows up between a
  // buffer and the furthest-reaching one before it. Inputs may overlap each
  // other (they are only read).
  std::vector<Buffer> buffers;
  buffers.reserve(inputs.size() + outputs.size());
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].bytes)
      buffers.push_back({uintptr_t(inputData[i]), uintptr_t(inputData[i]) + inputs[i].bytes, false, i});
  for (size_t i = 0; i < outputs.size(); ++i)
    if (outputs[i].bytes)
      buffers.push_back({uintptr_t(outputData[i]), uintptr_t(outputData[i]) + outputs[i].bytes, true, i});
  std::sort(buffers.begin(), buffers.end(),
            [](const Buffer &a, const Buffer &b) { return a.begin < b.begin; });
  auto name = [&](const Buffer &b) {
    return std::string(b.isOutput ? "output '" : "input '") +
           (b.isOutput ? outputs : inputs)[b.index].name + "'";
  };
  // The furthest-reaching output and input seen so far.
  const Buffer *lastOutput = nullptr, *lastInput = nullptr;
  for (const Buffer &b : buffers) {
    const Buffer *clash = nullptr;
    if (lastOutput && lastOutput->end > b.begin)
      clash = lastOutput;
    else if (b.isOutput && lastInput && lastInput->end > b.begin)
      clash = lastInput;
    if (clash)
      return fail(error, DLC_INVALID_ARGUMENT,
                  name(clash->isOutput ? *clash : b) + ": buffer overlaps " +
                      name(clash->isOutput ? b : *clash));
    const Buffer *&last = b.isOutput ? lastOutput : lastInput;
    if (!last || b.end > last->end)
      last = &b;
  }
  return DLC_OK;
}
