//===- Patterns.h - dlc -> linalg rewrite pattern sets --------------------===//
//
// ConvertDlcToLinalg collects these; each file lowers one family of ops.
//
//===----------------------------------------------------------------------===//
#ifndef DLC_COMPILER_CONVERSION_PATTERNS_H
#define DLC_COMPILER_CONVERSION_PATTERNS_H

#include "mlir/IR/PatternMatch.h"

namespace dlc {
/// Elementwise ops with broadcasting, cast, where, comparisons, constants,
/// identity and dropout.
void populateElementwiseToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// Reductions, softmax/log_softmax, batch_norm, layer_norm.
void populateReductionToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// matmul, gemm, conv.
void populateContractionToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// max_pool, avg_pool, global_avg_pool.
void populatePoolingToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// reshape, transpose, concat, split, slice, gather, expand.
void populateDataMovementToLinalgPatterns(mlir::RewritePatternSet &patterns);
} // namespace dlc

#endif // DLC_COMPILER_CONVERSION_PATTERNS_H
