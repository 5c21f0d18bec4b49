// RUN: dlc-opt %s --split-input-file --dlc-fuse-kernels --dlc-outline-kernels --dlc-dispatch-dnnl | FileCheck %s
// RUN: dlc-opt %s --split-input-file --dlc-fuse-kernels --dlc-outline-kernels --dlc-dispatch-dnnl=winograd=false | FileCheck %s --check-prefix=DIRECT

// conv + per-channel add (-> bias) + residual add + relu: one library call.
// Descriptor: conv2d, N C H W K KH KW OH OW, strides, pads, dilations, group,
// has_bias, const weights, 2 post-ops (add full, relu).
// CHECK: memref.global "private" constant @[[DESC:__dlc_dnnl_desc_k0_fused]] : memref<79xi64> = dense<[1, 1, 4, 8, 8, 8, 3, 3, 8, 8, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 10, 0, 0, 0, 1, 0, 0, 0,
// CHECK: memref.global "private" @[[CACHE:__dlc_dnnl_cache_k0_fused]] : memref<2xi64> = dense<0>
// CHECK-LABEL: func.func private @k0_fused
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x8x8xf32>, %[[W:.*]]: tensor<8x4x3x3xf32>, %[[B:.*]]: tensor<1x8x1x1xf32>, %[[R:.*]]: tensor<1x8x8x8xf32>)
// CHECK: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x8x8x8xf32>
// CHECK: %[[OUTP:.*]] = memref.reinterpret_cast %[[OUT]] to offset: [0], sizes: [1], strides: [1]
// CHECK: %[[C:.*]] = memref.get_global @[[CACHE]]
// CHECK: %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only
// CHECK: %[[XP:.*]] = memref.reinterpret_cast %[[XB]]
// CHECK: %[[WB:.*]] = bufferization.to_buffer %[[W]] read_only
// CHECK: %[[WP:.*]] = memref.reinterpret_cast %[[WB]]
// CHECK: %[[BB:.*]] = bufferization.to_buffer %[[B]] read_only
// CHECK: %[[BP:.*]] = memref.reinterpret_cast %[[BB]]
// CHECK: %[[RB:.*]] = bufferization.to_buffer %[[R]] read_only
// CHECK: %[[RP:.*]] = memref.reinterpret_cast %[[RB]]
// CHECK: call @dlc_dnnl_conv2d(%[[C]], %{{.*}}, %[[XP]], %[[WP]], %[[BP]], %[[RP]], %[[OUTP]], %[[OUTP]])
// CHECK: %[[T:.*]] = bufferization.to_tensor %[[OUT]] restrict writable
// CHECK-NEXT: return %[[T]]
// CHECK: func.func private @dlc_dnnl_conv2d(memref<2xi64>, memref<1xi64>, memref<1xf32>, memref<1xf32>, memref<1xf32>, memref<1xf32>, memref<1xf32>, memref<1xf32>)
func.func @main_graph(%x: tensor<1x4x8x8xf32>, %r: tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> attributes {dlc.graph} {
  %w = dlc.constant dense<0.5> : tensor<8x4x3x3xf32>
  %b = dlc.constant dense<0.25> : tensor<1x8x1x1xf32>
  %0 = dlc.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32>
  %1 = dlc.add %0, %b : (tensor<1x8x8x8xf32>, tensor<1x8x1x1xf32>) -> tensor<1x8x8x8xf32>
  %2 = dlc.add %1, %r : (tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %3 = dlc.relu %2 : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  return %3 : tensor<1x8x8x8xf32>
}

// -----

// Batched matmul of two activations (weights not constant: slot 20 = 0),
// then gelu fused; the exp after it is not a post-op and stays a dlc op on
// the call's result.
// CHECK: memref.global "private" constant @{{.*}} : memref<79xi64> = dense<[2, 6, 5, 7, 3, 1, 1, 0, 0, 1065353216, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 5, 0, 0, 0,
// CHECK-LABEL: func.func private @k0_fused
// CHECK: call @dlc_dnnl_matmul(
// CHECK: %[[T:.*]] = bufferization.to_tensor
// CHECK-NEXT: %[[E:.*]] = dlc.exp %[[T]]
// CHECK-NEXT: return %[[E]]
func.func @main_graph(%a: tensor<2x3x5x3xf32>, %b: tensor<2x3x3x7xf32>) -> tensor<2x3x5x7xf32> attributes {dlc.graph} {
  %0 = dlc.matmul %a, %b : (tensor<2x3x5x3xf32>, tensor<2x3x3x7xf32>) -> tensor<2x3x5x7xf32>
  %1 = dlc.gelu %0 : (tensor<2x3x5x7xf32>) -> tensor<2x3x5x7xf32>
  %2 = dlc.exp %1 : (tensor<2x3x5x7xf32>) -> tensor<2x3x5x7xf32>
  return %2 : tensor<2x3x5x7xf32>
}

// -----

// Not for oneDNN: a 1-D conv, an f16 matmul, a gemm with beta != 1.
// CHECK-NOT: memref.global
// CHECK-LABEL: func.func private @k0_conv
// CHECK-NEXT: dlc.conv
// CHECK-LABEL: func.func private @k1_matmul
// CHECK-NEXT: dlc.matmul
// CHECK-LABEL: func.func private @k2_gemm
// CHECK-NEXT: dlc.gemm
// CHECK-NOT: call @dlc_dnnl
func.func @main_graph(%x: tensor<1x2x9xf32>, %w: tensor<4x2x3xf32>, %a: tensor<2x3xf16>, %b: tensor<3x4xf16>,
                      %p: tensor<2x3xf32>, %q: tensor<3x4xf32>, %c: tensor<2x4xf32>) -> (tensor<1x4x7xf32>, tensor<2x4xf16>, tensor<2x4xf32>) attributes {dlc.graph} {
  %0 = dlc.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>} : (tensor<1x2x9xf32>, tensor<4x2x3xf32>) -> tensor<1x4x7xf32>
  %1 = dlc.matmul %a, %b : (tensor<2x3xf16>, tensor<3x4xf16>) -> tensor<2x4xf16>
  %2 = dlc.gemm %p, %q, %c {beta = 0.5 : f32} : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0, %1, %2 : tensor<1x4x7xf32>, tensor<2x4xf16>, tensor<2x4xf32>
}

// -----

// Channels-last between library convs (descriptor slot 54, DLC_DNNL_LAYOUTS:
// 1 src, 2 dst, 4 binary0 NHWC). %r feeds only convs (k1's src, k2's
// residual), %b only k2's src: they stay NHWC. The graph input and the
// returned result stay NCHW.
// CHECK-DAG: memref.global "private" constant @__dlc_dnnl_desc_k0_fused : memref<79xi64> = dense<[1, 1, 4, {{.*}}, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// CHECK-DAG: memref.global "private" constant @__dlc_dnnl_desc_k1_conv : memref<79xi64> = dense<[1, 1, 8, {{.*}}, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// CHECK-DAG: memref.global "private" constant @__dlc_dnnl_desc_k2_fused : memref<79xi64> = dense<[1, 1, 8, {{.*}}, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// CHECK-LABEL: func.func @main_graph
// CHECK: %[[R:.*]] = call @k0_fused(%arg0,
// CHECK: %[[B:.*]] = call @k1_conv(%[[R]],
// CHECK: call @k2_fused(%[[B]], %{{.*}}, %[[R]])
func.func @main_graph(%x: tensor<1x4x8x8xf32>) -> tensor<1x8x8x8xf32> attributes {dlc.graph} {
  %w = dlc.constant dense<0.5> : tensor<8x4x3x3xf32>
  %w2 = dlc.constant dense<0.25> : tensor<8x8x1x1xf32>
  %a = dlc.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32>
  %r = dlc.relu %a : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %b = dlc.conv %r, %w2 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x8x8x8xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x8x8xf32>
  %c = dlc.conv %b, %w2 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x8x8x8xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x8x8xf32>
  %d = dlc.add %c, %r : (tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  return %d : tensor<1x8x8x8xf32>
}

// -----

// NCHW stays: %r is both src and residual of k1 (one kernel argument, two
// uses), %s also feeds generated code (exp), the last conv's result is a
// graph output.
// CHECK-DAG: memref.global "private" constant @__dlc_dnnl_desc_k0_fused : memref<79xi64> = dense<[1, {{.*}}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// CHECK-DAG: memref.global "private" constant @__dlc_dnnl_desc_k1_fused : memref<79xi64> = dense<[1, {{.*}}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// CHECK-DAG: memref.global "private" constant @__dlc_dnnl_desc_k2_conv : memref<79xi64> = dense<[1, {{.*}}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// CHECK-LABEL: func.func @main_graph
// CHECK: call @k3_exp
func.func @main_graph(%x: tensor<1x4x8x8xf32>) -> (tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>) attributes {dlc.graph} {
  %w = dlc.constant dense<0.5> : tensor<8x4x3x3xf32>
  %w2 = dlc.constant dense<0.25> : tensor<8x8x1x1xf32>
  %a = dlc.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32>
  %r = dlc.relu %a : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %b = dlc.conv %r, %w2 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x8x8x8xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x8x8xf32>
  %s = dlc.add %b, %r : (tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %c = dlc.conv %s, %w2 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x8x8x8xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x8x8xf32>
  %e = dlc.exp %s : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  return %c, %e : tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>
}

// -----

// Softmax (kind 3: rank, axis, dims) and layer norm (kind 4: M, C, epsilon
// bits; slot 19 has shift) are library calls without post-ops: the exp after
// the softmax stays a dlc op. A layer norm whose scale broadcasts over the
// normalized dims ([3, 1] against [3, 8]) is not for oneDNN.
// CHECK-LABEL: memref.global "private" constant @__dlc_dnnl_desc_k1_layer_norm : memref<79xi64> = dense<[4, 6, 8, 981668463, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0,
// CHECK: memref.global "private" constant @__dlc_dnnl_desc_k0_fused : memref<79xi64> = dense<[3, 3, 1, 2, 3, 8, 0,
// CHECK-LABEL: func.func private @k0_fused
// CHECK: call @dlc_dnnl_softmax(
// CHECK: %[[T:.*]] = bufferization.to_tensor
// CHECK-NEXT: dlc.exp %[[T]]
// CHECK-LABEL: func.func private @k1_layer_norm
// CHECK: call @dlc_dnnl_layer_norm(
// CHECK-LABEL: func.func private @k2_layer_norm
// CHECK-NEXT: dlc.layer_norm
func.func @main_graph(%x: tensor<2x3x8xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>, %s2: tensor<3x1xf32>) -> (tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<2x3x8xf32>) attributes {dlc.graph} {
  %0 = dlc.softmax %x {axis = 1 : i64} : (tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
  %1 = dlc.exp %0 : (tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
  %2 = dlc.layer_norm %x, %s, %b {axis = 2 : i64, epsilon = 1.0e-3 : f32} : (tensor<2x3x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  %3 = dlc.layer_norm %x, %s2 {axis = 1 : i64} : (tensor<2x3x8xf32>, tensor<3x1xf32>) -> tensor<2x3x8xf32>
  return %1, %2, %3 : tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<2x3x8xf32>
}

// -----

// Max pooling (kind 5: N C H W OH OW KH KW strides begin-pads) between two
// convs keeps the channels-last chain: conv dst, pool src and dst, conv src.
// A dilated pool, and one whose windows miss the input's last row and column
// (floor mode: oneDNN would need an end pad of -1), stay generated code.
// CHECK-LABEL: memref.global "private" constant @__dlc_dnnl_desc_k2_conv : memref<79xi64> = dense<[1, 1, 8, 4, 4, {{.*}}, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// CHECK: memref.global "private" constant @__dlc_dnnl_desc_k1_max_pool : memref<79xi64> = dense<[5, 1, 8, 8, 8, 4, 4, 3, 3, 2, 2, 1, 1, 0, {{.*}}, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// CHECK: memref.global "private" constant @__dlc_dnnl_desc_k0_fused : memref<79xi64> = dense<[1, {{.*}}, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// CHECK-LABEL: func.func private @k1_max_pool
// CHECK: call @dlc_dnnl_max_pool(
// CHECK-LABEL: func.func private @k3_max_pool
// CHECK-NEXT: dlc.max_pool
// CHECK-LABEL: func.func private @k4_max_pool
// CHECK-NEXT: dlc.max_pool
func.func @main_graph(%x: tensor<1x4x8x8xf32>, %y: tensor<1x2x5x5xf32>) -> (tensor<1x8x4x4xf32>, tensor<1x2x3x3xf32>, tensor<1x2x2x2xf32>) attributes {dlc.graph} {
  %w = dlc.constant dense<0.5> : tensor<8x4x3x3xf32>
  %w2 = dlc.constant dense<0.25> : tensor<8x8x1x1xf32>
  %a = dlc.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32>
  %r = dlc.relu %a : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %p = dlc.max_pool %r {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32>
  %c = dlc.conv %p, %w2 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x8x4x4xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x4x4xf32>
  %d = dlc.max_pool %y {kernel_shape = array<i64: 2, 2>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 2, 2>} : (tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32>
  %e = dlc.max_pool %y {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x5x5xf32>) -> tensor<1x2x2x2xf32>
  return %c, %d, %e : tensor<1x8x4x4xf32>, tensor<1x2x3x3xf32>, tensor<1x2x2x2xf32>
}

// -----

// A matmul that dlc-place put on a GPU keeps its dlc ops: the CUDA lowering
// generates it, oneDNN is CPU only.
// CHECK-LABEL: func.func private @k0_matmul
// CHECK-SAME: attributes {{{.*}}dlc.device = "cuda:0"
// CHECK: %[[M:.*]] = dlc.matmul
// CHECK: return %[[M]]
// CHECK-NOT: dlc_dnnl_matmul
func.func @main_graph(%a: tensor<4x8xf32>) -> tensor<4x16xf32> attributes {dlc.graph} {
  %w = dlc.constant dense<0.5> : tensor<8x16xf32>
  %0 = dlc.matmul %a, %w {dlc.device = "cuda:0"} : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

// int8 (dlc-fold-qdq's form): the u8 -> i32 cast and the zero-point sub lead
// the conv's kernel (dlc-fuse-kernels), and the chain up to the
// requantization becomes one dlc_dnnl_qconv2d_u8_u8 call. Descriptor: qconv2d
// with the conv slots, has_bias, const weights, then src signed 0, dst
// signed 0, src zero point 1, per-channel scales 1, activation relu (1),
// no clip bounds, direct algorithm (0), scales fixed at the first call (1).
// CHECK-LABEL: memref.global "private" constant @__dlc_dnnl_desc_k0_fused : memref<79xi64> = dense<[6, 1, 2, 4, 4, 3, 1, 1, 4, 4, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1,
// CHECK-SAME: 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// CHECK-LABEL: func.func @qconv
// CHECK: call @k0_fused
// CHECK-LABEL: func.func private @k0_fused
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x4xui8>, %[[ZX:.*]]: tensor<i32>, %[[W:.*]]: tensor<3x2x1x1xi32>, %[[B:.*]]: tensor<3xi32>, %[[M:.*]]: tensor<1x3x1x1xf64>, %[[ONE:.*]]: tensor<f64>, %[[ZY:.*]]: tensor<ui8>)
// CHECK-NOT: dlc.conv
// CHECK: call @dlc_dnnl_qconv2d_u8_u8(
// CHECK-NOT: dlc.
// CHECK: return
// CHECK: func.func private @dlc_dnnl_qconv2d_u8_u8(memref<2xi64>, memref<1xi64>, memref<1xui8>, memref<1xi32>, memref<1xi32>, memref<1xf64>, memref<1xf64>, memref<1xi32>, memref<1xui8>, memref<1xui8>)
func.func @qconv(%x: tensor<1x2x4x4xui8>) -> tensor<1x3x4x4xui8> attributes {dlc.graph} {
  %zx = dlc.constant dense<3> : tensor<i32>
  %w = dlc.constant dense<[[[[2]], [[-128]]], [[[127]], [[1]]], [[[0]], [[5]]]]> : tensor<3x2x1x1xi32>
  %b = dlc.constant dense<[1, 2, 3]> : tensor<3xi32>
  %m = dlc.constant dense<[[[[0.5]], [[0.25]], [[0.125]]]]> : tensor<1x3x1x1xf64>
  %one = dlc.constant dense<1.0> : tensor<f64>
  %zy = dlc.constant dense<7> : tensor<ui8>
  %xi = dlc.cast %x : (tensor<1x2x4x4xui8>) -> tensor<1x2x4x4xi32>
  %xc = dlc.sub %xi, %zx : (tensor<1x2x4x4xi32>, tensor<i32>) -> tensor<1x2x4x4xi32>
  %acc = dlc.conv %xc, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xi32>, tensor<3x2x1x1xi32>, tensor<3xi32>) -> tensor<1x3x4x4xi32>
  %f = dlc.cast %acc : (tensor<1x3x4x4xi32>) -> tensor<1x3x4x4xf64>
  %s = dlc.mul %f, %m : (tensor<1x3x4x4xf64>, tensor<1x3x1x1xf64>) -> tensor<1x3x4x4xf64>
  %r = dlc.relu %s : (tensor<1x3x4x4xf64>) -> tensor<1x3x4x4xf64>
  %y = dlc.quantize_linear %r, %one, %zy {axis = 0 : i64} : (tensor<1x3x4x4xf64>, tensor<f64>, tensor<ui8>) -> tensor<1x3x4x4xui8>
  return %y : tensor<1x3x4x4xui8>
}

// -----

// Centered weights outside int8 (a QLinearConv weight zero point of 10
// puts -128 - 10 in i32): left to generated code.
// CHECK-LABEL: func.func private @k0_fused
// CHECK: dlc.conv
// CHECK-NOT: dlc_dnnl_q
func.func @qconv_wide_weights(%x: tensor<1x1x4x4xi8>) -> tensor<1x1x4x4xi8> attributes {dlc.graph} {
  %w = dlc.constant dense<-138> : tensor<1x1x1x1xi32>
  %m = dlc.constant dense<0.5> : tensor<f64>
  %one = dlc.constant dense<1.0> : tensor<f64>
  %zy = dlc.constant dense<0> : tensor<i8>
  %xi = dlc.cast %x : (tensor<1x1x4x4xi8>) -> tensor<1x1x4x4xi32>
  %acc = dlc.conv %xi, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x4x4xi32>, tensor<1x1x1x1xi32>) -> tensor<1x1x4x4xi32>
  %f = dlc.cast %acc : (tensor<1x1x4x4xi32>) -> tensor<1x1x4x4xf64>
  %s = dlc.mul %f, %m : (tensor<1x1x4x4xf64>, tensor<f64>) -> tensor<1x1x4x4xf64>
  %y = dlc.quantize_linear %s, %one, %zy {axis = 0 : i64} : (tensor<1x1x4x4xf64>, tensor<f64>, tensor<i8>) -> tensor<1x1x4x4xi8>
  return %y : tensor<1x1x4x4xi8>
}

// -----

// Two int8 convs in a row: the 8-bit tensor between them stays
// channels-last (layouts slot: NHWC_DST = 2 on the first, NHWC_SRC = 1 on
// the second), as between f32 library convs.
// CHECK-DAG: memref.global "private" constant @__dlc_dnnl_desc_k0_fused : memref<79xi64> = dense<[6, {{.*}}, 2, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// CHECK-DAG: memref.global "private" constant @__dlc_dnnl_desc_k1_fused : memref<79xi64> = dense<[6, {{.*}}, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
func.func @qconv_chain(%x: tensor<1x2x4x4xui8>) -> tensor<1x2x4x4xui8> attributes {dlc.graph} {
  %w = dlc.constant dense<1> : tensor<2x2x1x1xi32>
  %m = dlc.constant dense<[[[[0.5]], [[0.25]]]]> : tensor<1x2x1x1xf64>
  %one = dlc.constant dense<1.0> : tensor<f64>
  %z = dlc.constant dense<0> : tensor<ui8>
  %xi = dlc.cast %x : (tensor<1x2x4x4xui8>) -> tensor<1x2x4x4xi32>
  %a = dlc.conv %xi, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xi32>, tensor<2x2x1x1xi32>) -> tensor<1x2x4x4xi32>
  %af = dlc.cast %a : (tensor<1x2x4x4xi32>) -> tensor<1x2x4x4xf64>
  %am = dlc.mul %af, %m : (tensor<1x2x4x4xf64>, tensor<1x2x1x1xf64>) -> tensor<1x2x4x4xf64>
  %ay = dlc.quantize_linear %am, %one, %z {axis = 0 : i64} : (tensor<1x2x4x4xf64>, tensor<f64>, tensor<ui8>) -> tensor<1x2x4x4xui8>
  %yi = dlc.cast %ay : (tensor<1x2x4x4xui8>) -> tensor<1x2x4x4xi32>
  %b = dlc.conv %yi, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xi32>, tensor<2x2x1x1xi32>) -> tensor<1x2x4x4xi32>
  %bf = dlc.cast %b : (tensor<1x2x4x4xi32>) -> tensor<1x2x4x4xf64>
  %bm = dlc.mul %bf, %m : (tensor<1x2x4x4xf64>, tensor<1x2x1x1xf64>) -> tensor<1x2x4x4xf64>
  %by = dlc.quantize_linear %bm, %one, %z {axis = 0 : i64} : (tensor<1x2x4x4xf64>, tensor<f64>, tensor<ui8>) -> tensor<1x2x4x4xui8>
  return %by : tensor<1x2x4x4xui8>
}

// -----

// A library conv whose kernel goes on with elementwise ops after the call
// (here a relu on the 8-bit result) still hands its consumer a channels-last
// tensor: the epilogue computes the same in either layout.
// CHECK-DAG: memref.global "private" constant @__dlc_dnnl_desc_k0_fused : memref<79xi64> = dense<[6, 1, 3, {{.*}}, 2, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// CHECK-DAG: memref.global "private" constant @__dlc_dnnl_desc_k1_fused : memref<79xi64> = dense<[6, 1, 3, {{.*}}, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// CHECK-LABEL: func.func @qconv_epilogue_chain
// CHECK: func.func private @k0_fused
// CHECK: call @dlc_dnnl_qconv2d_u8_u8(
// CHECK: dlc.relu
func.func @qconv_epilogue_chain(%x: tensor<1x3x4x4xui8>) -> tensor<1x3x4x4xui8> attributes {dlc.graph} {
  %w = dlc.constant dense<1> : tensor<3x3x1x1xi32>
  %m = dlc.constant dense<[[[[0.5]], [[0.25]], [[0.125]]]]> : tensor<1x3x1x1xf64>
  %one = dlc.constant dense<1.0> : tensor<f64>
  %z = dlc.constant dense<0> : tensor<ui8>
  %xi = dlc.cast %x : (tensor<1x3x4x4xui8>) -> tensor<1x3x4x4xi32>
  %a = dlc.conv %xi, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x4x4xi32>, tensor<3x3x1x1xi32>) -> tensor<1x3x4x4xi32>
  %af = dlc.cast %a : (tensor<1x3x4x4xi32>) -> tensor<1x3x4x4xf64>
  %am = dlc.mul %af, %m : (tensor<1x3x4x4xf64>, tensor<1x3x1x1xf64>) -> tensor<1x3x4x4xf64>
  %ay = dlc.quantize_linear %am, %one, %z {axis = 0 : i64} : (tensor<1x3x4x4xf64>, tensor<f64>, tensor<ui8>) -> tensor<1x3x4x4xui8>
  %ar = dlc.relu %ay : (tensor<1x3x4x4xui8>) -> tensor<1x3x4x4xui8>
  %yi = dlc.cast %ar : (tensor<1x3x4x4xui8>) -> tensor<1x3x4x4xi32>
  %b = dlc.conv %yi, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x4x4xi32>, tensor<3x3x1x1xi32>) -> tensor<1x3x4x4xi32>
  %bf = dlc.cast %b : (tensor<1x3x4x4xi32>) -> tensor<1x3x4x4xf64>
  %bm = dlc.mul %bf, %m : (tensor<1x3x4x4xf64>, tensor<1x3x1x1xf64>) -> tensor<1x3x4x4xf64>
  %by = dlc.quantize_linear %bm, %one, %z {axis = 0 : i64} : (tensor<1x3x4x4xf64>, tensor<f64>, tensor<ui8>) -> tensor<1x3x4x4xui8>
  return %by : tensor<1x3x4x4xui8>
}

// -----

// The epilogue reads the conv's own source (y = q(conv(x)) + x): the call
// reads x as NCHW, so the epilogue's result cannot be NHWC either and the
// next conv gets a plain tensor (layouts 0 on both).
// CHECK-DAG: memref.global "private" constant @__dlc_dnnl_desc_k0_fused : memref<79xi64> = dense<[6, 1, 5, {{.*}}, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// CHECK-DAG: memref.global "private" constant @__dlc_dnnl_desc_k1_fused : memref<79xi64> = dense<[6, 1, 5, {{.*}}, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// CHECK-LABEL: func.func @qconv_epilogue_reads_src
func.func @qconv_epilogue_reads_src(%x: tensor<1x5x4x4xui8>) -> tensor<1x5x4x4xui8> attributes {dlc.graph} {
  %w = dlc.constant dense<1> : tensor<5x5x1x1xi32>
  %m = dlc.constant dense<0.25> : tensor<1x5x1x1xf64>
  %one = dlc.constant dense<1.0> : tensor<f64>
  %z = dlc.constant dense<0> : tensor<ui8>
  %xi = dlc.cast %x : (tensor<1x5x4x4xui8>) -> tensor<1x5x4x4xi32>
  %a = dlc.conv %xi, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x5x4x4xi32>, tensor<5x5x1x1xi32>) -> tensor<1x5x4x4xi32>
  %af = dlc.cast %a : (tensor<1x5x4x4xi32>) -> tensor<1x5x4x4xf64>
  %am = dlc.mul %af, %m : (tensor<1x5x4x4xf64>, tensor<1x5x1x1xf64>) -> tensor<1x5x4x4xf64>
  %ay = dlc.quantize_linear %am, %one, %z {axis = 0 : i64} : (tensor<1x5x4x4xf64>, tensor<f64>, tensor<ui8>) -> tensor<1x5x4x4xui8>
  %s = dlc.add %ay, %x : (tensor<1x5x4x4xui8>, tensor<1x5x4x4xui8>) -> tensor<1x5x4x4xui8>
  %yi = dlc.cast %s : (tensor<1x5x4x4xui8>) -> tensor<1x5x4x4xi32>
  %b = dlc.conv %yi, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x5x4x4xi32>, tensor<5x5x1x1xi32>) -> tensor<1x5x4x4xi32>
  %bf = dlc.cast %b : (tensor<1x5x4x4xi32>) -> tensor<1x5x4x4xf64>
  %bm = dlc.mul %bf, %m : (tensor<1x5x4x4xf64>, tensor<1x5x1x1xf64>) -> tensor<1x5x4x4xf64>
  %by = dlc.quantize_linear %bm, %one, %z {axis = 0 : i64} : (tensor<1x5x4x4xf64>, tensor<f64>, tensor<ui8>) -> tensor<1x5x4x4xui8>
  return %by : tensor<1x5x4x4xui8>
}

