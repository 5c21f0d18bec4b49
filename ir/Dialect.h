//===- Dialect.h - the dlc dialect ----------------------------------------===//
#ifndef DLC_IR_DIALECT_H
#define DLC_IR_DIALECT_H

#include "mlir/IR/Dialect.h"

#include "ir/DialectDecls.h.inc"

#endif // DLC_IR_DIALECT_H
