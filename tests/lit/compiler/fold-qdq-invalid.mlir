// RUN: dlc-opt %s --split-input-file --dlc-fold-qdq --verify-diagnostics | FileCheck %s

// Patterns dlc-fold-qdq must leave in float (no diagnostics: the graph
// stays valid and computes the same as before).

// A bias whose scale is not sx * sw would change the result if added to
// the i32 accumulator.
// CHECK-LABEL: func.func @bias_scale_mismatch
// CHECK: dlc.gemm
// CHECK-NOT: xi32>) -> tensor<4x2xi32>
func.func @bias_scale_mismatch(%a: tensor<4x3xi8>, %w: tensor<3x2xi8>) -> tensor<4x2xi8> {
  %s = dlc.constant dense<1.0> : tensor<f32>
  %z = dlc.constant dense<0> : tensor<i8>
  %b = dlc.constant dense<[7, -7]> : tensor<2xi32>
  %sb = dlc.constant dense<0.5> : tensor<f32>
  %zb = dlc.constant dense<0> : tensor<i32>
  %ad = dlc.dequantize_linear %a, %s, %z : (tensor<4x3xi8>, tensor<f32>, tensor<i8>) -> tensor<4x3xf32>
  %wd = dlc.dequantize_linear %w, %s, %z : (tensor<3x2xi8>, tensor<f32>, tensor<i8>) -> tensor<3x2xf32>
  %bd = dlc.dequantize_linear %b, %sb, %zb : (tensor<2xi32>, tensor<f32>, tensor<i32>) -> tensor<2xf32>
  %g = dlc.gemm %ad, %wd, %bd : (tensor<4x3xf32>, tensor<3x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  %y = dlc.quantize_linear %g, %s, %z : (tensor<4x2xf32>, tensor<f32>, tensor<i8>) -> tensor<4x2xi8>
  return %y : tensor<4x2xi8>
}

// -----

// Scales that are not constants (the multiplier is computed at compile time).
// CHECK-LABEL: func.func @runtime_scale
// CHECK: dlc.matmul %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
func.func @runtime_scale(%a: tensor<2x3xi8>, %w: tensor<3x4xi8>, %sa: tensor<f32>) -> tensor<2x4xi8> {
  %s = dlc.constant dense<1.0> : tensor<f32>
  %z = dlc.constant dense<0> : tensor<i8>
  %ad = dlc.dequantize_linear %a, %sa, %z : (tensor<2x3xi8>, tensor<f32>, tensor<i8>) -> tensor<2x3xf32>
  %wd = dlc.dequantize_linear %w, %s, %z : (tensor<3x4xi8>, tensor<f32>, tensor<i8>) -> tensor<3x4xf32>
  %m = dlc.matmul %ad, %wd : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %y = dlc.quantize_linear %m, %s, %z : (tensor<2x4xf32>, tensor<f32>, tensor<i8>) -> tensor<2x4xi8>
  return %y : tensor<2x4xi8>
}

// -----

// Weights quantized per input channel (axis 1 of a conv weight) do not
// factor out of the accumulation.
// CHECK-LABEL: func.func @conv_wrong_weight_axis
// CHECK: dlc.conv %{{.*}}, %{{.*}} {{.*}} -> tensor<1x2x1x1xf32>
func.func @conv_wrong_weight_axis(%x: tensor<1x2x3x3xi8>, %w: tensor<2x2x3x3xi8>) -> tensor<1x2x1x1xi8> {
  %s = dlc.constant dense<1.0> : tensor<f32>
  %z = dlc.constant dense<0> : tensor<i8>
  %sw = dlc.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %zw = dlc.constant dense<0> : tensor<2xi8>
  %xd = dlc.dequantize_linear %x, %s, %z : (tensor<1x2x3x3xi8>, tensor<f32>, tensor<i8>) -> tensor<1x2x3x3xf32>
  %wd = dlc.dequantize_linear %w, %sw, %zw {axis = 1 : i64} : (tensor<2x2x3x3xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x2x3x3xf32>
  %c = dlc.conv %xd, %wd {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x1x1xf32>
  %y = dlc.quantize_linear %c, %s, %z : (tensor<1x2x1x1xf32>, tensor<f32>, tensor<i8>) -> tensor<1x2x1x1xi8>
  return %y : tensor<1x2x1x1xi8>
}

// -----

// The float result has another use: it must stay float.
// CHECK-LABEL: func.func @second_use
// CHECK: %[[M:.*]] = dlc.matmul %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
// CHECK: return %{{.*}}, %[[M]]
func.func @second_use(%a: tensor<2x3xi8>, %w: tensor<3x4xi8>) -> (tensor<2x4xi8>, tensor<2x4xf32>) {
  %s = dlc.constant dense<1.0> : tensor<f32>
  %z = dlc.constant dense<0> : tensor<i8>
  %ad = dlc.dequantize_linear %a, %s, %z : (tensor<2x3xi8>, tensor<f32>, tensor<i8>) -> tensor<2x3xf32>
  %wd = dlc.dequantize_linear %w, %s, %z : (tensor<3x4xi8>, tensor<f32>, tensor<i8>) -> tensor<3x4xf32>
  %m = dlc.matmul %ad, %wd : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %y = dlc.quantize_linear %m, %s, %z : (tensor<2x4xf32>, tensor<f32>, tensor<i8>) -> tensor<2x4xi8>
  return %y, %m : tensor<2x4xi8>, tensor<2x4xf32>
}

// -----

// A 16-bit output is not an int8 kernel.
// CHECK-LABEL: func.func @int16_output
// CHECK: dlc.matmul %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
func.func @int16_output(%a: tensor<2x3xi8>, %w: tensor<3x4xi8>) -> tensor<2x4xi16> {
  %s = dlc.constant dense<1.0> : tensor<f32>
  %z = dlc.constant dense<0> : tensor<i8>
  %z16 = dlc.constant dense<0> : tensor<i16>
  %ad = dlc.dequantize_linear %a, %s, %z : (tensor<2x3xi8>, tensor<f32>, tensor<i8>) -> tensor<2x3xf32>
  %wd = dlc.dequantize_linear %w, %s, %z : (tensor<3x4xi8>, tensor<f32>, tensor<i8>) -> tensor<3x4xf32>
  %m = dlc.matmul %ad, %wd : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %y = dlc.quantize_linear %m, %s, %z16 : (tensor<2x4xf32>, tensor<f32>, tensor<i16>) -> tensor<2x4xi16>
  return %y : tensor<2x4xi16>
}
