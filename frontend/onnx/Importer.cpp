//===- Importer.cpp - ONNX model -> func @main_graph of dlc ops -----------===//
//
// The import runs in phases, each reporting all of its errors before the
// next starts: read the file (ModelReader), check opsets, list every
// unsupported op, check graph inputs against --shape, then import node by
// node. A failing node poisons its outputs so later nodes that depend on it
// are skipped silently while independent errors are still reported.
//
//===----------------------------------------------------------------------===//
#include "frontend/onnx/Importer.h"
#include "frontend/onnx/GraphImporter.h"
#include "frontend/onnx/ShapeComputation.h"
#include "frontend/onnx/TensorConversion.h"
#include "ir/Dialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringExtras.h"

#include <climits>

using namespace mlir;

namespace dlc {
namespace onnx_import {
namespace {

// The op rules are written for opset 11 on (Clip bounds as inputs, Slice
// steps, Split/Squeeze attributes before 13); 28 is the newest in onnx 1.23.
// After 21 our ops only gained element types (bfloat16, float8, 4-bit, ...);
// Cast's round_mode (float8e8m0 only) and Range's stash_type (fp16
// accumulation) do not change what we import.
constexpr int64_t kMinOpset = 11, kMaxOpset = 28;

std::string joinDims(ArrayRef<int64_t> dims) {
  return "[" + llvm::join(llvm::map_range(dims, [](int64_t d) { return std::to_string(d); }), ",") +
         "]";
}

class ModelImporter {
public:
  ModelImporter(MLIRContext &ctx, const Model &model, const ImportOptions &opts,
                ErrorReporter &errors)
      : ctx(ctx), model(model), opts(opts), errors(errors), imp(ctx, model, errors) {}

  OwningOpRef<ModuleOp> run();

private:
  bool checkOpsets();
  bool checkSupportedOps();
  bool checkValueNames();
  bool collectInputs(SmallVectorImpl<const ValueInfo *> &inputs, SmallVectorImpl<Type> &types);
  void importNodes(Block *body);
  LogicalResult importNode();
  bool importOutputs(SmallVectorImpl<Value> &results);
  void reportDiagnostic(Diagnostic &diag);

