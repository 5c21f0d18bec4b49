// RUN: dlc-opt %s --split-input-file --dlc-autodiff="loss=mse" | FileCheck %s
// RUN: dlc-opt %s --split-input-file --dlc-autodiff="loss=softmax_cross_entropy" | FileCheck %s --check-prefix=CE

// The loss joins a `labels` argument; results become (loss, prediction, w:grad).
// relu's VJP masks with x > 0; add's VJP sums the broadcast dim away.
// CHECK-LABEL: func.func @relu_bias
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32> {dlc.name = "x"}, %[[L:.*]]: tensor<2x3xf32> {dlc.name = "labels"})
// CHECK-SAME: -> (tensor<f32> {dlc.name = "loss"}, tensor<2x3xf32> {dlc.name = "y"}, tensor<3xf32> {dlc.gradient_of = "w", dlc.name = "w:grad"})
// CHECK: %[[W:.*]] = dlc.constant {dlc.initializer = "w"}
// CHECK: %[[A:.*]] = dlc.add %[[X]], %[[W]]
// CHECK: %[[Y:.*]] = dlc.relu %[[A]]
// CHECK: %[[D:.*]] = dlc.sub %[[Y]], %[[L]]
// CHECK: %[[SQ:.*]] = dlc.mul %[[D]], %[[D]]
// CHECK: %[[LOSS:.*]] = dlc.reduce_mean %[[SQ]] {axes = array<i64: 0, 1>, keepdims = false}
// CHECK: %[[POS:.*]] = dlc.greater %[[A]], %{{.*}} : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xi1>
// CHECK: %[[DA:.*]] = dlc.where %[[POS]], %{{.*}}, %{{.*}}
// CHECK: %[[SUM:.*]] = dlc.reduce_sum %[[DA]] {axes = array<i64: 0>} : (tensor<2x3xf32>) -> tensor<1x3xf32>
// CHECK: %[[DW:.*]] = dlc.reshape %[[SUM]] : (tensor<1x3xf32>) -> tensor<3xf32>
// CHECK: return %[[LOSS]], %[[Y]], %[[DW]]
func.func @relu_bias(%x: tensor<2x3xf32> {dlc.name = "x"}) -> (tensor<2x3xf32> {dlc.name = "y"}) attributes {dlc.graph} {
  %w = dlc.constant {dlc.initializer = "w"} dense<0.5> : tensor<3xf32>
  %0 = dlc.add %x, %w : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = dlc.relu %0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// matmul: dW = x^T g. x is not a weight, so no dX is built.
// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>
// CHECK: %[[XT:.*]] = dlc.transpose %[[X]] {perm = array<i64: 1, 0>}
// CHECK: %[[DW:.*]] = dlc.matmul %[[XT]], %{{.*}} : (tensor<3x2xf32>, tensor<2x4xf32>) -> tensor<3x4xf32>
// CHECK-NOT: dlc.matmul
// CHECK: return %{{.*}}, %{{.*}}, %[[DW]]
// The CE run takes the logits under the final softmax.
// CE-LABEL: func.func @matmul
// CE: %[[Z:.*]] = dlc.matmul
// CE: %[[P:.*]] = dlc.softmax %[[Z]]
// CE: %[[LS:.*]] = dlc.log_softmax %[[Z]] {axis = 1 : i64}
// CE: %[[E:.*]] = dlc.exp %[[LS]]
// CE: return %{{.*}}, %[[P]], %{{.*}}
func.func @matmul(%x: tensor<2x3xf32>) -> tensor<2x4xf32> attributes {dlc.graph} {
  %w = dlc.constant {dlc.initializer = "w"} dense<0.5> : tensor<3x4xf32>
  %0 = dlc.matmul %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %1 = dlc.softmax %0 {axis = 1 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}

// -----

// Two layers: the first layer's input gradient flows through the second
// weight (g W2^T), and a weight used twice sums both contributions.
// CHECK-LABEL: func.func @shared
// CHECK: %[[W:.*]] = dlc.constant {dlc.initializer = "w"}
// CHECK: %[[H:.*]] = dlc.matmul %{{.*}}, %[[W]]
// CHECK: dlc.matmul %[[H]], %[[W]]
// CHECK: %[[WT:.*]] = dlc.transpose %[[W]] {perm = array<i64: 1, 0>}
// CHECK: dlc.matmul %{{.*}}, %[[WT]]
// CHECK: %[[G2:.*]] = dlc.matmul %{{.*}}, %{{.*}} : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
// CHECK: %[[G1:.*]] = dlc.matmul %{{.*}}, %{{.*}} : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
// CHECK: %[[DW:.*]] = dlc.add %[[G2]], %[[G1]]
// CHECK: return %{{.*}}, %{{.*}}, %[[DW]]
func.func @shared(%x: tensor<2x2xf32>) -> tensor<2x2xf32> attributes {dlc.graph} {
  %w = dlc.constant {dlc.initializer = "w"} dense<0.5> : tensor<2x2xf32>
  %0 = dlc.matmul %x, %w : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %1 = dlc.matmul %0, %w : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %1 : tensor<2x2xf32>
}

// -----

// conv weight gradient: a conv of the batch-swapped input with the
// batch-swapped result gradient, swapped back.
// CHECK-LABEL: func.func @conv
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x4x4xf32>
// CHECK: %[[GT:.*]] = dlc.transpose %{{.*}} {perm = array<i64: 1, 0, 2, 3>} : (tensor<1x2x2x2xf32>) -> tensor<2x1x2x2xf32>
// CHECK: %[[XT:.*]] = dlc.transpose %[[X]] {perm = array<i64: 1, 0, 2, 3>}
// CHECK: %[[R:.*]] = dlc.conv %[[XT]], %[[GT]] {{.*}} -> tensor<1x2x3x3xf32>
// CHECK: %[[DW:.*]] = dlc.transpose %[[R]] {perm = array<i64: 1, 0, 2, 3>} : (tensor<1x2x3x3xf32>) -> tensor<2x1x3x3xf32>
// CHECK: %[[DB:.*]] = dlc.reduce_sum %{{.*}} {axes = array<i64: 0, 2, 3>, keepdims = false} : (tensor<1x2x2x2xf32>) -> tensor<2xf32>
// CHECK: return %{{.*}}, %{{.*}}, %[[DW]], %[[DB]]
func.func @conv(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x2x2xf32> attributes {dlc.graph} {
  %w = dlc.constant {dlc.initializer = "w"} dense<0.5> : tensor<2x1x3x3xf32>
  %b = dlc.constant {dlc.initializer = "b"} dense<0.5> : tensor<2xf32>
  %0 = dlc.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

// conv input gradient (x depends on a weight): the stride-2 result gradient
// is spread to every second position, then convolved with the flipped,
// in/out-swapped kernel; pads (K-1) - 1 = 1 before, H - 3 + 1 = 3 after.
// CHECK-LABEL: func.func @conv_input
// CHECK: %[[FH:.*]] = dlc.slice %[[W:.*]] {starts = array<i64: 0, 0, 2, 0>, steps = array<i64: 1, 1, -1, 1>}
// CHECK: %[[FW:.*]] = dlc.slice %[[FH]] {starts = array<i64: 0, 0, 0, 2>, steps = array<i64: 1, 1, 1, -1>}
// CHECK: %[[WF:.*]] = dlc.transpose %[[FW]] {perm = array<i64: 1, 0, 2, 3>} : (tensor<2x1x3x3xf32>) -> tensor<1x2x3x3xf32>
// CHECK: dlc.conv %{{.*}}, %[[WF]] {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 3, 3>, strides = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x1x5x5xf32>
func.func @conv_input(%x: tensor<1x1x5x5xf32>) -> tensor<1x2x2x2xf32> attributes {dlc.graph} {
  %s = dlc.constant {dlc.initializer = "s"} dense<2.0> : tensor<1xf32>
  %w = dlc.constant {dlc.initializer = "w"} dense<0.5> : tensor<2x1x3x3xf32>
  %0 = dlc.mul %x, %s : (tensor<1x1x5x5xf32>, tensor<1xf32>) -> tensor<1x1x5x5xf32>
  %1 = dlc.conv %0, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x5x5xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x2x2xf32>
  return %1 : tensor<1x2x2x2xf32>
}

// -----

// max_pool: each window offset compares its strided slice with the result;
// later offsets only take windows no earlier offset matched.
// CHECK-LABEL: func.func @max_pool
// CHECK: %[[P:.*]] = dlc.max_pool %[[IN:.*]] {
// CHECK: %[[R0:.*]] = dlc.slice %[[IN]] {starts = array<i64: 0, 0, 0, 0>, steps = array<i64: 1, 1, 2, 1>}
// CHECK: %[[C0:.*]] = dlc.slice %[[R0]] {starts = array<i64: 0, 0, 0, 0>, steps = array<i64: 1, 1, 1, 2>}
// CHECK: %[[EQ0:.*]] = dlc.equal %[[C0]], %[[P]]
// CHECK: %[[M0:.*]] = dlc.cast %[[EQ0]] : (tensor<1x1x2x2xi1>) -> tensor<1x1x2x2xf32>
// CHECK: %[[C1:.*]] = dlc.slice %{{.*}} {starts = array<i64: 0, 0, 0, 1>, steps = array<i64: 1, 1, 1, 2>}
// CHECK: %[[EQ1:.*]] = dlc.equal %[[C1]], %[[P]]
// CHECK: %[[M1:.*]] = dlc.cast %[[EQ1]]
// CHECK: %[[FREE:.*]] = dlc.sub %{{.*}}, %[[M0]]
// CHECK: dlc.mul %[[M1]], %[[FREE]]
func.func @max_pool(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> attributes {dlc.graph} {
  %w = dlc.constant {dlc.initializer = "w"} dense<0.5> : tensor<1x1x4x4xf32>
  %0 = dlc.mul %x, %w : (tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %1 = dlc.max_pool %0 {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  return %1 : tensor<1x1x2x2xf32>
}

// -----

// Integer ops are not on the gradient path: no VJP is asked of them
// (gather's indices), and batch-norm statistics get no gradient.
// CHECK-LABEL: func.func @gather_bn
// CHECK-SAME: -> (tensor<f32> {dlc.name = "loss"}, tensor<2x3x1xf32>, tensor<4x3xf32> {dlc.gradient_of = "table", dlc.name = "table:grad"}, tensor<3xf32> {dlc.gradient_of = "scale", dlc.name = "scale:grad"}, tensor<3xf32> {dlc.gradient_of = "bias", dlc.name = "bias:grad"})
// CHECK: %[[OH:.*]] = dlc.equal %{{.*}}, %{{.*}} : (tensor<2x1xi64>, tensor<1x4xi64>) -> tensor<2x4xi1>
// CHECK: dlc.cast %[[OH]] : (tensor<2x4xi1>) -> tensor<2x4xf32>
func.func @gather_bn(%i: tensor<2xi64>) -> tensor<2x3x1xf32> attributes {dlc.graph} {
  %t = dlc.constant {dlc.initializer = "table"} dense<0.5> : tensor<4x3xf32>
  %s = dlc.constant {dlc.initializer = "scale"} dense<2.0> : tensor<3xf32>
  %b = dlc.constant {dlc.initializer = "bias"} dense<0.1> : tensor<3xf32>
  %m = dlc.constant {dlc.initializer = "mean"} dense<0.1> : tensor<3xf32>
  %v = dlc.constant {dlc.initializer = "var"} dense<1.0> : tensor<3xf32>
  %0 = dlc.gather %t, %i {axis = 0 : i64} : (tensor<4x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  %1 = dlc.reshape %0 : (tensor<2x3xf32>) -> tensor<2x3x1xf32>
  %2 = dlc.batch_norm %1, %s, %b, %m, %v : (tensor<2x3x1xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x1xf32>
  return %2 : tensor<2x3x1xf32>
}
