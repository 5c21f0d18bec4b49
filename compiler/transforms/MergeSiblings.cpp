//===- MergeSiblings.cpp - horizontal fusion of ops sharing an input ------===//
//
// Sibling matmuls x*W1, x*W2, ... with constant 2-D weights (Q/K/V
// projections) become one matmul x*[W1|W2|...] followed by a split; sibling
// convs with constant weights and equal window attributes (Inception's 1x1
// branches) become one conv over the concatenated output channels, when
// each would absorb the same elementwise epilogue or none. One larger
// kernel replaces several small ones and reads x once. When every
// piece of such a split feeds the same unary elementwise op (each branch's
// relu), that op moves above the split so it joins the merged op's kernel;
// so does a constant bias add on every piece (one concatenated bias).
//
//===----------------------------------------------------------------------===//
#include "compiler/Passes.h"
#include "compiler/transforms/Patterns.h"
#include "ir/Ops.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace dlc {
#define GEN_PASS_DEF_MERGESIBLINGS
#include "compiler/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

DenseElementsAttr constantOf(Value v) {
  DenseElementsAttr attr;
  if (v && matchPattern(v, m_Constant(&attr)) && !attr.getElementType().isInteger(1))
    return attr;
  return nullptr;
}

/// Concatenates dense constants along `axis` (all other dims equal).
DenseElementsAttr concatConstants(ArrayRef<DenseElementsAttr> parts, int64_t axis) {
  auto first = llvm::cast<RankedTensorType>(parts.front().getType());
  ArrayRef<int64_t> shape = first.getShape();
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  for (int64_t d = axis + 1; d < (int64_t)shape.size(); ++d)
    inner *= shape[d];
  size_t elementBytes = first.getElementTypeBitWidth() / 8;
  SmallVector<int64_t> outShape(shape);
  outShape[axis] = 0;
  SmallVector<std::vector<char>> raws;
  for (DenseElementsAttr part : parts) {
    auto type = llvm::cast<RankedTensorType>(part.getType());
    outShape[axis] += type.getDimSize(axis);
    ArrayRef<char> raw = part.getRawData();
    std::vector<char> bytes;
    if (part.isSplat())
      for (int64_t i = 0; i < type.getNumElements(); ++i)
        bytes.insert(bytes.end(), raw.begin(), raw.begin() + elementBytes);
    else
      bytes.assign(raw.begin(), raw.end());
    raws.push_back(std::move(bytes));
  }
  std::vector<char> out;
  for (int64_t o = 0; o < outer; ++o)
    for (auto [part, raw] : llvm::zip(parts, raws)) {
      int64_t rows = llvm::cast<RankedTensorType>(part.getType()).getDimSize(axis);
      size_t chunk = rows * inner * elementBytes;
      out.insert(out.end(), raw.begin() + o * chunk, raw.begin() + (o + 1) * chunk);
    }
  return DenseElementsAttr::getFromRawBuffer(first.clone(outShape), out);
}

/// Replaces each sibling's result with its slice of `merged` along `axis`.
void splitBack(PatternRewriter &rewriter, Location loc, Value merged, int64_t axis,
               ArrayRef<Operation *> siblings) {
  SmallVector<Type> types;
  for (Operation *op : siblings)
    types.push_back(op->getResult(0).getType());
  auto split = dlc::SplitOp::create(rewriter, loc, types, merged, rewriter.getI64IntegerAttr(axis));
  for (auto [op, result] : llvm::zip(siblings, split.getResults()))
    rewriter.replaceOp(op, result);
}

