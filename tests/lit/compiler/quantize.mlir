// RUN: dlc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(dlc-quantize))' | FileCheck %s

// conv + relu with ranges: x in [-1, 3] -> scale 4/255, zero point 64
// (round(1 / (4/255)) = 63.75 -> 64); weights per output channel by
// max|w| / 127 ([2, -1] -> [127, -64], ties to even); the bias in i32 with
// scale sx * sw[c]; the relu output in [0, 5.1] -> scale 0.02, zero point
// 0, read by the return through dq.
// One scale and zero point constant serve each quantize/dequantize pair.
// CHECK-LABEL: func.func @conv_relu
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x4xf32>)
// CHECK-DAG: %[[SX:.*]] = dlc.constant dense<0.0156862754> : tensor<f32>
// CHECK-DAG: %[[ZX:.*]] = dlc.constant dense<64> : tensor<ui8>
// CHECK: %[[XQ:.*]] = dlc.quantize_linear %[[X]], %[[SX]], %[[ZX]]
// CHECK: %[[XD:.*]] = dlc.dequantize_linear %[[XQ]], %[[SX]], %[[ZX]]
// CHECK-DAG: %[[WQ:.*]] = dlc.constant dense<{{.*}}127]], {{.*}}-64]]], {{.*}}16]], {{.*}}127]]]]> : tensor<2x2x1x1xi8>
// CHECK-DAG: %[[SW:.*]] = dlc.constant dense<[0.0157480314, 0.0314960629]> : tensor<2xf32>
// CHECK: %[[WD:.*]] = dlc.dequantize_linear %[[WQ]], %[[SW]], %{{.*}} {axis = 0 : i64}
// CHECK-DAG: %[[BQ:.*]] = dlc.constant dense<[4048, -2024]> : tensor<2xi32>
// CHECK: %[[BD:.*]] = dlc.dequantize_linear %[[BQ]]
// CHECK: %[[C:.*]] = dlc.conv %[[XD]], %[[WD]], %[[BD]]
// CHECK-NOT: dlc.quant_ranges
// CHECK: %[[R:.*]] = dlc.relu %[[C]]
// CHECK-DAG: %[[SY:.*]] = dlc.constant dense<2.000000e-02> : tensor<f32>
// CHECK-DAG: %[[ZY:.*]] = dlc.constant dense<0> : tensor<ui8>
// CHECK: %[[YQ:.*]] = dlc.quantize_linear %[[R]], %[[SY]], %[[ZY]] :
// CHECK: %[[YD:.*]] = dlc.dequantize_linear %[[YQ]], %[[SY]], %[[ZY]] :
// CHECK: return %[[YD]]
func.func @conv_relu(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = dlc.constant dense<[[[[2.0]], [[-1.0]]], [[[0.5]], [[4.0]]]]> : tensor<2x2x1x1xf32>
  %b = dlc.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %c = dlc.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, dlc.quant_ranges = array<f32: -1.0, 3.0, 0.0, 5.1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %r = dlc.relu %c : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %r : tensor<1x2x4x4xf32>
}

// -----

