#!/usr/bin/env python3
"""`dlc --quantize=int8 --calibrate=DIR` on trained digits models.

scikit-learn's digits (8x8 images, 10 classes) split as in
tests/training/train_digits.py (1347 train / 450 test, stratified, seed 0).
Three models are trained with `dlc --train` (Adam, batch 32): the MLP and
the CNN of tests/training/models.py and a small ResNet (3x3 stem, an
identity basic block, a strided block with a 1x1 projection, global average
pool, Gemm). Each is compiled twice, f32 and int8 (calibrated on 256 train
images), and both run on the 450 test images. Required:

- int8 test accuracy >= f32 test accuracy - 0.5 points (issue 6);
- every conv/matmul/gemm became an int8 kernel (`--stats`: int8 kernels);
- the three sample layouts (a stacked x.npy, one folder per sample with
  input_0.pb, percentile calibration) all work.

Also, on a ReLU6 conv model with a signed input and an MLP of ONNX MatMul +
Add: the int8 oneDNN calls against the generated integer code (`--no-dnnl`,
the exact f64 form), and the usage errors of the flags: exit 2 (usage) or 1 (bad samples), a
message naming the problem, and no output file.

usage: check_calibrated.py --dlc build/bin/dlc [--models mlp,cnn,resnet] [--keep DIR]
Last line: `N passed, N failed`.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "training"))
from models import init_weights, onnx_model  # noqa: E402
import train_digits  # noqa: E402
from quant_common import predict_batched, report, run_all, run_checked, run_exe  # noqa: E402

BATCH = 32
CALIBRATION_IMAGES = 256
# kind -> (epochs, learning rate, int8 kernels expected, calibration layout/method)
SETTINGS = {
    "mlp": (24, "5e-3", 2, "stacked"),
    "cnn": (30, "5e-3", 3, "folders"),
    "resnet": (20, "3e-3", 7, "percentile"),
}


def resnet_model(batch, seed=0):
    """x[B,1,8,8] -> Conv3x3(16)+Relu -> [Conv3x3+Relu, Conv3x3] + id -> Relu
    -> [Conv3x3 s2 + Relu, Conv3x3] + Conv1x1 s2 -> Relu -> GAP -> Gemm."""
    rng = np.random.default_rng(seed)
    inits, nodes = [], []

    def conv(x, cin, cout, name, k=3, stride=1, relu=True):
        w = (rng.standard_normal((cout, cin, k, k)) * np.sqrt(2.0 / (cin * k * k))).astype(np.float32)
        inits.extend([numpy_helper.from_array(w, name + "_w"),
                      numpy_helper.from_array(np.full(cout, 0.01, np.float32), name + "_b")])
        pad = k // 2
        nodes.append(helper.make_node("Conv", [x, name + "_w", name + "_b"], [name], name=name,
                                      pads=[pad] * 4, strides=[stride] * 2))
        if not relu:
            return name
        nodes.append(helper.make_node("Relu", [name], [name + "_relu"], name=name + "_relu"))
        return name + "_relu"

    def add_relu(a, b, name):
        nodes.append(helper.make_node("Add", [a, b], [name], name=name))
        nodes.append(helper.make_node("Relu", [name], [name + "_relu"], name=name + "_relu"))
        return name + "_relu"

    h = conv("x", 1, 16, "stem")
    h = add_relu(conv(conv(h, 16, 16, "b1c1"), 16, 16, "b1c2", relu=False), h, "b1")
    main = conv(conv(h, 16, 32, "b2c1", stride=2), 32, 32, "b2c2", relu=False)
    h = add_relu(main, conv(h, 16, 32, "b2proj", k=1, stride=2, relu=False), "b2")
    nodes.append(helper.make_node("GlobalAveragePool", [h], ["gap"], name="gap"))
    nodes.append(helper.make_node("Flatten", ["gap"], ["flat"], name="flatten", axis=1))
    fc = (rng.standard_normal((10, 32)) * np.sqrt(2.0 / 32)).astype(np.float32)
    inits.extend([numpy_helper.from_array(fc, "fc_w"),
                  numpy_helper.from_array(np.zeros(10, np.float32), "fc_b")])
    nodes.append(helper.make_node("Gemm", ["flat", "fc_w", "fc_b"], ["logits"], name="fc",
                                  transB=1))
    graph = helper.make_graph(
        nodes, "digits_resnet",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, 1, 8, 8])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [batch, 10])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def float_model(kind):
    if kind == "resnet":
        return resnet_model(BATCH)
    return onnx_model(kind, init_weights(kind, seed=0), BATCH)


def train(kind, dlc, tmp, x_train, y_train, x_test, y_test):
    """Trains with dlc --train; returns the saved model's path."""
    epochs, lr, _, _ = SETTINGS[kind]
    path = os.path.join(tmp, kind + ".onnx")
    onnx.save(float_model(kind), path)
    np.savez(os.path.join(tmp, "train.npz"), x=x_train, y=y_train)
    np.savez(os.path.join(tmp, "test.npz"), x=x_test, y=y_test)
    trainer = os.path.join(tmp, kind + "-trainer")
    run_checked([dlc, "--train", "--loss=softmax_cross_entropy", "--optimizer=adam", "--lr=" + lr,
                 path, "-o", trainer])
    saved = os.path.join(tmp, kind + "-trained.onnx")
    run_checked([trainer, "--data", os.path.join(tmp, "train.npz"), "--epochs", str(epochs),
                 "--batch", str(BATCH), "--save", saved, "--seed", "1"])
    return saved


