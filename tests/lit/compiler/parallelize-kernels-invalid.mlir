// RUN: dlc-opt %s --split-input-file --dlc-parallelize-kernels="min-work=1000" | FileCheck %s

// Nests the pass leaves serial (it never fails: serial code is correct).

// Less work than min-work: the threads' start-up would cost more.
// CHECK-LABEL: func.func @small
// CHECK-NOT: dlc_rt_parallel_for
// CHECK: scf.parallel
func.func @small(%a: memref<64xf32>, %out: memref<64xf32>) attributes {dlc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    %x = memref.load %a[%i] : memref<64xf32>
    memref.store %x, %out[%i] : memref<64xf32>
    scf.reduce
  }
  return
}

// -----

// Not a kernel (no dlc.kernel attribute).
// CHECK-LABEL: func.func @helper
// CHECK-NOT: dlc_rt_parallel_for
// CHECK: scf.parallel
func.func @helper(%a: memref<4096xf32>, %out: memref<4096xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 4096 : index
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    %x = memref.load %a[%i] : memref<4096xf32>
    memref.store %x, %out[%i] : memref<4096xf32>
    scf.reduce
  }
  return
}

// -----

// A call inside the nest (library calls bring their own threads).
// CHECK-LABEL: func.func @calls
// CHECK-NOT: dlc_rt_parallel_for
// CHECK: scf.parallel
// CHECK: call @expf
func.func private @expf(f32) -> f32
func.func @calls(%a: memref<4096xf32>, %out: memref<4096xf32>) attributes {dlc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 4096 : index
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    %x = memref.load %a[%i] : memref<4096xf32>
    %y = func.call @expf(%x) : (f32) -> f32
    memref.store %y, %out[%i] : memref<4096xf32>
    scf.reduce
  }
  return
}

// -----

// A bound read from memory is not a constant.
// CHECK-LABEL: func.func @runtime_bound
// CHECK-NOT: dlc_rt_parallel_for
// CHECK: scf.parallel
func.func @runtime_bound(%n: memref<index>, %a: memref<4096xf32>, %out: memref<4096xf32>) attributes {dlc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %ub = memref.load %n[] : memref<index>
  scf.parallel (%i) = (%c0) to (%ub) step (%c1) {
    %x = memref.load %a[%i] : memref<4096xf32>
    memref.store %x, %out[%i] : memref<4096xf32>
    scf.reduce
  }
  return
}

// -----

// A scalar loaded before the nest is neither a buffer nor recomputable.
// CHECK-LABEL: func.func @loaded_scalar
// CHECK-NOT: dlc_rt_parallel_for
// CHECK: scf.parallel
func.func @loaded_scalar(%s: memref<f32>, %a: memref<4096xf32>, %out: memref<4096xf32>) attributes {dlc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 4096 : index
  %k = memref.load %s[] : memref<f32>
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    %x = memref.load %a[%i] : memref<4096xf32>
    %y = arith.mulf %x, %k : f32
    memref.store %y, %out[%i] : memref<4096xf32>
    scf.reduce
  }
  return
}

// -----

// Every dimension has one iteration: nothing to share (the work is in
// the serial inner loop).
// CHECK-LABEL: func.func @single_iteration
// CHECK-NOT: dlc_rt_parallel_for
// CHECK: scf.parallel
func.func @single_iteration(%a: memref<4096xf32>, %out: memref<1xf32>) attributes {dlc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 4096 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
    %sum = scf.for %k = %c0 to %n step %c1 iter_args(%acc = %zero) -> (f32) {
      %x = memref.load %a[%k] : memref<4096xf32>
      %s = arith.addf %acc, %x : f32
      scf.yield %s : f32
    }
    memref.store %sum, %out[%i] : memref<1xf32>
    scf.reduce
  }
  return
}

// -----

// A nest that yields a reduction result.
// CHECK-LABEL: func.func @reduces
// CHECK-NOT: dlc_rt_parallel_for
// CHECK: scf.parallel
func.func @reduces(%a: memref<4096xf32>, %out: memref<f32>) attributes {dlc.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 4096 : index
  %zero = arith.constant 0.0 : f32
  %sum = scf.parallel (%i) = (%c0) to (%n) step (%c1) init (%zero) -> f32 {
    %x = memref.load %a[%i] : memref<4096xf32>
    scf.reduce(%x : f32) {
    ^bb0(%l: f32, %r: f32):
      %s = arith.addf %l, %r : f32
      scf.reduce.return %s : f32
    }
  }
  memref.store %sum, %out[] : memref<f32>
  return
}
