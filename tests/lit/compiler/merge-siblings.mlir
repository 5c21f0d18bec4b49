// RUN: dlc-opt %s --split-input-file --dlc-merge-siblings | FileCheck %s
// RUN: dlc-opt %s --split-input-file --dlc-merge-siblings=convs=false | FileCheck %s --check-prefix=NOCONV

// Q/K/V-style projections of one input become one matmul and a split.
// CHECK-LABEL: func.func @qkv
// CHECK-SAME: (%[[X:.*]]: tensor<2x4x3xf32>)
// CHECK: %[[W:.*]] = dlc.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, 5.000000e+00], [3.000000e+00, 4.000000e+00, 6.000000e+00], [0.000000e+00, 0.000000e+00, 7.000000e+00]]> : tensor<3x3xf32>
// CHECK: %[[M:.*]] = dlc.matmul %[[X]], %[[W]] : (tensor<2x4x3xf32>, tensor<3x3xf32>) -> tensor<2x4x3xf32>
// CHECK: %[[S:.*]]:2 = dlc.split %[[M]] {axis = 2 : i64} : (tensor<2x4x3xf32>) -> (tensor<2x4x2xf32>, tensor<2x4x1xf32>)
// CHECK: return %[[S]]#0, %[[S]]#1
// With convs=false (oneDNN dispatch) matmuls still merge.
// NOCONV-LABEL: func.func @qkv
// NOCONV: dlc.matmul
// NOCONV-NOT: dlc.matmul
// NOCONV: dlc.split
func.func @qkv(%x: tensor<2x4x3xf32>) -> (tensor<2x4x2xf32>, tensor<2x4x1xf32>) {
  %wq = dlc.constant dense<[[1.0, 2.0], [3.0, 4.0], [0.0, 0.0]]> : tensor<3x2xf32>
  %wk = dlc.constant dense<[[5.0], [6.0], [7.0]]> : tensor<3x1xf32>
  %q = dlc.matmul %x, %wq : (tensor<2x4x3xf32>, tensor<3x2xf32>) -> tensor<2x4x2xf32>
  %k = dlc.matmul %x, %wk : (tensor<2x4x3xf32>, tensor<3x1xf32>) -> tensor<2x4x1xf32>
  return %q, %k : tensor<2x4x2xf32>, tensor<2x4x1xf32>
}

// -----

// Inception-style 1x1 branches: weights and biases concatenate along the
// output channels (a missing bias is zeros).
// CHECK-LABEL: func.func @branches
// CHECK-DAG: %[[W:.*]] = dlc.constant dense<{{.*}}> : tensor<3x2x1x1xf32>
// CHECK-DAG: %[[B:.*]] = dlc.constant dense<[1.000000e+00, 0.000000e+00, 0.000000e+00]> : tensor<3xf32>
// CHECK: %[[C:.*]] = dlc.conv %{{.*}}, %[[W]], %[[B]]
// CHECK: dlc.split %[[C]] {axis = 1 : i64} : (tensor<1x3x4x4xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x2x4x4xf32>)
// With convs=false the convs stay apart.
// NOCONV-LABEL: func.func @branches
// NOCONV-COUNT-2: dlc.conv
// NOCONV-NEXT: return
func.func @branches(%x: tensor<1x2x4x4xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w1 = dlc.constant dense<1.0> : tensor<1x2x1x1xf32>
  %b1 = dlc.constant dense<1.0> : tensor<1xf32>
  %w2 = dlc.constant dense<2.0> : tensor<2x2x1x1xf32>
  %0 = dlc.conv %x, %w1, %b1 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>, tensor<1xf32>) -> tensor<1x1x4x4xf32>
  %1 = dlc.conv %x, %w2 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %0, %1 : tensor<1x1x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// Different strides, or non-constant weights, are not merged.
