//===- Passes.td - dlc compiler passes ---------------------*- tablegen -*-===//
#ifndef DLC_PASSES_TD
#define DLC_PASSES_TD

include "mlir/Pass/PassBase.td"

def FoldBatchNorm : Pass<"dlc-fold-batch-norm"> {
  let summary = "Fold inference batch_norm into the preceding conv/gemm weights";
}

def FoldQdq : Pass<"dlc-fold-qdq"> {
  let summary = "Fold dequantize -> conv/matmul/gemm [-> relu] -> quantize into integer contractions";
  let description = [{
    The integer form: the contraction reads the 8-bit tensors minus their
    zero points and accumulates in i32 (an i32 bias adds to it), then one
    requantization `quantize_linear(f64(acc) * sx*sw/sy, 1, zy)`, which
    fusion puts into the contraction's kernel. Needs f32 constant scales,
    per-tensor activations and per-tensor or per-output-channel weights;
    see compiler/transforms/FoldQdq.cpp for the exact conditions.
  }];
}

def Quantize : Pass<"dlc-quantize", "mlir::func::FuncOp"> {
  let summary = "Quantize calibrated conv/matmul/gemm sites to int8 in QDQ form (--quantize=int8)";
  let description = [{
    Every site (compiler/transforms/QuantizationSites.h) that carries
    `dlc.quant_ranges = array<f32: in_min, in_max, out_min, out_max>` (set
    by the driver's calibration) gets uint8 per-tensor quantize/dequantize
    pairs on its activation and output, int8 symmetric per-channel weights
    and an int32 bias, all as dequantize_linear of constants; dlc-fold-qdq
    then makes it an integer kernel. Ranges on an op that is not a site, or
    malformed ranges, are errors.
  }];
}

def ReducePrecision : Pass<"dlc-reduce-precision"> {
  let summary = "Compute f32 conv/matmul/gemm in f16 or bf16 with f32 accumulation (--precision)";
  let description = [{
    Operands are cast to `type` (constants converted at compile time), the
    contraction runs on the reduced type (its lowering accumulates in f32 and
    rounds the result once) and the result is cast back to f32. Other ops
    stay f32.
  }];
  let options = [Option<"type", "type", "std::string", "\"f16\"", "f16 or bf16">];
}

def RecognizeGelu : Pass<"dlc-recognize-gelu"> {
  let summary = "Replace the decomposed exact GELU x * 0.5 * (1 + erf(x / sqrt(2))) by dlc.gelu";
  let description = [{
    Exporters without an ONNX Gelu op write it as five elementwise ops
    (either order of the two products, division by sqrt(2) or product with
    1/sqrt(2)). One dlc.gelu is fused into a preceding library conv/matmul
    as a post-op (dlc-dispatch-dnnl). Every intermediate must have one use
    and the shape of x (no broadcast); constants are scalar splats.
  }];
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
  let options = [
    Option<"convs", "convs", "bool", /*default=*/"true",
           "Merge convs too (off when convs go to oneDNN: two convs keep their "
           "outputs channels-last, a merged one is reordered to NCHW for the split)">
  ];
}

def Place : Pass<"dlc-place", "mlir::ModuleOp"> {
  let summary = "Assign every op of the graph a device and insert copies between devices";
  let description = [{
    Stage 6 of the pipeline. Each dlc op of the graph function gets a
    `dlc.device` attribute naming one of `devices` ("cpu", "cuda:N"):
    1. `place` overrides (`NODE=DEVICE`, NODE an ONNX node name from the op's
       location, also inside fused locations) win; the device must be in
       `devices` and support the op.
    2. Otherwise the op goes to the first CUDA device of `devices` that
       supports it when its work (result elements, times the reduced extent
       for matmul/gemm/conv) is at least `min-gpu-work`;
    3. else it stays on the device of its first operand that was placed
       (graph arguments are on the host), so small ops do not cause copies,
       falling back to the first device of the list that supports it.
    With `pipeline`, rules 2 and 3 are replaced by a split of the graph in
    op order into consecutive stages of about equal work (the work of rule
    2, at least 1 per op), one per device in list order; an op its stage's
    device cannot run falls back to rule 3.
    Then every operand whose producer ran on another device is read through a
    `dlc.copy` to the consumer's device (one per value and device), and
    every returned value not on the host is copied to "cpu".
    Constants get no device: the runtime provides weights on every device.
  }];
  let options = [
    ListOption<"devices", "devices", "std::string",
               "devices to place on, in order of preference: cpu, cuda:0, cuda:1, ...">,
    ListOption<"overrides", "place", "std::string", "NODE=DEVICE: put ONNX node NODE on DEVICE">,
    Option<"minGpuWork", "min-gpu-work", "int64_t", "65536",
           "smallest work (multiply-adds or elements) that goes to a CUDA device">,
    Option<"pipeline", "pipeline", "bool", "false",
           "instead of rules 2-3: cut the graph (in order) into one stage per device of "
           "about equal work, stage k on the k-th device of `devices`">
  ];
}

def FuseKernels : Pass<"dlc-fuse-kernels", "mlir::ModuleOp"> {
  let summary = "Group producer/consumer chains of the graph into dlc.kernel ops";
  let description = [{
    Vertical fusion: elementwise ops and reshapes join the chain of the op
    that produces their operand when nothing else uses it, so conv/matmul
    epilogues (bias, residual add, activation) and elementwise chains become
    one kernel and one plan node. With `matmul-layouts` (set where
    dlc-dispatch-dnnl runs), transposes and reshapes that only rearrange a
    matmul operand join the matmul's kernel in front of it, and a transpose
    of the matmul's result (then reshapes) joins after its epilogue: the
    library reads and writes those tensors in place as strided views
    (attention heads), instead of one copy kernel each.
  }];
  let options = [
    Option<"matmulLayouts", "matmul-layouts", "bool", /*default=*/"false",
           "Put transposes/reshapes of f32 matmul operands and results into the "
           "matmul's kernel (for a library that takes strided views)">
  ];
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
  let summary = "Call oneDNN for f32 conv/matmul/gemm (with fusable epilogues), softmax and layer norm kernels";
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
    does not match, and kernels placed on a GPU, are untouched. A kernel
    led by a softmax or a layer norm (scale and bias of exactly the
    normalized dims) becomes `dlc_dnnl_softmax` / `dlc_dnnl_layer_norm`,
    without post-ops. Then, on the graph: a conv result that only library
    convs read (src or same-shape residual; kernels called once) is marked
    channels-last in both descriptors (DLC_DNNL_LAYOUTS), so no reorder
    happens between them; the tensor type stays NCHW. A 3x3 stride-1 conv
    with constant weights and at least 64 input and output channels
    (multiples of 16) asks for oneDNN's Winograd algorithm
    (DLC_DNNL_CONV_ALGORITHM) unless `winograd=false`.
  }];
  let options = [
    Option<"winograd", "winograd", "bool", /*default=*/"true",
           "Let eligible 3x3 convs use Winograd (fewer multiplies, blocked "
           "activations; results differ from direct convolution by rounding)">
  ];
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

