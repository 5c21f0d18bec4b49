// RUN: dlc-opt %s --split-input-file --convert-dlc-to-linalg | FileCheck %s

// keepdims = false drops the reduced dim from the output map.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @reduce_sum
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x4xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<2x4xf32>)
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[OUT]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-SAME: ins(%[[X]] : tensor<2x3x4xf32>) outs(%[[F]] : tensor<2x4xf32>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[IN]], %[[ACC]] : f32
// CHECK-NEXT: linalg.yield %[[S]]
// CHECK: return %[[R]]
func.func @reduce_sum(%x: tensor<2x3x4xf32>) -> tensor<2x4xf32> {
  %0 = dlc.reduce_sum %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// keepdims = true reads the reduced dims at 0; integer max starts at INT_MIN.
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (0, d1, 0)>
// CHECK-LABEL: func.func @reduce_max_int
// CHECK: %[[MIN:.*]] = arith.constant -2147483648 : i32
// CHECK: linalg.fill ins(%[[MIN]] : i32) outs(%{{.*}} : tensor<1x3x1xi32>)
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[OUT]]], iterator_types = ["reduction", "parallel", "reduction"]}
// CHECK: arith.maxsi
func.func @reduce_max_int(%x: tensor<2x3x4xi32>) -> tensor<1x3x1xi32> {
  %0 = dlc.reduce_max %x {axes = array<i64: 0, 2>} : (tensor<2x3x4xi32>) -> tensor<1x3x1xi32>
  return %0 : tensor<1x3x1xi32>
}

// -----

// Float max starts at -inf and propagates NaN.
// CHECK-LABEL: func.func @reduce_max_float
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: linalg.fill ins(%[[NINF]] : f32)
// CHECK: arith.maximumf
func.func @reduce_max_float(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  %0 = dlc.reduce_max %x {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

// mean = sum / count of the reduced elements (3 * 4).
// CHECK-LABEL: func.func @reduce_mean
// CHECK: %[[SUM:.*]] = linalg.generic
// CHECK-SAME: iterator_types = ["reduction", "parallel", "reduction"]
// CHECK: arith.addf
// CHECK: %[[MEAN:.*]] = linalg.generic
// CHECK-SAME: ins(%[[SUM]] : tensor<4xf32>)
// CHECK: %[[N:.*]] = arith.constant 1.200000e+01 : f32
// CHECK-NEXT: arith.divf %{{.*}}, %[[N]] : f32
// CHECK: return %[[MEAN]]
func.func @reduce_mean(%x: tensor<3x4x4xf32>) -> tensor<4xf32> {
  %0 = dlc.reduce_mean %x {axes = array<i64: 0, 2>, keepdims = false} : (tensor<3x4x4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Integer mean truncates.
// CHECK-LABEL: func.func @reduce_mean_int
// CHECK: arith.addi
// CHECK: %[[N:.*]] = arith.constant 4 : i64
// CHECK-NEXT: arith.divsi %{{.*}}, %[[N]] : i64
func.func @reduce_mean_int(%x: tensor<2x4xi64>) -> tensor<2x1xi64> {
  %0 = dlc.reduce_mean %x {axes = array<i64: 1>} : (tensor<2x4xi64>) -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}

// -----

// f16 sums accumulate in f32.
// CHECK-LABEL: func.func @reduce_sum_f16
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2xf32>)
// CHECK: ^bb0(%[[IN:.*]]: f16, %[[ACC:.*]]: f32):
// CHECK-NEXT: %[[W:.*]] = arith.extf %[[IN]] : f16 to f32
// CHECK-NEXT: arith.addf %[[W]], %[[ACC]] : f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @reduce_sum_f16(%x: tensor<2x8xf16>) -> tensor<2xf16> {
  %0 = dlc.reduce_sum %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x8xf16>) -> tensor<2xf16>
  return %0 : tensor<2xf16>
}

// -----

// softmax: max, sum(exp(x - max)), exp(x - max) / sum; the keepdims
// statistics are read back through broadcast maps.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[RED:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @softmax
// CHECK-SAME: (%[[X:.*]]: tensor<2x5xf32>)
// CHECK: %[[MAX:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[RED]]], iterator_types = ["parallel", "reduction"]}
// CHECK: arith.maximumf
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[RED]], #[[RED]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME: ins(%[[X]], %[[MAX]] : tensor<2x5xf32>, tensor<2x1xf32>)
// CHECK: ^bb0(%[[A:.*]]: f32, %[[M:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT: %[[D:.*]] = arith.subf %[[A]], %[[M]] : f32
// CHECK-NEXT: %[[E:.*]] = math.exp %[[D]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[ACC]], %[[E]] : f32
// CHECK-NEXT: linalg.yield %[[S]]
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[RED]], #[[RED]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[X]], %[[MAX]], %[[SUM]] : tensor<2x5xf32>, tensor<2x1xf32>, tensor<2x1xf32>)
// CHECK: ^bb0(%[[A2:.*]]: f32, %[[M2:.*]]: f32, %[[S2:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[D2:.*]] = arith.subf %[[A2]], %[[M2]] : f32
// CHECK-NEXT: %[[E2:.*]] = math.exp %[[D2]] : f32
// CHECK-NEXT: %[[Q:.*]] = arith.divf %[[E2]], %[[S2]] : f32
// CHECK-NEXT: linalg.yield %[[Q]]
// CHECK: return %[[R]]
func.func @softmax(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0 = dlc.softmax %x {axis = 1 : i64} : (tensor<2x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// log_softmax = x - max - log(sum(exp(x - max))), here along axis 0.
// CHECK-DAG: #[[RED:.*]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-LABEL: func.func @log_softmax
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]
// CHECK: arith.maximumf
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]
// CHECK: math.exp
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[RED]], #[[RED]], #{{.*}}], iterator_types = ["parallel", "parallel"]}
// CHECK: ^bb0(%[[A:.*]]: f32, %[[M:.*]]: f32, %[[S:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[D:.*]] = arith.subf %[[A]], %[[M]] : f32
// CHECK-NEXT: %[[L:.*]] = math.log %[[S]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.subf %[[D]], %[[L]] : f32
// CHECK-NEXT: linalg.yield %[[R]]
func.func @log_softmax(%x: tensor<5x2xf32>) -> tensor<5x2xf32> {
  %0 = dlc.log_softmax %x {axis = 0 : i64} : (tensor<5x2xf32>) -> tensor<5x2xf32>
  return %0 : tensor<5x2xf32>
}

