// RUN: dlc-opt %s --split-input-file --dlc-outline-kernels | FileCheck %s

// Each dlc op becomes a private kernel called from the graph; constants stay.
// CHECK-LABEL: func.func @main_graph
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[Y:.*]]: tensor<3xf32>)
// CHECK: %[[C:.*]] = dlc.constant
// CHECK: %[[A:.*]] = call @[[ADD:k[0-9]+_add]](%[[X]], %[[Y]]) {dlc.op = "dlc.add"}
// CHECK: %[[R:.*]] = call @[[RELU:k[0-9]+_relu]](%[[A]]) {dlc.op = "dlc.relu"}
// CHECK: %[[M:.*]] = call @{{k[0-9]+_mul}}(%[[R]], %[[C]])
// CHECK: return %[[M]]
// CHECK: func.func private @[[ADD]](%[[P0:.*]]: tensor<2x3xf32>, %[[P1:.*]]: tensor<3xf32>) -> tensor<2x3xf32> attributes {dlc.kernel}
// CHECK-NEXT: %[[S:.*]] = dlc.add %[[P0]], %[[P1]]
// CHECK-NEXT: return %[[S]]
// CHECK: func.func private @[[RELU]]
func.func @main_graph(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> attributes {dlc.graph} {
  %c = dlc.constant dense<1.0> : tensor<3xf32>
  %0 = dlc.add %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = dlc.relu %0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = dlc.mul %1, %c : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %2 : tensor<2x3xf32>
}

// -----

// Multi-result ops are outlined whole; functions without dlc.graph are left alone.
// CHECK-LABEL: func.func @main_graph
// CHECK: %[[S:.*]]:2 = call @{{k[0-9]+_split}}(%{{.*}}) {dlc.op = "dlc.split"} : (tensor<4xf32>) -> (tensor<1xf32>, tensor<3xf32>)
// CHECK: return %[[S]]#1, %[[S]]#0
// CHECK-LABEL: func.func @helper
// CHECK-NEXT: dlc.neg
func.func @main_graph(%x: tensor<4xf32>) -> (tensor<3xf32>, tensor<1xf32>) attributes {dlc.graph} {
  %0:2 = dlc.split %x {axis = 0 : i64} : (tensor<4xf32>) -> (tensor<1xf32>, tensor<3xf32>)
  return %0#1, %0#0 : tensor<3xf32>, tensor<1xf32>
}
func.func @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = dlc.neg %x : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A fused group becomes one kernel whose body is the group.
// CHECK-LABEL: func.func @main_graph
// CHECK: %[[R:.*]] = call @[[K:k[0-9]+_fused]](%{{.*}}) {dlc.op = "fused(exp+neg)"}
// CHECK: return %[[R]]
// CHECK: func.func private @[[K]](%[[A:.*]]: tensor<2xf32>) -> tensor<2xf32> attributes {dlc.kernel}
// CHECK-NEXT: %[[E:.*]] = dlc.exp %[[A]]
// CHECK-NEXT: %[[N:.*]] = dlc.neg %[[E]]
// CHECK-NEXT: return %[[N]]
func.func @main_graph(%x: tensor<2xf32>) -> tensor<2xf32> attributes {dlc.graph} {
  %0 = dlc.kernel "exp+neg"(%x) : (tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%a: tensor<2xf32>):
    %1 = dlc.exp %a : (tensor<2xf32>) -> tensor<2xf32>
    %2 = dlc.neg %1 : (tensor<2xf32>) -> tensor<2xf32>
    dlc.yield %2 : tensor<2xf32>
  }
  return %0 : tensor<2xf32>
}
