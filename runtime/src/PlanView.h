// Internal: typed, validated access to a plan blob (runtime/include/dlc/plan.h).
#ifndef DLC_RUNTIME_SRC_PLANVIEW_H
#define DLC_RUNTIME_SRC_PLANVIEW_H

#include "dlc/plan.h"

#include <string>

namespace dlc::rt {

/// Read-only view of a plan blob. Only `validate` may be called before the
/// blob has been validated; afterwards every accessor with an index or
/// offset taken from the plan is in bounds. Cheap to copy; thread-safe.
class PlanView {
public:
  PlanView(const uint8_t *blob, uint64_t bytes) : blob(blob), size(bytes) {}

  /// Checks magic, version, table bounds, every index, offset and string of
  /// the plan, for an image with `numKernels` kernels. Returns "" when the
  /// plan is sound, else what is wrong (one problem, the first found).
  std::string validate(uint32_t numKernels) const;

  /// After validate(): "" if this build can run entry `entry`, else why not
  /// (GPU nodes, library calls, tensors on other devices).
  std::string unsupported(uint32_t entry) const;

  /// The plan device index of the (one) CUDA device a plan may use.
  static constexpr uint32_t kCudaDevice = 1;
  /// After validate(): whether entry `entry` runs nodes on a CUDA device
  /// (any device index > 0; src/cuda).
  bool usesCuda(uint32_t entry) const;
  /// After validate(): whether entry `entry` is a mixed CPU+CUDA plan (from
  /// `dlc --devices`): CPU nodes on device 0 with host tensors, GPU kernels on
  /// device 1 with device tensors, COPY nodes between them, inputs and
  /// outputs in host memory. Otherwise a CUDA plan runs every node on the
  /// device and the runtime stages inputs/outputs (`dlc --target=cuda`).
  bool isMixed(uint32_t entry) const;

  /// After validate(): whether argument `arg` of node `node` lives in device
  /// memory when the entry runs. All-CUDA plans: every argument. Mixed
  /// plans: arena tensors by their device, weights by the node's device (the
  /// runtime holds them on both), bindings on the host. CPU plans: none.
  bool argumentOnDevice(uint32_t entry, uint32_t node, uint32_t arg) const;

  const dlc_plan_header &header() const { return *reinterpret_cast<const dlc_plan_header *>(blob); }
  const dlc_plan_tensor &tensor(uint32_t i) const { return table<dlc_plan_tensor>(header().tensors_offset)[i]; }
  const dlc_plan_node &node(uint32_t i) const { return table<dlc_plan_node>(header().nodes_offset)[i]; }
  const dlc_plan_entry &entry(uint32_t i) const { return table<dlc_plan_entry>(header().entries_offset)[i]; }
  uint32_t index(uint64_t i) const { return table<uint32_t>(header().indices_offset)[i]; }
  const char *string(uint32_t offset) const {
    return reinterpret_cast<const char *>(blob + header().strings_offset + offset);
  }
  const uint8_t *weights() const { return blob + header().weights_offset; }

  /// "node 3 'conv1' (dlc.conv)": how messages name a node.
  std::string describeNode(uint32_t id) const;

private:
  template <typename T> const T *table(uint64_t offset) const {
    return reinterpret_cast<const T *>(blob + offset);
  }
  std::string validateHeader(uint32_t numKernels) const;
  std::string validateTensor(uint32_t id) const;
  std::string validateNode(uint32_t id, uint32_t numKernels) const;
  std::string validateEntry(uint32_t id) const;
  std::string unsupportedOnCuda(uint32_t entry) const;
  std::string unsupportedMixed(uint32_t entry) const;
  bool validString(uint64_t offset) const;

  const uint8_t *blob;
  uint64_t size;
};

} // namespace dlc::rt

#endif
