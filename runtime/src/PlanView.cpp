// Plan validation: nothing in a plan is trusted before these checks pass.
// Each check runs before anything that relies on it (a table is bounds-checked
// before its rows are read, an index before it is followed), so a corrupt or
// hostile blob yields a message, never an out-of-bounds read.
#include "PlanView.h"
#include "dlc/runtime.h"

#include <cstring>
#include <vector>

using dlc::rt::PlanView;

namespace {
bool addChecked(uint64_t a, uint64_t b, uint64_t &out) { return !__builtin_add_overflow(a, b, &out); }
bool mulChecked(uint64_t a, uint64_t b, uint64_t &out) { return !__builtin_mul_overflow(a, b, &out); }

/// Whether [offset, offset + count * elementSize) lies inside [0, limit).
bool rangeFits(uint64_t offset, uint64_t count, uint64_t elementSize, uint64_t limit) {
  uint64_t bytes, end;
  return mulChecked(count, elementSize, bytes) && addChecked(offset, bytes, end) && end <= limit;
}

std::string str(uint64_t v) { return std::to_string(v); }

const char *storageName(uint32_t storage) {
  switch (storage) {
  case DLC_STORAGE_INPUT: return "input";
  case DLC_STORAGE_OUTPUT: return "output";
  default: return "?";
  }
}
} // namespace

bool PlanView::validString(uint64_t offset) const {
  const dlc_plan_header &h = header();
  if (offset >= h.strings_bytes)
    return false;
  const void *begin = blob + h.strings_offset + offset;
  return std::memchr(begin, '\0', h.strings_bytes - offset) != nullptr;
}

std::string PlanView::describeNode(uint32_t id) const {
  const dlc_plan_node &n = node(id);
  return "node " + str(id) + " '" + string(n.name) + "' (" + string(n.op) + ")";
}

std::string PlanView::validate(uint32_t numKernels) const {
  if (std::string e = validateHeader(numKernels); !e.empty())
    return e;
  const dlc_plan_header &h = header();
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

std::string PlanView::validateHeader(uint32_t numKernels) const {
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
      {"weights section", h.weights_offset, h.weights_bytes, 1},
  };
  for (const Table &t : tables) {
    if (!rangeFits(t.offset, t.count, t.elementSize, size))
      return std::string(t.name) + " lies outside the plan blob (offset " + str(t.offset) +
             ", " + str(t.count) + " x " + str(t.elementSize) + " bytes, blob " + str(size) + ")";
    if (t.elementSize > 1 && t.offset % 8 != 0)
      return std::string(t.name) + " is not 8-byte aligned";
  }
  if (h.weights_offset % DLC_ARENA_ALIGNMENT != 0)
    return "weights are not " + str(DLC_ARENA_ALIGNMENT) + "-byte aligned";
  if (h.num_entries == 0)
    return "plan has no entry point";
  if (!validString(h.model_name))
    return "model name is not a valid string";
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
      return what + ": size overflows (product of the shape)";
  }
  if (bytes != t.bytes)
    return what + ": byte size " + str(t.bytes) + " does not match its shape (" + str(bytes) + ")";
  uint64_t end;
  switch (t.storage) {
  case DLC_STORAGE_ARENA:
    if (!addChecked(t.offset, t.bytes, end) || end > h.arena_bytes)
      return what + ": bytes [" + str(t.offset) + ", +" + str(t.bytes) +
             ") lie outside the arena (" + str(h.arena_bytes) + " bytes)";
    break;
  case DLC_STORAGE_WEIGHT:
    if (!addChecked(t.offset, t.bytes, end) || end > h.weights_bytes)
      return what + ": bytes [" + str(t.offset) + ", +" + str(t.bytes) +
             ") lie outside the weights (" + str(h.weights_bytes) + " bytes)";
    break;
  case DLC_STORAGE_INPUT:
  case DLC_STORAGE_OUTPUT:
    break; // bindings are checked against the entries that use them
  default:
    return what + ": unknown storage " + str(t.storage);
  }
  return "";
}

