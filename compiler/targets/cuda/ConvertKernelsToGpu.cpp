//===- ConvertKernelsToGpu.cpp - kernel loops -> gpu.launch ---------------===//
//
// After convert-linalg-to-parallel-loops a kernel function is host code: one
// scf.parallel nest per linalg op, serial loops (reductions to a scalar, 0-d
// ops), memref.copy and buffer allocations. Its arguments are device
// pointers, so every memory access must move to the GPU:
//  - memref.copy becomes an scf.parallel of loads and stores;
//  - each top-level scf.parallel becomes a launch of 256-thread blocks over
//    its linearized iteration space, innermost dimension fastest, so
//    consecutive threads touch consecutive elements (coalesced);
//  - each run of other top-level ops that touch memory becomes a 1x1x1
//    launch (correct, slow; such ops are scalar-sized in practice);
// Allocations stay memref.alloc: the CUDA pipeline lowers them to the
// generic `_mlir_memref_to_llvm_*` functions, which libdlcrt implements with
// device memory. Constants, views (subview, reshapes), index arithmetic and
// memref.get_global (gpu-kernel-outlining then copies the global into the
// GPU module) used in a launch are cloned into it, so kernels receive only
// function arguments and allocations: static, identity-layout memrefs that
// can be passed as bare pointers like the host ABI.
//===----------------------------------------------------------------------===//
#include "compiler/targets/cuda/CudaTarget.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/RegionUtils.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

namespace {
constexpr int64_t kBlockSize = 256;

/// Ops that may run on the host: they compute addresses or sizes, or manage
/// buffers, but never read or write tensor elements.
bool staysOnHost(Operation *op) {
  return op->hasTrait<OpTrait::IsTerminator>() || op->hasTrait<OpTrait::ConstantLike>() ||
         isa<ViewLikeOpInterface, memref::AllocOp, memref::DeallocOp, memref::ExpandShapeOp,
             memref::CollapseShapeOp, memref::ExtractStridedMetadataOp, memref::DimOp,
             memref::GetGlobalOp, gpu::LaunchOp, scf::ParallelOp>(op);
}

/// A gpu.launch of `grid` x `block` (1-d) before `b`'s insertion point, with
/// an empty body ending in gpu.terminator; returns a builder at its start.
gpu::LaunchOp createLaunch(OpBuilder &b, Location loc, Value grid, Value block) {
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto launch = gpu::LaunchOp::create(b, loc, grid, one, one, block, one, one);
  OpBuilder body = OpBuilder::atBlockEnd(&launch.getBody().front());
  gpu::TerminatorOp::create(body, loc);
  return launch;
}

void copyToParallel(memref::CopyOp copy) {
  OpBuilder b(copy);
  Location loc = copy.getLoc();
  Value src = copy.getSource(), dst = copy.getTarget();
  auto type = cast<MemRefType>(dst.getType());
  if (type.getRank() == 0) {
    Value v = memref::LoadOp::create(b, loc, src, ValueRange{});
    memref::StoreOp::create(b, loc, v, dst, ValueRange{});
  } else {
    SmallVector<Value> lbs, ubs, steps;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      lbs.push_back(arith::ConstantIndexOp::create(b, loc, 0));
      ubs.push_back(type.isDynamicDim(d)
                        ? memref::DimOp::create(b, loc, dst, d).getResult()
                        : arith::ConstantIndexOp::create(b, loc, type.getDimSize(d)).getResult());
      steps.push_back(arith::ConstantIndexOp::create(b, loc, 1));
    }
    scf::ParallelOp::create(b, loc, lbs, ubs, steps,
                            [&](OpBuilder &nb, Location l, ValueRange ivs) {
                              Value v = memref::LoadOp::create(nb, l, src, ivs);
                              memref::StoreOp::create(nb, l, v, dst, ivs);
                            });
  }
  copy.erase();
}

bool sinkable(Operation *op) {
  return op->hasTrait<OpTrait::ConstantLike>() ||
         isa<ViewLikeOpInterface, memref::ExpandShapeOp, memref::CollapseShapeOp,
             memref::ExtractStridedMetadataOp, memref::DimOp, memref::GetGlobalOp>(op) ||
         (isa<arith::ArithDialect>(op->getDialect()) && isPure(op));
}

void sinkIntoLaunch(gpu::LaunchOp launch) {
  Region &region = launch.getBody();
  llvm::SetVector<Value> above;
  getUsedValuesDefinedAbove(region, above);
  OpBuilder b = OpBuilder::atBlockBegin(&region.front());
  IRMapping map;
  std::function<void(Value)> materialize = [&](Value v) {
    Operation *def = v.getDefiningOp();
    if (map.contains(v) || !def || !sinkable(def))
      return;
    for (Value operand : def->getOperands())
      materialize(operand);
    b.clone(*def, map);
  };
  for (Value v : above) {
    materialize(v);
    if (map.contains(v))
      replaceAllUsesInRegionWith(v, map.lookup(v), region);
  }
}

