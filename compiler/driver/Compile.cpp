//===- Compile.cpp - ONNX model -> artefact -------------------------------===//
#include "compiler/driver/Compile.h"
#include "compiler/Passes.h"
#include "compiler/driver/Calibrate.h"
#include "compiler/driver/Dot.h"
#include "compiler/driver/Emit.h"
#include "compiler/driver/Link.h"
#include "compiler/driver/Output.h"
#include "compiler/driver/PlanExtraction.h"
#include "compiler/targets/cuda/CudaArtefacts.h"
#include "frontend/onnx/Importer.h"
#include "ir/Dialect.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <set>

using namespace mlir;

func::FuncOp dlc::findGraph(ModuleOp module) {
  for (auto f : module.getOps<func::FuncOp>())
    if (f->hasAttr(dlc::kGraphAttr))
      return f;
  return nullptr;
}

void dlc::registerCompilerDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<dlc::DlcDialect>();
}

namespace {
/// Prints compiler diagnostics in the CLI contract's form, using the ONNX
/// node name the importer stored in each op's location.
class ModelDiagnostics {
public:
  ModelDiagnostics(MLIRContext &ctx, std::string path)
      : path(std::move(path)), handler(&ctx, [this](Diagnostic &diag) {
          report(diag);
          return success();
        }) {}

private:
  void report(Diagnostic &diag) {
    if (diag.getSeverity() != DiagnosticSeverity::Error)
      return;
    std::string node = dlc::onnxNodeName(diag.getLocation());
    llvm::errs() << path << ":" << (node.empty() ? "" : "node '" + node + "': ")
                 << diag.str() << "\n";
    for (const Diagnostic &note : diag.getNotes())
      llvm::errs() << "  note: " << note.str() << "\n";
  }

  std::string path;
  ScopedDiagnosticHandler handler;
};

/// Kernels writing their result over one of their operands: an arena output
/// at an arena input's offset (lifetimes of a node's inputs and outputs
/// overlap, so only in-place planning gives them the same offset).
size_t countInPlaceKernels(const dlc::GraphPlan &plan) {
  size_t count = 0;
  for (const dlc::PlanNode &node : plan.nodes) {
    auto inArena = [&](uint32_t id) { return plan.tensors[id].storage == DLC_STORAGE_ARENA; };
    bool inPlace = llvm::any_of(node.outputs, [&](uint32_t out) {
      return inArena(out) && llvm::any_of(node.inputs, [&](uint32_t in) {
               return inArena(in) && plan.tensors[in].offset == plan.tensors[out].offset;
             });
    });
    count += inPlace;
  }
  return count;
}

struct Stats {
  size_t onnxNodes = 0;
  size_t int8Kernels = 0; // --quantize=int8
  std::map<std::string, size_t> kernelsByOp;
};

std::string printOp(Operation *op) {
  std::string text;
  llvm::raw_string_ostream os(text);
  op->print(os);
  return text;
}

/// Keeps the kernels placed on a CUDA device in `cudaKernels` and the others
/// in `hostKernels` (two clones of one module).
void splitKernelsByDevice(ModuleOp hostKernels, ModuleOp cudaKernels) {
  auto onCuda = [](func::FuncOp f) {
    auto device = f->getAttrOfType<StringAttr>(dlc::kDeviceAttr);
    return device && device.getValue().starts_with("cuda");
  };
  for (auto f : llvm::to_vector(hostKernels.getOps<func::FuncOp>()))
    if (onCuda(f))
      f.erase();
  for (auto f : llvm::to_vector(cudaKernels.getOps<func::FuncOp>()))
    if (f->hasAttr(dlc::kKernelAttr) && !onCuda(f))
      f.erase();
}

/// Runs the stages [first, last] of the pipeline for `options` on `module`.
LogicalResult runStagesOn(MLIRContext &ctx, ModuleOp module, const dlc::CompileOptions &options,
                          dlc::Stage first, dlc::Stage last) {
  PassManager pm(&ctx);
  if (failed(dlc::buildPipeline(pm, options, first, last)))
    return failure();
  return pm.run(module);
}

/// Prints `message` as an error about the model; returns exit code 1.
int reportFailure(const dlc::CompileOptions &options, const std::string &message) {
  llvm::errs() << options.inputPath << ": error: " << message << "\n";
  return 1;
}

} // namespace

