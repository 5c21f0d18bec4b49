//===- ParallelizeKernels.cpp - kernels' loop nests on the run's threads --===//
//
// Generated kernels are serial loop nests; libdlcrt lends them the run's
// threads through `dlc_rt_parallel_for(count, body, context)`. This pass
// outlines each large top-level scf.parallel nest of a kernel into a body
// function over a range of its split dimension and replaces the nest by that
// call. The body gets the nest's buffers through a stack array of pointers
// (kernel buffers are static with identity layout, so a pointer rebuilds the
// memref) and recomputes the views, globals and constants it uses.
//
//===----------------------------------------------------------------------===//
#include "compiler/Passes.h"

#include "mlir/Conversion/LLVMCommon/MemRefBuilder.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>

namespace dlc {
#define GEN_PASS_DEF_PARALLELIZEKERNELS
#include "compiler/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {
constexpr llvm::StringLiteral kParallelFor = "dlc_rt_parallel_for";
/// A split dimension this long gives every thread of a large machine work.
constexpr int64_t kLongDimension = 16;

std::optional<int64_t> constantTripCount(Value lb, Value ub, Value step) {
  std::optional<int64_t> l = getConstantIntValue(lb), u = getConstantIntValue(ub),
                         s = getConstantIntValue(step);
  if (!l || !u || !s || *s <= 0)
    return std::nullopt;
  return *u <= *l ? 0 : (*u - *l + *s - 1) / *s;
}

uint64_t blockWork(Block &block);

/// Operations `op` executes: loops with constant bounds count their body
/// once per iteration, other regions once (a rough but monotone measure).
uint64_t opWork(Operation *op) {
  uint64_t iterations = 1;
  if (auto loop = dyn_cast<scf::ForOp>(op)) {
    iterations = constantTripCount(loop.getLowerBound(), loop.getUpperBound(), loop.getStep())
                     .value_or(1);
  } else if (auto nest = dyn_cast<scf::ParallelOp>(op)) {
    for (auto [lb, ub, step] :
         llvm::zip(nest.getLowerBound(), nest.getUpperBound(), nest.getStep()))
      iterations = llvm::SaturatingMultiply<uint64_t>(
          iterations, constantTripCount(lb, ub, step).value_or(1));
  }
  uint64_t inner = 0;
  for (Region &region : op->getRegions())
    for (Block &block : region)
      inner = llvm::SaturatingAdd(inner, blockWork(block));
  return llvm::SaturatingAdd<uint64_t>(1, llvm::SaturatingMultiply(iterations, inner));
}

uint64_t blockWork(Block &block) {
  uint64_t total = 0;
  for (Operation &op : block)
    total = llvm::SaturatingAdd(total, opWork(&op));
  return total;
}

/// A buffer the body function can rebuild from its aligned pointer.
bool isPassable(Value value) {
  auto type = dyn_cast<MemRefType>(value.getType());
  if (!type || !type.hasStaticShape() || !type.getLayout().isIdentity())
    return false;
  return isa<BlockArgument>(value) ||
         isa_and_nonnull<memref::AllocOp, memref::AllocaOp>(value.getDefiningOp());
}

/// How the body function gets each value the nest uses from outside it.
struct Captures {
  SmallVector<Value> passed;       // context slot i holds passed[i]'s pointer
  SmallVector<Operation *> cloned; // recomputed in the body, in block order
};

/// Sorts the values `nest` uses from above into buffers to pass and pure ops
/// to recompute; fails when one is neither (the nest then stays serial).
LogicalResult collectCaptures(scf::ParallelOp nest, Captures &captures) {
  llvm::SetVector<Value> worklist;
  getUsedValuesDefinedAbove(nest.getRegion(), worklist);
  worklist.insert(nest->getOperands().begin(), nest->getOperands().end());
  llvm::SetVector<Operation *> recomputed;
  for (size_t i = 0; i < worklist.size(); ++i) {
    Value value = worklist[i];
    if (isPassable(value)) {
      captures.passed.push_back(value);
      continue;
    }
    Operation *def = value.getDefiningOp();
    // Views, constants and memref.get_global: no effects, no regions.
    if (!def || def->getNumRegions() != 0 || !isMemoryEffectFree(def))
      return failure();
    if (recomputed.insert(def))
      worklist.insert(def->getOperands().begin(), def->getOperands().end());
  }
  captures.cloned.assign(recomputed.begin(), recomputed.end());
  // Operands come before their users in the (single) block they share.
  llvm::sort(captures.cloned, [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  return success();
}

/// The dimension whose range the threads share.
unsigned splitDimension(ArrayRef<int64_t> trips) {
  for (auto [d, trip] : llvm::enumerate(trips))
    if (trip >= kLongDimension)
      return d;
  return std::max_element(trips.begin(), trips.end()) - trips.begin();
}

struct ParallelizeKernelsPass : dlc::impl::ParallelizeKernelsBase<ParallelizeKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (auto kernel : llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (!kernel->hasAttr(dlc::kKernelAttr) || kernel.isExternal() ||
          !kernel.getBody().hasOneBlock())
        continue;
      unsigned outlined = 0;
      for (auto nest : llvm::to_vector(kernel.getBody().front().getOps<scf::ParallelOp>()))
        if (succeeded(parallelize(kernel, nest, outlined)))
          ++outlined;
    }
  }

  LogicalResult parallelize(func::FuncOp kernel, scf::ParallelOp nest, unsigned index) {
    if (nest.getNumResults() != 0 || static_cast<int64_t>(opWork(nest)) < minWork)
      return failure();
    if (nest.getBody()->walk([](CallOpInterface) { return WalkResult::interrupt(); })
            .wasInterrupted())
      return failure(); // library calls bring their own threads
    SmallVector<int64_t> trips;
    for (auto [lb, ub, step] :
         llvm::zip(nest.getLowerBound(), nest.getUpperBound(), nest.getStep())) {
      std::optional<int64_t> trip = constantTripCount(lb, ub, step);
      if (!trip)
        return failure();
      trips.push_back(*trip);
    }
    unsigned split = splitDimension(trips);
    if (trips[split] < 2)
      return failure();
    Captures captures;
    if (failed(collectCaptures(nest, captures)))
      return failure();

    MLIRContext *context = &getContext();
    Location loc = nest.getLoc();
    auto ptrType = LLVM::LLVMPointerType::get(context);
    auto i64Type = IntegerType::get(context, 64);
    Type indexType = IndexType::get(context);
    auto bodyType = FunctionType::get(context, {indexType, indexType, ptrType}, {});
    func::FuncOp body = createBody(kernel, nest, split, captures, bodyType,
                                   (kernel.getSymName() + "_par" + Twine(index)).str());

    // The call: context[i] = aligned pointer of passed[i].
    OpBuilder builder(nest);
    Value contextArray;
    if (captures.passed.empty()) {
      contextArray = LLVM::ZeroOp::create(builder, loc, ptrType);
    } else {
      Value one = LLVM::ConstantOp::create(builder, loc, i64Type, builder.getI64IntegerAttr(1));
      auto arrayType = LLVM::LLVMArrayType::get(ptrType, captures.passed.size());
      contextArray = LLVM::AllocaOp::create(builder, loc, ptrType, arrayType, one);
    }
    for (auto [slot, buffer] : llvm::enumerate(captures.passed)) {
      Value address = memref::ExtractAlignedPointerAsIndexOp::create(builder, loc, buffer);
      Value asInteger = arith::IndexCastOp::create(builder, loc, i64Type, address);
      Value pointer = LLVM::IntToPtrOp::create(builder, loc, ptrType, asInteger);
      Value slotAddress = LLVM::GEPOp::create(builder, loc, ptrType, ptrType, contextArray,
                                              ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(slot)});
      LLVM::StoreOp::create(builder, loc, pointer, slotAddress);
    }
    Value count = arith::ConstantIntOp::create(builder, loc, i64Type, trips[split]);
    Value function =
        func::ConstantOp::create(builder, loc, bodyType, SymbolRefAttr::get(body.getSymNameAttr()));
    func::CallOp::create(builder, loc, parallelForDeclaration(bodyType).getSymName(),
                         TypeRange{}, ValueRange{count, function, contextArray});
    nest.erase();
    return success();
  }

