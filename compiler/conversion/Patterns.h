//===- Patterns.h - dlc -> linalg rewrite pattern sets --------------------===//
//
// ConvertDlcToLinalg collects these; each file lowers one family of ops.
// `converter` gives the (signless) types the lowered ops are built with.
//
//===----------------------------------------------------------------------===//
#ifndef DLC_COMPILER_CONVERSION_PATTERNS_H
#define DLC_COMPILER_CONVERSION_PATTERNS_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace dlc {
/// Elementwise ops with broadcasting, cast, where, comparisons, constants,
/// identity and dropout.
void populateElementwiseToLinalgPatterns(const mlir::TypeConverter &converter,
                                         mlir::RewritePatternSet &patterns);
/// Reductions, softmax/log_softmax, batch_norm, layer_norm.
void populateReductionToLinalgPatterns(const mlir::TypeConverter &converter,
                                       mlir::RewritePatternSet &patterns);
/// matmul, gemm, conv.
void populateContractionToLinalgPatterns(const mlir::TypeConverter &converter,
                                         mlir::RewritePatternSet &patterns);
/// max_pool, avg_pool, global_avg_pool.
void populatePoolingToLinalgPatterns(const mlir::TypeConverter &converter,
                                     mlir::RewritePatternSet &patterns);
/// quantize_linear, dequantize_linear.
void populateQuantToLinalgPatterns(const mlir::TypeConverter &converter,
                                   mlir::RewritePatternSet &patterns);
/// reshape, transpose, concat, split, slice, gather, expand.
void populateDataMovementToLinalgPatterns(const mlir::TypeConverter &converter,
                                          mlir::RewritePatternSet &patterns);
} // namespace dlc

#endif // DLC_COMPILER_CONVERSION_PATTERNS_H
