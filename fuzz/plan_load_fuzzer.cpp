//===- plan_load_fuzzer.cpp - libFuzzer: bytes -> libdlcrt plan loading ---===//
//
// Any byte string given to dlc_model_create as a plan must be rejected with
// a message or accepted as a plan that describes and runs safely: never an
// out-of-bounds read, a crash, a hang or a sanitizer report. Kernels are
// no-ops (the table has as many as the header asks for, so validation gets
// past the kernel count); accepted plans with small arenas and buffers are
// also run, which exercises the executor's dependency counting.
//
//===----------------------------------------------------------------------===//
#include "dlc/plan.h"
#include "dlc/runtime.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

extern "C" const char *__asan_default_options() { return "allocator_may_return_null=1"; }

namespace {
void noopKernel(void *const *) {}

constexpr uint32_t kMaxKernels = 4096;
constexpr uint64_t kMaxRunBytes = 1 << 20;

/// Runs an accepted model on zeroed buffers when everything it would
/// allocate is small.
void runSmall(dlc_model *model, const dlc_model_image &image) {
  const auto *header = reinterpret_cast<const dlc_plan_header *>(image.plan);
  if (header->arena_bytes > kMaxRunBytes)
    return;
  std::vector<std::vector<uint8_t>> buffers;
  std::vector<dlc_tensor_view> inputs, outputs;
  uint64_t total = 0;
  for (int side = 0; side < 2; ++side) {
    bool input = side == 0;
    uint32_t count = input ? dlc_model_num_inputs(model) : dlc_model_num_outputs(model);
    for (uint32_t i = 0; i < count; ++i) {
      dlc_tensor_info info;
      dlc_status s = input ? dlc_model_input_info(model, i, &info, nullptr)
                           : dlc_model_output_info(model, i, &info, nullptr);
      if (s != DLC_OK) {
        std::fprintf(stderr, "info of an accepted model failed\n");
        std::abort();
      }
      total += info.bytes;
      if (info.bytes > kMaxRunBytes || total > kMaxRunBytes)
        return;
      buffers.emplace_back(info.bytes + 1, 0);
      (input ? inputs : outputs)
          .push_back({buffers.back().data(), info.dtype, info.rank, info.shape});
    }
  }
  dlc_error *error = nullptr;
  if (dlc_model_run(model, inputs.data(), inputs.size(), outputs.data(), outputs.size(),
                    &error) != DLC_OK) {
    if (!dlc_error_message(error)[0])
      std::abort();
    dlc_error_free(error);
  }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // The runtime requires an 8-byte aligned blob (it rejects others, which
  // would stop the fuzzer early); vector<uint64_t> storage is aligned.
  std::vector<uint64_t> storage((size + 7) / 8 + 1);
  std::memcpy(storage.data(), data, size);
  auto *blob = reinterpret_cast<const uint8_t *>(storage.data());

  uint32_t numKernels = 0;
  if (size >= sizeof(dlc_plan_header))
    numKernels = reinterpret_cast<const dlc_plan_header *>(blob)->num_kernels;
  if (numKernels > kMaxKernels)
    numKernels = kMaxKernels;
  std::vector<dlc_cpu_fn> kernels(numKernels, noopKernel);

  dlc_model_image image{DLC_IMAGE_ABI_VERSION, numKernels, blob, size, kernels.data()};
  dlc_model_options options;
  dlc_model_options_init(&options);
  options.num_threads = 2;
  dlc_model *model = nullptr;
  dlc_error *error = nullptr;
  if (dlc_model_create(&image, &options, &model, &error) != DLC_OK) {
    if (!dlc_error_message(error)[0])
      std::abort();
    dlc_error_free(error);
    return 0;
  }
  (void)dlc_model_name(model);
  runSmall(model, image);
  dlc_model_free(model);
  return 0;
}
