#!/usr/bin/env bash
# Builds dlc and runs the whole test suite: gtest units, lit (one file per
# pass), ONNX node conformance, end-to-end models vs onnxruntime, CLI errors.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j1
