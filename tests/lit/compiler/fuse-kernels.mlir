// RUN: dlc-opt %s --split-input-file --dlc-fuse-kernels | FileCheck %s
// RUN: dlc-opt %s --split-input-file --dlc-fuse-kernels=matmul-layouts=true | FileCheck %s --check-prefix=LAYOUT

// Conv epilogue: bias add, residual add and relu join the conv's chain.
// CHECK-LABEL: func.func @conv_epilogue
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x4xf32>, %[[W:.*]]: tensor<2x2x1x1xf32>, %[[B:.*]]: tensor<2x1x1xf32>)
// CHECK: %[[K:.*]] = dlc.kernel "conv+add+add+relu"(%[[X]], %[[W]], %[[B]])
// CHECK-NEXT: ^bb0(%[[KX:.*]]: tensor<1x2x4x4xf32>, %[[KW:.*]]: tensor<2x2x1x1xf32>, %[[KB:.*]]: tensor<2x1x1xf32>):
// CHECK-NEXT: %[[C:.*]] = dlc.conv %[[KX]], %[[KW]]
// CHECK-NEXT: %[[A:.*]] = dlc.add %[[C]], %[[KB]]
// CHECK-NEXT: %[[S:.*]] = dlc.add %[[A]], %[[KX]]
// CHECK-NEXT: %[[R:.*]] = dlc.relu %[[S]]
// CHECK-NEXT: dlc.yield %[[R]]
// CHECK: return %[[K]]
func.func @conv_epilogue(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>, %b: tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32> attributes {dlc.graph} {
  %0 = dlc.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = dlc.add %0, %b : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %2 = dlc.add %1, %x : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %3 = dlc.relu %2 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %3 : tensor<1x2x4x4xf32>
}

// -----

// A value used twice ends its chain: the exp starts a new one, and a graph
// output is never fused away.
// CHECK-LABEL: func.func @shared_value
// CHECK: %[[M:.*]] = dlc.matmul
// CHECK: %[[K:.*]] = dlc.kernel "exp+neg"(%[[M]])
// CHECK: %[[T:.*]] = dlc.tanh %[[M]]
// CHECK: return %[[K]], %[[T]]
func.func @shared_value(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) attributes {dlc.graph} {
  %0 = dlc.matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %1 = dlc.exp %0 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %2 = dlc.neg %1 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %3 = dlc.tanh %0 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %2, %3 : tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

// Reductions and matmuls never join another chain (only elementwise ops and
// reshapes do), and functions without dlc.graph are left alone.
// CHECK-LABEL: func.func @anchors
// CHECK: %[[S:.*]] = dlc.softmax
// CHECK: %[[M:.*]] = dlc.kernel "matmul+reshape"(%[[S]], %{{.*}})
// CHECK-LABEL: func.func @not_graph
// CHECK-NOT: dlc.kernel
func.func @anchors(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<8xf32> attributes {dlc.graph} {
  %0 = dlc.softmax %a {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = dlc.matmul %0, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %2 = dlc.reshape %1 : (tensor<2x4xf32>) -> tensor<8xf32>
  return %2 : tensor<8xf32>
}
func.func @not_graph(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = dlc.exp %a : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = dlc.neg %0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// A split ends the chain of the op it cuts (merged sibling convs): one
// kernel yields every piece.
// CHECK-LABEL: func.func @split_tail
// CHECK: %[[K:.*]]:2 = dlc.kernel "conv+relu+split"
// CHECK: %[[S:.*]]:2 = dlc.split
// CHECK-NEXT: dlc.yield %[[S]]#0, %[[S]]#1
// CHECK: %[[T:.*]] = dlc.tanh %[[K]]#1
// CHECK: return %[[K]]#0, %[[T]]
func.func @split_tail(%x: tensor<1x2x4x4xf32>, %w: tensor<3x2x1x1xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x2x4x4xf32>) attributes {dlc.graph} {
  %0 = dlc.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<3x2x1x1xf32>) -> tensor<1x3x4x4xf32>
  %1 = dlc.relu %0 : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  %2:2 = dlc.split %1 {axis = 1 : i64} : (tensor<1x3x4x4xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x2x4x4xf32>)
  %3 = dlc.tanh %2#1 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %2#0, %3 : tensor<1x1x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// An integer contraction's activation prologue (8-bit -> i32 cast, zero-point
// sub) leads the contraction's kernel instead of ending the producer's: the
// tensor between the kernels stays ui8.
// CHECK-LABEL: func.func @int8_prologue
// CHECK: %[[Q:.*]] = dlc.quantize_linear
// CHECK-NOT: dlc.kernel "quantize_linear+cast
// CHECK: dlc.kernel "cast+sub+matmul+cast+mul+quantize_linear"(%[[Q]],
func.func @int8_prologue(%x: tensor<2x3xf32>) -> tensor<2x4xui8> attributes {dlc.graph} {
  %s = dlc.constant dense<0.5> : tensor<f32>
  %z = dlc.constant dense<3> : tensor<ui8>
  %zi = dlc.constant dense<3> : tensor<i32>
  %w = dlc.constant dense<1> : tensor<3x4xi32>
  %m = dlc.constant dense<0.25> : tensor<f64>
  %one = dlc.constant dense<1.0> : tensor<f64>
  %q = dlc.quantize_linear %x, %s, %z : (tensor<2x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x3xui8>
  %qi = dlc.cast %q : (tensor<2x3xui8>) -> tensor<2x3xi32>
  %c = dlc.sub %qi, %zi : (tensor<2x3xi32>, tensor<i32>) -> tensor<2x3xi32>
  %acc = dlc.matmul %c, %w : (tensor<2x3xi32>, tensor<3x4xi32>) -> tensor<2x4xi32>
  %f = dlc.cast %acc : (tensor<2x4xi32>) -> tensor<2x4xf64>
  %r = dlc.mul %f, %m : (tensor<2x4xf64>, tensor<f64>) -> tensor<2x4xf64>
  %y = dlc.quantize_linear %r, %one, %z {axis = 0 : i64} : (tensor<2x4xf64>, tensor<f64>, tensor<ui8>) -> tensor<2x4xui8>
  return %y : tensor<2x4xui8>
}

// -----

// Two integer convs read one quantized tensor through one cast (CSE merged
// their prologues): each gets its own copy, so both kernels start at the
// 8-bit tensor.
// CHECK-LABEL: func.func @int8_shared_prologue
// CHECK-SAME: (%[[Q:.*]]: tensor<1x2x4x4xui8>)
// CHECK: dlc.kernel "cast+conv+cast+mul+quantize_linear"(%[[Q]],
// CHECK: dlc.kernel "cast+conv+cast+mul+quantize_linear"(%[[Q]],
func.func @int8_shared_prologue(%q: tensor<1x2x4x4xui8>) -> (tensor<1x2x4x4xui8>, tensor<1x2x2x2xui8>) attributes {dlc.graph} {
  %w = dlc.constant dense<1> : tensor<2x2x1x1xi32>
  %m = dlc.constant dense<0.25> : tensor<f64>
  %one = dlc.constant dense<1.0> : tensor<f64>
  %z = dlc.constant dense<0> : tensor<ui8>
  %qi = dlc.cast %q : (tensor<1x2x4x4xui8>) -> tensor<1x2x4x4xi32>
  %a = dlc.conv %qi, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xi32>, tensor<2x2x1x1xi32>) -> tensor<1x2x4x4xi32>
  %af = dlc.cast %a : (tensor<1x2x4x4xi32>) -> tensor<1x2x4x4xf64>
  %am = dlc.mul %af, %m : (tensor<1x2x4x4xf64>, tensor<f64>) -> tensor<1x2x4x4xf64>
  %ay = dlc.quantize_linear %am, %one, %z {axis = 0 : i64} : (tensor<1x2x4x4xf64>, tensor<f64>, tensor<ui8>) -> tensor<1x2x4x4xui8>
  %b = dlc.conv %qi, %w {strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xi32>, tensor<2x2x1x1xi32>) -> tensor<1x2x2x2xi32>
  %bf = dlc.cast %b : (tensor<1x2x2x2xi32>) -> tensor<1x2x2x2xf64>
  %bm = dlc.mul %bf, %m : (tensor<1x2x2x2xf64>, tensor<f64>) -> tensor<1x2x2x2xf64>
  %by = dlc.quantize_linear %bm, %one, %z {axis = 0 : i64} : (tensor<1x2x2x2xf64>, tensor<f64>, tensor<ui8>) -> tensor<1x2x2x2xui8>
  return %ay, %by : tensor<1x2x4x4xui8>, tensor<1x2x2x2xui8>
}

// -----

// Attention heads (matmul-layouts): the reshapes and transposes that split
// Q and K into heads lead the scores matmul's kernel (both prologues, in
// program order), the scale joins after it; the probabilities' matmul takes
// V's transpose in front and the head-merging transpose + reshape after.
// Without the option each transpose is its own kernel.
// CHECK-LABEL: func.func @attention
// CHECK-COUNT-4: dlc.transpose
// LAYOUT-LABEL: func.func @attention
// LAYOUT-SAME: (%[[Q:.*]]: tensor<2x8xf32>, %[[K:.*]]: tensor<2x8xf32>, %[[V:.*]]: tensor<2x8xf32>, %[[C:.*]]: tensor<f32>)
// LAYOUT: %[[S:.*]] = dlc.kernel "reshape+transpose+reshape+transpose+matmul+div"(%[[Q]], %[[K]], %[[C]])
// LAYOUT-NEXT: ^bb0(%[[KQ:.*]]: tensor<2x8xf32>, %[[KK:.*]]: tensor<2x8xf32>, %[[KC:.*]]: tensor<f32>):
// LAYOUT-NEXT: %[[RQ:.*]] = dlc.reshape %[[KQ]]
// LAYOUT-NEXT: %[[TQ:.*]] = dlc.transpose %[[RQ]] {perm = array<i64: 1, 0, 2>}
// LAYOUT-NEXT: %[[RK:.*]] = dlc.reshape %[[KK]]
// LAYOUT-NEXT: %[[TK:.*]] = dlc.transpose %[[RK]] {perm = array<i64: 1, 2, 0>}
// LAYOUT-NEXT: %[[M:.*]] = dlc.matmul %[[TQ]], %[[TK]]
// LAYOUT-NEXT: %[[D:.*]] = dlc.div %[[M]], %[[KC]]
// LAYOUT-NEXT: dlc.yield %[[D]]
// LAYOUT: %[[P:.*]] = dlc.softmax %[[S]]
// LAYOUT: %[[O:.*]] = dlc.kernel "reshape+transpose+matmul+transpose+reshape"(%[[V]], %[[P]])
// LAYOUT: return %[[O]]
func.func @attention(%q: tensor<2x8xf32>, %k: tensor<2x8xf32>, %v: tensor<2x8xf32>, %c: tensor<f32>) -> tensor<2x8xf32> attributes {dlc.graph} {
  %q0 = dlc.reshape %q : (tensor<2x8xf32>) -> tensor<2x2x4xf32>
  %q1 = dlc.transpose %q0 {perm = array<i64: 1, 0, 2>} : (tensor<2x2x4xf32>) -> tensor<2x2x4xf32>
  %k0 = dlc.reshape %k : (tensor<2x8xf32>) -> tensor<2x2x4xf32>
  %k1 = dlc.transpose %k0 {perm = array<i64: 1, 2, 0>} : (tensor<2x2x4xf32>) -> tensor<2x4x2xf32>
  %s = dlc.matmul %q1, %k1 : (tensor<2x2x4xf32>, tensor<2x4x2xf32>) -> tensor<2x2x2xf32>
  %d = dlc.div %s, %c : (tensor<2x2x2xf32>, tensor<f32>) -> tensor<2x2x2xf32>
  %p = dlc.softmax %d {axis = 2 : i64} : (tensor<2x2x2xf32>) -> tensor<2x2x2xf32>
  %v0 = dlc.reshape %v : (tensor<2x8xf32>) -> tensor<2x2x4xf32>
  %v1 = dlc.transpose %v0 {perm = array<i64: 1, 0, 2>} : (tensor<2x2x4xf32>) -> tensor<2x2x4xf32>
  %o = dlc.matmul %p, %v1 : (tensor<2x2x2xf32>, tensor<2x2x4xf32>) -> tensor<2x2x4xf32>
  %o1 = dlc.transpose %o {perm = array<i64: 1, 0, 2>} : (tensor<2x2x4xf32>) -> tensor<2x2x4xf32>
  %o2 = dlc.reshape %o1 : (tensor<2x2x4xf32>) -> tensor<2x8xf32>
  return %o2 : tensor<2x8xf32>
}
