// GraphPlan -> plan blob: the tables in the order plan.h documents, each
// 8-byte aligned, weights 64-byte aligned so kernels get aligned data.
#include "dlc/plan_writer.hpp"

#include <cstring>

namespace {
class BlobWriter {
public:
  uint32_t addString(const std::string &s) {
    uint32_t offset = strings.size();
    strings.insert(strings.end(), s.begin(), s.end());
    strings.push_back('\0');
    return offset;
  }
  uint32_t addIndices(const std::vector<uint32_t> &ids) {
    uint32_t first = indices.size();
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
    const auto *p = static_cast<const uint8_t *>(data);
    blob.insert(blob.end(), p, p + bytes);
  }

  std::vector<uint8_t> blob;
  std::vector<char> strings;
  std::vector<uint32_t> indices;
};
} // namespace

std::vector<uint8_t> dlc::serializePlan(const GraphPlan &plan) {
  BlobWriter w;
  dlc_plan_header header{};
  header.magic = DLC_PLAN_MAGIC;
  header.version = DLC_PLAN_VERSION;
  header.model_name = w.addString(plan.modelName);

  std::vector<dlc_plan_tensor> tensors;
  for (const PlanTensor &t : plan.tensors) {
    dlc_plan_tensor pt{};
    pt.name = w.addString(t.name);
    pt.dtype = t.dtype;
    pt.storage = t.storage;
    pt.rank = t.shape.size();
    for (size_t i = 0; i < t.shape.size(); ++i)
      pt.shape[i] = t.shape[i];
    pt.offset = t.offset;
    pt.bytes = t.bytes;
    tensors.push_back(pt);
  }
  std::vector<dlc_plan_node> nodes;
  for (const PlanNode &n : plan.nodes) {
    dlc_plan_node pn{};
    pn.kind = n.kind;
    pn.kernel = n.kernel;
    pn.name = w.addString(n.name);
    pn.op = w.addString(n.op);
    std::vector<uint32_t> args(n.inputs);
    args.insert(args.end(), n.outputs.begin(), n.outputs.end());
    pn.args = w.addIndices(args);
    pn.num_inputs = n.inputs.size();
    pn.num_outputs = n.outputs.size();
    pn.deps = w.addIndices(n.deps);
    pn.num_deps = n.deps.size();
    nodes.push_back(pn);
  }
  dlc_plan_entry entry{};
  entry.name = w.addString("inference");
  entry.inputs = w.addIndices(plan.inputs);
  entry.num_inputs = plan.inputs.size();
  entry.outputs = w.addIndices(plan.outputs);
  entry.num_outputs = plan.outputs.size();
  entry.first_node = 0;
  entry.num_nodes = plan.nodes.size();
  std::vector<dlc_plan_entry> entries{entry};

  w.append(&header, sizeof(header)); // patched below
  header.num_tensors = tensors.size();
  header.num_nodes = nodes.size();
  header.num_entries = entries.size();
  header.num_indices = w.indices.size();
  header.tensors_offset = w.appendTable(tensors);
  header.nodes_offset = w.appendTable(nodes);
  header.entries_offset = w.appendTable(entries);
  header.indices_offset = w.appendTable(w.indices);
  header.strings_offset = w.appendTable(w.strings);
  header.strings_bytes = w.strings.size();
  header.weights_offset = w.align(DLC_ARENA_ALIGNMENT);
  w.append(plan.weights.data(), plan.weights.size());
  header.weights_bytes = plan.weights.size();
  header.arena_bytes = plan.arenaBytes;
  header.num_kernels = plan.kernelSymbols.size();
  header.blob_bytes = w.blob.size();
  std::memcpy(w.blob.data(), &header, sizeof(header));
  return std::move(w.blob);
}
