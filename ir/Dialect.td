//===- Dialect.td - the dlc dialect -----------------------*- tablegen -*-===//
//
// Tensor-level, statically shaped operators with ONNX semantics. Attributes
// are normalized by the importer (explicit pads, non-negative axes, resolved
// shape operands) so every pass downstream sees one canonical form.
//
//===----------------------------------------------------------------------===//
#ifndef DLC_DIALECT_TD
#define DLC_DIALECT_TD

include "mlir/IR/OpBase.td"

def Dlc_Dialect : Dialect {
  let name = "dlc";
  let cppNamespace = "::dlc";
  let summary = "Deep-learning graph operators with ONNX semantics";
  let description = [{
    Operators on ranked, statically shaped tensors. The ONNX importer maps
    every supported ONNX node onto one of these ops and records the node name
    as the op's location so diagnostics can point at the model.
  }];
  let hasConstantMaterializer = 1;
}

#endif // DLC_DIALECT_TD
