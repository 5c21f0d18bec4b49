// RUN: dlc-opt %s --split-input-file --verify-diagnostics

func.func @add_no_broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{operand shapes do not broadcast}}
  %0 = dlc.add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @add_wrong_result(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<3x3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<3x3xf32>'}}
  %0 = dlc.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @conv_groups(%x: tensor<1x4x9x9xf32>, %w: tensor<6x4x3x3xf32>) -> tensor<1x6x7x7xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{weight has 4 input channels per group, input has 4 channels in 2 groups}}
  %0 = dlc.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 2 : i64} : (tensor<1x4x9x9xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x7x7xf32>
  return %0 : tensor<1x6x7x7xf32>
}

// -----

func.func @conv_zero_stride(%x: tensor<1x4x9x9xf32>, %w: tensor<6x4x3x3xf32>) -> tensor<1x6x7x7xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{strides, dilations and kernel_shape must be positive}}
  %0 = dlc.conv %x, %w {strides = array<i64: 0, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x4x9x9xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x7x7xf32>
  return %0 : tensor<1x6x7x7xf32>
}

// -----

func.func @transpose_dup(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{perm is not a permutation of [0, 2)}}
  %0 = dlc.transpose %x {perm = array<i64: 0, 0>} : (tensor<2x3xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @reshape_count(%x: tensor<2x3xf32>) -> tensor<7xf32> {
  // expected-error @+1 {{element count differs}}
  %0 = dlc.reshape %x : (tensor<2x3xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

func.func @split_sizes(%x: tensor<5xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  // expected-error @+1 {{result sizes along axis 0 add up to 4, input has 5}}
  %0:2 = dlc.split %x {axis = 0 : i64} : (tensor<5xf32>) -> (tensor<2xf32>, tensor<2xf32>)
  return %0#0, %0#1 : tensor<2xf32>, tensor<2xf32>
}

// -----

func.func @slice_bounds(%x: tensor<4xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{dim 0 reads [2, 6] outside [0, 4)}}
  %0 = dlc.slice %x {starts = array<i64: 2>, steps = array<i64: 2>} : (tensor<4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @batch_norm_channels(%x: tensor<1x3x4xf32>, %s: tensor<4xf32>) -> tensor<1x3x4xf32> {
  // expected-error @+1 {{scale must be [3]}}
  %0 = dlc.batch_norm %x, %s, %s, %s, %s : (tensor<1x3x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x3x4xf32>
  return %0 : tensor<1x3x4xf32>
}

// -----

func.func @reduce_axes(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{axes must be sorted, unique and in [0, 2)}}
  %0 = dlc.reduce_sum %x {axes = array<i64: 1, 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @expand_bad(%x: tensor<3xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{cannot broadcast}}
  %0 = dlc.expand %x : (tensor<3xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @constant_type() -> tensor<3xf32> {
  // expected-error @+1 {{failed to verify that all of {value, output} have same type}}
  %0 = "dlc.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @gradient_of_vector(%y: tensor<2xf32>, %w: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{y must have exactly one element (a scalar loss), got 'tensor<2xf32>'}}
  %0 = dlc.gradient %y, %w : (tensor<2xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @gradient_type(%y: tensor<1xf32>, %w: tensor<3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{result #0 has type 'tensor<2xf32>', the gradient of xs #0 must have its type 'tensor<3xf32>'}}
  %0 = dlc.gradient %y, %w : (tensor<1xf32>, tensor<3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @gradient_count(%y: tensor<f32>, %w: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{has 2 results for 1 values to differentiate with respect to}}
  %0:2 = dlc.gradient %y, %w : (tensor<f32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  return %0#0 : tensor<3xf32>
}

// -----

func.func @quantize_scale_vs_axis(%x: tensor<2x3x4xf32>, %s: tensor<4xf32>, %z: tensor<4xi8>) -> tensor<2x3x4xi8> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{scale [4] must be a scalar, [1], [3] (per axis 1 of input [2,3,4]) or of the input's rank with dims 1 or the input's}}
  %0 = dlc.quantize_linear %x, %s, %z {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xi8>) -> tensor<2x3x4xi8>
  return %0 : tensor<2x3x4xi8>
}

// -----

func.func @quantize_scale_zero_point_shapes(%x: tensor<2x3xf32>, %s: tensor<3xf32>, %z: tensor<1xi8>) -> tensor<2x3xi8> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{scale [3] and zero_point [1] shapes differ}}
  %0 = dlc.quantize_linear %x, %s, %z {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3xf32>, tensor<1xi8>) -> tensor<2x3xi8>
  return %0 : tensor<2x3xi8>
}

// -----

func.func @quantize_axis_range(%x: tensor<2x3xf32>, %s: tensor<3xf32>, %z: tensor<3xi8>) -> tensor<2x3xi8> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{axis 2 is out of range for input [2,3]}}
  %0 = dlc.quantize_linear %x, %s, %z {axis = 2 : i64} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xi8>) -> tensor<2x3xi8>
  return %0 : tensor<2x3xi8>
}

// -----

func.func @quantize_to_i32(%x: tensor<2x3xf32>, %s: tensor<f32>, %z: tensor<i32>) -> tensor<2x3xi32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{zero_point element type 'i32' is not an 8- or 16-bit integer}}
  %0 = dlc.quantize_linear %x, %s, %z : (tensor<2x3xf32>, tensor<f32>, tensor<i32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

func.func @dequantize_zero_point_type(%x: tensor<2x3xi8>, %s: tensor<f32>, %z: tensor<ui8>) -> tensor<2x3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{zero_point element type 'ui8' differs from the input's 'i8'}}
  %0 = dlc.dequantize_linear %x, %s, %z : (tensor<2x3xi8>, tensor<f32>, tensor<ui8>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @dequantize_float_input(%x: tensor<2x3xf32>, %s: tensor<f32>, %z: tensor<f32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{input element type 'f32' is not an 8-, 16- or 32-bit integer}}
  %0 = dlc.dequantize_linear %x, %s, %z : (tensor<2x3xf32>, tensor<f32>, tensor<f32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @conv_mixed_types(%x: tensor<1x2x5x5xi32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x3x3xi32> {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{input, weight and bias element types differ}}
  %0 = dlc.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x5x5xi32>, tensor<4x2x3x3xf32>) -> tensor<1x4x3x3xi32>
  return %0 : tensor<1x4x3x3xi32>
}
