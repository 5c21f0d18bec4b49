#!/usr/bin/env bash
# The runtime alone under ThreadSanitizer: builds libdlcrt and its gtests in
# ./build-tsan (no compiler, a few minutes) and runs them; then, when ./build
# has dlc and the graph examples, the compiled-model concurrency test
# (8 threads x 100 runs of one loaded model, -O0 and -O2 --no-dnnl builds)
# against the TSan runtime.
#   scripts/tsan-runtime.sh          # JOBS=2 by default
set -euo pipefail
cd "$(dirname "$0")/.."
TSAN=(-fsanitize=thread)
cmake -G Ninja -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDLC_BUILD_COMPILER=OFF \
  -DCMAKE_C_FLAGS="${TSAN[*]}" -DCMAKE_CXX_FLAGS="${TSAN[*]}" \
  -DCMAKE_EXE_LINKER_FLAGS="${TSAN[*]}" -DCMAKE_SHARED_LINKER_FLAGS="${TSAN[*]}"
cmake --build build-tsan -j "${JOBS:-2}"
# allocator_may_return_null: RuntimeTest asks for a 4 EiB arena on purpose.
export TSAN_OPTIONS="halt_on_error=1 allocator_may_return_null=1"
build-tsan/tests/unit/runtime/dlc_runtime_tests
example=build/frontend/graph/examples/example_parallel_paths
if [[ -x build/bin/dlc && -x $example ]]; then
  g++ "${TSAN[@]}" -O1 -g -std=c++17 -Iruntime/include \
    -DDLC_COMPILER="\"$PWD/build/bin/dlc\"" -DDLC_EXAMPLE_PARALLEL_PATHS="\"$PWD/$example\"" \
    tests/unit/runtime/CompiledModelConcurrencyTest.cpp build-tsan/lib/libdlcrt.a \
    -lgtest -lgtest_main -lpthread -ldl -o build-tsan/compiled_model_concurrency
  # The -O2 builds run on the model library's own runtime: link it from the
  # TSan build so TSan sees its threads. The oneDNN build is left out:
  # libgomp and oneDNN are not instrumented (TSan cannot see their
  # synchronization and reports false races).
  DLC_RUNTIME_LIB_DIR="$PWD/build-tsan/lib" build-tsan/compiled_model_concurrency \
    --gtest_filter='-*O2_onednn'
else
  echo "SKIP compiled-model concurrency under TSan: build ./build (dlc, graph examples) first"
fi