// -----

// batch_norm: factor = scale / sqrt(var + eps) per channel, then
// (x - mean) * factor + bias with the [C] vectors read at dim 1.
// CHECK-DAG: #[[VEC:.*]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @batch_norm
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4x4xf32>, %[[S:.*]]: tensor<3xf32>, %[[B:.*]]: tensor<3xf32>, %[[M:.*]]: tensor<3xf32>, %[[V:.*]]: tensor<3xf32>)
// CHECK: %[[F:.*]] = linalg.generic {indexing_maps = [#[[VEC]], #[[VEC]], #[[VEC]]], iterator_types = ["parallel"]}
// CHECK-SAME: ins(%[[S]], %[[V]] : tensor<3xf32>, tensor<3xf32>)
// CHECK: ^bb0(%[[SC:.*]]: f32, %[[VA:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[EPS:.*]] = arith.constant 1.000000e-03 : f32
// CHECK-NEXT: %[[VE:.*]] = arith.addf %[[VA]], %[[EPS]] : f32
// CHECK-NEXT: %[[SQ:.*]] = math.sqrt %[[VE]] : f32
// CHECK-NEXT: %[[FAC:.*]] = arith.divf %[[SC]], %[[SQ]] : f32
// CHECK-NEXT: linalg.yield %[[FAC]]
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[CH]], #[[CH]], #[[CH]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[X]], %[[M]], %[[F]], %[[B]] : tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>)
// CHECK: ^bb0(%[[XS:.*]]: f32, %[[MS:.*]]: f32, %[[FS:.*]]: f32, %[[BS:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[C:.*]] = arith.subf %[[XS]], %[[MS]] : f32
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[C]], %[[FS]] : f32
// CHECK-NEXT: %[[Y:.*]] = arith.addf %[[P]], %[[BS]] : f32
// CHECK-NEXT: linalg.yield %[[Y]]
// CHECK: return %[[R]]
func.func @batch_norm(%x: tensor<2x3x4x4xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3x4x4xf32> {
  %0 = dlc.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-3 : f32} : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  return %0 : tensor<2x3x4x4xf32>
}

// -----

