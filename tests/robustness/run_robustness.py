#!/usr/bin/env python3
"""The bad-input matrix of issue 9: nothing a user sends may crash dlc or a
compiled model.

Every case builds a bad model or input (bad_models.py), runs `dlc` or the
compiled executable, and asserts: exit code 1 (not a signal, not 0, not a
hang), stderr names the node / op / field, and no output file (nor a
temporary one) is left. Run-time cases share two compiled executables.
Cases whose input is valid but extreme (out-of-range Gather indices,
NaN/Inf, zero-size dims) check the documented result against numpy
instead. Prints `N passed, N failed`; exits 1 on a failure.

  run_robustness.py --dlc build/bin/dlc [--filter REGEX] [--keep] [--verbose]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bad_models as bm  # noqa: E402

TIMEOUT = 120


class Harness:
    def __init__(self, dlc, work, pattern):
        self.dlc, self.work, self.pattern = dlc, work, pattern
        self.results = []

    def selected(self, name):
        return not self.pattern or re.search(self.pattern, name)

    def path(self, name):
        return os.path.join(self.work, name)

    def write(self, name, data):
        path = self.path(name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def run(self, argv, env=None):
        """(returncode, stdout, stderr); returncode None on a hang or spawn error."""
        try:
            p = subprocess.run(argv, capture_output=True, timeout=TIMEOUT, env=env)
            return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
        except subprocess.TimeoutExpired:
            return None, "", "timed out after %d s" % TIMEOUT
        except OSError as e:
            return None, "", str(e)

    @staticmethod
    def exit_problems(code, stderr, expected=1):
        if code is None:
            return ["hung or failed to start (%s)" % stderr.strip()]
        if code < 0:
            return ["killed by signal %d" % -code]
        problems = []
        if code != expected:
            problems.append("exit code %d, expected %d" % (code, expected))
        if expected and not stderr.strip():
            problems.append("no message on stderr")
        return problems

    def record(self, name, problems, detail=""):
        self.results.append((name, problems, detail))

    def compile_fails(self, name, model, messages, extra_args=(), emit=None, out="out", env=None):
        """dlc on `model` (bytes or a path) exits 1, stderr has every message
        and the output directory stays empty."""
        if not self.selected(name):
            return
        case_dir = tempfile.mkdtemp(prefix="case-", dir=self.work)
        model_path = model if isinstance(model, str) else os.path.join(case_dir, "model.onnx")
        if not isinstance(model, str):
            with open(model_path, "wb") as f:
                f.write(model)
        out_dir = os.path.join(case_dir, "out")
        os.mkdir(out_dir)
        argv = [self.dlc, model_path, "-o", out if out == "-" else os.path.join(out_dir, out)]
        argv += (["--emit=" + emit] if emit else []) + list(extra_args)
        code, stdout, stderr = self.run(argv, env)
        problems = self.exit_problems(code, stderr)
        problems += ["stderr lacks %r" % m for m in messages if m not in stderr]
        left = os.listdir(out_dir)
        if left:
            problems.append("left files behind: %s" % left)
        if out == "-" and stdout:
            problems.append("wrote %d bytes to stdout" % len(stdout))
        self.record(name, problems, stderr)


def compile_matrix(h):
    """Bad models: every case must exit 1 with the named message."""
    fails = h.compile_fails
    fails("file_truncated", bm.truncated(), ["model.onnx", "not a valid ONNX model"])
    fails("file_empty", b"", ["the model file is empty"])
    for seed, size in ((1, 16), (2, 700), (3, 5000)):
        fails("file_random_bytes_%d" % size, bm.random_bytes(size, seed), ["model.onnx: "])
    fails("file_deep_nesting", bm.deep_nesting(5000), ["not a valid ONNX model", "nested more than 100 deep"])
    fails("file_is_a_directory", h.work, ["not a regular file"])
    fails("file_missing", h.path("does-not-exist.onnx"), ["does-not-exist.onnx", "cannot open"])

    fails("graph_cycle", bm.graph_cycle(), ["node 'first' (Relu)", "'b'", "later node 'second'"])
    fails("graph_dangling_input", bm.dangling_input(), ["node 'relu1' (Relu)", "'nowhere'"])
    fails("graph_dangling_output", bm.dangling_output(), ["graph output 'ghost'"])
    fails("graph_duplicate_output_name", bm.duplicate_output(),
          ["node 'neg1' (Neg)", "'y'", "node 'relu1'"])
    fails("graph_output_shadows_input", bm.output_shadows_input(),
          ["node 'relu1' (Relu)", "'x'", "graph input"])
    fails("graph_duplicate_input_name", bm.duplicate_graph_input(), ["graph input 'x'", "twice"])
    fails("graph_duplicate_initializer", bm.duplicate_initializer(), ["initializer 'w'", "twice"])

    fails("attr_missing", bm.missing_attribute(),
          ["node 'cat1' (Concat)", "missing required attribute 'axis'"])
    fails("attr_duplicated", bm.duplicated_attribute(),
          ["node 'cat1' (Concat)", "attribute 'axis'", "twice"])
    fails("attr_wrong_type", bm.wrong_typed_attribute(),
          ["node 'cat1' (Concat)", "attribute 'axis' must be an int, got string"])

    fails("tensor_raw_data_length", bm.raw_data_length(),
          ["initializer 'w'", "raw_data has 20 bytes, expected 24"])
    fails("tensor_typed_data_count", bm.typed_data_count(),
          ["initializer 'w'", "float_data has 5 values, expected 6"])
    fails("tensor_dims_overflow", bm.dims_overflow_initializer(), ["initializer 'w'", "overflow"])
    fails("input_dims_overflow", bm.dims_overflow_input(), ["input 'x'", "too large"])
    fails("tensor_negative_dim", bm.negative_dim_initializer(), ["initializer 'w'", "negative dim -3"])
    fails("input_negative_dim", bm.negative_dim_input(), ["input 'x'", "negative dim -5"])
    fails("reshape_negative_shape", bm.reshape_negative_shape(), ["node 'reshape1' (Reshape)", "-2"])

    fails("axis_out_of_range", bm.softmax_axis_out_of_range(),
          ["node 'softmax1' (Softmax)", "axis 7 is out of range for rank 2"])
    fails("axes_out_of_range", bm.reduce_axes_out_of_range(),
          ["node 'sum1' (ReduceSum)", "5 is out of range for rank 2"])
    fails("axes_duplicate_reduce", bm.reduce_duplicate_axes(), ["node 'sum1' (ReduceSum)", "twice"])
    fails("axes_duplicate_unsqueeze", bm.unsqueeze_duplicate_axes(),
          ["node 'unsq1' (Unsqueeze)", "twice"])
    fails("perm_duplicate", bm.transpose_duplicate_perm(), ["node 'tr1' (Transpose)", "perm"])
    fails("perm_out_of_range", bm.transpose_perm_out_of_range(), ["node 'tr1' (Transpose)", "perm"])
    fails("conv_zero_strides", bm.conv_model(strides=[0, 0]),
          ["node 'conv1' (Conv)", "strides, dilations and kernel_shape must be positive"])
    fails("conv_zero_dilations", bm.conv_model(dilations=[1, 0]), ["node 'conv1' (Conv)", "positive"])
    fails("conv_zero_group", bm.conv_model(group=0), ["node 'conv1' (Conv)", "group"])
    fails("conv_negative_group", bm.conv_model(group=-2), ["node 'conv1' (Conv)", "group"])
    fails("conv_group_not_dividing", bm.conv_model(group=3), ["node 'conv1' (Conv)", "group"])

    fails("ops_unknown_all_listed", bm.unknown_ops(),
          ["node 'uniq1' (Unique)", "node 'custom1' (FancyOp)", "domain 'com.example'",
           "node 'ml1' (LabelEncoder)", "domain 'ai.onnx.ml'"])
    fails("opset_too_new", bm.opset_too_new(), ["opset 99 is not supported"])
    fails("opset_missing", bm.opset_missing(), ["imports no opset of the default ONNX domain"])

    fails("huge_input_allocation", bm.huge_input([1 << 20, 1 << 20, 1 << 20]),
          ["input 'x'", "too large"])
    fails("huge_constant_of_shape", bm.huge_constant_of_shape(),
          ["node 'cos1' (ConstantOfShape)", "[100000,100000]", "too large"])
    fails("huge_expand", bm.huge_expand(), ["node 'expand1' (Expand)", "too many elements"])


def external_data_matrix(h):
    """External data must stay inside the model folder and its file."""
    root = tempfile.mkdtemp(prefix="external-", dir=h.work)
    model_dir = os.path.join(root, "model")
    os.mkdir(model_dir)
    weights = np.arange(6, dtype=np.float32).tobytes()
    with open(os.path.join(root, "outside.bin"), "wb") as f:
        f.write(weights)
    with open(os.path.join(model_dir, "w.bin"), "wb") as f:
        f.write(weights)
    os.symlink(os.path.join(root, "outside.bin"), os.path.join(model_dir, "link.bin"))

    def case(name, messages, **kwargs):
        path = os.path.join(model_dir, name + ".onnx")
        with open(path, "wb") as f:
            f.write(bm.external_model(**kwargs))
        h.compile_fails(name, path, ["initializer 'w'"] + messages)

    case("external_parent_dir", ["leaves the model folder"], location="../outside.bin")
    case("external_absolute", ["is absolute"], location=os.path.join(root, "outside.bin"))
    case("external_symlink", ["goes through a symlink"], location="link.bin")
    case("external_offset_past_eof", ["offset 1000 is past the end"], location="w.bin", offset=1000)
    case("external_length_past_eof", ["runs past the end"], location="w.bin", offset=8, length=24)
    case("external_missing_file", ["cannot read external data 'nope.bin'"], location="nope.bin")


def bit_flip_sweep(h, count):
    """One random bit flipped, `count` times: exit 0 or 1 with a message, never a crash."""
    name = "file_bit_flips_x%d" % count
    if not h.selected(name):
        return
    problems = []
    for i, data in enumerate(bm.bit_flips(count)):
        path = h.write("flip.onnx", data)
        out = h.path("flip.mlir")
        code, _, stderr = h.run([h.dlc, "--emit=mlir", path, "-o", out])
        if code is None or code < 0 or code not in (0, 1) or (code == 1 and "flip.onnx" not in stderr):
            problems.append("variant %d: exit %s: %s" % (i, code, stderr.strip()[:200]))
        if code == 1 and os.path.exists(out):
            problems.append("variant %d: failed but left %s" % (i, out))
        if os.path.exists(out):
            os.remove(out)
    h.record(name, problems)


def atomic_output_matrix(h):
    """A failed compile leaves nothing, whatever it was asked to write."""
    bad = bm.unknown_ops()
    for emit in ("exe", "lib", "obj", "mlir", "linalg", "llvm", "dot"):
        out = "libout.so" if emit == "lib" else "out"
        h.compile_fails("atomic_failed_import_emit_" + emit, bad, ["(Unique)"], emit=emit, out=out)
    h.compile_fails("atomic_failed_import_stdout", bad, ["(Unique)"], emit="mlir", out="-")
    good = bm.relu_model()
    env = dict(os.environ, DLC_CXX="/bin/false")
    h.compile_fails("atomic_failed_link_exe", good, ["linking failed"], env=env)
    h.compile_fails("atomic_failed_link_lib", good, ["linking failed"], emit="lib",
                    out="libout.so", env=env)
    h.compile_fails("atomic_unwritable_directory", good, ["cannot write"], emit="mlir",
                    out="no-such-dir/out.mlir")

    name = "atomic_keeps_previous_output"
    if h.selected(name):
        model = h.write("bad-keep.onnx", bad)
        out = h.write("previous.mlir", b"previous contents\n")
        code, _, stderr = h.run([h.dlc, "--emit=mlir", model, "-o", out])
        problems = h.exit_problems(code, stderr)
        with open(out, "rb") as f:
            if f.read() != b"previous contents\n":
                problems.append("the previous output was modified")
        h.record(name, problems, stderr)


# --- run time -------------------------------------------------------------------

def runtime_model():
    """x f32[2,3], idx i64[2] -> gathered = Gather(x, idx, axis=1), doubled = x + x;
    e f32[0,3] -> empty = Relu(e) (a zero-size input and output)."""
    nodes = [helper.make_node("Gather", ["x", "idx"], ["gathered"], name="gather1", axis=1),
             helper.make_node("Add", ["x", "x"], ["doubled"], name="add1"),
             helper.make_node("Relu", ["e"], ["empty"], name="relu1")]
    return bm.model_bytes(
        nodes, [bm.vi("x", [2, 3]), bm.vi("idx", [2], TensorProto.INT64), bm.vi("e", [0, 3])],
        [bm.vi("gathered", [2, 2]), bm.vi("doubled", [2, 3]), bm.vi("empty", [0, 3])])


def runtime_matrix(h):
    exe = h.path("runtime_model")
    code, _, stderr = h.run([h.dlc, h.write("runtime_model.onnx", runtime_model()), "-o", exe])
    if code != 0:
        h.record("runtime_model_compiles", ["exit %s" % code], stderr)
        return
    rng = np.random.default_rng(7)
    x = rng.uniform(-1, 1, (2, 3)).astype(np.float32)

    def npy(name, array):
        path = h.path(name + ".npy")
        np.save(path, array)
        return path

    def run_exe(name, args, expected_code, messages=(), outputs=None):
        """Runs the executable; on success compares output_N.npy with `outputs`."""
        if not h.selected(name):
            return
        out_dir = h.path("rt-out-" + name)
        code, _, stderr = h.run([exe] + args + ["--output-dir", out_dir])
        problems = h.exit_problems(code, stderr, expected_code)
        problems += ["stderr lacks %r" % m for m in messages if m not in stderr]
        if expected_code == 0 and code == 0:
            for i, want in enumerate(outputs):
                got = np.load(os.path.join(out_dir, "output_%d.npy" % i))
                if got.shape != want.shape or not np.allclose(got, want, rtol=1e-6, atol=0,
                                                              equal_nan=True):
                    problems.append("output %d is %r, expected %r" % (i, got, want))
        elif expected_code != 0 and os.path.exists(out_dir) and os.listdir(out_dir):
            problems.append("wrote outputs although it failed")
        h.record(name, problems, stderr)

    idx = np.array([2, 0], dtype=np.int64)
    e = np.zeros((0, 3), dtype=np.float32)
    inputs = ["--input", "x=" + npy("x", x), "--input", "idx=" + npy("idx", idx),
              "--input", "e=" + npy("e", e)]
    run_exe("runtime_valid_inputs", inputs, 0, outputs=[x[:, idx], x + x, e])

    def with_input(name, path):
        return [a if not a.startswith(name + "=") else name + "=" + path for a in inputs]

    run_exe("runtime_wrong_dtype", with_input("x", npy("x64", x.astype(np.float64))), 1,
            ["input 'x'", "float32[2,3]", "float64[2,3]"])
    run_exe("runtime_wrong_rank", with_input("x", npy("x6", x.reshape(6))), 1,
            ["input 'x'", "float32[2,3]", "float32[6]"])
    run_exe("runtime_wrong_shape", with_input("x", npy("x32", x.reshape(3, 2))), 1,
            ["input 'x'", "float32[3,2]"])
    run_exe("runtime_unknown_input_name", inputs + ["--input", "nope=" + npy("nope", x)], 1,
            ["no input 'nope'", "x, idx, e"])
    data_dir = h.path("rt-data")
    os.mkdir(data_dir)
    with open(os.path.join(data_dir, "input_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(x, "x").SerializeToString())
    run_exe("runtime_missing_input_file", ["--data", data_dir], 1, ["input_1.pb"])
    truncated = numpy_helper.from_array(x, "x").SerializeToString()[:-5]
    run_exe("runtime_truncated_tensor_file", with_input("x", h.write("trunc.pb", truncated)), 1,
            ["trunc.pb"])
    header = b"{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }"
    header += b" " * (-(10 + len(header) + 1) % 64) + b"\n"
    huge_npy = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header
    run_exe("runtime_npy_huge_shape", with_input("x", h.write("huge.npy", huge_npy)), 1, ["huge.npy"])

    # Out-of-range Gather indices are clamped to the axis (docs/robustness.md):
    # never an out-of-bounds read.
    wild = np.array([7, -9], dtype=np.int64)
    run_exe("runtime_gather_out_of_range_clamps", with_input("idx", npy("wild", wild)), 0,
            outputs=[x[:, [2, 0]], x + x, e])
    special = x.copy()
    special[0, 0], special[0, 1], special[1, 2] = np.nan, np.inf, -np.inf
    run_exe("runtime_nan_inf_propagate", with_input("x", npy("special", special)), 0,
            outputs=[special[:, idx], special + special, e])

    # A model whose input alone needs 64 TiB: compiles, then fails cleanly at run time.
    huge_exe = h.path("huge_model")
    code, _, stderr = h.run([h.dlc, h.write("huge_model.onnx", bm.huge_input([1 << 22, 1 << 22])),
                             "-o", huge_exe])
    if code != 0:
        h.record("runtime_huge_allocation", ["the model did not compile: exit %s" % code], stderr)
    else:
        exe_saved, exe = exe, huge_exe
        run_exe("runtime_huge_allocation", [], 1, ["out of memory"])
        exe = exe_saved


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dlc", required=True, help="path of the dlc compiler")
    parser.add_argument("--filter", help="run only cases whose name matches this regex")
    parser.add_argument("--bit-flips", type=int, default=40, help="variants of the bit-flip sweep")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    parser.add_argument("--verbose", action="store_true", help="print stderr of passing cases too")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="dlc-robust-")
    h = Harness(os.path.abspath(args.dlc), work, args.filter)
    start = time.time()
    compile_matrix(h)
    external_data_matrix(h)
    bit_flip_sweep(h, args.bit_flips)
    atomic_output_matrix(h)
    runtime_matrix(h)

    failed = 0
    for name, problems, detail in h.results:
        if problems:
            failed += 1
            print("FAIL %s: %s\n  stderr: %s" % (name, "; ".join(problems), detail.strip()[:1500]))
        else:
            print("PASS %s" % name)
            if args.verbose and detail.strip():
                print("  stderr: %s" % detail.strip()[:600].replace("\n", "\n          "))
    if args.keep:
        print("scratch directory: %s" % work)
    else:
        shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed (%.1f s)" % (len(h.results) - failed, failed, time.time() - start))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
