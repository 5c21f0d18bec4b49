#!/usr/bin/env python3
"""QuantizeLinear, DequantizeLinear, MatMulInteger, QLinearMatMul and
QLinearConv on random inputs, against the ONNX reference evaluator.

The node tests (tests/conformance) have one small case each; these add
per-axis / per-row / per-column / per-channel parameters, int8 and uint8,
rounding ties, saturation, blocked scales, strides, pads, dilations and
groups. Quantized outputs must equal the reference exactly (the
requantization is computed in f64 like the reference); float outputs within
rtol 1e-6. Malformed nodes (scale vs axis, zero point shape or type, blocked
shapes, bias type) must fail with exit 1, naming the node, and no output.

usage: check_quant_ops.py --dlc build/bin/dlc [--filter REGEX] [--keep DIR]
Last line: `N passed, N failed`.
"""
import argparse
import os
import re
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quant_common import compile_model, run_all, run_exe  # noqa: E402

RNG = np.random.default_rng(7)
NP2ONNX = {np.dtype(np.float32): TensorProto.FLOAT, np.dtype(np.float16): TensorProto.FLOAT16,
           np.dtype(np.uint8): TensorProto.UINT8, np.dtype(np.int8): TensorProto.INT8,
           np.dtype(np.uint16): TensorProto.UINT16, np.dtype(np.int16): TensorProto.INT16,
           np.dtype(np.int32): TensorProto.INT32}


