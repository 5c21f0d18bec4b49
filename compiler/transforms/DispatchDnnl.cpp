//===- DispatchDnnl.cpp - conv/matmul/gemm kernels as oneDNN calls --------===//
//
// A kernel's leading contraction and the epilogue chain after it become one
// call into libdlc_dnnl (runtime/include/dlc/dnnl_kernels.h). The rewrite
// happens on tensors, before convert-dlc-to-linalg, so what follows the
// chain is lowered as usual and one-shot bufferization sees only
// to_buffer/to_tensor around an opaque call. Everything the library needs
// that is known at compile time goes into a constant descriptor global.
//
//===----------------------------------------------------------------------===//
#include "compiler/Passes.h"
#include "compiler/transforms/StridedViews.h"
#include "ir/Ops.h"
#include "dlc/dnnl_kernels.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cfloat>
#include <functional>
#include <cstring>

namespace dlc {
#define GEN_PASS_DEF_DISPATCHDNNL
#include "compiler/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

int64_t floatBits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

/// A static-shape f32 tensor.
bool isStaticF32(Type type) {
  auto t = llvm::dyn_cast<RankedTensorType>(type);
  return t && t.hasStaticShape() && t.getElementType().isF32();
}

bool allStaticF32(Operation *op) {
  return llvm::all_of(op->getOperandTypes(), isStaticF32) &&
         llvm::all_of(op->getResultTypes(), isStaticF32);
}

ArrayRef<int64_t> shapeOf(Value v) { return llvm::cast<RankedTensorType>(v.getType()).getShape(); }

/// The call being built: operands and descriptor.
struct Dispatch {
  StringRef callee;
  Value lhs, rhs, bias;
  SmallVector<Value> binaries;
  SmallVector<int64_t> desc = SmallVector<int64_t>(DLC_DNNL_DESC_SIZE, 0);
  SmallVector<Operation *> ops; // head first
  size_t channelDim = 1;        // of the result: conv 1, matmul rank-1
  bool epilogues = true;        // the library call takes post-ops

