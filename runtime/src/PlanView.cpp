// Plan validation: nothing in a plan is trusted before these checks pass.
#include "PlanView.h"
#include "dlc/runtime.h"

#include <cstring>

using dlc::rt::PlanView;

namespace {
/// a + b without overflow, else false.
bool addChecked(uint64_t a, uint64_t b, uint64_t &out) { return !__builtin_add_overflow(a, b, &out); }
bool mulChecked(uint64_t a, uint64_t b, uint64_t &out) { return !__builtin_mul_overflow(a, b, &out); }

/// Whether [offset, offset + count * elementSize) lies inside `limit`.
bool tableFits(uint64_t offset, uint64_t count, uint64_t elementSize, uint64_t limit) {
  uint64_t bytes, end;
  return mulChecked(count, elementSize, bytes) && addChecked(offset, bytes, end) && end <= limit;
}

std::string str(uint64_t v) { return std::to_string(v); }
} // namespace

bool PlanView::validString(uint32_t offset) const {
  const dlc_plan_header &h = header();
  if (offset >= h.strings_bytes)
    return false;
  const char *begin = reinterpret_cast<const char *>(blob + h.strings_offset + offset);
  return std::memchr(begin, '\0', h.strings_bytes - offset) != nullptr;
}

std::string PlanView::validate(uint32_t numKernels) const {
  if (!blob || size < sizeof(dlc_plan_header))
    return "plan blob is smaller than its header (" + str(size) + " bytes)";
  if (reinterpret_cast<uintptr_t>(blob) % alignof(uint64_t) != 0)
    return "plan blob is not 8-byte aligned";
  const dlc_plan_header &h = header();
  if (h.magic != DLC_PLAN_MAGIC)
    return "not a dlc plan (bad magic)";
  if (h.version != DLC_PLAN_VERSION)
    return "plan version " + str(h.version) + " is not supported (expected " +
           str(DLC_PLAN_VERSION) + ")";
  if (h.blob_bytes != size)
    return "plan says it has " + str(h.blob_bytes) + " bytes, image has " + str(size);
  if (h.num_kernels != numKernels)
    return "plan expects " + str(h.num_kernels) + " kernels, image has " + str(numKernels);
  struct Table {
    const char *name;
    uint64_t offset, count, elementSize;
  } tables[] = {
      {"tensor table", h.tensors_offset, h.num_tensors, sizeof(dlc_plan_tensor)},
      {"node table", h.nodes_offset, h.num_nodes, sizeof(dlc_plan_node)},
      {"entry table", h.entries_offset, h.num_entries, sizeof(dlc_plan_entry)},
      {"index table", h.indices_offset, h.num_indices, sizeof(uint32_t)},
      {"string table", h.strings_offset, h.strings_bytes, 1},
      {"weights", h.weights_offset, h.weights_bytes, 1},
  };
  for (const Table &t : tables) {
    if (!tableFits(t.offset, t.count, t.elementSize, size))
      return std::string(t.name) + " lies outside the plan blob";
    if (t.elementSize > 1 && t.offset % 8 != 0)
      return std::string(t.name) + " is not 8-byte aligned";
  }
  if (h.num_entries == 0)
    return "plan has no entry point";
  if (!validString(h.model_name))
    return "model name is not a valid string";
  for (uint32_t i = 0; i < h.num_tensors; ++i)
    if (std::string e = validateTensor(i); !e.empty())
      return e;
  for (uint32_t i = 0; i < h.num_nodes; ++i)
    if (std::string e = validateNode(i, numKernels); !e.empty())
      return e;
  for (uint32_t i = 0; i < h.num_entries; ++i)
    if (std::string e = validateEntry(i); !e.empty())
      return e;
  return "";
}

std::string PlanView::validateTensor(uint32_t id) const {
  const dlc_plan_header &h = header();
  const dlc_plan_tensor &t = tensor(id);
  std::string what = "tensor " + str(id);
  if (!validString(t.name))
    return what + ": name is not a valid string";
  what += " '" + std::string(string(t.name)) + "'";
  size_t elementSize = dlc_dtype_size(t.dtype);
  if (elementSize == 0)
    return what + ": unknown dtype " + std::to_string(t.dtype);
  if (t.rank > DLC_MAX_RANK)
    return what + ": rank " + str(t.rank) + " exceeds " + str(DLC_MAX_RANK);
  uint64_t bytes = elementSize;
  for (uint32_t d = 0; d < t.rank; ++d) {
    if (t.shape[d] < 0)
      return what + ": negative dim " + std::to_string(t.shape[d]);
    if (!mulChecked(bytes, uint64_t(t.shape[d]), bytes))
      return what + ": size overflows";
  }
  if (bytes != t.bytes)
    return what + ": byte size " + str(t.bytes) + " does not match its shape (" + str(bytes) + ")";
  uint64_t end;
  switch (t.storage) {
  case DLC_STORAGE_ARENA:
    if (!addChecked(t.offset, t.bytes, end) || end > h.arena_bytes)
      return what + ": lies outside the arena";
    break;
  case DLC_STORAGE_WEIGHT:
    if (!addChecked(t.offset, t.bytes, end) || end > h.weights_bytes)
      return what + ": lies outside the weights";
    break;
  case DLC_STORAGE_INPUT:
  case DLC_STORAGE_OUTPUT:
    break; // binding indices are checked against the entry
  default:
    return what + ": unknown storage " + str(t.storage);
  }
  if (t.device != 0)
    return what + ": placed on device " + str(t.device) + ", only the CPU is available";
  return "";
}

