#!/usr/bin/env bash
# Installs what dlc needs on a fresh Debian 12 (bookworm) machine. Idempotent:
# apt runs only when a package is missing, pip only installs what is missing
# or too old. Runs as root, or through sudo otherwise.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup.sh: run as root or install sudo" >&2; exit 1; }
  SUDO="sudo"
fi

# Build: CMake + Ninja + ccache + g++ (also the driver that links compiled
# models); LLVM/MLIR 22 (libraries, mlir-tblgen, FileCheck/not for lit);
# Protobuf + libonnx (the ONNX frontend); GoogleTest; oneDNN (library calls).
PACKAGES=(
  cmake ninja-build ccache g++ make pkg-config
  libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools
  libprotobuf-dev protobuf-compiler libonnx-dev
  libgtest-dev libdnnl-dev
  clang libclang-rt-14-dev   # libFuzzer + sanitizer runtimes for scripts/fuzz.sh
  python3 python3-pip
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup.sh: installing ${missing[*]}"
  $SUDO apt-get update -q
  for p in "${missing[@]}"; do
    if ! apt-cache show "$p" >/dev/null 2>&1; then
      echo "setup.sh: no apt package '$p'. LLVM/MLIR 22 packages come from the" >&2
      echo "  llvm-toolchain-bookworm-22 repository of apt.llvm.org when the Debian" >&2
      echo "  mirror has none; add it to /etc/apt/sources.list.d and run again." >&2
      exit 1
    fi
  done
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Python is only for tests and references (the compiler and runtime need
# none). Versions verified with this test suite: onnx 1.23, onnxruntime 1.32,
# numpy 2.4, lit 23.1. onnx is held below 1.24 because its node tests are the
# conformance suite: a new release adds cases (and can change the opsets they
# use) that tests/conformance/expected_failures.txt does not know about yet.
PY_REQUIREMENTS=("onnx>=1.23,<1.24" "onnxruntime>=1.20" "numpy>=1.26" "lit>=18" "scikit-learn>=1.3")
if python3 - "${PY_REQUIREMENTS[@]}" <<'EOF' 2>/dev/null; then
import sys
from importlib.metadata import version
from packaging.requirements import Requirement
for text in sys.argv[1:]:
    req = Requirement(text)
    if not req.specifier.contains(version(req.name), prereleases=True):
        sys.exit(1)
EOF
  echo "setup.sh: Python packages already installed"
else
  pip_args=(-q install)
  # Debian's own python3 is "externally managed" (PEP 668): pip refuses to
  # install into it unless told to. A venv or pyenv interpreter is not.
  if python3 -c 'import os, sys, sysconfig
sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")) and sys.prefix == sys.base_prefix else 1)'; then
    pip_args+=(--break-system-packages)
    if [ "$(id -u)" -ne 0 ]; then pip_args+=(--user); fi
  fi
  python3 -m pip "${pip_args[@]}" "${PY_REQUIREMENTS[@]}"
fi
python3 -c 'import onnx, onnxruntime, numpy, lit' || {
  echo "setup.sh: python3 cannot import onnx/onnxruntime/numpy/lit after installing" >&2
  exit 1
}
echo "setup.sh: done"
