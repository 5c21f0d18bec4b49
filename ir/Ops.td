//===- Ops.td - dlc operators ------------------------------*- tablegen -*-===//
#ifndef DLC_OPS_TD
#define DLC_OPS_TD

include "ir/Dialect.td"
include "mlir/IR/OpBase.td"
include "mlir/IR/BuiltinAttributes.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "ir/Interfaces.td"

// Shape inference: ops whose result type follows from operands and
// attributes use InferTypeOpAdaptor (builders need no result type; the
// verifier re-derives and compares it). Ops whose result shape comes from an
// ONNX shape operand (reshape, expand, slice, split) carry it in the result
// type, and their verifiers check it against the operand.

def Dlc_BroadcastElementwise : NativeOpTrait<"BroadcastElementwise"> {
  let cppNamespace = "::dlc::OpTrait";
}

// Ops with a vector-Jacobian product (ir/Gradients*.cpp).
defvar Dlc_Differentiable = DeclareOpInterfaceMethods<Dlc_GradientOpInterface>;

class Dlc_Op<string mnemonic, list<Trait> traits = []>
    : Op<Dlc_Dialect, mnemonic, !listconcat(traits, [Pure])> {
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

// Integers are signless (ONNX intN, bool = i1) or unsigned (ONNX uintN = uiN):
// ops whose result depends on signedness (div, compares, max/min, casts)
// read it from the type; the linalg lowering makes them signless.
def Dlc_Tensor : RankedTensorOf<[AnyFloat, AnySignlessInteger, AnyUnsignedInteger]>;
def Dlc_FloatTensor : RankedTensorOf<[AnyFloat]>;
def Dlc_IntTensor : RankedTensorOf<[AnySignlessInteger]>;
def Dlc_BoolTensor : RankedTensorOf<[I1]>;

//===----------------------------------------------------------------------===//
// Constants and no-op layers
//===----------------------------------------------------------------------===//

def Dlc_ConstantOp : Dlc_Op<"constant", [ConstantLike, AllTypesMatch<["value", "output"]>]> {
  let summary = "a constant tensor (ONNX Constant and initializers)";
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Dlc_Tensor:$output);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
  let hasVerifier = 1;
  let builders = [OpBuilder<(ins "::mlir::ElementsAttr":$value), [{
    build($_builder, $_state, ::llvm::cast<::mlir::RankedTensorType>(value.getType()), value);
  }]>];
}

def Dlc_IdentityOp : Dlc_Op<"identity", [Dlc_Differentiable, AllTypesMatch<["input", "output"]>]> {
  let summary = "ONNX Identity; removed by canonicalization";
  let arguments = (ins Dlc_Tensor:$input);
  let results = (outs Dlc_Tensor:$output);
  let hasFolder = 1;
}

def Dlc_DropoutOp : Dlc_Op<"dropout", [Dlc_Differentiable, AllTypesMatch<["input", "output"]>]> {
  let summary = "ONNX Dropout in inference mode (identity); removed by canonicalization";
  let arguments = (ins Dlc_FloatTensor:$input, DefaultValuedAttr<F32Attr, "0.5">:$ratio);
  let results = (outs Dlc_FloatTensor:$output);
  let hasFolder = 1;
}

