#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, DLC_FUZZ=ON, ASan+UBSan) in
# build-fuzz and runs each for a bounded time, one after the other at low
# priority. Seeds come from the ONNX node tests (fuzz/make_corpus.py; the
# plan seeds need a normal build's dlc, build/bin/dlc). Exits 1 if a target
# finds a crash; the reproducer is under build-fuzz/artifacts/.
#   scripts/fuzz.sh [SECONDS_PER_TARGET=60] [TARGET...]
#   FUZZ_DIR=build-fuzz JOBS=2 DLC=build/bin/dlc scripts/fuzz.sh 600 onnx_import_fuzzer
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-60}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(onnx_import_fuzzer plan_load_fuzzer)
FUZZ_DIR="${FUZZ_DIR:-build-fuzz}"
DLC="${DLC:-build/bin/dlc}"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"

cmake -G Ninja -S . -B "$FUZZ_DIR" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DDLC_FUZZ=ON -DDLC_BUILD_TESTS=OFF >/dev/null
nice -n 19 cmake --build "$FUZZ_DIR" -j "${JOBS:-2}" --target "${TARGETS[@]}"

SEEDS="$FUZZ_DIR/seeds"
if [ ! -d "$SEEDS/onnx_import_fuzzer" ]; then
  dlc_arg=()
  [ -x "$DLC" ] && dlc_arg=(--dlc "$DLC")
  python3 fuzz/make_corpus.py "$SEEDS" "${dlc_arg[@]}"
fi

status=0
for target in "${TARGETS[@]}"; do
  corpus="$FUZZ_DIR/corpus/$target"
  artifacts="$FUZZ_DIR/artifacts/$target/"
  mkdir -p "$corpus" "$artifacts"
  echo "== $target: ${SECONDS_PER_TARGET}s"
  # -timeout: one input may take at most 25 s (a hang is a bug);
  # -rss_limit_mb: the importer caps host-side constants well below it.
  if ! nice -n 19 "$FUZZ_DIR/fuzz/$target" -max_total_time="$SECONDS_PER_TARGET" \
      -timeout=25 -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$artifacts" "$corpus" "$SEEDS/$target" 2>"$FUZZ_DIR/$target.log"; then
    echo "$target: FAILED (see $FUZZ_DIR/$target.log, reproducer in $artifacts)"
    tail -40 "$FUZZ_DIR/$target.log"
    status=1
  else
    grep -E '^stat::(number_of_executed_units|peak_rss_mb)|cov:' "$FUZZ_DIR/$target.log" | tail -3 || true
  fi
done
exit $status
