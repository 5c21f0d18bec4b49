//===- ReductionToLinalg.cpp -----------------------------------------------===//
#include "compiler/conversion/Patterns.h"

void dlc::populateReductionToLinalgPatterns(mlir::RewritePatternSet &) {}
