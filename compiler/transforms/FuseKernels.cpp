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
// Integer contractions are the exception: the 8-bit -> i32 cast (and
// zero-point sub) of their activation leads their own kernel instead
// (isInt8Prologue), e.g. cast+sub+conv+cast+mul+quantize_linear.
// With matmul-layouts, transposes (and reshapes) that only rearrange an f32
// matmul operand lead the matmul's kernel too (isMatMulPrologue), and a
// transpose of its result joins after the epilogue (isMatMulResultTranspose):
// dlc-dispatch-dnnl turns them into strided views of the library call, e.g.
// attention's transpose+transpose+matmul+div and matmul+transpose+reshape.
//
//===----------------------------------------------------------------------===//
#include "compiler/Passes.h"
#include "compiler/transforms/StridedViews.h"
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

bool isElementType(Value v, llvm::function_ref<bool(Type)> pred) {
  auto t = llvm::dyn_cast<ShapedType>(v.getType());
  return t && pred(t.getElementType());
}
bool isI32(Type t) { return t.isSignlessInteger(32); }
bool is8Bit(Type t) { return t.isInteger(8); }

/// An integer conv/matmul (i32 accumulation: folded QDQ, QLinear*).
bool isIntegerContraction(Operation *op) {
  return llvm::isa<dlc::ConvOp, dlc::MatMulOp>(op) && isElementType(op->getResult(0), isI32);
}

/// The prologue of an integer contraction's activation: `cast(8-bit -> i32)`
/// and the zero-point `sub` after it, on the way to the contraction's first
/// operand and nothing else. It leads the contraction's kernel instead of
/// ending the producer's, so the tensor between kernels stays 8-bit (a
/// quarter of the bytes) and the library dispatch sees the 8-bit source
/// and its zero point (dlc-dispatch-dnnl).
bool isInt8Prologue(Operation *op) {
  if (op->getNumResults() != 1 || !op->getResult(0).hasOneUse() ||
      !isElementType(op->getResult(0), isI32))
    return false;
  OpOperand &use = *op->getResult(0).getUses().begin();
  Operation *user = use.getOwner();
  if (auto cast = llvm::dyn_cast<dlc::CastOp>(op)) {
    if (!isElementType(cast.getInput(), is8Bit))
      return false;
    // Straight into the contraction, or through the zero-point sub.
    return (isIntegerContraction(user) && use.getOperandNumber() == 0) ||
           (llvm::isa<dlc::SubOp>(user) && use.getOperandNumber() == 0 && isInt8Prologue(user));
  }
  auto sub = llvm::dyn_cast<dlc::SubOp>(op);
  auto zp = sub ? llvm::dyn_cast<ShapedType>(sub.getRhs().getType()) : ShapedType();
  auto cast = sub ? sub.getLhs().getDefiningOp<dlc::CastOp>() : dlc::CastOp();
  return sub && cast && isElementType(cast.getInput(), is8Bit) && zp &&
         zp.getNumElements() == 1 && isIntegerContraction(user) && use.getOperandNumber() == 0;
}

bool isF32(Value v) {
  auto t = llvm::dyn_cast<RankedTensorType>(v.getType());
  return t && t.hasStaticShape() && t.getElementType().isF32();
}

/// Not placed on a GPU: strided library views are a CPU dispatch.
bool onCpu(Operation *op) {
  auto device = op->getAttrOfType<StringAttr>(dlc::kDeviceAttr);
  return !device || device.getValue().starts_with("cpu");
}

bool isLayoutOp(Operation *op) { return llvm::isa<dlc::TransposeOp, dlc::ReshapeOp>(op); }

/// A transpose or reshape whose chain of single uses through transposes and
/// reshapes ends at the lhs or rhs of an f32 matmul, with a transpose on
/// the way, and that strides can express from here on (a reshape merging
/// transposed dims cannot): it leads the matmul's kernel (matmul-layouts).
bool isMatMulPrologue(Operation *op) {
  bool transposed = false;
  if (!isF32(op->getOperand(0)))
    return false;
  dlc::StridedView view =
      dlc::denseView(llvm::cast<RankedTensorType>(op->getOperand(0).getType()).getShape());
  for (Operation *current = op;;) {
    if (!isLayoutOp(current) || !onCpu(current) || !current->getResult(0).hasOneUse() ||
        !isF32(current->getResult(0)))
      return false;
    transposed |= llvm::isa<dlc::TransposeOp>(current);
    std::optional<dlc::StridedView> next = dlc::applyLayoutOp(view, current);
    if (!next)
      return false;
    view = *next;
    OpOperand &use = *current->getResult(0).getUses().begin();
    Operation *user = use.getOwner();
    if (user->getBlock() != op->getBlock())
      return false;
    if (auto matmul = llvm::dyn_cast<dlc::MatMulOp>(user))
      return transposed && use.getOperandNumber() < 2 && onCpu(user) &&
             isF32(matmul.getOutput());
    current = user;
  }
}

