// libdlc_dnnl against naive loops: random inputs, the descriptors the way
// dlc-dispatch-dnnl writes them (include/dlc/dnnl_kernels.h).
#include "../../../runtime/src/Executor.h"
#include "dlc/dnnl_kernels.h"
#include "dlc/parallel_for.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <mutex>
#include <set>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

std::vector<float> randomData(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(gen);
  return v;
}

int64_t bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
}

std::vector<int64_t> emptyDesc() { return std::vector<int64_t>(DLC_DNNL_DESC_SIZE, 0); }

void addPostOp(std::vector<int64_t> &d, int64_t kind, float a = 0, float b = 0,
               int64_t broadcast = 0) {
  int64_t *r = &d[DLC_DNNL_POST_OPS + 4 * d[DLC_DNNL_NUM_POST_OPS]++];
  r[0] = kind, r[1] = bits(a), r[2] = bits(b), r[3] = broadcast;
}

void expectClose(const std::vector<float> &got, const std::vector<float> &want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], want[i], 1e-4f + 1e-4f * std::fabs(want[i])) << "at " << i;
}

struct ConvShape {
  int64_t n, c, h, w, k, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, g;
  int64_t oh() const { return (h + pt + pb - dh * (kh - 1) - 1) / sh + 1; }
  int64_t ow() const { return (w + pl + pr - dw * (kw - 1) - 1) / sw + 1; }
};

/// ONNX Conv, NCHW, weights [K, C/g, KH, KW], bias per K (may be null).
std::vector<float> naiveConv(const ConvShape &s, const std::vector<float> &x,
                             const std::vector<float> &w, const float *bias) {
  int64_t oh = s.oh(), ow = s.ow(), cg = s.c / s.g, kg = s.k / s.g;
  std::vector<float> y(size_t(s.n * s.k * oh * ow));
  for (int64_t n = 0; n < s.n; ++n)
    for (int64_t k = 0; k < s.k; ++k)
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
          double acc = bias ? bias[k] : 0.0;
          int64_t g = k / kg;
          for (int64_t c = 0; c < cg; ++c)
            for (int64_t r = 0; r < s.kh; ++r)
              for (int64_t q = 0; q < s.kw; ++q) {
                int64_t yy = i * s.sh - s.pt + r * s.dh, xx = j * s.sw - s.pl + q * s.dw;
                if (yy < 0 || yy >= s.h || xx < 0 || xx >= s.w)
                  continue;
                acc += double(x[((n * s.c + g * cg + c) * s.h + yy) * s.w + xx]) *
                       w[((k * cg + c) * s.kh + r) * s.kw + q];
              }
          y[((n * s.k + k) * oh + i) * ow + j] = float(acc);
        }
  return y;
}

std::vector<int64_t> convDesc(const ConvShape &s, bool bias, bool constWeights) {
  std::vector<int64_t> d = emptyDesc();
  int64_t v[] = {DLC_DNNL_CONV2D, s.n, s.c, s.h, s.w, s.k, s.kh, s.kw, s.oh(), s.ow(),
                 s.sh, s.sw, s.pt, s.pl, s.pb, s.pr, s.dh, s.dw, s.g};
  std::copy(std::begin(v), std::end(v), d.begin());
  d[DLC_DNNL_HAS_BIAS] = bias;
  d[DLC_DNNL_CONST_WEIGHTS] = constWeights;
  return d;
}

/// conv + bias, + residual, * per-channel scale, relu: random operands, the
/// descriptor and the expected NCHW result.
struct ConvCase {
  std::vector<float> x, w, bias, residual, scale, want;
  std::vector<int64_t> desc;

  bool withScale = true; // the per-channel multiply post-op