// Two matmuls in a chain: the first one's output is the second one's input
// and is quantized once. Weights [K, N] are scaled per column (axis 1, the
// default, not printed).
// CHECK-LABEL: func.func @chain
// CHECK-COUNT-1: dlc.quantize_linear %arg0
// CHECK: %[[W1:.*]] = dlc.dequantize_linear %{{.*}} : (tensor<3x4xi8>, tensor<4xf32>, tensor<4xi8>)
// CHECK: %[[M1:.*]] = dlc.matmul %{{.*}}, %[[W1]]
// CHECK: %[[Q1:.*]] = dlc.quantize_linear %[[M1]]
// CHECK: %[[D1:.*]] = dlc.dequantize_linear %[[Q1]]
// CHECK-NOT: dlc.quantize_linear %[[D1]]
// CHECK: %[[M2:.*]] = dlc.matmul %[[D1]], %{{.*}} : (tensor<2x4xf32>, tensor<4x5xf32>)
// CHECK: %[[Q2:.*]] = dlc.quantize_linear %[[M2]]
// CHECK: %[[D2:.*]] = dlc.dequantize_linear %[[Q2]]
// CHECK: return %[[D2]]
func.func @chain(%x: tensor<2x3xf32>) -> tensor<2x5xf32> {
  %w1 = dlc.constant dense<[[1.0, 2.0, 3.0, 4.0], [-1.0, -2.0, -3.0, -4.0], [0.5, 0.5, 0.5, 0.5]]> : tensor<3x4xf32>
  %w2 = dlc.constant dense<0.25> : tensor<4x5xf32>
  %m1 = dlc.matmul %x, %w1 {dlc.quant_ranges = array<f32: -1.0, 1.0, -8.0, 8.0>} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %m2 = dlc.matmul %m1, %w2 {dlc.quant_ranges = array<f32: -8.0, 8.0, -2.0, 2.0>} : (tensor<2x4xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %m2 : tensor<2x5xf32>
}

// -----

// A site without ranges stays f32; gemm transB scales its weights per row.
// CHECK-LABEL: func.func @gemm
// CHECK: dlc.dequantize_linear %{{.*}} {axis = 0 : i64} : (tensor<3x2xi8>, tensor<3xf32>, tensor<3xi8>)
// CHECK: dlc.gemm %{{.*}} {transB = true}
// CHECK: %[[PLAIN:.*]] = dlc.gemm %arg1, %{{.*}} : (tensor<4x2xf32>, tensor<2x3xf32>)
// CHECK-NOT: dlc.quantize_linear %[[PLAIN]]
func.func @gemm(%a: tensor<4x2xf32>, %b: tensor<4x2xf32>) -> (tensor<4x3xf32>, tensor<4x3xf32>) {
  %w = dlc.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %wt = dlc.constant dense<1.0> : tensor<2x3xf32>
  %g = dlc.gemm %a, %w {transB = true, dlc.quant_ranges = array<f32: 0.0, 1.0, 0.0, 10.0>} : (tensor<4x2xf32>, tensor<3x2xf32>) -> tensor<4x3xf32>
  %h = dlc.gemm %b, %wt : (tensor<4x2xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %g, %h : tensor<4x3xf32>, tensor<4x3xf32>
}

// -----

// A clip (ReLU6) as the only user: the site quantizes the clip's result.
// CHECK-LABEL: func.func @conv_clip
// CHECK: %[[C:.*]] = dlc.conv
// CHECK: %[[R:.*]] = dlc.clip %[[C]]
// CHECK: %[[YQ:.*]] = dlc.quantize_linear %[[R]]
// CHECK: %[[YD:.*]] = dlc.dequantize_linear %[[YQ]]
// CHECK: return %[[YD]]
func.func @conv_clip(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %w = dlc.constant dense<1.0> : tensor<1x1x1x1xf32>
  %c = dlc.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, dlc.quant_ranges = array<f32: -1.0, 1.0, 0.0, 6.0>} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  %r = dlc.clip %c {min = 0.0 : f64, max = 6.0 : f64} : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  return %r : tensor<1x1x2x2xf32>
}

// -----

// A result with two users (MobileNet's projection conv feeds the residual
// add and the next block): both read the dequantized value, so the
// contraction's only use is the quantize.
// CHECK-LABEL: func.func @two_users
// CHECK: %[[M:.*]] = dlc.matmul
// CHECK: %[[Q:.*]] = dlc.quantize_linear %[[M]]
// CHECK-NEXT: %[[D:.*]] = dlc.dequantize_linear %[[Q]]
// CHECK-NEXT: %[[N:.*]] = dlc.neg %[[D]]
// CHECK-NEXT: return %[[D]], %[[N]]
func.func @two_users(%x: tensor<2x3xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %w = dlc.constant dense<1.0> : tensor<3x4xf32>
  %m = dlc.matmul %x, %w {dlc.quant_ranges = array<f32: -1.0, 1.0, -3.0, 3.0>} : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %n = dlc.neg %m : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %m, %n : tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

// ONNX MatMul + Add(constant [N]): the add's constant becomes the i32 bias
// (scale sx * sw[n] = 1/255 * [1, 2] / 127; -16192.5 rounds to even) and
// the add's result is the site's output.
// CHECK-LABEL: func.func @matmul_bias
// CHECK: %[[BQ:.*]] = dlc.constant dense<[32385, -16192]> : tensor<2xi32>
// CHECK: %[[BD:.*]] = dlc.dequantize_linear %[[BQ]]
// CHECK: %[[M:.*]] = dlc.matmul
// CHECK: %[[A:.*]] = dlc.add %[[M]], %[[BD]]
// CHECK: %[[Q:.*]] = dlc.quantize_linear %[[A]]
func.func @matmul_bias(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = dlc.constant dense<[[1.0, 2.0], [-1.0, 0.5]]> : tensor<2x2xf32>
  %b = dlc.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %m = dlc.matmul %x, %w {dlc.quant_ranges = array<f32: 0.0, 1.0, -2.0, 4.0>} : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %a = dlc.add %m, %b : (tensor<3x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %a : tensor<3x2xf32>
}