// layer_norm over dims [1, 3): mean, var = mean((x - mean)^2), then
// (x - mean) * rstd * scale + bias; scale/bias broadcast to the trailing dims.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[STAT:.*]] = affine_map<(d0, d1, d2) -> (d0, 0, 0)>
// CHECK-DAG: #[[SCALE:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-DAG: #[[BIAS:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @layer_norm
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>, %[[S:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<3x4xf32>)
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[STAT]]], iterator_types = ["parallel", "reduction", "reduction"]}
// CHECK-SAME: ins(%[[X]] : tensor<2x3x4xf32>) outs(%{{.*}} : tensor<2x1x1xf32>)
// CHECK: %[[MEAN:.*]] = linalg.generic
// CHECK-SAME: ins(%[[SUM]] : tensor<2x1x1xf32>)
// CHECK: arith.constant 1.200000e+01 : f32
// CHECK: %[[SQ:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[STAT]], #[[STAT]]], iterator_types = ["parallel", "reduction", "reduction"]}
// CHECK-SAME: ins(%[[X]], %[[MEAN]] : tensor<2x3x4xf32>, tensor<2x1x1xf32>)
// CHECK: ^bb0(%[[XS:.*]]: f32, %[[MS:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT: %[[D:.*]] = arith.subf %[[XS]], %[[MS]] : f32
// CHECK-NEXT: %[[D2:.*]] = arith.mulf %[[D]], %[[D]] : f32
// CHECK-NEXT: arith.addf %[[ACC]], %[[D2]] : f32
// CHECK: %[[RSTD:.*]] = linalg.generic
// CHECK-SAME: ins(%[[SQ]] : tensor<2x1x1xf32>)
// CHECK: arith.constant 9.99999974E-6 : f32
// CHECK: math.sqrt
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[STAT]], #[[STAT]], #[[SCALE]], #[[BIAS]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[X]], %[[MEAN]], %[[RSTD]], %[[S]], %[[B]] :
// CHECK: ^bb0(%[[X1:.*]]: f32, %[[M1:.*]]: f32, %[[R1:.*]]: f32, %[[S1:.*]]: f32, %[[B1:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[C:.*]] = arith.subf %[[X1]], %[[M1]] : f32
// CHECK-NEXT: %[[N:.*]] = arith.mulf %[[C]], %[[R1]] : f32
// CHECK-NEXT: %[[SC:.*]] = arith.mulf %[[N]], %[[S1]] : f32
// CHECK-NEXT: %[[Y:.*]] = arith.addf %[[SC]], %[[B1]] : f32
// CHECK-NEXT: linalg.yield %[[Y]]
// CHECK: return %[[R]]
func.func @layer_norm(%x: tensor<2x3x4xf32>, %s: tensor<4xf32>, %b: tensor<3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = dlc.layer_norm %x, %s, %b {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<3x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// Without bias; f16 statistics are kept in f32.
// CHECK-LABEL: func.func @layer_norm_f16
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x3x1xf32>)
// CHECK: ^bb0(%[[X1:.*]]: f16, %[[M1:.*]]: f32, %[[R1:.*]]: f32, %[[S1:.*]]: f16, %{{.*}}: f16):
// CHECK-NEXT: %[[XW:.*]] = arith.extf %[[X1]] : f16 to f32
// CHECK-NEXT: %[[C:.*]] = arith.subf %[[XW]], %[[M1]] : f32
// CHECK-NEXT: %[[N:.*]] = arith.mulf %[[C]], %[[R1]] : f32
// CHECK-NEXT: %[[SW:.*]] = arith.extf %[[S1]] : f16 to f32
// CHECK-NEXT: %[[Y:.*]] = arith.mulf %[[N]], %[[SW]] : f32
// CHECK-NEXT: %[[T:.*]] = arith.truncf %[[Y]] : f32 to f16
// CHECK-NEXT: linalg.yield %[[T]]
func.func @layer_norm_f16(%x: tensor<2x3x4xf16>, %s: tensor<4xf16>) -> tensor<2x3x4xf16> {
  %0 = dlc.layer_norm %x, %s {axis = 2 : i64} : (tensor<2x3x4xf16>, tensor<4xf16>) -> tensor<2x3x4xf16>
  return %0 : tensor<2x3x4xf16>
}

// -----

// Unsigned reductions: max starts at 0 and is maxui, the mean divides with
// divui; the tensors become signless.
// CHECK-LABEL: func.func @reduce_unsigned
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xi16>) -> (tensor<2x1xi16>, tensor<2x1xi16>)
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i16
// CHECK: linalg.fill ins(%[[ZERO]] : i16) outs(%{{.*}} : tensor<2x1xi16>)
// CHECK: %[[MAX:.*]] = linalg.generic
// CHECK: arith.maxui %{{.*}}, %{{.*}} : i16
// CHECK: %[[SUM:.*]] = linalg.generic
// CHECK: arith.addi
// CHECK: %[[MEAN:.*]] = linalg.generic
// CHECK-SAME: ins(%[[SUM]] : tensor<2x1xi16>)
// CHECK: %[[N:.*]] = arith.constant 3 : i16
// CHECK-NEXT: arith.divui %{{.*}}, %[[N]] : i16
// CHECK: return %[[MAX]], %[[MEAN]]
func.func @reduce_unsigned(%x: tensor<2x3xui16>) -> (tensor<2x1xui16>, tensor<2x1xui16>) {
  %0 = dlc.reduce_max %x {axes = array<i64: 1>} : (tensor<2x3xui16>) -> tensor<2x1xui16>
  %1 = dlc.reduce_mean %x {axes = array<i64: 1>} : (tensor<2x3xui16>) -> tensor<2x1xui16>
  return %0, %1 : tensor<2x1xui16>, tensor<2x1xui16>
}
