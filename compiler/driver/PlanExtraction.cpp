//===- PlanExtraction.cpp - graph function -> runtime plan ----------------===//
#include "compiler/driver/PlanExtraction.h"
#include "compiler/Passes.h"
#include "compiler/targets/Devices.h"
#include "dlc/runtime.h"
#include "ir/Ops.h"
#include "ir/Traits.h"

#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace mlir;

static int32_t dtypeOf(Type type) {
  if (type.isF32()) return DLC_DTYPE_FLOAT32;
  if (type.isF64()) return DLC_DTYPE_FLOAT64;
  if (type.isF16()) return DLC_DTYPE_FLOAT16;
  if (type.isBF16()) return DLC_DTYPE_BFLOAT16;
  if (type.isSignlessInteger(1)) return DLC_DTYPE_BOOL;
  if (type.isSignlessInteger(8)) return DLC_DTYPE_INT8;
  if (type.isSignlessInteger(16)) return DLC_DTYPE_INT16;
  if (type.isSignlessInteger(32)) return DLC_DTYPE_INT32;
  if (type.isSignlessInteger(64)) return DLC_DTYPE_INT64;
  if (type.isUnsignedInteger(8)) return DLC_DTYPE_UINT8;
  if (type.isUnsignedInteger(16)) return DLC_DTYPE_UINT16;
  if (type.isUnsignedInteger(32)) return DLC_DTYPE_UINT32;
  if (type.isUnsignedInteger(64)) return DLC_DTYPE_UINT64;
  return DLC_DTYPE_UNDEFINED;
}

/// The ONNX node name the importer put in the location.
static std::string nodeName(Location loc) {
  if (auto name = llvm::dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = llvm::dyn_cast<FusedLoc>(loc)) {
    std::string names;
    for (Location inner : fused.getLocations()) {
      std::string n = nodeName(inner);
      if (!n.empty())
        names += (names.empty() ? "" : "+") + n;
    }
    return names;
  }
  return "";
}

/// Little-endian element bytes of a constant, in row-major order.
static FailureOr<std::vector<uint8_t>> elementBytes(ElementsAttr value, uint64_t elementSize) {
  auto dense = llvm::dyn_cast<DenseElementsAttr>(value);
  if (!dense)
    return failure();
  uint64_t count = dense.getNumElements();
  std::vector<uint8_t> bytes;
  if (dense.getElementType().isInteger(1)) {
    // Dense i1 attributes are bit-packed; the plan stores one byte per bool.
    for (bool b : dense.getValues<bool>())
      bytes.push_back(b ? 1 : 0);
    return bytes;
  }
  ArrayRef<char> raw = dense.getRawData();
  if (dense.isSplat()) {
    bytes.reserve(count * elementSize);
    for (uint64_t i = 0; i < count; ++i)
      bytes.insert(bytes.end(), raw.begin(), raw.begin() + elementSize);
    return bytes;
  }
  if (raw.size() != count * elementSize)
    return failure();
  bytes.assign(raw.begin(), raw.end());
  return bytes;
}

/// The operands a kernel may overwrite with its single result.
///
/// Only kernels made of broadcasting-elementwise dlc ops qualify, and only
/// operands with exactly the result's type: every op reads such an operand at
/// the index it writes (same shape, so no broadcast and no permutation). The
/// lowering turns the kernel into linalg.generic ops that run one after
/// another, the last one writing the result; each element of the operand is
/// read, at the latest, by the iteration that writes the same element of the
/// result, so writing in place never clobbers a value still to be read.
static SmallVector<unsigned> inPlaceOperands(func::FuncOp kernel) {
  if (!kernel || kernel.isExternal() || kernel.getNumResults() != 1)
    return {};
  for (Operation &op : kernel.getBody().front().without_terminator())
    if (!op.hasTrait<dlc::OpTrait::BroadcastElementwise>())
      return {};
  auto resultType = llvm::cast<ShapedType>(kernel.getResultTypes().front());
  SmallVector<unsigned> operands;
  for (BlockArgument arg : kernel.getArguments()) {
    bool readAtResultIndex = !arg.use_empty() && llvm::all_of(arg.getUsers(), [&](Operation *user) {
      return llvm::isa<func::ReturnOp>(user) ||
             llvm::cast<ShapedType>(user->getResult(0).getType()).getShape() ==
                 resultType.getShape();
    });
    if (arg.getType() == resultType && readAtResultIndex)
      operands.push_back(arg.getArgNumber());
  }
  return operands;
}

