//===- Calibrate.cpp - `dlc --quantize=int8 --calibrate=DIR` --------------===//
#include "compiler/driver/Calibrate.h"
#include "compiler/Passes.h"
#include "compiler/driver/CalibrationRunner.h"
#include "compiler/driver/Compile.h"
#include "compiler/driver/ScratchDir.h"
#include "compiler/transforms/QuantizationSites.h"
#include "ir/Ops.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/raw_ostream.h"

#include <unistd.h>

using namespace mlir;

namespace {

/// Makes every site's input and output observable in `graph` (a clone):
/// an input of the model by its name, anything else as an extra result
/// "dlc.calibrate.N". Returns the name of each site's input and output.
SmallVector<std::pair<std::string, std::string>>
instrument(func::FuncOp graph, ArrayRef<dlc::QuantizationSite> sites) {
  llvm::MapVector<Value, std::string> names;
  Operation *ret = graph.getBody().front().getTerminator();
  Builder b(graph.getContext());
  auto nameOf = [&](Value v) -> std::string {
    if (auto it = names.find(v); it != names.end())
      return it->second;
    std::string name;
    if (auto arg = llvm::dyn_cast<BlockArgument>(v)) {
      auto attr = graph.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "dlc.name");
      name = attr ? attr.str() : "";
    }
    if (name.empty()) {
      name = "dlc.calibrate." + std::to_string(graph.getNumResults());
      auto attrs = b.getDictionaryAttr(b.getNamedAttr("dlc.name", b.getStringAttr(name)));
      (void)graph.insertResult(graph.getNumResults(), v.getType(), attrs);
      ret->insertOperands(ret->getNumOperands(), v);
    }
    names[v] = name;
    return name;
  };
  SmallVector<std::pair<std::string, std::string>> observed;
  for (const dlc::QuantizationSite &site : sites)
    observed.push_back({nameOf(site.input), nameOf(site.output)});
  return observed;
}

} // namespace

LogicalResult dlc::calibrateAndQuantize(ModuleOp module, const CompileOptions &options,
                                        LibraryBuilder buildLibrary, size_t &quantized) {
  quantized = 0;
  func::FuncOp graph = findGraph(module);
  SmallVector<QuantizationSite> sites = collectQuantizationSites(graph);
  if (sites.empty()) {
    // Nothing to quantize: the f32 model is the result, which the user
    // should know (no samples are read either).
    llvm::errs() << options.inputPath << ": warning: --quantize=int8: no conv, matmul or gemm "
                 << "with constant weights to quantize; the model stays f32\n";
    return success();
  }

  OwningOpRef<ModuleOp> clone = module.clone();
  func::FuncOp cloneGraph = findGraph(*clone);
  SmallVector<QuantizationSite> cloneSites = collectQuantizationSites(cloneGraph);
  if (cloneSites.size() != sites.size()) {
    llvm::errs() << options.inputPath << ": error: internal: the module clone has different "
                 << "quantization sites\n";
    return failure();
  }
  auto observed = instrument(cloneGraph, cloneSites);

  ScratchDir folder("dlc-calibrate");
  if (folder.ec) {
    llvm::errs() << "error: cannot create a temporary folder: " << folder.ec.message() << "\n";
    return failure();
  }
  CompileOptions libOptions = options;
  libOptions.emit = EmitKind::Lib;
  libOptions.outputPath = folder.file("calibrate.so");
  libOptions.stats = false;
  libOptions.devices.clear();
  libOptions.placements.clear();
  libOptions.pipeline = false;
  if (buildLibrary(*clone, libOptions) != 0)
    return failure();

  CalibrationRun run;
  run.library = libOptions.outputPath;
  run.samplesDir = options.calibrationDir;
  run.method = options.calibrationMethod;
  run.percentile = options.percentile;
  run.progress = isatty(2);
  for (auto &[in, out] : observed) {
    run.observe.push_back(in);
    run.observe.push_back(out);
  }
  std::vector<std::pair<float, float>> ranges;
  size_t samples = 0;
  std::string error;
  if (!runCalibration(run, ranges, samples, error)) {
    llvm::errs() << options.inputPath << ": error: " << error << "\n";
    return failure();
  }

  for (size_t i = 0; i < sites.size(); ++i) {
    auto [inLo, inHi] = ranges[2 * i];
    auto [outLo, outHi] = ranges[2 * i + 1];
    sites[i].op->setAttr(kQuantRangesAttr, DenseF32ArrayAttr::get(module.getContext(),
                                                                  {inLo, inHi, outLo, outHi}));
  }
  PassManager pm(module.getContext());
  if (failed(parsePassPipeline("func.func(dlc-quantize),dlc-fold-qdq,canonicalize,cse", pm,
                               llvm::errs())) ||
      failed(pm.run(module)))
    return failure();
  // The integer contractions dlc-fold-qdq made (they accumulate in i32).
  graph.walk([&](Operation *op) {
    if (llvm::isa<dlc::ConvOp, dlc::MatMulOp>(op) &&
        llvm::cast<ShapedType>(op->getResult(0).getType()).getElementType().isInteger(32))
      ++quantized;
  });
  return success();
}
