//===- CudaArtefacts.h - what the driver does differently for CUDA --------===//
#ifndef DLC_COMPILER_TARGETS_CUDA_CUDAARTEFACTS_H
#define DLC_COMPILER_TARGETS_CUDA_CUDAARTEFACTS_H

#include "dlc/plan_writer.hpp"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"

#include <string>

namespace dlc {

/// The LLVM IR translations of host code with gpu.binary/launch_func and of
/// NVVM device code (gpu-module-to-binary and the final emission need them).
void registerCudaTranslations(mlir::DialectRegistry &registry);

/// "bin" (cubin) when ptxas can be found (CUDA toolkit or PATH), else "isa"
/// (PTX, which the driver JIT-compiles at load time).
std::string defaultCudaFormat();

/// Every node and tensor of the plan runs / lives on the CUDA device: kernels
/// become GPU_KERNEL nodes whose kernel-table entry is the host launcher.
void placePlanOnCuda(GraphPlan &plan);

/// The PTX of every gpu.binary (format isa) of `module`, each preceded by a
/// line `// dlc-gpu-module: NAME`, for --emit=ptx.
std::string collectPtx(mlir::ModuleOp module);

} // namespace dlc

#endif // DLC_COMPILER_TARGETS_CUDA_CUDAARTEFACTS_H
