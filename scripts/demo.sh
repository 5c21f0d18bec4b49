#!/usr/bin/env bash
# Builds dlc, compiles the bundled MLP (examples/demo/mlp.onnx) into an
# executable and checks its result against onnxruntime's (examples/demo/data).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
BUILD_DIR="${BUILD_DIR:-build}"
if [ ! -f examples/demo/mlp.onnx ] || [ ! -f examples/demo/data/input_0.pb ] ||
   [ ! -f examples/demo/data/output_0.pb ]; then
  python3 examples/demo/make_demo.py   # deterministic: fixed seed
fi
mkdir -p "$BUILD_DIR/demo"
set -x
"$BUILD_DIR/bin/dlc" examples/demo/mlp.onnx -o "$BUILD_DIR/demo/mlp"
"$BUILD_DIR/demo/mlp" --data examples/demo/data --check