namespace {
/// Liveness of one tensor in node indices: [def, lastUse].
struct Lifetime {
  int64_t def = -1, lastUse = -1;
};

class PlanExtractor {
public:
  PlanExtractor(func::FuncOp graph, bool inPlace) : graph(graph), inPlace(inPlace) {}

  FailureOr<dlc::GraphPlan> run() {
    plan.modelName = graph.getName().str();
    for (BlockArgument arg : graph.getArguments()) {
      auto name = graph.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "dlc.name");
      uint32_t id = addTensor(arg, name ? name.str() : "input_" + std::to_string(arg.getArgNumber()));
      plan.tensors[id].storage = DLC_STORAGE_INPUT;
      plan.tensors[id].offset = arg.getArgNumber();
      plan.inputs.push_back(id);
    }
    for (Operation &op : graph.getBody().front()) {
      if (failed(visit(op)))
        return failure();
    }
    // In-place writes change first-fit's packing; keep them only where the
    // arena does not grow (it did by 30% on ResNet-152 for one relu).
    assignArena(/*allowInPlace=*/false);
    if (inPlace) {
      uint64_t separate = plan.arenaBytes;
      assignArena(/*allowInPlace=*/true);
      if (plan.arenaBytes > separate)
        assignArena(/*allowInPlace=*/false);
    }
    addDependencies();
    return std::move(plan);
  }

private:
  uint32_t addTensor(Value value, std::string name) {
    auto type = llvm::cast<RankedTensorType>(value.getType());
    dlc::PlanTensor tensor;
    tensor.name = std::move(name);
    tensor.dtype = dtypeOf(type.getElementType());
    tensor.shape.assign(type.getShape().begin(), type.getShape().end());
    tensor.bytes = type.getNumElements() * dlc_dtype_size(tensor.dtype);
    plan.tensors.push_back(std::move(tensor));
    lifetimes.emplace_back();
    producer.push_back(-1);
    ids[value] = plan.tensors.size() - 1;
    return plan.tensors.size() - 1;
  }

  LogicalResult checkType(Operation &op, Type type) {
    auto tensor = llvm::dyn_cast<RankedTensorType>(type);
    if (!tensor || !tensor.hasStaticShape() || dtypeOf(tensor.getElementType()) == 0 ||
        tensor.getRank() > DLC_MAX_RANK)
      return op.emitError("the plan cannot hold a value of type ") << type;
    return success();
  }

  LogicalResult visit(Operation &op) {
    for (Type t : op.getResultTypes())
      if (failed(checkType(op, t)))
        return failure();
    if (auto constant = llvm::dyn_cast<dlc::ConstantOp>(op))
      return addWeight(constant);
    if (auto call = llvm::dyn_cast<func::CallOp>(op))
      return addKernelNode(call);
    if (auto copy = llvm::dyn_cast<dlc::CopyOp>(op))
      return addCopyNode(copy);
    if (auto ret = llvm::dyn_cast<func::ReturnOp>(op))
      return addOutputs(ret);
    return op.emitError("unexpected op in the outlined graph function");
  }

  LogicalResult addWeight(dlc::ConstantOp constant) {
    uint32_t id = addTensor(constant.getResult(), "const_" + std::to_string(plan.tensors.size()));
    dlc::PlanTensor &tensor = plan.tensors[id];
    auto bytes = elementBytes(constant.getValue(), dlc_dtype_size(tensor.dtype));
    if (failed(bytes))
      return constant.emitError("cannot serialize constant of type ") << constant.getType();
    tensor.storage = DLC_STORAGE_WEIGHT;
    plan.weights.resize(llvm::alignTo(plan.weights.size(), DLC_ARENA_ALIGNMENT), 0);
    tensor.offset = plan.weights.size();
    plan.weights.insert(plan.weights.end(), bytes->begin(), bytes->end());
    return success();
  }

  uint32_t kernelIndex(StringRef callee) {
    std::string symbol = (callee + dlc::kKernelEntrySuffix).str();
    auto it = std::find(plan.kernelSymbols.begin(), plan.kernelSymbols.end(), symbol);
    if (it != plan.kernelSymbols.end())
      return it - plan.kernelSymbols.begin();
    plan.kernelSymbols.push_back(symbol);
    return plan.kernelSymbols.size() - 1;
  }

  /// The plan device index of a `dlc.device` attribute (absent: the CPU).
  static FailureOr<uint32_t> deviceIndex(Operation *op, StringAttr device) {
    if (!device)
      return 0u;
    std::optional<dlc::Device> parsed = dlc::parseDevice(device.getValue());
    if (!parsed)
      return op->emitError("unknown device '") << device.getValue() << "'";
    return parsed->planIndex();
  }

