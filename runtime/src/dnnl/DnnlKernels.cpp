// oneDNN convolutions and matrix products for compiled models (see
// include/dlc/dnnl_kernels.h for the contract with dlc-dispatch-dnnl).
//
// Activations are in dlc's plain row-major layout (NCHW, [.., M, N]) so a
// call replaces a generated kernel one to one, except conv activations the
// descriptor marks channels-last (passed between library convs only, see
// DLC_DNNL_LAYOUTS); constant weights move to the layout the primitive
// prefers, once. Post-ops (bias, activations, residual adds) run inside the
// primitive.
#include "dlc/dnnl_kernels.h"
#include "dlc/parallel_for.h"
#include "dlc/runtime.h"

#include <dnnl.hpp>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {
using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

float bitsToFloat(int64_t bits) {
  uint32_t b = uint32_t(bits);
  float f;
  std::memcpy(&f, &b, sizeof f);
  return f;
}

dnnl::engine &cpuEngine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

/// A call site's arguments on one thread. The memory objects are made at
/// the thread's first call and later calls only swap their data handles:
/// making them (heap allocations each) cost 1-3 us of a 20 us MobileNet
/// conv. `args` go to the primitive, `aux` to the reorders around it.
struct BoundArgs {
  std::unordered_map<int, memory> args, aux;

  static memory &bind(std::unordered_map<int, memory> &map, int arg, const memory::desc &desc,
                      const void *data) {
    auto it = map.find(arg);
    if (it == map.end())
      return map.emplace(arg, memory(desc, cpuEngine(), const_cast<void *>(data))).first->second;
    it->second.set_data_handle(const_cast<void *>(data));
    return it->second;
  }
  memory &arg(int arg, const memory::desc &desc, const void *data) {
    return bind(args, arg, desc, data);
  }
  memory &auxiliary(int arg, const memory::desc &desc, const void *data) {
    return bind(aux, arg, desc, data);
  }
};

/// One stream and one scratchpad per thread: primitives are shared by all
/// threads of all runs, these are not.
struct ThreadState {
  dnnl::stream stream{cpuEngine()};
  std::vector<uint8_t> scratch;
  int ompThreads = 0;
  // Per call site; like the call sites themselves, kept for the thread's life.
  std::unordered_map<const void *, BoundArgs> bound;
};
ThreadState &threadState() {
  thread_local ThreadState state;
  return state;
}

/// Matches OpenMP's team size to the executor's thread count for this run
/// (one thread for a small call: see kSmallWork).
void useRuntimeThreads(ThreadState &ts, bool small = false) {
  int want = small ? 1 : int(dlc_rt_kernel_threads());
  if (want < 1)
    want = 1;
  if (ts.ompThreads != want) {
    omp_set_num_threads(want);
    ts.ompThreads = want;
  }
}

struct PostOp {
  int64_t kind;
  float a, b;
  int64_t broadcast;
};

std::vector<PostOp> readPostOps(const int64_t *desc) {
  std::vector<PostOp> ops;
  for (int64_t i = 0; i < desc[DLC_DNNL_NUM_POST_OPS] && i < DLC_DNNL_MAX_POST_OPS; ++i) {
    const int64_t *r = desc + DLC_DNNL_POST_OPS + 4 * i;
    ops.push_back({r[0], bitsToFloat(r[1]), bitsToFloat(r[2]), r[3]});
  }
  return ops;
}

bool isBinary(const PostOp &op) {
  return op.kind == DLC_DNNL_POST_ADD || op.kind == DLC_DNNL_POST_MUL ||
         op.kind == DLC_DNNL_POST_DIV;
}

/// dims of a binary operand of `dst` with the given broadcast; `channel` is
/// the dim holding output channels.
memory::dims binaryDims(const memory::dims &dst, int64_t broadcast, size_t channel) {
  if (broadcast == DLC_DNNL_BCAST_NONE)
    return dst;
  memory::dims dims(dst.size(), 1);
  if (broadcast == DLC_DNNL_BCAST_CHANNEL)
    dims[channel] = dst[channel];
  return dims;
}

tag plainTag(size_t rank) {
  switch (rank) {
  case 1: return tag::a;
  case 2: return tag::ab;
  case 3: return tag::abc;
  case 4: return tag::abcd;
  default: return tag::abcde;
  }
}

/// The index of the post-op done as oneDNN's `sum` (dst preloaded with the
/// operand: any layout, fused by every convolution), or -1: the first add of
/// a same-shape operand (a residual).
int sumPostOp(const std::vector<PostOp> &ops) {
  for (size_t i = 0; i < ops.size(); ++i)
    if (ops[i].kind == DLC_DNNL_POST_ADD && ops[i].broadcast == DLC_DNNL_BCAST_NONE)
      return int(i);
  return -1;
}

/// The memory of binary operand `index` (a conv's same-shape operands may be
/// channels-last, see DLC_DNNL_LAYOUTS).
memory::desc binaryDesc(const PostOp &op, unsigned index, const memory::dims &dst,
                        size_t channel, int64_t layouts) {
  memory::dims dims = binaryDims(dst, op.broadcast, channel);
  if (op.broadcast == DLC_DNNL_BCAST_NONE && (layouts & (DLC_DNNL_NHWC_BINARY0 << index)))
    return memory::desc(dims, dt::f32, tag::nhwc);
  return memory::desc(dims, dt::f32, plainTag(dims.size()));
}