  MLIRContext &ctx;
  const Model &model;
  const ImportOptions &opts;
  ErrorReporter &errors;
  GraphImporter imp;
  llvm::StringMap<std::string> opTypeOfNode;
  /// Node output name -> the node producing it.
  llvm::StringMap<std::string> producerOfOutput;
};

bool ModelImporter::checkOpsets() {
  if (model.opset < 0) {
    errors.modelError("the model imports no opset of the default ONNX domain");
    return false;
  }
  if (model.opset < kMinOpset || model.opset > kMaxOpset) {
    errors.modelError("default-domain opset " + Twine(model.opset) +
                      " is not supported (dlc supports opsets " + Twine(kMinOpset) + " to " +
                      Twine(kMaxOpset) + ")");
    return false;
  }
  return true;
}

bool ModelImporter::checkSupportedOps() {
  const auto &table = opImporters();
  bool ok = true;
  for (const Node &node : model.nodes) {
    if (table.count(opKey(node)))
      continue;
    if (!node.domain.empty()) {
      errors.nodeError(node.name, node.opType, "unsupported op (domain '" + node.domain + "')");
      ok = false;
    } else if (!isEvaluatorOnlyOp(node.opType)) {
      errors.nodeError(node.name, node.opType, "unsupported op");
      ok = false;
    }
  }
  return ok;
}

/// Every value name has one producer (ONNX graphs are SSA): a node output
/// may not reuse a graph input, an initializer or another node's output.
/// Records each node output's producer for the cycle diagnostic.
bool ModelImporter::checkValueNames() {
  llvm::StringMap<std::string> producer;
  for (const TensorData &init : model.initializers)
    producer[init.name] = "an initializer";
  for (const ValueInfo &info : model.inputs)
    producer.try_emplace(info.name, "a graph input");
  bool ok = true;
  for (const Node &node : model.nodes)
    for (size_t i = 0; i < node.outputs.size(); ++i) {
      const std::string &name = node.outputs[i];
      if (name.empty())
        continue;
      auto [it, inserted] = producer.try_emplace(name, "the output of node '" + node.name + "'");
      if (!inserted) {
        errors.nodeError(node.name, node.opType,
                         "output " + Twine(i) + " ('" + name + "') is already " + it->second +
                             " (value names must be unique)");
        ok = false;
        continue;
      }
      producerOfOutput[name] = node.name;
    }
  return ok;
}

/// Graph inputs that are not initializers, with their static types.
bool ModelImporter::collectInputs(SmallVectorImpl<const ValueInfo *> &inputs,
                                  SmallVectorImpl<Type> &types) {
  llvm::StringSet<> initializers;
  for (const TensorData &init : model.initializers)
    initializers.insert(init.name);
  bool ok = true;
  llvm::StringSet<> names;
  for (const ValueInfo &info : model.inputs) {
    // Old IR lists initializers as inputs too; those are constants.
    if (initializers.contains(info.name))
      continue;
    names.insert(info.name);
    std::string input = "input '" + info.name + "'";
    if (info.typeKind != "tensor") {
      errors.modelError(input + " has type " + info.typeKind + "; only tensors are supported");
      ok = false;
      continue;
    }
    Type elementType = elementTypeFor(ctx, info.dtype);
    if (!elementType) {
      errors.modelError(input + " has unsupported element type " + dtypeName(info.dtype));
      ok = false;
      continue;
    }
    SmallVector<int64_t> shape;
    auto override = opts.inputShapes.find(info.name);
    if (override != opts.inputShapes.end()) {
      const std::vector<int64_t> &dims = override->second;
      if (info.hasShape && dims.size() != info.dims.size()) {
        errors.modelError("--shape " + info.name + "=" + joinDims(dims) + " has rank " +
                          Twine(dims.size()) + ", but the model declares rank " +
                          Twine(info.dims.size()));
        ok = false;
        continue;
      }
      bool conflict = false;
      for (size_t d = 0; d < dims.size(); ++d) {
        if (dims[d] < 0) {
          errors.modelError("--shape " + info.name + ": dim " + Twine(d) + " is negative");
          conflict = true;
        } else if (info.hasShape && info.dims[d].value >= 0 && info.dims[d].value != dims[d]) {
          errors.modelError("--shape " + info.name + ": dim " + Twine(d) + " is " +
                            Twine(info.dims[d].value) + " in the model, not " + Twine(dims[d]));
          conflict = true;
        }
      }
      if (conflict) {
        ok = false;
        continue;
      }
      shape.assign(dims.begin(), dims.end());
    } else if (!info.hasShape) {
      errors.modelError(input + " has no shape: fix it with --shape " + info.name + "=...");
      ok = false;
      continue;
    } else {
      bool negative = false;
      for (size_t d = 0; d < info.dims.size(); ++d)
        if (info.dims[d].hasValue && info.dims[d].value < 0) {
          errors.modelError(input + " has negative dim " + Twine(info.dims[d].value) +
                            " (dim " + Twine(d) + ")");
          negative = true;
        }
      if (negative) {
        ok = false;
        continue;
      }
      int64_t firstDynamic = -1;
      for (size_t d = 0; d < info.dims.size(); ++d) {
        shape.push_back(info.dims[d].value);
        if (info.dims[d].value < 0 && firstDynamic < 0)
          firstDynamic = (int64_t)d;
      }
      if (firstDynamic >= 0) {
        // Suggest a complete override: the static dims as declared, 1 for
        // every dynamic one.
        std::string suggestion;
        for (int64_t d : shape)
          suggestion += (suggestion.empty() ? "" : ",") + std::to_string(d < 0 ? 1 : d);
        const std::string &param = info.dims[firstDynamic].param;
        errors.modelError(input + " has dynamic dim " + Twine(firstDynamic) +
                          (param.empty() ? "" : " ('" + param + "')") + ": fix it with --shape " +
                          info.name + "=" + suggestion);
        ok = false;
        continue;
      }
    }
    if (std::string tooLarge = checkTensorSize(shape, elementType.getIntOrFloatBitWidth());
        !tooLarge.empty()) {
      errors.modelError(input + " " + tooLarge);
      ok = false;
      continue;
    }
    inputs.push_back(&info);
    types.push_back(RankedTensorType::get(shape, elementType));
  }
  for (const auto &[name, dims] : opts.inputShapes) {
    if (!names.contains(name)) {
      std::string known;
      for (const ValueInfo *info : inputs)
        known += (known.empty() ? "" : ", ") + info->name;
      errors.modelError("--shape names '" + name + "', which is not a graph input" +
                        (known.empty() ? std::string() : " (inputs: " + known + ")"));
      ok = false;
    }
  }
  return ok;
}

LogicalResult ModelImporter::importNode() {
  if (std::optional<OpArity> arity = opArity(opKey(*imp.node))) {
    auto range = [](unsigned lo, unsigned hi) -> std::string {
      if (lo == hi)
        return std::to_string(lo);
      return hi == UINT_MAX ? "at least " + std::to_string(lo)
                            : std::to_string(lo) + " to " + std::to_string(hi);
    };
    size_t inputs = imp.node->inputs.size(), outputs = imp.node->outputs.size();
    if (inputs < arity->minInputs || inputs > arity->maxInputs)
      return imp.fail("takes " + range(arity->minInputs, arity->maxInputs) + " inputs, got " +
                      Twine(inputs));
    if (outputs == 0 || outputs > arity->maxOutputs)
      return imp.fail("has " + Twine(outputs) + " outputs, expected " +
                      range(1, arity->maxOutputs));
  }
  if (imp.node->domain.empty()) {
    FailureOr<bool> evaluated = evaluateOnHost(imp);
    if (failed(evaluated))
      return failure();
    if (*evaluated)
      return success();
  }
  OpImportFn fn = opImporters().lookup(opKey(*imp.node));
  if (!fn)
    return imp.fail("unsupported op");
  return fn(imp);
}

void ModelImporter::importNodes(Block *body) {
  for (const Node &node : model.nodes) {
    imp.beginNode(node);
    bool skip = false;
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      const std::string &name = node.inputs[i];
      if (name.empty())
        continue;
      auto it = imp.values.find(name);
      if (it == imp.values.end()) {
        auto later = producerOfOutput.find(name);
        if (later != producerOfOutput.end())
          (void)imp.fail("input " + Twine(i) + " ('" + name + "') is produced by a later node '" +
                         later->second +
                         "' (the graph has a cycle or its nodes are not in topological order)");
        else
          (void)imp.fail("input " + Twine(i) + " ('" + name +
                         "') is not a graph input, an initializer or an output of any node");
        skip = true;
      } else if (it->second.poisoned) {
        skip = true; // the producer already reported its error
      }
    }
    Operation *last = body->empty() ? nullptr : &body->back();
    bool ok = !skip && succeeded(importNode());
    if (ok) {
      // Verify what this node created, so errors name it.
      auto it = last ? std::next(last->getIterator()) : body->begin();
      for (; ok && it != body->end(); ++it) {
        if (failed(mlir::verify(&*it, /*verifyRecursively=*/false)))
          ok = false;
        for (Type type : it->getResultTypes())
          if (auto tensor = llvm::dyn_cast<RankedTensorType>(type); ok && tensor)
            if (std::string tooLarge = checkTensorSize(
                    tensor.getShape(), tensor.getElementType().getIntOrFloatBitWidth());
                !tooLarge.empty())
              ok = succeeded(imp.fail("the result " + tooLarge));
      }
    }
    for (size_t i = 0; ok && i < node.outputs.size(); ++i)
      if (imp.outputUsed(i) && !imp.values.count(node.outputs[i]))
        ok = succeeded(imp.fail("output " + Twine(i) + " ('" + node.outputs[i] +
                                "') is not supported"));
    if (!ok)
      for (const std::string &name : node.outputs)
        if (!name.empty())
          imp.values[name].poisoned = true;
  }
  imp.node = nullptr;
  imp.loc = UnknownLoc::get(&ctx);
}

bool ModelImporter::importOutputs(SmallVectorImpl<Value> &results) {
  bool ok = true;
  for (const ValueInfo &info : model.outputs) {
    auto it = imp.values.find(info.name);
    if (it == imp.values.end()) {
      errors.modelError("graph output '" + info.name + "' is not produced by any node");
      ok = false;
      continue;
    }
    if (it->second.poisoned) {
      ok = false;
      continue;
    }
    imp.loc = imp.locFor(info.name);
    FailureOr<Value> value = imp.materialize(info.name, it->second);
    if (failed(value)) {
      ok = false;
      continue;
    }
    auto type = GraphImporter::typeOf(*value);
    // A declared type must agree with what the graph computes.
    if (info.typeKind == "tensor") {
      int dtype = dtypeFor(type.getElementType());
      if (info.dtype != kUndefined && info.dtype != dtype) {
        errors.modelError("graph output '" + info.name + "' is declared " +
                          dtypeName(info.dtype) + " but computes " + dtypeName(dtype));
        ok = false;
        continue;
      }
      if (info.hasShape) {
        bool mismatch = (int64_t)info.dims.size() != type.getRank();
        for (size_t d = 0; !mismatch && d < info.dims.size(); ++d)
          mismatch = info.dims[d].value >= 0 && info.dims[d].value != type.getDimSize(d);
        if (mismatch) {
          std::string declared = "[";
          for (size_t d = 0; d < info.dims.size(); ++d)
            declared += (d ? "," : "") + (info.dims[d].value >= 0
                                              ? std::to_string(info.dims[d].value)
                                              : info.dims[d].param.empty() ? "?"
                                                                           : info.dims[d].param);
          errors.modelError("graph output '" + info.name + "' is declared with shape " +
                            declared + "] but has shape " + joinDims(type.getShape()));
          ok = false;
          continue;
        }
      }
    }
    results.push_back(*value);
  }
  return ok;
}

void ModelImporter::reportDiagnostic(Diagnostic &diag) {
  if (diag.getSeverity() != DiagnosticSeverity::Error)
    return;
  std::string name, opType;
  if (imp.node) {
    name = imp.node->name;
    opType = imp.node->opType;
  } else {
    name = onnxNodeName(diag.getLocation());
    opType = opTypeOfNode.lookup(name);
  }
  if (!opType.empty())
    errors.nodeError(name, opType, diag.str());
  else if (!name.empty())
    errors.modelError("'" + name + "': " + diag.str());
  else
    errors.modelError(diag.str());
  for (const Diagnostic &note : diag.getNotes())
    errors.note(note.str());
}

OwningOpRef<ModuleOp> ModelImporter::run() {
  if (!checkOpsets() || !checkSupportedOps() || !checkValueNames())
    return nullptr;
  SmallVector<const ValueInfo *> inputs;
  SmallVector<Type> inputTypes;
  if (!collectInputs(inputs, inputTypes))
    return nullptr;

  for (const Node &node : model.nodes) {
    opTypeOfNode[node.name] = node.opType;
    for (const std::string &name : node.inputs)
      if (!name.empty())
        imp.usedNames.insert(name);
  }
  for (const ValueInfo &info : model.outputs)
    imp.usedNames.insert(info.name);

  ScopedDiagnosticHandler handler(&ctx, [this](Diagnostic &diag) {
    reportDiagnostic(diag);
    return success();
  });

  OpBuilder &builder = imp.builder;
  Location fileLoc = FileLineColLoc::get(&ctx, errors.filePath(), 0, 0);
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, fileLoc, "main_graph",
                                   builder.getFunctionType(inputTypes, {}));
  func->setAttr("dlc.graph", builder.getUnitAttr());
  Block *body = func.addEntryBlock();
  for (auto [i, info] : llvm::enumerate(inputs)) {
    func.setArgAttr(i, "dlc.name", builder.getStringAttr(info->name));
    body->getArgument(i).setLoc(imp.locFor(info->name));
  }

