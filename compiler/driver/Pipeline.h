//===- Pipeline.h - the dlc compilation pipeline --------------------------===//
#ifndef DLC_COMPILER_DRIVER_PIPELINE_H
#define DLC_COMPILER_DRIVER_PIPELINE_H

#include "compiler/driver/RangeObserver.h"
#include "mlir/Pass/PassManager.h"

#include <map>
#include <string>
#include <vector>

namespace dlc {

/// What `dlc` writes (--emit=).
enum class EmitKind { Exe, Lib, Obj, Mlir, Linalg, Llvm, Dot, Ptx, Plan };

struct CompileOptions {
  std::string inputPath;
  std::string outputPath;
  std::string target = "cpu";
  EmitKind emit = EmitKind::Exe;
  unsigned optLevel = 2;
  bool stats = false;
  /// --shape NAME=d0,d1: fixes dynamic input dims.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// --mcpu: the x86-64 CPU the object is tuned for ("native" = this host).
  std::string cpu = "native";
  /// --cuda-arch: the SM the CUDA target compiles for.
  std::string cudaArch = "sm_90";
  /// How GPU kernels are embedded: "bin" (cubin, needs ptxas when compiling)
  /// or "isa" (PTX, JIT-compiled by the driver); "" = bin if ptxas is found.
  std::string cudaFormat = "bin";
  /// --devices: placement (dlc-place) over these devices ("cpu", "cuda:0");
  /// empty = no placement, every kernel on `target`.
  std::vector<std::string> devices;
  /// --place NODE=DEVICE overrides.
  std::vector<std::string> placements;
  /// --pipeline: consecutive stages of equal work, one per device.
  bool pipeline = false;
  /// --train: append loss, backward graph and optimizer update (docs/training.md).
  bool train = false;
  /// --emit-gradients (with --train): return loss, prediction and gradients
  /// instead of updating weights; an ordinary executable, for checking.
  bool emitGradients = false;
  std::string loss = "softmax_cross_entropy";
  std::string optimizer = "sgd";
  double lr = 0.01, momentum = 0.0, beta1 = 0.9, beta2 = 0.999, weightDecay = 0.0;
  /// --precision: "f16" or "bf16" computes conv/matmul/gemm in that type with
  /// f32 accumulation (dlc-reduce-precision); empty = f32.
  std::string precision;
  /// --calibrate=DIR (with --quantize=int8): calibrate on these input samples
  /// and compile the conv/matmul/gemm sites as int8 kernels (Calibrate.h);
  /// empty = no quantization.
  std::string calibrationDir;
  CalibrationMethod calibrationMethod = CalibrationMethod::MinMax;
  double percentile = 99.99; // --calibrate-method=percentile
  /// Call oneDNN for conv/matmul/gemm kernels (CPU, -O1+, when dlc was built
  /// with oneDNN; `--no-dnnl` turns it off).
#ifdef DLC_HAVE_DNNL
  bool dnnl = true;
#else
  bool dnnl = false;
#endif
  /// oneDNN convs that qualify may use Winograd (`--no-winograd` turns it
  /// off: direct convolution only, closer to other runtimes' rounding).
  bool winograd = true;
  /// Optimized CPU builds split large generated loop nests over the run's
  /// threads (`--no-parallel-kernels`: every generated kernel is serial, the
  /// threads then only run independent nodes at once).
  bool parallelKernels = true;
};

/// The named stages of DESIGN.md's pipeline, in order. `buildPipeline` adds
/// the passes of [first, last] to `pm`; the driver runs the graph stages,
/// builds the plan from the graph function, then runs the kernel stages.
enum class Stage {
  Train,         // dlc-expand-gradients; with --train dlc-autodiff (+ dlc-make-train-step)
  Simplify,      // canonicalize (layer elimination via folders), CSE
  Place,         // dlc-place over --devices (only when devices are given)
  Fuse,          // vertical fusion into dlc.kernel groups
  Outline,       // one kernel function per dlc op
  LowerToLinalg, // dlc -> linalg on tensors (+ elementwise fusion at -O1+)
  Bufferize,     // one-shot bufferization, results -> out-params, deallocation
  LowerToLLVM,   // loops -> LLVM dialect with bare-pointer kernels + plan ABI entries
                 // (target cuda: + gpu.launch -> NVVM -> embedded gpu.binary)
};

mlir::LogicalResult buildPipeline(mlir::OpPassManager &pm, const CompileOptions &options,
                                  Stage first, Stage last);

/// Registers the named stages as pass pipelines for dlc-opt
/// (`--dlc-lower-kernels` = LowerToLinalg..LowerToLLVM), and the passes of
/// the targets that the stages name.
void registerPipelines();

} // namespace dlc

#endif // DLC_COMPILER_DRIVER_PIPELINE_H
