//===- Emit.h - LLVM IR and object emission -------------------------------===//
#ifndef DLC_COMPILER_DRIVER_EMIT_H
#define DLC_COMPILER_DRIVER_EMIT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/Module.h"

#include <memory>
#include <string>
#include <vector>

namespace dlc {

/// Translates the lowered kernels (LLVM dialect) to LLVM IR and adds the
/// model image: the plan blob (.rodata), the kernel table and the exported
/// `dlc_model_image_v1` (runtime/include/dlc/plan.h). `moreKernels` are
/// further lowered modules linked in first (mixed CPU+CUDA plans lower the
/// kernels of each device in a module of their own). With `trainModel`
/// (the ONNX file bytes, for `dlc --train`) also `dlc_train_onnx` and
/// `dlc_train_onnx_size`: the trainer's initial weights and --save template.
std::unique_ptr<llvm::Module>
buildModelModule(mlir::ModuleOp kernels, llvm::LLVMContext &llvmContext,
                 const std::vector<uint8_t> &planBlob,
                 const std::vector<std::string> &kernelSymbols, std::string &error,
                 llvm::ArrayRef<mlir::ModuleOp> moreKernels = {},
                 const std::string *trainModel = nullptr);

/// Optimizes `module` at `optLevel` for `cpu` ("native" = this host) and
/// returns the x86-64 ELF object; the module's IR is left optimized so
/// --emit=llvm shows what was compiled.
bool emitObject(llvm::Module &module, unsigned optLevel, const std::string &cpu,
                std::string &object, std::string &error);

} // namespace dlc

#endif // DLC_COMPILER_DRIVER_EMIT_H
