// RUN: dlc-opt %s --split-input-file --dlc-fuse-kernels=matmul-layouts=true --dlc-outline-kernels --dlc-dispatch-dnnl | FileCheck %s

// dlc-dispatch-dnnl on kernels that matmul-layouts fusion led with
// transposes and reshapes (DLC_DNNL_MATMUL_VIEWS).

// Attention heads as strided views (matmul-layouts fusion, slots 64..78:
// views, b0 b1, then lhs, rhs and dst strides in elements). Scores: Q and
// K^T read in place from [1, 4, 8] (head h at column 4h), the scale a DIV
// post-op (kind 12, scalar). Output: V read in place, and the result
// written straight into the merged [1, 4, 8] layout; no transpose is left.
// CHECK: memref.global "private" constant @[[AV:__dlc_dnnl_desc_k1_fused]] : memref<79xi64> = dense<[2, 2, 4, 4, 4, 1, 1, 0, 0, 1065353216, {{.*}}, 1, 1, 2, 32, 16, 4, 1, 32, 4, 8, 1, 32, 4, 8, 1]>
// CHECK: memref.global "private" constant @[[QK:__dlc_dnnl_desc_k0_fused]] : memref<79xi64> = dense<[2, 2, 4, 4, 4, 1, 1, 0, 0, 1065353216, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 12, 0, 0, 2, {{.*}}, 1, 1, 2, 32, 4, 8, 1, 32, 4, 1, 8, 32, 16, 4, 1]>
// CHECK-LABEL: func.func private @k0_fused
// CHECK-SAME: (%[[Q:.*]]: tensor<1x4x8xf32>, %[[K:.*]]: tensor<1x4x8xf32>, %[[C:.*]]: tensor<f32>) -> tensor<1x2x4x4xf32>
// CHECK-NOT: dlc.{{transpose|reshape|matmul|div}}
// CHECK: %[[QB:.*]] = bufferization.to_buffer %[[Q]] read_only : tensor<1x4x8xf32>
// CHECK: %[[KB:.*]] = bufferization.to_buffer %[[K]] read_only : tensor<1x4x8xf32>
// CHECK: %[[CB:.*]] = bufferization.to_buffer %[[C]] read_only
// CHECK: call @dlc_dnnl_matmul(
// CHECK-NOT: dlc.{{transpose|reshape|matmul|div}}
// CHECK: return
// CHECK-LABEL: func.func private @k1_fused
// CHECK-SAME: (%[[V:.*]]: tensor<1x4x8xf32>, %[[P:.*]]: tensor<1x2x4x4xf32>) -> tensor<1x4x8xf32>
// CHECK: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x4x8xf32>
// CHECK-NOT: dlc.{{transpose|reshape|matmul|div}}
// CHECK: call @dlc_dnnl_matmul(
// CHECK-NOT: dlc.{{transpose|reshape|matmul|div}}
// CHECK: return
func.func @main_graph(%q: tensor<1x4x8xf32>, %k: tensor<1x4x8xf32>, %v: tensor<1x4x8xf32>, %p: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x4x8xf32>) attributes {dlc.graph} {
  %c = dlc.constant dense<2.0> : tensor<f32>
  %q0 = dlc.reshape %q : (tensor<1x4x8xf32>) -> tensor<1x4x2x4xf32>
  %q1 = dlc.transpose %q0 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x4x2x4xf32>) -> tensor<1x2x4x4xf32>
  %k0 = dlc.reshape %k : (tensor<1x4x8xf32>) -> tensor<1x4x2x4xf32>
  %k1 = dlc.transpose %k0 {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x4x2x4xf32>) -> tensor<1x2x4x4xf32>
  %s = dlc.matmul %q1, %k1 : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %d = dlc.div %s, %c : (tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32>
  %v0 = dlc.reshape %v : (tensor<1x4x8xf32>) -> tensor<1x4x2x4xf32>
  %v1 = dlc.transpose %v0 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x4x2x4xf32>) -> tensor<1x2x4x4xf32>
  %o = dlc.matmul %p, %v1 : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %o1 = dlc.transpose %o {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x2x4xf32>
  %o2 = dlc.reshape %o1 : (tensor<1x4x2x4xf32>) -> tensor<1x4x8xf32>
  return %d, %o2 : tensor<1x2x4x4xf32>, tensor<1x4x8xf32>
}

// -----

// Beyond four dims the library gets no views: the transpose stays
// generated code in the kernel and the call reads its (dense) result.
// CHECK: memref.global "private" constant @{{.*}} : memref<79xi64> = dense<[2, 2, 3, 2, 4, 1, 1, 0, 0, 1065353216, {{.*}}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]>
// CHECK-LABEL: func.func private @k0_fused
// CHECK: %[[T:.*]] = dlc.transpose
// CHECK: bufferization.to_buffer %[[T]] read_only
// CHECK: call @dlc_dnnl_matmul(
func.func @main_graph(%a: tensor<1x1x2x4x3xf32>, %b: tensor<1x1x2x4x2xf32>) -> tensor<1x1x2x3x2xf32> attributes {dlc.graph} {
  %t = dlc.transpose %a {perm = array<i64: 0, 1, 2, 4, 3>} : (tensor<1x1x2x4x3xf32>) -> tensor<1x1x2x3x4xf32>
  %m = dlc.matmul %t, %b : (tensor<1x1x2x3x4xf32>, tensor<1x1x2x4x2xf32>) -> tensor<1x1x2x3x2xf32>
  return %m : tensor<1x1x2x3x2xf32>
}
