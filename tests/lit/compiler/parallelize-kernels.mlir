// RUN: dlc-opt %s --split-input-file --dlc-parallelize-kernels="min-work=1000" | FileCheck %s

// An elementwise nest: its buffers go through a stack array of pointers,
// the body function rebuilds them and runs rows [begin, end) of dim 0.
// CHECK-LABEL: func.func @k0_add
// CHECK-SAME: (%[[A:.*]]: memref<64x256xf32>, %[[B:.*]]: memref<64x256xf32>, %[[OUT:.*]]: memref<64x256xf32>)
// CHECK: %[[CTX:.*]] = llvm.alloca %{{.*}} x !llvm.array<3 x ptr>
// CHECK: %[[PA:.*]] = memref.extract_aligned_pointer_as_index %[[A]]
// CHECK: %[[IA:.*]] = arith.index_cast %[[PA]] : index to i64
// CHECK: %[[QA:.*]] = llvm.inttoptr %[[IA]]
// CHECK: %[[SA:.*]] = llvm.getelementptr %[[CTX]][0]
// CHECK: llvm.store %[[QA]], %[[SA]]
// CHECK: memref.extract_aligned_pointer_as_index %[[B]]
// CHECK: llvm.getelementptr %[[CTX]][1]
// CHECK: memref.extract_aligned_pointer_as_index %[[OUT]]
// CHECK: llvm.getelementptr %[[CTX]][2]
// CHECK: %[[COUNT:.*]] = arith.constant 64 : i64
// CHECK: %[[FN:.*]] = constant @k0_add_par0 : (index, index, !llvm.ptr) -> ()
// CHECK: call @dlc_rt_parallel_for(%[[COUNT]], %[[FN]], %[[CTX]])
// CHECK-NOT: scf.parallel
// CHECK: return
// CHECK-LABEL: func.func private @k0_add_par0
// CHECK-SAME: (%[[BEGIN:.*]]: index, %[[END:.*]]: index, %[[ARGS:.*]]: !llvm.ptr)
// CHECK-SAME: llvm.linkage = #llvm.linkage<internal>
// CHECK: %[[S0:.*]] = llvm.getelementptr %[[ARGS]][0]
// CHECK: %[[P0:.*]] = llvm.load %[[S0]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[M0:.*]] = builtin.unrealized_conversion_cast %{{.*}} : !llvm.struct<{{.*}}> to memref<64x256xf32>
// CHECK: %[[M1:.*]] = builtin.unrealized_conversion_cast %{{.*}} to memref<64x256xf32>
// CHECK: %[[M2:.*]] = builtin.unrealized_conversion_cast %{{.*}} to memref<64x256xf32>
// CHECK: %[[LO:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// CHECK: %[[HI0:.*]] = arith.addi
// CHECK: %[[HI:.*]] = arith.minsi %[[HI0]], %{{.*}} : index
// CHECK: scf.parallel (%[[I:.*]], %[[J:.*]]) = (%[[LO]], %{{.*}}) to (%[[HI]], %{{.*}})
// CHECK: memref.load %[[M0]][%[[I]], %[[J]]]
// CHECK: memref.load %[[M1]][%[[I]], %[[J]]]
// CHECK: memref.store %{{.*}}, %[[M2]][%[[I]], %[[J]]]
// CHECK: func.func private @dlc_rt_parallel_for(i64, (index, index, !llvm.ptr) -> (), !llvm.ptr)
func.func @k0_add(%a: memref<64x256xf32>, %b: memref<64x256xf32>, %out: memref<64x256xf32>) attributes {dlc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c256 = arith.constant 256 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c256) step (%c1, %c1) {
    %x = memref.load %a[%i, %j] : memref<64x256xf32>
    %y = memref.load %b[%i, %j] : memref<64x256xf32>
    %s = arith.addf %x, %y : f32
    memref.store %s, %out[%i, %j] : memref<64x256xf32>
    scf.reduce
  }
  return
}

// -----

// The split dimension is the outermost one with >= 16 iterations (here the
// last: dims of 1 and 12 come first), and a non-unit step maps iteration i
// to lb + i * step.
// CHECK-LABEL: func.func @k1_scale
// CHECK: %[[COUNT:.*]] = arith.constant 64 : i64
// CHECK: call @dlc_rt_parallel_for(%[[COUNT]]
// CHECK-LABEL: func.func private @k1_scale_par0
// CHECK-SAME: (%[[BEGIN:.*]]: index, %[[END:.*]]: index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C128:.*]] = arith.constant 128 : index
// CHECK: %[[OFF:.*]] = arith.muli %[[BEGIN]], %[[C2]]
// CHECK: %[[LO:.*]] = arith.addi %{{.*}}, %[[OFF]]
// CHECK: %[[OFF1:.*]] = arith.muli %[[END]], %[[C2]]
// CHECK: %[[HI0:.*]] = arith.addi %{{.*}}, %[[OFF1]]
// CHECK: %[[HI:.*]] = arith.minsi %[[HI0]], %[[C128]]
// CHECK: scf.parallel (%{{.*}}, %{{.*}}, %{{.*}}) = (%{{.*}}, %{{.*}}, %[[LO]]) to (%{{.*}}, %{{.*}}, %[[HI]]) step (%{{.*}}, %{{.*}}, %[[C2]])
func.func @k1_scale(%a: memref<1x12x128xf32>, %out: memref<1x12x128xf32>) attributes {dlc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c12 = arith.constant 12 : index
  %c128 = arith.constant 128 : index
  %k = arith.constant 3.0 : f32
  scf.parallel (%n, %c, %w) = (%c0, %c0, %c0) to (%c1, %c12, %c128) step (%c1, %c1, %c2) {
    %x = memref.load %a[%n, %c, %w] : memref<1x12x128xf32>
    %y = arith.mulf %x, %k : f32
    memref.store %y, %out[%n, %c, %w] : memref<1x12x128xf32>
    scf.reduce
  }
  return
}

