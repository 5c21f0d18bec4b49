// RUN: dlc-opt %s --split-input-file --dlc-fuse-kernels=matmul-layouts=true | FileCheck %s

// Layout ops matmul-layouts leaves out of a matmul's kernel (the pass never
// fails: a transpose kernel of its own is always correct).

// A transpose that something else reads too is computed once, not folded.
// CHECK-LABEL: func.func @shared_transpose
// CHECK: %[[T:.*]] = dlc.transpose %arg0
// CHECK: dlc.matmul %[[T]], %arg1
// CHECK: return
func.func @shared_transpose(%a: tensor<3x2xf32>, %b: tensor<3x4xf32>) -> (tensor<2x4xf32>, tensor<2x3xf32>) attributes {dlc.graph} {
  %t = dlc.transpose %a {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  %m = dlc.matmul %t, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %m, %t : tensor<2x4xf32>, tensor<2x3xf32>
}

// -----

// Merging transposed dims (heads back into [S, H*D]) is no strided view of
// the matmul's operand: the transpose+reshape stays a kernel of its own.
// CHECK-LABEL: func.func @merged_heads_operand
// CHECK: %[[K:.*]] = dlc.kernel "transpose+reshape"(%arg0)
// CHECK: dlc.matmul %[[K]], %arg1
func.func @merged_heads_operand(%a: tensor<2x3x4xf32>, %w: tensor<8x5xf32>) -> tensor<3x5xf32> attributes {dlc.graph} {
  %t = dlc.transpose %a {perm = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  %r = dlc.reshape %t : (tensor<3x2x4xf32>) -> tensor<3x8xf32>
  %m = dlc.matmul %r, %w : (tensor<3x8xf32>, tensor<8x5xf32>) -> tensor<3x5xf32>
  return %m : tensor<3x5xf32>
}

// -----

// A reshape alone (no transpose) and an integer matmul get no prologue, and
// a result transpose that moves the last dim does not join the matmul.
// CHECK-LABEL: func.func @not_layouts
// CHECK: dlc.reshape %arg0
// CHECK: %[[M:.*]] = dlc.matmul
// CHECK: dlc.kernel "transpose+reshape"(%[[M]])
// CHECK: dlc.transpose %arg2
// CHECK: dlc.matmul {{.*}} -> tensor<2x2xi32>
func.func @not_layouts(%a: tensor<6xf32>, %b: tensor<2x3x4xf32>, %c: tensor<3x2xi32>, %d: tensor<3x2xi32>) -> (tensor<2x4x2xf32>, tensor<2x2xi32>) attributes {dlc.graph} {
  %r = dlc.reshape %a : (tensor<6xf32>) -> tensor<2x1x3xf32>
  %m = dlc.matmul %r, %b : (tensor<2x1x3xf32>, tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
  %t = dlc.transpose %m {perm = array<i64: 0, 2, 1>} : (tensor<2x1x4xf32>) -> tensor<2x4x1xf32>
  %u = dlc.reshape %t : (tensor<2x4x1xf32>) -> tensor<2x4x1xf32>
  %x = dlc.transpose %c {perm = array<i64: 1, 0>} : (tensor<3x2xi32>) -> tensor<2x3xi32>
  %i = dlc.matmul %x, %d : (tensor<2x3xi32>, tensor<3x2xi32>) -> tensor<2x2xi32>
  %e = dlc.concat %u, %u {axis = 2 : i64} : (tensor<2x4x1xf32>, tensor<2x4x1xf32>) -> tensor<2x4x2xf32>
  return %e, %i : tensor<2x4x2xf32>, tensor<2x2xi32>
}

// -----

// Ops placed on a GPU keep their transposes (the strided views are the CPU
// library's).
// CHECK-LABEL: func.func @on_gpu
// CHECK: %[[T:.*]] = dlc.transpose %arg0
// CHECK: dlc.matmul %[[T]], %arg1
func.func @on_gpu(%a: tensor<3x2xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> attributes {dlc.graph} {
  %t = dlc.transpose %a {perm = array<i64: 1, 0>, dlc.device = "cuda:0"} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  %m = dlc.matmul %t, %b {dlc.device = "cuda:0"} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %m : tensor<2x4xf32>
}