// -----

// A 3x3 stride-1 conv with 64 input and output channels and constant
// weights asks for Winograd (last slot, DLC_DNNL_CONV_ALGORITHM = 1); the
// 1x1 conv after it, a strided 3x3 one and (winograd=false) all stay direct.
// CHECK-DAG: memref.global "private" constant @__dlc_dnnl_desc_k0_fused : memref<79xi64> = dense<[1, 1, 64, 8, 8, 64, 3, 3, 8, 8, 1, 1, {{.*}}, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// CHECK-DAG: memref.global "private" constant @__dlc_dnnl_desc_k1_conv : memref<79xi64> = dense<[1, 1, 64, 8, 8, 64, 1, 1, {{.*}}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// CHECK-DAG: memref.global "private" constant @__dlc_dnnl_desc_k2_conv : memref<79xi64> = dense<[1, 1, 64, 8, 8, 64, 3, 3, 4, 4, 2, 2, {{.*}}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// CHECK-LABEL: func.func @main_graph
// DIRECT-COUNT-3: memref.global "private" constant @__dlc_dnnl_desc_k{{[0-2]}}_{{.*}} : memref<79xi64> = dense<[1, 1, 64, {{.*}}, 0]>
func.func @main_graph(%x: tensor<1x64x8x8xf32>) -> (tensor<1x64x8x8xf32>, tensor<1x64x4x4xf32>) attributes {dlc.graph} {
  %w = dlc.constant dense<0.5> : tensor<64x64x3x3xf32>
  %w1 = dlc.constant dense<0.25> : tensor<64x64x1x1xf32>
  %a = dlc.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x64x8x8xf32>, tensor<64x64x3x3xf32>) -> tensor<1x64x8x8xf32>
  %r = dlc.relu %a : (tensor<1x64x8x8xf32>) -> tensor<1x64x8x8xf32>
  %b = dlc.conv %r, %w1 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x64x8x8xf32>, tensor<64x64x1x1xf32>) -> tensor<1x64x8x8xf32>
  %c = dlc.conv %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x64x8x8xf32>, tensor<64x64x3x3xf32>) -> tensor<1x64x4x4xf32>
  return %b, %c : tensor<1x64x8x8xf32>, tensor<1x64x4x4xf32>
}

