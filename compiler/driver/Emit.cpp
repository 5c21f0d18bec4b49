//===- Emit.cpp - LLVM IR and object emission -----------------------------===//
#include "compiler/driver/Emit.h"
#include "dlc/plan.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Linker/Linker.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"

using namespace llvm;

std::unique_ptr<Module> dlc::buildModelModule(mlir::ModuleOp kernels, LLVMContext &llvmContext,
                                              const std::vector<uint8_t> &planBlob,
                                              const std::vector<std::string> &kernelSymbols,
                                              std::string &error,
                                              ArrayRef<mlir::ModuleOp> moreKernels,
                                              const std::string *trainModel) {
  mlir::registerBuiltinDialectTranslation(*kernels.getContext());
  mlir::registerLLVMDialectTranslation(*kernels.getContext());
  auto translate = [&](mlir::ModuleOp lowered) -> std::unique_ptr<Module> {
    // dlc.* markers have served their purpose; LLVM IR has no place for them.
    lowered.walk([](mlir::Operation *op) {
      for (mlir::NamedAttribute attr : llvm::to_vector(op->getDiscardableAttrs()))
        if (attr.getName().strref().starts_with("dlc."))
          op->removeDiscardableAttr(attr.getName());
    });
    std::unique_ptr<Module> result = mlir::translateModuleToLLVMIR(lowered, llvmContext, "dlc_model");
    if (!result)
      error = "cannot translate the lowered kernels to LLVM IR";
    return result;
  };
  std::unique_ptr<Module> module = translate(kernels);
  if (!module)
    return nullptr;
  for (mlir::ModuleOp more : moreKernels) {
    std::unique_ptr<Module> other = translate(more);
    if (!other)
      return nullptr;
    // Kernel names are unique across devices; private helpers are renamed.
    if (Linker::linkModules(*module, std::move(other))) {
      error = "cannot link the kernels of the devices into one module";
      return nullptr;
    }
  }

  Type *i8 = Type::getInt8Ty(llvmContext);
  Type *i32 = Type::getInt32Ty(llvmContext);
  Type *i64 = Type::getInt64Ty(llvmContext);
  PointerType *ptr = PointerType::getUnqual(llvmContext);

  StringRef blobBytes(reinterpret_cast<const char *>(planBlob.data()), planBlob.size());
  Constant *blobInit = ConstantDataArray::getRaw(blobBytes, planBlob.size(), i8);
  auto *blob = new GlobalVariable(*module, blobInit->getType(), /*isConstant=*/true,
                                  GlobalValue::PrivateLinkage, blobInit, "dlc_plan_blob");
  blob->setAlignment(Align(DLC_ARENA_ALIGNMENT));

  std::vector<Constant *> entries;
  for (const std::string &symbol : kernelSymbols) {
    Function *fn = module->getFunction(symbol);
    if (!fn) {
      error = "lowered module has no kernel entry '" + symbol + "'";
      return nullptr;
    }
    entries.push_back(fn);
  }
  auto *tableType = ArrayType::get(ptr, entries.size());
  auto *table = new GlobalVariable(*module, tableType, true, GlobalValue::PrivateLinkage,
                                   ConstantArray::get(tableType, entries), "dlc_kernel_table");

  // Mirrors struct dlc_model_image.
  auto *imageType = StructType::get(llvmContext, {i32, i32, ptr, i64, ptr});
  Constant *image = ConstantStruct::get(
      imageType, {ConstantInt::get(i32, DLC_IMAGE_ABI_VERSION),
                  ConstantInt::get(i32, entries.size()), blob,
                  ConstantInt::get(i64, planBlob.size()), table});
  new GlobalVariable(*module, imageType, true, GlobalValue::ExternalLinkage, image,
                     DLC_MODEL_IMAGE_SYMBOL);

  if (trainModel) {
    Constant *bytes = ConstantDataArray::getRaw(*trainModel, trainModel->size(), i8);
    new GlobalVariable(*module, bytes->getType(), true, GlobalValue::ExternalLinkage, bytes,
                       "dlc_train_onnx");
    new GlobalVariable(*module, i64, true, GlobalValue::ExternalLinkage,
                       ConstantInt::get(i64, trainModel->size()), "dlc_train_onnx_size");
  }

  std::string verifyErrors;
  raw_string_ostream os(verifyErrors);
  if (verifyModule(*module, &os)) {
    error = "invalid LLVM IR: " + verifyErrors;
    return nullptr;
  }
  return module;
}

bool dlc::emitObject(Module &module, unsigned optLevel, const std::string &cpu,
                     std::string &object, std::string &error) {
  InitializeNativeTarget();
  InitializeNativeTargetAsmPrinter();
  Triple triple(sys::getProcessTriple());
  const Target *target = TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return false;
  std::string cpuName = cpu == "native" ? sys::getHostCPUName().str() : cpu;
  std::string features;
  if (cpu == "native")
    for (const auto &feature : sys::getHostCPUFeatures())
      features += (features.empty() ? "" : ",") + std::string(feature.second ? "+" : "-") +
                  feature.first().str();
  TargetOptions targetOptions;
  CodeGenOptLevel level = optLevel == 0   ? CodeGenOptLevel::None
                          : optLevel == 1 ? CodeGenOptLevel::Less
                          : optLevel == 2 ? CodeGenOptLevel::Default
                                          : CodeGenOptLevel::Aggressive;
  std::unique_ptr<TargetMachine> machine(target->createTargetMachine(
      triple, cpuName, features, targetOptions, Reloc::PIC_, std::nullopt, level));
  if (!machine) {
    error = "cannot create a target machine for " + triple.str() + " cpu " + cpuName;
    return false;
  }
  module.setTargetTriple(triple);
  module.setDataLayout(machine->createDataLayout());

  // O3 also runs LLVM's loop and SLP vectorizers, tuned by the target.
  auto optimize = mlir::makeOptimizingTransformer(optLevel, /*sizeLevel=*/0, machine.get());
  if (Error err = optimize(&module)) {
    error = "LLVM optimization failed: " + toString(std::move(err));
    return false;
  }

  SmallVector<char, 0> buffer;
  raw_svector_ostream os(buffer);
  legacy::PassManager codegen;
  if (machine->addPassesToEmitFile(codegen, os, nullptr, CodeGenFileType::ObjectFile)) {
    error = "the target cannot emit object files";
    return false;
  }
  codegen.run(module);
  object.assign(buffer.begin(), buffer.end());
  return true;
}
