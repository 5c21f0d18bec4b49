// RUN: dlc-opt %s --split-input-file --dlc-pack-kernel-args --verify-diagnostics

// expected-error @+1 {{kernel does not have the bare-pointer signature}}
llvm.func @k0_bad(%a: !llvm.ptr, %n: i64) attributes {dlc.kernel} {
  llvm.return
}

// -----

// expected-error @+1 {{kernel does not have the bare-pointer signature}}
llvm.func @k1_bad(%a: !llvm.ptr) -> i32 attributes {dlc.kernel} {
  %0 = llvm.mlir.constant(0 : i32) : i32
  llvm.return %0 : i32
}