def Dlc_GradientOp : Dlc_Op<"gradient"> {
  let summary = "ONNX Gradient (ai.onnx.preview.training): d y / d xs";
  let description = [{
    The i-th result is the gradient of the one-element float tensor `y` with
    respect to `xs[i]` (zeros where `y` does not depend on it): the graph
    API's `gradients(loss, variables)`, TensorFlow's `tf.gradients`. A
    placeholder: `dlc-expand-gradients` replaces it by the vector-Jacobian
    products of the ops computing `y`, so no kernel ever sees it.
  }];
  let arguments = (ins Dlc_FloatTensor:$y, Variadic<Dlc_FloatTensor>:$xs);
  let results = (outs Variadic<Dlc_FloatTensor>:$grads);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise operators (numpy broadcasting)
//===----------------------------------------------------------------------===//

class Dlc_UnaryOp<string mnemonic, Type type, list<Trait> traits = []>
    : Dlc_Op<mnemonic, !listconcat(traits,
        [Dlc_Differentiable, Dlc_BroadcastElementwise, AllTypesMatch<["input", "output"]>])> {
  let arguments = (ins type:$input);
  let results = (outs type:$output);
}

def Dlc_SqrtOp : Dlc_UnaryOp<"sqrt", Dlc_FloatTensor> { let summary = "elementwise square root"; }
def Dlc_ExpOp : Dlc_UnaryOp<"exp", Dlc_FloatTensor> { let summary = "elementwise e^x"; }
def Dlc_LogOp : Dlc_UnaryOp<"log", Dlc_FloatTensor> { let summary = "elementwise natural log"; }
def Dlc_NegOp : Dlc_UnaryOp<"neg", Dlc_Tensor> { let summary = "elementwise negation"; }
def Dlc_AbsOp : Dlc_UnaryOp<"abs", Dlc_Tensor> { let summary = "elementwise absolute value"; }
def Dlc_ReciprocalOp : Dlc_UnaryOp<"reciprocal", Dlc_FloatTensor> { let summary = "elementwise 1/x"; }
def Dlc_ReluOp : Dlc_UnaryOp<"relu", Dlc_Tensor> { let summary = "max(x, 0)"; }
def Dlc_SigmoidOp : Dlc_UnaryOp<"sigmoid", Dlc_FloatTensor> { let summary = "1 / (1 + e^-x)"; }
def Dlc_TanhOp : Dlc_UnaryOp<"tanh", Dlc_FloatTensor> { let summary = "hyperbolic tangent"; }
def Dlc_ErfOp : Dlc_UnaryOp<"erf", Dlc_FloatTensor> { let summary = "Gauss error function"; }

def Dlc_LeakyReluOp : Dlc_UnaryOp<"leaky_relu", Dlc_FloatTensor> {
  let summary = "x if x >= 0 else alpha * x";
  let arguments = (ins Dlc_FloatTensor:$input, DefaultValuedAttr<F32Attr, "0.01">:$alpha);
}

def Dlc_GeluOp : Dlc_UnaryOp<"gelu", Dlc_FloatTensor> {
  let summary = "Gaussian error linear unit (exact or tanh approximation)";
  let arguments = (ins Dlc_FloatTensor:$input,
                       DefaultValuedAttr<StrAttr, "\"none\"">:$approximate);
  let hasVerifier = 1;
}

def Dlc_ClipOp : Dlc_UnaryOp<"clip", Dlc_Tensor> {
  let summary = "min(max(x, min), max); an absent bound is unbounded";
  let arguments = (ins Dlc_Tensor:$input, OptionalAttr<F64Attr>:$min,
                       OptionalAttr<F64Attr>:$max);
}

def Dlc_CastOp : Dlc_Op<"cast", [Dlc_Differentiable, Dlc_BroadcastElementwise]> {
  let summary = "elementwise conversion to the result element type (ONNX Cast)";
  let arguments = (ins Dlc_Tensor:$input);
  let results = (outs Dlc_Tensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
}

class Dlc_BinaryOp<string mnemonic, Type type, list<Trait> traits = []>
    : Dlc_Op<mnemonic, !listconcat(traits,
        [Dlc_Differentiable, Dlc_BroadcastElementwise, InferTypeOpAdaptor])> {
  let arguments = (ins type:$lhs, type:$rhs);
  let results = (outs type:$output);
}

def Dlc_AddOp : Dlc_BinaryOp<"add", Dlc_Tensor, [Commutative]> { let summary = "lhs + rhs"; }
def Dlc_SubOp : Dlc_BinaryOp<"sub", Dlc_Tensor> { let summary = "lhs - rhs"; }
def Dlc_MulOp : Dlc_BinaryOp<"mul", Dlc_Tensor, [Commutative]> { let summary = "lhs * rhs"; }
def Dlc_DivOp : Dlc_BinaryOp<"div", Dlc_Tensor> { let summary = "lhs / rhs (integer: truncating)"; }
def Dlc_PowOp : Dlc_BinaryOp<"pow", Dlc_Tensor> {
  let summary = "lhs ^ rhs; the result has the base's element type";
}

class Dlc_CompareOp<string mnemonic> : Dlc_Op<mnemonic,
    [Dlc_BroadcastElementwise, InferTypeOpAdaptor]> {
  let arguments = (ins Dlc_Tensor:$lhs, Dlc_Tensor:$rhs);
  let results = (outs Dlc_BoolTensor:$output);
}

def Dlc_EqualOp : Dlc_CompareOp<"equal"> { let summary = "lhs == rhs"; }
def Dlc_LessOp : Dlc_CompareOp<"less"> { let summary = "lhs < rhs"; }
def Dlc_GreaterOp : Dlc_CompareOp<"greater"> { let summary = "lhs > rhs"; }

def Dlc_WhereOp : Dlc_Op<"where", [Dlc_Differentiable, Dlc_BroadcastElementwise, InferTypeOpAdaptor]> {
  let summary = "condition ? x : y";
  let arguments = (ins Dlc_BoolTensor:$condition, Dlc_Tensor:$x, Dlc_Tensor:$y);
  let results = (outs Dlc_Tensor:$output);
}

//===----------------------------------------------------------------------===//
// Linear algebra and convolution
//===----------------------------------------------------------------------===//

def Dlc_MatMulOp : Dlc_Op<"matmul", [Dlc_Differentiable, InferTypeOpAdaptor]> {
  let summary = "numpy matmul: batched, broadcasting over leading dims";
  let arguments = (ins Dlc_Tensor:$lhs, Dlc_Tensor:$rhs);
  let results = (outs Dlc_Tensor:$output);
}

def Dlc_GemmOp : Dlc_Op<"gemm", [Dlc_Differentiable, InferTypeOpAdaptor]> {
  let summary = "alpha * op(A) * op(B) + beta * C (ONNX Gemm, C broadcast)";
  let arguments = (ins Dlc_FloatTensor:$a, Dlc_FloatTensor:$b, Optional<Dlc_FloatTensor>:$c,
                   DefaultValuedAttr<F32Attr, "1.0">:$alpha,
                   DefaultValuedAttr<F32Attr, "1.0">:$beta,
                   DefaultValuedAttr<BoolAttr, "false">:$transA,
                   DefaultValuedAttr<BoolAttr, "false">:$transB);
  let results = (outs Dlc_FloatTensor:$output);
  let assemblyFormat = "$a `,` $b (`,` $c^)? attr-dict `:` functional-type(operands, results)";
}

def Dlc_ConvOp : Dlc_Op<"conv", [Dlc_Differentiable, InferTypeOpAdaptor]> {
  let summary = "N-d grouped convolution, NC(spatial) layout (ONNX Conv)";
  let description = [{
    `pads` holds the begin pads of every spatial dim then the end pads
    (explicit: the importer resolves auto_pad). Operands share one element
    type: float, or integers (i32 for QLinearConv, which accumulate and
    wrap in that type).
  }];
  let arguments = (ins Dlc_Tensor:$input, Dlc_Tensor:$weight,
                   Optional<Dlc_Tensor>:$bias,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                   DenseI64ArrayAttr:$dilations,
                   DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs Dlc_Tensor:$output);
  let assemblyFormat = "$input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Quantization (ONNX QuantizeLinear / DequantizeLinear)
//===----------------------------------------------------------------------===//

// `scale` and `zero_point` have one shape, which says how they are read:
//  * one element (rank 0 or [1]): per tensor;
//  * 1-D of the size of input dim `axis`: per axis (e.g. per channel);
//  * the input's rank with every dim 1 or the input's: elementwise with
//    numpy broadcasting (ONNX blocked quantization, expanded by the importer).
// `axis` is non-negative (the importer normalizes it); per tensor it is unused.
class Dlc_QuantOp<string mnemonic> : Dlc_Op<mnemonic, [InferTypeOpAdaptor]> {
  let results = (outs Dlc_Tensor:$output);
}

def Dlc_QuantizeLinearOp : Dlc_QuantOp<"quantize_linear"> {
  let summary = "saturate(round_half_even(input / scale) + zero_point)";
  let description = [{
    The result has the input's shape and the zero point's element type, an
    8- or 16-bit integer (signless = signed, or unsigned). Out-of-range
    values saturate; NaN becomes the lowest value.
  }];
  let arguments = (ins Dlc_FloatTensor:$input, Dlc_FloatTensor:$scale,
                   Dlc_Tensor:$zero_point, DefaultValuedAttr<I64Attr, "1">:$axis);
}

def Dlc_DequantizeLinearOp : Dlc_QuantOp<"dequantize_linear"> {
  let summary = "(input - zero_point) * scale";
  let description = [{
    The input is an 8-, 16- or 32-bit integer tensor, the zero point has its
    element type; the result has the input's shape and the scale's element
    type.
  }];
  let arguments = (ins Dlc_Tensor:$input, Dlc_FloatTensor:$scale,
                   Dlc_Tensor:$zero_point, DefaultValuedAttr<I64Attr, "1">:$axis);
}

//===----------------------------------------------------------------------===//
// Pooling and normalization
//===----------------------------------------------------------------------===//

def Dlc_MaxPoolOp : Dlc_Op<"max_pool", [Dlc_Differentiable, InferTypeOpAdaptor]> {
  let summary = "N-d max pooling (ONNX MaxPool, explicit pads)";
  let arguments = (ins Dlc_Tensor:$input, DenseI64ArrayAttr:$kernel_shape,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                   DenseI64ArrayAttr:$dilations,
                   DefaultValuedAttr<BoolAttr, "false">:$ceil_mode);
  let results = (outs Dlc_Tensor:$output);
}

def Dlc_AvgPoolOp : Dlc_Op<"avg_pool", [Dlc_Differentiable, InferTypeOpAdaptor]> {
  let summary = "N-d average pooling (ONNX AveragePool, explicit pads)";
  let arguments = (ins Dlc_FloatTensor:$input, DenseI64ArrayAttr:$kernel_shape,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                   DenseI64ArrayAttr:$dilations,
                   DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                   DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
  let results = (outs Dlc_FloatTensor:$output);
}

def Dlc_GlobalAvgPoolOp : Dlc_Op<"global_avg_pool", [Dlc_Differentiable, InferTypeOpAdaptor]> {
  let summary = "mean over all spatial dims, kept as size-1 dims";
  let arguments = (ins Dlc_FloatTensor:$input);
  let results = (outs Dlc_FloatTensor:$output);
}

def Dlc_BatchNormOp : Dlc_Op<"batch_norm", [Dlc_Differentiable, AllTypesMatch<["input", "output"]>]> {
  let summary = "inference batch normalization over dim 1";
  let arguments = (ins Dlc_FloatTensor:$input, Dlc_FloatTensor:$scale,
                   Dlc_FloatTensor:$bias, Dlc_FloatTensor:$mean, Dlc_FloatTensor:$variance,
                   DefaultValuedAttr<F32Attr, "1e-5">:$epsilon);
  let results = (outs Dlc_FloatTensor:$output);
  let hasVerifier = 1;
}

def Dlc_LayerNormOp : Dlc_Op<"layer_norm", [Dlc_Differentiable, AllTypesMatch<["input", "output"]>]> {
  let summary = "normalize over dims [axis, rank), then scale and shift";
  let arguments = (ins Dlc_FloatTensor:$input, Dlc_FloatTensor:$scale,
                   Optional<Dlc_FloatTensor>:$bias, I64Attr:$axis,
                   DefaultValuedAttr<F32Attr, "1e-5">:$epsilon);
  let results = (outs Dlc_FloatTensor:$output);
  let assemblyFormat = "$input `,` $scale (`,` $bias^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

class Dlc_SoftmaxBase<string mnemonic> : Dlc_Op<mnemonic, [Dlc_Differentiable, AllTypesMatch<["input", "output"]>]> {
  let arguments = (ins Dlc_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Dlc_FloatTensor:$output);
  let hasVerifier = 1;
}
def Dlc_SoftmaxOp : Dlc_SoftmaxBase<"softmax"> { let summary = "softmax along one axis"; }
def Dlc_LogSoftmaxOp : Dlc_SoftmaxBase<"log_softmax"> { let summary = "log of softmax along one axis"; }

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

class Dlc_ReduceOp<string mnemonic> : Dlc_Op<mnemonic, [Dlc_Differentiable, InferTypeOpAdaptor]> {
  let arguments = (ins Dlc_Tensor:$input, DenseI64ArrayAttr:$axes,
                   DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs Dlc_Tensor:$output);
}
def Dlc_ReduceSumOp : Dlc_ReduceOp<"reduce_sum"> { let summary = "sum over `axes` (sorted, unique)"; }
def Dlc_ReduceMeanOp : Dlc_ReduceOp<"reduce_mean"> { let summary = "mean over `axes` (sorted, unique)"; }
def Dlc_ReduceMaxOp : Dlc_ReduceOp<"reduce_max"> { let summary = "max over `axes` (sorted, unique)"; }

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def Dlc_ReshapeOp : Dlc_Op<"reshape", [Dlc_Differentiable]> {
  let summary = "same elements, new static shape (Reshape, Flatten, Squeeze, Unsqueeze)";
  let arguments = (ins Dlc_Tensor:$input);
  let results = (outs Dlc_Tensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Dlc_TransposeOp : Dlc_Op<"transpose", [Dlc_Differentiable, InferTypeOpAdaptor]> {
  let summary = "permute dims: output dim i is input dim perm[i]";
  let arguments = (ins Dlc_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Dlc_Tensor:$output);
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Dlc_ConcatOp : Dlc_Op<"concat", [Dlc_Differentiable, InferTypeOpAdaptor]> {
  let summary = "join tensors along `axis`";
  let arguments = (ins Variadic<Dlc_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Dlc_Tensor:$output);
}

def Dlc_SplitOp : Dlc_Op<"split", [Dlc_Differentiable]> {
  let summary = "cut a tensor along `axis` into the result types' sizes";
  let arguments = (ins Dlc_Tensor:$input, I64Attr:$axis);
  let results = (outs Variadic<Dlc_Tensor>:$outputs);
  let hasVerifier = 1;
}

def Dlc_SliceOp : Dlc_Op<"slice", [Dlc_Differentiable]> {
  let summary = "strided window: output[i] = input[starts + i * steps] per dim";
  let description = [{
    `starts` and `steps` have one entry per dim (ONNX Slice normalized:
    clamped starts, steps may be negative); the result shape gives the
    number of elements taken per dim.
  }];
  let arguments = (ins Dlc_Tensor:$input, DenseI64ArrayAttr:$starts,
                   DenseI64ArrayAttr:$steps);
  let results = (outs Dlc_Tensor:$output);
  let hasVerifier = 1;
}

def Dlc_GatherOp : Dlc_Op<"gather", [Dlc_Differentiable, InferTypeOpAdaptor]> {
  let summary = "take entries of `data` along `axis` at `indices` (negative wrap)";
  let arguments = (ins Dlc_Tensor:$data, Dlc_IntTensor:$indices, I64Attr:$axis);
  let results = (outs Dlc_Tensor:$output);
}

def Dlc_ExpandOp : Dlc_Op<"expand", [Dlc_Differentiable]> {
  let summary = "broadcast to the result shape (ONNX Expand)";
  let arguments = (ins Dlc_Tensor:$input);
  let results = (outs Dlc_Tensor:$output);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Placement
//===----------------------------------------------------------------------===//

def Dlc_CopyOp : Dlc_Op<"copy", [AllTypesMatch<["input", "output"]>]> {
  let summary = "the value on another device (inserted by dlc-place)";
  let description = [{
    `device` is where the result lives ("cpu", "cuda:0", ...); the input
    lives where its producer ran (graph arguments: on the host). Never
    outlined into a kernel: the plan builder turns it into a COPY node.
  }];
  let arguments = (ins Dlc_Tensor:$input, StrAttr:$device);
  let results = (outs Dlc_Tensor:$output);
}

//===----------------------------------------------------------------------===//
// Fusion
//===----------------------------------------------------------------------===//

def Dlc_KernelOp : Op<Dlc_Dialect, "kernel", [IsolatedFromAbove, Pure,
    SingleBlockImplicitTerminator<"YieldOp">]> {
  let summary = "a group of ops compiled into one kernel (fusion result)";
  let description = [{
    The body computes the results from the block arguments, which stand for
    `inputs`. Created by `dlc-fuse-kernels`; `dlc-outline-kernels` turns
    each into one kernel function, so one plan node runs the whole group.
    `name` says what was fused (e.g. "conv+add+relu") for --stats.
  }];
  let arguments = (ins Variadic<Dlc_Tensor>:$inputs, StrAttr:$name);
  let results = (outs Variadic<Dlc_Tensor>:$outputs);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$name `(` $inputs `)` attr-dict `:` functional-type($inputs, results) $body";
  let hasVerifier = 1;
}

def Dlc_YieldOp : Op<Dlc_Dialect, "yield", [Pure, Terminator, ReturnLike,
    HasParent<"KernelOp">]> {
  let summary = "the results of a dlc.kernel body";
  let arguments = (ins Variadic<Dlc_Tensor>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
  let builders = [OpBuilder<(ins), [{ build($_builder, $_state, ::mlir::ValueRange()); }]>];
}

#endif // DLC_OPS_TD
