//===- Patterns.h - graph-level rewrite pattern sets ----------------------===//
#ifndef DLC_COMPILER_TRANSFORMS_PATTERNS_H
#define DLC_COMPILER_TRANSFORMS_PATTERNS_H

#include "mlir/IR/PatternMatch.h"

namespace dlc {
/// batch_norm(conv|gemm with constant weights) -> conv|gemm with folded weights.
void populateFoldBatchNormPatterns(mlir::RewritePatternSet &patterns);
/// Sibling matmuls/convs with constant weights and a shared input -> one op + split
/// (`convs` false: matmuls only).
void populateMergeSiblingsPatterns(mlir::RewritePatternSet &patterns, bool convs = true);
/// Zero-element results -> empty constants; empty reductions -> identity.
void populateFoldEmptyTensorsPatterns(mlir::RewritePatternSet &patterns);
} // namespace dlc

#endif // DLC_COMPILER_TRANSFORMS_PATTERNS_H
