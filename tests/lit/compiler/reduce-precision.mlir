// RUN: dlc-opt %s --split-input-file --dlc-reduce-precision=type=f16 | FileCheck %s
// RUN: dlc-opt %s --split-input-file --dlc-reduce-precision=type=bf16 | FileCheck %s --check-prefix=BF16

// Activations are cast, constant weights and biases converted here; the
// gemm runs on f16 and its result is cast back for the f32 relu.
// CHECK-LABEL: func.func @gemm_relu
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-DAG: %[[W:.*]] = dlc.constant dense<{{\[\[}}1.000000e+00, 5.000000e-01], {{.*}}> : tensor<3x2xf16>
// CHECK-DAG: %[[B:.*]] = dlc.constant dense<[9.997550e-02, 2.000000e+00]> : tensor<2xf16>
// CHECK: %[[XH:.*]] = dlc.cast %[[X]] : (tensor<2x3xf32>) -> tensor<2x3xf16>
// CHECK: %[[G:.*]] = dlc.gemm %[[XH]], %[[W]], %[[B]] : (tensor<2x3xf16>, tensor<3x2xf16>, tensor<2xf16>) -> tensor<2x2xf16>
// CHECK: %[[GF:.*]] = dlc.cast %[[G]] : (tensor<2x2xf16>) -> tensor<2x2xf32>
// CHECK: %[[R:.*]] = dlc.relu %[[GF]] : (tensor<2x2xf32>) -> tensor<2x2xf32>
// CHECK: return %[[R]]
// BF16-LABEL: func.func @gemm_relu
// BF16: dlc.gemm %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3xbf16>, tensor<3x2xbf16>, tensor<2xbf16>) -> tensor<2x2xbf16>
func.func @gemm_relu(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %w = dlc.constant dense<[[1.0, 0.5], [0.25, 3.0], [-1.0, 0.125]]> : tensor<3x2xf32>
  %b = dlc.constant dense<[0.1, 2.0]> : tensor<2xf32>
  %g = dlc.gemm %x, %w, %b : (tensor<2x3xf32>, tensor<3x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  %r = dlc.relu %g : (tensor<2x2xf32>) -> tensor<2x2xf32>
  return %r : tensor<2x2xf32>
}

// -----

// conv and batched matmul with run-time operands: both sides cast.
// CHECK-LABEL: func.func @conv_matmul
// CHECK: %[[C:.*]] = dlc.conv %{{.*}}, %{{.*}} {{.*}} : (tensor<1x2x4x4xf16>, tensor<3x2x3x3xf16>) -> tensor<1x3x2x2xf16>
// CHECK: dlc.cast %[[C]] : (tensor<1x3x2x2xf16>) -> tensor<1x3x2x2xf32>
// CHECK: %[[M:.*]] = dlc.matmul %{{.*}}, %{{.*}} : (tensor<2x3x4xf16>, tensor<2x4x5xf16>) -> tensor<2x3x5xf16>
// CHECK: dlc.cast %[[M]] : (tensor<2x3x5xf16>) -> tensor<2x3x5xf32>
func.func @conv_matmul(%x: tensor<1x2x4x4xf32>, %w: tensor<3x2x3x3xf32>, %a: tensor<2x3x4xf32>,
                       %b: tensor<2x4x5xf32>) -> (tensor<1x3x2x2xf32>, tensor<2x3x5xf32>) {
  %c = dlc.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x2x2xf32>
  %m = dlc.matmul %a, %b : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  return %c, %m : tensor<1x3x2x2xf32>, tensor<2x3x5xf32>
}

// -----

// Integer contractions (QLinear*, folded QDQ) are left alone.
// CHECK-LABEL: func.func @integer_matmul
// CHECK: dlc.matmul %{{.*}}, %{{.*}} : (tensor<2x3xi32>, tensor<3x4xi32>) -> tensor<2x4xi32>
// CHECK-NOT: f16
func.func @integer_matmul(%a: tensor<2x3xi32>, %b: tensor<3x4xi32>) -> tensor<2x4xi32> {
  %m = dlc.matmul %a, %b : (tensor<2x3xi32>, tensor<3x4xi32>) -> tensor<2x4xi32>
  return %m : tensor<2x4xi32>
}