/// Siblings of `op` after it in the same block: same input, same key. Empty
/// when a sibling precedes `op`: the first one merges them all at once (else
/// the greedy driver may merge a later pair first, then split a split).
template <typename OpTy, typename KeyFn>
SmallVector<Operation *> collectSiblings(OpTy op, Value input, KeyFn sameKind) {
  SmallVector<Operation *> siblings{op};
  for (Operation *user : input.getUsers()) {
    auto other = llvm::dyn_cast<OpTy>(user);
    if (!other || other == op || other->getBlock() != op->getBlock() || !sameKind(other))
      continue;
    if (other->isBeforeInBlock(op))
      return {};
    siblings.push_back(other);
  }
  // Use-list order is reverse creation order; pieces follow the program.
  llvm::sort(siblings, [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  return siblings;
}

struct MergeSiblingMatMuls : OpRewritePattern<dlc::MatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(dlc::MatMulOp op, PatternRewriter &rewriter) const override {
    DenseElementsAttr weight = constantOf(op.getRhs());
    if (!weight || weight.getType().getRank() != 2)
      return failure();
    auto lhsType = llvm::cast<RankedTensorType>(op.getLhs().getType());
    if (lhsType.getRank() < 2)
      return failure();
    int64_t k = weight.getType().getDimSize(0);
    auto siblings = collectSiblings(op, op.getLhs(), [&](dlc::MatMulOp other) {
      DenseElementsAttr w = constantOf(other.getRhs());
      return other.getLhs() == op.getLhs() && w && w.getType().getRank() == 2 &&
             w.getType().getDimSize(0) == k && w.getElementType() == weight.getElementType();
    });
    if (siblings.size() < 2)
      return failure();
    SmallVector<DenseElementsAttr> weights;
    SmallVector<Location> locs;
    for (Operation *s : siblings) {
      weights.push_back(constantOf(llvm::cast<dlc::MatMulOp>(s).getRhs()));
      locs.push_back(s->getLoc());
    }
    Location loc = rewriter.getFusedLoc(locs);
    // Create at the first sibling: the shared input already dominates it and
    // the users of every sibling come after it.
    rewriter.setInsertionPoint(op);
    Value merged = dlc::ConstantOp::create(rewriter, loc, concatConstants(weights, 1));
    Value product = dlc::MatMulOp::create(rewriter, loc, op.getLhs(), merged);
    splitBack(rewriter, loc, product, lhsType.getRank() - 1, siblings);
    return success();
  }
};

/// The elementwise op a conv's kernel would absorb: its result's only user
/// when that is elementwise. Merged siblings share one kernel, so they merge
/// only when this is the same unary op (or absent) for all of them: else
/// the merge trades one conv's fused epilogue for a separate kernel plus
/// the split's copies (ResNet's conv1+relu next to its downsample conv:
/// 0.7 ms more per stage entry on ResNet-50, docs/design-notes.md).
struct Epilogue {
  Operation *op = nullptr; // null: nothing elementwise to absorb
  bool mergeable = true;   // false: absorbing it needs this conv alone
};
Epilogue epilogueOf(Operation *conv) {
  Value result = conv->getResult(0);
  if (!result.hasOneUse())
    return {};
  Operation *user = *result.getUsers().begin();
  if (!user->hasTrait<dlc::OpTrait::BroadcastElementwise>())
    return {};
  bool unary = user->getNumOperands() == 1 && user->getNumResults() == 1 &&
               user->getResult(0).getType() == result.getType();
  return {user, unary};
}
bool sameEpilogues(ArrayRef<Operation *> siblings) {
  Epilogue first = epilogueOf(siblings.front());
  for (Operation *s : siblings) {
    Epilogue e = epilogueOf(s);
    if (!e.mergeable || bool(e.op) != bool(first.op))
      return false;
    if (e.op && (e.op->getName() != first.op->getName() ||
                 e.op->getAttrDictionary() != first.op->getAttrDictionary()))
      return false;
  }
  return true;
}

struct MergeSiblingConvs : OpRewritePattern<dlc::ConvOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(dlc::ConvOp op, PatternRewriter &rewriter) const override {
    DenseElementsAttr weight = constantOf(op.getWeight());
    if (!weight || op.getGroup() != 1 || (op.getBias() && !constantOf(op.getBias())))
      return failure();
    auto sameKind = [&](dlc::ConvOp other) {
      DenseElementsAttr w = constantOf(other.getWeight());
      if (!w || other.getGroup() != 1 || other.getStrides() != op.getStrides() ||
          other.getPads() != op.getPads() || other.getDilations() != op.getDilations() ||
          (other.getBias() && !constantOf(other.getBias())))
        return false;
      return w.getType().getShape().drop_front() == weight.getType().getShape().drop_front() &&
             w.getElementType() == weight.getElementType();
    };
    auto siblings = collectSiblings(op, op.getInput(), sameKind);
    if (siblings.size() < 2 || !sameEpilogues(siblings))
      return failure();
    SmallVector<DenseElementsAttr> weights, biases;
    SmallVector<Location> locs;
    bool anyBias = false;
    for (Operation *s : siblings)
      anyBias |= bool(llvm::cast<dlc::ConvOp>(s).getBias());
    for (Operation *s : siblings) {
      auto conv = llvm::cast<dlc::ConvOp>(s);
      DenseElementsAttr w = constantOf(conv.getWeight());
      weights.push_back(w);
      if (anyBias) {
        auto biasType = RankedTensorType::get({w.getType().getDimSize(0)}, w.getElementType());
        DenseElementsAttr b = conv.getBias() ? constantOf(conv.getBias())
                                             : DenseElementsAttr::get(biasType, rewriter.getZeroAttr(w.getElementType()));
        biases.push_back(b);
      }
      locs.push_back(s->getLoc());
    }
    Location loc = rewriter.getFusedLoc(locs);
    rewriter.setInsertionPoint(op); // see MergeSiblingMatMuls
    Value mergedWeight = dlc::ConstantOp::create(rewriter, loc, concatConstants(weights, 0));
    Value mergedBias;
    if (anyBias)
      mergedBias = dlc::ConstantOp::create(rewriter, loc, concatConstants(biases, 0));
    Value conv = dlc::ConvOp::create(rewriter, loc, op.getInput(), mergedWeight, mergedBias,
                                     op.getStridesAttr(), op.getPadsAttr(), op.getDilationsAttr(),
                                     op.getGroupAttr());
    splitBack(rewriter, loc, conv, 1, siblings);
    return success();
  }
};

