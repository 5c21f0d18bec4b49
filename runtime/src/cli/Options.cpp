// Parsing of the compiled-executable command line (DESIGN.md, CLI contract).
#include "Options.h"
#include "dlc/runtime.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace {

const char *kUsage =
    "usage: %s [--data DIR] [--input NAME=FILE]... [--check [--rtol R] [--atol A]]\n"
    "          [--output-dir DIR] [--bench N] [--threads T] [--profile FILE] [--print]\n"
    "          [--cuda-graphs on|off]\n"
    "  --data DIR         read input N from DIR/input_N.pb (ONNX TensorProto)\n"
    "  --input NAME=FILE  read input NAME from a .npy or .pb file (overrides --data)\n"
    "  --check            compare outputs with DIR/output_N.pb: |a-b| <= atol + rtol*|b|\n"
    "  --rtol R           relative tolerance of --check (default 1e-3)\n"
    "  --atol A           absolute tolerance of --check (default 1e-5)\n"
    "  --output-dir DIR   write DIR/output_N.pb and DIR/output_N.npy\n"
    "  --bench N          time N runs after a warm-up; print median and p90 latency\n"
    "  --threads T        threads per run (0 = one per core up to 8, 1 = serial; max 256)\n"
    "  --profile FILE     write a Chrome trace (chrome://tracing) of one run\n"
    "  --print            print a summary of every output\n"
    "  --cuda-graphs M    on: CUDA models capture a steady-state run into a CUDA graph\n"
    "                     and replay it (default off; CPU models ignore it)\n"
    "Inputs not given by a file are seeded random values (seed 42: floats uniform in\n"
    "[-1, 1), integers in [0, 4), bools 0/1); the outputs are then printed.\n"
    "Exit status: 0 success, 1 error or --check mismatch, 2 usage error.\n";

int usageError(const char *argv0, const std::string &problem) {
  std::fprintf(stderr, "error: %s\n", problem.c_str());
  std::fprintf(stderr, kUsage, argv0);
  return 2;
}

bool parseDouble(const std::string &text, double &out) {
  char *end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return !text.empty() && end && *end == '\0' && std::isfinite(out) && out >= 0;
}

bool parseUnsigned(const std::string &text, uint64_t max, uint64_t &out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
      text.size() > 18)
    return false;
  out = std::strtoull(text.c_str(), nullptr, 10);
  return out <= max;
}

} // namespace

int dlc::rt::parseCliOptions(int argc, char **argv, CliOptions &o) {
  const char *argv0 = argc > 0 && argv[0] ? argv[0] : "model";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    // --flag=value is the same as --flag value.
    std::string inlineValue;
    bool hasInlineValue = false;
    if (size_t eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      inlineValue = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      hasInlineValue = true;
    }
    std::string value;
    auto takeValue = [&]() {
      if (hasInlineValue) {
        value = inlineValue;
        return true;
      }
      if (i + 1 >= argc)
        return false;
      value = argv[++i];
      return true;
    };
    auto flag = [&](bool &target) {
      if (hasInlineValue)
        return usageError(argv0, arg + " takes no value");
      target = true;
      return -1;
    };
    auto missing = [&](const std::string &what) { return usageError(argv0, arg + " needs " + what); };

    if (arg == "--help" || arg == "-h") {
      std::printf(kUsage, argv0);
      return 0;
    } else if (arg == "--check") {
      if (int rc = flag(o.check); rc >= 0)
        return rc;
    } else if (arg == "--print") {
      if (int rc = flag(o.print); rc >= 0)
        return rc;
    } else if (arg == "--data" || arg == "--output-dir" || arg == "--profile") {
      if (!takeValue() || value.empty())
        return missing(arg == "--profile" ? "a file" : "a directory");
      (arg == "--data" ? o.dataDir : arg == "--output-dir" ? o.outputDir : o.profilePath) = value;
    } else if (arg == "--input") {
      if (!takeValue())
        return missing("NAME=FILE");
      size_t eq = value.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == value.size())
        return usageError(argv0, "--input needs NAME=FILE, got '" + value + "'");
      o.inputs[value.substr(0, eq)] = value.substr(eq + 1);
    } else if (arg == "--rtol" || arg == "--atol") {
      double number;
      if (!takeValue() || !parseDouble(value, number))
        return missing("a non-negative number");
      (arg == "--rtol" ? o.rtol : o.atol) = number;
    } else if (arg == "--bench") {
      if (!takeValue() || !parseUnsigned(value, 1000000000, o.benchRuns))
        return missing("a run count (a non-negative integer)");
    } else if (arg == "--threads") {
      uint64_t threads;
      if (!takeValue() || !parseUnsigned(value, DLC_MAX_THREADS, threads))
        return missing("an integer from 0 to " + std::to_string(DLC_MAX_THREADS));
      o.threads = uint32_t(threads);
    } else if (arg == "--cuda-graphs") {
      if (!takeValue() || (value != "on" && value != "off"))
        return missing("on or off");
      o.cudaGraphs = value == "on";
    } else {
      return usageError(argv0, "unknown argument '" + std::string(argv[i]) + "'");
    }
  }
  if (o.check && o.dataDir.empty())
    return usageError(argv0, "--check needs --data DIR with the expected output_N.pb");
  return -1;
}
