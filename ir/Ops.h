//===- Ops.h - dlc operators ----------------------------------------------===//
#ifndef DLC_IR_OPS_H
#define DLC_IR_OPS_H

#include "ir/Dialect.h"
#include "ir/Traits.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "ir/Interfaces.h"

#define GET_OP_CLASSES
#include "ir/Ops.h.inc"

namespace dlc {
/// Output size of one spatial dim of a window op (conv/pool), ONNX rules.
int64_t windowOutputSize(int64_t input, int64_t kernel, int64_t stride,
                         int64_t dilation, int64_t padBegin, int64_t padEnd,
                         bool ceilMode);
} // namespace dlc

#endif // DLC_IR_OPS_H
