// RUN: dlc-opt %s --split-input-file --convert-dlc-to-linalg | FileCheck %s

// Max pool: -inf padding (a fill with the input copied into its interior) and
// initial value, loops (n, c, oh, ow, kh, kw), a shape-only tensor.empty of
// the kernel shape for the window loops. ceil_mode needs one extra end
// row/column (5 + 1 = 6 = 3 windows of 2 at stride 2).
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @max_pool_ceil
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x5x5xf32>)
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[PF:.*]] = linalg.fill ins(%[[NINF]] : f32) outs(%{{.*}} : tensor<1x2x6x6xf32>)
// CHECK: %[[IN0:.*]] = tensor.extract_slice %[[PF]][0, 0, 0, 0] [1, 2, 5, 5] [1, 1, 1, 1]
// CHECK: %[[CP:.*]] = linalg.copy ins(%[[X]] : tensor<1x2x5x5xf32>) outs(%[[IN0]] : tensor<1x2x5x5xf32>)
// CHECK: %[[P:.*]] = tensor.insert_slice %[[CP]] into %[[PF]][0, 0, 0, 0] [1, 2, 5, 5] [1, 1, 1, 1] : tensor<1x2x5x5xf32> into tensor<1x2x6x6xf32>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x2x3x3xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%[[NINF]] : f32) outs(%[[E]] : tensor<1x2x3x3xf32>)
// CHECK: %[[W:.*]] = tensor.empty() : tensor<2x2xf32>
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[IN]], #[[WIN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: ins(%[[P]], %[[W]] : tensor<1x2x6x6xf32>, tensor<2x2xf32>) outs(%[[F]] : tensor<1x2x3x3xf32>)
// CHECK: ^bb0(%[[V:.*]]: f32, %{{.*}}: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT: %[[M:.*]] = arith.maximumf %[[V]], %[[ACC]] : f32
// CHECK-NEXT: linalg.yield %[[M]]
// CHECK: return %[[R]]
func.func @max_pool_ceil(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %0 = dlc.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = true} : (tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// -----

// Integer max pool pads with the type's minimum; 1-D with a begin pad.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2 * 2 + d3)>
// CHECK-LABEL: func.func @max_pool_int
// CHECK: %[[MIN:.*]] = arith.constant -128 : i8
// CHECK: linalg.fill ins(%[[MIN]] : i8) outs(%{{.*}} : tensor<1x1x7xi8>)
// CHECK: tensor.insert_slice %{{.*}}[0, 0, 1] [1, 1, 6] [1, 1, 1] : tensor<1x1x6xi8> into tensor<1x1x7xi8>
// CHECK: linalg.fill ins(%[[MIN]] : i8) outs(%{{.*}} : tensor<1x1x3xi8>)
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #{{.*}}, #{{.*}}]
// CHECK: arith.maxsi
func.func @max_pool_int(%x: tensor<1x1x6xi8>) -> tensor<1x1x3xi8> {
  %0 = dlc.max_pool %x {kernel_shape = array<i64: 3>, strides = array<i64: 2>, pads = array<i64: 1, 0>, dilations = array<i64: 1>} : (tensor<1x1x6xi8>) -> tensor<1x1x3xi8>
  return %0 : tensor<1x1x3xi8>
}

// -----

// Dilations scale the window loop in the input map.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4 * 2, d3 * 2 + d5 * 3)>
// CHECK-LABEL: func.func @max_pool_dilated
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #{{.*}}, #{{.*}}]
func.func @max_pool_dilated(%x: tensor<1x1x8x8xf32>) -> tensor<1x1x6x3xf32> {
  %0 = dlc.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 1, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 2, 3>} : (tensor<1x1x8x8xf32>) -> tensor<1x1x6x3xf32>
  return %0 : tensor<1x1x6x3xf32>
}

// -----

