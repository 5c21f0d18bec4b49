// RUN: dlc-opt %s --split-input-file --dlc-fold-batch-norm | FileCheck %s

// s = scale / sqrt(var + eps) = [2, 0.5]; W' = W * s[oc]; B' = (B - mean) * s + bias.
// CHECK-LABEL: func.func @conv
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x3x3xf32>)
// CHECK-DAG: %[[W:.*]] = dlc.constant dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}1.500000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = dlc.constant dense<[3.000000e+00, 1.000000e+00]> : tensor<2xf32>
// CHECK: %[[C:.*]] = dlc.conv %[[X]], %[[W]], %[[B]]
// CHECK-NOT: dlc.batch_norm
// CHECK: return %[[C]]
func.func @conv(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = dlc.constant dense<[[[[1.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>
  %b = dlc.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %scale = dlc.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %bias = dlc.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %mean = dlc.constant dense<[0.0, 2.0]> : tensor<2xf32>
  %var = dlc.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %0 = dlc.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %1 = dlc.batch_norm %0, %scale, %bias, %mean, %var {epsilon = 0.0 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %1 : tensor<1x2x3x3xf32>
}

// -----

// gemm with transB: rows of B are output columns; alpha folds into B.
// CHECK-LABEL: func.func @gemm
// CHECK-DAG: %[[B:.*]] = dlc.constant dense<{{\[\[}}4.000000e+00, 8.000000e+00], [1.000000e+00, 1.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: %[[C:.*]] = dlc.constant dense<[1.000000e+00, -1.000000e+00]> : tensor<2xf32>
// CHECK: dlc.gemm %{{.*}}, %[[B]], %[[C]] {transB = true}
// CHECK-NOT: dlc.batch_norm
func.func @gemm(%a: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = dlc.constant dense<[[1.0, 2.0], [1.0, 1.0]]> : tensor<2x2xf32>
  %scale = dlc.constant dense<[2.0, 0.5]> : tensor<2xf32>
  %bias = dlc.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = dlc.constant dense<[0.0, 2.0]> : tensor<2xf32>
  %var = dlc.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %0 = dlc.gemm %a, %w {alpha = 2.0 : f32, transB = true} : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %1 = dlc.batch_norm %0, %scale, %bias, %mean, %var {epsilon = 0.0 : f32} : (tensor<3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %1 : tensor<3x2xf32>
}

// -----

// Weights that are not constants, or a conv used elsewhere, stay unfolded.
// CHECK-LABEL: func.func @not_foldable
// CHECK: dlc.batch_norm
// CHECK: dlc.batch_norm
func.func @not_foldable(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x1x1xf32>, %c: tensor<1xf32>) -> (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) {
  %w2 = dlc.constant dense<1.0> : tensor<1x1x1x1xf32>
  %0 = dlc.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xf32>
  %1 = dlc.batch_norm %0, %c, %c, %c, %c : (tensor<1x1x3x3xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3x3xf32>
  %2 = dlc.conv %x, %w2 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xf32>
  %3 = dlc.batch_norm %2, %c, %c, %c, %c : (tensor<1x1x3x3xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3x3xf32>
  %4 = dlc.add %2, %3 : (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  return %1, %4 : tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>
}