std::string PlanView::validateNode(uint32_t id, uint32_t numKernels) const {
  const dlc_plan_header &h = header();
  const dlc_plan_node &n = node(id);
  if (!validString(n.name) || !validString(n.op))
    return "node " + str(id) + ": name or op is not a valid string";
  std::string what = describeNode(id);
  uint64_t numArgs = uint64_t(n.num_inputs) + n.num_outputs;
  if (!rangeFits(n.args, numArgs, 1, h.num_indices))
    return what + ": argument list lies outside the index table";
  if (!rangeFits(n.deps, n.num_deps, 1, h.num_indices))
    return what + ": dependency list lies outside the index table";
  for (uint64_t a = 0; a < numArgs; ++a)
    if (index(n.args + a) >= h.num_tensors)
      return what + ": argument " + str(a) + " is tensor " + str(index(n.args + a)) +
             ", the plan has " + str(h.num_tensors);
  for (uint32_t d = 0; d < n.num_deps; ++d)
    if (index(n.deps + d) >= id)
      return what + ": depends on node " + str(index(n.deps + d)) +
             ", which is not earlier (nodes must be in topological order)";
  for (uint32_t o = 0; o < n.num_outputs; ++o) {
    uint32_t storage = tensor(index(n.args + n.num_inputs + o)).storage;
    if (storage == DLC_STORAGE_WEIGHT || storage == DLC_STORAGE_INPUT)
      return what + ": writes a read-only tensor (output " + str(o) + ")";
  }
  switch (n.kind) {
  case DLC_NODE_CPU_FN:
  case DLC_NODE_GPU_KERNEL: // its kernel is the host function that launches it
    if (n.kernel >= numKernels)
      return what + ": kernel " + str(n.kernel) + " is not in the kernel table (" +
             str(numKernels) + " kernels)";
    break;
  case DLC_NODE_COPY: {
    if (n.num_inputs != 1 || n.num_outputs != 1)
      return what + ": a copy needs one input and one output";
    const dlc_plan_tensor &in = tensor(index(n.args)), &out = tensor(index(n.args + 1));
    if (in.bytes != out.bytes)
      return what + ": copy between tensors of different sizes";
    break;
  }
  case DLC_NODE_LIBRARY_CALL:
    break; // well-formed; whether this build can run them is unsupported()'s call
  default:
    return what + ": unknown node kind " + str(n.kind);
  }
  return "";
}