namespace dlc {
/// The pipeline after the graph stages: fusion, plan, lowering, emission.
static int compileGraphModule(MLIRContext &ctx, ModuleOp module, const CompileOptions &options,
                       Stats &stats) {
  std::string error;
  auto fail = [&](const std::string &message) { return reportFailure(options, message); };
  auto runStages = [&](Stage first, Stage last) {
    return runStagesOn(ctx, module, options, first, last);
  };
  bool cuda = options.target == "cuda";
  bool mixed = llvm::any_of(options.devices,
                            [](const std::string &d) { return StringRef(d).starts_with("cuda"); });

  if (failed(runStages(Stage::Fuse, Stage::Outline)))
    return 1;
  func::FuncOp graph = findGraph(module);
  // dlc-dispatch-dnnl declared library kernels: link libdlc_dnnl and oneDNN.
  // (Their kernels hold a call, not elementwise ops: never planned in place.)
  bool usesDnnl = llvm::any_of(module.getOps<func::FuncOp>(), [](func::FuncOp f) {
    return f.isExternal() && f.getSymName().starts_with("dlc_dnnl_");
  });
  FailureOr<GraphPlan> plan = extractPlan(graph, /*inPlace=*/options.optLevel > 0);
  if (failed(plan))
    return 1;
  for (const PlanNode &node : plan->nodes)
    ++stats.kernelsByOp[node.op];
  if (cuda)
    placePlanOnCuda(*plan);
  if (options.emit == EmitKind::Plan) {
    std::vector<uint8_t> blob = serializePlan(*plan);
    StringRef bytes(reinterpret_cast<const char *>(blob.data()), blob.size());
    return writeFileAtomically(options.outputPath, bytes, error) ? 0 : fail(error);
  }
  graph.erase();

  // Mixed plans: the CUDA kernels move to a module lowered for CUDA.
  OwningOpRef<ModuleOp> cudaKernels;
  CompileOptions cudaOptions = options;
  cudaOptions.target = "cuda";
  if (mixed) {
    cudaKernels = module.clone();
    splitKernelsByDevice(module, *cudaKernels);
  }
  auto lowerStages = [&](Stage first, Stage last) {
    if (failed(runStages(first, last)))
      return failure();
    return cudaKernels ? runStagesOn(ctx, *cudaKernels, cudaOptions, first, last) : success();
  };
  auto printLowered = [&] {
    return printOp(module) + (cudaKernels ? "\n" + printOp(*cudaKernels) : "");
  };

  if (failed(lowerStages(Stage::LowerToLinalg, Stage::LowerToLinalg)))
    return 1;
  if (options.emit == EmitKind::Linalg)
    return writeFileAtomically(options.outputPath, printLowered(), error) ? 0 : fail(error);
  if (failed(lowerStages(Stage::Bufferize, Stage::LowerToLLVM)))
    return 1;
  if (options.emit == EmitKind::Ptx)
    return writeFileAtomically(options.outputPath,
                               collectPtx(cudaKernels ? *cudaKernels : module), error)
               ? 0
               : fail(error);

  std::vector<uint8_t> blob = serializePlan(*plan);
  llvm::LLVMContext llvmContext;
  SmallVector<ModuleOp> moreKernels;
  if (cudaKernels)
    moreKernels.push_back(*cudaKernels);
  // A trainer carries the ONNX model: initial weights and the --save template.
  bool trainer = options.train && !options.emitGradients;
  std::string onnxBytes;
  if (trainer) {
    auto file = llvm::MemoryBuffer::getFile(options.inputPath);
    if (!file)
      return fail("cannot read the model again: " + file.getError().message());
    onnxBytes = (*file)->getBuffer().str();
  }
  auto llvmModule = buildModelModule(module, llvmContext, blob, plan->kernelSymbols, error,
                                     moreKernels, trainer ? &onnxBytes : nullptr);
  if (!llvmModule)
    return fail(error);
  std::string object;
  if (!emitObject(*llvmModule, options.optLevel, options.cpu, object, error))
    return fail(error);

  if (options.stats) {
    size_t kernels = 0;
    for (auto &[op, count] : stats.kernelsByOp)
      kernels += count;
    llvm::raw_ostream &out = options.outputPath == "-" ? llvm::errs() : llvm::outs();
    out << "dlc stats: onnx nodes in: " << stats.onnxNodes
                 << ", kernels out: " << kernels << " (";
    bool first = true;
    for (auto &[op, count] : stats.kernelsByOp) {
      out << (first ? "" : ", ") << op << " " << count;
      first = false;
    }
    out << "), arena bytes: " << plan->arenaBytes << ", weight bytes: " << plan->weights.size()
        << ", in-place kernels: " << countInPlaceKernels(*plan);
    if (!options.calibrationDir.empty())
      out << ", int8 kernels: " << stats.int8Kernels;
    if (!options.devices.empty()) {
      // Plan device index 0 = cpu, 1 + N = cuda:N (compiler/targets/Devices.h).
      std::map<uint32_t, size_t> nodes, copies;
      for (const PlanNode &node : plan->nodes)
        ++(node.kind == DLC_NODE_COPY ? copies : nodes)[node.device];
      out << ", nodes per device:";
      std::set<uint32_t> devices;
      for (auto &[device, count] : nodes)
        devices.insert(device);
      for (auto &[device, count] : copies)
        devices.insert(device);
      for (uint32_t device : devices)
        out << " " << (device ? "cuda:" + std::to_string(device - 1) : std::string("cpu")) << " "
            << nodes[device] << " (+" << copies[device] << " copies)";
    }
    out << "\n";
  }

  bool ok = false;
  switch (options.emit) {
  case EmitKind::Llvm: {
    std::string text;
    llvm::raw_string_ostream os(text);
    llvmModule->print(os, nullptr);
    ok = writeFileAtomically(options.outputPath, text, error);
    break;
  }
  case EmitKind::Obj:
    ok = writeFileAtomically(options.outputPath, object, error);
    break;
  case EmitKind::Exe:
    ok = linkExecutable(object, usesDnnl, options.outputPath, error, trainer);
    break;
  case EmitKind::Lib:
    ok = linkSharedLibrary(object, usesDnnl, *plan, options.outputPath, error);
    break;
  default:
    llvm_unreachable("handled above");
  }
  return ok ? 0 : fail(error);
}
} // namespace dlc

