// RUN: dlc-opt %s --split-input-file --dlc-pack-kernel-args | FileCheck %s

// A bare-pointer kernel gets `void k_entry(ptr args)` loading args[i].
// CHECK-LABEL: llvm.func internal @k0_add
// CHECK-LABEL: llvm.func @k0_add_entry
// CHECK-SAME: (%[[ARGS:.*]]: !llvm.ptr)
// CHECK: %[[S0:.*]] = llvm.getelementptr %[[ARGS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[A0:.*]] = llvm.load %[[S0]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[S1:.*]] = llvm.getelementptr %[[ARGS]][1]
// CHECK: %[[A1:.*]] = llvm.load %[[S1]]
// CHECK: %[[S2:.*]] = llvm.getelementptr %[[ARGS]][2]
// CHECK: %[[A2:.*]] = llvm.load %[[S2]]
// CHECK: llvm.call @k0_add(%[[A0]], %[[A1]], %[[A2]])
// CHECK-NEXT: llvm.return
llvm.func @k0_add(%a: !llvm.ptr, %b: !llvm.ptr, %c: !llvm.ptr) attributes {dlc.kernel} {
  llvm.return
}

// -----

// Functions that are not kernels are left alone.
// CHECK-LABEL: llvm.func @helper
// CHECK-NOT: helper_entry
llvm.func @helper(%a: !llvm.ptr) {
  llvm.return
}
