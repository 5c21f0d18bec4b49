#!/usr/bin/env python3
"""End to end: dlc --train on scikit-learn's digits (8x8 images, 10 classes).

For the MLP and the CNN of models.py: split the 1797 digits into 1347 train
and 450 test samples (stratified, seed 0), scale pixels to [0, 1], compile a
trainer with `dlc --train --loss=softmax_cross_entropy --optimizer=adam`,
train with `--val test.npz --save trained.onnx --predictions preds.npy`, and
require
- test accuracy >= 97% (the trainer's last `val_acc`, recomputed from
  preds.npy against the labels),
- the --save'd model under onnxruntime predicts the same classes as the
  trainer's own evaluation, with logits within rtol 1e-4 / atol 1e-4.

usage: train_digits.py --dlc build/bin/dlc [--models mlp,cnn] [--keep DIR]
Last line: `N passed, N failed`.
"""
import argparse
import os
import re
import sys
import tempfile
import time

import numpy as np
import onnx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dlc_gradients import run_all, run_checked  # noqa: E402
from models import init_weights, onnx_model  # noqa: E402

BATCH = 32
SETTINGS = {  # epochs, learning rate
    "mlp": (24, "5e-3"),
    "cnn": (30, "5e-3"),
}


def digits():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    d = load_digits()
    x = (d.data / 16.0).astype(np.float32)
    return train_test_split(x, d.target.astype(np.int64), test_size=450, stratify=d.target,
                            random_state=0)


def run(kind, dlc, tmp):
    import onnxruntime as ort
    x_train, x_test, y_train, y_test = digits()
    if kind == "cnn":
        x_train, x_test = x_train.reshape(-1, 1, 8, 8), x_test.reshape(-1, 1, 8, 8)
    model_path = os.path.join(tmp, f"{kind}.onnx")
    onnx.save(onnx_model(kind, init_weights(kind, seed=0), BATCH), model_path)
    np.savez(os.path.join(tmp, "train.npz"), x=x_train, y=y_train)
    np.savez(os.path.join(tmp, "test.npz"), x=x_test, y=y_test)
    epochs, lr = SETTINGS[kind]
    trainer = os.path.join(tmp, f"{kind}-trainer")
    start = time.time()
    run_checked([dlc, "--train", "--loss=softmax_cross_entropy", "--optimizer=adam", f"--lr={lr}",
                 model_path, "-o", trainer])
    compiled = time.time()
    saved, preds = os.path.join(tmp, f"{kind}-trained.onnx"), os.path.join(tmp, f"{kind}-preds.npy")
    out = run_checked([trainer, "--data", os.path.join(tmp, "train.npz"), "--val",
                       os.path.join(tmp, "test.npz"), "--epochs", str(epochs), "--batch", str(BATCH),
                       "--save", saved, "--predictions", preds, "--seed", "1"]).stdout
    trained = time.time()
    last = [l for l in out.splitlines() if l.startswith("epoch ")][-1]
    val_acc = float(re.search(r"val_acc ([0-9.]+)", last).group(1))
    logits = np.load(preds)
    accuracy = float(np.mean(logits.argmax(1) == y_test))
    problems = []
    if abs(accuracy - val_acc) > 1e-4:
        problems.append(f"preds.npy accuracy {accuracy:.4f} differs from the reported {val_acc:.4f}")
    if accuracy < 0.97:
        problems.append(f"test accuracy {accuracy:.4f} < 0.97")
    # The saved model has the trainer's batch; run the test set in batches.
    session = ort.InferenceSession(saved, providers=["CPUExecutionProvider"])
    pad = (-len(x_test)) % BATCH
    padded = np.concatenate([x_test, x_test[:pad]])
    ort_logits = np.concatenate([session.run(None, {"x": padded[i:i + BATCH]})[0]
                                 for i in range(0, len(padded), BATCH)])[:len(x_test)]
    if not np.array_equal(ort_logits.argmax(1), logits.argmax(1)):
        problems.append(f"onnxruntime disagrees on {int(np.sum(ort_logits.argmax(1) != logits.argmax(1)))} predictions")
    if not np.allclose(ort_logits, logits, rtol=1e-4, atol=1e-4):
        problems.append(f"logits differ from onnxruntime by up to {float(np.max(np.abs(ort_logits - logits))):.3g}")
    print(f"{'FAIL' if problems else 'ok  '} {kind}: test accuracy {accuracy:.4f} after {epochs} epochs "
          f"(compile {compiled - start:.1f}s, train {trained - compiled:.1f}s); {last}")
    for p in problems:
        print("     " + p)
    return not problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dlc", required=True)
    ap.add_argument("--models", default="mlp,cnn")
    ap.add_argument("--keep", help="keep models, data and trainers in this folder")
    args = ap.parse_args()
    def check(kind):
        with tempfile.TemporaryDirectory() as scratch:
            tmp = args.keep or scratch
            os.makedirs(tmp, exist_ok=True)
            return run(kind, args.dlc, tmp)

    return run_all((kind, lambda kind=kind: check(kind)) for kind in args.models.split(","))

if __name__ == "__main__":
    sys.exit(main())
