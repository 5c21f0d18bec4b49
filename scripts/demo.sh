#!/usr/bin/env bash
# Builds dlc, compiles the bundled MLP and runs it against onnxruntime's outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
BUILD_DIR="${BUILD_DIR:-build}"
mkdir -p "$BUILD_DIR/demo"
"$BUILD_DIR/bin/dlc" --stats examples/demo/mlp.onnx -o "$BUILD_DIR/demo/mlp"
"$BUILD_DIR/demo/mlp" --data examples/demo/data --check --print
"$BUILD_DIR/demo/mlp" --data examples/demo/data --bench 200