  ConvCase(const ConvShape &s, bool constWeights, unsigned seed, bool scaled = true)
      : withScale(scaled) {
    int64_t plane = s.oh() * s.ow(), outN = s.n * s.k * plane;
    x = randomData(size_t(s.n * s.c * s.h * s.w), seed);
    w = randomData(size_t(s.k * (s.c / s.g) * s.kh * s.kw), seed + 1);
    bias = randomData(size_t(s.k), seed + 2);
    residual = randomData(size_t(outN), seed + 3);
    scale = randomData(size_t(s.k), seed + 4);
    desc = convDesc(s, true, constWeights);
    addPostOp(desc, DLC_DNNL_POST_ADD, 0, 0, DLC_DNNL_BCAST_NONE);
    if (withScale)
      addPostOp(desc, DLC_DNNL_POST_MUL, 0, 0, DLC_DNNL_BCAST_CHANNEL);
    addPostOp(desc, DLC_DNNL_POST_RELU);
    expect(s);
  }
  /// `want` for the current x.
  void expect(const ConvShape &s) {
    int64_t plane = s.oh() * s.ow();
    want = naiveConv(s, x, w, bias.data());
    for (size_t i = 0; i < want.size(); ++i)
      want[i] = std::max(0.f, (want[i] + residual[i]) *
                                  (withScale ? scale[(i / size_t(plane)) % size_t(s.k)] : 1.f));
  }
};

void checkConv(const ConvShape &s, bool constWeights) {
  ConvCase c(s, constWeights, 1);
  int64_t cache[2] = {0, 0};
  std::vector<float> y(c.want.size(), NAN);
  dlc_dnnl_conv2d(cache, c.desc.data(), c.x.data(), c.w.data(), c.bias.data(),
                  c.residual.data(), c.scale.data(), y.data());
  expectClose(y, c.want);
  EXPECT_NE(cache[0], 0) << "the call site's primitive is cached";
  // The cached primitive on new activations (same weights) in new buffers:
  // the call site's memory objects of this thread take the new pointers.
  int64_t cached = cache[0];
  c.x = randomData(c.x.size(), 7);
  c.residual = randomData(c.residual.size(), 8);
  c.expect(s);
  std::vector<float> y2(c.want.size(), NAN);
  dlc_dnnl_conv2d(cache, c.desc.data(), c.x.data(), c.w.data(), c.bias.data(),
                  c.residual.data(), c.scale.data(), y2.data());
  expectClose(y2, c.want);
  EXPECT_EQ(cache[0], cached);
}

TEST(DnnlKernels, Conv3x3PaddedStrided) {
  checkConv({1, 16, 14, 14, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1}, true);
}
TEST(DnnlKernels, Conv1x1NonConstWeights) {
  checkConv({2, 24, 7, 9, 40, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1}, false);
}
TEST(DnnlKernels, ConvDepthwiseAsymmetricPadsDilated) {
  checkConv({1, 32, 11, 10, 32, 3, 3, 1, 1, 2, 1, 0, 2, 2, 1, 32}, true);
}
TEST(DnnlKernels, ConvGroupedFirstLayer) {
  checkConv({1, 4, 16, 16, 8, 5, 5, 1, 2, 2, 2, 2, 2, 1, 1, 2}, true);
}

// What oneDNN refuses fails the model run (dlc_rt_kernel_failed; outside a
// run the message stays with the thread) instead of aborting the process;
// dst is not written. Here: a descriptor whose output size contradicts its
// window (an 8x8 input, 3x3 window, no padding gives 6x6, not 5x5).
TEST(DnnlKernels, RefusedCallsReportInsteadOfAborting) {
  ConvShape s{1, 16, 8, 8, 16, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1};
  std::vector<int64_t> d = convDesc(s, false, true);
  d[8] = d[9] = 5;
  std::vector<float> x = randomData(16 * 8 * 8, 3), w = randomData(16 * 16 * 9, 4);
  std::vector<float> y(16 * 25, 42.f);
  int64_t cache[2] = {0, 0};
  dlc_dnnl_conv2d(cache, d.data(), x.data(), w.data(), nullptr, nullptr, nullptr, y.data());
  std::string message = dlc::rt::takeKernelFailureOutsideRun();
  EXPECT_EQ(message.rfind("f32 convolution: oneDNN: ", 0), 0u) << message;
  EXPECT_EQ(cache[0], 0) << "nothing cached: the next call tries again";
  EXPECT_EQ(y, std::vector<float>(16 * 25, 42.f));

  d[DLC_DNNL_KIND] = DLC_DNNL_QCONV2D;
  std::vector<uint8_t> qx(16 * 8 * 8, 3), qy(16 * 25, 42);
  std::vector<int32_t> qw(16 * 16 * 9, 1);
  double multiplier = 0.01, qscale = 1.0;
  int32_t srcZp = 0;
  uint8_t dstZp = 0;
  dlc_dnnl_qconv2d_u8_u8(cache, d.data(), qx.data(), qw.data(), nullptr, &multiplier, &qscale,
                         &srcZp, &dstZp, qy.data());
  message = dlc::rt::takeKernelFailureOutsideRun();
  EXPECT_EQ(message.rfind("dlc_dnnl_qconv2d_u8_u8: oneDNN: ", 0), 0u) << message;
  EXPECT_EQ(qy, std::vector<uint8_t>(16 * 25, 42));
}

