// PlanBuilder -> plan blob: the tables in the order plan.h documents, each
// 8-byte aligned, the weights last and 64-byte aligned so kernels can rely
// on aligned constants.
#include "dlc/plan_builder.hpp"
#include "PlanView.h"
#include "dlc/runtime.h"

#include <algorithm>
#include <cstring>

namespace {

/// Accumulates the blob and its string and index pools.
class BlobWriter {
public:
  uint32_t addString(const std::string &s) {
    uint32_t offset = uint32_t(strings.size());
    strings.insert(strings.end(), s.begin(), s.end());
    strings.push_back('\0');
    return offset;
  }
  uint32_t addIndices(const std::vector<uint32_t> &ids) {
    uint32_t first = uint32_t(indices.size());
    indices.insert(indices.end(), ids.begin(), ids.end());
    return first;
  }
  template <typename T> uint64_t appendTable(const std::vector<T> &table) {
    uint64_t offset = align(8);
    append(table.data(), table.size() * sizeof(T));
    return offset;
  }
  uint64_t align(uint64_t alignment) {
    blob.resize((blob.size() + alignment - 1) / alignment * alignment, 0);
    return blob.size();
  }
  void append(const void *data, size_t bytes) {
    if (!bytes)
      return;
    const auto *p = static_cast<const uint8_t *>(data);
    blob.insert(blob.end(), p, p + bytes);
  }

  std::vector<uint8_t> blob;
  std::vector<char> strings;
  std::vector<uint32_t> indices;
};

dlc_plan_tensor encodeTensor(BlobWriter &w, const dlc::PlanTensor &t) {
  dlc_plan_tensor pt{};
  pt.name = w.addString(t.name);
  pt.dtype = t.dtype;
  pt.storage = t.storage;
  // An over-long shape is kept as a rank the runtime rejects, not truncated.
  pt.rank = uint32_t(t.shape.size());
  for (size_t i = 0; i < std::min<size_t>(t.shape.size(), DLC_MAX_RANK); ++i)
    pt.shape[i] = t.shape[i];
  pt.offset = t.offset;
  pt.bytes = t.bytes;
  pt.device = t.device;
  return pt;
}

dlc_plan_node encodeNode(BlobWriter &w, const dlc::PlanNode &n) {
  dlc_plan_node pn{};
  pn.kind = n.kind;
  pn.device = n.device;
  pn.kernel = n.kernel;
  pn.name = w.addString(n.name);
  pn.op = w.addString(n.op);
  std::vector<uint32_t> args(n.inputs);
  args.insert(args.end(), n.outputs.begin(), n.outputs.end());
  pn.args = w.addIndices(args);
  pn.num_inputs = uint32_t(n.inputs.size());
  pn.num_outputs = uint32_t(n.outputs.size());
  pn.deps = w.addIndices(n.deps);
  pn.num_deps = uint32_t(n.deps.size());
  return pn;
}

/// The implicit entry: every INPUT/OUTPUT tensor by binding index, every node.
dlc::PlanEntry defaultEntry(const std::vector<dlc::PlanTensor> &tensors, size_t numNodes) {
  dlc::PlanEntry e;
  std::vector<std::pair<uint64_t, uint32_t>> ins, outs;
  for (uint32_t id = 0; id < tensors.size(); ++id) {
    if (tensors[id].storage == DLC_STORAGE_INPUT)
      ins.push_back({tensors[id].offset, id});
    else if (tensors[id].storage == DLC_STORAGE_OUTPUT)
      outs.push_back({tensors[id].offset, id});
  }
  std::sort(ins.begin(), ins.end());
  std::sort(outs.begin(), outs.end());
  for (auto &[binding, id] : ins)
    e.inputs.push_back(id);
  for (auto &[binding, id] : outs)
    e.outputs.push_back(id);
  e.numNodes = uint32_t(numNodes);
  return e;
}
} // namespace

bool dlc::denseBytes(int32_t dtype, const std::vector<int64_t> &shape, uint64_t &bytes) {
  bytes = dlc_dtype_size(dtype);
  if (!bytes)
    return false;
  for (int64_t d : shape)
    if (d < 0 || __builtin_mul_overflow(bytes, uint64_t(d), &bytes))
      return false;
  return true;
}

std::string dlc::validatePlan(const uint8_t *blob, size_t size, uint32_t numKernels) {
  return rt::PlanView(blob, size).validate(numKernels);
}

uint64_t dlc::PlanBuilder::addWeights(const void *data, size_t size, uint64_t alignment) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0)
    alignment = DLC_ARENA_ALIGNMENT;
  weights.resize((weights.size() + alignment - 1) / alignment * alignment, 0);
  uint64_t offset = weights.size();
  if (size) {
    const auto *p = static_cast<const uint8_t *>(data);
    weights.insert(weights.end(), p, p + size);
  }
  return offset;
}

uint32_t dlc::PlanBuilder::addTensor(PlanTensor tensor) {
  if (tensor.bytes == 0)
    denseBytes(tensor.dtype, tensor.shape, tensor.bytes); // stays 0 if invalid: validation says why
  tensors.push_back(std::move(tensor));
  return uint32_t(tensors.size() - 1);
}