/// A transpose keeping the last dim last, of the result of a group led by
/// an f32 matmul (after its elementwise epilogue, if any).
bool isMatMulResultTranspose(Operation *op, ArrayRef<Operation *> producerGroup) {
  auto transpose = llvm::dyn_cast<dlc::TransposeOp>(op);
  if (!transpose || !onCpu(op) || producerGroup.empty())
    return false;
  ArrayRef<int64_t> perm = transpose.getPerm();
  if (perm.empty() || perm.back() != int64_t(perm.size()) - 1)
    return false;
  auto *matmul = llvm::find_if(producerGroup, [](Operation *member) {
    return llvm::isa<dlc::MatMulOp>(member) && isF32(member->getResult(0));
  });
  if (matmul == producerGroup.end())
    return false;
  return std::all_of(matmul + 1, producerGroup.end(), [](Operation *member) {
    return member->hasTrait<dlc::OpTrait::BroadcastElementwise>();
  });
}

bool isGroupable(Operation *op) {
  return llvm::isa<dlc::DlcDialect>(op->getDialect()) &&
         !llvm::isa<dlc::ConstantOp, dlc::CopyOp, dlc::KernelOp, dlc::YieldOp>(op);
}

struct FuseKernelsPass : dlc::impl::FuseKernelsBase<FuseKernelsPass> {
  using FuseKernelsBase::FuseKernelsBase;
  void runOnOperation() override {
    for (auto graph : getOperation().getOps<func::FuncOp>())
      if (graph->hasAttr(dlc::kGraphAttr))
        fuse(graph);
  }

  /// CSE merges the prologues of sibling contractions reading one
  /// quantized tensor (ResNet's conv1 and downsample); each contraction
  /// gets its own copy again, zero-point subs first, then the casts.
  static void splitSharedPrologues(func::FuncOp graph) {
    auto isCandidate = [](Operation *op) {
      return llvm::isa<dlc::CastOp, dlc::SubOp>(op) && op->getNumResults() == 1 &&
             !op->getResult(0).hasOneUse() && isElementType(op->getResult(0), isI32);
    };
    for (bool subs : {true, false}) {
      SmallVector<Operation *> shared;
      graph.walk([&](Operation *op) {
        if (isCandidate(op) && llvm::isa<dlc::SubOp>(op) == subs)
          shared.push_back(op);
      });
      for (Operation *op : shared) {
        for (OpOperand &use : llvm::make_early_inc_range(op->getResult(0).getUses())) {
          Operation *user = use.getOwner();
          bool feedsContraction = (isIntegerContraction(user) && use.getOperandNumber() == 0) ||
                                  (!subs && llvm::isa<dlc::SubOp>(user) &&
                                   use.getOperandNumber() == 0);
          if (!feedsContraction || op->getResult(0).hasOneUse())
            continue;
          OpBuilder b(user);
          use.set(b.clone(*op)->getResult(0));
        }
      }
    }
  }

  void fuse(func::FuncOp graph) {
    splitSharedPrologues(graph);
    // Groups in creation order; each is a chain ending at its back().
    std::vector<SmallVector<Operation *>> groups;
    llvm::DenseMap<Operation *, size_t> groupOf;
    llvm::DenseSet<size_t> prologues; // groups waiting for their matmul
    // The group of `v`'s producer when that is a waiting prologue's end.
    auto prologueEndingAt = [&](Value v) -> std::optional<size_t> {
      Operation *producer = v.getDefiningOp();
      auto it = producer ? groupOf.find(producer) : groupOf.end();
      if (it == groupOf.end() || !prologues.contains(it->second) ||
          groups[it->second].back() != producer)
        return std::nullopt;
      return it->second;
    };
    for (Operation &op : graph.getBody().front()) {
      if (!isGroupable(&op))
        continue;
      std::optional<size_t> target;
      bool startsPrologue = false;
      if (matmulLayouts && isMatMulPrologue(&op)) {
        target = prologueEndingAt(op.getOperand(0));
        startsPrologue = !target;
      } else if (matmulLayouts && llvm::isa<dlc::MatMulOp>(op) && isF32(op.getResult(0))) {
        // The operands' prologues become one group the matmul ends.
        for (Value operand : op.getOperands().take_front(2)) {
          std::optional<size_t> prologue = prologueEndingAt(operand);
          if (!prologue || prologue == target)
            continue;
          if (!target) {
            target = prologue;
          } else {
            for (Operation *member : groups[*prologue]) {
              groups[*target].push_back(member);
              groupOf[member] = *target;
            }
            groups[*prologue].clear();
          }
          prologues.erase(*prologue);
        }
        if (target)
          llvm::sort(groups[*target],
                     [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
      } else if (isInt8Prologue(&op)) {
        // A cast starts the consumer's group; its sub joins that group.
        if (llvm::isa<dlc::SubOp>(op))
          target = groupOf.lookup(op.getOperand(0).getDefiningOp());
      } else if (isIntegerContraction(&op)) {
        Operation *input = op.getOperand(0).getDefiningOp();
        if (input && isInt8Prologue(input))
          target = groupOf.lookup(input);
      } else if (canJoinGroup(&op)) {
        target = joinableGroup(&op, groups, groupOf);
      } else if (matmulLayouts && op.getNumOperands() == 1) {
        Operation *producer = op.getOperand(0).getDefiningOp();
        auto it = producer ? groupOf.find(producer) : groupOf.end();
        if (it != groupOf.end() && isMatMulResultTranspose(&op, groups[it->second]))
          target = joinableGroup(&op, groups, groupOf);
      }
      if (target) {
        groups[*target].push_back(&op);
        groupOf[&op] = *target;
      } else {
        if (startsPrologue)
          prologues.insert(groups.size());
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
