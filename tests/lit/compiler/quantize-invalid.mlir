// RUN: dlc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(dlc-quantize))' --verify-diagnostics

// Ranges must have four entries.
func.func @short_ranges(%x: tensor<2x3xf32>) -> tensor<2x4xf32> {
  %w = dlc.constant dense<1.0> : tensor<3x4xf32>
  // expected-error @+1 {{must be array<f32: in_min, in_max, out_min, out_max>}}
  %m = dlc.matmul %x, %w {dlc.quant_ranges = array<f32: -1.0, 1.0>} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %m : tensor<2x4xf32>
}

// -----

// min > max.
func.func @inverted(%x: tensor<2x3xf32>) -> tensor<2x4xf32> {
  %w = dlc.constant dense<1.0> : tensor<3x4xf32>
  // expected-error @+1 {{min <= max}}
  %m = dlc.matmul %x, %w {dlc.quant_ranges = array<f32: 1.0, -1.0, 0.0, 1.0>} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %m : tensor<2x4xf32>
}

// -----

// A matmul of two activations is not a site (no constant weights).
func.func @not_a_site(%x: tensor<2x3xf32>, %w: tensor<3x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{ranges on an op that cannot be quantized}}
  %m = dlc.matmul %x, %w {dlc.quant_ranges = array<f32: -1.0, 1.0, 0.0, 1.0>} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %m : tensor<2x4xf32>
}

// -----

// A result with two users cannot be quantized as a whole kernel.
func.func @two_users(%x: tensor<2x3xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %w = dlc.constant dense<1.0> : tensor<3x4xf32>
  // expected-error @+1 {{ranges on an op that cannot be quantized}}
  %m = dlc.matmul %x, %w {dlc.quant_ranges = array<f32: -1.0, 1.0, 0.0, 1.0>} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %n = dlc.neg %m : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %m, %n : tensor<2x4xf32>, tensor<2x4xf32>
}