def write_calibration(layout, images, folder):
    """The calibration images in one of the layouts of --calibrate=DIR;
    returns the extra dlc flags."""
    os.makedirs(folder, exist_ok=True)
    if layout == "folders":
        for k in range(0, len(images), BATCH):
            sample = os.path.join(folder, "sample_%03d" % (k // BATCH))
            os.makedirs(sample)
            tensor = numpy_helper.from_array(images[k:k + BATCH], "x")
            with open(os.path.join(sample, "input_0.pb"), "wb") as f:
                f.write(tensor.SerializeToString())
        return []
    np.save(os.path.join(folder, "x.npy"), images)
    return ["--calibrate-method=percentile", "--percentile=99.99"] if layout == "percentile" else []


def check_model(kind, dlc, tmp):
    x_train, x_test, y_train, y_test = train_digits.digits()
    if kind != "mlp":
        x_train, x_test = x_train.reshape(-1, 1, 8, 8), x_test.reshape(-1, 1, 8, 8)
    trained = train(kind, dlc, tmp, x_train, y_train, x_test, y_test)
    _, _, expected_kernels, layout = SETTINGS[kind]
    calib = os.path.join(tmp, kind + "-calibration")
    flags = write_calibration(layout, x_train[:CALIBRATION_IMAGES], calib)
    f32, int8 = os.path.join(tmp, kind + "-f32"), os.path.join(tmp, kind + "-int8")
    run_checked([dlc, trained, "-o", f32])
    stats = run_checked([dlc, "--quantize=int8", "--calibrate=" + calib, *flags, "--stats",
                         trained, "-o", int8]).stdout
    kernels = int(re.search(r"int8 kernels: (\d+)", stats).group(1))
    f32_logits, int8_logits = predict_batched(f32, x_test, tmp, BATCH), predict_batched(int8, x_test, tmp, BATCH)
    f32_acc = float(np.mean(f32_logits.argmax(1) == y_test))
    int8_acc = float(np.mean(int8_logits.argmax(1) == y_test))
    agree = float(np.mean(f32_logits.argmax(1) == int8_logits.argmax(1)))
    spread = float(np.max(np.abs(f32_logits)))
    diff = float(np.max(np.abs(f32_logits - int8_logits)))
    problems = []
    if int8_acc < f32_acc - 0.005:
        problems.append("int8 accuracy %.4f is more than 0.5 points below f32 %.4f" % (int8_acc, f32_acc))
    if kernels != expected_kernels:
        problems.append("%d int8 kernels, expected %d (every conv/matmul/gemm)" % (kernels, expected_kernels))
    if f32_acc < 0.9:
        problems.append("f32 accuracy %.4f: the model did not train" % f32_acc)
    return report("%s (%s): f32 accuracy %.4f, int8 %.4f, top-1 agreement %.4f, %d int8 kernels, "
                  "max |logit diff| %.3g (max |logit| %.3g)" % (kind, layout, f32_acc, int8_acc, agree,
                                                                kernels, diff, spread), problems)


def relu6_model(batch=2, seed=3):
    """x[B,3,16,16] -> Conv3x3(8)+Clip(0,6) -> Conv3x3 s2(8)+Clip(0,6) ->
    Conv1x1(16) -> GAP -> Flatten -> Gemm(10): MobileNet's ReLU6 and a
    signed input (a source zero point) in front of the first conv."""
    rng = np.random.default_rng(seed)
    inits, nodes, h = [], [], "x"
    for i, (cin, cout, k, stride, clip) in enumerate([(3, 8, 3, 1, True), (8, 8, 3, 2, True),
                                                      (8, 16, 1, 1, False)]):
        w = (rng.standard_normal((cout, cin, k, k)) * np.sqrt(2.0 / (cin * k * k))).astype(np.float32)
        inits += [numpy_helper.from_array(w, "w%d" % i),
                  numpy_helper.from_array(rng.uniform(-0.1, 0.1, cout).astype(np.float32), "b%d" % i)]
        nodes.append(helper.make_node("Conv", [h, "w%d" % i, "b%d" % i], ["c%d" % i], name="conv%d" % i,
                                      pads=[k // 2] * 4, strides=[stride] * 2))
        h = "c%d" % i
        if clip:
            inits += [numpy_helper.from_array(np.array(0, np.float32), "lo%d" % i),
                      numpy_helper.from_array(np.array(6, np.float32), "hi%d" % i)]
            nodes.append(helper.make_node("Clip", [h, "lo%d" % i, "hi%d" % i], ["r%d" % i], name="relu6_%d" % i))
            h = "r%d" % i
    fc = (rng.standard_normal((10, 16)) * 0.3).astype(np.float32)
    inits += [numpy_helper.from_array(fc, "fc"), numpy_helper.from_array(np.zeros(10, np.float32), "fcb")]
    nodes += [helper.make_node("GlobalAveragePool", [h], ["gap"], name="gap"),
              helper.make_node("Flatten", ["gap"], ["flat"], name="flatten"),
              helper.make_node("Gemm", ["flat", "fc", "fcb"], ["logits"], name="fc", transB=1)]
    graph = helper.make_graph(nodes, "relu6", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, 3, 16, 16])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [batch, 10])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def matmul_bias_model(seed=5, activation="Relu"):
    """x[4,16] -> MatMul(16x32) + Add(b) + Relu|Gelu -> MatMul(32x8) + Add(b):
    ONNX MatMul + Add as exporters write Linear layers (the bias folds into
    i32); Gelu (opset 20) is BERT's, which does not commute with the output
    scale."""
    rng = np.random.default_rng(seed)
    inits = [numpy_helper.from_array((rng.standard_normal((16, 32)) * 0.3).astype(np.float32), "w1"),
             numpy_helper.from_array(rng.uniform(-0.2, 0.2, 32).astype(np.float32), "b1"),
             numpy_helper.from_array((rng.standard_normal((32, 8)) * 0.3).astype(np.float32), "w2"),
             numpy_helper.from_array(rng.uniform(-0.2, 0.2, 8).astype(np.float32), "b2")]
    n = helper.make_node
    nodes = [n("MatMul", ["x", "w1"], ["m1"], name="fc1"), n("Add", ["m1", "b1"], ["a1"], name="bias1"),
             n(activation, ["a1"], ["r1"], name="act1"), n("MatMul", ["r1", "w2"], ["m2"], name="fc2"),
             n("Add", ["m2", "b2"], ["y"], name="bias2")]
    graph = helper.make_graph(nodes, "matmul_bias", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 16])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 8])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)])


