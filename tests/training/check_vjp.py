#!/usr/bin/env python3
"""Every VJP rule of dlc-autodiff against central finite differences.

One small float64 ONNX model per case: the first operand is `A + x` (A an
initializer, x a graph input) and the other float operands are
initializers, so dlc computes d(loss)/d(initializer) for every operand of
the op under test (loss = mse against random labels). The reference is
(L(w + h e) - L(w - h e)) / 2h with the ONNX reference evaluator in
float64, h = 1e-6, at up to 12 random entries of each initializer; a case
passes when |dlc - fd| <= 1e-7 + 1e-5 |fd| everywhere. Random inputs only
(values away from kinks: relu/abs/max ties are measure-zero).

usage: check_vjp.py --dlc build/bin/dlc [--filter REGEX] [-v]
Last line: `N passed, N failed`; exit 0 only when none failed.
"""
import argparse
import math
import re
import sys
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dlc_gradients import dlc_gradients, run_all  # noqa: E402

F64 = TensorProto.DOUBLE
RNG = np.random.default_rng(7)


def rand(*shape, low=-1.0, high=1.0):
    return RNG.uniform(low, high, size=shape).astype(np.float64)


def positive(*shape):
    return rand(*shape, low=0.5, high=2.0)


class Case:
    """y = op(A + x, *others); `others` maps names to initializer arrays."""

    def __init__(self, name, op, a, others=(), attrs=None, int_inits=None, opset=17,
                 extra_inputs=None):
        self.name, self.op, self.a = name, op, a
        self.others = list(others)
        self.attrs = attrs or {}
        self.int_inits = int_inits or {}  # non-float constants (axes, indices, shapes)
        self.opset = opset
        self.extra_inputs = extra_inputs or []  # operand names after the float ones

    def model(self, weights):
        inits = [numpy_helper.from_array(weights["A"], "A")]
        inits += [numpy_helper.from_array(weights[n], n) for n, _ in self.others]
        inits += [numpy_helper.from_array(v, n) for n, v in self.int_inits.items()]
        nodes = [helper.make_node("Add", ["A", "x"], ["a"], name="shift")]
        operands = ["a"] + [n for n, _ in self.others] + self.extra_inputs
        nodes.append(helper.make_node(self.op, operands, ["y"], name="op", **self.attrs))
        graph = helper.make_graph(
            nodes, self.name,
            [helper.make_tensor_value_info("x", F64, self.a.shape)],
            [helper.make_tensor_value_info("y", F64, None)], inits)
        return helper.make_model(graph, opset_imports=[helper.make_opsetid("", self.opset)])

    def weights(self):
        w = {"A": self.a}
        w.update({n: v for n, v in self.others})
        return w


