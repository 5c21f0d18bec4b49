/* dlc_dnnl: the oneDNN kernels that compiled models call for convolutions
 * and matrix products (`dlc-dispatch-dnnl` emits the calls; libdlc_dnnl.a,
 * built from runtime/src/dnnl, implements them).
 *
 * This header is the contract between that pass and the library. Every call
 * site passes:
 *   cache    two int64 slots of a zero-initialized, mutable global owned by
 *            the call site: the library stores its primitive there on the
 *            first call (created once per call site, then reused);
 *   desc     a constant int64 descriptor (layout below) fixed at compile time;
 *   tensors  bare pointers to dense f32 buffers, row-major (NCHW for conv
 *            activations) unless desc[DLC_DNNL_LAYOUTS] marks a conv
 *            activation channels-last (NHWC: a tensor passed from one
 *            library conv to the next, never seen by generated code).
 *            Unused operands (no bias, fewer binary post-ops) receive any
 *            valid pointer and are not read.
 *
 * Thread-safety: any number of threads may call the same call site at once
 * (the primitive is created under a lock and published atomically; every
 * thread uses its own stream and scratchpad). Ownership: the library never
 * frees or keeps the tensors' memory; when the weights are marked constant it
 * keeps a copy reordered to oneDNN's preferred (blocked) layout, keyed by
 * the weights' address, for the life of the process.
 * Errors: an f32 attribute combination oneDNN rejects is computed without
 * the fused post-ops, which are then applied by plain loops. Anything else
 * oneDNN cannot do (no int8 implementation for this machine, an invalid
 * descriptor, no memory) fails the model run through dlc_rt_kernel_failed:
 * the call returns without writing dst, and the run reports the node.
 */
#ifndef DLC_DNNL_KERNELS_H
#define DLC_DNNL_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* desc[DLC_DNNL_KIND] */
enum {
  DLC_DNNL_CONV2D = 1,
  DLC_DNNL_MATMUL = 2,
  DLC_DNNL_SOFTMAX = 3,
  DLC_DNNL_LAYER_NORM = 4,
  DLC_DNNL_MAX_POOL = 5,
  DLC_DNNL_QCONV2D = 6, /* int8 conv: conv slots 1..18 + DLC_DNNL_QUANT_* */
  DLC_DNNL_QMATMUL = 7  /* int8 matmul: matmul slots 1..8 + DLC_DNNL_QUANT_* */
};

/* Descriptor slots shared by both kinds. */
enum {
  DLC_DNNL_KIND = 0,
  DLC_DNNL_HAS_BIAS = 19,        /* bias operand present (per output channel) */
  DLC_DNNL_CONST_WEIGHTS = 20,   /* weights never change: reorder once, cache */
  DLC_DNNL_NUM_POST_OPS = 21,
  DLC_DNNL_POST_OPS = 22,        /* num_post_ops records of 4 slots each */
  DLC_DNNL_MAX_POST_OPS = 8,
  DLC_DNNL_LAYOUTS = DLC_DNNL_POST_OPS + 4 * DLC_DNNL_MAX_POST_OPS, /* DLC_DNNL_NHWC_* bits */
  /* int8 kinds: 1 = signed (s8) source / destination, else u8; a source
   * zero point is passed; the multiplier has one value per output channel
   * (else one); the activation before the output zero point
   * (DLC_DNNL_QUANT_ACT_*) and a clip's bounds (f32 bits, in output-scale
   * units). */
  DLC_DNNL_QUANT_SRC_SIGNED = DLC_DNNL_LAYOUTS + 1,
  DLC_DNNL_QUANT_DST_SIGNED,
  DLC_DNNL_QUANT_SRC_ZP,
  DLC_DNNL_QUANT_PER_CHANNEL,
  DLC_DNNL_QUANT_ACTIVATION,
  DLC_DNNL_QUANT_CLIP_MIN,
  DLC_DNNL_QUANT_CLIP_MAX,
  DLC_DNNL_CONV_ALGORITHM, /* f32 conv: DLC_DNNL_CONV_* */
  /* int8 kinds: 1 = the multiplier and qscale are the same constants at
   * every call: the library reads them at the call site's first call and
   * fixes the scales in the primitive (always 1 for int8 convs). */
  DLC_DNNL_QUANT_FIXED_SCALES,
  /* f32 matmul: 1 = the operands are strided views (slots below). */
  DLC_DNNL_MATMUL_VIEWS,
  DLC_DNNL_MATMUL_BATCH_DIMS,                              /* b0, b1 */
  DLC_DNNL_MATMUL_LHS_STRIDES = DLC_DNNL_MATMUL_BATCH_DIMS + 2, /* 4 slots each, */
  DLC_DNNL_MATMUL_RHS_STRIDES = DLC_DNNL_MATMUL_LHS_STRIDES + 4, /* in elements */
  DLC_DNNL_MATMUL_DST_STRIDES = DLC_DNNL_MATMUL_RHS_STRIDES + 4,
  DLC_DNNL_DESC_SIZE = DLC_DNNL_MATMUL_DST_STRIDES + 4
};
/* desc[DLC_DNNL_CONV_ALGORITHM]. WINOGRAD: the compiler found the conv
 * eligible (3x3, stride 1, no dilation or groups, constant weights, channels
 * multiples of 16); the library uses oneDNN's Winograd convolution when it
 * has one for this machine with every post-op fused, else the direct one.
 * Winograd reads blocked (nChw16c) activations: the call reorders from and
 * to the caller's layout. */
