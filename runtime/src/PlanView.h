// Internal: typed, validated access to a plan blob (runtime/include/dlc/plan.h).
#ifndef DLC_RUNTIME_SRC_PLANVIEW_H
#define DLC_RUNTIME_SRC_PLANVIEW_H

#include "dlc/plan.h"

#include <string>

namespace dlc::rt {

/// Read-only view of a plan blob. Only `validate` may be called before the
/// blob has been validated; every accessor afterwards is in bounds.
class PlanView {
public:
  PlanView(const uint8_t *blob, uint64_t bytes) : blob(blob), size(bytes) {}

  /// Checks magic, version, table bounds, every index, offset and string;
  /// returns an empty string or what is wrong.
  std::string validate(uint32_t numKernels) const;

  const dlc_plan_header &header() const { return *reinterpret_cast<const dlc_plan_header *>(blob); }
  const dlc_plan_tensor &tensor(uint32_t i) const { return table<dlc_plan_tensor>(header().tensors_offset)[i]; }
  const dlc_plan_node &node(uint32_t i) const { return table<dlc_plan_node>(header().nodes_offset)[i]; }
  const dlc_plan_entry &entry(uint32_t i) const { return table<dlc_plan_entry>(header().entries_offset)[i]; }
  uint32_t index(uint32_t i) const { return table<uint32_t>(header().indices_offset)[i]; }
  const char *string(uint32_t offset) const {
    return reinterpret_cast<const char *>(blob + header().strings_offset + offset);
  }
  const uint8_t *weights() const { return blob + header().weights_offset; }

private:
  template <typename T> const T *table(uint64_t offset) const {
    return reinterpret_cast<const T *>(blob + offset);
  }
  std::string validateTensor(uint32_t id) const;
  std::string validateNode(uint32_t id, uint32_t numKernels) const;
  std::string validateEntry(uint32_t id) const;
  bool validString(uint32_t offset) const;

  const uint8_t *blob;
  uint64_t size;
};

} // namespace dlc::rt

#endif