dnnl::post_ops makePostOps(const std::vector<PostOp> &ops, const memory::dims &dst,
                           size_t channel, int sumIndex, int64_t layouts) {
  dnnl::post_ops po;
  unsigned binary = 0;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (isBinary(ops[i]))
      ++binary;
    const PostOp &op = ops[i];
    if (int(i) == sumIndex) {
      po.append_sum(1.f);
      continue;
    }
    unsigned index = binary - 1; // of this op's operand, if it has one
    using alg = dnnl::algorithm;
    switch (op.kind) {
    case DLC_DNNL_POST_RELU: po.append_eltwise(1.f, alg::eltwise_relu, op.a, 0.f); break;
    case DLC_DNNL_POST_CLIP: po.append_eltwise(1.f, alg::eltwise_clip_v2, op.a, op.b); break;
    case DLC_DNNL_POST_SIGMOID: po.append_eltwise(1.f, alg::eltwise_logistic, 0.f, 0.f); break;
    case DLC_DNNL_POST_TANH: po.append_eltwise(1.f, alg::eltwise_tanh, 0.f, 0.f); break;
    case DLC_DNNL_POST_GELU_ERF: po.append_eltwise(1.f, alg::eltwise_gelu_erf, 0.f, 0.f); break;
    case DLC_DNNL_POST_GELU_TANH: po.append_eltwise(1.f, alg::eltwise_gelu_tanh, 0.f, 0.f); break;
    case DLC_DNNL_POST_ADD:
    case DLC_DNNL_POST_MUL:
    case DLC_DNNL_POST_DIV: {
      alg kind = op.kind == DLC_DNNL_POST_ADD   ? alg::binary_add
                 : op.kind == DLC_DNNL_POST_MUL ? alg::binary_mul
                                                : alg::binary_div;
      po.append_binary(kind, binaryDesc(op, index, dst, channel, layouts));
      break;
    }
    }
  }
  return po;
}

/// The post-ops by plain loops, for a primitive created without them.
/// `channelsLast`: `out` is NHWC (same-shape operands are in its layout).
void applyPostOps(const std::vector<PostOp> &ops, const memory::dims &dst, size_t channel,
                  bool channelsLast, const float *const *binary, float *out) {
  int64_t total = 1, inner = 1;
  for (size_t d = 0; d < dst.size(); ++d) {
    total *= dst[d];
    if (d > channel && !channelsLast)
      inner *= dst[d];
  }
  int64_t channels = dst[channel];
  unsigned nextBinary = 0;
  for (const PostOp &op : ops) {
    const float *src1 = isBinary(op) ? binary[nextBinary++] : nullptr;
    for (int64_t i = 0; i < total; ++i) {
      float &x = out[i];
      float y = 0.f;
      if (src1)
        y = op.broadcast == DLC_DNNL_BCAST_NONE      ? src1[i]
            : op.broadcast == DLC_DNNL_BCAST_CHANNEL ? src1[(i / inner) % channels]
                                                     : src1[0];
      switch (op.kind) {
      case DLC_DNNL_POST_RELU: x = x < 0.f ? x * op.a : x; break;
      case DLC_DNNL_POST_CLIP: x = std::fmin(std::fmax(x, op.a), op.b); break;
      case DLC_DNNL_POST_SIGMOID: x = 1.f / (1.f + std::exp(-x)); break;
      case DLC_DNNL_POST_TANH: x = std::tanh(x); break;
      case DLC_DNNL_POST_GELU_ERF: x = 0.5f * x * (1.f + std::erf(x * float(M_SQRT1_2))); break;
      case DLC_DNNL_POST_GELU_TANH:
        x = 0.5f * x *
            (1.f + std::tanh(0.7978845608f * (x + 0.044715f * x * x * x)));
        break;
      case DLC_DNNL_POST_ADD: x += y; break;
      case DLC_DNNL_POST_MUL: x *= y; break;
      case DLC_DNNL_POST_DIV: x /= y; break;
      }
    }
  }
}

/// What one call site keeps: the primitive, the reorders between dlc's
/// plain activations and the layouts the primitive chose, and the reordered
/// constant weights per weights address (one model image normally has one).
struct CallSite {
  dnnl::primitive prim;
  memory::desc src, weights, plainWeights, bias, dst, scratch;
  memory::desc primSrc, primDst; // the primitive's layouts (== src/dst: no reorder)
  dnnl::reorder srcIn, dstOut; // src -> primSrc, primDst -> dst
  std::vector<memory::desc> binaries; // as the caller passes them
  std::vector<PostOp> postOps;
  int64_t layouts = 0; // DLC_DNNL_NHWC_* bits of the descriptor
  bool small = false;  // runs on one thread (kSmallWork)
  dnnl::reorder sumIn; // the sum operand -> primDst, when their layouts differ
  bool fusedPostOps = true;
  bool constWeights = false;
  int sumIndex = -1; // post-op done as `sum`; its operand is preloaded into dst
  size_t channel = 1;
  std::mutex weightsMutex;
  std::vector<std::pair<const float *, memory>> reordered;

  /// Weights in the primitive's layout: the caller's buffer when it already
  /// is, else a reordered copy (cached when the weights are constant).
  memory weightsMemory(const float *data, memory &scratchCopy, dnnl::stream &stream) {
    memory plain(plainWeights, cpuEngine(), const_cast<float *>(data));
    if (weights == plainWeights)
      return plain;
    if (constWeights) {
      std::lock_guard<std::mutex> lock(weightsMutex);
      for (auto &[ptr, mem] : reordered)
        if (ptr == data)
          return mem;
    }
    memory copy(weights, cpuEngine());
    if (plainWeights.data_type() == dt::s32) {
      // int8: s32 -> s8 in the plain layout first; oneDNN has no s32 -> s8
      // reorder into layouts with zero-point compensation.
      memory::desc narrowDesc = plainWeights;
      narrowDesc.data.data_type = dnnl_s8;
      memory narrow(narrowDesc, cpuEngine());
      dnnl::reorder(plain, narrow).execute(stream, plain, narrow);
      dnnl::reorder(narrow, copy).execute(stream, narrow, copy);
    } else {
      dnnl::reorder(plain, copy).execute(stream, plain, copy);
    }
    stream.wait();
    if (constWeights) {
      std::lock_guard<std::mutex> lock(weightsMutex);
      reordered.emplace_back(data, copy);
    } else {
      scratchCopy = copy;
    }
    return copy;
  }

