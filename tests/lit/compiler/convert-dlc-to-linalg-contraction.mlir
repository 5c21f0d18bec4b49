// RUN: dlc-opt %s --split-input-file --convert-dlc-to-linalg | FileCheck %s

// 2-D matmul: loops (m, n, k), zero-filled accumulator.
// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @matmul_2d
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<3x4xf32>)
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x4xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<2x4xf32>)
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%[[A]], %[[B]] : tensor<2x3xf32>, tensor<3x4xf32>) outs(%[[F]] : tensor<2x4xf32>)
// CHECK: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[X]], %[[Y]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[ACC]], %[[P]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK: return %[[R]]
func.func @matmul_2d(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %0 = dlc.matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Broadcast batch dims: lhs 5x1 batch reads index 0 of its size-1 dim, rhs
// has one batch dim aligned to the trailing batch loop.
// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d4)>
// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @matmul_broadcast
// CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME: outs(%{{.*}} : tensor<5x4x2x6xf32>)
func.func @matmul_broadcast(%a: tensor<5x1x2x3xf32>, %b: tensor<4x3x6xf32>) -> tensor<5x4x2x6xf32> {
  %0 = dlc.matmul %a, %b : (tensor<5x1x2x3xf32>, tensor<4x3x6xf32>) -> tensor<5x4x2x6xf32>
  return %0 : tensor<5x4x2x6xf32>
}

// -----

// A 1-D lhs has no m loop; integers multiply-accumulate with muli/addi.
// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2) -> (d0, d2, d1)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @matmul_vector_int
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK: linalg.fill ins(%[[ZERO]] : i32)
// CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: arith.muli
// CHECK-NEXT: arith.addi
func.func @matmul_vector_int(%a: tensor<3xi32>, %b: tensor<2x3x4xi32>) -> tensor<2x4xi32> {
  %0 = dlc.matmul %a, %b : (tensor<3xi32>, tensor<2x3x4xi32>) -> tensor<2x4xi32>
  return %0 : tensor<2x4xi32>
}

// -----

// Vector . vector gives a rank-0 result; f16 accumulates in f32 and is
// rounded once.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @matmul_dot_f16
// CHECK: %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<f32>)
// CHECK: %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[IN]], #[[IN]], #[[OUT]]], iterator_types = ["reduction"]}
// CHECK-SAME: outs(%[[F]] : tensor<f32>)
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.mulf %{{.*}} : f32
// CHECK: %[[R:.*]] = linalg.generic
// CHECK-SAME: ins(%[[ACC]] : tensor<f32>) outs(%{{.*}} : tensor<f16>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: return %[[R]]
func.func @matmul_dot_f16(%a: tensor<3xf16>, %b: tensor<3xf16>) -> tensor<f16> {
  %0 = dlc.matmul %a, %b : (tensor<3xf16>, tensor<3xf16>) -> tensor<f16>
  return %0 : tensor<f16>
}

// -----

// transA/transB swap the operand maps; alpha * acc + beta * C with C [N]
// broadcast over the rows.
// CHECK-DAG: #[[AT:.*]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[BT:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @gemm_trans_alpha_beta
// CHECK-SAME: (%[[A:.*]]: tensor<3x2xf32>, %[[B:.*]]: tensor<4x3xf32>, %[[C:.*]]: tensor<4xf32>)
// CHECK: %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[AT]], #[[BT]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%[[A]], %[[B]] : tensor<3x2xf32>, tensor<4x3xf32>)
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[ACC]], %[[C]] : tensor<2x4xf32>, tensor<4xf32>)
// CHECK: ^bb0(%[[V:.*]]: f32, %[[CV:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[ALPHA:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: %[[AV:.*]] = arith.mulf %[[ALPHA]], %[[V]] : f32
// CHECK: %[[BETA:.*]] = arith.constant 2.000000e+00 : f32
// CHECK: %[[BC:.*]] = arith.mulf %[[BETA]], %[[CV]] : f32
// CHECK: %[[SUM:.*]] = arith.addf %[[AV]], %[[BC]] : f32
// CHECK: linalg.yield %[[SUM]]
// CHECK: return %[[R]]
func.func @gemm_trans_alpha_beta(%a: tensor<3x2xf32>, %b: tensor<4x3xf32>, %c: tensor<4xf32>) -> tensor<2x4xf32> {
  %0 = dlc.gemm %a, %b, %c {alpha = 0.5 : f32, beta = 2.0 : f32, transA = true, transB = true} : (tensor<3x2xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Without C and with alpha = 1 the contraction is the whole lowering.
// CHECK-LABEL: func.func @gemm_plain
// CHECK: %[[R:.*]] = linalg.generic
// CHECK-NOT: linalg.generic
// CHECK: return %[[R]]
func.func @gemm_plain(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %0 = dlc.gemm %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Strided, asymmetrically padded 2-D conv with bias: the padded input is a
// zero fill with the input copied into its interior (begin pads are the
// offsets), the bias broadcast over (n, h, w) initializes the accumulator,
// the window is o * stride + k * dilation.
// CHECK-DAG: #[[BIAS:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d2 * 2 + d5, d3 * 3 + d6 * 2)>
// CHECK-DAG: #[[WMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @conv2d_strided_padded
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x8x8xf32>, %[[W:.*]]: tensor<4x3x3x3xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[PE:.*]] = tensor.empty() : tensor<1x3x11x9xf32>
// CHECK: %[[PF:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[PE]] : tensor<1x3x11x9xf32>)
// CHECK: %[[IN0:.*]] = tensor.extract_slice %[[PF]][0, 0, 1, 0] [1, 3, 8, 8] [1, 1, 1, 1] : tensor<1x3x11x9xf32> to tensor<1x3x8x8xf32>
// CHECK: %[[CP:.*]] = linalg.copy ins(%[[X]] : tensor<1x3x8x8xf32>) outs(%[[IN0]] : tensor<1x3x8x8xf32>)
// CHECK: %[[P:.*]] = tensor.insert_slice %[[CP]] into %[[PF]][0, 0, 1, 0] [1, 3, 8, 8] [1, 1, 1, 1] : tensor<1x3x8x8xf32> into tensor<1x3x11x9xf32>
// CHECK: %[[INIT:.*]] = linalg.generic {indexing_maps = [#[[BIAS]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[B]] : tensor<4xf32>) outs(%{{.*}} : tensor<1x4x5x2xf32>)
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[IN]], #[[WMAP]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
// CHECK-SAME: ins(%[[P]], %[[W]] : tensor<1x3x11x9xf32>, tensor<4x3x3x3xf32>) outs(%[[INIT]] : tensor<1x4x5x2xf32>)
// CHECK: arith.mulf
// CHECK-NEXT: arith.addf
// CHECK: return %[[R]]
func.func @conv2d_strided_padded(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x5x2xf32> {
  %0 = dlc.conv %x, %w, %b {strides = array<i64: 2, 3>, pads = array<i64: 1, 0, 2, 1>, dilations = array<i64: 1, 2>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x5x2xf32>
  return %0 : tensor<1x4x5x2xf32>
}

// -----

// Grouped, dilated 1-D conv: input, weight and bias get an explicit group
// dim, loops are (n, g, oc, o, ic, k), the result is collapsed back.
// CHECK-DAG: #[[BIAS:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d2)>
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4, d3 + d5 * 2)>
// CHECK-DAG: #[[WMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d2, d4, d5)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @conv1d_grouped
// CHECK-SAME: (%[[X:.*]]: tensor<2x4x10xf32>, %[[W:.*]]: tensor<6x2x3xf32>, %[[B:.*]]: tensor<6xf32>)
// CHECK: %[[XG:.*]] = tensor.expand_shape %[[X]] {{\[}}[0], [1, 2], [3]] output_shape [2, 2, 2, 10] : tensor<2x4x10xf32> into tensor<2x2x2x10xf32>
// CHECK: %[[WG:.*]] = tensor.expand_shape %[[W]] {{\[}}[0, 1], [2], [3]] output_shape [2, 3, 2, 3] : tensor<6x2x3xf32> into tensor<2x3x2x3xf32>
// CHECK: %[[BG:.*]] = tensor.expand_shape %[[B]] {{\[}}[0, 1]] output_shape [2, 3] : tensor<6xf32> into tensor<2x3xf32>
// CHECK: %[[INIT:.*]] = linalg.generic {indexing_maps = [#[[BIAS]], #{{.*}}]
// CHECK-SAME: ins(%[[BG]] : tensor<2x3xf32>) outs(%{{.*}} : tensor<2x2x3x6xf32>)
// CHECK: %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[IN]], #[[WMAP]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: ins(%[[XG]], %[[WG]] : tensor<2x2x2x10xf32>, tensor<2x3x2x3xf32>) outs(%[[INIT]] : tensor<2x2x3x6xf32>)
// CHECK: %[[R:.*]] = tensor.collapse_shape %[[ACC]] {{\[}}[0], [1, 2], [3]] : tensor<2x2x3x6xf32> into tensor<2x6x6xf32>
// CHECK: return %[[R]]
func.func @conv1d_grouped(%x: tensor<2x4x10xf32>, %w: tensor<6x2x3xf32>, %b: tensor<6xf32>) -> tensor<2x6x6xf32> {
  %0 = dlc.conv %x, %w, %b {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 2>, group = 2 : i64} : (tensor<2x4x10xf32>, tensor<6x2x3xf32>, tensor<6xf32>) -> tensor<2x6x6xf32>
  return %0 : tensor<2x6x6xf32>
}

// -----

// Depthwise (group = channels) without bias: the accumulator is zero-filled;
// padding happens before the group split.
// CHECK-LABEL: func.func @conv2d_depthwise
// CHECK: %[[P:.*]] = tensor.insert_slice %{{.*}}[0, 0, 1, 1] [1, 3, 6, 6] [1, 1, 1, 1] : tensor<1x3x6x6xf32> into tensor<1x3x8x8xf32>
// CHECK: %[[XG:.*]] = tensor.expand_shape %[[P]] {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 3, 1, 8, 8]
// CHECK: %[[WG:.*]] = tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2], [3], [4]] output_shape [3, 1, 1, 3, 3]
// CHECK: %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x3x1x6x6xf32>)
// CHECK: %[[ACC:.*]] = linalg.generic
// CHECK-SAME: ins(%[[XG]], %[[WG]] : tensor<1x3x1x8x8xf32>, tensor<3x1x1x3x3xf32>) outs(%[[F]] : tensor<1x3x1x6x6xf32>)
// CHECK: tensor.collapse_shape %[[ACC]] {{\[}}[0], [1, 2], [3], [4]] : tensor<1x3x1x6x6xf32> into tensor<1x3x6x6xf32>
func.func @conv2d_depthwise(%x: tensor<1x3x6x6xf32>, %w: tensor<3x1x3x3xf32>) -> tensor<1x3x6x6xf32> {
  %0 = dlc.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 3 : i64} : (tensor<1x3x6x6xf32>, tensor<3x1x3x3xf32>) -> tensor<1x3x6x6xf32>
  return %0 : tensor<1x3x6x6xf32>
}

// -----

// 3-D conv: three window dims, no padding, so no padded copy.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d0, d5, d2 + d6, d3 * 2 + d7, d4 + d8)>
// CHECK-LABEL: func.func @conv3d
// CHECK-NOT: linalg.copy
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
func.func @conv3d(%x: tensor<1x2x4x5x4xf32>, %w: tensor<2x2x2x2x2xf32>) -> tensor<1x2x3x2x3xf32> {
  %0 = dlc.conv %x, %w {strides = array<i64: 1, 2, 1>, pads = array<i64: 0, 0, 0, 0, 0, 0>, dilations = array<i64: 1, 1, 1>} : (tensor<1x2x4x5x4xf32>, tensor<2x2x2x2x2xf32>) -> tensor<1x2x3x2x3xf32>
  return %0 : tensor<1x2x3x2x3xf32>
}
