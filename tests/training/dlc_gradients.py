"""Shared helpers of the training tests: compile an ONNX model with
`dlc --train --emit-gradients` and run it, returning loss, prediction and the
gradient of every trained initializer (by name); run a list of checks."""
import os
import re
import subprocess
import tempfile

import numpy as np


def run_checked(cmd, **kw):
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n"
                           f"{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return proc


def dlc_gradients(dlc, model, inputs, labels, loss="mse", workdir=None, extra=()):
    """Returns (loss, prediction, {initializer: gradient}) computed by dlc."""
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        path = os.path.join(tmp, "model.onnx")
        with open(path, "wb") as f:
            f.write(model.SerializeToString())
        exe = os.path.join(tmp, "grads")
        run_checked([dlc, "--train", "--emit-gradients", f"--loss={loss}", *extra, path, "-o", exe])
        args = [exe, "--output-dir", os.path.join(tmp, "out"), "--print"]
        for name, value in list(inputs.items()) + [("labels", labels)]:
            np.save(os.path.join(tmp, name + ".npy"), value)
            args += ["--input", f"{name}={os.path.join(tmp, name + '.npy')}"]
        out = run_checked(args).stdout
        names = dict((int(i), n) for i, n in re.findall(r"output (\d+) '([^']*)'", out))
        values = {n: np.load(os.path.join(tmp, "out", f"output_{i}.npy")) for i, n in names.items()}
    grads = {n[:-len(":grad")]: v for n, v in values.items() if n.endswith(":grad")}
    prediction = [v for n, v in values.items() if n != "loss" and not n.endswith(":grad")][0]
    return float(values["loss"]), prediction, grads


def run_all(checks):
    """Runs (name, check) pairs; a check returns True or raises. Prints the
    closing `N passed, N failed` line and returns the exit code."""
    passed = failed = 0
    for name, check in checks:
        try:
            ok = check()
        except Exception as e:  # a compile/run failure is a failed check
            print(f"FAIL {name}: {str(e).strip()[:2000]}")
            ok = False
        passed += ok
        failed += not ok
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0