// count_include_pad = false: zero padding, then the window sum is divided by
// the number of input elements under each window, a compile-time constant
// over the spatial output dims.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[SP:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-LABEL: func.func @avg_pool_exclude_pad
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<1x1x6x6xf32>)
// CHECK: %[[P:.*]] = tensor.insert_slice %{{.*}}[0, 0, 1, 1] [1, 1, 4, 4] [1, 1, 1, 1] : tensor<1x1x4x4xf32> into tensor<1x1x6x6xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<1x1x4x4xf32>)
// CHECK: %[[SUM:.*]] = linalg.generic
// CHECK-SAME: ins(%[[P]], %{{.*}} : tensor<1x1x6x6xf32>, tensor<3x3xf32>) outs(%[[F]] : tensor<1x1x4x4xf32>)
// CHECK: arith.addf
// CHECK: %[[DIV:.*]] = arith.constant dense<{{\[}}[4.000000e+00, 6.000000e+00, 6.000000e+00, 4.000000e+00], [6.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [6.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [4.000000e+00, 6.000000e+00, 6.000000e+00, 4.000000e+00]]> : tensor<4x4xf32>
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[SP]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[SUM]], %[[DIV]] : tensor<1x1x4x4xf32>, tensor<4x4xf32>)
// CHECK: ^bb0(%[[S:.*]]: f32, %[[N:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[Q:.*]] = arith.divf %[[S]], %[[N]] : f32
// CHECK-NEXT: linalg.yield %[[Q]]
// CHECK: return %[[R]]
func.func @avg_pool_exclude_pad(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %0 = dlc.avg_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

// count_include_pad = true without ceil_mode: a scalar divisor, the kernel
// volume.
// CHECK-LABEL: func.func @avg_pool_include_pad
// CHECK: %[[SUM:.*]] = linalg.generic
// CHECK-NOT: dense
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[SUM]] : tensor<1x1x4x4xf32>)
// CHECK: %[[N:.*]] = arith.constant 9.000000e+00 : f32
// CHECK-NEXT: arith.divf %{{.*}}, %[[N]] : f32
func.func @avg_pool_include_pad(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %0 = dlc.avg_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, count_include_pad = true} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

// ceil_mode with count_include_pad: the last window hangs over the end by one
// position that the divisor never counts (2, 2, 1).
// CHECK-LABEL: func.func @avg_pool_ceil
// CHECK: tensor.insert_slice %{{.*}}[0, 0, 0] [1, 1, 5] [1, 1, 1] : tensor<1x1x5xf32> into tensor<1x1x6xf32>
// CHECK: arith.constant dense<[2.000000e+00, 2.000000e+00, 1.000000e+00]> : tensor<3xf32>
// CHECK: arith.divf
func.func @avg_pool_ceil(%x: tensor<1x1x5xf32>) -> tensor<1x1x3xf32> {
  %0 = dlc.avg_pool %x {kernel_shape = array<i64: 2>, strides = array<i64: 2>, pads = array<i64: 0, 0>, dilations = array<i64: 1>, ceil_mode = true, count_include_pad = true} : (tensor<1x1x5xf32>) -> tensor<1x1x3xf32>
  return %0 : tensor<1x1x3xf32>
}

// -----

// bf16 sums in f32 and rounds the quotient back once.
// CHECK-LABEL: func.func @avg_pool_bf16
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x1x2x2xf32>)
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: arith.divf %{{.*}} : f32
// CHECK: -> tensor<1x1x2x2xbf16>
func.func @avg_pool_bf16(%x: tensor<1x1x4x4xbf16>) -> tensor<1x1x2x2xbf16> {
  %0 = dlc.avg_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x4x4xbf16>) -> tensor<1x1x2x2xbf16>
  return %0 : tensor<1x1x2x2xbf16>
}

// -----

// Global average pool: a keepdims mean over the spatial dims.
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>
// CHECK-LABEL: func.func @global_avg_pool
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
// CHECK: arith.addf
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[SUM]] : tensor<2x3x1x1xf32>)
// CHECK: %[[N:.*]] = arith.constant 2.000000e+01 : f32
// CHECK-NEXT: arith.divf %{{.*}}, %[[N]] : f32
func.func @global_avg_pool(%x: tensor<2x3x4x5xf32>) -> tensor<2x3x1x1xf32> {
  %0 = dlc.global_avg_pool %x : (tensor<2x3x4x5xf32>) -> tensor<2x3x1x1xf32>
  return %0 : tensor<2x3x1x1xf32>
}

// -----

// Unsigned max pool: the lowest value (padding and initial value) is 0 and
// the max is unsigned; the tensors become signless.
// CHECK-LABEL: func.func @max_pool_unsigned
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x3x3xi8>) -> tensor<1x1x2x2xi8>
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i8
// CHECK: %[[PF:.*]] = linalg.fill ins(%[[ZERO]] : i8) outs(%{{.*}} : tensor<1x1x4x4xi8>)
// CHECK: %[[F:.*]] = linalg.fill ins(%[[ZERO]] : i8) outs(%{{.*}} : tensor<1x1x2x2xi8>)
// CHECK: %[[R:.*]] = linalg.generic
// CHECK-SAME: outs(%[[F]] : tensor<1x1x2x2xi8>)
// CHECK: ^bb0(%[[V:.*]]: i8, %{{.*}}: i8, %[[ACC:.*]]: i8):
// CHECK-NEXT: %[[M:.*]] = arith.maxui %[[V]], %[[ACC]] : i8
// CHECK-NEXT: linalg.yield %[[M]]
// CHECK: return %[[R]]
func.func @max_pool_unsigned(%x: tensor<1x1x3x3xui8>) -> tensor<1x1x2x2xui8> {
  %0 = dlc.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>, dilations = array<i64: 1, 1>, ceil_mode = false} : (tensor<1x1x3x3xui8>) -> tensor<1x1x2x2xui8>
  return %0 : tensor<1x1x2x2xui8>
}