# name -> (model builder, input shape, int8 kernels expected)
LIBRARY_CASES = {
    "relu6": (relu6_model, (2, 3, 16, 16), 4),
    "matmul_bias": (matmul_bias_model, (4, 16), 2),
    "matmul_gelu": (lambda: matmul_bias_model(activation="Gelu"), (4, 16), 2),
}


def check_library_vs_generated(dlc, tmp, name):
    """The int8 library calls (oneDNN: f32 scaling, clip post-op, source zero
    point, channels-last, folded MatMul + Add bias) against the generated
    integer code (--no-dnnl, the exact f64 form): outputs within 2% of their
    range, and both within 6% of f32 (random weights, calibrated on 64
    N(0,1) samples, so that the test inputs rarely leave the ranges)."""
    build, shape, expected_kernels = LIBRARY_CASES[name]
    model = os.path.join(tmp, name + ".onnx")
    onnx.save(build(), model)
    rng = np.random.default_rng(4)
    calib = os.path.join(tmp, name + "-calibration")
    os.makedirs(calib, exist_ok=True)
    np.save(os.path.join(calib, "x.npy"), rng.standard_normal((64 * shape[0],) + shape[1:]).astype(np.float32))
    exes = {k: os.path.join(tmp, name + "-" + k) for k in ("f32", "int8", "int8-gen")}
    run_checked([dlc, model, "-o", exes["f32"]])
    stats = run_checked([dlc, "--quantize=int8", "--calibrate=" + calib, "--stats", model, "-o", exes["int8"]]).stdout
    run_checked([dlc, "--quantize=int8", "--calibrate=" + calib, "--no-dnnl", model, "-o", exes["int8-gen"]])
    problems, worst = [], {"library": 0.0, "f32": 0.0}
    for trial in range(4):
        x = rng.standard_normal(shape).astype(np.float32)
        out = {k: run_exe(exe, {"x": x}, tmp)[0] for k, exe in exes.items()}
        span = float(np.ptp(out["f32"]))
        worst["library"] = max(worst["library"], float(np.max(np.abs(out["int8"] - out["int8-gen"]))) / span)
        worst["f32"] = max(worst["f32"], float(np.max(np.abs(out["int8"] - out["f32"]))) / span)
    if worst["library"] > 0.02:
        problems.append("library int8 differs from generated int8 by %.3g of the range" % worst["library"])
    if worst["f32"] > 0.06:
        problems.append("int8 differs from f32 by %.3g of the range" % worst["f32"])
    kernels = int(re.search(r"int8 kernels: (\d+)", stats).group(1))
    if kernels != expected_kernels:
        problems.append("%d int8 kernels, expected %d" % (kernels, expected_kernels))
    return report("%s (oneDNN int8 vs generated int8): max diff %.3g of the range, vs f32 %.3g, %d int8 "
                  "kernels" % (name, worst["library"], worst["f32"], kernels), problems)