  unsigned numPostOps() const { return unsigned(desc[DLC_DNNL_NUM_POST_OPS]); }
  void addPostOp(int64_t kind, float a = 0.f, float b = 0.f, int64_t broadcast = 0) {
    int64_t *r = &desc[DLC_DNNL_POST_OPS + 4 * numPostOps()];
    r[0] = kind;
    r[1] = floatBits(a);
    r[2] = floatBits(b);
    r[3] = broadcast;
    ++desc[DLC_DNNL_NUM_POST_OPS];
  }
};

/// Is the kernel argument `v` a constant at every call site?
bool isConstantArg(Value v, const llvm::DenseMap<Operation *, SmallVector<bool>> &constArgs) {
  auto arg = llvm::dyn_cast_if_present<BlockArgument>(v);
  if (!arg)
    return false;
  auto it = constArgs.find(arg.getOwner()->getParentOp());
  return it != constArgs.end() && it->second[arg.getArgNumber()];
}

/// Convs where oneDNN's Winograd kernels beat its direct ones (ResNet-50's
/// 3x3 stride-1 convs, 64-512 channels: 1.2-1.8x; measured in
/// docs/performance.md). Winograd weights are transformed once, so they
/// must be constant; the kernels need channels in blocks of 16.
bool winogradEligible(ArrayRef<int64_t> desc) {
  int64_t c = desc[2], k = desc[5], kh = desc[6], kw = desc[7], oh = desc[8], ow = desc[9];
  bool unitStrides = desc[10] == 1 && desc[11] == 1, dense = desc[16] == 1 && desc[17] == 1;
  return desc[DLC_DNNL_KIND] == DLC_DNNL_CONV2D && desc[DLC_DNNL_CONST_WEIGHTS] && kh == 3 &&
         kw == 3 && unitStrides && dense && desc[18] == 1 && c >= 64 && k >= 64 && c % 16 == 0 &&
         k % 16 == 0 && oh >= 7 && ow >= 7;
}

bool matchConv(dlc::ConvOp conv, Dispatch &d) {
  if (!allStaticF32(conv) || shapeOf(conv.getInput()).size() != 4)
    return false;
  ArrayRef<int64_t> x = shapeOf(conv.getInput()), w = shapeOf(conv.getWeight()),
                    y = shapeOf(conv.getOutput());
  ArrayRef<int64_t> s = conv.getStrides(), p = conv.getPads(), dil = conv.getDilations();
  if (s.size() != 2 || p.size() != 4 || dil.size() != 2)
    return false;
  d.callee = "dlc_dnnl_conv2d";
  d.lhs = conv.getInput();
  d.rhs = conv.getWeight();
  d.bias = conv.getBias();
  int64_t values[] = {DLC_DNNL_CONV2D, x[0], x[1], x[2], x[3], w[0], w[2], w[3], y[2], y[3],
                      s[0], s[1], p[0], p[1], p[2], p[3], dil[0], dil[1], conv.getGroup()};
  llvm::copy(values, d.desc.begin());
  d.channelDim = 1;
  return true;
}

/// Leading (batch) dims of a matmul operand must be all 1 or equal the
/// result's: the library sees [batch or 1, M, K].
std::optional<bool> isBatched(ArrayRef<int64_t> operand, ArrayRef<int64_t> result) {
  ArrayRef<int64_t> batch = operand.drop_back(2), out = result.drop_back(2);
  if (llvm::all_of(batch, [](int64_t d) { return d == 1; }))
    return false;
  if (batch.size() != out.size() || !llvm::equal(batch, out))
    return std::nullopt;
  return true;
}

bool matchMatMul(dlc::MatMulOp mm, Dispatch &d) {
  if (!allStaticF32(mm) || shapeOf(mm.getLhs()).size() < 2 || shapeOf(mm.getRhs()).size() < 2)
    return false;
  ArrayRef<int64_t> a = shapeOf(mm.getLhs()), b = shapeOf(mm.getRhs()),
                    y = shapeOf(mm.getOutput());
  std::optional<bool> lhsBatched = isBatched(a, y), rhsBatched = isBatched(b, y);
  if (!lhsBatched || !rhsBatched)
    return false;
  int64_t batch = 1;
  for (int64_t dim : y.drop_back(2))
    batch *= dim;
  if (batch > 1 && !*lhsBatched)
    return false; // a shared lhs against batched rhs: left to generated code
  d.callee = "dlc_dnnl_matmul";
  d.lhs = mm.getLhs();
  d.rhs = mm.getRhs();
  int64_t values[] = {DLC_DNNL_MATMUL, batch, a[a.size() - 2], b.back(), a.back(),
                      batch > 1 && *lhsBatched, batch > 1 && *rhsBatched, 0, 0,
                      floatBits(1.f)};
  llvm::copy(values, d.desc.begin());
  d.channelDim = y.size() - 1;
  return true;
}

bool matchGemm(dlc::GemmOp gemm, Dispatch &d) {
  if (!allStaticF32(gemm))
    return false;
  ArrayRef<int64_t> y = shapeOf(gemm.getOutput());
  int64_t k = shapeOf(gemm.getA())[gemm.getTransA() ? 0 : 1];
  float alpha = gemm.getAlpha().convertToFloat();
  d.callee = "dlc_dnnl_matmul";
  d.lhs = gemm.getA();
  d.rhs = gemm.getB();
  int64_t values[] = {DLC_DNNL_MATMUL, 1, y[0], y[1], k, 0, 0, gemm.getTransA(),
                      gemm.getTransB(), floatBits(alpha)};
  llvm::copy(values, d.desc.begin());
  d.channelDim = 1;
  if (Value c = gemm.getC()) {
    // alpha scales the product only: C goes in unscaled as bias/post-op.
    if (alpha != 1.f || gemm.getBeta().convertToFloat() != 1.f)
      return false;
    ArrayRef<int64_t> cs = shapeOf(c);
    int64_t count = 1;
    for (int64_t dim : cs)
      count *= dim;
    if (count == y[1] && !cs.empty() && cs.back() == y[1])
      d.bias = c;
    else if (count == 1)
      d.binaries.push_back(c), d.addPostOp(DLC_DNNL_POST_ADD, 0, 0, DLC_DNNL_BCAST_SCALAR);
    else if (llvm::equal(cs, y))
      d.binaries.push_back(c), d.addPostOp(DLC_DNNL_POST_ADD, 0, 0, DLC_DNNL_BCAST_NONE);
    else
      return false;
  }
  return true;
}

/// 2-D max pooling without dilation; the end pads follow from the result
/// size (ceil_mode included: padding never wins a max).
bool matchMaxPool(dlc::MaxPoolOp op, Dispatch &d) {
  ArrayRef<int64_t> x = shapeOf(op.getInput()), y = shapeOf(op.getOutput());
  ArrayRef<int64_t> k = op.getKernelShape(), s = op.getStrides(), p = op.getPads();
  if (!allStaticF32(op) || x.size() != 4 || k.size() != 2 || s.size() != 2 || p.size() != 4 ||
      llvm::any_of(op.getDilations(), [](int64_t v) { return v != 1; }))
    return false;
  for (int i = 0; i < 2; ++i) {
    // The last window starts inside input + begin pad and ends at or after
    // the input's end (the end pad oneDNN gets is >= 0).
    int64_t last = (y[2 + i] - 1) * s[i];
    if (last >= x[2 + i] + p[i] || last + k[i] < x[2 + i] + p[i])
      return false;
  }
  d.callee = "dlc_dnnl_max_pool";
  d.lhs = op.getInput();
  d.epilogues = false;
  int64_t values[] = {DLC_DNNL_MAX_POOL, x[0], x[1], x[2], x[3], y[2], y[3],
                      k[0], k[1], s[0], s[1], p[0], p[1]};
  llvm::copy(values, d.desc.begin());
  return true;
}

bool matchSoftmax(dlc::SoftmaxOp op, Dispatch &d) {
  ArrayRef<int64_t> x = shapeOf(op.getInput());
  if (!allStaticF32(op) || x.empty() || x.size() > DLC_DNNL_MAX_RANK)
    return false;
  d.callee = "dlc_dnnl_softmax";
  d.lhs = op.getInput();
  d.epilogues = false;
  d.desc[DLC_DNNL_KIND] = DLC_DNNL_SOFTMAX;
  d.desc[1] = int64_t(x.size());
  d.desc[2] = int64_t(op.getAxis());
  llvm::copy(x, d.desc.begin() + 3);
  return true;
}

/// `shape` without leading 1s.
ArrayRef<int64_t> dropLeadingOnes(ArrayRef<int64_t> shape) {
  while (!shape.empty() && shape.front() == 1)
    shape = shape.drop_front();
  return shape;
}

/// Layer norm as oneDNN's over the last dim of [M, C]: the normalized dims
/// flattened; scale and bias must hold exactly those dims (no broadcast).
bool matchLayerNorm(dlc::LayerNormOp op, Dispatch &d) {
  ArrayRef<int64_t> x = shapeOf(op.getInput());
  int64_t axis = op.getAxis();
  if (!allStaticF32(op) || axis < 0 || axis >= int64_t(x.size()))
    return false;
  ArrayRef<int64_t> normalized = dropLeadingOnes(x.drop_front(axis));
  for (Value v : {op.getScale(), op.getBias()})
    if (v && !llvm::equal(dropLeadingOnes(shapeOf(v)), normalized))
      return false;
  int64_t m = 1, c = 1;
  for (auto [i, dim] : llvm::enumerate(x))
    (int64_t(i) < axis ? m : c) *= dim;
  d.callee = "dlc_dnnl_layer_norm";
  d.lhs = op.getInput();
  d.rhs = op.getScale();
  d.bias = op.getBias();
  d.epilogues = false;
  d.desc[DLC_DNNL_KIND] = DLC_DNNL_LAYER_NORM;
  d.desc[1] = m;
  d.desc[2] = c;
  d.desc[3] = floatBits(op.getEpsilon().convertToFloat());
  return true;
}

/// How `operand` broadcasts against the result, if the library can do it.
std::optional<int64_t> broadcastKind(Value operand, ArrayRef<int64_t> result, size_t channel) {
  ArrayRef<int64_t> s = shapeOf(operand);
  if (s.size() > result.size())
    return std::nullopt;
  if (llvm::equal(s, result))
    return DLC_DNNL_BCAST_NONE;
  SmallVector<int64_t> aligned(result.size() - s.size(), 1);
  aligned.append(s.begin(), s.end());
  bool scalar = true, perChannel = true;
  for (size_t i = 0; i < aligned.size(); ++i) {
    scalar &= aligned[i] == 1;
    perChannel &= aligned[i] == (i == channel ? result[i] : 1);
  }
  if (scalar)
    return DLC_DNNL_BCAST_SCALAR;
  if (perChannel)
    return DLC_DNNL_BCAST_CHANNEL;
  return std::nullopt;
}

/// Appends `op` to the post-ops if oneDNN can fuse it; `current` is the value
/// the chain has computed so far.
bool appendEpilogue(Operation *op, Value current, Dispatch &d) {
  if (d.numPostOps() == DLC_DNNL_MAX_POST_OPS || op->getNumResults() != 1 ||
      !llvm::isa<dlc::DlcDialect>(op->getDialect()) || !allStaticF32(op) ||
      op->getResultTypes()[0] != current.getType())
    return false;
  ArrayRef<int64_t> result = shapeOf(current);
  if (llvm::isa<dlc::AddOp, dlc::MulOp, dlc::DivOp>(op)) {
    Value other = op->getOperand(0) == current ? op->getOperand(1) : op->getOperand(0);
    if (other == current || !llvm::isa<BlockArgument>(other))
      return false;
    if (llvm::isa<dlc::DivOp>(op)) { // current / other only
      if (op->getOperand(0) != current || d.binaries.size() == DLC_DNNL_MAX_BINARY)
        return false;
      std::optional<int64_t> kind = broadcastKind(other, result, d.channelDim);
      if (!kind)
        return false;
      d.binaries.push_back(other);
      d.addPostOp(DLC_DNNL_POST_DIV, 0, 0, *kind);
      return true;
    }
    std::optional<int64_t> kind = broadcastKind(other, result, d.channelDim);
    if (!kind)
      return false;
    bool isAdd = llvm::isa<dlc::AddOp>(op);
    if (isAdd && *kind == DLC_DNNL_BCAST_CHANNEL && !d.bias && d.numPostOps() == 0) {
      d.bias = other; // [1, K, 1, 1] / [1, N] hold the K / N values densely
      return true;
    }
    if (d.binaries.size() == DLC_DNNL_MAX_BINARY)
      return false;
    d.binaries.push_back(other);
    d.addPostOp(isAdd ? DLC_DNNL_POST_ADD : DLC_DNNL_POST_MUL, 0, 0, *kind);
    return true;
  }
  if (llvm::isa<dlc::ReluOp>(op))
    return d.addPostOp(DLC_DNNL_POST_RELU), true;
  if (auto leaky = llvm::dyn_cast<dlc::LeakyReluOp>(op))
    return d.addPostOp(DLC_DNNL_POST_RELU, leaky.getAlpha().convertToFloat()), true;
  if (auto clip = llvm::dyn_cast<dlc::ClipOp>(op)) {
    float lo = clip.getMin() ? float(clip.getMin()->convertToDouble()) : -FLT_MAX;
    float hi = clip.getMax() ? float(clip.getMax()->convertToDouble()) : FLT_MAX;
    return d.addPostOp(DLC_DNNL_POST_CLIP, lo, hi), true;
  }
  if (llvm::isa<dlc::SigmoidOp>(op))
    return d.addPostOp(DLC_DNNL_POST_SIGMOID), true;
  if (llvm::isa<dlc::TanhOp>(op))
    return d.addPostOp(DLC_DNNL_POST_TANH), true;
  if (auto gelu = llvm::dyn_cast<dlc::GeluOp>(op)) {
    bool tanh = gelu.getApproximate() == "tanh";
    return d.addPostOp(tanh ? DLC_DNNL_POST_GELU_TANH : DLC_DNNL_POST_GELU_ERF), true;
  }
  return false;
}

/// Strided views for a matmul call (DLC_DNNL_MATMUL_VIEWS): operands that
/// transposes and reshapes in the kernel made from its arguments are read in
/// place, and a transpose of the result (keeping the last dim last, then
/// reshapes) is written in place, when the chain has no same-shape binary
/// operand (those stay dense over the matmul's dims). `current` is where
/// the chain ends and moves past a folded transpose; folded ops join d.ops.
void foldMatMulViews(dlc::MatMulOp mm, Dispatch &d, Value &current) {
  ArrayRef<int64_t> y = shapeOf(mm.getOutput());
  size_t rank = y.size();
  if (rank > 4)
    return;
  SmallVector<Operation *> before, after;
  // An operand that is not a foldable chain stays what the kernel computes.
  auto operandView = [&](Value operand, Value &callOperand) {
    std::optional<dlc::LayoutChain> chain = dlc::layoutChainOf(operand);
    if (!chain || chain->ops.empty())
      return dlc::denseView(shapeOf(operand));
    callOperand = chain->source;
    before.append(chain->ops);
    return chain->view;
  };
  Value lhs = mm.getLhs(), rhs = mm.getRhs();
  dlc::StridedView lhsView = operandView(mm.getLhs(), lhs),
                   rhsView = operandView(mm.getRhs(), rhs), dstView = dlc::denseView(y);
  bool denseBinaries = true;
  for (unsigned i = 0; i < d.numPostOps(); ++i)
    denseBinaries &= d.desc[DLC_DNNL_POST_OPS + 4 * i + 3] != DLC_DNNL_BCAST_NONE ||
                     (d.desc[DLC_DNNL_POST_OPS + 4 * i] != DLC_DNNL_POST_ADD &&
                      d.desc[DLC_DNNL_POST_OPS + 4 * i] != DLC_DNNL_POST_MUL &&
                      d.desc[DLC_DNNL_POST_OPS + 4 * i] != DLC_DNNL_POST_DIV);
  auto transpose = current.hasOneUse()
                       ? llvm::dyn_cast<dlc::TransposeOp>(*current.getUsers().begin())
                       : dlc::TransposeOp();
  if (transpose && denseBinaries && transpose->getBlock() == mm->getBlock() &&
      transpose.getPerm().back() == int64_t(rank) - 1) {
    // Result dim perm[i] is stored as the transpose's (dense) dim i.
    dlc::StridedView stored = dlc::denseView(shapeOf(transpose.getOutput()));
    for (auto [i, from] : llvm::enumerate(transpose.getPerm()))
      dstView.strides[from] = stored.strides[i];
    after.push_back(transpose);
    current = transpose.getOutput();
    while (current.hasOneUse() && llvm::isa<dlc::ReshapeOp>(*current.getUsers().begin())) {
      after.push_back(*current.getUsers().begin());
      current = after.back()->getResult(0);
    }
  }
  if (before.empty() && after.empty())
    return;
  std::optional<dlc::StridedView> l = dlc::padToRank(lhsView, 4), r = dlc::padToRank(rhsView, 4),
                                  o = dlc::padToRank(dstView, 4);
  d.lhs = lhs;
  d.rhs = rhs;
  d.desc[DLC_DNNL_MATMUL_VIEWS] = 1;
  d.desc[DLC_DNNL_MATMUL_BATCH_DIMS] = o->shape[0];
  d.desc[DLC_DNNL_MATMUL_BATCH_DIMS + 1] = o->shape[1];
  llvm::copy(l->strides, d.desc.begin() + DLC_DNNL_MATMUL_LHS_STRIDES);
  llvm::copy(r->strides, d.desc.begin() + DLC_DNNL_MATMUL_RHS_STRIDES);
  llvm::copy(o->strides, d.desc.begin() + DLC_DNNL_MATMUL_DST_STRIDES);
  llvm::sort(before, [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  d.ops.insert(d.ops.begin(), before.begin(), before.end());
  d.ops.append(after);
}

/// The kernel's leading contraction plus its fusable epilogue chain.
/// `winograd`: eligible convs may use Winograd (DLC_DNNL_CONV_ALGORITHM).
std::optional<Dispatch> match(func::FuncOp kernel,
                              const llvm::DenseMap<Operation *, SmallVector<bool>> &constArgs,
                              bool winograd) {
  Block &body = kernel.getBody().front();
  // Transposes and reshapes may lead a matmul (matmul-layouts fusion).
  Operation *head = &body.front();
  while (llvm::isa<dlc::TransposeOp, dlc::ReshapeOp>(head))
    head = head->getNextNode();
  if (!llvm::isa<dlc::MatMulOp>(head))
    head = &body.front();
  Dispatch d;
  bool matched = llvm::TypeSwitch<Operation *, bool>(head)
                     .Case([&](dlc::ConvOp op) { return matchConv(op, d); })
                     .Case([&](dlc::MatMulOp op) { return matchMatMul(op, d); })
                     .Case([&](dlc::GemmOp op) { return matchGemm(op, d); })
                     .Case([&](dlc::SoftmaxOp op) { return matchSoftmax(op, d); })
                     .Case([&](dlc::MaxPoolOp op) { return matchMaxPool(op, d); })
                     .Case([&](dlc::LayerNormOp op) { return matchLayerNorm(op, d); })
                     .Default([](Operation *) { return false; });
  if (!matched)
    return std::nullopt;
  d.ops.push_back(head);
  Value current = head->getResult(0);
  while (d.epilogues && current.hasOneUse()) {
    Operation *user = *current.getUsers().begin();
    if (user->getBlock() != &body || !appendEpilogue(user, current, d))
      break;
    d.ops.push_back(user);
    current = user->getResult(0);
  }
  if (auto mm = llvm::dyn_cast<dlc::MatMulOp>(head))
    foldMatMulViews(mm, d, current);
  d.desc[DLC_DNNL_HAS_BIAS] = d.bias != nullptr;
  d.desc[DLC_DNNL_CONST_WEIGHTS] = isConstantArg(d.rhs, constArgs);
  if (winograd && winogradEligible(d.desc))
    d.desc[DLC_DNNL_CONV_ALGORITHM] = DLC_DNNL_CONV_WINOGRAD;
  return d;
}

/// `buffer` as the first element of a memref<1xT> view: the bare-pointer
/// call convention passes only the (aligned) pointer, and one type serves
/// every call site (convert-func-to-llvm rejects dynamic sizes there).
MemRefType pointerType(Type element) { return MemRefType::get({1}, element); }

Value asPointer(OpBuilder &b, Location loc, Value buffer) {
  auto type = llvm::cast<MemRefType>(buffer.getType());
  return memref::ReinterpretCastOp::create(b, loc, pointerType(type.getElementType()), buffer,
                                           0, {1}, {1});
}

/// The private declaration of library function `name`, typed by the call's
/// arguments (every call of one name passes the same types).
func::FuncOp declareLibraryFunction(ModuleOp module, StringRef name, ValueRange args) {
  if (auto existing = module.lookupSymbol<func::FuncOp>(name))
    return existing;
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  auto fn = func::FuncOp::create(b, module.getLoc(), name,
                                 b.getFunctionType(TypeRange(args), {}));
  fn.setPrivate();
  return fn;
}

/// One kernel being rewritten into a library call: the call site's
/// descriptor (constant) and primitive cache (mutable) globals, the result
/// buffer, and `args` (cache, descriptor, then the operands the caller adds
/// with `pointer`; `finish` appends the result).
struct LibraryCall {
  LibraryCall(ModuleOp module, func::FuncOp kernel, ArrayRef<int64_t> desc, Operation *tail)
      : module(module), tail(tail), loc(tail->getLoc()), b(tail) {
    MLIRContext *ctx = module.getContext();
    auto i64 = IntegerType::get(ctx, 64);
    OpBuilder globals = OpBuilder::atBlockBegin(module.getBody());
    std::string stem = kernel.getSymName().str();
    auto descType = MemRefType::get({int64_t(desc.size())}, i64);
    auto descValue =
        DenseElementsAttr::get(RankedTensorType::get(descType.getShape(), i64), desc);
    descGlobal = memref::GlobalOp::create(
        globals, loc, globals.getStringAttr("__dlc_dnnl_desc_" + stem),
        globals.getStringAttr("private"), TypeAttr::get(descType), descValue,
        globals.getUnitAttr(), /*alignment=*/IntegerAttr());
    auto cacheType = MemRefType::get({2}, i64);
    auto zeros = DenseElementsAttr::get(RankedTensorType::get({2}, i64), ArrayRef<int64_t>{0, 0});
    memref::GlobalOp::create(globals, loc, globals.getStringAttr("__dlc_dnnl_cache_" + stem),
                             globals.getStringAttr("private"), TypeAttr::get(cacheType), zeros,
                             /*constant=*/UnitAttr(), globals.getI64IntegerAttr(8));

    resultType = llvm::cast<RankedTensorType>(tail->getResult(0).getType());
    out = memref::AllocOp::create(
        b, loc, MemRefType::get(resultType.getShape(), resultType.getElementType()),
        b.getI64IntegerAttr(64));
    outPointer = asPointer(b, loc, out);
    args.push_back(memref::GetGlobalOp::create(
        b, loc, cacheType, FlatSymbolRefAttr::get(ctx, "__dlc_dnnl_cache_" + stem)));
    args.push_back(asPointer(b, loc,
                             memref::GetGlobalOp::create(
                                 b, loc, descType,
                                 FlatSymbolRefAttr::get(ctx, "__dlc_dnnl_desc_" + stem))));
  }

  /// A tensor operand as the bare pointer the library takes.
  Value pointer(Value tensor) {
    auto type = llvm::cast<RankedTensorType>(tensor.getType());
    auto memrefType = MemRefType::get(type.getShape(), type.getElementType());
    Value m = bufferization::ToBufferOp::create(b, loc, memrefType, tensor, /*read_only=*/true);
    return asPointer(b, loc, m);
  }

  /// Calls `callee` with the arguments and the result pointer, replaces the
  /// tail's result with the call's and erases `ops` (the tail last).
  /// Returns the call's result as a tensor.
  Value finish(StringRef callee, ArrayRef<Operation *> ops) {
    args.push_back(outPointer);
    func::CallOp::create(b, loc, declareLibraryFunction(module, callee, args), args);
    Value result = bufferization::ToTensorOp::create(b, loc, resultType, out, /*restrict=*/true,
                                                     /*writable=*/true);
    tail->getResult(0).replaceAllUsesWith(result);
    for (Operation *op : llvm::reverse(ops))
      op->erase();
    return result;
  }

  ModuleOp module;
  Operation *tail;
  Location loc;
  OpBuilder b;
  memref::GlobalOp descGlobal;
  RankedTensorType resultType;
  Value out, outPointer; // the result buffer, and as a pointer
  SmallVector<Value> args;
};

/// A kernel rewritten into a library conv or pooling, for the layout choice.
struct ConvSite {
  memref::GlobalOp desc;
  Value result;                 // the call's dst as a tensor
  BlockArgument src;            // read as the conv's src
  SmallVector<std::pair<BlockArgument, unsigned>> sameShapeBinaries; // (arg, binary index)
};

std::optional<ConvSite> rewrite(ModuleOp module, func::FuncOp kernel, Dispatch &d) {
  LibraryCall call(module, kernel, d.desc, d.ops.back());
  // Unused operands get the result pointer: never read.
  call.args.push_back(call.pointer(d.lhs));
  call.args.push_back(d.rhs ? call.pointer(d.rhs) : call.outPointer);
  call.args.push_back(d.bias ? call.pointer(d.bias) : call.outPointer);
  for (unsigned i = 0; i < DLC_DNNL_MAX_BINARY; ++i)
    call.args.push_back(i < d.binaries.size() ? call.pointer(d.binaries[i]) : call.outPointer);
  Value result = call.finish(d.callee, d.ops);
  if (d.desc[DLC_DNNL_KIND] != DLC_DNNL_CONV2D && d.desc[DLC_DNNL_KIND] != DLC_DNNL_MAX_POOL)
    return std::nullopt;
  ConvSite site{call.descGlobal, result, llvm::cast<BlockArgument>(d.lhs), {}};
  for (auto [i, operand] : llvm::enumerate(d.binaries))
    if (llvm::equal(shapeOf(operand), call.resultType.getShape()))
      site.sameShapeBinaries.push_back({llvm::cast<BlockArgument>(operand), unsigned(i)});
  return site;
}

/// The kernel result that is exactly `value` (returned once, no other use).
std::optional<unsigned> returnedAs(Value value) {
  if (!value.hasOneUse())
    return std::nullopt;
  OpOperand &use = *value.getUses().begin();
  if (!llvm::isa<func::ReturnOp>(use.getOwner()))
    return std::nullopt;
  return use.getOperandNumber();
}

/// A kernel of elementwise ops over one 4-D shape whose other operands are
/// scalars (e.g. dequantize + add + relu + quantize between int8 convs): it
/// computes the same whatever the layout of that shape, so channels-last
/// tensors can pass through it. Returns the shape, or nothing.
/// With `afterLibraryCall`, the kernel may also hold a library call (the
/// buffers and the call that dlc-dispatch-dnnl wrote): its elementwise
/// epilogue is then what must not depend on the layout.
std::optional<SmallVector<int64_t>> layoutAgnosticShape(func::FuncOp kernel,
                                                        bool afterLibraryCall = false) {
  if (!kernel || kernel.isExternal() || !kernel->hasAttr(dlc::kKernelAttr) ||
      kernel.getNumResults() == 0)
    return std::nullopt;
  auto first = llvm::dyn_cast<RankedTensorType>(kernel.getResultTypes()[0]);
  if (!first || first.getRank() != 4 || !first.hasStaticShape())
    return std::nullopt;
  SmallVector<int64_t> shape(first.getShape());
  auto fits = [&](Type type) {
    auto t = llvm::dyn_cast<RankedTensorType>(type);
    return t && t.hasStaticShape() && (t.getNumElements() == 1 || t.getShape() == ArrayRef(shape));
  };
  if (!llvm::all_of(kernel.getResultTypes(), [&](Type t) {
        return llvm::cast<ShapedType>(t).getShape() == ArrayRef(shape);
      }))
    return std::nullopt;
  // A tensor of the shape both the call and the epilogue read would have
  // the call's layout in one and the component's in the other (scalars,
  // such as a shared zero point, have no layout).
  for (BlockArgument arg : kernel.getArguments()) {
    if (llvm::cast<ShapedType>(arg.getType()).getShape() != ArrayRef(shape))
      continue;
    bool byCall = false, byEpilogue = false;
    for (Operation *user : arg.getUsers())
      (llvm::isa<bufferization::ToBufferOp>(user) ? byCall : byEpilogue) = true;
    if (byCall && byEpilogue)
      return std::nullopt;
  }
  for (Operation &op : kernel.getBody().front()) {
    if (llvm::isa<func::ReturnOp>(op))
      continue;
    if (afterLibraryCall &&
        llvm::isa<bufferization::ToBufferOp, bufferization::ToTensorOp, memref::ReinterpretCastOp,
                  memref::GetGlobalOp, memref::AllocOp, func::CallOp>(op))
      continue;
    bool elementwise = op.hasTrait<dlc::OpTrait::BroadcastElementwise>() ||
                       llvm::isa<dlc::QuantizeLinearOp, dlc::DequantizeLinearOp>(op);
    if (!elementwise || !llvm::all_of(op.getOperandTypes(), fits) ||
        !llvm::all_of(op.getResultTypes(), fits))
      return std::nullopt;
  }
  return shape;
}

/// Channels-last between library convs (and max pools): tensors of one 4-D
/// shape connected through layout-agnostic elementwise kernels form a
/// component; when every tensor of a component is made by a library
/// conv/pool (its kernel result, returned once) or by such a kernel, and
/// every use is a library conv/pool's src or same-shape residual (the kernel
/// argument used by nothing else) or such a kernel, the whole component
/// stays NHWC, the layout oneDNN's convolutions pick, and no call reorders
/// it. Graph inputs and outputs stay NCHW. Only library kernels called once
/// qualify: the layout is part of each call site's descriptor. The graph
/// keeps its NCHW types.
void chooseLayouts(ModuleOp module, llvm::DenseMap<Operation *, ConvSite> &sites) {
  llvm::DenseMap<Operation *, unsigned> callCount;
  SmallVector<func::CallOp> calls;
  for (auto graph : module.getOps<func::FuncOp>()) {
    if (!graph->hasAttr(dlc::kGraphAttr))
      continue;
    graph.walk([&](func::CallOp call) {
      if (auto callee = module.lookupSymbol<func::FuncOp>(call.getCallee())) {
        ++callCount[callee];
        calls.push_back(call);
      }
    });
  }
  auto calleeOf = [&](func::CallOp call) {
    return module.lookupSymbol<func::FuncOp>(call.getCallee());
  };
  auto siteOf = [&](func::CallOp call) -> ConvSite * {
    auto it = sites.find(calleeOf(call));
    return it == sites.end() || callCount[calleeOf(call)] != 1 ? nullptr : &it->second;
  };
  // Agnostic kernels: generated elementwise ones, and library conv/pool
  // kernels (called once) whose result comes out of an elementwise
  // epilogue after the call (e.g. int8 conv -> dequantize -> add -> relu).
  llvm::DenseMap<Operation *, std::optional<SmallVector<int64_t>>> agnostic;
  auto agnosticShape = [&](func::CallOp call) -> const std::optional<SmallVector<int64_t>> & {
    func::FuncOp callee = calleeOf(call);
    auto it = agnostic.find(callee);
    if (it == agnostic.end()) {
      std::optional<SmallVector<int64_t>> shape;
      if (!sites.count(callee))
        shape = layoutAgnosticShape(callee);
      else if (siteOf(call) && !returnedAs(sites.find(callee)->second.result))
        shape = layoutAgnosticShape(callee, /*afterLibraryCall=*/true);
      it = agnostic.try_emplace(callee, shape).first;
    }
    return it->second;
  };
  // Which kernel argument a graph operand becomes, as NHWC bits of the
  // consumer's descriptor (0: not a channels-last-capable use).
  auto useBits = [&](OpOperand &use) -> int64_t {
    auto call = llvm::dyn_cast<func::CallOp>(use.getOwner());
    ConvSite *site = call ? siteOf(call) : nullptr;
    if (!site)
      return 0;
    unsigned arg = use.getOperandNumber();
    int64_t bits = 0;
    if (site->src.getArgNumber() == arg && site->src.hasOneUse())
      bits |= DLC_DNNL_NHWC_SRC;
    for (auto [operand, index] : site->sameShapeBinaries)
      if (operand.getArgNumber() == arg && operand.hasOneUse())
        bits |= DLC_DNNL_NHWC_BINARY0 << index;
    return bits;
  };
  // A same-shape operand of an agnostic kernel (not a library call's src,
  // whose layout is its own descriptor bit).
  // In a library kernel only an argument that its epilogue alone reads
  // qualifies: one the call reads too (src, post-op operand) has the
  // layout of its descriptor bit, which the epilogue would not share.
  auto isAgnosticUse = [&](OpOperand &use) {
    auto call = llvm::dyn_cast<func::CallOp>(use.getOwner());
    if (!call || !agnosticShape(call))
      return false;
    if (siteOf(call)) {
      BlockArgument arg = calleeOf(call).getArgument(use.getOperandNumber());
      if (llvm::any_of(arg.getUsers(),
                       [](Operation *user) { return llvm::isa<bufferization::ToBufferOp>(user); }))
        return false;
    }
    return llvm::cast<ShapedType>(use.get().getType()).getShape() == ArrayRef(*agnosticShape(call));
  };

  // Components: union-find over graph values.
  llvm::DenseMap<Value, Value> parent;
  std::function<Value(Value)> find = [&](Value v) -> Value {
    auto it = parent.find(v);
    if (it == parent.end() || it->second == v)
      return v;
    return it->second = find(it->second);
  };
  auto unite = [&](Value a, Value b) { parent[find(a)] = find(b); };
  SmallVector<Value> candidates; // conv/pool results, agnostic kernels' tensors
  for (func::CallOp call : calls) {
    if (ConvSite *producer = siteOf(call)) {
      if (std::optional<unsigned> index = returnedAs(producer->result)) {
        candidates.push_back(call.getResult(*index));
        continue;
      }
    }
    if (!agnosticShape(call))
      continue;
    Value anchor = call.getResult(0);
    for (Value result : call.getResults())
      unite(result, anchor), candidates.push_back(result);
    for (OpOperand &operand : call->getOpOperands())
      if (isAgnosticUse(operand))
        unite(operand.get(), anchor), candidates.push_back(operand.get());
  }
  // A value can be NHWC if a conv/pool (once-called, returned result) or an
  // agnostic kernel makes it and only such consumers read it.
  auto valueFits = [&](Value v) {
    auto call = v.getDefiningOp<func::CallOp>();
    if (!call || v.use_empty())
      return false;
    bool madeByConv = false;
    if (ConvSite *producer = siteOf(call)) {
      std::optional<unsigned> index = returnedAs(producer->result);
      madeByConv = index && call.getResult(*index) == v;
    }
    if (!madeByConv && !agnosticShape(call))
      return false;
    return llvm::all_of(v.getUses(),
                        [&](OpOperand &use) { return useBits(use) != 0 || isAgnosticUse(use); });
  };
  llvm::DenseMap<Value, bool> componentFits;
  for (Value v : candidates) {
    auto [it, inserted] = componentFits.try_emplace(find(v), true);
    it->second = it->second && valueFits(v);
  }
  llvm::DenseMap<Operation *, int64_t> layouts; // kernel -> DLC_DNNL_LAYOUTS
  llvm::DenseSet<Value> done;
  for (Value v : candidates) {
    if (!componentFits.lookup(find(v)) || !done.insert(v).second)
      continue;
    auto call = v.getDefiningOp<func::CallOp>();
    if (siteOf(call)) // a library result, returned or through its epilogue
      layouts[calleeOf(call)] |= DLC_DNNL_NHWC_DST;
    for (OpOperand &use : v.getUses())
      if (int64_t bits = useBits(use))
        layouts[calleeOf(llvm::cast<func::CallOp>(use.getOwner()))] |= bits;
  }
  for (auto [kernel, bits] : layouts) {
    memref::GlobalOp global = sites.find(kernel)->second.desc;
    auto value = llvm::cast<DenseElementsAttr>(*global.getInitialValue());
    SmallVector<int64_t> desc(value.getValues<int64_t>());
    desc[DLC_DNNL_LAYOUTS] = bits;
    global.setInitialValueAttr(DenseElementsAttr::get(value.getType(), ArrayRef<int64_t>(desc)));
  }
}

//===----------------------------------------------------------------------===//
// int8: the folded QDQ form (dlc-fold-qdq) led by its activation prologue
// (dlc-fuse-kernels keeps the 8-bit -> i32 cast in the consumer's kernel):
//
//   cast(x8) [- zp] -> conv|matmul(., w_i32) [+ b_i32] -> cast f64 -> mul m
//     [-> relu|clip|gelu] -> quantize_linear(., qscale, zy)
//
// becomes one dlc_dnnl_q{conv2d,matmul}_<src>_<dst> call when the weights
// are constants whose values fit int8 at every call site.
//===----------------------------------------------------------------------===//

/// The call being built for an int8 kernel.
struct QuantDispatch {
  std::string callee;
  Value src, weights, bias, multiplier, qscale, srcZp, dstZp;
  SmallVector<int64_t> desc = SmallVector<int64_t>(DLC_DNNL_DESC_SIZE, 0);
  SmallVector<Operation *> ops; // in order; the last is the quantize
};

Type elementOf(Value v) { return llvm::cast<ShapedType>(v.getType()).getElementType(); }
bool isStatic(Value v) { return llvm::cast<ShapedType>(v.getType()).hasStaticShape(); }
int64_t countOf(Value v) { return llvm::cast<ShapedType>(v.getType()).getNumElements(); }

/// The constants a kernel argument receives at every call site (empty if
/// one site passes something else).
using ArgConstants = llvm::DenseMap<Operation *, SmallVector<SmallVector<DenseElementsAttr>>>;

/// What kernel argument `arg` receives at each call site (null where not
/// a dense constant); empty if `arg` is not a kernel argument.
SmallVector<DenseElementsAttr> constantsAtCalls(Value arg, const ArgConstants &constants) {
  SmallVector<DenseElementsAttr> values;
  auto blockArg = llvm::dyn_cast<BlockArgument>(arg);
  auto it = blockArg ? constants.find(blockArg.getOwner()->getParentOp()) : constants.end();
  if (it != constants.end())
    for (const SmallVector<DenseElementsAttr> &call : it->second)
      values.push_back(call[blockArg.getArgNumber()]);
  return values;
}

bool fitsInt8AtEveryCall(Value arg, const ArgConstants &constants) {
  SmallVector<DenseElementsAttr> values = constantsAtCalls(arg, constants);
  return !values.empty() && llvm::all_of(values, [](DenseElementsAttr value) {
           return value && value.getElementType().isSignlessInteger(32) &&
                  llvm::all_of(value.getValues<APInt>(), [](const APInt &v) {
                    return v.getSExtValue() >= -128 && v.getSExtValue() <= 127;
                  });
         });
}

/// The same constant at every call site (the library reads it once).
bool sameConstantAtEveryCall(Value arg, const ArgConstants &constants) {
  SmallVector<DenseElementsAttr> values = constantsAtCalls(arg, constants);
  return !values.empty() && values.front() &&
         llvm::all_of(values, [&](DenseElementsAttr v) { return v == values.front(); });
}

std::optional<QuantDispatch> matchQuantized(func::FuncOp kernel, const ArgConstants &constants) {
  Block &body = kernel.getBody().front();
  QuantDispatch q;
  auto castIn = llvm::dyn_cast<dlc::CastOp>(&body.front());
  if (!castIn || !llvm::isa<BlockArgument>(castIn.getInput()) ||
      !elementOf(castIn.getInput()).isInteger(8) || !castIn->hasOneUse())
    return std::nullopt;
  bool srcSigned = !elementOf(castIn.getInput()).isUnsignedInteger();
  q.src = castIn.getInput();
  q.ops.push_back(castIn);
  Operation *next = *castIn->getUsers().begin();
  if (auto sub = llvm::dyn_cast<dlc::SubOp>(next)) {
    if (sub.getLhs() != castIn.getResult() || !llvm::isa<BlockArgument>(sub.getRhs()) ||
        countOf(sub.getRhs()) != 1 || !sub->hasOneUse())
      return std::nullopt;
    q.srcZp = sub.getRhs();
    q.ops.push_back(sub);
    next = *sub->getUsers().begin();
  }
  Value acc;
  bool conv = false;
  if (auto c = llvm::dyn_cast<dlc::ConvOp>(next)) {
    ArrayRef<int64_t> x = shapeOf(c.getInput()), w = shapeOf(c.getWeight()),
                      y = shapeOf(c.getOutput());
    ArrayRef<int64_t> st = c.getStrides(), p = c.getPads(), dil = c.getDilations();
    if (x.size() != 4 || st.size() != 2 || p.size() != 4 || !isStatic(c.getOutput()) ||
        !isStatic(c.getInput()))
      return std::nullopt;
    q.weights = c.getWeight();
    q.bias = c.getBias();
    int64_t values[] = {DLC_DNNL_QCONV2D, x[0], x[1], x[2], x[3], w[0], w[2], w[3], y[2], y[3],
                        st[0], st[1], p[0], p[1], p[2], p[3], dil[0], dil[1], int64_t(c.getGroup())};
    llvm::copy(values, q.desc.begin());
    acc = c.getOutput();
    conv = true;
  } else if (auto m = llvm::dyn_cast<dlc::MatMulOp>(next)) {
    ArrayRef<int64_t> a = shapeOf(m.getLhs()), b = shapeOf(m.getRhs());
    if (a.size() < 2 || b.size() != 2 || !isStatic(m.getLhs()) || !isStatic(m.getOutput()))
      return std::nullopt;
    int64_t rows = 1;
    for (int64_t dim : a.drop_back())
      rows *= dim;
    q.weights = m.getRhs();
    int64_t values[] = {DLC_DNNL_QMATMUL, 1, rows, b[1], b[0], 0, 0, 0, 0, floatBits(1.f)};
    llvm::copy(values, q.desc.begin());
    acc = m.getOutput();
  } else {
    return std::nullopt;
  }
  if (!elementOf(acc).isSignlessInteger(32) || !acc.hasOneUse() ||
      !fitsInt8AtEveryCall(q.weights, constants))
    return std::nullopt;
  q.ops.push_back(next);
  next = *acc.getUsers().begin();
  int64_t channels = conv ? shapeOf(acc)[1] : shapeOf(acc).back();
  if (auto add = llvm::dyn_cast<dlc::AddOp>(next); add && !conv) {
    if (add.getLhs() != acc || !llvm::isa<BlockArgument>(add.getRhs()) ||
        shapeOf(add.getRhs()) != ArrayRef<int64_t>{channels} || !add->hasOneUse() ||
        add.getType() != acc.getType())
      return std::nullopt;
    q.bias = add.getRhs();
    q.ops.push_back(add);
    acc = add.getResult();
    next = *acc.getUsers().begin();
  }
  if (q.bias && !llvm::isa<BlockArgument>(q.bias))
    return std::nullopt;
  auto toF64 = llvm::dyn_cast<dlc::CastOp>(next);
  if (!toF64 || !elementOf(toF64.getOutput()).isF64() || !toF64->hasOneUse())
    return std::nullopt;
  auto mul = llvm::dyn_cast<dlc::MulOp>(*toF64->getUsers().begin());
  if (!mul || mul.getLhs() != toF64.getOutput() || !llvm::isa<BlockArgument>(mul.getRhs()) ||
      !elementOf(mul.getRhs()).isF64() || !mul->hasOneUse() ||
      mul.getType() != toF64.getOutput().getType())
    return std::nullopt;
  int64_t scales = countOf(mul.getRhs());
  if (scales != 1 && scales != channels)
    return std::nullopt;
  q.multiplier = mul.getRhs();
  q.ops.append({toF64, mul});
  next = *mul->getUsers().begin();
  int64_t activation = DLC_DNNL_QUANT_ACT_NONE;
  if (llvm::isa<dlc::ReluOp, dlc::ClipOp, dlc::GeluOp>(next)) {
    if (!next->hasOneUse())
      return std::nullopt;
    activation = DLC_DNNL_QUANT_ACT_RELU;
    if (auto gelu = llvm::dyn_cast<dlc::GeluOp>(next))
      activation = gelu.getApproximate() == "tanh" ? DLC_DNNL_QUANT_ACT_GELU_TANH
                                                   : DLC_DNNL_QUANT_ACT_GELU_ERF;
    if (auto clip = llvm::dyn_cast<dlc::ClipOp>(next)) {
      activation = DLC_DNNL_QUANT_ACT_CLIP;
      q.desc[DLC_DNNL_QUANT_CLIP_MIN] =
          floatBits(clip.getMin() ? float(clip.getMin()->convertToDouble()) : -FLT_MAX);
      q.desc[DLC_DNNL_QUANT_CLIP_MAX] =
          floatBits(clip.getMax() ? float(clip.getMax()->convertToDouble()) : FLT_MAX);
    }
    q.ops.push_back(next);
    next = *next->getUsers().begin();
  }
  auto quant = llvm::dyn_cast<dlc::QuantizeLinearOp>(next);
  if (!quant || quant.getInput() != q.ops.back()->getResult(0) ||
      !llvm::isa<BlockArgument>(quant.getScale()) || countOf(quant.getScale()) != 1 ||
      !llvm::isa<BlockArgument>(quant.getZeroPoint()) || countOf(quant.getZeroPoint()) != 1 ||
      !elementOf(quant.getOutput()).isInteger(8))
    return std::nullopt;
  q.qscale = quant.getScale();
  q.dstZp = quant.getZeroPoint();
  // The library fixes a conv's scales, and a gelu's 1 / qscale, at the
  // call site's first call.
  bool gelu = activation == DLC_DNNL_QUANT_ACT_GELU_ERF || activation == DLC_DNNL_QUANT_ACT_GELU_TANH;
  bool constantScales = sameConstantAtEveryCall(q.multiplier, constants) &&
                        sameConstantAtEveryCall(q.qscale, constants);
  if ((conv && !constantScales) || (gelu && !sameConstantAtEveryCall(q.qscale, constants)))
    return std::nullopt;
  q.desc[DLC_DNNL_QUANT_FIXED_SCALES] = constantScales;
  q.ops.push_back(quant);
  bool dstSigned = !elementOf(quant.getOutput()).isUnsignedInteger();
  q.desc[DLC_DNNL_HAS_BIAS] = q.bias != nullptr;
  q.desc[DLC_DNNL_CONST_WEIGHTS] = 1;
  q.desc[DLC_DNNL_QUANT_SRC_SIGNED] = srcSigned;
  q.desc[DLC_DNNL_QUANT_DST_SIGNED] = dstSigned;
  q.desc[DLC_DNNL_QUANT_SRC_ZP] = q.srcZp != nullptr;
  q.desc[DLC_DNNL_QUANT_PER_CHANNEL] = scales != 1;
  q.desc[DLC_DNNL_QUANT_ACTIVATION] = activation;
  q.callee = std::string(conv ? "dlc_dnnl_qconv2d_" : "dlc_dnnl_qmatmul_") +
             (srcSigned ? "s8_" : "u8_") + (dstSigned ? "s8" : "u8");
  return q;
}

/// Rewrites the kernel; an int8 conv is returned as a site for the layout
/// choice (8-bit tensors between int8 convs stay channels-last too).
std::optional<ConvSite> rewriteQuantized(ModuleOp module, func::FuncOp kernel, QuantDispatch &q) {
  LibraryCall call(module, kernel, q.desc, q.ops.back());
  Value weights = call.pointer(q.weights);
  call.args.append({call.pointer(q.src), weights,
                    q.bias ? call.pointer(q.bias) : weights, // unused operands: never read
                    call.pointer(q.multiplier), call.pointer(q.qscale),
                    q.srcZp ? call.pointer(q.srcZp) : weights, call.pointer(q.dstZp)});
  Value result = call.finish(q.callee, q.ops);
  if (q.desc[DLC_DNNL_KIND] != DLC_DNNL_QCONV2D)
    return std::nullopt;
  return ConvSite{call.descGlobal, result, llvm::cast<BlockArgument>(q.src), {}};
}

struct DispatchDnnlPass : dlc::impl::DispatchDnnlBase<DispatchDnnlPass> {
  using DispatchDnnlBase::DispatchDnnlBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Which kernel arguments are graph constants at every call site, and
    // the constant each receives per call site (int8 weights must fit int8
    // at all of them).
    llvm::DenseMap<Operation *, SmallVector<bool>> constArgs;
    ArgConstants argConstants;
    for (auto graph : module.getOps<func::FuncOp>()) {
      if (!graph->hasAttr(dlc::kGraphAttr))
        continue;
      graph.walk([&](func::CallOp call) {
        auto callee = module.lookupSymbol<func::FuncOp>(call.getCallee());
        if (!callee)
          return;
        SmallVector<bool> isConst;
        SmallVector<DenseElementsAttr> values;
        for (Value operand : call.getOperands()) {
          auto constant = operand.getDefiningOp<dlc::ConstantOp>();
          isConst.push_back(constant != nullptr);
          values.push_back(constant ? llvm::dyn_cast<DenseElementsAttr>(constant.getValue())
                                    : DenseElementsAttr());
        }
        argConstants[callee].push_back(std::move(values));
        auto [it, inserted] = constArgs.try_emplace(callee, isConst);
        if (!inserted)
          for (size_t i = 0; i < isConst.size(); ++i)
            it->second[i] = it->second[i] && isConst[i];
      });
    }
    llvm::DenseMap<Operation *, ConvSite> convSites;
    for (auto kernel : llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (!kernel->hasAttr(dlc::kKernelAttr) || kernel.isExternal())
        continue;
      // Kernels placed on a GPU (dlc-place) take the CUDA lowering.
      auto device = kernel->getAttrOfType<StringAttr>(dlc::kDeviceAttr);
      if (device && !device.getValue().starts_with("cpu"))
        continue;
      if (std::optional<QuantDispatch> q = matchQuantized(kernel, argConstants)) {
        if (std::optional<ConvSite> site = rewriteQuantized(module, kernel, *q))
          convSites.try_emplace(kernel, *site);
        continue;
      }
      if (std::optional<Dispatch> d = match(kernel, constArgs, winograd))
        if (std::optional<ConvSite> site = rewrite(module, kernel, *d))
          convSites.try_emplace(kernel, *site);
    }
    chooseLayouts(module, convSites);
  }
};
} // namespace