  /// Reorders between the plain and the primitive's layouts, created once.
  void prepareReorders() {
    if (primSrc != src)
      srcIn = dnnl::reorder(dnnl::reorder::primitive_desc(cpuEngine(), src, cpuEngine(), primSrc));
    if (primDst != dst)
      dstOut = dnnl::reorder(dnnl::reorder::primitive_desc(cpuEngine(), primDst, cpuEngine(), dst));
    if (fusedPostOps && sumIndex >= 0) {
      const memory::desc &operand = binaries[sumBinary()];
      if (operand != primDst)
        sumIn = dnnl::reorder(
            dnnl::reorder::primitive_desc(cpuEngine(), operand, cpuEngine(), primDst));
    }
  }

  /// The binary operand index of the sum post-op.
  unsigned sumBinary() const {
    unsigned b = 0;
    for (int i = 0; i < sumIndex; ++i)
      b += isBinary(postOps[size_t(i)]);
    return b;
  }

  /// Plain-loop post-ops (no fused ones): same-shape operands must be in the
  /// layout of `dst`; those that are not are reordered into `copies`.
  void applyUnfused(const float *const *binaryData, float *dstData) {
    std::vector<const float *> operands(binaryData, binaryData + DLC_DNNL_MAX_BINARY);
    std::vector<memory> copies;
    unsigned b = 0;
    for (const PostOp &op : postOps) {
      if (!isBinary(op))
        continue;
      bool operandNhwc = (layouts & (DLC_DNNL_NHWC_BINARY0 << b)) != 0;
      if (op.broadcast == DLC_DNNL_BCAST_NONE && operandNhwc != dstNhwc()) {
        memory::desc from = conv4d(dst.dims(), operandNhwc);
        memory src(from, cpuEngine(), const_cast<float *>(operands[b]));
        memory copy(dst, cpuEngine());
        dnnl::stream &stream = threadState().stream;
        dnnl::reorder(src, copy).execute(stream, src, copy);
        stream.wait();
        copies.push_back(copy);
        operands[b] = static_cast<const float *>(copy.get_data_handle());
      }
      ++b;
    }
    applyPostOps(postOps, dst.dims(), channel, dstNhwc(), operands.data(), dstData);
  }

  bool dstNhwc() const { return (layouts & DLC_DNNL_NHWC_DST) != 0; }

  static memory::desc conv4d(const memory::dims &dims, bool nhwc) {
    return memory::desc(dims, dt::f32, nhwc ? tag::nhwc : tag::nchw);
  }

  /// `extra`: more primitive arguments (int8 scales and zero points).
  void execute(const void *srcData, const void *weightsPtr, const void *biasPtr,
               const float *const *binaryData, void *dstPtr,
               const std::unordered_map<int, memory> &extra = {}) {
    auto src = static_cast<const float *>(srcData);
    auto weightsData = static_cast<const float *>(weightsPtr);
    auto biasData = static_cast<const float *>(biasPtr);
    auto dstData = static_cast<float *>(dstPtr);
    ThreadState &ts = threadState();
    useRuntimeThreads(ts, small);
    BoundArgs &bound = ts.bound[this];
    memory tmp;
    // Activations in the primitive's layout live in per-thread buffers.
    size_t srcBytes = primSrc != this->src ? primSrc.get_size() : 0;
    size_t dstBytes = primDst != dst ? primDst.get_size() : 0;
    size_t scratchBytes = scratch.get_size();
    size_t need = srcBytes + dstBytes + scratchBytes + 128;
    if (ts.scratch.size() < need)
      ts.scratch.resize(need);
    uint8_t *next = ts.scratch.data();
    auto carve = [&](size_t bytes) {
      uint8_t *p = reinterpret_cast<uint8_t *>((reinterpret_cast<uintptr_t>(next) + 63) & ~uintptr_t(63));
      next = p + bytes;
      return p;
    };
    enum { kUserSrc, kUserDst, kSumOperand }; // aux keys
    if (srcBytes) {
      memory &srcMem = bound.arg(DNNL_ARG_SRC, primSrc, carve(srcBytes));
      srcIn.execute(ts.stream, bound.auxiliary(kUserSrc, this->src, src), srcMem);
    } else {
      bound.arg(DNNL_ARG_SRC, this->src, src);
    }
    memory &dstMem = dstBytes ? bound.arg(DNNL_ARG_DST, primDst, carve(dstBytes))
                              : bound.arg(DNNL_ARG_DST, dst, dstData);
    if (weightsData) // pooling has none
      bound.args[DNNL_ARG_WEIGHTS] = weightsMemory(weightsData, tmp, ts.stream);
    if (biasData)
      bound.arg(DNNL_ARG_BIAS, bias, biasData);
    if (fusedPostOps) {
      unsigned b = 0;
      for (size_t i = 0; i < postOps.size(); ++i) {
        if (!isBinary(postOps[i]))
          continue;
        if (int(i) == sumIndex) { // dst starts as the residual
          if (sumIn)
            sumIn.execute(ts.stream, bound.auxiliary(kSumOperand, binaries[b], binaryData[b]),
                          dstMem);
          else
            std::memcpy(dstMem.get_data_handle(), binaryData[b], primDst.get_size());
        } else {
          bound.arg(DNNL_ARG_ATTR_MULTIPLE_POST_OP(int(i)) | DNNL_ARG_SRC_1, binaries[b],
                    binaryData[b]);
        }
        ++b;
      }
    }
    for (const auto &[arg, mem] : extra)
      bound.args[arg] = mem;
    bound.arg(DNNL_ARG_SCRATCHPAD, scratch, carve(scratchBytes));
    prim.execute(ts.stream, bound.args);
    if (dstBytes)
      dstOut.execute(ts.stream, dstMem, bound.auxiliary(kUserDst, dst, dstData));
    ts.stream.wait();
    if (!fusedPostOps)
      applyUnfused(binaryData, dstData);
  }
};

/// Per element, softmax (an exp, max and sum passes, a divide) and layer
/// norm (mean and variance passes, scale and shift) cost about this many
/// multiply-adds: measured with oneDNN 2.6 on AVX-512, BERT's
/// [12, 128, 128] softmax takes 0.100 ms on one thread and 0.053 ms on two,
/// its [128, 768] layer norm 0.015 and 0.010 ms.
constexpr int64_t kSoftmaxWorkPerElement = 16, kLayerNormWorkPerElement = 8;