  LogicalResult addKernelNode(func::CallOp call) {
    dlc::PlanNode node;
    node.kind = DLC_NODE_CPU_FN;
    node.kernel = kernelIndex(call.getCallee());
    node.name = nodeName(call.getLoc());
    if (auto op = call->getAttrOfType<StringAttr>(dlc::kOpNameAttr))
      node.op = op.str();
    FailureOr<uint32_t> device =
        deviceIndex(call, call->getAttrOfType<StringAttr>(dlc::kDeviceAttr));
    if (failed(device))
      return failure();
    node.device = *device;
    if (node.device != 0)
      node.kind = DLC_NODE_GPU_KERNEL; // its kernel-table entry launches the GPU code
    int64_t index = plan.nodes.size();
    addNode(std::move(node), call.getOperands(), call.getResults());
    if (inPlace) {
      auto kernel = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(call, call.getCalleeAttr());
      for (unsigned operand : inPlaceOperands(kernel))
        overwrites[index].push_back(plan.nodes[index].inputs[operand]);
    }
    return success();
  }

  /// A dlc.copy from dlc-place: a COPY node on the destination device.
  LogicalResult addCopyNode(dlc::CopyOp copy) {
    dlc::PlanNode node;
    node.kind = DLC_NODE_COPY;
    node.op = "copy";
    FailureOr<uint32_t> device = deviceIndex(copy, copy.getDeviceAttr());
    if (failed(device))
      return failure();
    node.device = *device;
    std::string source = nodeName(copy.getLoc());
    node.name = "copy(" + (source.empty() ? std::string("input") : source) + ")->" +
                copy.getDevice().str();
    addNode(std::move(node), copy->getOperands(), copy->getResults());
    return success();
  }

  void addNode(dlc::PlanNode node, ValueRange operands, ValueRange results) {
    int64_t index = plan.nodes.size();
    for (Value operand : operands)
      node.inputs.push_back(use(operand, index));
    for (auto [i, result] : llvm::enumerate(results)) {
      std::string name = node.name.empty() ? "t" : node.name;
      uint32_t id = addTensor(result, name + ":" + std::to_string(i));
      plan.tensors[id].device = node.device; // a result lives where it was computed
      lifetimes[id].def = lifetimes[id].lastUse = index;
      producer[id] = index;
      node.outputs.push_back(id);
    }
    plan.nodes.push_back(std::move(node));
  }

  uint32_t use(Value value, int64_t nodeIndex) {
    uint32_t id = ids.lookup(value);
    lifetimes[id].lastUse = std::max(lifetimes[id].lastUse, nodeIndex);
    return id;
  }

