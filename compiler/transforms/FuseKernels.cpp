//===- FuseKernels.cpp - group producer/consumer chains into dlc.kernel ---===//
//
// Vertical fusion: an elementwise op (or reshape) joins the group of the op
// producing its operand when every use of that group's last results is this
// op. Groups are therefore chains whose intermediate values never leave the
// group, which keeps them convex (no path leaves and re-enters) and lets the
// kernel sit where its last op was. Typical results: conv+add+relu,
// matmul+add (bias), gemm+relu, and elementwise chains such as GELU. A split
// joins too (as the chain's last op: its pieces go to different users), so
// merged sibling convs/matmuls stay one kernel (conv+add+relu+split).
//
//===----------------------------------------------------------------------===//
#include "compiler/Passes.h"
#include "ir/Ops.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

namespace dlc {
#define GEN_PASS_DEF_FUSEKERNELS
#include "compiler/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

bool canJoinGroup(Operation *op) {
  return op->hasTrait<dlc::OpTrait::BroadcastElementwise>() ||
         llvm::isa<dlc::ReshapeOp, dlc::SplitOp, dlc::QuantizeLinearOp, dlc::DequantizeLinearOp>(op);
}

bool isGroupable(Operation *op) {
  return llvm::isa<dlc::DlcDialect>(op->getDialect()) &&
         !llvm::isa<dlc::ConstantOp, dlc::CopyOp, dlc::KernelOp, dlc::YieldOp>(op);
}

struct FuseKernelsPass : dlc::impl::FuseKernelsBase<FuseKernelsPass> {
  void runOnOperation() override {
    for (auto graph : getOperation().getOps<func::FuncOp>())
      if (graph->hasAttr(dlc::kGraphAttr))
        fuse(graph);
  }

  void fuse(func::FuncOp graph) {
    // Groups in creation order; each is a chain ending at its back().
    std::vector<SmallVector<Operation *>> groups;
    llvm::DenseMap<Operation *, size_t> groupOf;
    for (Operation &op : graph.getBody().front()) {
      if (!isGroupable(&op))
        continue;
      std::optional<size_t> target;
      if (canJoinGroup(&op))
        target = joinableGroup(&op, groups, groupOf);
      if (target) {
        groups[*target].push_back(&op);
        groupOf[&op] = *target;
      } else {
        groupOf[&op] = groups.size();
        groups.push_back({&op});
      }
    }
    for (auto &group : groups)
      if (group.size() > 1)
        wrap(group);
  }

  /// The group whose tail's results are used by `op` and nothing else.
  static std::optional<size_t> joinableGroup(Operation *op,
                                             const std::vector<SmallVector<Operation *>> &groups,
                                             const llvm::DenseMap<Operation *, size_t> &groupOf) {
    for (Value operand : op->getOperands()) {
      Operation *producer = operand.getDefiningOp();
      if (!producer || !groupOf.count(producer))
        continue;
      size_t id = groupOf.lookup(producer);
      if (groups[id].back() != producer)
        continue;
      bool onlyUsedHere = llvm::all_of(producer->getUsers(),
                                       [&](Operation *user) { return user == op; });
      if (onlyUsedHere)
        return id;
    }
    return std::nullopt;
  }

  /// Replaces the chain with one dlc.kernel placed at the chain's tail.
  static void wrap(ArrayRef<Operation *> group) {
    Operation *tail = group.back();
    llvm::SmallPtrSet<Operation *, 8> members(group.begin(), group.end());
    llvm::SetVector<Value> inputs;
    SmallVector<Location> locs;
    std::string name;
    for (Operation *op : group) {
      for (Value operand : op->getOperands())
        if (!members.contains(operand.getDefiningOp()))
          inputs.insert(operand);
      locs.push_back(op->getLoc());
      name += (name.empty() ? "" : "+") + op->getName().stripDialect().str();
    }
    OpBuilder builder(tail);
    Location loc = builder.getFusedLoc(locs);
    auto kernel = dlc::KernelOp::create(builder, loc, tail->getResultTypes(),
                                        inputs.getArrayRef(), builder.getStringAttr(name));
    // Members share a device: every cross-device edge goes through a dlc.copy.
    if (Attribute device = tail->getAttr(dlc::kDeviceAttr))
      kernel->setAttr(dlc::kDeviceAttr, device);
    Block *body = new Block();
    kernel.getBody().push_back(body);
    IRMapping mapping;
    for (Value input : inputs)
      mapping.map(input, body->addArgument(input.getType(), input.getLoc()));
    builder.setInsertionPointToStart(body);
    for (Operation *op : group)
      builder.clone(*op, mapping);
    SmallVector<Value> yielded;
    for (Value result : tail->getResults())
      yielded.push_back(mapping.lookup(result));
    dlc::YieldOp::create(builder, loc, yielded);
    tail->replaceAllUsesWith(kernel.getResults());
    for (Operation *op : llvm::reverse(group))
      op->erase();
  }
};
} // namespace
