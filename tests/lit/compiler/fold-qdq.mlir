// RUN: dlc-opt %s --split-input-file --dlc-fold-qdq | FileCheck %s

// conv + relu, per-channel weights and an i32 bias of scale sx * sw: the
// activation is centered in i32, the constant weights are centered here
// (2 - [0, 1, -1]), the bias adds to the i32 accumulator, and the multiplier
// sx * sw / sy = 0.5 * [0.25, 0.125, 0.5] / 2 requantizes after the relu.
// CHECK-LABEL: func.func @conv_relu
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x5x5xf32>)
// CHECK-DAG: %[[ONE:.*]] = dlc.constant dense<1.000000e+00> : tensor<f64>
// CHECK-DAG: %[[M:.*]] = dlc.constant dense<{{\[\[\[\[}}6.250000e-02]], {{\[\[}}3.125000e-02]], {{\[\[}}1.250000e-01]]]]> : tensor<1x3x1x1xf64>
// CHECK-DAG: %[[W:.*]] = dlc.constant dense<{{.*}}2, 2, 2{{.*}}1, 1, 1{{.*}}3, 3, 3{{.*}}> : tensor<3x2x3x3xi32>
// CHECK-DAG: %[[ZX:.*]] = dlc.constant dense<128> : tensor<i32>
// CHECK-DAG: %[[B:.*]] = dlc.constant dense<[10, 20, 30]> : tensor<3xi32>
// CHECK-DAG: %[[ZY:.*]] = dlc.constant dense<3> : tensor<ui8>
// CHECK: %[[XQ:.*]] = dlc.quantize_linear %[[X]]
// CHECK: %[[XI:.*]] = dlc.cast %[[XQ]] : (tensor<1x2x5x5xui8>) -> tensor<1x2x5x5xi32>
// CHECK: %[[XC:.*]] = dlc.sub %[[XI]], %[[ZX]]
// CHECK: %[[ACC:.*]] = dlc.conv %[[XC]], %[[W]], %[[B]] {{.*}} -> tensor<1x3x3x3xi32>
// CHECK: %[[F:.*]] = dlc.cast %[[ACC]] : (tensor<1x3x3x3xi32>) -> tensor<1x3x3x3xf64>
// CHECK: %[[S:.*]] = dlc.mul %[[F]], %[[M]]
// CHECK: %[[R:.*]] = dlc.relu %[[S]] : (tensor<1x3x3x3xf64>) -> tensor<1x3x3x3xf64>
// CHECK: %[[Y:.*]] = dlc.quantize_linear %[[R]], %[[ONE]], %[[ZY]] {axis = 0 : i64} : (tensor<1x3x3x3xf64>, tensor<f64>, tensor<ui8>) -> tensor<1x3x3x3xui8>
// CHECK-NOT: dlc.dequantize_linear
// CHECK: return %[[Y]]
func.func @conv_relu(%x: tensor<1x2x5x5xf32>) -> tensor<1x3x3x3xui8> {
  %sx = dlc.constant dense<0.5> : tensor<f32>
  %zx = dlc.constant dense<128> : tensor<ui8>
  %sw = dlc.constant dense<[0.25, 0.125, 0.5]> : tensor<3xf32>
  %zw = dlc.constant dense<[0, 1, -1]> : tensor<3xi8>
  %w = dlc.constant dense<2> : tensor<3x2x3x3xi8>
  %b = dlc.constant dense<[10, 20, 30]> : tensor<3xi32>
  %sb = dlc.constant dense<[0.125, 0.0625, 0.25]> : tensor<3xf32>
  %zb = dlc.constant dense<0> : tensor<3xi32>
  %sy = dlc.constant dense<2.0> : tensor<f32>
  %zy = dlc.constant dense<3> : tensor<ui8>
  %xq = dlc.quantize_linear %x, %sx, %zx : (tensor<1x2x5x5xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2x5x5xui8>
  %xd = dlc.dequantize_linear %xq, %sx, %zx : (tensor<1x2x5x5xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x2x5x5xf32>
  %wd = dlc.dequantize_linear %w, %sw, %zw {axis = 0 : i64} : (tensor<3x2x3x3xi8>, tensor<3xf32>, tensor<3xi8>) -> tensor<3x2x3x3xf32>
  %bd = dlc.dequantize_linear %b, %sb, %zb {axis = 0 : i64} : (tensor<3xi32>, tensor<3xf32>, tensor<3xi32>) -> tensor<3xf32>
  %c = dlc.conv %xd, %wd, %bd {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x5x5xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<1x3x3x3xf32>
  %r = dlc.relu %c : (tensor<1x3x3x3xf32>) -> tensor<1x3x3x3xf32>
  %y = dlc.quantize_linear %r, %sy, %zy : (tensor<1x3x3x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x3x3x3xui8>
  return %y : tensor<1x3x3x3xui8>
}

// -----

// gemm with transB and per-row (= per output column) weight scales: the
// centered weights are stored transposed [K, N]; the bias adds in i32.
// CHECK-LABEL: func.func @gemm_trans_b
// CHECK-SAME: (%[[A:.*]]: tensor<4x3xi8>)
// CHECK-DAG: %[[M:.*]] = dlc.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf64>
// CHECK-DAG: %[[W:.*]] = dlc.constant dense<{{\[\[}}1, 4], [2, 5], [3, 6]]> : tensor<3x2xi32>
// CHECK-DAG: %[[B:.*]] = dlc.constant dense<[7, -7]> : tensor<2xi32>
// CHECK: %[[AI:.*]] = dlc.cast %[[A]] : (tensor<4x3xi8>) -> tensor<4x3xi32>
// CHECK: %[[ACC:.*]] = dlc.matmul %[[AI]], %[[W]] : (tensor<4x3xi32>, tensor<3x2xi32>) -> tensor<4x2xi32>
// CHECK: %[[ACCB:.*]] = dlc.add %[[ACC]], %[[B]] : (tensor<4x2xi32>, tensor<2xi32>) -> tensor<4x2xi32>
// CHECK: %[[F:.*]] = dlc.cast %[[ACCB]] : (tensor<4x2xi32>) -> tensor<4x2xf64>
// CHECK: %[[S:.*]] = dlc.mul %[[F]], %[[M]]
// CHECK: %[[Y:.*]] = dlc.quantize_linear %[[S]]
// CHECK: return %[[Y]]
func.func @gemm_trans_b(%a: tensor<4x3xi8>) -> tensor<4x2xi8> {
  %sa = dlc.constant dense<1.0> : tensor<f32>
  %za = dlc.constant dense<0> : tensor<i8>
  %w = dlc.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8>
  %sw = dlc.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %zw = dlc.constant dense<0> : tensor<2xi8>
  %b = dlc.constant dense<[7, -7]> : tensor<2xi32>
  %sb = dlc.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %zb = dlc.constant dense<0> : tensor<2xi32>
  %sy = dlc.constant dense<0.5> : tensor<f32>
  %zy = dlc.constant dense<0> : tensor<i8>
  %ad = dlc.dequantize_linear %a, %sa, %za : (tensor<4x3xi8>, tensor<f32>, tensor<i8>) -> tensor<4x3xf32>
  %wd = dlc.dequantize_linear %w, %sw, %zw {axis = 0 : i64} : (tensor<2x3xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x3xf32>
  %bd = dlc.dequantize_linear %b, %sb, %zb {axis = 0 : i64} : (tensor<2xi32>, tensor<2xf32>, tensor<2xi32>) -> tensor<2xf32>
  %g = dlc.gemm %ad, %wd, %bd {transB = true} : (tensor<4x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  %y = dlc.quantize_linear %g, %sy, %zy : (tensor<4x2xf32>, tensor<f32>, tensor<i8>) -> tensor<4x2xi8>
  return %y : tensor<4x2xi8>
}

// -----

// matmul whose weights are not constant: they are centered with dlc ops
// (per-column zero point [N] broadcast as [1, N]).
// CHECK-LABEL: func.func @matmul_runtime_weights
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xui8>, %[[W:.*]]: tensor<3x4xi8>, %[[ZW:.*]]: tensor<4xi8>)
// CHECK: %[[ZWR:.*]] = dlc.reshape %[[ZW]] : (tensor<4xi8>) -> tensor<1x4xi8>
// CHECK: %[[WI:.*]] = dlc.cast %[[W]] : (tensor<3x4xi8>) -> tensor<3x4xi32>
// CHECK: %[[ZWI:.*]] = dlc.cast %[[ZWR]] : (tensor<1x4xi8>) -> tensor<1x4xi32>
// CHECK: %[[WC:.*]] = dlc.sub %[[WI]], %[[ZWI]]
// CHECK: dlc.matmul %{{.*}}, %[[WC]] : (tensor<2x3xi32>, tensor<3x4xi32>) -> tensor<2x4xi32>
// CHECK: dlc.quantize_linear
func.func @matmul_runtime_weights(%a: tensor<2x3xui8>, %w: tensor<3x4xi8>, %zw: tensor<4xi8>) -> tensor<2x4xui8> {
  %sa = dlc.constant dense<0.1> : tensor<f32>
  %za = dlc.constant dense<5> : tensor<ui8>
  %sw = dlc.constant dense<[0.1, 0.2, 0.3, 0.4]> : tensor<4xf32>
  %sy = dlc.constant dense<0.05> : tensor<f32>
  %zy = dlc.constant dense<128> : tensor<ui8>
  %ad = dlc.dequantize_linear %a, %sa, %za : (tensor<2x3xui8>, tensor<f32>, tensor<ui8>) -> tensor<2x3xf32>
  %wd = dlc.dequantize_linear %w, %sw, %zw : (tensor<3x4xi8>, tensor<4xf32>, tensor<4xi8>) -> tensor<3x4xf32>
  %m = dlc.matmul %ad, %wd : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %y = dlc.quantize_linear %m, %sy, %zy : (tensor<2x4xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x4xui8>
  return %y : tensor<2x4xui8>
}

// -----

// conv + clip(0, 6) (ReLU6): the clip runs on the scaled accumulator with
// its bounds divided by sy (6 / 0.5 = 12).
// CHECK-LABEL: func.func @conv_relu6
// CHECK: %[[ACC:.*]] = dlc.conv {{.*}} -> tensor<1x1x2x2xi32>
// CHECK: %[[S:.*]] = dlc.mul
// CHECK: %[[C:.*]] = dlc.clip %[[S]] {max = 1.200000e+01 : f64, min = 0.000000e+00 : f64} : (tensor<1x1x2x2xf64>) -> tensor<1x1x2x2xf64>
// CHECK: dlc.quantize_linear %[[C]]
// CHECK-NOT: dlc.dequantize_linear
func.func @conv_relu6(%x: tensor<1x1x2x2xui8>) -> tensor<1x1x2x2xui8> {
  %s = dlc.constant dense<0.5> : tensor<f32>
  %zx = dlc.constant dense<0> : tensor<ui8>
  %w = dlc.constant dense<3> : tensor<1x1x1x1xi8>
  %zw = dlc.constant dense<0> : tensor<i8>
  %xd = dlc.dequantize_linear %x, %s, %zx : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xf32>
  %wd = dlc.dequantize_linear %w, %s, %zw : (tensor<1x1x1x1xi8>, tensor<f32>, tensor<i8>) -> tensor<1x1x1x1xf32>
  %c = dlc.conv %xd, %wd {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  %r = dlc.clip %c {min = 0.0 : f64, max = 6.0 : f64} : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %y = dlc.quantize_linear %r, %s, %zx : (tensor<1x1x2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xui8>
  return %y : tensor<1x1x2x2xui8>
}

// -----

// ONNX MatMul + Add of an i32 bias dequantized at scale sx * sw: the add
// joins the i32 accumulator, as gemm's C does.
// CHECK-LABEL: func.func @matmul_add_bias
// CHECK: %[[ACC:.*]] = dlc.matmul {{.*}} -> tensor<4x2xi32>
// CHECK: %[[ACCB:.*]] = dlc.add %[[ACC]], %{{.*}} : (tensor<4x2xi32>, tensor<2xi32>) -> tensor<4x2xi32>
// CHECK: dlc.cast %[[ACCB]] : (tensor<4x2xi32>) -> tensor<4x2xf64>
// CHECK-NOT: dlc.dequantize_linear
func.func @matmul_add_bias(%a: tensor<4x3xui8>) -> tensor<4x2xui8> {
  %s = dlc.constant dense<0.5> : tensor<f32>
  %z = dlc.constant dense<0> : tensor<ui8>
  %w = dlc.constant dense<3> : tensor<3x2xi8>
  %zw = dlc.constant dense<0> : tensor<i8>
  %b = dlc.constant dense<[4, -4]> : tensor<2xi32>
  %sb = dlc.constant dense<0.25> : tensor<f32>
  %zb = dlc.constant dense<0> : tensor<i32>
  %ad = dlc.dequantize_linear %a, %s, %z : (tensor<4x3xui8>, tensor<f32>, tensor<ui8>) -> tensor<4x3xf32>
  %wd = dlc.dequantize_linear %w, %s, %zw : (tensor<3x2xi8>, tensor<f32>, tensor<i8>) -> tensor<3x2xf32>
  %bd = dlc.dequantize_linear %b, %sb, %zb : (tensor<2xi32>, tensor<f32>, tensor<i32>) -> tensor<2xf32>
  %m = dlc.matmul %ad, %wd : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %y = dlc.add %m, %bd : (tensor<4x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  %q = dlc.quantize_linear %y, %s, %z : (tensor<4x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<4x2xui8>
  return %q : tensor<4x2xui8>
}

// -----

// gelu does not commute with the output scale: the multiplier is sx * sw
// alone (0.5 * 0.5 = 0.25) and the quantize divides by sy = 0.5 after the
// gelu.
// CHECK-LABEL: func.func @matmul_gelu
// CHECK-DAG: %[[M:.*]] = dlc.constant dense<2.500000e-01> : tensor<f64>
// CHECK-DAG: %[[SY:.*]] = dlc.constant dense<5.000000e-01> : tensor<f64>
// CHECK: %[[S:.*]] = dlc.mul %{{.*}}, %[[M]]
// CHECK: %[[G:.*]] = dlc.gelu %[[S]] : (tensor<4x2xf64>) -> tensor<4x2xf64>
// CHECK: dlc.quantize_linear %[[G]], %[[SY]]
func.func @matmul_gelu(%a: tensor<4x3xui8>) -> tensor<4x2xui8> {
  %s = dlc.constant dense<0.5> : tensor<f32>
  %z = dlc.constant dense<0> : tensor<ui8>
  %w = dlc.constant dense<3> : tensor<3x2xi8>
  %zw = dlc.constant dense<0> : tensor<i8>
  %ad = dlc.dequantize_linear %a, %s, %z : (tensor<4x3xui8>, tensor<f32>, tensor<ui8>) -> tensor<4x3xf32>
  %wd = dlc.dequantize_linear %w, %s, %zw : (tensor<3x2xi8>, tensor<f32>, tensor<i8>) -> tensor<3x2xf32>
  %m = dlc.matmul %ad, %wd : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %g = dlc.gelu %m : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %q = dlc.quantize_linear %g, %s, %z : (tensor<4x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<4x2xui8>
  return %q : tensor<4x2xui8>
}