def cases():
    c = []
    for op, a in [("Relu", rand(3, 4)), ("Tanh", rand(3, 4)), ("Sigmoid", rand(3, 4)),
                  ("Exp", rand(3, 4)), ("Log", positive(3, 4)), ("Neg", rand(3, 4)),
                  ("Abs", rand(3, 4)), ("Sqrt", positive(3, 4)), ("Reciprocal", positive(3, 4)),
                  ("Erf", rand(3, 4)), ("Identity", rand(3, 4))]:
        c.append(Case(op.lower(), op, a))
    c.append(Case("leaky_relu", "LeakyRelu", rand(3, 4), attrs={"alpha": 0.2}))
    c.append(Case("gelu", "Gelu", rand(3, 4), opset=20))
    c.append(Case("gelu_tanh", "Gelu", rand(3, 4), attrs={"approximate": "tanh"}, opset=20))
    c.append(Case("clip", "Clip", rand(3, 4), int_inits={"lo": np.array(-0.5), "hi": np.array(0.5)},
                  extra_inputs=["lo", "hi"]))
    c.append(Case("softmax", "Softmax", rand(3, 5), attrs={"axis": 1}))
    c.append(Case("log_softmax", "LogSoftmax", rand(3, 5), attrs={"axis": 0}))
    for op in ["Add", "Sub", "Mul", "Div"]:
        b = positive(4) if op == "Div" else rand(4)
        c.append(Case(op.lower() + "_bcast_row", op, rand(3, 4), [("B", b)]))
        b2 = positive(3, 1) if op == "Div" else rand(3, 1)
        c.append(Case(op.lower() + "_bcast_col", op, rand(2, 3, 4), [("B", b2)]))
    c.append(Case("pow", "Pow", positive(3, 4), [("B", rand(3, 4))]))
    c.append(Case("matmul", "MatMul", rand(3, 4), [("B", rand(4, 5))]))
    c.append(Case("matmul_batched", "MatMul", rand(2, 3, 4), [("B", rand(4, 5))]))
    c.append(Case("matmul_vec", "MatMul", rand(4), [("B", rand(2, 4, 5))]))
    for ta in (0, 1):
        for tb in (0, 1):
            a = rand(4, 3) if ta else rand(3, 4)
            b = rand(5, 4) if tb else rand(4, 5)
            c.append(Case(f"gemm_t{ta}{tb}", "Gemm", a, [("B", b), ("C", rand(5))],
                          attrs={"transA": ta, "transB": tb, "alpha": 0.7, "beta": 1.3}))
    c.append(Case("conv_pad", "Conv", rand(2, 3, 6, 6), [("W", rand(4, 3, 3, 3)), ("Bias", rand(4))],
                  attrs={"pads": [1, 1, 1, 1]}))
    c.append(Case("conv_stride", "Conv", rand(2, 2, 7, 6), [("W", rand(3, 2, 3, 2))],
                  attrs={"strides": [2, 2], "pads": [0, 1, 1, 0]}))
    c.append(Case("conv_dilation", "Conv", rand(1, 2, 7, 7), [("W", rand(2, 2, 2, 3))],
                  attrs={"dilations": [2, 1], "strides": [1, 2]}))
    c.append(Case("conv1d", "Conv", rand(2, 3, 9), [("W", rand(2, 3, 4))],
                  attrs={"strides": [3], "pads": [2, 0]}))
    c.append(Case("max_pool", "MaxPool", rand(2, 3, 6, 6), attrs={"kernel_shape": [2, 2], "strides": [2, 2]}))
    c.append(Case("max_pool_overlap", "MaxPool", rand(1, 2, 5, 5),
                  attrs={"kernel_shape": [3, 3], "strides": [1, 2], "pads": [1, 1, 1, 1]}))
    c.append(Case("max_pool_ceil", "MaxPool", rand(1, 2, 5, 5),
                  attrs={"kernel_shape": [2, 2], "strides": [2, 2], "ceil_mode": 1}))
    c.append(Case("avg_pool", "AveragePool", rand(2, 3, 6, 6), attrs={"kernel_shape": [2, 2], "strides": [2, 2]}))
    c.append(Case("avg_pool_pads", "AveragePool", rand(1, 2, 5, 5),
                  attrs={"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1]}))
    c.append(Case("avg_pool_include_pad", "AveragePool", rand(1, 2, 5, 5),
                  attrs={"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1],
                         "count_include_pad": 1}))
    c.append(Case("global_avg_pool", "GlobalAveragePool", rand(2, 3, 4, 5)))
    c.append(Case("flatten", "Flatten", rand(2, 3, 4), attrs={"axis": 1}))
    c.append(Case("reshape", "Reshape", rand(2, 3, 4), int_inits={"shape": np.array([4, 6])},
                  extra_inputs=["shape"]))
    c.append(Case("transpose", "Transpose", rand(2, 3, 4), attrs={"perm": [2, 0, 1]}))
    c.append(Case("reduce_sum", "ReduceSum", rand(2, 3, 4), attrs={"keepdims": 0},
                  int_inits={"axes": np.array([0, 2])}, extra_inputs=["axes"]))
    c.append(Case("reduce_mean", "ReduceMean", rand(2, 3, 4), attrs={"axes": [1], "keepdims": 1}))
    c.append(Case("reduce_max", "ReduceMax", rand(2, 3, 4), attrs={"axes": [2], "keepdims": 0}))
    c.append(Case("concat", "Concat", rand(2, 3), [("B", rand(2, 2))], attrs={"axis": 1}))
    c.append(Case("slice_neg_step", "Slice", rand(4, 7),
                  int_inits={"starts": np.array([6]), "ends": np.array([0]), "axes": np.array([1]),
                             "steps": np.array([-2])}, extra_inputs=["starts", "ends", "axes", "steps"]))
    c.append(Case("slice_stride", "Slice", rand(5, 6),
                  int_inits={"starts": np.array([1, 0]), "ends": np.array([5, 6]), "axes": np.array([0, 1]),
                             "steps": np.array([2, 3])}, extra_inputs=["starts", "ends", "axes", "steps"]))
    c.append(Case("expand", "Expand", rand(3, 1), int_inits={"shape": np.array([2, 3, 4])},
                  extra_inputs=["shape"]))
    c.append(Case("gather", "Gather", rand(5, 3), int_inits={"idx": np.array([[0, 4], [4, -1]])},
                  extra_inputs=["idx"], attrs={"axis": 0}))
    c.append(Case("where", "Where", rand(3, 4), [("B", rand(4))]))  # condition prepended below
    c.append(Case("batch_norm", "BatchNormalization", rand(2, 3, 4, 4),
                  [("scale", rand(3)), ("bias", rand(3)), ("mean", rand(3)), ("var", positive(3))]))
    c.append(Case("layer_norm", "LayerNormalization", rand(2, 3, 4),
                  [("scale", rand(3, 4)), ("bias", rand(4))], attrs={"axis": 1}))
    return c


def fix_where(case, model):
    """Where's condition is operand 0: a constant bool pattern."""
    if case.op != "Where":
        return model
    cond = numpy_helper.from_array(np.arange(12).reshape(3, 4) % 3 == 0, "cond")
    model.graph.initializer.append(cond)
    node = model.graph.node[1]
    node.input.insert(0, "cond")
    return model


def float64_reference(case, a):
    """Ops whose ONNX reference evaluator works in float32 precision (too
    coarse for finite differences): their float64 definition."""
    erf = np.vectorize(math.erf)
    if case.op == "Erf":
        return erf(a)
    if case.op == "Gelu" and case.attrs.get("approximate") == "tanh":
        return 0.5 * a * (1 + np.tanh(math.sqrt(2 / math.pi) * (a + 0.044715 * a ** 3)))
    if case.op == "Gelu":
        return 0.5 * a * (1 + erf(a / math.sqrt(2)))
    return None


def loss_of(case, weights, x, labels):
    y = float64_reference(case, weights["A"] + x)
    if y is not None:
        return float(np.mean((y - labels) ** 2)), y
    model = fix_where(case, case.model(weights))
    (y,) = ReferenceEvaluator(model).run(None, {"x": x})
    return float(np.mean((y - labels) ** 2)), y


def check(case, dlc, verbose):
    weights = case.weights()
    x = rand(*case.a.shape) * 0.1
    _, y = loss_of(case, weights, x, 0)
    labels = rand(*np.shape(y))
    model = fix_where(case, case.model(weights))
    loss, pred, grads = dlc_gradients(dlc, model, {"x": x}, labels)
    ref_loss, _ = loss_of(case, weights, x, labels)
    problems = []
    if not np.isclose(loss, ref_loss, rtol=1e-9, atol=1e-12):
        problems.append(f"loss {loss} != reference {ref_loss}")
    expected = set(weights) - ({"mean", "var"} if case.op == "BatchNormalization" else set())
    if set(grads) != expected:
        problems.append(f"gradients for {sorted(grads)}, expected {sorted(expected)}")
    h = 1e-6
    for name in sorted(expected & set(grads)):
        w = weights[name]
        flat = RNG.permutation(w.size)[:12]
        for i in flat:
            idx = np.unravel_index(i, w.shape)
            up, down = {k: v.copy() for k, v in weights.items()}, {k: v.copy() for k, v in weights.items()}
            up[name][idx] += h
            down[name][idx] -= h
            fd = (loss_of(case, up, x, labels)[0] - loss_of(case, down, x, labels)[0]) / (2 * h)
            got = grads[name][idx]
            if not abs(got - fd) <= 1e-7 + 1e-5 * abs(fd):
                problems.append(f"d/d{name}{list(idx)}: dlc {got:.10g}, finite difference {fd:.10g}")
    if verbose or problems:
        print(f"{'FAIL' if problems else 'ok  '} {case.name}: " +
              ("; ".join(problems[:4]) if problems else f"{sum(g.size for g in grads.values())} gradient entries"))
    return not problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dlc", required=True)
    ap.add_argument("--filter", default=".*")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    return run_all((case.name, lambda case=case: check(case, args.dlc, args.verbose))
                   for case in cases() if re.search(args.filter, case.name))

if __name__ == "__main__":
    sys.exit(main())