/// NCHW -> NHWC of an [n, c, h, w] tensor (`back`: NHWC -> NCHW).
std::vector<float> toNhwc(const std::vector<float> &x, int64_t n, int64_t c, int64_t hw,
                          bool back = false);

// DLC_DNNL_CONV_WINOGRAD: ResNet's 3x3 conv + residual + relu, with channels-
// last activations reordered around oneDNN's blocked Winograd layout; then
// with a post-op Winograd does not fuse (binary mul: the direct conv runs).
// Winograd rounds differently from the direct form; the error stays within
// expectClose's 1e-4 + 1e-4 * |want| for these sums of 576 products.
TEST(DnnlKernels, ConvWinogradResidualReluChannelsLast) {
  ConvShape s{1, 64, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  int64_t plane = s.oh() * s.ow();
  for (bool scaled : {false, true}) {
    SCOPED_TRACE(scaled ? "with a per-channel multiply" : "residual + relu");
    ConvCase c(s, true, 21, scaled);
    c.desc[DLC_DNNL_CONV_ALGORITHM] = DLC_DNNL_CONV_WINOGRAD;
    for (int64_t layouts : {int64_t(0), int64_t(DLC_DNNL_NHWC_SRC | DLC_DNNL_NHWC_DST |
                                                 DLC_DNNL_NHWC_BINARY0)}) {
      c.desc[DLC_DNNL_LAYOUTS] = layouts;
      bool nhwc = layouts != 0;
      std::vector<float> src = nhwc ? toNhwc(c.x, s.n, s.c, s.h * s.w) : c.x;
      std::vector<float> res = nhwc ? toNhwc(c.residual, s.n, s.k, plane) : c.residual;
      int64_t cache[2] = {0, 0};
      for (int run = 0; run < 2; ++run) { // creation, then the cached primitive
        std::vector<float> y(c.want.size(), NAN);
        dlc_dnnl_conv2d(cache, c.desc.data(), src.data(), c.w.data(), c.bias.data(),
                        res.data(), c.scale.data(), y.data());
        expectClose(nhwc ? toNhwc(y, s.n, s.k, plane, /*back=*/true) : y, c.want);
      }
    }
  }
}

std::vector<float> toNhwc(const std::vector<float> &x, int64_t n, int64_t c, int64_t hw,
                          bool back) {
  std::vector<float> y(x.size());
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t p = 0; p < hw; ++p) {
        size_t nchw = size_t((b * c + ch) * hw + p), nhwc = size_t((b * hw + p) * c + ch);
        y[back ? nchw : nhwc] = x[back ? nhwc : nchw];
      }
  return y;
}

/// The same conv with the activations channels-last as `layouts`
/// (DLC_DNNL_NHWC_*) says.
void checkConvLayouts(const ConvShape &s, int64_t layouts) {
  ConvCase c(s, true, 11);
  c.desc[DLC_DNNL_LAYOUTS] = layouts;
  int64_t plane = s.oh() * s.ow();
  std::vector<float> src = layouts & DLC_DNNL_NHWC_SRC ? toNhwc(c.x, s.n, s.c, s.h * s.w) : c.x;
  std::vector<float> res =
      layouts & DLC_DNNL_NHWC_BINARY0 ? toNhwc(c.residual, s.n, s.k, plane) : c.residual;
  int64_t cache[2] = {0, 0};
  for (int run = 0; run < 2; ++run) { // creation, then the cached primitive
    std::vector<float> y(c.want.size(), NAN);
    dlc_dnnl_conv2d(cache, c.desc.data(), src.data(), c.w.data(), c.bias.data(), res.data(),
                    c.scale.data(), y.data());
    expectClose(layouts & DLC_DNNL_NHWC_DST ? toNhwc(y, s.n, s.k, plane, /*back=*/true) : y, c.want);
  }
}