/// Multiply-adds of a call (elements times window for pooling; softmax and
/// layer norm in multiply-add equivalents, above).
int64_t workOf(const int64_t *d) {
  switch (d[DLC_DNNL_KIND]) {
  case DLC_DNNL_CONV2D:
  case DLC_DNNL_QCONV2D:
    return d[1] * d[5] * d[8] * d[9] * (d[2] / std::max<int64_t>(1, d[18])) * d[6] * d[7];
  case DLC_DNNL_MATMUL:
  case DLC_DNNL_QMATMUL:
    return d[1] * d[2] * d[3] * d[4];
  case DLC_DNNL_SOFTMAX: {
    int64_t n = 1;
    for (int64_t i = 0; i < d[1]; ++i)
      n *= d[3 + i];
    return n * kSoftmaxWorkPerElement;
  }
  case DLC_DNNL_LAYER_NORM:
    return d[1] * d[2] * kLayerNormWorkPerElement;
  case DLC_DNNL_MAX_POOL:
    return d[1] * d[2] * d[5] * d[6] * d[7] * d[8];
  }
  return 0;
}

/// Below this much work a call runs on one thread: waking a sleeping
/// OpenMP team member costs more than it saves (tuned with
/// OMP_WAIT_POLICY=passive; executables now spin briefly, see Cli.cpp).
/// A tiny encoder (hidden 32) ran ~9x onnxruntime's time with 2 threads.
constexpr int64_t kSmallWork = int64_t(1) << 19;

/// Creates the call site's state once; later calls only load the pointer.
template <typename Create>
CallSite &callSite(int64_t *cache, const int64_t *desc, Create create) {
  void *state = __atomic_load_n(reinterpret_cast<void **>(cache), __ATOMIC_ACQUIRE);
  if (state)
    return *static_cast<CallSite *>(state);
  // oneDNN sizes a primitive's work split for the team it is created under.
  // Taken before the creation lock: a multi-threaded call may wait here for
  // its run's team (dlc_rt_kernel_threads), and must not hold that lock then.
  bool small = workOf(desc) < kSmallWork;
  useRuntimeThreads(threadState(), small);
  static std::mutex creationMutex;
  std::lock_guard<std::mutex> lock(creationMutex);
  state = __atomic_load_n(reinterpret_cast<void **>(cache), __ATOMIC_ACQUIRE);
  if (state)
    return *static_cast<CallSite *>(state);
  auto site = std::make_unique<CallSite>(); // lives as long as the process
  site->small = small;
  site->postOps = readPostOps(desc);
  site->constWeights = desc[DLC_DNNL_CONST_WEIGHTS] != 0;
  create(*site);
  CallSite *published = site.release();
  __atomic_store_n(reinterpret_cast<void **>(cache), published, __ATOMIC_RELEASE);
  return *published;
}

dnnl::primitive_attr userScratchpad() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

/// The primitive from `makePd(attr)` with every post-op fused, or nothing
/// when oneDNN rejects the combination.
template <typename Pd, typename MakePd>
std::optional<Pd> createFused(CallSite &site, MakePd makePd) {
  memory::dims dst = site.dst.dims();
  try {
    dnnl::primitive_attr fused = userScratchpad();
    if (!site.postOps.empty())
      fused.set_post_ops(
          makePostOps(site.postOps, dst, site.channel, site.sumIndex, site.layouts));
    Pd pd = makePd(fused);
    site.binaries.clear();
    for (const PostOp &op : site.postOps)
      if (isBinary(op))
        site.binaries.push_back(
            binaryDesc(op, unsigned(site.binaries.size()), dst, site.channel, site.layouts));
    site.fusedPostOps = true;
    return pd;
  } catch (const dnnl::error &) {
    return std::nullopt;
  }
}

/// Builds the primitive from `makePd(attr)`, with fused post-ops when
/// oneDNN accepts them, else without (CallSite::execute applies them).
template <typename Pd, typename MakePd>
Pd createWithPostOps(CallSite &site, MakePd makePd) {
  if (std::optional<Pd> pd = createFused<Pd>(site, makePd))
    return *pd;
  site.fusedPostOps = false;
  site.binaries.clear();
  return makePd(userScratchpad());
}

template <typename Primitive, typename Pd> void finish(CallSite &site, const Pd &pd) {
  site.primSrc = pd.src_desc();
  site.primDst = pd.dst_desc();
  site.prepareReorders();
  site.weights = pd.weights_desc();
  site.scratch = pd.scratchpad_desc();
  site.prim = Primitive(pd);
}
/// The weight dims of conv descriptor `d`: [K, C, KH, KW], or grouped
/// [G, K/G, C/G, KH, KW].
memory::dims convWeightDims(const int64_t *d) {
  int64_t c = d[2], k = d[5], kh = d[6], kw = d[7], group = d[18];
  return group == 1 ? memory::dims{k, c, kh, kw}
                    : memory::dims{group, k / group, c / group, kh, kw};
}

/// The forward-inference conv of descriptor `d` (slots 10..17).
dnnl::convolution_forward::desc convDesc(const int64_t *d, const memory::desc &src,
                                         const memory::desc &weights, const memory::desc *bias,
                                         const memory::desc &dst,
                                         dnnl::algorithm algo) {
  memory::dims strides{d[10], d[11]}, padL{d[12], d[13]}, padR{d[14], d[15]},
      dilations{d[16] - 1, d[17] - 1};
  auto kind = dnnl::prop_kind::forward_inference;
  return bias ? dnnl::convolution_forward::desc(kind, algo, src, weights, *bias, dst, strides,
                                                dilations, padL, padR)
              : dnnl::convolution_forward::desc(kind, algo, src, weights, dst, strides,
                                                dilations, padL, padR);
}

