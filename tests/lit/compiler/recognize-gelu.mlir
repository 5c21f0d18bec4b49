// RUN: dlc-opt %s --split-input-file --dlc-recognize-gelu | FileCheck %s

// The PyTorch export: x / sqrt(2) -> erf -> + 1 -> x * (..) -> * 0.5.
// CHECK-LABEL: func.func @torch_order
// CHECK-SAME: (%[[X:.*]]: tensor<2x8xf32>)
// CHECK-NEXT: %[[G:.*]] = dlc.gelu %[[X]] : (tensor<2x8xf32>) -> tensor<2x8xf32>
// CHECK-NEXT: return %[[G]]
func.func @torch_order(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %s = dlc.constant dense<1.41421354> : tensor<f32>
  %one = dlc.constant dense<1.0> : tensor<f32>
  %half = dlc.constant dense<0.5> : tensor<f32>
  %0 = dlc.div %x, %s : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %1 = dlc.erf %0 : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %2 = dlc.add %1, %one : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %3 = dlc.mul %x, %2 : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %4 = dlc.mul %3, %half : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  return %4 : tensor<2x8xf32>
}

// -----

// (0.5 * x) * (1 + erf(x * 1/sqrt(2))), operands swapped.
// CHECK-LABEL: func.func @half_first
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[G:.*]] = dlc.gelu %[[X]]
// CHECK-NEXT: return %[[G]]
func.func @half_first(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = dlc.constant dense<0.707106769> : tensor<1xf32>
  %one = dlc.constant dense<1.0> : tensor<1xf32>
  %half = dlc.constant dense<0.5> : tensor<1xf32>
  %h = dlc.mul %half, %x : (tensor<1xf32>, tensor<4xf32>) -> tensor<4xf32>
  %0 = dlc.mul %r, %x : (tensor<1xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = dlc.erf %0 : (tensor<4xf32>) -> tensor<4xf32>
  %2 = dlc.add %one, %1 : (tensor<1xf32>, tensor<4xf32>) -> tensor<4xf32>
  %3 = dlc.mul %2, %h : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %3 : tensor<4xf32>
}

// -----

// Not GELU: a wrong constant (x / 2); 1 + erf(..) with a second use (a
// product that broadcasts it to a bigger shape).
// CHECK-LABEL: func.func @near_misses
// CHECK-NOT: dlc.gelu
// CHECK: return
func.func @near_misses(%x: tensor<4xf32>, %y: tensor<3x4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<3x4xf32>) {
  %two = dlc.constant dense<2.0> : tensor<f32>
  %s = dlc.constant dense<1.41421354> : tensor<f32>
  %one = dlc.constant dense<1.0> : tensor<f32>
  %half = dlc.constant dense<0.5> : tensor<f32>
  %0 = dlc.div %x, %two : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = dlc.erf %0 : (tensor<4xf32>) -> tensor<4xf32>
  %2 = dlc.add %1, %one : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %3 = dlc.mul %x, %2 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %4 = dlc.mul %3, %half : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %5 = dlc.div %x, %s : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %6 = dlc.erf %5 : (tensor<4xf32>) -> tensor<4xf32>
  %7 = dlc.add %6, %one : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %8 = dlc.mul %x, %7 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %9 = dlc.mul %8, %half : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %10 = dlc.mul %y, %7 : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  return %4, %9, %8, %10 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<3x4xf32>
}
