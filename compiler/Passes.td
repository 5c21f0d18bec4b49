//===- Passes.td - dlc compiler passes ---------------------*- tablegen -*-===//
#ifndef DLC_PASSES_TD
#define DLC_PASSES_TD

include "mlir/Pass/PassBase.td"

def FoldBatchNorm : Pass<"dlc-fold-batch-norm"> {
  let summary = "Fold inference batch_norm into the preceding conv/gemm weights";
}

def FoldEmptyTensors : Pass<"dlc-fold-empty-tensors"> {
  let summary = "Replace zero-element values by constants so no kernel sees an empty buffer";
  let description = [{
    Runs at every optimization level: the kernel ABI passes bare pointers,
    which cannot describe a zero-element buffer. Uses of zero-element results
    take an empty dlc.constant, reductions over an empty input become their
    identity (0, lowest, NaN), concat drops empty inputs and split empty pieces.
  }];
}

def MergeSiblings : Pass<"dlc-merge-siblings"> {
  let summary = "Horizontal fusion: merge sibling matmuls/convs that share an input";
}

def FuseKernels : Pass<"dlc-fuse-kernels", "mlir::ModuleOp"> {
  let summary = "Group producer/consumer chains of the graph into dlc.kernel ops";
  let description = [{
    Vertical fusion: elementwise ops and reshapes join the chain of the op
    that produces their operand when nothing else uses it, so conv/matmul
    epilogues (bias, residual add, activation) and elementwise chains become
    one kernel and one plan node.
  }];
}

def OutlineKernels : Pass<"dlc-outline-kernels", "mlir::ModuleOp"> {
  let summary = "Move each dlc op of the graph function into its own kernel function";
  let description = [{
    The graph function (`dlc.graph` attribute) keeps only dlc.constant ops,
    `func.call`s of kernels and its return; each call's callee is a private
    function tagged `dlc.kernel` whose body is the outlined op. The plan
    builder turns the graph function into plan nodes and the kernels are
    lowered independently to machine code. The call keeps the op's location
    (the ONNX node name) and records its op name in `dlc.op`.
  }];
  let dependentDialects = ["mlir::func::FuncDialect"];
}

def DispatchDnnl : Pass<"dlc-dispatch-dnnl", "mlir::ModuleOp"> {
  let summary = "Call oneDNN for f32 conv/matmul/gemm kernels and their fusable epilogues";
  let description = [{
    Runs on outlined kernels while the graph function still exists (its
    constants tell which weights never change). In each kernel whose first op
    is a 2-D f32 conv, a matmul or a gemm that oneDNN can compute, that op
    and the longest following chain of epilogue ops oneDNN can fuse as
    post-ops (bias or per-channel/scalar/full add and mul, relu, leaky_relu,
    clip, sigmoid, tanh, gelu) become one `func.call` of `dlc_dnnl_conv2d` or
    `dlc_dnnl_matmul` (runtime/include/dlc/dnnl_kernels.h) on buffers: the
    operands through `bufferization.to_buffer`, the result a `memref.alloc`
    returned through `bufferization.to_tensor restrict writable`. Each call
    site gets a constant descriptor global and a mutable two-slot cache
    global. Ops after the chain stay dlc ops (generated code); kernels it
    does not match are untouched.
  }];
  let dependentDialects = [
    "mlir::bufferization::BufferizationDialect", "mlir::memref::MemRefDialect",
    "mlir::func::FuncDialect"
  ];
}

def ConvertDlcToLinalg : Pass<"convert-dlc-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower dlc ops to linalg/tensor/arith/math on tensors";
  let dependentDialects = [
    "mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect",
    "mlir::arith::ArithDialect", "mlir::math::MathDialect",
    "mlir::affine::AffineDialect"
  ];
}

def PackKernelArgs : Pass<"dlc-pack-kernel-args", "mlir::ModuleOp"> {
  let summary = "Give each lowered kernel the plan ABI entry `void k(void *const *args)`";
  let description = [{
    Runs on the LLVM dialect after func-to-llvm with bare-pointer memrefs:
    for every function tagged `dlc.kernel` it adds a public wrapper named
    `<kernel>_entry` that loads argument i from args[i] and calls the kernel,
    which becomes internal so LLVM can inline it.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

#endif // DLC_PASSES_TD
