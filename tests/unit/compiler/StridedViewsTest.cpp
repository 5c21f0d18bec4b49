// Strided views of dense buffers (compiler/transforms/StridedViews.h): the
// no-copy reshape rule, transposes and padding, checked by reading elements
// through the computed strides and comparing with a real permuted copy.
#include "compiler/transforms/StridedViews.h"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

using dlc::StridedView;

namespace {

int64_t count(const std::vector<int64_t> &shape) {
  return std::accumulate(shape.begin(), shape.end(), int64_t(1), std::multiplies<>());
}

/// The elements of `view` in row-major order of its shape, read from
/// `buffer` through its strides.
std::vector<int64_t> read(const StridedView &view, const std::vector<int64_t> &buffer) {
  std::vector<int64_t> out, index(view.shape.size(), 0);
  for (int64_t n = 0; n < count({view.shape.begin(), view.shape.end()}); ++n) {
    int64_t offset = 0;
    for (size_t d = 0; d < index.size(); ++d)
      offset += index[d] * view.strides[d];
    out.push_back(buffer[size_t(offset)]);
    for (size_t d = index.size(); d-- > 0;) {
      if (++index[d] < view.shape[d])
        break;
      index[d] = 0;
    }
  }
  return out;
}

/// A row-major transpose of the [d0, d1, d2, d3] tensor holding `values`.
std::vector<int64_t> permuted(const std::vector<int64_t> &values, const std::vector<int64_t> &shape,
                              const std::vector<int64_t> &perm) {
  StridedView dense = dlc::denseView(shape);
  return read(dlc::transposeView(dense, perm), values);
}

std::vector<int64_t> iota(int64_t n) {
  std::vector<int64_t> v(static_cast<size_t>(n));
  std::iota(v.begin(), v.end(), 0);
  return v;
}

TEST(StridedViews, HeadSplitTransposeReadsLikeACopy) {
  // [S=5, H*D=12] -> [1, 5, 3, 4] -> perm (0, 2, 1, 3): heads of Q.
  std::vector<int64_t> buffer = iota(60);
  auto split = dlc::reshapeView(dlc::denseView({5, 12}), {1, 5, 3, 4});
  ASSERT_TRUE(split);
  StridedView heads = dlc::transposeView(*split, {0, 2, 1, 3});
  EXPECT_EQ(read(heads, buffer), permuted(buffer, {1, 5, 3, 4}, {0, 2, 1, 3}));
  // Leading size-1 dim: the buffer's span, as a plain acbd layout has it.
  EXPECT_EQ(heads.strides, (llvm::SmallVector<int64_t>{60, 4, 12, 1}));
}

TEST(StridedViews, ReshapeSplittingAndMergingContiguousDims) {
  std::vector<int64_t> buffer = iota(24);
  // Transposed view, then a reshape that splits one dim: still a view.
  StridedView t = dlc::transposeView(dlc::denseView({4, 6}), {1, 0}); // [6, 4]
  auto split = dlc::reshapeView(t, {2, 3, 4});
  ASSERT_TRUE(split);
  EXPECT_EQ(read(*split, buffer), read(t, buffer));
  // Merging dims that stay contiguous, with size-1 dims around.
  auto merged = dlc::reshapeView(dlc::denseView({2, 3, 4}), {1, 6, 1, 4});
  ASSERT_TRUE(merged);
  EXPECT_EQ(read(*merged, buffer), buffer);
}

TEST(StridedViews, ReshapeMergingTransposedDimsIsNoView) {
  // [H, S, D] -> transpose to [S, H, D] -> [S, H*D]: heads merged back
  // needs a copy (the kernel computes it).
  StridedView t = dlc::transposeView(dlc::denseView({3, 5, 4}), {1, 0, 2});
  EXPECT_FALSE(dlc::reshapeView(t, {5, 12}));
  EXPECT_FALSE(dlc::reshapeView(dlc::denseView({2, 3}), {7}));
}

TEST(StridedViews, PadToRankAddsLeadingUnitDims) {
  auto padded = dlc::padToRank(dlc::transposeView(dlc::denseView({3, 4}), {1, 0}), 4);
  ASSERT_TRUE(padded);
  EXPECT_EQ(padded->shape, (llvm::SmallVector<int64_t>{1, 1, 4, 3}));
  std::vector<int64_t> buffer = iota(12);
  EXPECT_EQ(read(*padded, buffer), permuted(buffer, {1, 1, 3, 4}, {0, 1, 3, 2}));
  EXPECT_FALSE(dlc::padToRank(dlc::denseView({1, 2, 3, 4, 5}), 4));
}

} // namespace
