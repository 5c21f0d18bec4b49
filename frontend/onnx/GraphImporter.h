//===- GraphImporter.h - state shared by the op importers ------*- C++ -*-===//
//
// GraphImporter walks the ONNX nodes in order. For the node being imported
// it offers typed access to inputs (SSA values or compile-time constants),
// attributes (type-checked, defaults, required-attribute errors) and op
// creation that reports shape-inference errors with the node's name instead
// of aborting. Op importers (Ops*.cpp) are plain functions over it.
//
//===----------------------------------------------------------------------===//
#ifndef DLC_FRONTEND_ONNX_GRAPHIMPORTER_H
#define DLC_FRONTEND_ONNX_GRAPHIMPORTER_H

#include "frontend/onnx/Diagnostics.h"
#include "frontend/onnx/HostTensor.h"
#include "frontend/onnx/OnnxModel.h"
#include "ir/Ops.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <deque>
#include <memory>
#include <optional>

namespace dlc::onnx_import {

/// What the importer knows about one ONNX value name.
struct ValueEntry {
  mlir::Value value;                 // SSA value, once materialized
  std::shared_ptr<HostTensor> host;  // compile-time value (decoded lazily)
  const TensorData *data = nullptr;  // initializer / Constant payload
  std::optional<mlir::Location> loc; // where a materialized constant goes
  bool poisoned = false;             // produced by a node that failed
};

class GraphImporter {
public:
  GraphImporter(mlir::MLIRContext &ctx, const Model &model, ErrorReporter &errors);

  mlir::MLIRContext &ctx;
  mlir::OpBuilder builder;
  const Model &model;
  ErrorReporter &errors;
  int64_t opset;
  llvm::StringMap<ValueEntry> values;
  /// Names read by some node or listed as graph outputs.
  llvm::StringSet<> usedNames;
  /// Payloads made by the importer itself (Constant value_float, ...).
  std::deque<TensorData> ownedTensors;

  /// `NameLoc(name, FILE:0:0)`, the location form the driver reports.
  mlir::Location locFor(llvm::StringRef name);

  //--- the node being imported -------------------------------------------
  const Node *node = nullptr;
  mlir::Location loc;
  void beginNode(const Node &n);

  /// Reports `message` for the current node; returns failure().
  mlir::LogicalResult fail(const llvm::Twine &message);

  //--- inputs ------------------------------------------------------------
  size_t numInputs() const { return node->inputs.size(); }
  /// Input `i` is given and not the empty name.
  bool hasInput(size_t i) const { return i < node->inputs.size() && !node->inputs[i].empty(); }
  /// Input `i` as an SSA value (constants are materialized); fails with
  /// "missing input" if it is absent.
  mlir::FailureOr<mlir::Value> input(size_t i);
  /// Like input(), but an absent optional input is a null Value.
  mlir::FailureOr<mlir::Value> optionalInput(size_t i);
  /// The compile-time value of input `i`, or null if it is not constant.
  /// Fails only if the constant is unusable (unsupported dtype).
  mlir::FailureOr<const HostTensor *> hostInput(size_t i);
  /// Input `i` must be a compile-time constant; `what` names it in errors
  /// ("shape", "axes", ...).
  mlir::FailureOr<const HostTensor *> constantInput(size_t i, llvm::StringRef what);
  /// A constant integer input as a vector.
  mlir::FailureOr<std::vector<int64_t>> constantInts(size_t i, llvm::StringRef what);
  /// The static shape of input `i` when known without materializing it.
  std::optional<std::vector<int64_t>> inputShape(size_t i);
  /// The ONNX dtype of input `i` when known (kUndefined otherwise).
  int inputDType(size_t i);

  //--- outputs -----------------------------------------------------------
  /// Output `i` has a name that some node or the graph output list reads.
  bool outputUsed(size_t i) const;
  /// Fails if any output from `first` on is used; `why` completes the
  /// message ("dlc imports BatchNormalization for inference only").
  mlir::LogicalResult requireUnusedOutputs(size_t first, llvm::StringRef why);
  void setOutput(size_t i, mlir::Value value);
  void setHostOutput(size_t i, HostTensor value);
  /// Output `i` is the constant `data` (materialized when first used).
  void setDataOutput(size_t i, const TensorData *data);

  //--- attributes --------------------------------------------------------
  bool hasAttr(llvm::StringRef name) const { return node->attribute(name.str()) != nullptr; }
  /// Returns the attribute (default if absent; required when no default).
  mlir::FailureOr<int64_t> attrInt(llvm::StringRef name, std::optional<int64_t> def = {});
  mlir::FailureOr<float> attrFloat(llvm::StringRef name, std::optional<float> def = {});
  mlir::FailureOr<std::string> attrString(llvm::StringRef name,
                                          std::optional<std::string> def = {});
  mlir::FailureOr<std::vector<int64_t>> attrInts(llvm::StringRef name,
                                                 std::optional<std::vector<int64_t>> def = {});
  mlir::FailureOr<std::vector<float>> attrFloats(llvm::StringRef name,
                                                 std::optional<std::vector<float>> def = {});
  mlir::FailureOr<std::vector<std::string>>
  attrStrings(llvm::StringRef name, std::optional<std::vector<std::string>> def = {});

