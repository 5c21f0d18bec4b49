//===- Dialect.cpp - the dlc dialect --------------------------------------===//
#include "ir/Dialect.h"
#include "ir/Ops.h"

using namespace mlir;

#include "ir/DialectDefs.cpp.inc"

void dlc::DlcDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "ir/Ops.cpp.inc"
      >();
}

Operation *dlc::DlcDialect::materializeConstant(OpBuilder &builder,
                                                Attribute value, Type type,
                                                Location loc) {
  auto elements = llvm::dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}