  /// void <kernel>_parN(index begin, index end, ptr context): the nest with
  /// its split dimension restricted to iterations [begin, end).
  func::FuncOp createBody(func::FuncOp kernel, scf::ParallelOp nest, unsigned split,
                          const Captures &captures, FunctionType type, std::string name) {
    MLIRContext *context = &getContext();
    Location loc = nest.getLoc();
    OpBuilder builder(context);
    builder.setInsertionPointAfter(kernel);
    auto body = func::FuncOp::create(builder, loc, name, type);
    body.setPrivate();
    // Internal: the runtime reaches it only through the call's pointer.
    body->setAttr("llvm.linkage", LLVM::LinkageAttr::get(context, LLVM::Linkage::Internal));
    Block *entry = body.addEntryBlock();
    builder.setInsertionPointToStart(entry);

    IRMapping mapping;
    LLVMTypeConverter converter(context);
    auto ptrType = LLVM::LLVMPointerType::get(context);
    for (auto [slot, buffer] : llvm::enumerate(captures.passed)) {
      Value slotAddress =
          LLVM::GEPOp::create(builder, loc, ptrType, ptrType, entry->getArgument(2),
                              ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(slot)});
      Value pointer = LLVM::LoadOp::create(builder, loc, ptrType, slotAddress);
      auto bufferType = cast<MemRefType>(buffer.getType());
      Value descriptor =
          MemRefDescriptor::fromStaticShape(builder, loc, converter, bufferType, pointer);
      mapping.map(buffer, UnrealizedConversionCastOp::create(builder, loc, bufferType, descriptor)
                              .getResult(0));
    }
    for (Operation *op : captures.cloned)
      builder.clone(*op, mapping);