  //--- helpers -----------------------------------------------------------
  static mlir::RankedTensorType typeOf(mlir::Value v) {
    return llvm::cast<mlir::RankedTensorType>(v.getType());
  }
  /// `axis` in [-rank, rank) -> [0, rank); `what` names it in the error.
  mlir::FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank, llvm::StringRef what);
  /// Normalized, sorted, duplicate-free axes.
  mlir::FailureOr<llvm::SmallVector<int64_t>> normalizeAxes(llvm::ArrayRef<int64_t> axes,
                                                            int64_t rank, llvm::StringRef what);
  /// Fails unless `v` has a floating-point element type.
  mlir::LogicalResult requireFloat(mlir::Value v, llvm::StringRef what);
  /// Fails unless a and b have the same element type.
  mlir::LogicalResult requireSameElementType(mlir::Value a, mlir::Value b, llvm::StringRef aName,
                                             llvm::StringRef bName);

  /// A dlc.reshape of `v` to `shape` (v itself if the shape is unchanged).
  mlir::Value reshape(mlir::Value v, llvm::ArrayRef<int64_t> shape);

  /// Creates an op whose result type comes from InferTypeOpAdaptor. The
  /// generated builder would abort when inference fails, so the op is
  /// created with a placeholder type, inferred from its own adaptor, and
  /// erased on failure (inference already emitted the diagnostic).
  template <typename OpTy, typename... Args>
  mlir::FailureOr<mlir::Value> createInferred(Args &&...args) {
    OpTy op = OpTy::create(builder, loc, mlir::Type(builder.getNoneType()),
                           std::forward<Args>(args)...);
    llvm::SmallVector<mlir::Type, 1> types;
    if (mlir::failed(OpTy::inferReturnTypes(&ctx, loc, typename OpTy::Adaptor(op), types))) {
      op->erase();
      return mlir::failure();
    }
    op->getResult(0).setType(types.front());
    return op->getResult(0);
  }

  /// Materializes an entry as an SSA value (dlc.constant for constants).
  mlir::FailureOr<mlir::Value> materialize(llvm::StringRef name, ValueEntry &entry);
  /// Decodes an entry's constant payload; null if it is not constant.
  mlir::FailureOr<const HostTensor *> hostValue(llvm::StringRef name, ValueEntry &entry);

private:
  ValueEntry *entryOf(size_t i);
};

/// An op importer: reads the current node of the importer and sets its
/// outputs. Returns failure after reporting.
using OpImportFn = mlir::LogicalResult (*)(GraphImporter &);

/// The domain of ONNX's training ops (Gradient).
inline constexpr llvm::StringLiteral kTrainingDomain = "ai.onnx.preview.training";
/// The key of a node's importer: its op type in the default domain,
/// "DOMAIN:OpType" in another domain.
std::string opKey(const Node &node);
/// All importers by opKey.
const llvm::StringMap<OpImportFn> &opImporters();
void addGradientImporter(llvm::StringMap<OpImportFn> &table);
void addElementwiseImporters(llvm::StringMap<OpImportFn> &table);
void addNNImporters(llvm::StringMap<OpImportFn> &table);
void addNormalizationImporters(llvm::StringMap<OpImportFn> &table);
void addShapeImporters(llvm::StringMap<OpImportFn> &table);
void addReductionImporters(llvm::StringMap<OpImportFn> &table);
void addQuantImporters(llvm::StringMap<OpImportFn> &table);

/// A dlc.conv of x, w and bias (may be null) with the current node's
/// window attributes (kernel_shape, strides, pads, auto_pad, dilations,
/// group): Conv and QLinearConv.
mlir::FailureOr<mlir::Value> buildConv(GraphImporter &imp, mlir::Value x, mlir::Value w,
                                       mlir::Value bias);

/// How many inputs (positions, "" included) and outputs an op may have.
struct OpArity {
  unsigned minInputs, maxInputs, maxOutputs;
};
/// The arity of a supported op type (nullopt for other types).
std::optional<OpArity> opArity(llvm::StringRef opType);

/// Ops only the constant evaluator handles (no dlc op): Shape,
/// ConstantOfShape, Range.
bool isEvaluatorOnlyOp(llvm::StringRef opType);
/// Tries to compute the current node on the host. Returns true if it set
/// the outputs, false if the node is not (entirely) constant and must be
/// imported as dlc ops, failure after reporting an error.
mlir::FailureOr<bool> evaluateOnHost(GraphImporter &imp);

} // namespace dlc::onnx_import

#endif // DLC_FRONTEND_ONNX_GRAPHIMPORTER_H
