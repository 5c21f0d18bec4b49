//===- InferLinalg.cpp - MatMul and Gemm -----------------------------------===//
#include "frontend/graph/OpSchema.h"

namespace dlc::graph::detail {

// numpy.matmul: 1-D operands are promoted to matrices and the promoted dim
// dropped again; leading (batch) dims broadcast.
static std::vector<TensorType> inferMatMul(const InferContext &ctx) {
  ctx.requireSameDType(0, 1);
  const Shape &a = ctx.shape(0), &b = ctx.shape(1);
  if (a.empty() || b.empty())
    ctx.fail("operands must have rank >= 1, got " + toString(a) + " x " +
             toString(b));
  Shape lhs = a.size() == 1 ? Shape{1, a[0]} : a;
  Shape rhs = b.size() == 1 ? Shape{b[0], 1} : b;
  if (lhs.back() != rhs[rhs.size() - 2])
    ctx.fail("inner dims differ: " + toString(a) + " x " + toString(b));
  Shape batch = ctx.broadcast(Shape(lhs.begin(), lhs.end() - 2),
                              Shape(rhs.begin(), rhs.end() - 2));
  if (a.size() > 1)
    batch.push_back(lhs[lhs.size() - 2]);
  if (b.size() > 1)
    batch.push_back(rhs.back());
  return {{ctx.dtype(0), batch}};
}

static std::vector<TensorType> inferGemm(const InferContext &ctx) {
  ctx.requireSameDType(0, 1);
  ctx.requireRank(0, 2, "A");
  ctx.requireRank(1, 2, "B");
  bool transA = ctx.attrInt("transA", 0), transB = ctx.attrInt("transB", 0);
  const Shape &a = ctx.shape(0), &b = ctx.shape(1);
  int64_t m = transA ? a[1] : a[0], kA = transA ? a[0] : a[1];
  int64_t kB = transB ? b[1] : b[0], n = transB ? b[0] : b[1];
  if (kA != kB)
    ctx.fail("inner dims differ: " + toString(a) +
             (transA ? "^T" : "") + " x " + toString(b) + (transB ? "^T" : ""));
  if (ctx.hasInput(2)) {
    ctx.requireSameDType(0, 2);
    // C broadcasts one way only: to [M, N].
    Shape result = ctx.broadcast(ctx.shape(2), {m, n});
    if (result != Shape{m, n})
      ctx.fail("C " + toString(ctx.shape(2)) + " does not broadcast to " +
               toString({m, n}));
  }
  return {{ctx.dtype(0), {m, n}}};
}

void registerLinalgOps(std::vector<OpSchema> &table) {
  table.push_back({"MatMul", "matmul", 2, 2, 1, 1, inferMatMul});
  table.push_back({"Gemm", "gemm", 2, 3, 1, 1, inferGemm});
}

} // namespace dlc::graph::detail