TEST(DnnlKernels, ConvChannelsLastActivations) {
  ConvShape pointwise{2, 24, 7, 9, 40, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1};
  ConvShape depthwise{1, 32, 11, 10, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 32};
  for (int64_t layouts : std::vector<int64_t>{DLC_DNNL_NHWC_SRC, DLC_DNNL_NHWC_DST, DLC_DNNL_NHWC_BINARY0,
                          DLC_DNNL_NHWC_SRC | DLC_DNNL_NHWC_DST,
                          DLC_DNNL_NHWC_DST | DLC_DNNL_NHWC_BINARY0,
                          DLC_DNNL_NHWC_SRC | DLC_DNNL_NHWC_DST | DLC_DNNL_NHWC_BINARY0}) {
    SCOPED_TRACE("layouts " + std::to_string(layouts));
    checkConvLayouts(pointwise, layouts);
    checkConvLayouts(depthwise, layouts);
  }
}

/// [batch, M, N] = op(lhs) x op(rhs); lhs/rhs batch of 1 broadcasts.
std::vector<float> naiveMatmul(int64_t batch, int64_t m, int64_t n, int64_t k, bool lhsB,
                               bool rhsB, bool ta, bool tb, const std::vector<float> &a,
                               const std::vector<float> &b) {
  std::vector<float> y(size_t(batch * m * n));
  for (int64_t p = 0; p < batch; ++p)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double acc = 0;
        const float *A = a.data() + (lhsB ? p * m * k : 0);
        const float *B = b.data() + (rhsB ? p * k * n : 0);
        for (int64_t q = 0; q < k; ++q)
          acc += double(ta ? A[q * m + i] : A[i * k + q]) * (tb ? B[j * k + q] : B[q * n + j]);
        y[size_t((p * m + i) * n + j)] = float(acc);
      }
  return y;
}

struct MatmulCase {
  int64_t batch, m, n, k;
  bool lhsB, rhsB, ta, tb, constWeights;
  float alpha;
};

void checkMatmul(const MatmulCase &c, int64_t post) {
  auto a = randomData(size_t((c.lhsB ? c.batch : 1) * c.m * c.k), 11);
  auto b = randomData(size_t((c.rhsB ? c.batch : 1) * c.k * c.n), 12);
  auto bias = randomData(size_t(c.n), 13);
  std::vector<int64_t> d = emptyDesc();
  int64_t v[] = {DLC_DNNL_MATMUL, c.batch, c.m, c.n, c.k, c.lhsB, c.rhsB, c.ta, c.tb,
                 bits(c.alpha)};
  std::copy(std::begin(v), std::end(v), d.begin());
  d[DLC_DNNL_HAS_BIAS] = c.alpha == 1.f;
  d[DLC_DNNL_CONST_WEIGHTS] = c.constWeights;
  addPostOp(d, post, post == DLC_DNNL_POST_CLIP ? -0.25f : 0.f, 0.3f);
  std::vector<float> want =
      naiveMatmul(c.batch, c.m, c.n, c.k, c.lhsB, c.rhsB, c.ta, c.tb, a, b);
  for (size_t i = 0; i < want.size(); ++i) {
    float x = want[i] * c.alpha + (c.alpha == 1.f ? bias[i % size_t(c.n)] : 0.f);
    switch (post) {
    case DLC_DNNL_POST_GELU_ERF: x = 0.5f * x * (1.f + std::erf(x / std::sqrt(2.f))); break;
    case DLC_DNNL_POST_CLIP: x = std::fmin(std::fmax(x, -0.25f), 0.3f); break;
    case DLC_DNNL_POST_SIGMOID: x = 1.f / (1.f + std::exp(-x)); break;
    case DLC_DNNL_POST_TANH: x = std::tanh(x); break;
    }
    want[i] = x;
  }
  int64_t cache[2] = {0, 0};
  std::vector<float> y(want.size(), NAN);
  dlc_dnnl_matmul(cache, d.data(), a.data(), b.data(), bias.data(), y.data(), y.data(),
                  y.data());
  expectClose(y, want);
}

