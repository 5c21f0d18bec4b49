// RUN: dlc-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(dlc-expand-gradients))" | FileCheck %s

// d sum(relu(x + w)) / dw: the seed 1 broadcast over the reduced dims,
// masked by relu's x > 0, summed over add's broadcast dim. The gradient op
// is gone; the forward ops stay for the other result.
// CHECK-LABEL: func.func @relu_sum
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[W:.*]] = dlc.constant
// CHECK: %[[A:.*]] = dlc.add %[[X]], %[[W]]
// CHECK: %[[Y:.*]] = dlc.relu %[[A]]
// CHECK: %[[L:.*]] = dlc.reduce_sum %[[Y]] {axes = array<i64: 0, 1>, keepdims = false}
// CHECK: %[[POS:.*]] = dlc.greater %[[A]], %{{.*}} : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
// CHECK: %[[DA:.*]] = dlc.where %[[POS]], %{{.*}}, %{{.*}}
// CHECK: %[[SUM:.*]] = dlc.reduce_sum %[[DA]] {axes = array<i64: 0>} : (tensor<2x3xf32>) -> tensor<1x3xf32>
// CHECK: %[[DW:.*]] = dlc.reshape %[[SUM]] : (tensor<1x3xf32>) -> tensor<3xf32>
// CHECK-NOT: dlc.gradient
// CHECK: return %[[L]], %[[DW]]
func.func @relu_sum(%x: tensor<2x3xf32>) -> (tensor<f32>, tensor<3xf32>) attributes {dlc.graph} {
  %w = dlc.constant dense<0.5> : tensor<3xf32>
  %0 = dlc.add %x, %w : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = dlc.relu %0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = dlc.reduce_sum %1 {axes = array<i64: 0, 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<f32>
  %3 = dlc.gradient %2, %w : (tensor<f32>, tensor<3xf32>) -> tensor<3xf32>
  return %2, %3 : tensor<f32>, tensor<3xf32>
}

// -----

// With respect to a graph input and a value y does not depend on: dx from
// matmul's VJP (g w^T), zeros for the unrelated constant.
// CHECK-LABEL: func.func @input_and_unrelated
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[W:.*]] = dlc.constant dense<5.000000e-01> : tensor<3x4xf32>
// CHECK: %[[WT:.*]] = dlc.transpose %[[W]] {perm = array<i64: 1, 0>}
// CHECK: %[[DX:.*]] = dlc.matmul %{{.*}}, %[[WT]] : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
// CHECK: %[[ZERO:.*]] = dlc.constant dense<0.000000e+00> : tensor<f32>
// CHECK: %[[Z:.*]] = dlc.expand %[[ZERO]] : (tensor<f32>) -> tensor<5xf32>
// CHECK: return %[[DX]], %[[Z]]
func.func @input_and_unrelated(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<5xf32>) attributes {dlc.graph} {
  %w = dlc.constant dense<0.5> : tensor<3x4xf32>
  %u = dlc.constant dense<2.0> : tensor<5xf32>
  %0 = dlc.matmul %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %1 = dlc.reduce_mean %0 {axes = array<i64: 0, 1>, keepdims = false} : (tensor<2x4xf32>) -> tensor<f32>
  %2:2 = dlc.gradient %1, %x, %u : (tensor<f32>, tensor<2x3xf32>, tensor<5xf32>) -> (tensor<2x3xf32>, tensor<5xf32>)
  return %2#0, %2#1 : tensor<2x3xf32>, tensor<5xf32>
}

// -----

// Two gradient ops: each sweeps the ops before it; the second
// differentiates through the first one's expansion (a second derivative):
// d/dx sum(2 * x) = 2.
// CHECK-LABEL: func.func @second_order
// CHECK: %[[Y:.*]] = dlc.reduce_sum %{{.*}} {axes = array<i64: 0>, keepdims = false}
// CHECK: %[[G:.*]] = dlc.add
// CHECK: dlc.reduce_sum %[[G]]
// CHECK: %[[A:.*]] = dlc.mul
// CHECK-NEXT: %[[B:.*]] = dlc.mul
// CHECK-NEXT: %[[R:.*]] = dlc.add %[[A]], %[[B]]
// CHECK-NEXT: return %[[R]]
func.func @second_order(%x: tensor<3xf32>) -> tensor<3xf32> attributes {dlc.graph} {
  %0 = dlc.mul %x, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %1 = dlc.reduce_sum %0 {axes = array<i64: 0>, keepdims = false} : (tensor<3xf32>) -> tensor<f32>
  %2 = dlc.gradient %1, %x : (tensor<f32>, tensor<3xf32>) -> tensor<3xf32>
  %3 = dlc.reduce_sum %2 {axes = array<i64: 0>, keepdims = false} : (tensor<3xf32>) -> tensor<f32>
  %4 = dlc.gradient %3, %x : (tensor<f32>, tensor<3xf32>) -> tensor<3xf32>
  return %4 : tensor<3xf32>
}