uint32_t dlc::PlanBuilder::addBinding(const std::string &name, int32_t dtype,
                                      const std::vector<int64_t> &shape, dlc_storage storage) {
  PlanTensor t;
  t.name = name;
  t.dtype = dtype;
  t.shape = shape;
  t.storage = storage;
  t.offset = storage == DLC_STORAGE_INPUT ? numInputs++ : numOutputs++;
  return addTensor(std::move(t));
}

uint32_t dlc::PlanBuilder::addInput(const std::string &name, int32_t dtype,
                                    const std::vector<int64_t> &shape) {
  return addBinding(name, dtype, shape, DLC_STORAGE_INPUT);
}

uint32_t dlc::PlanBuilder::addOutput(const std::string &name, int32_t dtype,
                                     const std::vector<int64_t> &shape) {
  return addBinding(name, dtype, shape, DLC_STORAGE_OUTPUT);
}

uint32_t dlc::PlanBuilder::addArenaTensor(const std::string &name, int32_t dtype,
                                          const std::vector<int64_t> &shape, uint64_t offset) {
  PlanTensor t;
  t.name = name;
  t.dtype = dtype;
  t.shape = shape;
  t.storage = DLC_STORAGE_ARENA;
  t.offset = offset;
  return addTensor(std::move(t));
}

uint32_t dlc::PlanBuilder::addWeightTensor(const std::string &name, int32_t dtype,
                                           const std::vector<int64_t> &shape, const void *data) {
  PlanTensor t;
  t.name = name;
  t.dtype = dtype;
  t.shape = shape;
  t.storage = DLC_STORAGE_WEIGHT;
  uint64_t bytes = 0;
  denseBytes(dtype, shape, bytes);
  t.offset = addWeights(data, size_t(bytes));
  return addTensor(std::move(t));
}

uint32_t dlc::PlanBuilder::addNode(PlanNode node) {
  nodes.push_back(std::move(node));
  return uint32_t(nodes.size() - 1);
}

uint32_t dlc::PlanBuilder::addCpuNode(uint32_t kernel, std::vector<uint32_t> inputs,
                                      std::vector<uint32_t> outputs, std::vector<uint32_t> deps,
                                      const std::string &name, const std::string &op) {
  PlanNode n;
  n.kind = DLC_NODE_CPU_FN;
  n.kernel = kernel;
  n.inputs = std::move(inputs);
  n.outputs = std::move(outputs);
  n.deps = std::move(deps);
  n.name = name;
  n.op = op;
  return addNode(std::move(n));
}

uint32_t dlc::PlanBuilder::addCopyNode(uint32_t input, uint32_t output, std::vector<uint32_t> deps,
                                       const std::string &name) {
  PlanNode n;
  n.kind = DLC_NODE_COPY;
  n.inputs = {input};
  n.outputs = {output};
  n.deps = std::move(deps);
  n.name = name;
  n.op = "dlc.copy";
  return addNode(std::move(n));
}

std::vector<uint8_t> dlc::PlanBuilder::build() const {
  BlobWriter w;
  dlc_plan_header header{};
  header.magic = DLC_PLAN_MAGIC;
  header.version = DLC_PLAN_VERSION;
  header.model_name = w.addString(modelName);

  std::vector<dlc_plan_tensor> tensorTable;
  for (const PlanTensor &t : tensors)
    tensorTable.push_back(encodeTensor(w, t));
  std::vector<dlc_plan_node> nodeTable;
  for (const PlanNode &n : nodes)
    nodeTable.push_back(encodeNode(w, n));
  std::vector<dlc_plan_entry> entryTable;
  std::vector<PlanEntry> allEntries = entries;
  if (allEntries.empty())
    allEntries.push_back(defaultEntry(tensors, nodes.size()));
  for (const PlanEntry &e : allEntries) {
    dlc_plan_entry pe{};
    pe.name = w.addString(e.name);
    pe.inputs = w.addIndices(e.inputs);
    pe.num_inputs = uint32_t(e.inputs.size());
    pe.outputs = w.addIndices(e.outputs);
    pe.num_outputs = uint32_t(e.outputs.size());
    pe.first_node = e.firstNode;
    pe.num_nodes = e.numNodes;
    entryTable.push_back(pe);
  }

  w.append(&header, sizeof(header)); // patched once the offsets are known
  header.num_tensors = uint32_t(tensorTable.size());
  header.num_nodes = uint32_t(nodeTable.size());
  header.num_entries = uint32_t(entryTable.size());
  header.num_indices = uint32_t(w.indices.size());
  header.tensors_offset = w.appendTable(tensorTable);
  header.nodes_offset = w.appendTable(nodeTable);
  header.entries_offset = w.appendTable(entryTable);
  header.indices_offset = w.appendTable(w.indices);
  header.strings_offset = w.appendTable(w.strings);
  header.strings_bytes = w.strings.size();
  header.weights_offset = w.align(DLC_ARENA_ALIGNMENT);
  w.append(weights.data(), weights.size());
  header.weights_bytes = weights.size();
  header.arena_bytes = arenaBytes;
  header.num_kernels = numKernels;
  header.blob_bytes = w.blob.size();
  std::memcpy(w.blob.data(), &header, sizeof(header));
  return std::move(w.blob);
}

bool dlc::PlanBuilder::build(std::vector<uint8_t> &blob, std::string &error) const {
  blob = build();
  error = validatePlan(blob.data(), blob.size(), numKernels);
  return error.empty();
}