def ParallelizeKernels : Pass<"dlc-parallelize-kernels", "mlir::ModuleOp"> {
  let summary = "Hand each large loop nest of a kernel to the run's threads (dlc_rt_parallel_for)";
  let description = [{
    Runs on bufferized kernels whose linalg ops became `scf.parallel` nests
    (convert-linalg-to-parallel-loops). Every nest at the top of a function
    tagged `dlc.kernel`, with constant bounds and at least `min-work`
    estimated operations (iterations x body ops, nested constant loops
    counted), is outlined into `void <kernel>_par<N>(index begin, index end,
    !llvm.ptr context)`, which runs the iterations whose split dimension (the
    outermost with at least 16 iterations, else the longest) lies in
    [begin, end). The nest becomes a call of
    `dlc_rt_parallel_for(i64 count, fn, context)` (libdlcrt,
    dlc/parallel_for.h), which splits [0, count) over the run's threads.
    The context is a stack array of the nest's buffers (aligned pointers:
    kernel buffers are static and identity-laid-out); views, globals and
    constants the nest uses are recomputed inside the body function. Nests
    that call functions, yield values, have dynamic bounds or use a value
    that is neither are left serial.
  }];
  let options = [
    Option<"minWork", "min-work", "int64_t", /*default=*/"32768",
           "smallest estimated operation count worth the threads' start-up">,
  ];
  let dependentDialects = ["mlir::LLVM::LLVMDialect", "mlir::scf::SCFDialect",
                           "mlir::memref::MemRefDialect", "mlir::arith::ArithDialect"];
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

def ExpandGradients : Pass<"dlc-expand-gradients", "mlir::func::FuncOp"> {
  let summary = "Replace dlc.gradient by the vector-Jacobian products of the ops computing y";
  let description = [{
    Runs first at every optimization level. For each dlc.gradient, a reverse
    sweep (the VJP rules of GradientOpInterface, as in dlc-autodiff) over
    the ops before it computes d y / d xs; results whose y does not depend on
    their x become zeros. A non-differentiable op on a path from an x to y
    is an error naming it.
  }];
}

def Autodiff : Pass<"dlc-autodiff", "mlir::ModuleOp"> {
  let summary = "Reverse-mode autodiff: graph -> (loss, prediction, weight gradients)";
  let description = [{
    The graph function's single result (the prediction) gets a loss against
    a new `labels` argument (same type as the prediction). A reverse sweep
    asks every op on a path from a trainable weight (a float dlc.constant
    imported from an ONNX initializer, attribute `dlc.initializer`) to the
    loss for its VJP (GradientOpInterface) and sums the contributions. The
    function then returns the loss (rank 0), the prediction and one gradient
    per weight that the loss depends on (result attribute
    `dlc.gradient_of` = the initializer name). An op without the interface
    on such a path is an error naming it.
  }];
  let options = [
    Option<"loss", "loss", "std::string", "\"softmax_cross_entropy\"",
           "mse | binary_cross_entropy | softmax_cross_entropy">,
  ];
}

def MakeTrainStep : Pass<"dlc-make-train-step", "mlir::ModuleOp"> {
  let summary = "Turn the gradient function of dlc-autodiff into a training step";
  let description = [{
    Every weight with a gradient result becomes a function argument (named
    like its initializer) and its constant is removed; the gradient results
    are replaced by the optimizer's new weights (`NAME:new`) and new
    optimizer state (`NAME:velocity:new`, `NAME:m:new`, `NAME:v:new`, with
    matching arguments). Adam reads the 1-based step number from the
    `optimizer:step` argument (f32[1]). Weight decay adds `wd * w` to the
    gradient (PyTorch's SGD/Adam semantics).
  }];
  let options = [
    Option<"optimizer", "optimizer", "std::string", "\"sgd\"", "sgd | momentum | adam">,
    Option<"lr", "lr", "double", "0.01", "learning rate">,
    Option<"momentum", "momentum", "double", "0.0",
           "SGD momentum (optimizer=momentum defaults to 0.9)">,
    Option<"beta1", "beta1", "double", "0.9", "Adam beta1">,
    Option<"beta2", "beta2", "double", "0.999", "Adam beta2">,
    Option<"epsilon", "epsilon", "double", "1e-8", "Adam epsilon">,
    Option<"weightDecay", "weight-decay", "double", "0.0", "L2 weight decay">,
  ];
}

#endif // DLC_PASSES_TD
