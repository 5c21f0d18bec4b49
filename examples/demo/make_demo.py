#!/usr/bin/env python3
"""Regenerates the bundled demo: mlp.onnx (784-128-10, softmax) and
data/input_0.pb + data/output_0.pb (onnxruntime's result). Deterministic."""
import os

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(2026)


def weight(name, shape):
    return numpy_helper.from_array(rng.normal(0, 1 / np.sqrt(shape[-1]), shape).astype(np.float32), name)


nodes = [
    helper.make_node("Gemm", ["image", "w1", "b1"], ["h1"], name="dense1", transB=1),
    helper.make_node("Relu", ["h1"], ["a1"], name="relu1"),
    helper.make_node("Gemm", ["a1", "w2", "b2"], ["logits"], name="dense2", transB=1),
    helper.make_node("Softmax", ["logits"], ["probs"], name="softmax", axis=1),
]
inits = [weight("w1", [128, 784]), weight("b1", [128]), weight("w2", [10, 128]), weight("b2", [10])]
graph = helper.make_graph(nodes, "demo_mlp",
                          [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 784])],
                          [helper.make_tensor_value_info("probs", TensorProto.FLOAT, [1, 10])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model)
path = os.path.join(HERE, "mlp.onnx")
onnx.save(model, path)

x = rng.uniform(0, 1, (1, 784)).astype(np.float32)
(probs,) = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(None, {"image": x})
os.makedirs(os.path.join(HERE, "data"), exist_ok=True)
onnx.save_tensor(numpy_helper.from_array(x, "image"), os.path.join(HERE, "data", "input_0.pb"))
onnx.save_tensor(numpy_helper.from_array(probs, "probs"), os.path.join(HERE, "data", "output_0.pb"))
print("wrote", path)