/// Runs an entry point's body: what oneDNN (or memory) refuses fails the
/// model run through dlc_rt_kernel_failed instead of escaping the C ABI.
/// `what` names the call for the message (the runtime adds the node).
template <typename Body> void guarded(const char *what, Body body) noexcept {
  auto fail = [&](int status, const std::string &why) {
    dlc_rt_kernel_failed(status, (std::string(what) + ": " + why).c_str());
  };
  try {
    body();
  } catch (const dnnl::error &e) {
    int status = e.status == dnnl_out_of_memory ? DLC_OUT_OF_MEMORY
                 : e.status == dnnl_unimplemented ? DLC_UNSUPPORTED
                                                  : DLC_INTERNAL;
    fail(status, std::string("oneDNN: ") + e.what());
  } catch (const std::bad_alloc &) {
    fail(DLC_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception &e) {
    fail(DLC_INTERNAL, e.what());
  }
}
} // namespace

extern "C" void dlc_dnnl_conv2d(int64_t *cache, const int64_t *d, const float *src,
                                const float *weights, const float *bias, const float *binary0,
                                const float *binary1, float *dst) {
  guarded("f32 convolution", [&] {
    bool hasBias = d[DLC_DNNL_HAS_BIAS] != 0;
    CallSite &site = callSite(cache, d, [&](CallSite &s) {
      int64_t n = d[1], c = d[2], h = d[3], w = d[4], k = d[5], oh = d[8], ow = d[9],
              group = d[18];
      s.channel = 1;
      s.layouts = d[DLC_DNNL_LAYOUTS];
      s.src = CallSite::conv4d({n, c, h, w}, s.layouts & DLC_DNNL_NHWC_SRC);
      s.dst = CallSite::conv4d({n, k, oh, ow}, s.layouts & DLC_DNNL_NHWC_DST);
      memory::dims wdims = convWeightDims(d);
      s.plainWeights = memory::desc(wdims, dt::f32, group == 1 ? tag::oihw : tag::goihw);
      memory::desc anyWeights =
          s.constWeights ? memory::desc(wdims, dt::f32, tag::any) : s.plainWeights;
      s.bias = memory::desc({k}, dt::f32, tag::a);
      // The primitive picks its activation layouts (channels-last or blocked:
      // much faster kernels than plain NCHW, depthwise above all); execute()
      // reorders around it where the caller's layout differs.
      memory::desc anySrc({n, c, h, w}, dt::f32, tag::any),
          anyDst({n, k, oh, ow}, dt::f32, tag::any);
      s.sumIndex = sumPostOp(s.postOps);
      using ConvPd = dnnl::convolution_forward::primitive_desc;
      auto make = [&](dnnl::algorithm algo) {
        return [&, algo](const dnnl::primitive_attr &attr) {
          return ConvPd(convDesc(d, anySrc, anyWeights, hasBias ? &s.bias : nullptr, anyDst, algo),
                        attr, cpuEngine());
        };
      };
      // Winograd only with all post-ops fused: else direct (fused or not).
      std::optional<ConvPd> winograd;
      if (d[DLC_DNNL_CONV_ALGORITHM] == DLC_DNNL_CONV_WINOGRAD && s.constWeights)
        winograd = createFused<ConvPd>(s, make(dnnl::algorithm::convolution_winograd));
      ConvPd pd = winograd
                      ? *winograd
                      : createWithPostOps<ConvPd>(s, make(dnnl::algorithm::convolution_direct));
      finish<dnnl::convolution_forward>(s, pd);
    });
    const float *binary[DLC_DNNL_MAX_BINARY] = {binary0, binary1};
    site.execute(src, weights, hasBias ? bias : nullptr, binary, dst);
  });
}

extern "C" void dlc_dnnl_matmul(int64_t *cache, const int64_t *d, const float *lhs,
                                const float *rhs, const float *bias, const float *binary0,
                                const float *binary1, float *dst) {
  guarded("f32 matmul", [&] {
    bool hasBias = d[DLC_DNNL_HAS_BIAS] != 0;
    CallSite &site = callSite(cache, d, [&](CallSite &s) {
      int64_t batch = d[1], m = d[2], n = d[3], k = d[4];
      bool lhsBatched = d[5] != 0, rhsBatched = d[6] != 0, transA = d[7] != 0,
           transB = d[8] != 0;
      float alpha = bitsToFloat(d[9]);
      // Shared 2-D weights: one [batch*M, K] x [K, N] product (when A is plain).
      bool flatten =
          batch > 1 && lhsBatched && !rhsBatched && !transA && !d[DLC_DNNL_MATMUL_VIEWS];
      if (flatten) {
        m *= batch;
        batch = 1;
      }
      memory::dims srcDims, wDims, dstDims, srcStrides, wStrides, dstStrides;
      if (d[DLC_DNNL_MATMUL_VIEWS]) {
        // Strided 4-D views (dlc_dnnl_kernels.h): no flattening, the
        // operands' element order is the caller's.
        int64_t b0 = d[DLC_DNNL_MATMUL_BATCH_DIMS], b1 = d[DLC_DNNL_MATMUL_BATCH_DIMS + 1];
        auto strides = [&](int slot) { return memory::dims(d + slot, d + slot + 4); };
        srcDims = lhsBatched ? memory::dims{b0, b1, m, k} : memory::dims{1, 1, m, k};
        wDims = rhsBatched ? memory::dims{b0, b1, k, n} : memory::dims{1, 1, k, n};
        dstDims = {b0, b1, m, n};
        srcStrides = strides(DLC_DNNL_MATMUL_LHS_STRIDES);
        wStrides = strides(DLC_DNNL_MATMUL_RHS_STRIDES);
        dstStrides = strides(DLC_DNNL_MATMUL_DST_STRIDES);
      } else if (batch == 1) {
        srcDims = {m, k};
        srcStrides = transA ? memory::dims{1, m} : memory::dims{k, 1};
        wDims = {k, n};
        wStrides = transB ? memory::dims{1, k} : memory::dims{n, 1};
        dstDims = {m, n};
      } else {
        srcDims = {lhsBatched ? batch : 1, m, k};
        srcStrides = transA ? memory::dims{m * k, 1, m} : memory::dims{m * k, k, 1};
        wDims = {rhsBatched ? batch : 1, k, n};
        wStrides = transB ? memory::dims{k * n, 1, k} : memory::dims{k * n, n, 1};
        dstDims = {batch, m, n};
      }
      s.channel = dstDims.size() - 1;
      s.src = memory::desc(srcDims, dt::f32, srcStrides);
      s.plainWeights = memory::desc(wDims, dt::f32, wStrides);
      s.dst = dstStrides.empty() ? memory::desc(dstDims, dt::f32, plainTag(dstDims.size()))
                                 : memory::desc(dstDims, dt::f32, dstStrides);
      memory::dims biasDims(dstDims.size(), 1);
      biasDims.back() = n;
      s.bias = memory::desc(biasDims, dt::f32, plainTag(biasDims.size()));
      memory::desc weightsDesc =
          s.constWeights ? memory::desc(wDims, dt::f32, tag::any) : s.plainWeights;
      auto pd = createWithPostOps<dnnl::matmul::primitive_desc>(
          s, [&](const dnnl::primitive_attr &base) {
            dnnl::primitive_attr attr = base;
            if (alpha != 1.f)
              attr.set_output_scales(0, {alpha});
            dnnl::matmul::desc desc = hasBias
                                          ? dnnl::matmul::desc(s.src, weightsDesc, s.bias, s.dst)
                                          : dnnl::matmul::desc(s.src, weightsDesc, s.dst);
            return dnnl::matmul::primitive_desc(desc, attr, cpuEngine());
          });
      finish<dnnl::matmul>(s, pd);
    });
    const float *binary[DLC_DNNL_MAX_BINARY] = {binary0, binary1};
    site.execute(lhs, rhs, hasBias ? bias : nullptr, binary, dst);
  });
}