std::string PlanView::validateNode(uint32_t id, uint32_t numKernels) const {
  const dlc_plan_header &h = header();
  const dlc_plan_node &n = node(id);
  std::string what = "node " + str(id);
  if (!validString(n.name) || !validString(n.op))
    return what + ": name or op is not a valid string";
  what += " '" + std::string(string(n.name)) + "' (" + string(n.op) + ")";
  uint64_t numArgs = uint64_t(n.num_inputs) + n.num_outputs, end;
  if (!addChecked(n.args, numArgs, end) || end > h.num_indices)
    return what + ": argument list lies outside the index table";
  if (!addChecked(n.deps, n.num_deps, end) || end > h.num_indices)
    return what + ": dependency list lies outside the index table";
  for (uint64_t a = 0; a < numArgs; ++a)
    if (index(n.args + a) >= h.num_tensors)
      return what + ": argument " + str(a) + " is not a tensor";
  for (uint32_t d = 0; d < n.num_deps; ++d)
    if (index(n.deps + d) >= id)
      return what + ": depends on node " + str(index(n.deps + d)) + ", which is not earlier";
  switch (n.kind) {
  case DLC_NODE_CPU_FN:
    if (n.kernel >= numKernels)
      return what + ": kernel " + str(n.kernel) + " is not in the kernel table";
    break;
  case DLC_NODE_COPY: {
    if (n.num_inputs != 1 || n.num_outputs != 1)
      return what + ": a copy needs one input and one output";
    const dlc_plan_tensor &in = tensor(index(n.args)), &out = tensor(index(n.args + 1));
    if (in.bytes != out.bytes)
      return what + ": copy between tensors of different sizes";
    break;
  }
  case DLC_NODE_GPU_KERNEL:
  case DLC_NODE_LIBRARY_CALL:
    break; // rejected when run: this runtime has CPU nodes only
  default:
    return what + ": unknown node kind " + str(n.kind);
  }
  if (n.device != 0)
    return what + ": placed on device " + str(n.device) + ", only the CPU is available";
  for (uint32_t o = 0; o < n.num_outputs; ++o)
    if (tensor(index(n.args + n.num_inputs + o)).storage == DLC_STORAGE_WEIGHT ||
        tensor(index(n.args + n.num_inputs + o)).storage == DLC_STORAGE_INPUT)
      return what + ": writes a read-only tensor";
  return "";
}

std::string PlanView::validateEntry(uint32_t id) const {
  const dlc_plan_header &h = header();
  const dlc_plan_entry &e = entry(id);
  std::string what = "entry " + str(id);
  if (!validString(e.name))
    return what + ": name is not a valid string";
  uint64_t end;
  if (!addChecked(e.inputs, e.num_inputs, end) || end > h.num_indices ||
      !addChecked(e.outputs, e.num_outputs, end) || end > h.num_indices)
    return what + ": input/output list lies outside the index table";
  if (!addChecked(e.first_node, e.num_nodes, end) || end > h.num_nodes)
    return what + ": node range lies outside the node table";
  auto checkBindings = [&](uint32_t first, uint32_t count, uint32_t storage) -> std::string {
    for (uint32_t i = 0; i < count; ++i) {
      uint32_t t = index(first + i);
      if (t >= h.num_tensors)
        return what + ": binding " + str(i) + " is not a tensor";
      if (tensor(t).storage != storage || tensor(t).offset != i)
        return what + ": tensor " + str(t) + " is not bound to position " + str(i);
    }
    return "";
  };
  if (std::string err = checkBindings(e.inputs, e.num_inputs, DLC_STORAGE_INPUT); !err.empty())
    return err;
  if (std::string err = checkBindings(e.outputs, e.num_outputs, DLC_STORAGE_OUTPUT); !err.empty())
    return err;
  // Every INPUT/OUTPUT tensor must refer to an existing binding.
  for (uint32_t t = 0; t < h.num_tensors; ++t) {
    const dlc_plan_tensor &tt = tensor(t);
    if ((tt.storage == DLC_STORAGE_INPUT && tt.offset >= e.num_inputs) ||
        (tt.storage == DLC_STORAGE_OUTPUT && tt.offset >= e.num_outputs))
      return "tensor " + str(t) + ": binding index " + str(tt.offset) + " out of range";
  }
  return "";
}
