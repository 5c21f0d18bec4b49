// RUN: dlc-opt %s --split-input-file --dlc-fold-empty-tensors | FileCheck %s

// An op whose result has no elements needs no kernel.
// CHECK-LABEL: func.func @empty_slice
// CHECK: %[[E:.*]] = dlc.constant dense<> : tensor<2x0xf32>
// CHECK-NOT: dlc.slice
// CHECK: return %[[E]]
func.func @empty_slice(%x: tensor<2x3xf32>) -> tensor<2x0xf32> {
  %0 = dlc.slice %x {starts = array<i64: 0, 3>, steps = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<2x0xf32>
  return %0 : tensor<2x0xf32>
}

// -----

// Reductions of no elements are their identity: 0, lowest, NaN.
// CHECK-LABEL: func.func @empty_reductions
// CHECK-DAG: %[[S:.*]] = dlc.constant dense<0.000000e+00> : tensor<2x1xf32>
// CHECK-DAG: %[[M:.*]] = dlc.constant dense<0xFF800000> : tensor<2x1xf32>
// CHECK-DAG: %[[N:.*]] = dlc.constant dense<0x7FC00000> : tensor<2x1xf32>
// CHECK-DAG: %[[I:.*]] = dlc.constant dense<-2147483648> : tensor<2xi32>
// CHECK-NOT: dlc.reduce
// CHECK: return %[[S]], %[[M]], %[[N]], %[[I]]
func.func @empty_reductions(%x: tensor<2x0xf32>, %y: tensor<2x0xi32>)
    -> (tensor<2x1xf32>, tensor<2x1xf32>, tensor<2x1xf32>, tensor<2xi32>) {
  %0 = dlc.reduce_sum %x {axes = array<i64: 1>} : (tensor<2x0xf32>) -> tensor<2x1xf32>
  %1 = dlc.reduce_max %x {axes = array<i64: 1>} : (tensor<2x0xf32>) -> tensor<2x1xf32>
  %2 = dlc.reduce_mean %x {axes = array<i64: 1>} : (tensor<2x0xf32>) -> tensor<2x1xf32>
  %3 = dlc.reduce_max %y {axes = array<i64: 1>, keepdims = false} : (tensor<2x0xi32>) -> tensor<2xi32>
  return %0, %1, %2, %3 : tensor<2x1xf32>, tensor<2x1xf32>, tensor<2x1xf32>, tensor<2xi32>
}

// -----

// Concat drops empty inputs; a single survivor replaces the concat.
// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<2x0xf32>, %[[C:.*]]: tensor<2x1xf32>)
// CHECK: %[[R:.*]] = dlc.concat %[[A]], %[[C]] {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
// CHECK: return %[[R]], %[[A]]
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x0xf32>, %c: tensor<2x1xf32>) -> (tensor<2x4xf32>, tensor<2x3xf32>) {
  %0 = dlc.concat %a, %b, %c {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x0xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  %1 = dlc.concat %b, %a {axis = 1 : i64} : (tensor<2x0xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1 : tensor<2x4xf32>, tensor<2x3xf32>
}

// -----

// Split keeps only its non-empty pieces.
// CHECK-LABEL: func.func @split
// CHECK-DAG: %[[E:.*]] = dlc.constant dense<> : tensor<0x2xf32>
// CHECK-DAG: %[[S:.*]]:2 = dlc.split %{{.*}} {axis = 0 : i64} : (tensor<3x2xf32>) -> (tensor<1x2xf32>, tensor<2x2xf32>)
// CHECK: return %[[S]]#0, %[[E]], %[[S]]#1
func.func @split(%x: tensor<3x2xf32>) -> (tensor<1x2xf32>, tensor<0x2xf32>, tensor<2x2xf32>) {
  %0:3 = dlc.split %x {axis = 0 : i64} : (tensor<3x2xf32>) -> (tensor<1x2xf32>, tensor<0x2xf32>, tensor<2x2xf32>)
  return %0#0, %0#1, %0#2 : tensor<1x2xf32>, tensor<0x2xf32>, tensor<2x2xf32>
}

// -----

// Non-empty values are left alone.
// CHECK-LABEL: func.func @untouched
// CHECK: dlc.reduce_sum
func.func @untouched(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  %0 = dlc.reduce_sum %x {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}
