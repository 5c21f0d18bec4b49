//===- ElementwiseToLinalg.cpp -----------------------------------------------===//
#include "compiler/conversion/Patterns.h"

void dlc::populateElementwiseToLinalgPatterns(mlir::RewritePatternSet &) {}
