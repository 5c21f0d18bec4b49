//===- Importer.h - ONNX model -> dlc dialect ------------------*- C++ -*-===//
#ifndef DLC_FRONTEND_ONNX_IMPORTER_H
#define DLC_FRONTEND_ONNX_IMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dlc {

struct ImportOptions {
  /// --shape name=d0,d1 overrides: fix dynamic dims of graph inputs.
  std::map<std::string, std::vector<int64_t>> inputShapes;
};

/// Reads an ONNX model file and builds a module holding `func.func
/// @main_graph` (unit attr `dlc.graph`, arg attrs `dlc.name` = ONNX input
/// names, result attrs `dlc.name` = ONNX output names) made of dlc ops. Sets
/// module attr `dlc.onnx_nodes` (i64: node count of the ONNX graph). On
/// failure prints every error to `errs` as `FILE:node 'NAME' (OpType):
/// message` (or `FILE: message` for model-level errors) and returns nullptr.
/// The context must have the dlc and func dialects loaded or registered.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxModel(mlir::MLIRContext &ctx, llvm::StringRef path,
                                                  const ImportOptions &opts,
                                                  llvm::raw_ostream &errs);

/// The same for a serialized ModelProto in memory (fuzzing, embedding):
/// `name` stands for the file in messages, external data is read from
/// `externalDataDir`.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxModelBytes(mlir::MLIRContext &ctx,
                                                       llvm::StringRef bytes, llvm::StringRef name,
                                                       llvm::StringRef externalDataDir,
                                                       const ImportOptions &opts,
                                                       llvm::raw_ostream &errs);

/// The ONNX node name an imported op's location carries (the first NameLoc,
/// looking inside fused locations of merged ops); "" when there is none.
std::string onnxNodeName(mlir::Location loc);

} // namespace dlc

#endif // DLC_FRONTEND_ONNX_IMPORTER_H