def check_errors(dlc, tmp):
    """Bad flags and bad samples: a clear message, the exit code, no output."""
    model = os.path.join(tmp, "errors.onnx")
    onnx.save(float_model("mlp"), model)
    good = os.path.join(tmp, "errors-good")
    os.makedirs(good, exist_ok=True)
    np.save(os.path.join(good, "x.npy"), np.random.default_rng(0).uniform(0, 1, (64, 64)).astype(np.float32))
    wrong_shape = os.path.join(tmp, "errors-shape")
    os.makedirs(wrong_shape, exist_ok=True)
    np.save(os.path.join(wrong_shape, "x.npy"), np.zeros((32, 63), np.float32))
    wrong_dtype = os.path.join(tmp, "errors-dtype")
    os.makedirs(wrong_dtype, exist_ok=True)
    np.save(os.path.join(wrong_dtype, "x.npy"), np.zeros((32, 64), np.float64))
    empty = os.path.join(tmp, "errors-empty")
    os.makedirs(empty, exist_ok=True)
    cases = [
        (["--quantize=int8"], 2, "needs --calibrate=DIR"),
        (["--calibrate=" + good], 2, "--calibrate needs --quantize=int8"),
        (["--quantize=int4", "--calibrate=" + good], 2, "--quantize expects int8"),
        (["--quantize=int8", "--calibrate=" + good, "--calibrate-method=kl"], 2,
         "--calibrate-method expects minmax or percentile"),
        (["--quantize=int8", "--calibrate=" + good, "--precision=fp16"], 2, "exclude each other"),
        (["--quantize=int8", "--calibrate=" + good, "--target=cuda"], 2, "--target=cpu only"),
        (["--quantize=int8", "--calibrate=" + os.path.join(tmp, "missing")], 1, "is not a folder"),
        (["--quantize=int8", "--calibrate=" + empty], 1, "holds no samples"),
        (["--quantize=int8", "--calibrate=" + wrong_shape], 1, "float32[32,64]"),
        (["--quantize=int8", "--calibrate=" + wrong_dtype], 1, "float64[32,64]"),
    ]
    # No site at all: a warning, exit 0, the f32 model.
    plain = os.path.join(tmp, "no-sites.onnx")
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"], name="relu")], "no_sites",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), plain)
    problems = []
    p = subprocess.run([dlc, "--quantize=int8", "--calibrate=" + empty, plain, "-o",
                        os.path.join(tmp, "no-sites")], capture_output=True, text=True)
    if p.returncode != 0 or "no conv, matmul or gemm" not in p.stderr:
        problems.append("model without sites: exit %d, stderr: %s" % (p.returncode, p.stderr.strip()[-300:]))
    # dlc-run passes the quantization flags on to dlc.
    dlc_run = os.path.join(os.path.dirname(dlc), "dlc-run")
    p = subprocess.run([dlc_run, "--quantize=int8", "--calibrate=" + good, model, "--bench", "2"],
                       capture_output=True, text=True)
    if p.returncode != 0 or "latency" not in p.stdout:
        problems.append("dlc-run --quantize=int8: exit %d, %s" % (p.returncode, p.stderr.strip()[-300:]))
    for flags, code, message in cases:
        out = os.path.join(tmp, "errors-out")
        p = subprocess.run([dlc, *flags, model, "-o", out], capture_output=True, text=True)
        if p.returncode != code or message not in p.stderr or os.path.exists(out):
            problems.append("%s: exit %d (want %d), output %s, stderr: %s" % (
                " ".join(flags), p.returncode, code, "written" if os.path.exists(out) else "absent",
                p.stderr.strip()[-300:]))
    return report("errors: %d cases (+ a model with nothing to quantize, dlc-run's pass-through)"
                  % len(cases), problems)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dlc", required=True)
    ap.add_argument("--models", default=",".join(SETTINGS))
    ap.add_argument("--keep", help="keep models, data and executables in this folder")
    args = ap.parse_args()

    def in_folder(check):
        with tempfile.TemporaryDirectory() as scratch:
            tmp = args.keep or scratch
            os.makedirs(tmp, exist_ok=True)
            return check(tmp)

    checks = [(kind, lambda kind=kind: in_folder(lambda tmp: check_model(kind, args.dlc, tmp)))
              for kind in args.models.split(",")]
    for name in LIBRARY_CASES:
        checks.append((name, lambda name=name: in_folder(
            lambda tmp: check_library_vs_generated(args.dlc, tmp, name))))
    checks.append(("errors", lambda: in_folder(lambda tmp: check_errors(args.dlc, tmp))))
    return run_all(checks)


if __name__ == "__main__":
    sys.exit(main())
