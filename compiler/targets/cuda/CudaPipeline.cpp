//===- CudaPipeline.cpp - bufferized kernels -> host code + GPU binary ----===//
#include "compiler/targets/cuda/CudaTarget.h"

/// Loops -> gpu.launch (dlc-convert-kernels-to-gpu) -> outlined gpu.func ->
/// NVVM -> gpu.binary embedded in the host module. The host side keeps the
/// CPU ABI (bare-pointer kernel functions + dlc-pack-kernel-args); its
/// gpu.launch_func/gpu.alloc become calls of the `mgpu*` wrappers that
/// libdlcrt implements on the CUDA driver API (runtime/src/cuda), and its
/// memref.alloc/dealloc become `_mlir_memref_to_llvm_*` calls that libdlcrt
/// serves from device memory. Kernels take bare pointers, like the host ABI
/// (dlc-convert-kernels-to-gpu sinks views into the launches for that).
std::string dlc::cudaLoweringPipeline(const std::string &arch, const std::string &format) {
  return "func.func(convert-linalg-to-parallel-loops),dlc-convert-kernels-to-gpu,"
         "gpu-kernel-outlining,nvvm-attach-target{chip=" +
         arch +
         " O=3},convert-scf-to-cf,expand-strided-metadata,lower-affine,"
         "gpu.module(convert-gpu-to-nvvm{use-bare-ptr-memref-call-conv=1},"
         "reconcile-unrealized-casts),finalize-memref-to-llvm{use-generic-functions=1},"
         "convert-arith-to-llvm,convert-index-to-llvm,"
         "gpu-to-llvm{use-bare-pointers-for-host=1 use-bare-pointers-for-kernels=1},"
         "convert-func-to-llvm{use-bare-ptr-memref-call-conv=1},convert-cf-to-llvm,"
         "reconcile-unrealized-casts,gpu-module-to-binary{format=" +
         format + "},dlc-pack-kernel-args";
}
