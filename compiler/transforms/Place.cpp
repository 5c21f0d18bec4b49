//===- Place.cpp - devices for the graph's ops, copies between them -------===//
//
// Rules in Passes.td (dlc-place) and docs/runtime.md, "Placement".
#include "compiler/Passes.h"
#include "compiler/targets/Devices.h"
#include "ir/Ops.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <algorithm>
#include <optional>

namespace dlc {
#define GEN_PASS_DEF_PLACE
#include "compiler/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// Every ONNX node name in `loc` (several for fused or merged ops).
void nodeNames(Location loc, SmallVectorImpl<std::string> &names) {
  if (auto name = llvm::dyn_cast<NameLoc>(loc)) {
    names.push_back(name.getName().str());
  } else if (auto fused = llvm::dyn_cast<FusedLoc>(loc)) {
    for (Location inner : fused.getLocations())
      nodeNames(inner, names);
  }
}

bool isPlaceable(Operation *op) {
  return llvm::isa<dlc::DlcDialect>(op->getDialect()) &&
         !llvm::isa<dlc::ConstantOp, dlc::CopyOp, dlc::YieldOp>(op);
}

struct PlacePass : dlc::impl::PlaceBase<PlacePass> {
  using PlaceBase::PlaceBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(parseOptions(module)))
      return signalPassFailure();
    for (auto graph : module.getOps<func::FuncOp>())
      if (graph->hasAttr(dlc::kGraphAttr) && failed(place(graph)))
        return signalPassFailure();
    for (const auto &entry : manual)
      if (!used.contains(entry.getKey())) {
        module.emitError("--place: no ONNX node named '")
            << entry.getKey() << "' in the graph (after simplification)";
        return signalPassFailure();
      }
  }

private:
  LogicalResult parseOptions(ModuleOp module) {
    std::vector<std::string> names(devices.begin(), devices.end());
    if (names.empty())
      names.push_back("cpu");
    for (const std::string &name : names) {
      std::optional<dlc::Device> device = dlc::parseDevice(name);
      if (!device)
        return module.emitError("--devices: unknown device '")
               << name << "' (expected cpu or cuda:N)";
      if (listed(*device))
        return module.emitError("--devices: device '") << name << "' is listed twice";
      deviceList.push_back(*device);
    }
    for (const std::string &text : overrides) {
      auto [node, deviceName] = llvm::StringRef(text).split('=');
      if (node.empty() || deviceName.empty())
        return module.emitError("--place expects NODE=DEVICE, got '") << text << "'";
      std::optional<dlc::Device> device = dlc::parseDevice(deviceName);
      if (!device)
        return module.emitError("--place ")
               << text << ": unknown device '" << deviceName << "' (expected cpu or cuda:N)";
      if (!listed(*device))
        return module.emitError("--place ")
               << text << ": device '" << deviceName << "' is not in --devices";
      if (!manual.try_emplace(node, *device).second)
        return module.emitError("--place: node '") << node << "' is placed twice";
    }
    return success();
  }

  /// The device the rules give `op` (Passes.td), or an error on the op.
  FailureOr<dlc::Device> choose(Operation *op, const DenseMap<Value, dlc::Device> &where,
                                std::optional<unsigned> stage) {
    SmallVector<std::string> names;
    nodeNames(op->getLoc(), names);
    for (const std::string &name : names) {
      auto it = manual.find(name);
      if (it == manual.end())
        continue;
      used.insert(name);
      if (!dlc::deviceSupports(it->second, op))
        return op->emitError("--place ") << name << "=" << it->second.name() << ": "
                                         << op->getName() << " cannot run on that device";
      return it->second;
    }
    if (stage && dlc::deviceSupports(deviceList[*stage], op))
      return deviceList[*stage];
    if (!stage && dlc::opWork(op) >= minGpuWork)
      for (const dlc::Device &d : deviceList)
        if (d.cuda && dlc::deviceSupports(d, op))
          return d;
    for (Value operand : op->getOperands()) {
      auto it = where.find(operand);
      if (it != where.end() && listed(it->second) && dlc::deviceSupports(it->second, op))
        return it->second;
    }
    for (const dlc::Device &d : deviceList)
      if (dlc::deviceSupports(d, op))
        return d;
    return op->emitError("no device of --devices can run ") << op->getName();
  }

  LogicalResult place(func::FuncOp graph) {
    Block &body = graph.getBody().front();
    DenseMap<Value, dlc::Device> where; // device of each placed value
    for (BlockArgument arg : graph.getArguments())
      where[arg] = dlc::Device{}; // the caller's buffers are host memory
    DenseMap<Operation *, unsigned> stageOf;
    if (pipeline)
      stageOf = pipelineStages(body);
    SmallVector<Operation *> placed;
    for (Operation &op : body) {
      if (!isPlaceable(&op))
        continue;
      auto stage = stageOf.find(&op);
      FailureOr<dlc::Device> device =
          choose(&op, where,
                 stage == stageOf.end() ? std::nullopt : std::optional<unsigned>(stage->second));
      if (failed(device))
        return failure();
      op.setAttr(dlc::kDeviceAttr, StringAttr::get(&getContext(), device->name()));
      for (Value result : op.getResults())
        where[result] = *device;
      placed.push_back(&op);
    }

    // One copy per (value, device), created before its first reader.
    DenseMap<std::pair<Value, StringAttr>, Value> copies;
    OpBuilder builder(&getContext());
    auto readOn = [&](OpOperand &use, StringAttr device) {
      Value value = use.get();
      auto it = where.find(value);
      if (it == where.end() || it->second.name() == device.getValue())
        return; // constants (no device) or same device
      Value &copy = copies[{value, device}];
      if (!copy) {
        builder.setInsertionPoint(use.getOwner());
        copy = dlc::CopyOp::create(builder, value.getLoc(), value.getType(), value, device);
      }
      use.set(copy);
    };
    for (Operation *op : placed) {
      auto device = op->getAttrOfType<StringAttr>(dlc::kDeviceAttr);
      for (OpOperand &use : op->getOpOperands())
        readOn(use, device);
    }
    StringAttr host = StringAttr::get(&getContext(), "cpu");
    for (OpOperand &use : body.getTerminator()->getOpOperands())
      readOn(use, host);
    return success();
  }

  /// Pipeline split: op i goes to the stage that holds the middle of its
  /// work on the axis of cumulative work, cut into equal parts per device.
  DenseMap<Operation *, unsigned> pipelineStages(Block &body) const {
    SmallVector<std::pair<Operation *, double>> work;
    double total = 0;
    for (Operation &op : body)
      if (isPlaceable(&op)) {
        double w = double(std::max<int64_t>(dlc::opWork(&op), 1));
        work.push_back({&op, w});
        total += w;
      }
    DenseMap<Operation *, unsigned> stages;
    double before = 0;
    unsigned count = deviceList.size();
    for (auto [op, w] : work) {
      unsigned stage = unsigned((before + w / 2) * count / total);
      stages[op] = std::min(stage, count - 1);
      before += w;
    }
    return stages;
  }

  bool listed(const dlc::Device &device) const {
    return llvm::any_of(deviceList, [&](const dlc::Device &d) { return d.name() == device.name(); });
  }

  std::vector<dlc::Device> deviceList;
  llvm::StringMap<dlc::Device> manual;
  llvm::StringSet<> used;
};
} // namespace