std::string PlanView::validateEntry(uint32_t id) const {
  const dlc_plan_header &h = header();
  const dlc_plan_entry &e = entry(id);
  if (!validString(e.name))
    return "entry " + str(id) + ": name is not a valid string";
  std::string what = "entry " + str(id) + " '" + string(e.name) + "'";
  if (!rangeFits(e.inputs, e.num_inputs, 1, h.num_indices) ||
      !rangeFits(e.outputs, e.num_outputs, 1, h.num_indices))
    return what + ": input/output list lies outside the index table";
  if (!rangeFits(e.first_node, e.num_nodes, 1, h.num_nodes))
    return what + ": node range lies outside the node table";

  // Binding i of each list is a tensor of that storage whose offset is i.
  auto checkBindings = [&](uint32_t first, uint32_t count, uint32_t storage) -> std::string {
    for (uint32_t i = 0; i < count; ++i) {
      uint32_t t = index(uint64_t(first) + i);
      if (t >= h.num_tensors)
        return what + ": " + storageName(storage) + " " + str(i) + " is tensor " + str(t) +
               ", the plan has " + str(h.num_tensors);
      if (tensor(t).storage != storage || tensor(t).offset != i)
        return what + ": tensor " + str(t) + " is not bound to " + storageName(storage) +
               " position " + str(i);
    }
    return "";
  };
  if (std::string err = checkBindings(e.inputs, e.num_inputs, DLC_STORAGE_INPUT); !err.empty())
    return err;
  if (std::string err = checkBindings(e.outputs, e.num_outputs, DLC_STORAGE_OUTPUT); !err.empty())
    return err;

  std::vector<bool> outputWritten(e.num_outputs, false);
  for (uint32_t n = e.first_node; n < e.first_node + e.num_nodes; ++n) {
    const dlc_plan_node &nd = node(n);
    // A dependency outside the entry would never be satisfied: the run would hang.
    for (uint32_t d = 0; d < nd.num_deps; ++d)
      if (index(uint64_t(nd.deps) + d) < e.first_node)
        return describeNode(n) + ": depends on node " + str(index(uint64_t(nd.deps) + d)) +
               ", which is outside " + what;
    // A user buffer is sized for the tensor the entry binds; any other tensor
    // claiming the same binding could read or write past its end.
    for (uint32_t a = 0; a < nd.num_inputs + nd.num_outputs; ++a) {
      uint32_t t = index(uint64_t(nd.args) + a);
      const dlc_plan_tensor &tt = tensor(t);
      if (tt.storage != DLC_STORAGE_INPUT && tt.storage != DLC_STORAGE_OUTPUT)
        continue;
      bool isInput = tt.storage == DLC_STORAGE_INPUT;
      uint32_t count = isInput ? e.num_inputs : e.num_outputs;
      uint32_t list = isInput ? e.inputs : e.outputs;
      if (tt.offset >= count || index(uint64_t(list) + tt.offset) != t)
        return describeNode(n) + ": tensor " + str(t) + " claims " + storageName(tt.storage) +
               " binding " + str(tt.offset) + ", which " + what + " does not give it";
      if (!isInput && a >= nd.num_inputs)
        outputWritten[tt.offset] = true;
    }
  }
  for (uint32_t i = 0; i < e.num_outputs; ++i)
    if (!outputWritten[i] && tensor(index(uint64_t(e.outputs) + i)).bytes != 0)
      return what + ": output " + str(i) + " '" + string(tensor(index(uint64_t(e.outputs) + i)).name) +
             "' is never written";
  return "";
}

bool PlanView::usesCuda(uint32_t entryId) const {
  const dlc_plan_entry &e = entry(entryId);
  for (uint32_t n = e.first_node; n < e.first_node + e.num_nodes; ++n)
    if (node(n).device != 0) // any CUDA device: unsupported() names the ones it cannot run
      return true;
  return false;
}

bool PlanView::isMixed(uint32_t entryId) const {
  const dlc_plan_entry &e = entry(entryId);
  if (!usesCuda(entryId))
    return false;
  for (uint32_t n = e.first_node; n < e.first_node + e.num_nodes; ++n)
    if (node(n).device == 0)
      return true;
  return false;
}

bool PlanView::argumentOnDevice(uint32_t entryId, uint32_t n, uint32_t arg) const {
  if (!usesCuda(entryId))
    return false;
  if (!isMixed(entryId))
    return true;
  const dlc_plan_node &nd = node(n);
  const dlc_plan_tensor &t = tensor(index(uint64_t(nd.args) + arg));
  switch (t.storage) {
  case DLC_STORAGE_ARENA:
    return t.device == kCudaDevice;
  case DLC_STORAGE_WEIGHT:
    return nd.device == kCudaDevice;
  default:
    return false; // the caller's buffers
  }
}