enum { DLC_DNNL_CONV_DIRECT = 0, DLC_DNNL_CONV_WINOGRAD = 1 };
/* desc[DLC_DNNL_LAYOUTS] (conv, int8 conv and max pool; 0 = all NCHW): which activations are
 * channels-last. Binary operand i (a same-shape one) is NHWC_BINARY0 << i. */
enum { DLC_DNNL_NHWC_SRC = 1, DLC_DNNL_NHWC_DST = 2, DLC_DNNL_NHWC_BINARY0 = 4 };

/* Conv2D (NCHW src/dst, [K, C/group, KH, KW] weights) slots 1..18:
 * N C H W K KH KW OH OW strideH strideW padTop padLeft padBottom padRight
 * dilationH dilationW group (dilations in ONNX form: 1 = dense). */
/* MatMul slots 1..8: batch M N K lhsBatched rhsBatched transA transB;
 * lhs is [batch or 1, M, K] (transA: [.., K, M]), rhs [batch or 1, K, N]
 * (transB: [.., N, K]), dst [batch, M, N]. Slot 9: alpha as f32 bits.
 * With DLC_DNNL_MATMUL_VIEWS (transA = transB = 0): a 4-D problem, batch =
 * b0 * b1; lhs [b0, b1 | 1, 1, M, K], rhs [b0, b1 | 1, 1, K, N] (batched or
 * not, as slots 5/6 say) and dst [b0, b1, M, N], each element at its
 * operand's four strides from its pointer: a transposed or reshaped tensor
 * read or written in place (attention heads split from and merged into
 * [S, H * D]). Bias and binary operands stay dense over dst's dims; a
 * same-shape binary operand only with dense dst strides. */

/* Max pool slots 1..12: N C H W OH OW KH KW strideH strideW padTop padLeft
 * (the end pads follow from OH/OW; no dilation).
 * Softmax slots 1..: rank (<= DLC_DNNL_MAX_RANK), axis, then the dims.
 * Layer norm slots 1..3: M, C, epsilon as f32 bits: src/dst [M, C]
 * normalized over C, scale and (HAS_BIAS) shift [C]. Neither takes
 * post-ops; weights/bias/binary operands not listed are unused. */
#define DLC_DNNL_MAX_RANK 8

/* A post-op record: kind, a, b (f32 bits), broadcast of the binary operand. */
enum {
  DLC_DNNL_POST_RELU = 1,      /* a = negative slope (0: relu, else leaky relu) */
  DLC_DNNL_POST_CLIP = 2,      /* a = lower bound, b = upper bound */
  DLC_DNNL_POST_SIGMOID = 3,
  DLC_DNNL_POST_TANH = 4,
  DLC_DNNL_POST_GELU_ERF = 5,
  DLC_DNNL_POST_GELU_TANH = 6,
  DLC_DNNL_POST_ADD = 10,      /* dst += the next binary operand */
  DLC_DNNL_POST_MUL = 11,      /* dst *= the next binary operand */
  DLC_DNNL_POST_DIV = 12       /* dst /= the next binary operand */
};
/* desc[DLC_DNNL_QUANT_ACTIVATION] */
enum {
  DLC_DNNL_QUANT_ACT_NONE = 0,
  DLC_DNNL_QUANT_ACT_RELU = 1,
  DLC_DNNL_QUANT_ACT_CLIP = 2,
  /* gelu(x) does not commute with the output scale: the output scales are
   * the multiplier alone, then gelu, then 1 / qscale (read once, at the
   * call site's first call: qscale must be constant). */
  DLC_DNNL_QUANT_ACT_GELU_ERF = 3,
  DLC_DNNL_QUANT_ACT_GELU_TANH = 4
};
/* Broadcast of a binary operand against dst. */
enum {
  DLC_DNNL_BCAST_NONE = 0,     /* same shape as dst */
  DLC_DNNL_BCAST_CHANNEL = 1,  /* one value per output channel (conv: dim 1, matmul: N) */
  DLC_DNNL_BCAST_SCALAR = 2    /* one value */
};
/* At most this many binary post-ops (operands binary0, binary1). */
#define DLC_DNNL_MAX_BINARY 2

