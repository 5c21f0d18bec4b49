//===- Traits.h - dlc op traits -------------------------------------------===//
#ifndef DLC_IR_TRAITS_H
#define DLC_IR_TRAITS_H

#include "mlir/IR/OpDefinition.h"

namespace dlc::OpTrait {

/// Ops that apply one scalar function per output element, reading each
/// operand at the numpy-broadcast position. Lowering handles all of them
/// with one linalg.generic builder.
template <typename ConcreteType>
class BroadcastElementwise
    : public mlir::OpTrait::TraitBase<ConcreteType, BroadcastElementwise> {};

} // namespace dlc::OpTrait

#endif // DLC_IR_TRAITS_H
