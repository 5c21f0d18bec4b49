// RUN: dlc-opt %s --split-input-file --convert-dlc-to-linalg | FileCheck %s

// Reshapes that group dims are a single collapse_shape / expand_shape.
// CHECK-LABEL: func.func @reshape_collapse
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[R:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
// CHECK: return %[[R]]
func.func @reshape_collapse(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  %0 = dlc.reshape %x : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  return %0 : tensor<6x4xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_expand
// CHECK-SAME: (%[[X:.*]]: tensor<6x4xf32>)
// CHECK: %[[R:.*]] = tensor.expand_shape %[[X]] {{\[}}[0, 1], [2, 3]] output_shape [2, 3, 1, 4] : tensor<6x4xf32> into tensor<2x3x1x4xf32>
// CHECK: return %[[R]]
func.func @reshape_expand(%x: tensor<6x4xf32>) -> tensor<2x3x1x4xf32> {
  %0 = dlc.reshape %x : (tensor<6x4xf32>) -> tensor<2x3x1x4xf32>
  return %0 : tensor<2x3x1x4xf32>
}

// -----

// Otherwise the reshape goes through the flat tensor.
// CHECK-LABEL: func.func @reshape_general
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK: %[[R:.*]] = tensor.expand_shape %[[FLAT]] {{\[}}[0, 1]] output_shape [4, 6] : tensor<24xf32> into tensor<4x6xf32>
// CHECK: return %[[R]]
func.func @reshape_general(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %0 = dlc.reshape %x : (tensor<2x3x4xf32>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// -----

// Rank 0 on either side uses the empty reassociation.
// CHECK-LABEL: func.func @reshape_rank0
// CHECK: %[[S:.*]] = tensor.collapse_shape %{{.*}} [] : tensor<1x1xf32> into tensor<f32>
// CHECK: %[[R:.*]] = tensor.expand_shape %[[S]] [] output_shape [1, 1, 1] : tensor<f32> into tensor<1x1x1xf32>
// CHECK: return %[[R]]
func.func @reshape_rank0(%x: tensor<1x1xf32>) -> tensor<1x1x1xf32> {
  %0 = dlc.reshape %x : (tensor<1x1xf32>) -> tensor<f32>
  %1 = dlc.reshape %0 : (tensor<f32>) -> tensor<1x1x1xf32>
  return %1 : tensor<1x1x1xf32>
}

// -----

// CHECK-LABEL: func.func @transpose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xi64>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4x2x3xi64>
// CHECK: %[[R:.*]] = linalg.transpose ins(%[[X]] : tensor<2x3x4xi64>) outs(%[[E]] : tensor<4x2x3xi64>) permutation = [2, 0, 1]
// CHECK: return %[[R]]
func.func @transpose(%x: tensor<2x3x4xi64>) -> tensor<4x2x3xi64> {
  %0 = dlc.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xi64>) -> tensor<4x2x3xi64>
  return %0 : tensor<4x2x3xi64>
}

// -----

// Concat: each input is copied into its slot (the result's slice at the
// running offset along the axis), which is inserted back.
// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<2x5xf32>, %[[C:.*]]: tensor<2x1xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x9xf32>
// CHECK: %[[S0:.*]] = tensor.extract_slice %[[E]][0, 0] [2, 3] [1, 1] : tensor<2x9xf32> to tensor<2x3xf32>
// CHECK: %[[C0:.*]] = linalg.copy ins(%[[A]] : tensor<2x3xf32>) outs(%[[S0]] : tensor<2x3xf32>)
// CHECK: %[[I0:.*]] = tensor.insert_slice %[[C0]] into %[[E]][0, 0] [2, 3] [1, 1] : tensor<2x3xf32> into tensor<2x9xf32>
// CHECK: %[[S1:.*]] = tensor.extract_slice %[[I0]][0, 3] [2, 5] [1, 1]
// CHECK: %[[C1:.*]] = linalg.copy ins(%[[B]] : tensor<2x5xf32>) outs(%[[S1]] : tensor<2x5xf32>)
// CHECK: %[[I1:.*]] = tensor.insert_slice %[[C1]] into %[[I0]][0, 3] [2, 5] [1, 1] : tensor<2x5xf32> into tensor<2x9xf32>
// CHECK: %[[S2:.*]] = tensor.extract_slice %[[I1]][0, 8] [2, 1] [1, 1]
// CHECK: %[[C2:.*]] = linalg.copy ins(%[[C]] : tensor<2x1xf32>) outs(%[[S2]] : tensor<2x1xf32>)
// CHECK: %[[I2:.*]] = tensor.insert_slice %[[C2]] into %[[I1]][0, 8] [2, 1] [1, 1] : tensor<2x1xf32> into tensor<2x9xf32>
// CHECK: return %[[I2]]
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>, %c: tensor<2x1xf32>) -> tensor<2x9xf32> {
  %0 = dlc.concat %a, %b, %c {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>, tensor<2x1xf32>) -> tensor<2x9xf32>
  return %0 : tensor<2x9xf32>
}

// -----

// Split: each piece is an extract_slice copied out with linalg.copy (results
// stay contiguous buffers).
// CHECK-LABEL: func.func @split
// CHECK-SAME: (%[[X:.*]]: tensor<6x4xf32>)
// CHECK: %[[S0:.*]] = tensor.extract_slice %[[X]][0, 0] [2, 4] [1, 1] : tensor<6x4xf32> to tensor<2x4xf32>
// CHECK: %[[E0:.*]] = tensor.empty() : tensor<2x4xf32>
// CHECK: %[[R0:.*]] = linalg.copy ins(%[[S0]] : tensor<2x4xf32>) outs(%[[E0]] : tensor<2x4xf32>)
// CHECK: %[[S1:.*]] = tensor.extract_slice %[[X]][2, 0] [4, 4] [1, 1] : tensor<6x4xf32> to tensor<4x4xf32>
// CHECK: %[[E1:.*]] = tensor.empty() : tensor<4x4xf32>
// CHECK: %[[R1:.*]] = linalg.copy ins(%[[S1]] : tensor<4x4xf32>) outs(%[[E1]] : tensor<4x4xf32>)
// CHECK: return %[[R0]], %[[R1]]
func.func @split(%x: tensor<6x4xf32>) -> (tensor<2x4xf32>, tensor<4x4xf32>) {
  %0:2 = dlc.split %x {axis = 0 : i64} : (tensor<6x4xf32>) -> (tensor<2x4xf32>, tensor<4x4xf32>)
  return %0#0, %0#1 : tensor<2x4xf32>, tensor<4x4xf32>
}

// -----

// Positive steps: a strided extract_slice, copied out.
// CHECK-LABEL: func.func @slice_strided
// CHECK-SAME: (%[[X:.*]]: tensor<10x8xf32>)
// CHECK: %[[W:.*]] = tensor.extract_slice %[[X]][1, 0] [3, 4] [3, 2] : tensor<10x8xf32> to tensor<3x4xf32>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<3x4xf32>
// CHECK: %[[R:.*]] = linalg.copy ins(%[[W]] : tensor<3x4xf32>) outs(%[[E]] : tensor<3x4xf32>)
// CHECK-NOT: linalg.generic
// CHECK: return %[[R]]
func.func @slice_strided(%x: tensor<10x8xf32>) -> tensor<3x4xf32> {
  %0 = dlc.slice %x {starts = array<i64: 1, 0>, steps = array<i64: 3, 2>} : (tensor<10x8xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// Negative steps: extract the same elements in increasing order (rows 3, 6,
// 9; all columns), then copy them out reading those dims at (count - 1 - i).
// CHECK-DAG: #[[REV:.*]] = affine_map<(d0, d1) -> (-d0 + 2, -d1 + 7)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @slice_negative_steps
// CHECK-SAME: (%[[X:.*]]: tensor<10x8xf32>)
// CHECK: %[[W:.*]] = tensor.extract_slice %[[X]][3, 0] [3, 8] [3, 1] : tensor<10x8xf32> to tensor<3x8xf32>
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[REV]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[W]] : tensor<3x8xf32>)
// CHECK: return %[[R]]
func.func @slice_negative_steps(%x: tensor<10x8xf32>) -> tensor<3x8xf32> {
  %0 = dlc.slice %x {starts = array<i64: 9, 7>, steps = array<i64: -3, -1>} : (tensor<10x8xf32>) -> tensor<3x8xf32>
  return %0 : tensor<3x8xf32>
}

// -----

// Mixed signs: only the negative-step dim is reversed.
// CHECK-DAG: #[[REV:.*]] = affine_map<(d0, d1) -> (d0, -d1 + 3)>
// CHECK-LABEL: func.func @slice_mixed_steps
// CHECK: tensor.extract_slice %{{.*}}[2, 0] [3, 4] [1, 2] : tensor<6x8xf32> to tensor<3x4xf32>
// CHECK: linalg.generic {indexing_maps = [#[[REV]], #{{.*}}]
func.func @slice_mixed_steps(%x: tensor<6x8xf32>) -> tensor<3x4xf32> {
  %0 = dlc.slice %x {starts = array<i64: 2, 6>, steps = array<i64: 1, -2>} : (tensor<6x8xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// Gather: a generic over the output reads the index tensor, wraps negative
// indices by the axis size (4), clamps into [0, 3] and extracts.
// CHECK-DAG: #[[IDX:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @gather_negative_indices
// CHECK-SAME: (%[[D:.*]]: tensor<5x4xf32>, %[[I:.*]]: tensor<2x3xi64>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<5x2x3xf32>
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[IDX]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[I]] : tensor<2x3xi64>) outs(%[[E]] : tensor<5x2x3xf32>)
// CHECK: ^bb0(%[[V:.*]]: i64, %{{.*}}: f32):
// CHECK: %[[IX:.*]] = arith.index_cast %[[V]] : i64 to index
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK: %[[NEG:.*]] = arith.cmpi slt, %[[IX]], %[[C0]] : index
// CHECK: %[[WRAP:.*]] = arith.addi %[[IX]], %[[C4]] : index
// CHECK: %[[SEL:.*]] = arith.select %[[NEG]], %[[WRAP]], %[[IX]] : index
// CHECK: %[[LO:.*]] = arith.maxsi %[[SEL]], %[[C0]] : index
// CHECK: %[[HI:.*]] = arith.minsi %[[LO]], %[[C3]] : index
// CHECK: %[[D0:.*]] = linalg.index 0 : index
// CHECK: %[[X:.*]] = tensor.extract %[[D]][%[[D0]], %[[HI]]] : tensor<5x4xf32>
// CHECK: linalg.yield %[[X]] : f32
// CHECK: return %[[R]]
func.func @gather_negative_indices(%d: tensor<5x4xf32>, %i: tensor<2x3xi64>) -> tensor<5x2x3xf32> {
  %0 = dlc.gather %d, %i {axis = 1 : i64} : (tensor<5x4xf32>, tensor<2x3xi64>) -> tensor<5x2x3xf32>
  return %0 : tensor<5x2x3xf32>
}

// -----

// A scalar i32 index on axis 0: the trailing data dim comes from output dim 0.
// CHECK-DAG: #[[IDX:.*]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @gather_scalar_index
// CHECK: linalg.generic {indexing_maps = [#[[IDX]], #{{.*}}]
// CHECK: %[[IX:.*]] = arith.index_cast %{{.*}} : i32 to index
// CHECK: %[[C5:.*]] = arith.constant 5 : index
// CHECK: arith.addi %[[IX]], %[[C5]] : index
// CHECK: %[[HI:.*]] = arith.minsi
// CHECK: %[[D0:.*]] = linalg.index 0 : index
// CHECK: tensor.extract %{{.*}}[%[[HI]], %[[D0]]] : tensor<5x4xf32>
func.func @gather_scalar_index(%d: tensor<5x4xf32>, %i: tensor<i32>) -> tensor<4xf32> {
  %0 = dlc.gather %d, %i {axis = 0 : i64} : (tensor<5x4xf32>, tensor<i32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Expand: a broadcasting copy (leading dim added, size-1 dim read at 0).
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @expand
// CHECK-SAME: (%[[X:.*]]: tensor<3x1xf32>)
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[X]] : tensor<3x1xf32>)
// CHECK: ^bb0(%[[V:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: linalg.yield %[[V]] : f32
// CHECK: return %[[R]]
func.func @expand(%x: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %0 = dlc.expand %x : (tensor<3x1xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// Zero-element results need no computation: tensor.empty.
// CHECK-LABEL: func.func @slice_empty
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x0xf32>
// CHECK-NEXT: return %[[E]]
func.func @slice_empty(%x: tensor<2x4xf32>) -> tensor<2x0xf32> {
  %0 = dlc.slice %x {starts = array<i64: 0, 4>, steps = array<i64: 1, 1>} : (tensor<2x4xf32>) -> tensor<2x0xf32>
  return %0 : tensor<2x0xf32>
}
