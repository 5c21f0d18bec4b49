// RUN: dlc-opt %s --split-input-file | dlc-opt | FileCheck %s
// Round trip and shape inference: the printed types are what the verifier
// re-derived from operands and attributes.

// CHECK-LABEL: func.func @broadcast
// CHECK: %[[A:.*]] = dlc.add %{{.*}}, %{{.*}} : (tensor<2x1x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
// CHECK: dlc.equal %[[A]], %[[A]] : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xi1>
func.func @broadcast(%a: tensor<2x1x4xf32>, %b: tensor<3x1xf32>) -> tensor<2x3x4xi1> {
  %0 = dlc.add %a, %b : (tensor<2x1x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  %1 = dlc.equal %0, %0 : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xi1>
  return %1 : tensor<2x3x4xi1>
}

// -----

// CHECK-LABEL: func.func @conv_pool
// CHECK: dlc.conv %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x9x9xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x5x5xf32>
// CHECK: dlc.max_pool %{{.*}} {ceil_mode = true, {{.*}}} : (tensor<1x6x5x5xf32>) -> tensor<1x6x3x3xf32>
func.func @conv_pool(%x: tensor<1x4x9x9xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x3x3xf32> {
  %0 = dlc.conv %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 2 : i64} : (tensor<1x4x9x9xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x5x5xf32>
  %1 = dlc.max_pool %0 {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = true} : (tensor<1x6x5x5xf32>) -> tensor<1x6x3x3xf32>
  return %1 : tensor<1x6x3x3xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_gemm
// CHECK: dlc.matmul %{{.*}}, %{{.*}} : (tensor<5x1x2x3xf32>, tensor<4x3x7xf32>) -> tensor<5x4x2x7xf32>
// CHECK: dlc.matmul %{{.*}}, %{{.*}} : (tensor<3xf32>, tensor<4x3x7xf32>) -> tensor<4x7xf32>
// CHECK: dlc.gemm %{{.*}}, %{{.*}}, %{{.*}} {transB = true} : (tensor<2x3xf32>, tensor<8x3xf32>, tensor<8xf32>) -> tensor<2x8xf32>
func.func @matmul_gemm(%a: tensor<5x1x2x3xf32>, %b: tensor<4x3x7xf32>, %v: tensor<3xf32>, %x: tensor<2x3xf32>, %w: tensor<8x3xf32>, %c: tensor<8xf32>) -> (tensor<5x4x2x7xf32>, tensor<4x7xf32>, tensor<2x8xf32>) {
  %0 = dlc.matmul %a, %b : (tensor<5x1x2x3xf32>, tensor<4x3x7xf32>) -> tensor<5x4x2x7xf32>
  %1 = dlc.matmul %v, %b : (tensor<3xf32>, tensor<4x3x7xf32>) -> tensor<4x7xf32>
  %2 = dlc.gemm %x, %w, %c {transB = true} : (tensor<2x3xf32>, tensor<8x3xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %0, %1, %2 : tensor<5x4x2x7xf32>, tensor<4x7xf32>, tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func.func @data_movement
// CHECK: dlc.transpose %{{.*}} {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
// CHECK: dlc.concat %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x5x4xf32>) -> tensor<2x8x4xf32>
// CHECK: dlc.gather %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<5x6xi64>) -> tensor<2x5x6x4xf32>
// CHECK: dlc.reduce_mean %{{.*}} {axes = array<i64: 0, 2>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<3xf32>
// CHECK: dlc.slice %{{.*}} {starts = array<i64: 1, 2, 0>, steps = array<i64: 1, -1, 2>} : (tensor<2x3x4xf32>) -> tensor<1x3x2xf32>
func.func @data_movement(%x: tensor<2x3x4xf32>, %y: tensor<2x5x4xf32>, %i: tensor<5x6xi64>) -> (tensor<4x2x3xf32>, tensor<2x8x4xf32>, tensor<2x5x6x4xf32>, tensor<3xf32>, tensor<1x3x2xf32>) {
  %0 = dlc.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  %1 = dlc.concat %x, %y {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x5x4xf32>) -> tensor<2x8x4xf32>
  %2 = dlc.gather %x, %i {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<5x6xi64>) -> tensor<2x5x6x4xf32>
  %3 = dlc.reduce_mean %x {axes = array<i64: 0, 2>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<3xf32>
  %4 = dlc.slice %x {starts = array<i64: 1, 2, 0>, steps = array<i64: 1, -1, 2>} : (tensor<2x3x4xf32>) -> tensor<1x3x2xf32>
  return %0, %1, %2, %3, %4 : tensor<4x2x3xf32>, tensor<2x8x4xf32>, tensor<2x5x6x4xf32>, tensor<3xf32>, tensor<1x3x2xf32>
}

// -----

// CHECK-LABEL: func.func @gradient
// CHECK: dlc.gradient %{{.*}}, %{{.*}}, %{{.*}} : (tensor<f32>, tensor<3xf32>, tensor<2x3xf32>) -> (tensor<3xf32>, tensor<2x3xf32>)
func.func @gradient(%loss: tensor<f32>, %w: tensor<3xf32>, %x: tensor<2x3xf32>) -> (tensor<3xf32>, tensor<2x3xf32>) {
  %0:2 = dlc.gradient %loss, %w, %x : (tensor<f32>, tensor<3xf32>, tensor<2x3xf32>) -> (tensor<3xf32>, tensor<2x3xf32>)
  return %0#0, %0#1 : tensor<3xf32>, tensor<2x3xf32>
}

// -----

// Quantization: the result takes the zero point's element type (quantize)
// or the scale's (dequantize); per-tensor, per-axis and broadcast
// (blocked) scales.
// CHECK-LABEL: func.func @quantize_dequantize
// CHECK: %[[Q:.*]] = dlc.quantize_linear %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xui8>) -> tensor<2x3x4xui8>
// CHECK: dlc.dequantize_linear %[[Q]], %{{.*}}, %{{.*}} {axis = 0 : i64} : (tensor<2x3x4xui8>, tensor<f16>, tensor<ui8>) -> tensor<2x3x4xf16>
// CHECK: dlc.quantize_linear %{{.*}}, %{{.*}}, %{{.*}} {axis = 2 : i64} : (tensor<2x3x4xf32>, tensor<2x3x1xf32>, tensor<2x3x1xi8>) -> tensor<2x3x4xi8>
func.func @quantize_dequantize(%x: tensor<2x3x4xf32>, %s: tensor<3xf32>, %z: tensor<3xui8>,
                               %s0: tensor<f16>, %z0: tensor<ui8>, %sb: tensor<2x3x1xf32>,
                               %zb: tensor<2x3x1xi8>) -> (tensor<2x3x4xf16>, tensor<2x3x4xi8>) {
  %0 = dlc.quantize_linear %x, %s, %z {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xui8>) -> tensor<2x3x4xui8>
  %1 = dlc.dequantize_linear %0, %s0, %z0 {axis = 0 : i64} : (tensor<2x3x4xui8>, tensor<f16>, tensor<ui8>) -> tensor<2x3x4xf16>
  %2 = dlc.quantize_linear %x, %sb, %zb {axis = 2 : i64} : (tensor<2x3x4xf32>, tensor<2x3x1xf32>, tensor<2x3x1xi8>) -> tensor<2x3x4xi8>
  return %1, %2 : tensor<2x3x4xf16>, tensor<2x3x4xi8>
}

// -----

// Integer convolution (QLinearConv's accumulator): i32 throughout.
// CHECK-LABEL: func.func @conv_i32
// CHECK: dlc.conv %{{.*}}, %{{.*}}, %{{.*}} {{.*}} : (tensor<1x2x5x5xi32>, tensor<4x2x3x3xi32>, tensor<4xi32>) -> tensor<1x4x3x3xi32>
func.func @conv_i32(%x: tensor<1x2x5x5xi32>, %w: tensor<4x2x3x3xi32>, %b: tensor<4xi32>) -> tensor<1x4x3x3xi32> {
  %0 = dlc.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x5x5xi32>, tensor<4x2x3x3xi32>, tensor<4xi32>) -> tensor<1x4x3x3xi32>
  return %0 : tensor<1x4x3x3xi32>
}