  /// Results computed by a kernel are written straight into the caller's
  /// output buffer; any other returned value gets a copy node.
  LogicalResult addOutputs(func::ReturnOp ret) {
    for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
      auto name = graph.getResultAttrOfType<StringAttr>(i, "dlc.name");
      uint32_t id = ids.lookup(value);
      dlc::PlanTensor &source = plan.tensors[id];
      if (producer[id] >= 0 && source.storage == DLC_STORAGE_ARENA) {
        source.storage = DLC_STORAGE_OUTPUT;
        source.offset = i;
        if (name)
          source.name = name.str();
        plan.outputs.push_back(id);
        continue;
      }
      dlc::PlanNode copy;
      copy.kind = DLC_NODE_COPY;
      copy.name = "copy_" + (name ? name.str() : std::to_string(i));
      copy.op = "copy";
      int64_t index = plan.nodes.size();
      copy.inputs.push_back(use(value, index));
      uint32_t out = addTensor(value, name ? name.str() : "output_" + std::to_string(i));
      plan.tensors[out].storage = DLC_STORAGE_OUTPUT;
      plan.tensors[out].offset = i;
      producer[out] = index;
      lifetimes[out].def = lifetimes[out].lastUse = index;
      copy.outputs.push_back(out);
      plan.outputs.push_back(out);
      plan.nodes.push_back(std::move(copy));
    }
    return success();
  }

  static bool overlaps(const Lifetime &a, const Lifetime &b) {
    return a.def <= b.lastUse && b.def <= a.lastUse;
  }

  /// First-fit placement in definition order: a tensor takes the lowest
  /// aligned offset not used by any placed tensor of its device whose
  /// lifetime overlaps. arenaBytes is the largest device's arena: the runtime
  /// allocates that much on every device a plan uses.
  void assignArena(bool allowInPlace) {
    useInPlace = allowInPlace;
    placed.clear();
    plan.arenaBytes = 0;
    for (uint32_t id = 0; id < plan.tensors.size(); ++id) {
      dlc::PlanTensor &tensor = plan.tensors[id];
      if (tensor.storage != DLC_STORAGE_ARENA)
        continue;
      if (std::optional<uint32_t> source = inPlaceSource(id)) {
        tensor.offset = plan.tensors[*source].offset;
        placed.push_back(id);
        continue;
      }
      SmallVector<uint32_t> live;
      for (uint32_t other : placed) // each device has an arena of its own
        if (plan.tensors[other].device == tensor.device && overlaps(lifetimes[id], lifetimes[other]))
          live.push_back(other);
      llvm::sort(live, [&](uint32_t a, uint32_t b) {
        return plan.tensors[a].offset < plan.tensors[b].offset;
      });
      uint64_t offset = 0;
      for (uint32_t other : live) {
        const dlc::PlanTensor &o = plan.tensors[other];
        if (offset + tensor.bytes <= o.offset)
          break;
        offset = std::max<uint64_t>(offset, llvm::alignTo(o.offset + o.bytes, DLC_ARENA_ALIGNMENT));
      }
      tensor.offset = offset;
      plan.arenaBytes = std::max<uint64_t>(plan.arenaBytes,
                                           llvm::alignTo(offset + tensor.bytes, DLC_ARENA_ALIGNMENT));
      placed.push_back(id);
    }
  }

  /// The operand whose memory the arena tensor `id` takes over: one its
  /// producer may overwrite that is in the arena, as large, already placed
  /// and read by no later node.
  std::optional<uint32_t> inPlaceSource(uint32_t id) const {
    if (!useInPlace || producer[id] < 0)
      return std::nullopt;
    auto it = overwrites.find(producer[id]);
    if (it == overwrites.end())
      return std::nullopt;
    for (uint32_t source : it->second) {
      const dlc::PlanTensor &s = plan.tensors[source];
      if (s.storage == DLC_STORAGE_ARENA && s.bytes == plan.tensors[id].bytes && s.bytes != 0 &&
          s.device == plan.tensors[id].device &&
          lifetimes[source].lastUse == producer[id] && llvm::is_contained(placed, source))
        return source;
    }
    return std::nullopt;
  }

  /// Data dependencies plus write-after-read ordering for reused memory.
  void addDependencies() {
    SmallVector<SmallVector<int64_t>> readers(plan.tensors.size());
    for (auto [index, node] : llvm::enumerate(plan.nodes))
      for (uint32_t in : node.inputs)
        readers[in].push_back(index);
    for (auto [index, node] : llvm::enumerate(plan.nodes)) {
      llvm::SmallSetVector<uint32_t, 8> deps;
      for (uint32_t in : node.inputs)
        if (producer[in] >= 0)
          deps.insert(producer[in]);
      for (uint32_t out : node.outputs) {
        const dlc::PlanTensor &t = plan.tensors[out];
        if (t.storage != DLC_STORAGE_ARENA || t.bytes == 0)
          continue;
        // Overwriting an operand in place: its other readers go first.
        if (std::optional<uint32_t> source = inPlaceSource(out))
          for (int64_t r : readers[*source])
            deps.insert(r);
        for (uint32_t other : placed) {
          const dlc::PlanTensor &o = plan.tensors[other];
          if (other == out || o.bytes == 0 || o.device != t.device ||
              lifetimes[other].lastUse >= (int64_t)index ||
              o.offset >= t.offset + t.bytes || t.offset >= o.offset + o.bytes)
            continue;
          if (producer[other] >= 0)
            deps.insert(producer[other]);
          for (int64_t r : readers[other])
            deps.insert(r);
        }
      }
      deps.remove(index);
      node.deps.assign(deps.begin(), deps.end());
      llvm::sort(node.deps);
    }
  }

  func::FuncOp graph;
  bool inPlace;
  bool useInPlace = false; // the current arena assignment's choice
  /// Node index -> the input tensors its kernel may overwrite.
  llvm::DenseMap<int64_t, SmallVector<uint32_t, 2>> overwrites;
  dlc::GraphPlan plan;
  llvm::DenseMap<Value, uint32_t> ids;
  std::vector<Lifetime> lifetimes;
  std::vector<int64_t> producer;
  std::vector<uint32_t> placed;
};
} // namespace

FailureOr<dlc::GraphPlan> dlc::extractPlan(func::FuncOp graph, bool inPlace) {
  return PlanExtractor(graph, inPlace).run();
}
