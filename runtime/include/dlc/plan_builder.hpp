// Builds plan blobs (runtime/include/dlc/plan.h) from typed C++ tables: the
// compiler uses it to emit plans, tests to make plans by hand.
//
//   dlc::PlanBuilder b("mlp");
//   uint32_t x = b.addInput("x", DLC_DTYPE_FLOAT32, {1, 4});
//   uint32_t w = b.addWeightTensor("w", DLC_DTYPE_FLOAT32, {4, 4}, wData);
//   uint32_t h = b.addArenaTensor("h", DLC_DTYPE_FLOAT32, {1, 4}, /*offset=*/0);
//   uint32_t y = b.addOutput("y", DLC_DTYPE_FLOAT32, {1, 4});
//   uint32_t mm = b.addCpuNode(/*kernel=*/0, {x, w}, {h}, {}, "fc", "dlc.matmul");
//   b.addCpuNode(1, {h}, {y}, {mm}, "relu", "dlc.relu");
//   b.setArenaBytes(64);
//   b.setNumKernels(2);
//   std::vector<uint8_t> blob; std::string error;
//   if (!b.build(blob, error)) ...   // also runs the runtime's validation
//
// A PlanBuilder is a plain value: not thread-safe, but independent builders
// may be used from different threads.
#ifndef DLC_PLAN_BUILDER_HPP
#define DLC_PLAN_BUILDER_HPP

#include "dlc/plan.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dlc {

struct PlanTensor {
  std::string name;
  int32_t dtype = DLC_DTYPE_UNDEFINED;
  std::vector<int64_t> shape;
  dlc_storage storage = DLC_STORAGE_ARENA;
  uint64_t offset = 0; // arena/weights byte offset, or binding index (INPUT/OUTPUT)
  uint64_t bytes = 0;  // 0: computed from dtype and shape by PlanBuilder
  uint32_t device = 0; // 0 = CPU
};

struct PlanNode {
  dlc_node_kind kind = DLC_NODE_CPU_FN;
  uint32_t kernel = 0; // index into the image's kernel table (CPU_FN)
  std::string name;    // ONNX node name(s) (from the op location)
  std::string op;      // dlc op name, e.g. "dlc.conv"
  std::vector<uint32_t> inputs, outputs, deps; // tensor ids, tensor ids, earlier node ids
  uint32_t device = 0;
};

struct PlanEntry {
  std::string name = "inference";
  std::vector<uint32_t> inputs, outputs; // tensor ids, in binding order
  uint32_t firstNode = 0, numNodes = 0;  // the entry runs nodes [firstNode, firstNode + numNodes)
};

/// product(shape) * dlc element size, or false for an unknown dtype, a
/// negative dim or an overflow.
bool denseBytes(int32_t dtype, const std::vector<int64_t> &shape, uint64_t &bytes);

/// Checks a plan blob exactly as libdlcrt does when it loads one, for an
/// image with `numKernels` kernels: "" when valid, else the problem.
/// `blob` must be 8-byte aligned. Thread-safe.
std::string validatePlan(const uint8_t *blob, size_t size, uint32_t numKernels);

class PlanBuilder {
public:
  explicit PlanBuilder(std::string modelName = "") : modelName(std::move(modelName)) {}

  /// Size of the per-run CPU arena; every ARENA tensor must fit inside.
  void setArenaBytes(uint64_t bytes) { arenaBytes = bytes; }
  /// Size of the image's kernel table (kernel indices must be below it).
  void setNumKernels(uint32_t count) { numKernels = count; }

  /// Appends `size` bytes to the weights section at the next multiple of
  /// `alignment` (a power of two) and returns their offset in the section.
  uint64_t addWeights(const void *data, size_t size, uint64_t alignment = DLC_ARENA_ALIGNMENT);

  /// Adds a tensor as given (bytes == 0 is replaced by the dense size);
  /// returns its id.
  uint32_t addTensor(PlanTensor tensor);
  /// Graph input/output bound to the next input/output position.
  uint32_t addInput(const std::string &name, int32_t dtype, const std::vector<int64_t> &shape);
  uint32_t addOutput(const std::string &name, int32_t dtype, const std::vector<int64_t> &shape);
  /// A tensor at `offset` in the arena.
  uint32_t addArenaTensor(const std::string &name, int32_t dtype,
                          const std::vector<int64_t> &shape, uint64_t offset);
  /// A constant: copies its dense bytes (product(shape) * element size read
  /// from `data`) into the weights, 64-byte aligned.
  uint32_t addWeightTensor(const std::string &name, int32_t dtype,
                           const std::vector<int64_t> &shape, const void *data);

  /// Adds a node; returns its id. Nodes must be added in topological order.
  uint32_t addNode(PlanNode node);
  /// A CPU_FN node calling kernels[kernel](inputs..., outputs...).
  uint32_t addCpuNode(uint32_t kernel, std::vector<uint32_t> inputs, std::vector<uint32_t> outputs,
                      std::vector<uint32_t> deps, const std::string &name, const std::string &op);
  /// A COPY node: memcpy(output, input, bytes of output).
  uint32_t addCopyNode(uint32_t input, uint32_t output, std::vector<uint32_t> deps,
                       const std::string &name);

  /// Adds an entry point. Without any, build() emits one "inference" entry
  /// with every INPUT/OUTPUT tensor (by binding index) and every node.
  void addEntry(PlanEntry entry) { entries.push_back(std::move(entry)); }

  size_t numTensors() const { return tensors.size(); }
  size_t numNodes() const { return nodes.size(); }
  const std::vector<uint8_t> &weightBytes() const { return weights; }

  /// Serializes: header, 8-byte aligned tables, strings, 64-byte aligned
  /// weights last. Does not validate (tests build invalid plans on purpose).
  std::vector<uint8_t> build() const;
  /// build() followed by validatePlan(); false with `error` if invalid.
  bool build(std::vector<uint8_t> &blob, std::string &error) const;

private:
  uint32_t addBinding(const std::string &name, int32_t dtype, const std::vector<int64_t> &shape,
                      dlc_storage storage);

  std::string modelName;
  std::vector<PlanTensor> tensors;
  std::vector<PlanNode> nodes;
  std::vector<PlanEntry> entries;
  std::vector<uint8_t> weights;
  uint64_t arenaBytes = 0;
  uint32_t numKernels = 0;
  uint32_t numInputs = 0, numOutputs = 0;
};

} // namespace dlc

#endif // DLC_PLAN_BUILDER_HPP
