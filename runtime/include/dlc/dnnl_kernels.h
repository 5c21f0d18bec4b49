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
 * No function reports errors: descriptors come from the compiler, and an
 * attribute combination oneDNN rejects at run time is computed without the
 * fused post-ops, which are then applied by plain loops.
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
  DLC_DNNL_MAX_POOL = 5
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
  DLC_DNNL_DESC_SIZE = DLC_DNNL_LAYOUTS + 1
};
/* desc[DLC_DNNL_LAYOUTS] (conv and max pool; 0 = all NCHW): which activations are
 * channels-last. Binary operand i (a same-shape one) is NHWC_BINARY0 << i. */
enum { DLC_DNNL_NHWC_SRC = 1, DLC_DNNL_NHWC_DST = 2, DLC_DNNL_NHWC_BINARY0 = 4 };

/* Conv2D (NCHW src/dst, [K, C/group, KH, KW] weights) slots 1..18:
 * N C H W K KH KW OH OW strideH strideW padTop padLeft padBottom padRight
 * dilationH dilationW group (dilations in ONNX form: 1 = dense). */
/* MatMul slots 1..8: batch M N K lhsBatched rhsBatched transA transB;
 * lhs is [batch or 1, M, K] (transA: [.., K, M]), rhs [batch or 1, K, N]
 * (transB: [.., N, K]), dst [batch, M, N]. Slot 9: alpha as f32 bits. */

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
  DLC_DNNL_POST_MUL = 11       /* dst *= the next binary operand */
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

/* The number of threads a kernel may use, as the runtime's executor says for
 * the calling thread (libdlcrt defines it; 1 outside a model run). */
uint32_t dlc_rt_kernel_threads(void);

#ifdef __cplusplus
}
#endif

#endif /* DLC_DNNL_KERNELS_H */