def model(op, inputs, attrs=None, consts=(), opset=21):
    """One-node model; `inputs` maps names to arrays (None = absent input);
    names in `consts` become initializers."""
    names = [n if v is not None else "" for n, v in inputs.items()]
    node = helper.make_node(op, names, ["y"], **(attrs or {}))
    graph_inputs = [helper.make_tensor_value_info(n, NP2ONNX[v.dtype], v.shape)
                    for n, v in inputs.items() if v is not None and n not in consts]
    inits = [numpy_helper.from_array(v, n) for n, v in inputs.items() if n in consts]
    out = helper.make_tensor_value_info("y", TensorProto.UNDEFINED, None)
    g = helper.make_graph([node], op, graph_inputs, [out], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    feeds = {n: v for n, v in inputs.items() if v is not None and n not in consts}
    return m, feeds


def rand_q(dtype, shape):
    info = np.iinfo(dtype)
    return RNG.integers(info.min, info.max + 1, size=shape).astype(dtype)


def rand_scale(shape, dtype=np.float32):
    return RNG.uniform(0.005, 0.05, size=shape).astype(dtype)


def cases():
    # QuantizeLinear: ties (k + 0.5) * scale, out of range, per axis, blocked.
    for qt in (np.uint8, np.int8, np.int16, np.uint16):
        s = np.float32(0.25)
        x = np.concatenate([(np.arange(-40, 40) + 0.5) * s, [1e6, -1e6],
                            RNG.standard_normal(30) * 40]).astype(np.float32)
        yield ("quantize_ties_%s" % np.dtype(qt).name,
               model("QuantizeLinear", {"x": x, "s": np.array(s), "z": np.array(3, qt)}))
    x = RNG.standard_normal((2, 3, 4, 5)).astype(np.float32)
    for axis in (0, 1, -1):
        n = x.shape[axis]
        yield ("quantize_axis%d" % axis,
               model("QuantizeLinear", {"x": x, "s": rand_scale(n), "z": rand_q(np.int8, n)},
                     {"axis": axis}))
    yield ("quantize_no_zero_point",
           model("QuantizeLinear", {"x": x, "s": rand_scale(3)}, {"axis": 1}))
    yield ("quantize_blocked",
           model("QuantizeLinear", {"x": x, "s": rand_scale((2, 3, 4, 2)),
                                    "z": rand_q(np.uint8, (2, 3, 4, 2))},
                 {"axis": 3, "block_size": 3}))
    yield ("quantize_blocked_block_above_dim",
           model("QuantizeLinear", {"x": x[0, 0], "s": rand_scale((4, 1)),
                                    "z": rand_q(np.int8, (4, 1))}, {"axis": 1, "block_size": 100}))
    # DequantizeLinear.
    for qt in (np.int8, np.uint8, np.int16):
        xq = rand_q(qt, (2, 3, 4, 5))
        yield ("dequantize_axis1_%s" % np.dtype(qt).name,
               model("DequantizeLinear", {"x": xq, "s": rand_scale(3), "z": rand_q(qt, 3)},
                     {"axis": 1}))
    yield ("dequantize_int32",
           model("DequantizeLinear", {"x": RNG.integers(-10**6, 10**6, (4, 6)).astype(np.int32),
                                      "s": rand_scale(())}))
    yield ("dequantize_blocked_const",
           model("DequantizeLinear", {"x": rand_q(np.int8, (6, 4)), "s": rand_scale((3, 4)),
                                      "z": rand_q(np.int8, (3, 4))},
                 {"axis": 0, "block_size": 2}, consts=("s", "z")))
    # MatMulInteger: per-row A and per-column B zero points, batched.
    # (The reference evaluator does not broadcast per-row zero points and
    # scales: those cases get per_row_reference.)
    for qt in (np.uint8, np.int8):
        yield ("matmulinteger_%s" % np.dtype(qt).name,
               model("MatMulInteger", {"A": rand_q(qt, (5, 7)), "B": rand_q(qt, (7, 3)),
                                       "a_zero_point": rand_q(qt, 5),
                                       "b_zero_point": rand_q(qt, 3)}, opset=11))
    yield ("matmulinteger_batched",
           model("MatMulInteger", {"A": rand_q(np.uint8, (2, 4, 9)), "B": rand_q(np.int8, (9, 6)),
                                   "a_zero_point": rand_q(np.uint8, ())}, opset=11))
    # QLinearMatMul: per-tensor and per-row/per-column parameters.
    for qt in (np.uint8, np.int8):
        yield ("qlinearmatmul_%s" % np.dtype(qt).name,
               model("QLinearMatMul", {"a": rand_q(qt, (3, 16)), "a_scale": rand_scale(()),
                                       "a_zero_point": rand_q(qt, ()), "b": rand_q(qt, (16, 8)),
                                       "b_scale": rand_scale(()), "b_zero_point": rand_q(qt, ()),
                                       "y_scale": np.float32(1.5), "y_zero_point": rand_q(qt, ())}))
    yield ("qlinearmatmul_per_row_col",
           model("QLinearMatMul", {"a": rand_q(np.uint8, (4, 16)), "a_scale": rand_scale(4),
                                   "a_zero_point": rand_q(np.uint8, 4), "b": rand_q(np.uint8, (16, 5)),
                                   "b_scale": rand_scale(5), "b_zero_point": rand_q(np.uint8, 5),
                                   "y_scale": np.float32(0.4), "y_zero_point": np.uint8(128)},
                 consts=("b", "b_scale", "b_zero_point")))
    # QLinearConv: per-channel weights, bias, pads, strides, dilations, groups.
    for qt, wt in ((np.uint8, np.int8), (np.int8, np.int8), (np.uint8, np.uint8)):
        yield ("qlinearconv_%s_%s" % (np.dtype(qt).name, np.dtype(wt).name),
               model("QLinearConv", {"x": rand_q(qt, (2, 4, 9, 9)), "x_scale": rand_scale(()),
                                     "x_zero_point": rand_q(qt, ()), "w": rand_q(wt, (6, 2, 3, 3)),
                                     "w_scale": rand_scale(6), "w_zero_point": np.zeros(6, wt) if wt == np.int8 else rand_q(wt, 6),
                                     "y_scale": np.float32(0.7), "y_zero_point": rand_q(qt, ()),
                                     "B": RNG.integers(-5000, 5000, 6).astype(np.int32)},
                     {"pads": [1, 0, 2, 1], "strides": [2, 1], "dilations": [1, 2], "group": 2},
                     consts=("w", "w_scale", "w_zero_point", "B"), opset=11))
    yield ("qlinearconv_per_tensor_1d",
           model("QLinearConv", {"x": rand_q(np.uint8, (1, 3, 20)), "x_scale": rand_scale(()),
                                 "x_zero_point": rand_q(np.uint8, ()), "w": rand_q(np.uint8, (4, 3, 5)),
                                 "w_scale": rand_scale(()), "w_zero_point": rand_q(np.uint8, ()),
                                 "y_scale": np.float32(2.0), "y_zero_point": np.uint8(10)},
                 {"auto_pad": "SAME_UPPER"}, opset=11))


def per_row_reference(m, feeds):
    """The reference of MatMulInteger / QLinearMatMul with 1-D per-row
    parameters of A reshaped to [M, 1], as the spec defines them."""
    values = dict(feeds)
    values.update({i.name: numpy_helper.to_array(i) for i in m.graph.initializer})
    node = m.graph.node[0]
    for i in ((2,) if node.op_type == "MatMulInteger" else (1, 2)):  # A's zero point (scale)
        name = node.input[i]
        if values[name].ndim == 1 and values[name].size > 1:
            values[name] = values[name].reshape(-1, 1)
    A = values[node.input[0]].astype(np.int32) - values[node.input[2]].astype(np.int32)
    if node.op_type == "MatMulInteger":
        B = values[node.input[1]].astype(np.int32) - values[node.input[3]].astype(np.int32)
        return A @ B
    B = values[node.input[3]].astype(np.int32) - values[node.input[5]].astype(np.int32)
    y_zp = values[node.input[7]]
    D = (A @ B) * (values[node.input[1]] * values[node.input[4]] / values[node.input[6]]).astype(np.float64)
    info = np.iinfo(y_zp.dtype)
    return np.clip(np.rint(D) + y_zp, info.min, info.max).astype(y_zp.dtype)


def check(name, m, feeds, dlc, tmp):
    node = m.graph.node[0]
    per_row = node.op_type in ("MatMulInteger", "QLinearMatMul") and any(
        np.ndim(feeds.get(n, 0)) == 1 and np.size(feeds[n]) > 1
        for n in node.input[1:3] if n in feeds)
    want = per_row_reference(m, feeds) if per_row else ReferenceEvaluator(m).run(None, feeds)[0]
    m.graph.output[0].CopyFrom(helper.make_tensor_value_info("y", NP2ONNX[want.dtype], want.shape))
    onnx.checker.check_model(m)
    exe = compile_model(dlc, m, tmp, name)
    got = run_exe(exe, feeds, tmp)[0]
    if got.shape != want.shape or got.dtype != want.dtype:
        return "got %s %s, want %s %s" % (got.dtype, got.shape, want.dtype, want.shape)
    if np.issubdtype(want.dtype, np.integer):
        diff = np.abs(got.astype(np.int64) - want.astype(np.int64))
        if diff.max() != 0:
            return "%d of %d values differ (max %d)" % (int((diff != 0).sum()), diff.size, diff.max())
    elif not np.allclose(got, want, rtol=1e-6, atol=0):
        return "max abs diff %g" % float(np.max(np.abs(got.astype(np.float64) - want)))
    return None


# Bad models: dlc exits 1, names the node and op, writes no output.
ERRORS = [
    ("scale_vs_axis", "QuantizeLinear",
     {"x": np.zeros((2, 3), np.float32), "s": np.ones(2, np.float32), "z": np.zeros(2, np.uint8)},
     {"axis": 1}, "scale [2] must be a scalar, [1], [3] (per axis 1"),
    ("zero_point_shape", "DequantizeLinear",
     {"x": np.zeros((2, 3), np.int8), "s": np.ones(3, np.float32), "z": np.zeros(1, np.int8)},
     {"axis": 1}, "scale [3] and zero_point [1] shapes differ"),
    ("axis_range", "QuantizeLinear",
     {"x": np.zeros((2, 3), np.float32), "s": np.ones(3, np.float32), "z": np.zeros(3, np.int8)},
     {"axis": 2}, "axis"),
    ("blocked_shape", "QuantizeLinear",
     {"x": np.zeros((2, 6), np.float32), "s": np.ones((2, 4), np.float32)},
     {"axis": 1, "block_size": 2}, "does not match input [2,6] with block_size 2 on axis 1"),
    ("float_input", "DequantizeLinear",
     {"x": np.zeros((2, 3), np.float32), "s": np.float32(1)}, {}, "x must be an int8"),
    ("conv_bias_type", "QLinearConv",
     {"x": np.zeros((1, 1, 4, 4), np.uint8), "xs": np.float32(1), "xz": np.uint8(0),
      "w": np.zeros((2, 1, 3, 3), np.uint8), "ws": np.float32(1), "wz": np.uint8(0),
      "ys": np.float32(1), "yz": np.uint8(0), "B": np.zeros(2, np.float32)},
     {}, "B must be an int32 tensor"),
    ("conv_scalar_weight", "QLinearConv",
     {"x": np.zeros((1, 2, 4, 4), np.uint8), "xs": np.float32(1), "xz": np.uint8(0),
      "w": np.uint8(3), "ws": np.ones(2, np.float32), "wz": np.zeros(2, np.uint8),
      "ys": np.float32(1), "yz": np.uint8(0)},
     {}, "does not broadcast"),
    ("blocked_huge_block", "QuantizeLinear",
     {"x": np.zeros((2, 6), np.float32), "s": np.ones((2, 2), np.float32)},
     {"axis": 1, "block_size": 2**62}, "does not match input [2,6] with block_size 6"),
    ("matmul_zero_point_type", "MatMulInteger",
     {"A": np.zeros((2, 3), np.uint8), "B": np.zeros((3, 2), np.uint8), "az": np.int8(0)},
     {}, "operand element types differ"),
]


def check_error(dlc, tmp, name, op, inputs, attrs, message):
    import subprocess
    os.makedirs(tmp, exist_ok=True)
    m, _ = model(op, inputs, attrs, consts=tuple(inputs), opset=21)
    m.graph.node[0].name = "bad_" + name
    m.graph.output[0].CopyFrom(helper.make_tensor_value_info("y", TensorProto.FLOAT, None))
    path, exe = os.path.join(tmp, name + ".onnx"), os.path.join(tmp, name)
    onnx.save(m, path)
    p = subprocess.run([dlc, path, "-o", exe], capture_output=True, text=True, timeout=120)
    expected = "node 'bad_%s' (%s)" % (name, op)
    if p.returncode != 1:
        return "exit %d, want 1: %s" % (p.returncode, p.stderr.strip()[-300:])
    if expected not in p.stderr or message not in p.stderr:
        return "message %r lacks %r / %r" % (p.stderr.strip()[-300:], expected, message)
    if os.path.exists(exe):
        return "left an output file"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dlc", required=True)
    ap.add_argument("--filter", default=".*")
    ap.add_argument("--keep")
    args = ap.parse_args()
    def reported(name, problem):
        print("%s %s%s" % ("FAIL" if problem else "ok  ", name, ": " + problem if problem else ""))
        return problem is None

    def value_case(name, m, feeds, scratch):
        tmp = os.path.join(args.keep or scratch, name)
        os.makedirs(tmp, exist_ok=True)
        return reported(name, check(name, m, feeds, args.dlc, tmp))

    with tempfile.TemporaryDirectory() as scratch:
        checks = [(name, lambda name=name, m=m, feeds=feeds: value_case(name, m, feeds, scratch))
                  for name, (m, feeds) in cases() if re.search(args.filter, name)]
        checks += [("error_" + e[0], lambda e=e: reported(
                       "error_" + e[0], check_error(args.dlc, args.keep or scratch, *e)))
                   for e in ERRORS if re.search(args.filter, "error_" + e[0])]
        return run_all(checks)

if __name__ == "__main__":
    sys.exit(main())
