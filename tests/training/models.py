"""The MLP and small CNN of the training tests, as ONNX (what dlc --train
compiles) and as the same function in PyTorch (the reference), from one set
of float32 weights."""
import numpy as np
from onnx import TensorProto, helper, numpy_helper

F32 = TensorProto.FLOAT


def init_weights(kind, seed, classes=10):
    rng = np.random.default_rng(seed)

    def he(*shape, fan_in):
        return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)

    if kind == "mlp":
        return {"w1": he(64, 64, fan_in=64), "b1": np.zeros(64, np.float32) + 0.01,
                "w2": he(64, classes, fan_in=64), "b2": np.zeros(classes, np.float32)}
    return {"c1": he(8, 1, 3, 3, fan_in=9), "cb1": np.zeros(8, np.float32) + 0.01,
            "c2": he(16, 8, 3, 3, fan_in=72), "cb2": np.zeros(16, np.float32) + 0.01,
            "w": he(10, 64, fan_in=64), "b": np.zeros(classes, np.float32)}


def onnx_model(kind, weights, batch):
    """mlp: x[B,64] -> Gemm -> Relu -> Gemm -> logits[B,10].
    cnn: x[B,1,8,8] -> Conv3x3(8) -> Relu -> MaxPool2 -> Conv3x3(16) -> Tanh
         -> AveragePool2 -> Flatten -> Gemm(transB) -> logits[B,10]."""
    inits = [numpy_helper.from_array(v, k) for k, v in weights.items()]
    n = helper.make_node
    if kind == "mlp":
        x = helper.make_tensor_value_info("x", F32, [batch, 64])
        nodes = [n("Gemm", ["x", "w1", "b1"], ["h"], name="fc1"),
                 n("Relu", ["h"], ["r"], name="relu1"),
                 n("Gemm", ["r", "w2", "b2"], ["logits"], name="fc2")]
    else:
        x = helper.make_tensor_value_info("x", F32, [batch, 1, 8, 8])
        nodes = [n("Conv", ["x", "c1", "cb1"], ["h1"], name="conv1", pads=[1, 1, 1, 1]),
                 n("Relu", ["h1"], ["r1"], name="relu1"),
                 n("MaxPool", ["r1"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
                 n("Conv", ["p1", "c2", "cb2"], ["h2"], name="conv2", pads=[1, 1, 1, 1]),
                 n("Tanh", ["h2"], ["r2"], name="tanh2"),
                 n("AveragePool", ["r2"], ["p2"], name="pool2", kernel_shape=[2, 2], strides=[2, 2]),
                 n("Flatten", ["p2"], ["f"], name="flatten", axis=1),
                 n("Gemm", ["f", "w", "b"], ["logits"], name="fc", transB=1)]
    y = helper.make_tensor_value_info("logits", F32, [batch, 10])
    graph = helper.make_graph(nodes, kind, [x], [y], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def torch_forward(kind, params, x):
    import torch.nn.functional as F
    if kind == "mlp":
        return F.relu(x @ params["w1"] + params["b1"]) @ params["w2"] + params["b2"]
    h = F.max_pool2d(F.relu(F.conv2d(x, params["c1"], params["cb1"], padding=1)), 2)
    h = F.avg_pool2d(F.conv2d(h, params["c2"], params["cb2"], padding=1).tanh(), 2)
    return h.flatten(1) @ params["w"].T + params["b"]
