#!/usr/bin/env python3
"""Seed corpora for the fuzzers, from the ONNX node tests (pip onnx).

  onnx_import: every node test model as written by onnx (all ops, not only
               the supported ones: the importer's error paths need seeds too),
               plus the robustness matrix's bad models.
  plan_load:   the plan blobs (`dlc --emit=plan`) of the node tests of the
               ops dlc supports (tests/conformance/ops.txt), when --dlc is given.

  make_corpus.py OUT_DIR [--dlc build/bin/dlc] [--max-plans 150]
"""
import argparse
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "conformance"))
sys.path.insert(0, os.path.join(ROOT, "tests", "robustness"))
import run_conformance as conf  # noqa: E402

MAX_SEED_BYTES = 64 * 1024  # libFuzzer's default -max_len is 4096; keep seeds small


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def bad_model_seeds():
    import bad_models as bm
    return {
        "bad_cycle": bm.graph_cycle(), "bad_dup_output": bm.duplicate_output(),
        "bad_dup_attr": bm.duplicated_attribute(), "bad_raw_data": bm.raw_data_length(),
        "bad_dims_overflow": bm.dims_overflow_input(), "bad_negative_dim": bm.negative_dim_input(),
        "bad_perm": bm.transpose_duplicate_perm(), "bad_conv_group": bm.conv_model(group=3),
        "bad_unknown_ops": bm.unknown_ops(), "bad_expand": bm.huge_expand(),
        "bad_external": bm.external_model(location="w.bin", offset=8),
        "bad_deep": bm.deep_nesting(120),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="corpus root: OUT/onnx_import_fuzzer, OUT/plan_load_fuzzer")
    parser.add_argument("--dlc", help="dlc binary for the plan corpus (skipped without it)")
    parser.add_argument("--max-plans", type=int, default=150)
    args = parser.parse_args()
    onnx_dir = os.path.join(args.out, "onnx_import_fuzzer")
    plan_dir = os.path.join(args.out, "plan_load_fuzzer")
    os.makedirs(onnx_dir, exist_ok=True)
    os.makedirs(plan_dir, exist_ok=True)

    cases = [c for c in conf.load_cases() if c.kind == "node"]
    written = 0
    for case in cases:
        data = case.model.SerializeToString()
        if len(data) <= MAX_SEED_BYTES:
            write(os.path.join(onnx_dir, case.name + ".onnx"), data)
            written += 1
    for name, data in bad_model_seeds().items():
        write(os.path.join(onnx_dir, name + ".onnx"), data)
    print("onnx_import_fuzzer: %d seeds" % (written + len(bad_model_seeds())))

    if not args.dlc:
        print("plan_load_fuzzer: no --dlc, no plan seeds")
        return 0
    ops = set(conf.read_list(os.path.join(ROOT, "tests", "conformance", "ops.txt")))
    chosen = [c for c in conf.select(cases, ops, None) if not conf.skip_reason(c)]
    chosen = chosen[:: max(1, len(chosen) // args.max_plans)]  # spread over the ops
    plans = 0
    with tempfile.TemporaryDirectory(prefix="dlc-corpus-") as work:
        for case in chosen:
            if plans >= args.max_plans:
                break
            case_dir = os.path.join(work, case.name)
            os.mkdir(case_dir)
            model_path, _ = conf.materialize(case, case_dir, conf.DEFAULT_MAX_OPSET)[0]
            out = os.path.join(plan_dir, case.name + ".plan")
            p = subprocess.run([args.dlc, "--emit=plan", model_path, "-o", out],
                               capture_output=True, timeout=120)
            if p.returncode == 0 and os.path.getsize(out) <= MAX_SEED_BYTES:
                plans += 1
            elif os.path.exists(out):
                os.remove(out)
    print("plan_load_fuzzer: %d seeds" % plans)
    return 0


if __name__ == "__main__":
    sys.exit(main())