TEST(DnnlKernels, Gemm2DTransposedGelu) {
  checkMatmul({1, 7, 33, 19, false, false, true, true, true, 1.f}, DLC_DNNL_POST_GELU_ERF);
}
TEST(DnnlKernels, MatmulSharedWeightsFlattenedClip) {
  checkMatmul({3, 5, 16, 12, true, false, false, false, true, 1.f}, DLC_DNNL_POST_CLIP);
}
TEST(DnnlKernels, MatmulBatchedActivationsSigmoid) {
  checkMatmul({4, 6, 9, 8, true, true, false, true, false, 1.f}, DLC_DNNL_POST_SIGMOID);
}
TEST(DnnlKernels, GemmAlphaTanh) {
  checkMatmul({1, 4, 10, 6, false, false, false, false, true, 0.5f}, DLC_DNNL_POST_TANH);
}

/// Attention's head views (DLC_DNNL_MATMUL_VIEWS): Q and K read in place
/// from [S, H * D] rows (head h at column h * D; K as K^T), the scores
/// divided by a scalar (DIV post-op), and P x V written straight into the
/// merged [S, H * D] layout; both against naive loops over the same
/// strides. Weights constant or not (the strided copy is reordered once).
void checkAttentionViews(bool constWeights) {
  const int64_t s = 9, h = 3, dh = 5, row = h * dh;
  auto q = randomData(size_t(s * row), 21), k = randomData(size_t(s * row), 22),
       v = randomData(size_t(s * row), 23), scale = randomData(1, 24);
  auto at = [&](const std::vector<float> &x, int64_t pos, int64_t head, int64_t i) {
    return x[size_t(pos * row + head * dh + i)];
  };
  auto viewDesc = [&](int64_t m, int64_t n, int64_t kk, std::initializer_list<int64_t> lhs,
                      std::initializer_list<int64_t> rhs, std::initializer_list<int64_t> dst) {
    std::vector<int64_t> d = emptyDesc();
    int64_t head[] = {DLC_DNNL_MATMUL, h, m, n, kk, 1, 1, 0, 0, bits(1.f)};
    std::copy(std::begin(head), std::end(head), d.begin());
    d[DLC_DNNL_CONST_WEIGHTS] = constWeights;
    d[DLC_DNNL_MATMUL_VIEWS] = 1;
    d[DLC_DNNL_MATMUL_BATCH_DIMS] = 1;
    d[DLC_DNNL_MATMUL_BATCH_DIMS + 1] = h;
    std::copy(lhs.begin(), lhs.end(), d.begin() + DLC_DNNL_MATMUL_LHS_STRIDES);
    std::copy(rhs.begin(), rhs.end(), d.begin() + DLC_DNNL_MATMUL_RHS_STRIDES);
    std::copy(dst.begin(), dst.end(), d.begin() + DLC_DNNL_MATMUL_DST_STRIDES);
    return d;
  };
  // scores[h, i, j] = sum_d Q[i, h, d] * K[j, h, d] / scale
  std::vector<int64_t> qk = viewDesc(s, s, dh, {s * row, dh, row, 1}, {s * row, dh, 1, row},
                                     {h * s * s, s * s, s, 1});
  addPostOp(qk, DLC_DNNL_POST_DIV, 0, 0, DLC_DNNL_BCAST_SCALAR);
  std::vector<float> scores(size_t(h * s * s), NAN), wantScores(scores.size());
  for (int64_t hh = 0; hh < h; ++hh)
    for (int64_t i = 0; i < s; ++i)
      for (int64_t j = 0; j < s; ++j) {
        double acc = 0;
        for (int64_t x = 0; x < dh; ++x)
          acc += double(at(q, i, hh, x)) * at(k, j, hh, x);
        wantScores[size_t((hh * s + i) * s + j)] = float(acc) / scale[0];
      }
  int64_t cache[2] = {0, 0};
  dlc_dnnl_matmul(cache, qk.data(), q.data(), k.data(), scores.data(), scale.data(),
                  scores.data(), scores.data());
  expectClose(scores, wantScores);
  // out[i, h, d] = sum_j scores[h, i, j] * V[j, h, d], written as [S, H * D]
  std::vector<int64_t> pv = viewDesc(s, dh, s, {h * s * s, s * s, s, 1}, {s * row, dh, row, 1},
                                     {s * row, dh, row, 1});
  std::vector<float> out(size_t(s * row), NAN), wantOut(out.size());
  for (int64_t hh = 0; hh < h; ++hh)
    for (int64_t i = 0; i < s; ++i)
      for (int64_t x = 0; x < dh; ++x) {
        double acc = 0;
        for (int64_t j = 0; j < s; ++j)
          acc += double(wantScores[size_t((hh * s + i) * s + j)]) * at(v, j, hh, x);
        wantOut[size_t(i * row + hh * dh + x)] = float(acc);
      }
  int64_t cache2[2] = {0, 0};
  dlc_dnnl_matmul(cache2, pv.data(), wantScores.data(), v.data(), out.data(), out.data(),
                  out.data(), out.data());
  expectClose(out, wantOut);
}