std::string PlanView::unsupportedMixed(uint32_t entryId) const {
  const dlc_plan_entry &e = entry(entryId);
  for (uint32_t n = e.first_node; n < e.first_node + e.num_nodes; ++n) {
    const dlc_plan_node &nd = node(n);
    if (nd.device > kCudaDevice)
      return describeNode(n) + ": device " + str(nd.device) + " (cuda:" + str(nd.device - 1) +
             ") is not supported: this runtime runs one CUDA device (cuda:0)";
    bool cudaNode = nd.device == kCudaDevice;
    if (nd.kind == DLC_NODE_LIBRARY_CALL || (cudaNode && nd.kind == DLC_NODE_CPU_FN) ||
        (!cudaNode && nd.kind == DLC_NODE_GPU_KERNEL))
      return describeNode(n) + ": a mixed plan runs CPU functions on device 0, GPU kernels on " +
             "device " + str(kCudaDevice) + " and copies on either";
    for (uint32_t a = 0; a < nd.num_inputs + nd.num_outputs; ++a) {
      const dlc_plan_tensor &t = tensor(index(uint64_t(nd.args) + a));
      if (t.device > kCudaDevice)
        return describeNode(n) + ": tensor '" + string(t.name) + "' is on device " +
               str(t.device) + " (one CUDA device is supported)";
      if ((t.storage == DLC_STORAGE_INPUT || t.storage == DLC_STORAGE_OUTPUT) && t.device != 0)
        return describeNode(n) + ": input/output '" + string(t.name) +
               "' of a mixed plan must be in host memory (device 0)";
      // A kernel reads its arena tensors where it runs; copies move them.
      if (nd.kind != DLC_NODE_COPY && t.storage == DLC_STORAGE_ARENA && t.device != nd.device)
        return describeNode(n) + ": tensor '" + string(t.name) + "' is on device " +
               str(t.device) + " but the node runs on device " + str(nd.device) +
               " (a copy node must move it)";
      if (nd.kind != DLC_NODE_COPY && cudaNode &&
          (t.storage == DLC_STORAGE_INPUT || t.storage == DLC_STORAGE_OUTPUT))
        return describeNode(n) + ": GPU kernel reads host buffer '" + string(t.name) +
               "' (a copy node must move it)";
    }
  }
  return "";
}

std::string PlanView::unsupported(uint32_t entryId) const {
  const dlc_plan_entry &e = entry(entryId);
  if (isMixed(entryId))
    return unsupportedMixed(entryId);
  if (usesCuda(entryId))
    return unsupportedOnCuda(entryId);
  for (uint32_t n = e.first_node; n < e.first_node + e.num_nodes; ++n) {
    const dlc_plan_node &nd = node(n);
    if (nd.kind == DLC_NODE_GPU_KERNEL)
      return describeNode(n) + ": GPU kernels are not supported by this runtime build";
    if (nd.kind == DLC_NODE_LIBRARY_CALL)
      return describeNode(n) + ": library calls are not supported by this runtime build";
    if (nd.device != 0)
      return describeNode(n) + ": device " + str(nd.device) +
             " is not supported by this runtime build (CPU only)";
    for (uint32_t a = 0; a < nd.num_inputs + nd.num_outputs; ++a) {
      const dlc_plan_tensor &t = tensor(index(uint64_t(nd.args) + a));
      if (t.device != 0)
        return describeNode(n) + ": tensor '" + string(t.name) + "' on device " + str(t.device) +
               " is not supported by this runtime build (CPU only)";
    }
  }
  return "";
}

std::string PlanView::unsupportedOnCuda(uint32_t entryId) const {
  const dlc_plan_entry &e = entry(entryId);
  for (uint32_t n = e.first_node; n < e.first_node + e.num_nodes; ++n) {
    const dlc_plan_node &nd = node(n);
    if (nd.device != kCudaDevice || (nd.kind != DLC_NODE_GPU_KERNEL && nd.kind != DLC_NODE_COPY))
      return describeNode(n) + ": a CUDA plan may hold only GPU kernels and copies on device " +
             str(kCudaDevice) + " (cuda:0, the one CUDA device this runtime runs)";
    for (uint32_t a = 0; a < nd.num_inputs + nd.num_outputs; ++a) {
      const dlc_plan_tensor &t = tensor(index(uint64_t(nd.args) + a));
      if (t.device != kCudaDevice)
        return describeNode(n) + ": tensor '" + string(t.name) + "' is on device " +
               str(t.device) + ", not on the plan's CUDA device " + str(kCudaDevice);
    }
  }
  return "";
}
