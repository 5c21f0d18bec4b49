//===- Pipeline.cpp - the one place that orders dlc's passes --------------===//
#include "compiler/driver/Pipeline.h"
#include "compiler/Passes.h"
#include "compiler/targets/cuda/CudaTarget.h"

#include "mlir/Pass/PassRegistry.h"

#include <cstdio>

using namespace mlir;

/// A double that survives the round trip through pass-option text.
static std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

/// Each stage is a textual pass pipeline: it reads like DESIGN.md and the
/// same strings can be replayed with dlc-opt when debugging.
static std::string stagePipeline(dlc::Stage stage, const dlc::CompileOptions &options) {
  bool optimize = options.optLevel > 0;
  bool dnnl = optimize && options.dnnl && options.target == "cpu"; // dlc-dispatch-dnnl runs
  switch (stage) {
  case dlc::Stage::Train: {
    // Gradient nodes of the model itself (graph API gradients()) first.
    std::string text = "func.func(dlc-expand-gradients)";
    if (!options.train)
      return text;
    text += ",dlc-autodiff{loss=" + options.loss + "}";
    if (!options.emitGradients)
      text += ",dlc-make-train-step{optimizer=" + options.optimizer +
              " lr=" + number(options.lr) + " momentum=" + number(options.momentum) +
              " beta1=" + number(options.beta1) + " beta2=" + number(options.beta2) +
              " weight-decay=" + number(options.weightDecay) + "}";
    return text;
  }
  case dlc::Stage::Simplify: {
    // Sibling convs merge under oneDNN too (when each would absorb the same
    // epilogue): the merged conv's split output is NCHW, but measured on
    // Inception-v3 that costs nothing visible, and it saves kernels and
    // arena (docs/design-notes.md).
    std::string text = optimize ? "dlc-fold-empty-tensors,canonicalize,dlc-recognize-gelu,"
                                  "dlc-fold-batch-norm,dlc-fold-qdq,dlc-merge-siblings,"
                                  "canonicalize,cse"
                                : "dlc-fold-empty-tensors";
    if (!options.precision.empty()) // --precision=fp16|bf16, at every -O level
      text += ",dlc-reduce-precision{type=" + options.precision + "}";
    return text;
  }
  case dlc::Stage::Place:
    return ""; // built from the options, not text (node names may hold any character)
  case dlc::Stage::Fuse:
    // Matmul operand/result transposes go into the matmul's kernel only
    // where the library call reads them as strided views.
    if (!optimize)
      return "";
    return dnnl ? "dlc-fuse-kernels{matmul-layouts=true}" : "dlc-fuse-kernels";
  case dlc::Stage::Outline:
    // Library dispatch needs the graph (which weights are constants).
    if (!dnnl)
      return "dlc-outline-kernels";
    return options.winograd ? "dlc-outline-kernels,dlc-dispatch-dnnl"
                            : "dlc-outline-kernels,dlc-dispatch-dnnl{winograd=false}";
  case dlc::Stage::LowerToLinalg:
    return optimize ? "convert-dlc-to-linalg,func.func(linalg-fuse-elementwise-ops,"
                      "canonicalize,cse)"
                    : "convert-dlc-to-linalg";
  case dlc::Stage::Bufferize:
    return "one-shot-bufferize{bufferize-function-boundaries "
           "function-boundary-type-conversion=identity-layout-map},"
           "buffer-results-to-out-params{hoist-static-allocs=true},"
           "buffer-deallocation-pipeline";
  case dlc::Stage::LowerToLLVM:
    if (options.target == "cuda")
      return dlc::cudaLoweringPipeline(options.cudaArch, options.cudaFormat);
    // Optimized builds hand large loop nests to the run's threads.
    return std::string(optimize && options.parallelKernels
                           ? "func.func(convert-linalg-to-parallel-loops),dlc-parallelize-kernels,"
                           : "func.func(convert-linalg-to-loops),") +
           "lower-affine,convert-scf-to-cf,"
           "expand-strided-metadata,finalize-memref-to-llvm,convert-math-to-llvm,"
           "convert-math-to-libm,convert-arith-to-llvm,convert-index-to-llvm,"
           "convert-func-to-llvm{use-bare-ptr-memref-call-conv=1},convert-cf-to-llvm,"
           "reconcile-unrealized-casts,dlc-pack-kernel-args";
  }
  llvm_unreachable("unknown stage");
}

LogicalResult dlc::buildPipeline(OpPassManager &pm, const CompileOptions &options,
                                 Stage first, Stage last) {
  for (int s = static_cast<int>(first); s <= static_cast<int>(last); ++s) {
    if (static_cast<Stage>(s) == Stage::Place && !options.devices.empty()) {
      PlaceOptions place;
      place.devices.assign(options.devices.begin(), options.devices.end());
      place.overrides.assign(options.placements.begin(), options.placements.end());
      place.pipeline = options.pipeline;
      pm.addPass(createPlace(place));
    }
    std::string text = stagePipeline(static_cast<Stage>(s), options);
    if (!text.empty() && failed(parsePassPipeline(text, pm, llvm::errs())))
      return failure();
  }
  return success();
}

void dlc::registerPipelines() {
  registerCudaPasses(); // named by the CUDA LowerToLLVM stage
  PassPipelineRegistration<>(
      "dlc-lower-kernels", "Lower outlined dlc kernels to the LLVM dialect (stages 9)",
      [](OpPassManager &pm) {
        CompileOptions options;
        if (failed(buildPipeline(pm, options, Stage::LowerToLinalg, Stage::LowerToLLVM)))
          llvm::report_fatal_error("invalid dlc-lower-kernels pipeline");
      });
  PassPipelineRegistration<>(
      "dlc-lower-kernels-cuda",
      "Lower outlined dlc kernels for --target=cuda (sm_90, PTX embedded: no ptxas needed)",
      [](OpPassManager &pm) {
        CompileOptions options;
        options.target = "cuda";
        options.cudaFormat = "isa";
        if (failed(buildPipeline(pm, options, Stage::LowerToLinalg, Stage::LowerToLLVM)))
          llvm::report_fatal_error("invalid dlc-lower-kernels-cuda pipeline");
      });
}