/// split(x) -> f(piece) for every piece  ==>  split(f(x)), for one unary
/// elementwise f with the same attributes on every piece.
struct HoistUnaryAboveSplit : OpRewritePattern<dlc::SplitOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(dlc::SplitOp split, PatternRewriter &rewriter) const override {
    SmallVector<Operation *> users;
    SmallVector<Location> locs;
    for (Value piece : split.getResults()) {
      if (!piece.hasOneUse())
        return failure();
      Operation *user = *piece.getUsers().begin();
      if (user->getNumOperands() != 1 || user->getNumResults() != 1 ||
          !user->hasTrait<dlc::OpTrait::BroadcastElementwise>() ||
          user->getResult(0).getType() != piece.getType() ||
          (!users.empty() && (user->getName() != users.front()->getName() ||
                              user->getAttrDictionary() != users.front()->getAttrDictionary())))
        return failure();
      users.push_back(user);
      locs.push_back(user->getLoc());
    }
    rewriter.setInsertionPoint(split);
    Operation *first = users.front();
    OperationState state(rewriter.getFusedLoc(locs), first->getName(), split.getInput(),
                         split.getInput().getType(), first->getAttrs());
    Operation *hoisted = rewriter.create(state);
    auto pieces = dlc::SplitOp::create(rewriter, split.getLoc(), split.getResultTypes(),
                                       hoisted->getResult(0), split.getAxisAttr());
    for (auto [user, piece] : llvm::zip(users, pieces.getResults()))
      rewriter.replaceOp(user, piece);
    rewriter.eraseOp(split);
    return success();
  }
};

/// split(x) along its last dim -> add(piece_i, c_i) for every piece, c_i a
/// constant vector over that dim  ==>  split(add(x, concat(c_i))): the bias
/// adds of merged Q/K/V projections become one bias of the merged matmul
/// (one kernel instead of a kernel per piece).
struct HoistBiasAboveSplit : OpRewritePattern<dlc::SplitOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(dlc::SplitOp split, PatternRewriter &rewriter) const override {
    auto inputType = llvm::cast<RankedTensorType>(split.getInput().getType());
    if (inputType.getRank() < 1 || split.getAxis() != inputType.getRank() - 1)
      return failure();
    SmallVector<Operation *> adds;
    SmallVector<DenseElementsAttr> biases;
    SmallVector<Location> locs;
    for (Value piece : split.getResults()) {
      auto add = piece.hasOneUse() ? llvm::dyn_cast<dlc::AddOp>(*piece.getUsers().begin())
                                   : dlc::AddOp();
      if (!add || add.getType() != piece.getType())
        return failure();
      DenseElementsAttr bias = constantOf(add.getLhs() == piece ? add.getRhs() : add.getLhs());
      auto pieceType = llvm::cast<RankedTensorType>(piece.getType());
      if (!bias || bias.getType().getRank() != 1 ||
          bias.getType().getDimSize(0) != pieceType.getShape().back() ||
          bias.getElementType() != pieceType.getElementType())
        return failure();
      adds.push_back(add);
      biases.push_back(bias);
      locs.push_back(add->getLoc());
    }
    rewriter.setInsertionPoint(split);
    Location loc = rewriter.getFusedLoc(locs);
    Value bias = dlc::ConstantOp::create(rewriter, loc, concatConstants(biases, 0));
    Value sum = dlc::AddOp::create(rewriter, loc, inputType, split.getInput(), bias);
    auto pieces = dlc::SplitOp::create(rewriter, split.getLoc(), split.getResultTypes(), sum,
                                       split.getAxisAttr());
    for (auto [add, piece] : llvm::zip(adds, pieces.getResults()))
      rewriter.replaceOp(add, piece);
    rewriter.eraseOp(split);
    return success();
  }
};

struct MergeSiblingsPass : dlc::impl::MergeSiblingsBase<MergeSiblingsPass> {
  using MergeSiblingsBase::MergeSiblingsBase;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    dlc::populateMergeSiblingsPatterns(patterns, convs);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void dlc::populateMergeSiblingsPatterns(RewritePatternSet &patterns, bool convs) {
  patterns.add<MergeSiblingMatMuls, HoistUnaryAboveSplit, HoistBiasAboveSplit>(
      patterns.getContext());
  if (convs)
    patterns.add<MergeSiblingConvs>(patterns.getContext());
}
