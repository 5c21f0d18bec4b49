#!/usr/bin/env bash
# Builds dlc with ASan+UBSan (DLC_SANITIZE=address,undefined, g++) in
# build-asan and runs ctest there. Every dlc library, tool and test is
# instrumented, and so is the libdlcrt.a that `dlc` links into compiled
# models (the generated kernels are not: they are LLVM output, not C++).
#   scripts/test-sanitizers.sh            # the whole suite
#   scripts/test-sanitizers.sh --subset   # all but conformance, graph_examples
#                                         # and cuda_checks (the slowest)
#   scripts/test-sanitizers.sh --runtime  # libdlcrt and its gtests only, no
#                                         # compiler (what .ci/run affords)
#   BUILD_DIR=build-asan JOBS=2 scripts/test-sanitizers.sh [-- CTEST_ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build-asan}"
subset=0
cmake_args=()
ctest_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --subset) subset=1 ;;
    --runtime) cmake_args+=(-DDLC_BUILD_COMPILER=OFF); BUILD_DIR="${BUILD_DIR%-asan}-asan-runtime" ;;
    --) shift; ctest_args+=("$@"); break ;;
    *) echo "usage: $0 [--subset|--runtime] [-- CTEST_ARGS...]" >&2; exit 2 ;;
  esac
  shift
done
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"

start=$(date +%s)
cmake -G Ninja -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DDLC_SANITIZE=address,undefined \
  "${cmake_args[@]}"
cmake --build "$BUILD_DIR" -j "${JOBS:-2}"
built=$(date +%s)

# halt_on_error/abort: a report fails the test. allocator_may_return_null:
# a too-large malloc (a hostile plan's arena) returns NULL, which dlc
# handles, instead of aborting. detect_leaks=0: LLVM/MLIR keep global state
# (cl::opt registries, uniqued types) alive until exit by design.
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:allocator_may_return_null=1:detect_leaks=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
# bench_harness loads model libraries into Python with ctypes: an
# ASan-instrumented library needs the ASan runtime first in the process,
# which an uninstrumented python3 does not have (it aborts at load).
exclude='bench_harness'
if [ "$subset" = 1 ]; then
  exclude="$exclude|conformance|graph_examples|cuda_checks"
fi
ctest_args=(-E "^($exclude)\$" "${ctest_args[@]}")
status=0
ctest --test-dir "$BUILD_DIR" --output-on-failure -j1 "${ctest_args[@]}" || status=$?
echo "sanitizer build: $((built - start)) s, tests: $(( $(date +%s) - built )) s"
exit $status
