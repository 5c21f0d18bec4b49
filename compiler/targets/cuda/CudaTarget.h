//===- CudaTarget.h - the CUDA target: passes and lowering pipeline -------===//
#ifndef DLC_COMPILER_TARGETS_CUDA_CUDATARGET_H
#define DLC_COMPILER_TARGETS_CUDA_CUDATARGET_H

#include "mlir/Pass/Pass.h"

#include <memory>
#include <string>

namespace dlc {

/// `dlc-convert-kernels-to-gpu`: makes every memory access of the (loop
/// form) kernel functions happen on the GPU. See ConvertKernelsToGpu.cpp.
std::unique_ptr<mlir::Pass> createConvertKernelsToGpuPass();

/// Registers the CUDA target's passes with the global registry (dlc-opt).
void registerCudaPasses();

/// The textual pipeline that lowers bufferized kernels to LLVM host code
/// that launches embedded `gpu.binary` kernels (the CUDA LowerToLLVM stage).
/// `arch` is the SM name (sm_90); `format` is gpu-module-to-binary's
/// (bin = cubin via ptxas, isa = PTX text, JIT-compiled by the driver).
std::string cudaLoweringPipeline(const std::string &arch, const std::string &format);

} // namespace dlc

#endif // DLC_COMPILER_TARGETS_CUDA_CUDATARGET_H