  for (const TensorData &init : model.initializers) {
    ValueEntry &entry = imp.values[init.name];
    entry.data = &init;
    entry.loc = imp.locFor(init.name);
  }
  for (auto [i, info] : llvm::enumerate(inputs)) {
    ValueEntry entry;
    entry.value = body->getArgument(i);
    imp.values[info->name] = std::move(entry);
  }

  builder.setInsertionPointToEnd(body);
  importNodes(body);
  SmallVector<Value> results;
  bool outputsOk = importOutputs(results);
  if (errors.errorCount() || !outputsOk)
    return nullptr;

  builder.setInsertionPointToEnd(body);
  func::ReturnOp::create(builder, fileLoc, results);
  func.setFunctionType(builder.getFunctionType(inputTypes, ValueRange(results).getTypes()));
  for (auto [i, info] : llvm::enumerate(model.outputs))
    func.setResultAttr(i, "dlc.name", builder.getStringAttr(info.name));
  (*module)->setAttr("dlc.onnx_nodes", builder.getI64IntegerAttr((int64_t)model.nodes.size()));

  if (failed(mlir::verify(*module)) || errors.errorCount())
    return nullptr;
  return module;
}

} // namespace
} // namespace onnx_import

std::string onnxNodeName(Location loc) {
  if (auto name = llvm::dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = llvm::dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::string n = onnxNodeName(inner); !n.empty())
        return n;
  return "";
}

