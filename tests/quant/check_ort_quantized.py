#!/usr/bin/env python3
"""onnxruntime quantize_static models imported by dlc, against onnxruntime.

For an MLP (MatMul+Add, and Gemm), the small CNN of tests/training
(Conv, Relu, MaxPool, Conv, Tanh, AveragePool, Flatten, Gemm) and the two
ResNet basic blocks of tests/models (Conv+BatchNorm+Relu, residual Add,
projection shortcut), in
onnxruntime's QDQ format (QuantizeLinear/DequantizeLinear pairs around
Conv/MatMul/Gemm, per-tensor and per-channel weights) and QOperator format
(QLinearConv / QLinearMatMul), uint8 activations and int8 weights,
calibrated with MinMax on 32 random samples:

- every QuantizeLinear / QLinear* output of the quantized graph is made a
  graph output; dlc's int8/uint8 values must be within 1 quantization step
  of onnxruntime's (onnxruntime fuses QDQ into integer kernels and
  requantizes in f32, dlc computes what the graph says: the results differ
  by one step where a value lies within rounding error of a .5 tie), and at
  most 1% of them may differ at all;
- the float outputs (logits) must be within 1.5 output-quantization steps
  (absolute) of onnxruntime's, and the argmax must agree on >= 99% of rows.

usage: check_ort_quantized.py --dlc build/bin/dlc [--models mlp_qdq,...] [--keep DIR]
                              [--dlc-flag=-O0 ...]
Last line: `N passed, N failed`.
"""
import argparse
import logging
import os
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "training"))
sys.path.insert(0, os.path.join(HERE, "..", "models"))
from model_zoo import residual_block, residual_block_strided  # noqa: E402
from models import init_weights, onnx_model  # noqa: E402
from quant_common import compile_model, run_all, run_exe  # noqa: E402

BATCH = 8


def mlp_matmul(seed):
    w = init_weights("mlp", seed)
    n = helper.make_node
    nodes = [n("MatMul", ["x", "w1"], ["h"], name="fc1"), n("Add", ["h", "b1"], ["hb"], name="bias1"),
             n("Relu", ["hb"], ["r"], name="relu1"), n("MatMul", ["r", "w2"], ["o"], name="fc2"),
             n("Add", ["o", "b2"], ["logits"], name="bias2")]
    g = helper.make_graph(nodes, "mlp_matmul",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [BATCH, 64])],
                          [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [BATCH, 10])],
                          [numpy_helper.from_array(v, k) for k, v in w.items()])
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])


def input_shape(kind):
    return {"cnn": (BATCH, 1, 8, 8), "mlp": (BATCH, 64), "resnet": (2, 16, 14, 14),
            "resnet_strided": (2, 8, 16, 16)}[kind]


# name -> (float model builder, quant format, op types, per_channel)
CASES = {
    "mlp_qdq": (lambda: mlp_matmul(0), "QDQ", ["MatMul"], False),
    "mlp_gemm_qdq": (lambda: onnx_model("mlp", init_weights("mlp", 1), BATCH), "QDQ", ["Gemm"], True),
    "mlp_qoperator": (lambda: mlp_matmul(2), "QOperator", ["MatMul"], False),
    "cnn_qdq": (lambda: onnx_model("cnn", init_weights("cnn", 3), BATCH), "QDQ",
                ["Conv", "Gemm"], True),
    "cnn_qdq_per_tensor": (lambda: onnx_model("cnn", init_weights("cnn", 4), BATCH), "QDQ",
                           ["Conv", "Gemm", "MaxPool"], False),
    "cnn_qoperator": (lambda: onnx_model("cnn", init_weights("cnn", 5), BATCH), "QOperator",
                      ["Conv"], True),
    # ResNet basic blocks of tests/models (Conv+BatchNorm+Relu, residual Add).
    "resnet_qdq": (lambda: residual_block()[0], "QDQ", ["Conv", "Add"], True),
    "resnet_strided_qdq": (lambda: residual_block_strided()[0], "QDQ", ["Conv", "Add"], False),
    "resnet_strided_qoperator": (lambda: residual_block_strided()[0], "QOperator", ["Conv"], True),
}


def samples(kind, count, seed):
    rng = np.random.default_rng(seed)
    if kind.startswith("resnet"):
        return [rng.normal(size=input_shape(kind)).astype(np.float32) for _ in range(count)]
    return [rng.uniform(0, 1, input_shape(kind)).astype(np.float32) for _ in range(count)]


def quantize(float_path, out_path, fmt, op_types, per_channel, kind):
    from onnxruntime.quantization import (CalibrationDataReader, QuantFormat, QuantType,
                                          quantize_static)

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.it = iter([{"x": s} for s in samples(kind, 32, 0)])

        def get_next(self):
            return next(self.it, None)

    logging.getLogger().setLevel(logging.ERROR)  # "consider pre-processing" warnings
    quantize_static(float_path, out_path, Reader(),
                    quant_format=QuantFormat.QDQ if fmt == "QDQ" else QuantFormat.QOperator,
                    op_types_to_quantize=op_types, per_channel=per_channel,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)


