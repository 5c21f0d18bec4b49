// RUN: dlc-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(dlc-expand-gradients))" --verify-diagnostics

// An op without a VJP on the path from x to y is named.
func.func @through_copy(%x: tensor<3xf32>) -> tensor<3xf32> attributes {dlc.graph} {
  // expected-error @+1 {{'dlc.copy' is not differentiable, but a gradient flows through it}}
  %0 = dlc.copy %x {device = "cpu"} : (tensor<3xf32>) -> tensor<3xf32>
  %1 = dlc.reduce_sum %0 {axes = array<i64: 0>, keepdims = false} : (tensor<3xf32>) -> tensor<f32>
  // expected-error @+1 {{cannot differentiate y with respect to xs}}
  %2 = dlc.gradient %1, %x : (tensor<f32>, tensor<3xf32>) -> tensor<3xf32>
  return %2 : tensor<3xf32>
}

// -----

// A VJP rule's own limits are reported too.
func.func @gather_axis1(%t: tensor<3x4xf32>, %i: tensor<2xi64>) -> tensor<3x4xf32> attributes {dlc.graph} {
  // expected-error @+1 {{'dlc.gather' op has no gradient for axis 1 (only axis 0)}}
  %0 = dlc.gather %t, %i {axis = 1 : i64} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<3x2xf32>
  %1 = dlc.reduce_sum %0 {axes = array<i64: 0, 1>, keepdims = false} : (tensor<3x2xf32>) -> tensor<f32>
  // expected-error @+1 {{cannot differentiate y with respect to xs}}
  %2 = dlc.gradient %1, %t : (tensor<f32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %2 : tensor<3x4xf32>
}
