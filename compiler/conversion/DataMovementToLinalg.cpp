//===- DataMovementToLinalg.cpp -----------------------------------------------===//
#include "compiler/conversion/Patterns.h"

void dlc::populateDataMovementToLinalgPatterns(mlir::RewritePatternSet &) {}
