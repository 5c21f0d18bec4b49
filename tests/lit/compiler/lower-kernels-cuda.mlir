// RUN: dlc-opt %s --split-input-file --dlc-lower-kernels-cuda | FileCheck %s
// The CUDA kernel stages: loops become gpu.launch_func of NVVM kernels that
// gpu-module-to-binary embeds as PTX; the host side keeps the plan ABI.

// A parallel elementwise op: one thread per element, guarded by the count.
// CHECK-LABEL: llvm.func internal @k0_fused
// CHECK-SAME: (%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK: gpu.launch_func @k0_fused_kernel::@k0_fused_kernel
// CHECK-LABEL: llvm.func @k0_fused_entry(%{{.*}}: !llvm.ptr)
// CHECK: gpu.binary @k0_fused_kernel
// CHECK-SAME: #nvvm.target<O = 3, chip = "sm_90">
// CHECK-SAME: .target sm_90
// CHECK-SAME: __nv_erff
func.func private @k0_fused(%arg0: tensor<2x3xf32>, %arg1: tensor<3xf32>) -> tensor<2x3xf32> attributes {dlc.kernel} {
  %0 = dlc.add %arg0, %arg1 : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = dlc.gelu %0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// A reduction to a scalar is serial code: it runs as a 1x1x1 launch, and its
// scratch buffer comes from the runtime's device allocator.
// CHECK-LABEL: llvm.func internal @k1_softmax
// CHECK: llvm.call @_mlir_memref_to_llvm_alloc
// CHECK: gpu.launch_func
// CHECK: llvm.call @_mlir_memref_to_llvm_free
// CHECK: gpu.binary
func.func private @k1_softmax(%arg0: tensor<1x10xf32>) -> tensor<1x10xf32> attributes {dlc.kernel} {
  %0 = dlc.softmax %arg0 {axis = 1 : i64} : (tensor<1x10xf32>) -> tensor<1x10xf32>
  return %0 : tensor<1x10xf32>
}