// -----

// No dimension has 16 iterations: the longest one splits.
// CHECK-LABEL: func.func @k2_short
// CHECK: %[[COUNT:.*]] = arith.constant 12 : i64
// CHECK: call @dlc_rt_parallel_for(%[[COUNT]]
func.func @k2_short(%a: memref<4x12x8x8xf32>, %out: memref<4x12x8x8xf32>) attributes {dlc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c12 = arith.constant 12 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c12) step (%c1, %c1) {
    scf.for %k = %c0 to %c8 step %c1 {
      scf.for %l = %c0 to %c8 step %c1 {
        %x = memref.load %a[%i, %j, %k, %l] : memref<4x12x8x8xf32>
        %y = math.exp %x : f32
        memref.store %y, %out[%i, %j, %k, %l] : memref<4x12x8x8xf32>
      }
    }
    scf.reduce
  }
  return
}

// -----

// Views, globals and constants the nest uses are recomputed in the body;
// a temporary buffer (memref.alloc) is passed like the arguments. The
// reduction's inner scf.for counts its iterations towards min-work.
// CHECK-LABEL: func.func @k3_views
// CHECK-SAME: (%[[A:.*]]: memref<32x64xf32>, %[[OUT:.*]]: memref<32xf32>)
// CHECK: %[[TMP:.*]] = memref.alloc() : memref<32xf32>
// CHECK: llvm.alloca %{{.*}} x !llvm.array<3 x ptr>
// CHECK-DAG: memref.extract_aligned_pointer_as_index %[[A]]
// CHECK-DAG: memref.extract_aligned_pointer_as_index %[[TMP]]
// CHECK-DAG: memref.extract_aligned_pointer_as_index %[[OUT]]
// CHECK: call @dlc_rt_parallel_for
// CHECK: memref.dealloc %[[TMP]]
// CHECK-LABEL: func.func private @k3_views_par0
// CHECK: %[[BASE:.*]] = builtin.unrealized_conversion_cast %{{.*}} to memref<32x64xf32>
// CHECK: %[[TABLE:.*]] = memref.get_global @table : memref<64xf32>
// CHECK: %[[FLAT:.*]] = memref.collapse_shape %[[BASE]] {{\[}}[0, 1]]
// CHECK: scf.parallel
// CHECK: scf.for
// CHECK: memref.load %[[FLAT]]
// CHECK: memref.load %[[TABLE]]
memref.global "private" constant @table : memref<64xf32> = dense<2.0>
func.func @k3_views(%a: memref<32x64xf32>, %out: memref<32xf32>) attributes {dlc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %tmp = memref.alloc() : memref<32xf32>
  %table = memref.get_global @table : memref<64xf32>
  %flat = memref.collapse_shape %a [[0, 1]] : memref<32x64xf32> into memref<2048xf32>
  scf.parallel (%i) = (%c0) to (%c32) step (%c1) {
    %row = arith.muli %i, %c64 : index
    %sum = scf.for %k = %c0 to %c64 step %c1 iter_args(%acc = %zero) -> (f32) {
      %at = arith.addi %row, %k : index
      %x = memref.load %flat[%at] : memref<2048xf32>
      %w = memref.load %table[%k] : memref<64xf32>
      %p = arith.mulf %x, %w : f32
      %s = arith.addf %acc, %p : f32
      scf.yield %s : f32
    }
    memref.store %sum, %tmp[%i] : memref<32xf32>
    memref.store %sum, %out[%i] : memref<32xf32>
    scf.reduce
  }
  memref.dealloc %tmp : memref<32xf32>
  return
}

// -----

// Two nests in one kernel get a body function each.
// CHECK-LABEL: func.func @k4_two
// CHECK: constant @k4_two_par0
// CHECK: call @dlc_rt_parallel_for
// CHECK: constant @k4_two_par1
// CHECK: call @dlc_rt_parallel_for
// CHECK-LABEL: func.func private @k4_two_par1
// CHECK-LABEL: func.func private @k4_two_par0
func.func @k4_two(%a: memref<4096xf32>, %out: memref<4096xf32>) attributes {dlc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 4096 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    memref.store %one, %out[%i] : memref<4096xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    %x = memref.load %a[%i] : memref<4096xf32>
    %y = memref.load %out[%i] : memref<4096xf32>
    %s = arith.addf %x, %y : f32
    memref.store %s, %out[%i] : memref<4096xf32>
    scf.reduce
  }
  return
}