// CHECK-LABEL: func.func @different
// CHECK-COUNT-2: dlc.conv
// CHECK-NOT: dlc.split
// CHECK-COUNT-2: dlc.matmul
// CHECK-NOT: dlc.split
func.func @different(%x: tensor<1x2x4x4xf32>, %m: tensor<2x3xf32>, %w: tensor<3x3xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %w1 = dlc.constant dense<1.0> : tensor<1x2x1x1xf32>
  %wc = dlc.constant dense<1.0> : tensor<3x3xf32>
  %0 = dlc.conv %x, %w1 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
  %1 = dlc.conv %x, %w1 {strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x2x2xf32>
  %2 = dlc.matmul %m, %w : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x3xf32>
  %3 = dlc.matmul %m, %wc : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x3xf32>
  return %0, %1, %2, %3 : tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// A user of the first sibling that sits before the second sibling must still
// see its value: the merged matmul is placed at the first sibling.
// CHECK-LABEL: func.func @user_between
// CHECK: %[[M:.*]] = dlc.matmul
// CHECK: %[[S:.*]]:2 = dlc.split %[[M]]
// CHECK: %[[R:.*]] = dlc.relu %[[S]]#0
// CHECK: dlc.add %[[R]], %[[S]]#1
func.func @user_between(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %wq = dlc.constant dense<[[1.0, 2.0], [3.0, 4.0], [0.5, 0.5]]> : tensor<3x2xf32>
  %wk = dlc.constant dense<[[5.0, 1.0], [6.0, 1.0], [7.0, 1.0]]> : tensor<3x2xf32>
  %q = dlc.matmul %x, %wq : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
  %r = dlc.relu %q : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %k = dlc.matmul %x, %wk : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
  %s = dlc.add %r, %k : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %s : tensor<2x2xf32>
}

// -----

// Each merged branch ends in a relu: one relu of the merged conv replaces
// them, above the split, so the conv's kernel can absorb it.
// CHECK-LABEL: func.func @relu_branches
// CHECK: %[[C:.*]] = dlc.conv
// CHECK-NEXT: %[[R:.*]] = dlc.relu %[[C]] : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
// CHECK-NEXT: %[[S:.*]]:2 = dlc.split %[[R]] {axis = 1 : i64}
// CHECK-NOT: dlc.relu
// CHECK: return %[[S]]#0, %[[S]]#1
func.func @relu_branches(%x: tensor<1x2x4x4xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w1 = dlc.constant dense<1.0> : tensor<1x2x1x1xf32>
  %w2 = dlc.constant dense<-2.0> : tensor<2x2x1x1xf32>
  %0 = dlc.conv %x, %w1 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
  %1 = dlc.relu %0 : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %2 = dlc.conv %x, %w2 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %3 = dlc.relu %2 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %1, %3 : tensor<1x1x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// Not merged: one conv would absorb a relu, its sibling feeds a residual add
// (ResNet's conv1 next to its downsample conv). Merged, the relu would be a
// kernel of its own and both outputs copies out of a split.
// CHECK-LABEL: func.func @resnet_stage_entry
// CHECK: %[[C1:.*]] = dlc.conv
// CHECK-NEXT: dlc.relu %[[C1]]
// CHECK-NEXT: %[[D:.*]] = dlc.conv
// CHECK-NEXT: dlc.add %{{.*}}, %[[D]]
// CHECK-NOT: dlc.split
func.func @resnet_stage_entry(%x: tensor<1x2x4x4xf32>, %y: tensor<1x2x4x4xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w1 = dlc.constant dense<1.0> : tensor<1x2x1x1xf32>
  %w2 = dlc.constant dense<-2.0> : tensor<2x2x1x1xf32>
  %0 = dlc.conv %x, %w1 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
  %1 = dlc.relu %0 : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %2 = dlc.conv %x, %w2 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %3 = dlc.add %y, %2 : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %1, %3 : tensor<1x1x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// Not hoisted: a piece without a relu (ResNet's downsample next to conv1),
// or pieces whose unary ops differ.
// CHECK-LABEL: func.func @mixed_users
// CHECK: %[[S:.*]]:2 = dlc.split
// CHECK-NEXT: dlc.relu %[[S]]#0
// CHECK-LABEL: func.func @different_unary
// CHECK: %[[S:.*]]:2 = dlc.split
// CHECK-NEXT: dlc.relu %[[S]]#0
// CHECK-NEXT: dlc.tanh %[[S]]#1
func.func @mixed_users(%x: tensor<1x2x4x4xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x2x4x4xf32>) {
  %p:2 = dlc.split %x {axis = 1 : i64} : (tensor<1x2x4x4xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>)
  %0 = dlc.relu %p#0 : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  return %0, %x : tensor<1x1x4x4xf32>, tensor<1x2x4x4xf32>
}
func.func @different_unary(%x: tensor<1x2x4x4xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>) {
  %p:2 = dlc.split %x {axis = 1 : i64} : (tensor<1x2x4x4xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>)
  %0 = dlc.relu %p#0 : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %1 = dlc.tanh %p#1 : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  return %0, %1 : tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>
}

// -----

// Three siblings (Inception's 1x1 branches) become one conv and one 3-way
// split, never a split of a split, whichever sibling the driver visits first.
// CHECK-LABEL: func.func @three_branches
// CHECK: %[[C:.*]] = dlc.conv %{{.*}} -> tensor<1x6x4x4xf32>
// CHECK: %[[S:.*]]:3 = dlc.split %[[C]] {axis = 1 : i64}
// CHECK-NOT: dlc.split
// CHECK: return %[[S]]#0, %[[S]]#1, %[[S]]#2 :
func.func @three_branches(%x: tensor<1x2x4x4xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x3x4x4xf32>) {
  %w1 = dlc.constant dense<1.0> : tensor<1x2x1x1xf32>
  %w2 = dlc.constant dense<2.0> : tensor<2x2x1x1xf32>
  %w3 = dlc.constant dense<3.0> : tensor<3x2x1x1xf32>
  %0 = dlc.conv %x, %w1 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
  %1 = dlc.conv %x, %w2 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %2 = dlc.conv %x, %w3 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<3x2x1x1xf32>) -> tensor<1x3x4x4xf32>
  return %0, %1, %2 : tensor<1x1x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x3x4x4xf32>
}

// -----

// A constant bias on every piece of a last-dim split (Q/K/V biases after
// the merged projection) becomes one add of the concatenated biases before
// the split, where it joins the matmul's kernel; the bias order follows the
// pieces, whichever operand of each add it is.
// CHECK-LABEL: func.func @bias_pieces
// CHECK: %[[B:.*]] = dlc.constant dense<[1.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, 3.000000e+00]> : tensor<5xf32>
// CHECK: %[[A:.*]] = dlc.add %arg0, %[[B]] : (tensor<4x5xf32>, tensor<5xf32>) -> tensor<4x5xf32>
// CHECK: %[[S:.*]]:3 = dlc.split %[[A]] {axis = 1 : i64}
// CHECK-NOT: dlc.add
// CHECK: return %[[S]]#0, %[[S]]#1, %[[S]]#2
func.func @bias_pieces(%x: tensor<4x5xf32>) -> (tensor<4x2xf32>, tensor<4x1xf32>, tensor<4x2xf32>) {
  %b0 = dlc.constant dense<1.0> : tensor<2xf32>
  %b1 = dlc.constant dense<2.0> : tensor<1xf32>
  %b2 = dlc.constant dense<3.0> : tensor<2xf32>
  %p:3 = dlc.split %x {axis = 1 : i64} : (tensor<4x5xf32>) -> (tensor<4x2xf32>, tensor<4x1xf32>, tensor<4x2xf32>)
  %0 = dlc.add %p#0, %b0 : (tensor<4x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  %1 = dlc.add %b1, %p#1 : (tensor<1xf32>, tensor<4x1xf32>) -> tensor<4x1xf32>
  %2 = dlc.add %p#2, %b2 : (tensor<4x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  return %0, %1, %2 : tensor<4x2xf32>, tensor<4x1xf32>, tensor<4x2xf32>
}

// -----

// Left alone: a piece without a bias add, a bias that is not a constant, a
// split on another axis, and a bias that broadcasts over rows.
// CHECK-LABEL: func.func @bias_not_everywhere
// CHECK: dlc.split %arg0
// CHECK-LABEL: func.func @bias_not_constant
// CHECK: dlc.split %arg0
// CHECK-LABEL: func.func @bias_other_axis
// CHECK: dlc.split %arg0
// CHECK-LABEL: func.func @bias_per_row
// CHECK: dlc.split %arg0
func.func @bias_not_everywhere(%x: tensor<4x4xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>) {
  %b = dlc.constant dense<1.0> : tensor<2xf32>
  %p:2 = dlc.split %x {axis = 1 : i64} : (tensor<4x4xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>)
  %0 = dlc.add %p#0, %b : (tensor<4x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  return %0, %p#1 : tensor<4x2xf32>, tensor<4x2xf32>
}
func.func @bias_not_constant(%x: tensor<4x4xf32>, %b: tensor<2xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>) {
  %c = dlc.constant dense<1.0> : tensor<2xf32>
  %p:2 = dlc.split %x {axis = 1 : i64} : (tensor<4x4xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>)
  %0 = dlc.add %p#0, %c : (tensor<4x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  %1 = dlc.add %p#1, %b : (tensor<4x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  return %0, %1 : tensor<4x2xf32>, tensor<4x2xf32>
}
func.func @bias_other_axis(%x: tensor<4x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %b = dlc.constant dense<1.0> : tensor<4xf32>
  %p:2 = dlc.split %x {axis = 0 : i64} : (tensor<4x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>)
  %0 = dlc.add %p#0, %b : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %1 = dlc.add %p#1, %b : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0, %1 : tensor<2x4xf32>, tensor<2x4xf32>
}
func.func @bias_per_row(%x: tensor<4x4xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>) {
  %b = dlc.constant dense<1.0> : tensor<4x1xf32>
  %p:2 = dlc.split %x {axis = 1 : i64} : (tensor<4x4xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>)
  %0 = dlc.add %p#0, %b : (tensor<4x2xf32>, tensor<4x1xf32>) -> tensor<4x2xf32>
  %1 = dlc.add %p#1, %b : (tensor<4x2xf32>, tensor<4x1xf32>) -> tensor<4x2xf32>
  return %0, %1 : tensor<4x2xf32>, tensor<4x2xf32>
}