namespace {
/// Softmax and layer norm: plain layouts, no weights to reorder, no
/// post-ops; `weights`/`bias` of the call site hold the scale/shift descs.
void executePlain(CallSite &site, const float *src, const float *scale, const float *shift,
                  float *dst) {
  ThreadState &ts = threadState();
  useRuntimeThreads(ts, site.small);
  size_t scratchBytes = site.scratch.get_size();
  if (ts.scratch.size() < scratchBytes + 64)
    ts.scratch.resize(scratchBytes + 64);
  auto *aligned = reinterpret_cast<uint8_t *>(
      (reinterpret_cast<uintptr_t>(ts.scratch.data()) + 63) & ~uintptr_t(63));
  BoundArgs &bound = ts.bound[&site];
  bound.arg(DNNL_ARG_SRC, site.src, src);
  bound.arg(DNNL_ARG_DST, site.dst, dst);
  bound.arg(DNNL_ARG_SCRATCHPAD, site.scratch, aligned);
  if (scale)
    bound.arg(DNNL_ARG_SCALE, site.weights, scale);
  if (shift)
    bound.arg(DNNL_ARG_SHIFT, site.bias, shift);
  site.prim.execute(ts.stream, bound.args);
  ts.stream.wait();
}

} // namespace

extern "C" void dlc_dnnl_softmax(int64_t *cache, const int64_t *d, const float *src,
                                 const float *, const float *, const float *, const float *,
                                 float *dst) {
  guarded("softmax", [&] {
    CallSite &site = callSite(cache, d, [&](CallSite &s) {
      memory::dims dims(d + 3, d + 3 + d[1]);
      s.src = s.dst = memory::desc(dims, dt::f32, plainTag(dims.size()));
      dnnl::softmax_forward::desc desc(dnnl::prop_kind::forward_inference, s.src, int(d[2]));
      dnnl::softmax_forward::primitive_desc pd(desc, userScratchpad(), cpuEngine());
      s.scratch = pd.scratchpad_desc();
      s.prim = dnnl::softmax_forward(pd);
    });
    executePlain(site, src, nullptr, nullptr, dst);
  });
}

extern "C" void dlc_dnnl_layer_norm(int64_t *cache, const int64_t *d, const float *src,
                                    const float *scale, const float *shift, const float *,
                                    const float *, float *dst) {
  guarded("layer norm", [&] {
    bool hasShift = d[DLC_DNNL_HAS_BIAS] != 0;
    CallSite &site = callSite(cache, d, [&](CallSite &s) {
      s.src = s.dst = memory::desc({d[1], d[2]}, dt::f32, tag::ab);
      s.weights = s.bias = memory::desc({d[2]}, dt::f32, tag::a);
      auto flags = dnnl::normalization_flags::use_scale;
      if (hasShift)
        flags = flags | dnnl::normalization_flags::use_shift;
      dnnl::layer_normalization_forward::desc desc(dnnl::prop_kind::forward_inference, s.src,
                                                   bitsToFloat(d[3]), flags);
      dnnl::layer_normalization_forward::primitive_desc pd(desc, userScratchpad(), cpuEngine());
      s.scratch = pd.scratchpad_desc();
      s.prim = dnnl::layer_normalization_forward(pd);
    });
    executePlain(site, src, scale, hasShift ? shift : nullptr, dst);
  });
}

