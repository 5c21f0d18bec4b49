#!/usr/bin/env bash
# Builds dlc and runs the whole test suite through ctest: gtest units, lit
# (one file per pass), ONNX node conformance, end-to-end models vs
# onnxruntime, CLI errors. ctest prints the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j1
