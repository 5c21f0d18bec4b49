// Hand-made plans, kernels and images for the runtime tests.
#ifndef DLC_TESTS_UNIT_RUNTIME_TESTPLANS_H
#define DLC_TESTS_UNIT_RUNTIME_TESTPLANS_H

#include "dlc/plan_builder.hpp"
#include "dlc/runtime.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace dlc::test {

constexpr int64_t kN = 64; // elements of every diamond tensor

// Kernels over float32[kN], called as the compiler's kernels are: args are
// the node's inputs then outputs.
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

inline const dlc_cpu_fn kDiamondKernels[] = {addKernel, reluKernel, scaleKernel};
constexpr uint32_t kAdd = 0, kRelu = 1, kScale = 2;

/// Diamond: a = relu(x); b = 3*x; s = a + b; y = s + w (w: a weight of ones).
///   tensors: 0 x (input) 1 w (weight) 2 a 3 b 4 s 5 y (output)
///   nodes:   0 relu  1 scale  2 add1 (after 0, 1)  3 add2 (after 2)
inline PlanBuilder diamondBuilder() {
  PlanBuilder b("diamond");
  std::vector<float> ones(kN, 1.0f);
  uint32_t x = b.addInput("x", DLC_DTYPE_FLOAT32, {kN});
  uint32_t w = b.addWeightTensor("w", DLC_DTYPE_FLOAT32, {kN}, ones.data());
  uint32_t a = b.addArenaTensor("a", DLC_DTYPE_FLOAT32, {kN}, 0);
  uint32_t bt = b.addArenaTensor("b", DLC_DTYPE_FLOAT32, {kN}, 256);
  uint32_t s = b.addArenaTensor("s", DLC_DTYPE_FLOAT32, {kN}, 512);
  uint32_t y = b.addOutput("y", DLC_DTYPE_FLOAT32, {kN});
  uint32_t relu = b.addCpuNode(kRelu, {x}, {a}, {}, "relu", "dlc.relu");
  uint32_t scale = b.addCpuNode(kScale, {x}, {bt}, {}, "scale", "dlc.mul");
  uint32_t add1 = b.addCpuNode(kAdd, {a, bt}, {s}, {relu, scale}, "add1", "dlc.add");
  b.addCpuNode(kAdd, {s, w}, {y}, {add1}, "add2", "dlc.add");
  b.setArenaBytes(768);
  b.setNumKernels(3);
  return b;
}

inline std::vector<uint8_t> diamondBlob() { return diamondBuilder().build(); }

/// What the diamond computes, in the test.
inline std::vector<float> diamondReference(const std::vector<float> &x) {
  std::vector<float> y(x.size());
  for (size_t i = 0; i < x.size(); ++i)
    y[i] = ((x[i] > 0 ? x[i] : 0) + 3 * x[i]) + 1.0f;
  return y;
}

inline std::vector<float> randomFloats(size_t n, unsigned seed, float lo = -2, float hi = 2) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(rng);
  return v;
}

/// Owns a 64-byte aligned copy of a blob and the image pointing at it, as
/// the compiler lays them out in .rodata.
struct Image {
  std::unique_ptr<uint8_t, decltype(&std::free)> blob{nullptr, &std::free};
  dlc_model_image image{};

  explicit Image(const std::vector<uint8_t> &bytes, const dlc_cpu_fn *kernels = kDiamondKernels,
                 uint32_t numKernels = 3) {
    size_t size = (std::max<size_t>(bytes.size(), 1) + 63) / 64 * 64;
    blob.reset(static_cast<uint8_t *>(std::aligned_alloc(64, size)));
    std::memset(blob.get(), 0, size);
    if (!bytes.empty())
      std::memcpy(blob.get(), bytes.data(), bytes.size());
    image = {DLC_IMAGE_ABI_VERSION, numKernels, blob.get(), bytes.size(), kernels};
  }
};

/// Owns a dlc_error for a test's lifetime of one call.
struct ErrorHolder {
  dlc_error *error = nullptr;
  ~ErrorHolder() { dlc_error_free(error); }
  dlc_error **out() {
    dlc_error_free(error);
    error = nullptr;
    return &error;
  }
  std::string message() const { return dlc_error_message(error); }
};

} // namespace dlc::test

#endif