extern "C" void dlc_dnnl_max_pool(int64_t *cache, const int64_t *d, const float *src,
                                  const float *, const float *, const float *, const float *,
                                  float *dst) {
  guarded("max pool", [&] {
    CallSite &site = callSite(cache, d, [&](CallSite &s) {
      int64_t n = d[1], c = d[2], h = d[3], w = d[4], oh = d[5], ow = d[6], kh = d[7], kw = d[8],
              sh = d[9], sw = d[10], pt = d[11], pl = d[12];
      s.layouts = d[DLC_DNNL_LAYOUTS];
      s.src = CallSite::conv4d({n, c, h, w}, s.layouts & DLC_DNNL_NHWC_SRC);
      s.dst = CallSite::conv4d({n, c, oh, ow}, s.layouts & DLC_DNNL_NHWC_DST);
      memory::dims padR{(oh - 1) * sh + kh - h - pt, (ow - 1) * sw + kw - w - pl};
      // The primitive reads the caller's src layout and picks dst (the same).
      memory::desc anyDst({n, c, oh, ow}, dt::f32, tag::any);
      dnnl::pooling_forward::desc desc(dnnl::prop_kind::forward_inference,
                                       dnnl::algorithm::pooling_max, s.src, anyDst, {sh, sw},
                                       {kh, kw}, {pt, pl}, padR);
      dnnl::pooling_forward::primitive_desc pd(desc, userScratchpad(), cpuEngine());
      s.primSrc = s.src;
      s.primDst = pd.dst_desc();
      s.prepareReorders();
      s.scratch = pd.scratchpad_desc();
      s.prim = dnnl::pooling_forward(pd);
    });
    site.execute(src, nullptr, nullptr, nullptr, dst);
  });
}

namespace {
/// multiplier / qscale in f32: one per channel or one.
bool isGelu(const int64_t *d) {
  return d[DLC_DNNL_QUANT_ACTIVATION] == DLC_DNNL_QUANT_ACT_GELU_ERF ||
         d[DLC_DNNL_QUANT_ACTIVATION] == DLC_DNNL_QUANT_ACT_GELU_TANH;
}

/// multiplier / qscale in f32 (multiplier alone before a gelu, which
/// applies 1 / qscale after it): one per channel or one.
std::vector<float> outputScales(const int64_t *d, size_t channels, const double *multiplier,
                                const double *qscale) {
  std::vector<float> scales(d[DLC_DNNL_QUANT_PER_CHANNEL] ? channels : 1);
  for (size_t c = 0; c < scales.size(); ++c)
    scales[c] = float(isGelu(d) ? multiplier[c] : multiplier[c] / *qscale);
  return scales;
}

/// The int8 attributes: output scales (per channel `channelDim` or one;
/// `fixedScales`, else given at run time), runtime zero points, relu.
/// oneDNN 2.6's int8 convolutions take no runtime scales, so the compiler
/// only dispatches convs whose scales are constants (dlc-dispatch-dnnl).
dnnl::primitive_attr quantAttr(const int64_t *d, int channelDim, double qscale,
                               const std::vector<float> *fixedScales = nullptr) {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  int mask = d[DLC_DNNL_QUANT_PER_CHANNEL] ? 1 << channelDim : 0;
  if (fixedScales)
    attr.set_output_scales(mask, *fixedScales);
  else
    attr.set_output_scales(mask, {DNNL_RUNTIME_F32_VAL});
  if (d[DLC_DNNL_QUANT_SRC_ZP])
    attr.set_zero_points(DNNL_ARG_SRC, 0, {DNNL_RUNTIME_S32_VAL});
  attr.set_zero_points(DNNL_ARG_DST, 0, {DNNL_RUNTIME_S32_VAL});
  if (d[DLC_DNNL_QUANT_ACTIVATION] != DLC_DNNL_QUANT_ACT_NONE) {
    dnnl::post_ops ops;
    switch (d[DLC_DNNL_QUANT_ACTIVATION]) {
    case DLC_DNNL_QUANT_ACT_RELU:
      ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
      break;
    case DLC_DNNL_QUANT_ACT_CLIP:
      ops.append_eltwise(1.f, dnnl::algorithm::eltwise_clip, bitsToFloat(d[DLC_DNNL_QUANT_CLIP_MIN]),
                         bitsToFloat(d[DLC_DNNL_QUANT_CLIP_MAX]));
      break;
    default: // gelu, then the 1 / qscale the output scales left out
      ops.append_eltwise(float(1.0 / qscale),
                         d[DLC_DNNL_QUANT_ACTIVATION] == DLC_DNNL_QUANT_ACT_GELU_ERF
                             ? dnnl::algorithm::eltwise_gelu_erf
                             : dnnl::algorithm::eltwise_gelu_tanh,
                         0.f, 0.f);
    }
    attr.set_post_ops(ops);
  }
  return attr;
}

dt quantType(const int64_t *d, int slot) { return d[slot] ? dt::s8 : dt::u8; }

/// Scales (multiplier / qscale, in f32) and zero points of one int8 call;
/// `extra` refers into this object, which lives until the call returns.
struct QuantArgs {
  std::vector<float> scales;
  int32_t srcZp = 0, dstZp = 0;
  std::unordered_map<int, memory> extra;

