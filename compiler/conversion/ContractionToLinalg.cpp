//===- ContractionToLinalg.cpp -----------------------------------------------===//
#include "compiler/conversion/Patterns.h"

void dlc::populateContractionToLinalgPatterns(mlir::RewritePatternSet &) {}
