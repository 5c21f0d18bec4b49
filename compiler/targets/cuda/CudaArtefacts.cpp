//===- CudaArtefacts.cpp - plan placement, PTX output, translations -------===//
#include "compiler/targets/cuda/CudaArtefacts.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/Support/Program.h"

using namespace mlir;

/// The plan's device index of the CUDA device (runtime PlanView::kCudaDevice).
static constexpr uint32_t kCudaDevice = 1;

void dlc::registerCudaTranslations(DialectRegistry &registry) {
  registerAllToLLVMIRTranslations(registry);
}

std::string dlc::defaultCudaFormat() {
  bool found = static_cast<bool>(llvm::sys::findProgramByName("ptxas")) ||
               static_cast<bool>(llvm::sys::findProgramByName("ptxas", {"/usr/local/cuda/bin"}));
  return found ? "bin" : "isa";
}

void dlc::placePlanOnCuda(GraphPlan &plan) {
  for (PlanTensor &tensor : plan.tensors)
    tensor.device = kCudaDevice;
  for (PlanNode &node : plan.nodes) {
    if (node.kind == DLC_NODE_CPU_FN)
      node.kind = DLC_NODE_GPU_KERNEL;
    node.device = kCudaDevice;
  }
}

std::string dlc::collectPtx(ModuleOp module) {
  std::string text;
  module.walk([&](gpu::BinaryOp binary) {
    for (Attribute attr : binary.getObjects()) {
      auto object = cast<gpu::ObjectAttr>(attr);
      text += "// dlc-gpu-module: " + binary.getName().str() + "\n";
      text += object.getObject().getValue().rtrim(StringRef("\0", 1)).str();
      if (!text.empty() && text.back() != '\n')
        text += "\n";
    }
  });
  return text;
}