  /// `multiplier` null: the scales are fixed in the primitive.
  QuantArgs(const int64_t *d, size_t channels, const double *multiplier, const double *qscale,
            const int32_t *srcZpData, int32_t dstZpValue) {
    dnnl::engine &eng = cpuEngine();
    if (multiplier) {
      scales = outputScales(d, channels, multiplier, qscale);
      extra[DNNL_ARG_ATTR_OUTPUT_SCALES] =
          memory({{memory::dim(scales.size())}, dt::f32, tag::a}, eng, scales.data());
    }
    if (d[DLC_DNNL_QUANT_SRC_ZP]) {
      srcZp = *srcZpData;
      extra[DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_SRC] =
          memory({{1}, dt::s32, tag::a}, eng, &srcZp);
    }
    dstZp = dstZpValue;
    extra[DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_DST] = memory({{1}, dt::s32, tag::a}, eng, &dstZp);
  }
};

void quantConv(int64_t *cache, const int64_t *d, const void *src, const int32_t *weights,
               const int32_t *bias, const double *multiplier, const double *qscale,
               const int32_t *srcZp, int32_t dstZp, void *dst) {
  bool hasBias = d[DLC_DNNL_HAS_BIAS] != 0;
  CallSite &site = callSite(cache, d, [&](CallSite &s) {
    int64_t n = d[1], c = d[2], h = d[3], w = d[4], k = d[5], oh = d[8], ow = d[9],
            group = d[18];
    dt srcType = quantType(d, DLC_DNNL_QUANT_SRC_SIGNED),
       dstType = quantType(d, DLC_DNNL_QUANT_DST_SIGNED);
    s.channel = 1;
    s.layouts = d[DLC_DNNL_LAYOUTS]; // 8-bit tensors between int8 convs: NHWC
    s.src = memory::desc({n, c, h, w}, srcType,
                         s.layouts & DLC_DNNL_NHWC_SRC ? tag::nhwc : tag::nchw);
    s.dst = memory::desc({n, k, oh, ow}, dstType,
                         s.layouts & DLC_DNNL_NHWC_DST ? tag::nhwc : tag::nchw);
    memory::dims wdims = convWeightDims(d);
    // int32 weights from the compiler, converted to s8 by the cached reorder.
    s.plainWeights = memory::desc(wdims, dt::s32, group == 1 ? tag::oihw : tag::goihw);
    s.constWeights = true;
    s.bias = memory::desc({k}, dt::s32, tag::a);
    memory::desc anySrc({n, c, h, w}, srcType, tag::any), anyDst({n, k, oh, ow}, dstType, tag::any),
        anyWeights(wdims, dt::s8, tag::any);
    auto desc = convDesc(d, anySrc, anyWeights, hasBias ? &s.bias : nullptr, anyDst,
                         dnnl::algorithm::convolution_direct);
    std::vector<float> scales = outputScales(d, size_t(k), multiplier, qscale);
    dnnl::convolution_forward::primitive_desc pd(desc, quantAttr(d, 1, *qscale, &scales),
                                                 cpuEngine());
    finish<dnnl::convolution_forward>(s, pd);
  });
  QuantArgs q(d, size_t(d[5]), nullptr, qscale, srcZp, dstZp);
  site.execute(src, weights, hasBias ? bias : nullptr, nullptr, dst, q.extra);
}

void quantMatMul(int64_t *cache, const int64_t *d, const void *lhs, const int32_t *weights,
                 const int32_t *bias, const double *multiplier, const double *qscale,
                 const int32_t *srcZp, int32_t dstZp, void *dst) {
  bool hasBias = d[DLC_DNNL_HAS_BIAS] != 0;
  bool fixedScales = d[DLC_DNNL_QUANT_FIXED_SCALES] != 0;
  CallSite &site = callSite(cache, d, [&](CallSite &s) {
    // [batch * M, K] x [K, N]: the compiler only sends shared 2-D weights.
    int64_t m = d[1] * d[2], n = d[3], k = d[4];
    dt srcType = quantType(d, DLC_DNNL_QUANT_SRC_SIGNED),
       dstType = quantType(d, DLC_DNNL_QUANT_DST_SIGNED);
    s.channel = 1;
    s.src = memory::desc({m, k}, srcType, tag::ab);
    s.dst = memory::desc({m, n}, dstType, tag::ab);
    s.plainWeights = memory::desc({k, n}, dt::s32, tag::ab);
    s.constWeights = true;
    s.bias = memory::desc({1, n}, dt::s32, tag::ab);
    memory::desc anyWeights({k, n}, dt::s8, tag::any);
    auto desc = hasBias ? dnnl::matmul::desc(s.src, anyWeights, s.bias, s.dst)
                        : dnnl::matmul::desc(s.src, anyWeights, s.dst);
    std::vector<float> scales;
    if (fixedScales)
      scales = outputScales(d, size_t(n), multiplier, qscale);
    dnnl::matmul::primitive_desc pd(
        desc, quantAttr(d, 1, *qscale, fixedScales ? &scales : nullptr), cpuEngine());
    finish<dnnl::matmul>(s, pd);
  });
  QuantArgs q(d, size_t(d[3]), fixedScales ? nullptr : multiplier, qscale, srcZp, dstZp);
  site.execute(lhs, weights, hasBias ? bias : nullptr, nullptr, dst, q.extra);
}
} // namespace

#define DLC_DNNL_QUANT_ENTRY(name, impl, src_t, dst_t)                                         \
  extern "C" DLC_DNNL_QUANT_SIGNATURE(name, src_t, dst_t) {                                    \
    guarded(#name, [&] {                                                                       \
      impl(cache, desc, src, weights, bias, multiplier, qscale, src_zp, int32_t(*dst_zp), dst); \
    });                                                                                        \
  }
DLC_DNNL_QUANT_ENTRY(dlc_dnnl_qconv2d_u8_u8, quantConv, uint8_t, uint8_t)
DLC_DNNL_QUANT_ENTRY(dlc_dnnl_qconv2d_u8_s8, quantConv, uint8_t, int8_t)
DLC_DNNL_QUANT_ENTRY(dlc_dnnl_qconv2d_s8_u8, quantConv, int8_t, uint8_t)
DLC_DNNL_QUANT_ENTRY(dlc_dnnl_qconv2d_s8_s8, quantConv, int8_t, int8_t)
DLC_DNNL_QUANT_ENTRY(dlc_dnnl_qmatmul_u8_u8, quantMatMul, uint8_t, uint8_t)
DLC_DNNL_QUANT_ENTRY(dlc_dnnl_qmatmul_u8_s8, quantMatMul, uint8_t, int8_t)
DLC_DNNL_QUANT_ENTRY(dlc_dnnl_qmatmul_s8_u8, quantMatMul, int8_t, uint8_t)
DLC_DNNL_QUANT_ENTRY(dlc_dnnl_qmatmul_s8_s8, quantMatMul, int8_t, int8_t)

// Generated kernels' loop nests (dlc_rt_parallel_for) run on the OpenMP team
// the library calls use. It lives in this file because a static link pulls
// it in exactly when a model calls oneDNN (libdlcrt refers to it weakly).
extern "C" void dlc_openmp_parallel_for(int64_t count, dlc_parallel_body body, void *context,
                                        uint32_t threads) {
#pragma omp parallel num_threads(int(threads))
  {
    int64_t team = omp_get_num_threads(), member = omp_get_thread_num();
    int64_t chunk = (count + team - 1) / team;
    int64_t begin = std::min(count, member * chunk), end = std::min(count, begin + chunk);
    if (begin < end)
      body(begin, end, context);
  }
}