int dlc::compileModel(const CompileOptions &compileOptions) {
  bool cuda = compileOptions.target == "cuda";
  if (!cuda && compileOptions.target != "cpu") {
    llvm::errs() << "error: target '" << compileOptions.target
                 << "' is not available in this build (supported: cpu, cuda)\n";
    return 1;
  }
  CompileOptions options = compileOptions;
  // --devices with a CUDA device: CPU kernels lowered for the host, CUDA
  // kernels by the CUDA pipeline in a module of their own, linked together.
  bool mixed = llvm::any_of(options.devices,
                            [](const std::string &d) { return StringRef(d).starts_with("cuda"); });
  if (cuda || mixed)
    options.cudaFormat = options.emit == EmitKind::Ptx ? "isa"
                         : options.cudaFormat.empty() ? defaultCudaFormat()
                                                      : options.cudaFormat;
  DialectRegistry registry;
  registerCompilerDialects(registry);
  if (cuda || mixed)
    registerCudaTranslations(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();

  ImportOptions importOptions;
  importOptions.inputShapes = options.inputShapes;
  OwningOpRef<ModuleOp> module =
      importOnnxModel(ctx, options.inputPath, importOptions, llvm::errs());
  if (!module)
    return 1;

  ModelDiagnostics diagnostics(ctx, options.inputPath);
  std::string error;
  auto fail = [&](const std::string &message) { return reportFailure(options, message); };
  auto runStages = [&](Stage first, Stage last) {
    return runStagesOn(ctx, *module, options, first, last);
  };

  Stats stats;
  func::FuncOp graph = findGraph(*module);
  if (!graph)
    return fail("the importer produced no graph function");
  graph.walk([&](Operation *op) {
    if (llvm::isa<dlc::DlcDialect>(op->getDialect()))
      ++stats.onnxNodes;
  });
  if (auto count = (*module)->getAttrOfType<IntegerAttr>("dlc.onnx_nodes"))
    stats.onnxNodes = count.getInt();

  if (failed(runStages(Stage::Train, Stage::Simplify)))
    return 1;
  if (!options.calibrationDir.empty()) {
    auto buildLibrary = [&](ModuleOp graphModule, const CompileOptions &libOptions) {
      Stats unused;
      return compileGraphModule(ctx, graphModule, libOptions, unused);
    };
    if (failed(calibrateAndQuantize(*module, options, buildLibrary, stats.int8Kernels)))
      return 1;
  }
  if (failed(runStages(Stage::Place, Stage::Place)))
    return 1;
  if (options.emit == EmitKind::Mlir)
    return writeFileAtomically(options.outputPath, printOp(*module), error) ? 0 : fail(error);
  if (options.emit == EmitKind::Dot)
    return writeFileAtomically(options.outputPath, graphToDot(findGraph(*module)), error)
               ? 0
               : fail(error);

  return compileGraphModule(ctx, *module, options, stats);
}