def expose_quantized(model):
    """Adds every QuantizeLinear / QLinear* output as a graph output; returns
    their names and each one's scale name."""
    names = {o.name for o in model.graph.output}
    exposed = []
    for node in model.graph.node:
        if node.op_type in ("QuantizeLinear", "QLinearConv", "QLinearMatMul") and \
                node.output[0] not in names:
            scale = node.input[1] if node.op_type == "QuantizeLinear" else node.input[6]
            exposed.append((node.output[0], scale))
            model.graph.output.append(helper.make_empty_tensor_value_info(node.output[0]))
    # onnx wants typed outputs: take them from shape inference.
    inferred = onnx.shape_inference.infer_shapes(model)
    types = {v.name: v for v in list(inferred.graph.value_info) + list(inferred.graph.output)}
    for out in model.graph.output:
        if out.name in types and types[out.name].type.tensor_type.elem_type:
            out.CopyFrom(types[out.name])
    return exposed


def run_case(name, dlc, tmp, flags=()):
    import onnxruntime as ort
    build, fmt, op_types, per_channel = CASES[name]
    kind = next(k for k in ("resnet_strided", "resnet", "cnn", "mlp") if name.startswith(k))
    float_path, q_path = os.path.join(tmp, name + "_f32.onnx"), os.path.join(tmp, name + ".onnx")
    onnx.save(build(), float_path)
    quantize(float_path, q_path, fmt, op_types, per_channel, kind)
    qmodel = onnx.load(q_path)
    ops = sorted({n.op_type for n in qmodel.graph.node})
    exposed = expose_quantized(qmodel)
    onnx.save(qmodel, q_path)
    scales = {i.name: numpy_helper.to_array(i) for i in qmodel.graph.initializer}
    session = ort.InferenceSession(q_path, providers=["CPUExecutionProvider"])
    exe = compile_model(dlc, q_path, tmp, name, flags)
    problems, steps, rows, agree, int_total, int_diff = [], [], 0, 0, 0, 0
    out_names = [o.name for o in qmodel.graph.output]
    for x in samples(kind, 4, 1):
        want = dict(zip(out_names, session.run(None, {"x": x})))
        got = dict(zip(out_names, run_exe(exe, {"x": x}, tmp)))
        for tensor, _ in exposed:
            d = np.abs(got[tensor].astype(np.int64) - want[tensor].astype(np.int64))
            int_total += d.size
            int_diff += int((d != 0).sum())
            if d.max() > 1:
                problems.append("%s differs by %d steps" % (tensor, d.max()))
        logits_w, logits_g = want[out_names[0]], got[out_names[0]]
        # The logits are a DequantizeLinear of the last quantized tensor (QDQ)
        # or a float Add/Gemm after it: bound by the last exposed scale.
        last_scale = float(np.max(scales.get(exposed[-1][1], np.float32(0)))) if exposed else 0
        err = float(np.max(np.abs(logits_g - logits_w)))
        steps.append(err / last_scale if last_scale else err)
        if err > 1.5 * last_scale + 1e-5:
            problems.append("logits differ by %.4g (%.2f output steps)" % (err, err / last_scale))
        rows += logits_w[:, 0].size
        agree += int(np.sum(logits_g.argmax(1) == logits_w.argmax(1)))  # (per pixel for resnet)
    if int_diff > 0.01 * int_total:
        problems.append("%d of %d quantized values differ by one step" % (int_diff, int_total))
    if agree < 0.99 * rows:
        problems.append("argmax agrees on %d of %d rows" % (agree, rows))
    print("%s %s: ops %s; %d quantized tensors, %d of %d values differ by 1 step; logits max diff "
          "%.2f steps; argmax %d/%d" % ("FAIL" if problems else "ok  ", name, ",".join(ops),
                                        len(exposed), int_diff, int_total, max(steps), agree, rows))
    for p in sorted(set(problems)):
        print("     " + p)
    return not problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dlc", required=True)
    ap.add_argument("--models", default=",".join(CASES))
    ap.add_argument("--keep")
    ap.add_argument("--dlc-flag", action="append", default=[],
                    help="extra dlc flag (repeatable), e.g. --dlc-flag=-O0")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        def check(name):
            tmp = os.path.join(args.keep or scratch, name)
            os.makedirs(tmp, exist_ok=True)
            return run_case(name, args.dlc, tmp, args.dlc_flag)

        return run_all((name, lambda name=name: check(name)) for name in args.models.split(","))

if __name__ == "__main__":
    sys.exit(main())
