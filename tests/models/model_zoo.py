"""End-to-end test models built with onnx.helper (random weights, fixed seeds).

Each builder returns (ModelProto, {input name: numpy array}); opset 17,
weights and inputs from numpy generators with fixed seeds; inputs are random
normal values kept away from zero.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


class Builder:
    """Collects nodes and initializers with unique names."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.count = [], [], 0

    def name(self, prefix):
        self.count += 1
        return "%s_%d" % (prefix, self.count)

    def weight(self, shape, scale=None):
        fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else shape[0]
        scale = scale if scale is not None else 1.0 / np.sqrt(fan_in)
        return self.const(self.rng.normal(0, scale, shape).astype(np.float32))

    def input(self, shape):
        """Random normal input with no value near zero (|x| >= 0.01)."""
        x = self.rng.normal(size=shape).astype(np.float32)
        return np.where(np.abs(x) < 0.01, np.copysign(np.float32(0.01), x), x).astype(np.float32)

    def const(self, array, prefix="w"):
        name = self.name(prefix)
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def op(self, op_type, inputs, outputs=1, **attrs):
        outs = [self.name(op_type.lower()) for _ in range(outputs)]
        self.nodes.append(helper.make_node(op_type, inputs, outs, name=outs[0] + "_node", **attrs))
        return outs[0] if outputs == 1 else outs

    def model(self, name, inputs, outputs, opset=OPSET):
        graph = helper.make_graph(self.nodes, name, inputs, outputs, self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
        model.ir_version = 8
        onnx.checker.check_model(model)
        return model


def tensor_info(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def mlp():
    b = Builder(1)
    x = "x"
    h = b.op("Relu", [b.op("Gemm", [x, b.weight([256, 784]), b.weight([256], 0.1)], transB=1)])
    h = b.op("Relu", [b.op("Gemm", [h, b.weight([128, 256]), b.weight([128], 0.1)], transB=1)])
    logits = b.op("Gemm", [h, b.weight([10, 128]), b.weight([10], 0.1)], transB=1)
    b.nodes.append(helper.make_node("Softmax", [logits], ["probs"], name="softmax", axis=1))
    model = b.model("mlp", [tensor_info("x", [4, 784])], [tensor_info("probs", [4, 10])])
    return model, {"x": b.input((4, 784))}


def lenet():
    b = Builder(2)
    h = b.op("Conv", ["x", b.weight([6, 1, 5, 5]), b.weight([6], 0.1)], pads=[2, 2, 2, 2])
    h = b.op("MaxPool", [b.op("Relu", [h])], kernel_shape=[2, 2], strides=[2, 2])
    h = b.op("Conv", [h, b.weight([16, 6, 5, 5]), b.weight([16], 0.1)])
    h = b.op("MaxPool", [b.op("Relu", [h])], kernel_shape=[2, 2], strides=[2, 2])
    h = b.op("Flatten", [h], axis=1)
    h = b.op("Relu", [b.op("Gemm", [h, b.weight([120, 400]), b.weight([120], 0.1)], transB=1)])
    h = b.op("Relu", [b.op("Gemm", [h, b.weight([84, 120]), b.weight([84], 0.1)], transB=1)])
    b.nodes.append(helper.make_node(
        "Gemm", [h, b.weight([10, 84]), b.weight([10], 0.1)], ["logits"], name="fc3", transB=1))
    model = b.model("lenet", [tensor_info("x", [2, 1, 28, 28])], [tensor_info("logits", [2, 10])])
    return model, {"x": b.input((2, 1, 28, 28))}


def conv_bn_relu(b, x, cin, cout, stride, relu=True, kernel=3):
    pad = kernel // 2
    h = b.op("Conv", [x, b.weight([cout, cin, kernel, kernel])], pads=[pad] * 4,
             strides=[stride, stride])
    scale = b.const(b.rng.uniform(0.5, 1.5, cout).astype(np.float32))
    bias = b.const(b.rng.normal(0, 0.1, cout).astype(np.float32))
    mean = b.const(b.rng.normal(0, 0.1, cout).astype(np.float32))
    var = b.const(b.rng.uniform(0.5, 1.5, cout).astype(np.float32))
    h = b.op("BatchNormalization", [h, scale, bias, mean, var], epsilon=1e-5)
    return b.op("Relu", [h]) if relu else h


def residual_block():
    """ResNet basic block, identity shortcut: (Conv+BN+Relu, Conv+BN) + x -> Relu."""
    b = Builder(3)
    h = conv_bn_relu(b, "x", 16, 16, 1)
    h = conv_bn_relu(b, h, 16, 16, 1, relu=False)
    b.nodes.append(helper.make_node("Add", [h, "x"], ["sum"], name="add_skip"))
    b.nodes.append(helper.make_node("Relu", ["sum"], ["y"], name="relu_out"))
    model = b.model("residual", [tensor_info("x", [2, 16, 14, 14])], [tensor_info("y", [2, 16, 14, 14])])
    return model, {"x": b.input((2, 16, 14, 14))}


def residual_block_strided():
    """Downsampling block: stride-2 Conv+BN+Relu, Conv+BN, plus a strided
    1x1 Conv+BN projection shortcut, then Relu."""
    b = Builder(5)
    h = conv_bn_relu(b, "x", 8, 16, 2)
    h = conv_bn_relu(b, h, 16, 16, 1, relu=False)
    shortcut = conv_bn_relu(b, "x", 8, 16, 2, relu=False, kernel=1)
    b.nodes.append(helper.make_node("Add", [h, shortcut], ["sum"], name="add_projection"))
    b.nodes.append(helper.make_node("Relu", ["sum"], ["y"], name="relu_out"))
    model = b.model("residual_strided", [tensor_info("x", [2, 8, 16, 16])],
                    [tensor_info("y", [2, 16, 8, 8])])
    return model, {"x": b.input((2, 8, 16, 16))}


def transformer_encoder():
    """Post-norm encoder layer: MHA (4 heads) + FFN with exact GELU (Erf form)."""
    batch, seq, d, heads, ff = 2, 16, 64, 4, 256
    dh = d // heads
    b = Builder(4)
    x = "x"

    def linear(v, n_in, n_out):
        return b.op("Add", [b.op("MatMul", [v, b.weight([n_in, n_out])]),
                            b.const(b.rng.normal(0, 0.05, n_out).astype(np.float32))])

    def heads_of(v):  # [B,S,D] -> [B,H,S,Dh]
        r = b.op("Reshape", [v, b.const(np.array([batch, seq, heads, dh], np.int64), "shape")])
        return b.op("Transpose", [r], perm=[0, 2, 1, 3])

    q, k, v = (heads_of(linear(x, d, d)) for _ in range(3))
    scores = b.op("MatMul", [q, b.op("Transpose", [k], perm=[0, 1, 3, 2])])
    scores = b.op("Div", [scores, b.const(np.array(np.sqrt(dh), np.float32), "scale")])
    attn = b.op("MatMul", [b.op("Softmax", [scores], axis=-1), v])
    attn = b.op("Transpose", [attn], perm=[0, 2, 1, 3])
    attn = b.op("Reshape", [attn, b.const(np.array([batch, seq, d], np.int64), "shape")])
    h = b.op("Add", [x, linear(attn, d, d)])

    def layer_norm(v):
        gamma = b.const(b.rng.uniform(0.8, 1.2, d).astype(np.float32))
        beta = b.const(b.rng.normal(0, 0.1, d).astype(np.float32))
        return b.op("LayerNormalization", [v, gamma, beta], axis=-1, epsilon=1e-5)

    h = layer_norm(h)
    f = linear(h, d, ff)
    erf = b.op("Erf", [b.op("Div", [f, b.const(np.array(np.sqrt(2.0), np.float32), "sqrt2")])])
    gelu = b.op("Mul", [b.op("Mul", [f, b.op("Add", [erf, b.const(np.array(1.0, np.float32), "one")])]),
                        b.const(np.array(0.5, np.float32), "half")])
    out = b.op("Add", [h, linear(gelu, ff, d)])
    gamma = b.const(b.rng.uniform(0.8, 1.2, d).astype(np.float32))
    beta = b.const(b.rng.normal(0, 0.1, d).astype(np.float32))
    b.nodes.append(helper.make_node("LayerNormalization", [out, gamma, beta], ["y"], name="ln_out",
                                    axis=-1, epsilon=1e-5))
    model = b.model("encoder", [tensor_info("x", [batch, seq, d])], [tensor_info("y", [batch, seq, d])])
    return model, {"x": b.input((batch, seq, d))}


MODELS = {
    "mlp": mlp,
    "lenet": lenet,
    "residual_block": residual_block,
    "residual_block_strided": residual_block_strided,
    "transformer_encoder": transformer_encoder,
}
