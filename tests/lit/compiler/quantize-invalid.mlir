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

// A gemm with alpha != 1 is not a site (dlc-fold-qdq folds alpha = beta = 1 only).
func.func @scaled_gemm(%x: tensor<2x3xf32>) -> tensor<2x4xf32> {
  %w = dlc.constant dense<1.0> : tensor<3x4xf32>
  // expected-error @+1 {{ranges on an op that cannot be quantized}}
  %g = dlc.gemm %x, %w {alpha = 2.0 : f32, dlc.quant_ranges = array<f32: -1.0, 1.0, 0.0, 1.0>} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %g : tensor<2x4xf32>
}