TEST(DnnlKernels, MatmulAttentionHeadViews) { checkAttentionViews(false); }
TEST(DnnlKernels, MatmulAttentionHeadViewsConstWeights) { checkAttentionViews(true); }

/// 3x3 stride-2 max pool with a begin pad of 1, output size as ceil_mode
/// gives (9x9 -> 5x5: the end pad is 1 too), every layout combination.
TEST(DnnlKernels, MaxPoolPaddedChannelsLast) {
  const int64_t n = 2, c = 20, h = 9, w = 9, oh = 5, ow = 5;
  std::vector<float> x = randomData(size_t(n * c * h * w), 61);
  std::vector<float> want(size_t(n * c * oh * ow));
  for (int64_t b = 0; b < n * c; ++b)
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j) {
        float m = -INFINITY;
        for (int64_t r = i * 2 - 1; r < i * 2 + 2; ++r)
          for (int64_t q = j * 2 - 1; q < j * 2 + 2; ++q)
            if (r >= 0 && r < h && q >= 0 && q < w)
              m = std::max(m, x[size_t((b * h + r) * w + q)]);
        want[size_t((b * oh + i) * ow + j)] = m;
      }
  for (int64_t layouts : std::vector<int64_t>{0, DLC_DNNL_NHWC_SRC, DLC_DNNL_NHWC_DST,
                                              DLC_DNNL_NHWC_SRC | DLC_DNNL_NHWC_DST}) {
    SCOPED_TRACE("layouts " + std::to_string(layouts));
    std::vector<int64_t> d = emptyDesc();
    int64_t v[] = {DLC_DNNL_MAX_POOL, n, c, h, w, oh, ow, 3, 3, 2, 2, 1, 1};
    std::copy(std::begin(v), std::end(v), d.begin());
    d[DLC_DNNL_LAYOUTS] = layouts;
    std::vector<float> src = layouts & DLC_DNNL_NHWC_SRC ? toNhwc(x, n, c, h * w) : x;
    int64_t cache[2] = {0, 0};
    std::vector<float> y(want.size(), NAN);
    dlc_dnnl_max_pool(cache, d.data(), src.data(), nullptr, nullptr, nullptr, nullptr, y.data());
    expectClose(layouts & DLC_DNNL_NHWC_DST ? toNhwc(y, n, c, oh * ow, /*back=*/true) : y, want);
  }
}

/// Softmax over the middle axis of [3, 37, 5] (values spread wide enough
/// that an unshifted exp would overflow).
TEST(DnnlKernels, SoftmaxMiddleAxis) {
  const int64_t outer = 3, n = 37, inner = 5;
  std::vector<float> x = randomData(size_t(outer * n * inner), 41);
  for (float &v : x)
    v *= 100.f;
  std::vector<float> want(x.size());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      auto at = [&](int64_t k) { return size_t((o * n + k) * inner + i); };
      double peak = -INFINITY, sum = 0;
      for (int64_t k = 0; k < n; ++k)
        peak = std::max(peak, double(x[at(k)]));
      for (int64_t k = 0; k < n; ++k)
        sum += std::exp(double(x[at(k)]) - peak);
      for (int64_t k = 0; k < n; ++k)
        want[at(k)] = float(std::exp(double(x[at(k)]) - peak) / sum);
    }
  std::vector<int64_t> d = emptyDesc();
  int64_t v[] = {DLC_DNNL_SOFTMAX, 3, 1, outer, n, inner};
  std::copy(std::begin(v), std::end(v), d.begin());
  int64_t cache[2] = {0, 0};
  std::vector<float> y(x.size(), NAN);
  dlc_dnnl_softmax(cache, d.data(), x.data(), nullptr, nullptr, nullptr, nullptr, y.data());
  expectClose(y, want);
}

