// RUN: dlc-opt %s --split-input-file --convert-dlc-to-linalg | FileCheck %s

// Broadcasting: a lower-rank operand is aligned to the trailing dims.
// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @add_broadcast
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<3xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[ID2]], #[[ROW]], #[[ID2]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[A]], %[[B]] : tensor<2x3xf32>, tensor<3xf32>) outs(%[[E]] : tensor<2x3xf32>)
// CHECK: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[X]], %[[Y]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK: return %[[R]]
func.func @add_broadcast(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = dlc.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Size-1 dims read index 0; a rank-0 operand has an empty map.
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-DAG: #[[ROW0:.*]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @mul_sub_int
// CHECK-SAME: (%[[A:.*]]: tensor<4x1xi32>, %[[B:.*]]: tensor<1x3xi32>, %[[C:.*]]: tensor<i32>)
// CHECK: %[[M:.*]] = linalg.generic {indexing_maps = [#[[COL]], #[[ROW0]], #[[ID]]]
// CHECK-SAME: ins(%[[A]], %[[B]] : tensor<4x1xi32>, tensor<1x3xi32>)
// CHECK: arith.muli
// CHECK: %[[S:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[SCALAR]], #[[ID]]]
// CHECK-SAME: ins(%[[M]], %[[C]] : tensor<4x3xi32>, tensor<i32>)
// CHECK: arith.subi
// CHECK: return %[[S]]
func.func @mul_sub_int(%a: tensor<4x1xi32>, %b: tensor<1x3xi32>, %c: tensor<i32>) -> tensor<4x3xi32> {
  %0 = dlc.mul %a, %b : (tensor<4x1xi32>, tensor<1x3xi32>) -> tensor<4x3xi32>
  %1 = dlc.sub %0, %c : (tensor<4x3xi32>, tensor<i32>) -> tensor<4x3xi32>
  return %1 : tensor<4x3xi32>
}

// -----

// f16 is computed in f32 and rounded once.
// CHECK-LABEL: func.func @add_f16
// CHECK: ^bb0(%[[X:.*]]: f16, %[[Y:.*]]: f16, %{{.*}}: f16):
// CHECK-NEXT: %[[XE:.*]] = arith.extf %[[X]] : f16 to f32
// CHECK-NEXT: %[[YE:.*]] = arith.extf %[[Y]] : f16 to f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[XE]], %[[YE]] : f32
// CHECK-NEXT: %[[T:.*]] = arith.truncf %[[S]] : f32 to f16
// CHECK-NEXT: linalg.yield %[[T]] : f16
func.func @add_f16(%a: tensor<4xf16>, %b: tensor<4xf16>) -> tensor<4xf16> {
  %0 = dlc.add %a, %b : (tensor<4xf16>, tensor<4xf16>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// Integer division truncates (divsi); float division is divf.
// CHECK-LABEL: func.func @div
// CHECK: arith.divsi %{{.*}}, %{{.*}} : i64
// CHECK: arith.divf %{{.*}}, %{{.*}} : f64
func.func @div(%a: tensor<3xi64>, %b: tensor<3xi64>, %c: tensor<3xf64>) -> (tensor<3xi64>, tensor<3xf64>) {
  %0 = dlc.div %a, %b : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  %1 = dlc.div %c, %c : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
  return %0, %1 : tensor<3xi64>, tensor<3xf64>
}

// -----

// CHECK-LABEL: func.func @unary_float
// CHECK: math.sqrt
// CHECK: math.exp
// CHECK: math.log
// CHECK: arith.negf
// CHECK: math.absf
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: arith.divf %[[ONE]], %{{.*}} : f32
// CHECK: math.tanh
// CHECK: math.erf
func.func @unary_float(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = dlc.sqrt %x : (tensor<4xf32>) -> tensor<4xf32>
  %1 = dlc.exp %0 : (tensor<4xf32>) -> tensor<4xf32>
  %2 = dlc.log %1 : (tensor<4xf32>) -> tensor<4xf32>
  %3 = dlc.neg %2 : (tensor<4xf32>) -> tensor<4xf32>
  %4 = dlc.abs %3 : (tensor<4xf32>) -> tensor<4xf32>
  %5 = dlc.reciprocal %4 : (tensor<4xf32>) -> tensor<4xf32>
  %6 = dlc.tanh %5 : (tensor<4xf32>) -> tensor<4xf32>
  %7 = dlc.erf %6 : (tensor<4xf32>) -> tensor<4xf32>
  return %7 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @relu
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[R:.*]] = arith.maximumf %[[X]], %[[Z]] : f32
// CHECK-NEXT: linalg.yield %[[R]]
// CHECK: ^bb0(%[[I:.*]]: i8, %{{.*}}: i8):
// CHECK-NEXT: %[[ZI:.*]] = arith.constant 0 : i8
// CHECK-NEXT: %[[RI:.*]] = arith.maxsi %[[I]], %[[ZI]] : i8
// CHECK-NEXT: linalg.yield %[[RI]]
func.func @relu(%x: tensor<4xf32>, %y: tensor<4xi8>) -> (tensor<4xf32>, tensor<4xi8>) {
  %0 = dlc.relu %x : (tensor<4xf32>) -> tensor<4xf32>
  %1 = dlc.relu %y : (tensor<4xi8>) -> tensor<4xi8>
  return %0, %1 : tensor<4xf32>, tensor<4xi8>
}

// -----

// CHECK-LABEL: func.func @neg_abs_int
// CHECK: ^bb0(%[[X:.*]]: i32, %{{.*}}: i32):
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0 : i32
// CHECK-NEXT: arith.subi %[[Z]], %[[X]] : i32
// CHECK: math.absi %{{.*}} : i32
func.func @neg_abs_int(%x: tensor<4xi32>) -> tensor<4xi32> {
  %0 = dlc.neg %x : (tensor<4xi32>) -> tensor<4xi32>
  %1 = dlc.abs %0 : (tensor<4xi32>) -> tensor<4xi32>
  return %1 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @sigmoid
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[N:.*]] = arith.negf %[[X]] : f32
// CHECK-NEXT: %[[E:.*]] = math.exp %[[N]] : f32
// CHECK-NEXT: %[[D:.*]] = arith.addf %[[ONE]], %[[E]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.divf %[[ONE]], %[[D]] : f32
// CHECK-NEXT: linalg.yield %[[R]]
func.func @sigmoid(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = dlc.sigmoid %x : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// x < 0 ? alpha * x : x
// CHECK-LABEL: func.func @leaky_relu
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[A:.*]] = arith.constant 2.000000e-01 : f32
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[NEG:.*]] = arith.cmpf olt, %[[X]], %[[Z]] : f32
// CHECK-NEXT: %[[AX:.*]] = arith.mulf %[[A]], %[[X]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.select %[[NEG]], %[[AX]], %[[X]] : f32
// CHECK-NEXT: linalg.yield %[[R]]
func.func @leaky_relu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = dlc.leaky_relu %x {alpha = 0.2 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Exact gelu: 0.5 x (1 + erf(x / sqrt(2))).
// CHECK-LABEL: func.func @gelu_exact
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-DAG: %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[R2:.*]] = arith.constant 0.707106769 : f32
// CHECK: %[[S:.*]] = arith.mulf %[[X]], %[[R2]] : f32
// CHECK-NEXT: %[[E:.*]] = math.erf %[[S]] : f32
// CHECK-NEXT: %[[HX:.*]] = arith.mulf %[[HALF]], %[[X]] : f32
// CHECK-NEXT: %[[P:.*]] = arith.addf %[[ONE]], %[[E]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.mulf %[[HX]], %[[P]] : f32
// CHECK-NEXT: linalg.yield %[[R]]
func.func @gelu_exact(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = dlc.gelu %x : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// tanh gelu: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
// CHECK-LABEL: func.func @gelu_tanh
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[X2:.*]] = arith.mulf %[[X]], %[[X]] : f32
// CHECK-NEXT: %[[X3:.*]] = arith.mulf %[[X2]], %[[X]] : f32
// CHECK-NEXT: %[[C:.*]] = arith.constant 4.471500e-02 : f32
// CHECK-NEXT: %[[CX3:.*]] = arith.mulf %[[C]], %[[X3]] : f32
// CHECK-NEXT: %[[POLY:.*]] = arith.addf %[[X]], %[[CX3]] : f32
// CHECK-NEXT: %[[K:.*]] = arith.constant 0.797884583 : f32
// CHECK-NEXT: %[[ARG:.*]] = arith.mulf %[[K]], %[[POLY]] : f32
// CHECK-NEXT: %[[T:.*]] = math.tanh %[[ARG]] : f32
// CHECK: linalg.yield
func.func @gelu_tanh(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = dlc.gelu %x {approximate = "tanh"} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Absent bounds are unbounded; integer bounds come from the f64 attributes.
// CHECK-LABEL: func.func @clip
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[LO:.*]] = arith.constant -1.000000e+00 : f32
// CHECK-NEXT: %[[A:.*]] = arith.maximumf %[[X]], %[[LO]] : f32
// CHECK-NEXT: %[[HI:.*]] = arith.constant 6.000000e+00 : f32
// CHECK-NEXT: %[[B:.*]] = arith.minimumf %[[A]], %[[HI]] : f32
// CHECK-NEXT: linalg.yield %[[B]]
// CHECK: ^bb0(%[[I:.*]]: i32, %{{.*}}: i32):
// CHECK-NEXT: %[[IHI:.*]] = arith.constant 5 : i32
// CHECK-NEXT: %[[IB:.*]] = arith.minsi %[[I]], %[[IHI]] : i32
// CHECK-NEXT: linalg.yield %[[IB]]
func.func @clip(%x: tensor<4xf32>, %y: tensor<4xi32>) -> (tensor<4xf32>, tensor<4xi32>) {
  %0 = dlc.clip %x {min = -1.0 : f64, max = 6.0 : f64} : (tensor<4xf32>) -> tensor<4xf32>
  %1 = dlc.clip %y {max = 5.5 : f64} : (tensor<4xi32>) -> tensor<4xi32>
  return %0, %1 : tensor<4xf32>, tensor<4xi32>
}

// -----

// ONNX Cast semantics.
// CHECK-LABEL: func.func @cast_float_int
// CHECK: arith.fptosi %{{.*}} : f32 to i32
// CHECK: arith.sitofp %{{.*}} : i32 to f64
// CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f64
// CHECK-NEXT: arith.cmpf une, %{{.*}}, %[[Z]] : f64
// CHECK: arith.uitofp %{{.*}} : i1 to f16
func.func @cast_float_int(%x: tensor<4xf32>) -> tensor<4xf16> {
  %0 = dlc.cast %x : (tensor<4xf32>) -> tensor<4xi32>
  %1 = dlc.cast %0 : (tensor<4xi32>) -> tensor<4xf64>
  %2 = dlc.cast %1 : (tensor<4xf64>) -> tensor<4xi1>
  %3 = dlc.cast %2 : (tensor<4xi1>) -> tensor<4xf16>
  return %3 : tensor<4xf16>
}

// -----

// CHECK-LABEL: func.func @cast_int_int
// CHECK: arith.extsi %{{.*}} : i8 to i64
// CHECK: arith.trunci %{{.*}} : i64 to i16
// CHECK: %[[Z:.*]] = arith.constant 0 : i16
// CHECK-NEXT: arith.cmpi ne, %{{.*}}, %[[Z]] : i16
// CHECK: arith.extui %{{.*}} : i1 to i32
func.func @cast_int_int(%x: tensor<4xi8>) -> tensor<4xi32> {
  %0 = dlc.cast %x : (tensor<4xi8>) -> tensor<4xi64>
  %1 = dlc.cast %0 : (tensor<4xi64>) -> tensor<4xi16>
  %2 = dlc.cast %1 : (tensor<4xi16>) -> tensor<4xi1>
  %3 = dlc.cast %2 : (tensor<4xi1>) -> tensor<4xi32>
  return %3 : tensor<4xi32>
}

// -----

// f16 -> bf16 goes through f32; rounding to bf16 is round-to-nearest-even
// in integer ops (no __truncsfbf2 libcall), NaN stays a quiet NaN.
// CHECK-LABEL: func.func @cast_float_float
// CHECK: arith.extf %{{.*}} : f16 to f64
// CHECK: arith.truncf %{{.*}} : f64 to f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: %[[W:.*]] = arith.extf %{{.*}} : f16 to f32
// CHECK-NEXT: %[[BITS:.*]] = arith.bitcast %[[W]] : f32 to i32
// CHECK: %[[SUM:.*]] = arith.addi %[[BITS]], %{{.*}} : i32
// CHECK-NEXT: %[[HI:.*]] = arith.shrui %[[SUM]], %{{.*}} : i32
// CHECK-NEXT: %[[NARROW:.*]] = arith.trunci %[[HI]] : i32 to i16
// CHECK-NEXT: %[[NAN:.*]] = arith.cmpf uno, %[[W]], %[[W]] : f32
// CHECK-NEXT: %[[QNAN:.*]] = arith.constant 32704 : i16
// CHECK-NEXT: %[[SEL:.*]] = arith.select %[[NAN]], %[[QNAN]], %[[NARROW]] : i16
// CHECK-NEXT: %[[BF:.*]] = arith.bitcast %[[SEL]] : i16 to bf16
// CHECK-NEXT: linalg.yield %[[BF]] : bf16
func.func @cast_float_float(%x: tensor<4xf16>) -> tensor<4xbf16> {
  %0 = dlc.cast %x : (tensor<4xf16>) -> tensor<4xf64>
  %1 = dlc.cast %0 : (tensor<4xf64>) -> tensor<4xf32>
  %2 = dlc.cast %1 : (tensor<4xf32>) -> tensor<4xf16>
  %3 = dlc.cast %2 : (tensor<4xf16>) -> tensor<4xbf16>
  return %3 : tensor<4xbf16>
}

// -----

// Float pow is math.powf; an integer exponent is converted first.
// CHECK-LABEL: func.func @pow_float
// CHECK: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: i32, %{{.*}}: f32):
// CHECK-NEXT: %[[YF:.*]] = arith.sitofp %[[Y]] : i32 to f32
// CHECK-NEXT: %[[P:.*]] = math.powf %[[X]], %[[YF]] : f32
// CHECK-NEXT: linalg.yield %[[P]]
func.func @pow_float(%x: tensor<4xf32>, %y: tensor<4xi32>) -> tensor<4xf32> {
  %0 = dlc.pow %x, %y : (tensor<4xf32>, tensor<4xi32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Integer pow: binary exponentiation, no float round trip.
// CHECK-LABEL: func.func @pow_int
// CHECK: ^bb0(%[[X:.*]]: i64, %[[Y:.*]]: i64, %{{.*}}: i64):
// CHECK-NOT: math.powf
// CHECK: arith.muli
// CHECK: arith.select
// CHECK: linalg.yield
func.func @pow_int(%x: tensor<4xi64>, %y: tensor<4xi64>) -> tensor<4xi64> {
  %0 = dlc.pow %x, %y : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

// Integer base, float exponent: computed in f64, truncated back.
// CHECK-LABEL: func.func @pow_int_float
// CHECK: ^bb0(%[[X:.*]]: i32, %[[Y:.*]]: f32, %{{.*}}: i32):
// CHECK-NEXT: %[[XF:.*]] = arith.sitofp %[[X]] : i32 to f64
// CHECK-NEXT: %[[YF:.*]] = arith.extf %[[Y]] : f32 to f64
// CHECK-NEXT: %[[P:.*]] = math.powf %[[XF]], %[[YF]] : f64
// CHECK-NEXT: %[[R:.*]] = arith.fptosi %[[P]] : f64 to i32
// CHECK-NEXT: linalg.yield %[[R]]
func.func @pow_int_float(%x: tensor<4xi32>, %y: tensor<4xf32>) -> tensor<4xi32> {
  %0 = dlc.pow %x, %y : (tensor<4xi32>, tensor<4xf32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @compare
// CHECK: arith.cmpf oeq, %{{.*}}, %{{.*}} : f32
// CHECK: linalg.yield %{{.*}} : i1
// CHECK: arith.cmpi slt, %{{.*}}, %{{.*}} : i32
// CHECK: arith.cmpf ogt, %{{.*}}, %{{.*}} : f32
// CHECK: arith.cmpi eq, %{{.*}}, %{{.*}} : i1
func.func @compare(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %c: tensor<3xi32>, %d: tensor<3xi1>) -> (tensor<2x3xi1>, tensor<3xi1>, tensor<2x3xi1>, tensor<3xi1>) {
  %0 = dlc.equal %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %1 = dlc.less %c, %c : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi1>
  %2 = dlc.greater %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %3 = dlc.equal %d, %d : (tensor<3xi1>, tensor<3xi1>) -> tensor<3xi1>
  return %0, %1, %2, %3 : tensor<2x3xi1>, tensor<3xi1>, tensor<2x3xi1>, tensor<3xi1>
}

// -----

// CHECK-DAG: #[[COND:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[XMAP:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-DAG: #[[YMAP:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @where
// CHECK-SAME: (%[[C:.*]]: tensor<3xi1>, %[[X:.*]]: tensor<2x1xf32>, %[[Y:.*]]: tensor<f32>)
// CHECK: linalg.generic {indexing_maps = [#[[COND]], #[[XMAP]], #[[YMAP]], #[[OUT]]]
// CHECK-SAME: ins(%[[C]], %[[X]], %[[Y]] : tensor<3xi1>, tensor<2x1xf32>, tensor<f32>) outs(%{{.*}} : tensor<2x3xf32>)
// CHECK: ^bb0(%[[CS:.*]]: i1, %[[XS:.*]]: f32, %[[YS:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[R:.*]] = arith.select %[[CS]], %[[XS]], %[[YS]] : f32
// CHECK-NEXT: linalg.yield %[[R]]
func.func @where(%c: tensor<3xi1>, %x: tensor<2x1xf32>, %y: tensor<f32>) -> tensor<2x3xf32> {
  %0 = dlc.where %c, %x, %y : (tensor<3xi1>, tensor<2x1xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// constant -> arith.constant; identity and dropout forward their input.
// CHECK-LABEL: func.func @constant_identity_dropout
// CHECK-SAME: (%[[X:.*]]: tensor<3xf32>)
// CHECK-NOT: dlc.
// CHECK: %[[C:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>
// CHECK: %[[S:.*]] = linalg.generic
// CHECK-SAME: ins(%[[X]], %[[C]] : tensor<3xf32>, tensor<3xf32>)
// CHECK: return %[[S]]
func.func @constant_identity_dropout(%x: tensor<3xf32>) -> tensor<3xf32> {
  %c = dlc.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %0 = dlc.identity %x : (tensor<3xf32>) -> tensor<3xf32>
  %1 = dlc.dropout %0 : (tensor<3xf32>) -> tensor<3xf32>
  %2 = dlc.add %1, %c : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %2 : tensor<3xf32>
}

// -----

// Unsigned tensors become signless ones of the same width (same bytes, the
// signature too); div, compares and clip take their unsigned forms, and
// clip's bound 200 is in ui8's range (the i8 bits of 200 are -56).
// CHECK-LABEL: func.func @unsigned_ops
// CHECK-SAME: (%[[A:.*]]: tensor<4xi8>, %[[B:.*]]: tensor<4xi8>) -> (tensor<4xi8>, tensor<4xi1>, tensor<4xi1>, tensor<4xi8>)
// CHECK: %[[D:.*]] = linalg.generic
// CHECK-SAME: ins(%[[A]], %[[B]] : tensor<4xi8>, tensor<4xi8>)
// CHECK: ^bb0(%[[X:.*]]: i8, %[[Y:.*]]: i8, %{{.*}}: i8):
// CHECK-NEXT: %[[Q:.*]] = arith.divui %[[X]], %[[Y]] : i8
// CHECK: %[[LT:.*]] = linalg.generic
// CHECK: arith.cmpi ult, %{{.*}}, %{{.*}} : i8
// CHECK: %[[GT:.*]] = linalg.generic
// CHECK: arith.cmpi ugt, %{{.*}}, %{{.*}} : i8
// CHECK: %[[C:.*]] = linalg.generic
// CHECK: %[[LO:.*]] = arith.constant 10 : i8
// CHECK-NEXT: %[[MAX:.*]] = arith.maxui %{{.*}}, %[[LO]] : i8
// CHECK-NEXT: %[[HI:.*]] = arith.constant -56 : i8
// CHECK-NEXT: arith.minui %[[MAX]], %[[HI]] : i8
// CHECK: return %[[D]], %[[LT]], %[[GT]], %[[C]]
func.func @unsigned_ops(%a: tensor<4xui8>, %b: tensor<4xui8>) -> (tensor<4xui8>, tensor<4xi1>, tensor<4xi1>, tensor<4xui8>) {
  %0 = dlc.div %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %1 = dlc.less %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xi1>
  %2 = dlc.greater %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xi1>
  %3 = dlc.clip %a {min = 10.0 : f64, max = 200.0 : f64} : (tensor<4xui8>) -> tensor<4xui8>
  return %0, %1, %2, %3 : tensor<4xui8>, tensor<4xi1>, tensor<4xi1>, tensor<4xui8>
}

// -----

// Casts from unsigned zero-extend (extui, uitofp), casts to unsigned take
// fptoui; a float base's unsigned exponent converts with uitofp.
// CHECK-LABEL: func.func @unsigned_casts_pow
// CHECK-SAME: (%[[A:.*]]: tensor<3xi16>, %[[F:.*]]: tensor<3xf32>, %[[E:.*]]: tensor<3xi32>) -> (tensor<3xi32>, tensor<3xf32>, tensor<3xi16>, tensor<3xf32>)
// CHECK: ^bb0(%[[X:.*]]: i16, %{{.*}}: i32):
// CHECK-NEXT: arith.extui %[[X]] : i16 to i32
// CHECK: ^bb0(%[[X2:.*]]: i16, %{{.*}}: f32):
// CHECK-NEXT: arith.uitofp %[[X2]] : i16 to f32
// CHECK: ^bb0(%[[Y:.*]]: f32, %{{.*}}: i16):
// CHECK-NEXT: arith.fptoui %[[Y]] : f32 to i16
// CHECK: ^bb0(%[[B:.*]]: f32, %[[P:.*]]: i32, %{{.*}}: f32):
// CHECK-NEXT: %[[PF:.*]] = arith.uitofp %[[P]] : i32 to f32
// CHECK-NEXT: math.powf %[[B]], %[[PF]] : f32
func.func @unsigned_casts_pow(%a: tensor<3xui16>, %f: tensor<3xf32>, %e: tensor<3xui32>) -> (tensor<3xi32>, tensor<3xf32>, tensor<3xui16>, tensor<3xf32>) {
  %0 = dlc.cast %a : (tensor<3xui16>) -> tensor<3xi32>
  %1 = dlc.cast %a : (tensor<3xui16>) -> tensor<3xf32>
  %2 = dlc.cast %f : (tensor<3xf32>) -> tensor<3xui16>
  %3 = dlc.pow %f, %e : (tensor<3xf32>, tensor<3xui32>) -> tensor<3xf32>
  return %0, %1, %2, %3 : tensor<3xi32>, tensor<3xf32>, tensor<3xui16>, tensor<3xf32>
}

// -----

// An unsigned constant keeps its bits; calls and private kernels are
// converted with their callers, so the bare-pointer ABI is unchanged.
// CHECK-LABEL: func.func private @kernel
// CHECK-SAME: (%{{.*}}: tensor<2xi8>) -> tensor<2xi8>
// CHECK-LABEL: func.func @graph
// CHECK-SAME: () -> tensor<2xi8>
// CHECK: %[[C:.*]] = arith.constant dense<[1, -1]> : tensor<2xi8>
// CHECK: %[[R:.*]] = call @kernel(%[[C]]) : (tensor<2xi8>) -> tensor<2xi8>
// CHECK: return %[[R]] : tensor<2xi8>
func.func private @kernel(%x: tensor<2xui8>) -> tensor<2xui8> {
  %0 = dlc.add %x, %x : (tensor<2xui8>, tensor<2xui8>) -> tensor<2xui8>
  return %0 : tensor<2xui8>
}
func.func @graph() -> tensor<2xui8> {
  %c = dlc.constant dense<[1, 255]> : tensor<2xui8>
  %0 = call @kernel(%c) : (tensor<2xui8>) -> tensor<2xui8>
  return %0 : tensor<2xui8>
}