/// scf.parallel (no reductions) -> one thread per iteration.
void parallelToLaunch(scf::ParallelOp par) {
  OpBuilder b(par);
  Location loc = par.getLoc();
  SmallVector<Value> counts;
  Value total = arith::ConstantIndexOp::create(b, loc, 1);
  for (auto [lb, ub, step] : llvm::zip(par.getLowerBound(), par.getUpperBound(), par.getStep())) {
    Value diff = arith::SubIOp::create(b, loc, ub, lb);
    counts.push_back(arith::CeilDivSIOp::create(b, loc, diff, step));
    total = arith::MulIOp::create(b, loc, total, counts.back());
  }
  Value block = arith::ConstantIndexOp::create(b, loc, kBlockSize);
  Value grid = arith::CeilDivSIOp::create(b, loc, total, block);
  grid = arith::MaxSIOp::create(b, loc, grid, arith::ConstantIndexOp::create(b, loc, 1));
  gpu::LaunchOp launch = createLaunch(b, loc, grid, block);

  OpBuilder in = OpBuilder::atBlockBegin(&launch.getBody().front());
  Value base = arith::MulIOp::create(in, loc, launch.getBlockIds().x, block);
  Value gid = arith::AddIOp::create(in, loc, base, launch.getThreadIds().x);
  Value inRange = arith::CmpIOp::create(in, loc, arith::CmpIPredicate::ult, gid, total);
  auto guard = scf::IfOp::create(in, loc, inRange, /*withElseRegion=*/false);
  OpBuilder then = guard.getThenBodyBuilder();
  IRMapping map;
  Value rest = gid;
  for (int64_t d = int64_t(counts.size()) - 1; d >= 0; --d) {
    Value idx = d == 0 ? rest : arith::RemUIOp::create(then, loc, rest, counts[d]).getResult();
    if (d > 0)
      rest = arith::DivUIOp::create(then, loc, rest, counts[d]);
    Value scaled = arith::MulIOp::create(then, loc, idx, par.getStep()[d]);
    map.map(par.getInductionVars()[d],
            arith::AddIOp::create(then, loc, par.getLowerBound()[d], scaled).getResult());
  }
  for (Operation &op : par.getBody()->without_terminator())
    then.clone(op, map);
  par.erase();
}

/// Moves a run of consecutive top-level ops into one single-thread launch.
LogicalResult serialToLaunch(ArrayRef<Operation *> ops) {
  llvm::SmallPtrSet<Operation *, 8> inGroup(ops.begin(), ops.end());
  for (Operation *op : ops)
    for (Operation *user : op->getUsers())
      if (!inGroup.contains(op->getBlock()->findAncestorOpInBlock(*user)))
        return op->emitError("value computed on the GPU is used on the host");
  OpBuilder b(ops.front());
  Value one = arith::ConstantIndexOp::create(b, ops.front()->getLoc(), 1);
  gpu::LaunchOp launch = createLaunch(b, ops.front()->getLoc(), one, one);
  Operation *terminator = launch.getBody().front().getTerminator();
  for (Operation *op : ops)
    op->moveBefore(terminator);
  return success();
}

struct ConvertKernelsToGpuPass
    : public PassWrapper<ConvertKernelsToGpuPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(ConvertKernelsToGpuPass)

  StringRef getArgument() const override { return "dlc-convert-kernels-to-gpu"; }
  StringRef getDescription() const override {
    return "Move every memory access of the loop-form kernels into gpu.launch regions";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<arith::ArithDialect, gpu::GPUDialect, memref::MemRefDialect,
                    scf::SCFDialect>();
  }

  void runOnOperation() override {
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      if (fn.isExternal())
        continue;
      if (!fn.getBody().hasOneBlock()) {
        fn.emitError("CUDA lowering expects single-block kernels");
        return signalPassFailure();
      }
      if (failed(convert(fn)))
        return signalPassFailure();
    }
  }

  LogicalResult convert(func::FuncOp fn) {
    Block &body = fn.getBody().front();
    for (auto copy : llvm::to_vector(body.getOps<memref::CopyOp>()))
      copyToParallel(copy);
    SmallVector<Operation *> run;
    auto flush = [&]() -> LogicalResult {
      LogicalResult result = run.empty() ? success() : serialToLaunch(run);
      run.clear();
      return result;
    };
    for (Operation &op : llvm::make_early_inc_range(body)) {
      if (!staysOnHost(&op)) {
        run.push_back(&op);
        continue;
      }
      if (failed(flush()))
        return failure();
      auto par = dyn_cast<scf::ParallelOp>(op);
      if (par && par.getNumReductions() == 0)
        parallelToLaunch(par);
      else if (par && failed(serialToLaunch({par})))
        return failure();
    }
    fn.walk([](gpu::LaunchOp launch) { sinkIntoLaunch(launch); });
    return success();
  }
};
} // namespace

std::unique_ptr<Pass> dlc::createConvertKernelsToGpuPass() {
  return std::make_unique<ConvertKernelsToGpuPass>();
}

void dlc::registerCudaPasses() { PassRegistration<ConvertKernelsToGpuPass>(); }
