//===- PoolingToLinalg.cpp -----------------------------------------------===//
#include "compiler/conversion/Patterns.h"

void dlc::populatePoolingToLinalgPatterns(mlir::RewritePatternSet &) {}
