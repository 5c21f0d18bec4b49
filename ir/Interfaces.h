//===- Interfaces.h - dlc op interfaces -----------------------------------===//
#ifndef DLC_IR_INTERFACES_H
#define DLC_IR_INTERFACES_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpDefinition.h"
#include "llvm/ADT/SmallVector.h"

#include "ir/Interfaces.h.inc"

#endif // DLC_IR_INTERFACES_H