    // Iteration i of the split dimension is lb + i * step.
    Value lb = mapping.lookupOrDefault(nest.getLowerBound()[split]);
    Value ub = mapping.lookupOrDefault(nest.getUpperBound()[split]);
    Value step = mapping.lookupOrDefault(nest.getStep()[split]);
    auto at = [&](Value i) {
      return arith::AddIOp::create(builder, loc, lb, arith::MulIOp::create(builder, loc, i, step));
    };
    Value begin = at(entry->getArgument(0));
    Value end = arith::MinSIOp::create(builder, loc, at(entry->getArgument(1)), ub);
    auto chunk = cast<scf::ParallelOp>(builder.clone(*nest, mapping));
    unsigned rank = nest.getNumLoops();
    chunk->setOperand(split, begin);
    chunk->setOperand(rank + split, end);
    func::ReturnOp::create(builder, loc);
    return body;
  }

  /// func.func private @dlc_rt_parallel_for(i64, (index, index, ptr) -> (), ptr)
  func::FuncOp parallelForDeclaration(FunctionType bodyType) {
    ModuleOp module = getOperation();
    if (auto existing = module.lookupSymbol<func::FuncOp>(kParallelFor))
      return existing;
    MLIRContext *context = &getContext();
    OpBuilder builder = OpBuilder::atBlockBegin(module.getBody());
    auto type = FunctionType::get(
        context, {IntegerType::get(context, 64), bodyType, LLVM::LLVMPointerType::get(context)},
        {});
    auto declaration = func::FuncOp::create(builder, module.getLoc(), kParallelFor, type);
    declaration.setPrivate();
    return declaration;
  }
};
} // namespace