/// Layer norm of [M, C] rows, with and without shift.
TEST(DnnlKernels, LayerNormRows) {
  const int64_t m = 6, c = 50;
  const float eps = 1e-3f;
  std::vector<float> x = randomData(size_t(m * c), 51), scale = randomData(size_t(c), 52),
                     shift = randomData(size_t(c), 53);
  for (bool hasShift : {true, false}) {
    std::vector<float> want(x.size());
    for (int64_t r = 0; r < m; ++r) {
      double mean = 0, var = 0;
      for (int64_t j = 0; j < c; ++j)
        mean += x[size_t(r * c + j)] / double(c);
      for (int64_t j = 0; j < c; ++j)
        var += std::pow(x[size_t(r * c + j)] - mean, 2) / double(c);
      for (int64_t j = 0; j < c; ++j)
        want[size_t(r * c + j)] = float((x[size_t(r * c + j)] - mean) / std::sqrt(var + eps) *
                                            scale[size_t(j)] +
                                        (hasShift ? shift[size_t(j)] : 0.f));
    }
    std::vector<int64_t> d = emptyDesc();
    int64_t v[] = {DLC_DNNL_LAYER_NORM, m, c, bits(eps)};
    std::copy(std::begin(v), std::end(v), d.begin());
    d[DLC_DNNL_HAS_BIAS] = hasShift;
    int64_t cache[2] = {0, 0};
    std::vector<float> y(x.size(), NAN);
    dlc_dnnl_layer_norm(cache, d.data(), x.data(), scale.data(), shift.data(), nullptr, nullptr,
                        y.data());
    expectClose(y, want);
  }
}

/// Many threads on one call site: one primitive, right answers everywhere.
TEST(DnnlKernels, ConcurrentCallsShareOneCallSite) {
  ConvShape s{1, 8, 9, 9, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  std::vector<int64_t> d = convDesc(s, false, true);
  auto w = randomData(size_t(8 * 8 * 9), 21);
  int64_t cache[2] = {0, 0};
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      auto x = randomData(size_t(8 * 81), 30 + unsigned(t));
      std::vector<float> y(size_t(8 * 81));
      auto want = naiveConv(s, x, w, nullptr);
      bool good = true;
      for (int rep = 0; rep < 5; ++rep) {
        dlc_dnnl_conv2d(cache, d.data(), x.data(), w.data(), y.data(), y.data(), y.data(),
                        y.data());
        for (size_t i = 0; i < y.size(); ++i)
          good &= std::fabs(y[i] - want[i]) <= 1e-4f + 1e-4f * std::fabs(want[i]);
      }
      ok[size_t(t)] = good;
    });
  for (auto &t : threads)
    t.join();
  for (int t = 0; t < 4; ++t)
    EXPECT_TRUE(ok[size_t(t)]) << "thread " << t;
}

/// The OpenMP implementation of dlc_rt_parallel_for: one contiguous range per
/// team member, together exactly [0, count), on as many distinct threads.
struct OmpRecord {
  std::mutex mutex;
  std::vector<int> times;
  std::set<std::thread::id> threads;
  int calls = 0;
};
void ompBody(int64_t begin, int64_t end, void *context) {
  auto &r = *static_cast<OmpRecord *>(context);
  std::lock_guard<std::mutex> lock(r.mutex);
  ++r.calls;
  r.threads.insert(std::this_thread::get_id());
  for (int64_t i = begin; i < end; ++i)
    ++r.times[size_t(i)];
}

TEST(DnnlKernels, OpenMpParallelForCoversEveryIndexOnce) {
  for (uint32_t threads : {1u, 2u, 3u}) {
    for (int64_t count : {int64_t(1), int64_t(2), int64_t(7), int64_t(1000)}) {
      OmpRecord r;
      r.times.assign(size_t(count), 0);
      dlc_openmp_parallel_for(count, ompBody, &r, threads);
      EXPECT_EQ(r.times, std::vector<int>(size_t(count), 1)) << threads << " threads, " << count;
      EXPECT_LE(r.calls, int(std::min<int64_t>(threads, count)));
      EXPECT_EQ(size_t(r.calls), r.threads.size()) << "one range per team member";
    }
  }
}

} // namespace