/// Reports the reader's errors, or imports the model it read.
static OwningOpRef<ModuleOp> importRead(MLIRContext &ctx, bool readOk,
                                        const onnx_import::Model &model,
                                        const std::vector<onnx_import::ReadError> &readErrors,
                                        const ImportOptions &opts,
                                        onnx_import::ErrorReporter &errors) {
  ctx.getOrLoadDialect<dlc::DlcDialect>();
  ctx.getOrLoadDialect<func::FuncDialect>();
  if (!readOk) {
    for (const auto &e : readErrors) {
      if (e.node.empty())
        errors.modelError(e.message);
      else
        errors.nodeError(e.node, e.opType, e.message);
    }
    if (!errors.errorCount())
      errors.modelError("cannot read the model");
    return nullptr;
  }
  onnx_import::ModelImporter importer(ctx, model, opts, errors);
  return importer.run();
}

OwningOpRef<ModuleOp> importOnnxModel(MLIRContext &ctx, StringRef path,
                                      const ImportOptions &opts, llvm::raw_ostream &errs) {
  onnx_import::ErrorReporter errors(path, errs);
  onnx_import::Model model;
  std::vector<onnx_import::ReadError> readErrors;
  bool ok = onnx_import::readOnnxModel(path.str(), model, readErrors);
  return importRead(ctx, ok, model, readErrors, opts, errors);
}

OwningOpRef<ModuleOp> importOnnxModelBytes(MLIRContext &ctx, StringRef bytes, StringRef name,
                                           StringRef externalDataDir, const ImportOptions &opts,
                                           llvm::raw_ostream &errs) {
  onnx_import::ErrorReporter errors(name, errs);
  onnx_import::Model model;
  std::vector<onnx_import::ReadError> readErrors;
  bool ok = onnx_import::parseOnnxModel(bytes.str(), externalDataDir.str(), model, readErrors);
  return importRead(ctx, ok, model, readErrors, opts, errors);
}

} // namespace dlc
