// RUN: dlc-opt %s --split-input-file --convert-dlc-to-linalg | FileCheck %s

// Per-axis quantize to ui8: the scale and zero point are read at the axis
// loop; round half to even, saturate to [0, 255], unsigned conversions.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[AXIS:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @quantize_per_axis
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[S:.*]]: tensor<3xf32>, %[[Z:.*]]: tensor<3xi8>) -> tensor<2x3xi8>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3xi8>
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[AXIS]], #[[AXIS]], #[[ID]]]
// CHECK-SAME: ins(%[[X]], %[[S]], %[[Z]] : tensor<2x3xf32>, tensor<3xf32>, tensor<3xi8>) outs(%[[E]] : tensor<2x3xi8>)
// CHECK: ^bb0(%[[XV:.*]]: f32, %[[SV:.*]]: f32, %[[ZV:.*]]: i8, %{{.*}}: i8):
// CHECK: %[[ZF:.*]] = arith.uitofp %[[ZV]] : i8 to f32
// CHECK: %[[D:.*]] = arith.divf %[[XV]], %[[SV]] : f32
// CHECK: %[[RE:.*]] = math.roundeven %[[D]] : f32
// CHECK: %[[A:.*]] = arith.addf %[[RE]], %[[ZF]] : f32
// CHECK: %[[LO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[MX:.*]] = arith.maxnumf %[[A]], %[[LO]] : f32
// CHECK: %[[HI:.*]] = arith.constant 2.550000e+02 : f32
// CHECK: %[[MN:.*]] = arith.minnumf %[[MX]], %[[HI]] : f32
// CHECK: %[[Q:.*]] = arith.fptoui %[[MN]] : f32 to i8
// CHECK: linalg.yield %[[Q]] : i8
// CHECK: return %[[R]]
func.func @quantize_per_axis(%x: tensor<2x3xf32>, %s: tensor<3xf32>, %z: tensor<3xui8>) -> tensor<2x3xui8> {
  %0 = dlc.quantize_linear %x, %s, %z {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xui8>) -> tensor<2x3xui8>
  return %0 : tensor<2x3xui8>
}

// -----

// Signed, one-element [1] parameters: constant index 0, range [-128, 127].
// CHECK-DAG: #[[ZERO:.*]] = affine_map<(d0) -> (0)>
// CHECK-LABEL: func.func @quantize_per_tensor_i8
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[ZERO]], #[[ZERO]], #{{.*}}]
// CHECK: %[[ZF:.*]] = arith.sitofp %{{.*}} : i8 to f32
// CHECK: arith.constant -1.280000e+02 : f32
// CHECK: arith.constant 1.270000e+02 : f32
// CHECK: arith.fptosi %{{.*}} : f32 to i8
func.func @quantize_per_tensor_i8(%x: tensor<5xf32>, %s: tensor<1xf32>, %z: tensor<1xi8>) -> tensor<5xi8> {
  %0 = dlc.quantize_linear %x, %s, %z {axis = 0 : i64} : (tensor<5xf32>, tensor<1xf32>, tensor<1xi8>) -> tensor<5xi8>
  return %0 : tensor<5xi8>
}

// -----

// Dequantize with rank-0 parameters (empty map); the result has the
// scale's type (f16: computed in f32, truncated).
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @dequantize_f16
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xi8>, %[[S:.*]]: tensor<f16>, %[[Z:.*]]: tensor<i8>)
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[SCALAR]], #[[SCALAR]], #{{.*}}]
// CHECK-SAME: ins(%[[X]], %[[S]], %[[Z]] : tensor<2x3xi8>, tensor<f16>, tensor<i8>)
// CHECK: ^bb0(%[[XV:.*]]: i8, %[[SV:.*]]: f16, %[[ZV:.*]]: i8, %{{.*}}: f16):
// CHECK: %[[XF:.*]] = arith.sitofp %[[XV]] : i8 to f32
// CHECK: %[[ZF:.*]] = arith.sitofp %[[ZV]] : i8 to f32
// CHECK: %[[SF:.*]] = arith.extf %[[SV]] : f16 to f32
// CHECK: %[[SUB:.*]] = arith.subf %[[XF]], %[[ZF]] : f32
// CHECK: %[[MUL:.*]] = arith.mulf %[[SUB]], %[[SF]] : f32
// CHECK: %[[T:.*]] = arith.truncf %[[MUL]] : f32 to f16
// CHECK: linalg.yield %[[T]] : f16
func.func @dequantize_f16(%x: tensor<2x3xi8>, %s: tensor<f16>, %z: tensor<i8>) -> tensor<2x3xf16> {
  %0 = dlc.dequantize_linear %x, %s, %z : (tensor<2x3xi8>, tensor<f16>, tensor<i8>) -> tensor<2x3xf16>
  return %0 : tensor<2x3xf16>
}

// -----

// Blocked parameters (expanded by the importer) broadcast: size-1 dims read 0.
// CHECK-DAG: #[[BCAST:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @quantize_broadcast_f64
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[BCAST]], #[[BCAST]], #{{.*}}]
// CHECK: arith.divf %{{.*}}, %{{.*}} : f64
// CHECK: math.roundeven %{{.*}} : f64
func.func @quantize_broadcast_f64(%x: tensor<2x4xf64>, %s: tensor<2x1xf64>, %z: tensor<2x1xi16>) -> tensor<2x4xi16> {
  %0 = dlc.quantize_linear %x, %s, %z {axis = 1 : i64} : (tensor<2x4xf64>, tensor<2x1xf64>, tensor<2x1xi16>) -> tensor<2x4xi16>
  return %0 : tensor<2x4xi16>
}