void dlc_dnnl_conv2d(int64_t *cache, const int64_t *desc, const float *src, const float *weights,
                     const float *bias, const float *binary0, const float *binary1, float *dst);

void dlc_dnnl_matmul(int64_t *cache, const int64_t *desc, const float *lhs, const float *rhs,
                     const float *bias, const float *binary0, const float *binary1, float *dst);

/* src, dst: the tensor softmax runs on (the other operands are unused). */
void dlc_dnnl_softmax(int64_t *cache, const int64_t *desc, const float *src, const float *unused0,
                      const float *unused1, const float *unused2, const float *unused3,
                      float *dst);

/* src, dst: NCHW or as DLC_DNNL_LAYOUTS says (the other operands are unused). */
void dlc_dnnl_max_pool(int64_t *cache, const int64_t *desc, const float *src,
                       const float *unused0, const float *unused1, const float *unused2,
                       const float *unused3, float *dst);

void dlc_dnnl_layer_norm(int64_t *cache, const int64_t *desc, const float *src,
                         const float *scale, const float *shift, const float *unused0,
                         const float *unused1, float *dst);

/* int8 conv / matmul: the folded QDQ form (dlc-fold-qdq) of a kernel,
 *   dst = saturate(roundeven([relu|clip](f64(acc) * multiplier / qscale)) + dst_zp)
 *   (gelu: saturate(roundeven(gelu(f64(acc) * multiplier) / qscale) + dst_zp))
 *   acc = conv|matmul(i32(src) - src_zp, weights) + bias          (int32)
 * with 8-bit src and dst (u8 or s8, as the name says), constant weights
 * whose int32 values fit int8 (converted and reordered once), int32 bias
 * (HAS_BIAS), f64 multiplier ([C] or one) and qscale (one), int32 src_zp
 * (QUANT_SRC_ZP) and dst_zp of dst's type. A call site with
 * QUANT_FIXED_SCALES (every conv: oneDNN 2.6 int8 convs take no run-time
 * scales) reads its multiplier and qscale once, at its first call: they
 * must be constants; a matmul without it converts them on every call. oneDNN computes the scaling in
 * f32: a value within rounding error of a .5 tie may land one step from
 * the f64 form. NCHW / row-major (conv: NHWC as DLC_DNNL_LAYOUTS says), no
 * post-ops besides the activation. */
#define DLC_DNNL_QUANT_SIGNATURE(name, src_t, dst_t)                                         \
  void name(int64_t *cache, const int64_t *desc, const src_t *src, const int32_t *weights,   \
            const int32_t *bias, const double *multiplier, const double *qscale,             \
            const int32_t *src_zp, const dst_t *dst_zp, dst_t *dst)
DLC_DNNL_QUANT_SIGNATURE(dlc_dnnl_qconv2d_u8_u8, uint8_t, uint8_t);
DLC_DNNL_QUANT_SIGNATURE(dlc_dnnl_qconv2d_u8_s8, uint8_t, int8_t);
DLC_DNNL_QUANT_SIGNATURE(dlc_dnnl_qconv2d_s8_u8, int8_t, uint8_t);
DLC_DNNL_QUANT_SIGNATURE(dlc_dnnl_qconv2d_s8_s8, int8_t, int8_t);
DLC_DNNL_QUANT_SIGNATURE(dlc_dnnl_qmatmul_u8_u8, uint8_t, uint8_t);
DLC_DNNL_QUANT_SIGNATURE(dlc_dnnl_qmatmul_u8_s8, uint8_t, int8_t);
DLC_DNNL_QUANT_SIGNATURE(dlc_dnnl_qmatmul_s8_u8, int8_t, uint8_t);
DLC_DNNL_QUANT_SIGNATURE(dlc_dnnl_qmatmul_s8_s8, int8_t, int8_t);

/* The number of threads a kernel may use, as the runtime's executor says for
 * the calling thread (libdlcrt defines it; 1 outside a model run). When that
 * is more than one and the run executes nodes in parallel, the first call
 * during a node also reserves the run's threads for this kernel until it
 * returns (waiting while another kernel of the run holds them): two
 * multi-threaded library calls of one run never overlap. Call it only for
 * work that will use the threads. */
uint32_t dlc_rt_kernel_threads(void);

/* Fails the model run that called this kernel (libdlcrt defines it): the
 * run skips the kernels not yet started and returns `status` (a dlc_status;
 * other values become DLC_INTERNAL) with the node's name and `message`
 * (copied). The first failure of a run is the one reported. Outside a run
 * the message is kept for the calling thread (tests). Thread-safe. */
void dlc_rt_kernel_failed(int status, const char *message);

#ifdef __cplusplus
}
#endif

#endif /* DLC_DNNL_KERNELS_H */