// -----

// int8 matmuls: with a constant multiplier and qscale the library fixes the
// scales at the first call (last slot, DLC_DNNL_QUANT_FIXED_SCALES = 1); a
// multiplier from a graph input is passed on every call (0).
// CHECK-DAG: memref.global "private" constant @__dlc_dnnl_desc_k0_fused : memref<79xi64> = dense<[7, 1, 4, 3, 2, {{.*}}, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// CHECK-DAG: memref.global "private" constant @__dlc_dnnl_desc_k1_fused : memref<79xi64> = dense<[7, 1, 4, 3, 2, {{.*}}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// CHECK-LABEL: func.func @qmatmul_scales
// CHECK: call @k0_fused
// CHECK: call @k1_fused
// CHECK-LABEL: func.func private @k0_fused
// CHECK: call @dlc_dnnl_qmatmul_u8_u8(
// CHECK-LABEL: func.func private @k1_fused
// CHECK: call @dlc_dnnl_qmatmul_u8_u8(
func.func @qmatmul_scales(%x: tensor<4x2xui8>, %mv: tensor<f64>) -> (tensor<4x3xui8>, tensor<4x3xui8>) attributes {dlc.graph} {
  %w = dlc.constant dense<[[1, -2, 3], [4, 5, -6]]> : tensor<2x3xi32>
  %m = dlc.constant dense<0.25> : tensor<f64>
  %one = dlc.constant dense<1.0> : tensor<f64>
  %zy = dlc.constant dense<7> : tensor<ui8>
  %xi = dlc.cast %x : (tensor<4x2xui8>) -> tensor<4x2xi32>
  %acc = dlc.matmul %xi, %w : (tensor<4x2xi32>, tensor<2x3xi32>) -> tensor<4x3xi32>
  %f = dlc.cast %acc : (tensor<4x3xi32>) -> tensor<4x3xf64>
  %s = dlc.mul %f, %m : (tensor<4x3xf64>, tensor<f64>) -> tensor<4x3xf64>
  %y = dlc.quantize_linear %s, %one, %zy {axis = 0 : i64} : (tensor<4x3xf64>, tensor<f64>, tensor<ui8>) -> tensor<4x3xui8>
  %acc2 = dlc.matmul %xi, %w : (tensor<4x2xi32>, tensor<2x3xi32>) -> tensor<4x3xi32>
  %f2 = dlc.cast %acc2 : (tensor<4x3xi32>) -> tensor<4x3xf64>
  %s2 = dlc.mul %f2, %mv : (tensor<4x3xf64>, tensor<f64>) -> tensor<4x3xf64>
  %y2 = dlc.quantize_linear %s2, %one, %zy {axis = 0 : i64} : (tensor<4x3xf64>, tensor<f64>, tensor<ui8>) -> tensor<4x3xui8>
  return %y, %y2 : tensor<4x3xui8>, tensor<4x3xui8>
}

