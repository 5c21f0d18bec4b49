// Hand-made plans and kernels for runtime tests.
#ifndef DLC_TESTS_UNIT_RUNTIME_TESTPLANS_H
#define DLC_TESTS_UNIT_RUNTIME_TESTPLANS_H

#include "dlc/plan_writer.hpp"
#include "dlc/runtime.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

namespace dlc::test {

constexpr int64_t kN = 64; // elements per tensor

// Kernels over float32[kN].
inline void addKernel(void *const *a) {
  auto *x = static_cast<const float *>(a[0]), *y = static_cast<const float *>(a[1]);
  auto *o = static_cast<float *>(a[2]);
  for (int64_t i = 0; i < kN; ++i) o[i] = x[i] + y[i];
}
inline void reluKernel(void *const *a) {
  auto *x = static_cast<const float *>(a[0]);
  auto *o = static_cast<float *>(a[1]);
  for (int64_t i = 0; i < kN; ++i) o[i] = x[i] > 0 ? x[i] : 0;
}
inline void scaleKernel(void *const *a) { // o = 3 * x
  auto *x = static_cast<const float *>(a[0]);
  auto *o = static_cast<float *>(a[1]);
  for (int64_t i = 0; i < kN; ++i) o[i] = 3 * x[i];
}

inline PlanTensor tensor(const char *name, dlc_storage storage, uint64_t offset) {
  PlanTensor t;
  t.name = name;
  t.dtype = DLC_DTYPE_FLOAT32;
  t.shape = {kN};
  t.storage = storage;
  t.offset = offset;
  t.bytes = kN * 4;
  return t;
}

inline PlanNode node(uint32_t kernel, std::vector<uint32_t> in, std::vector<uint32_t> out,
                     std::vector<uint32_t> deps, const char *name) {
  PlanNode n;
  n.kernel = kernel;
  n.inputs = std::move(in);
  n.outputs = std::move(out);
  n.deps = std::move(deps);
  n.name = name;
  n.op = "test";
  return n;
}

/// Diamond: a = relu(x) ; b = 3*x ; y = a + b + w   (w a weight of 1.0)
///   tensors: 0 x(input) 1 w(weight) 2 a 3 b 4 s 5 y(output)
inline GraphPlan diamondPlan() {
  GraphPlan p;
  p.modelName = "diamond";
  p.tensors = {tensor("x", DLC_STORAGE_INPUT, 0), tensor("w", DLC_STORAGE_WEIGHT, 0),
               tensor("a", DLC_STORAGE_ARENA, 0), tensor("b", DLC_STORAGE_ARENA, 256),
               tensor("s", DLC_STORAGE_ARENA, 512), tensor("y", DLC_STORAGE_OUTPUT, 0)};
  p.nodes = {node(1, {0}, {2}, {}, "relu"), node(2, {0}, {3}, {}, "scale"),
             node(0, {2, 3}, {4}, {0, 1}, "add1"), node(0, {4, 1}, {5}, {2}, "add2")};
  p.inputs = {0};
  p.outputs = {5};
  std::vector<float> ones(kN, 1.0f);
  p.weights.resize(kN * 4);
  std::memcpy(p.weights.data(), ones.data(), kN * 4);
  p.arenaBytes = 768;
  p.kernelSymbols = {"add", "relu", "scale"};
  return p;
}

inline const dlc_cpu_fn kDiamondKernels[] = {addKernel, reluKernel, scaleKernel};

/// Owns a 64-byte aligned copy of a blob and the image pointing at it.
struct Image {
  std::unique_ptr<uint8_t, decltype(&std::free)> blob{nullptr, &std::free};
  dlc_model_image image{};

  explicit Image(const std::vector<uint8_t> &bytes, const dlc_cpu_fn *kernels = kDiamondKernels,
                 uint32_t numKernels = 3) {
    size_t size = (bytes.size() + 63) / 64 * 64;
    blob.reset(static_cast<uint8_t *>(std::aligned_alloc(64, size)));
    std::memcpy(blob.get(), bytes.data(), bytes.size());
    image = {DLC_IMAGE_ABI_VERSION, numKernels, blob.get(), bytes.size(), kernels};
  }
};

} // namespace dlc::test

#endif
