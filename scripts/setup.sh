#!/usr/bin/env bash
# Installs what dlc needs on a fresh Debian 12 machine (idempotent).
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PACKAGES=(cmake ninja-build ccache g++ python3 python3-pip
  libmlir-22-dev mlir-22-tools llvm-22-dev
  libprotobuf-dev protobuf-compiler libonnx-dev libgtest-dev libdnnl-dev)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

# Python is only for tests and references (the compiler and runtime need none).
python3 -m pip install -q "onnx>=1.17" "onnxruntime>=1.20" "numpy>=1.26" "lit>=18"
