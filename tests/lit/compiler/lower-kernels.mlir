// RUN: dlc-opt %s --split-input-file --dlc-lower-kernels | FileCheck %s
// The kernel stages end to end (linalg, bufferization, LLVM): each kernel
// becomes an internal bare-pointer function plus its plan-ABI entry.

// Elementwise chains fuse into one loop nest: one load per input, no malloc.
// CHECK-LABEL: llvm.func internal @k0_fused
// CHECK-SAME: (%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK-NOT: llvm.call @malloc
// CHECK: llvm.call @erff
// CHECK: llvm.store
// CHECK-LABEL: llvm.func @k0_fused_entry(%{{.*}}: !llvm.ptr)
// CHECK: llvm.call @k0_fused
func.func private @k0_fused(%arg0: tensor<2x3xf32>, %arg1: tensor<3xf32>) -> tensor<2x3xf32> attributes {dlc.kernel} {
  %0 = dlc.add %arg0, %arg1 : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = dlc.gelu %0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// A kernel returning its argument still writes its out-param (a copy).
// CHECK-LABEL: llvm.func internal @k1_identity
// CHECK: "llvm.intr.memcpy"
// CHECK-LABEL: llvm.func @k1_identity_entry
func.func private @k1_identity(%arg0: tensor<4xf32>) -> tensor<4xf32> attributes {dlc.kernel} {
  return %arg0 : tensor<4xf32>
}

// -----

// A large elementwise kernel hands its loop nest to the run's threads
// (dlc-parallelize-kernels): the kernel calls dlc_rt_parallel_for with the
// address of an internal body function over rows [begin, end) of dim 1
// (the first with >= 16 iterations).
// CHECK-LABEL: llvm.func @dlc_rt_parallel_for(i64, !llvm.ptr, !llvm.ptr)
// CHECK-LABEL: llvm.func internal @k2_relu
// CHECK: %[[FN:.*]] = llvm.mlir.addressof @k2_relu_par0 : !llvm.ptr
// CHECK: llvm.call @dlc_rt_parallel_for(%{{.*}}, %[[FN]], %{{.*}}) : (i64, !llvm.ptr, !llvm.ptr) -> ()
// CHECK-LABEL: llvm.func @k2_relu_entry
// CHECK-LABEL: llvm.func internal @k2_relu_par0
// CHECK-SAME: (%{{.*}}: i64, %{{.*}}: i64, %{{.*}}: !llvm.ptr)
// CHECK: llvm.intr.maximum
func.func private @k2_relu(%arg0: tensor<1x64x32x32xf32>) -> tensor<1x64x32x32xf32> attributes {dlc.kernel} {
  %0 = dlc.relu %arg0 : (tensor<1x64x32x32xf32>) -> tensor<1x64x32x32xf32>
  return %0 : tensor<1x64x32x32xf32>
}
