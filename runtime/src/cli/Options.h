// Internal: the command line of compiled executables, parsed.
#ifndef DLC_RUNTIME_SRC_CLI_OPTIONS_H
#define DLC_RUNTIME_SRC_CLI_OPTIONS_H

#include <cstdint>
#include <map>
#include <string>

namespace dlc::rt {

struct CliOptions {
  std::string dataDir;                         // --data: input_N.pb / output_N.pb
  std::map<std::string, std::string> inputs;   // --input NAME=FILE (the last one wins)
  bool check = false;                          // --check against dataDir/output_N.pb
  double rtol = 1e-3, atol = 1e-5;             // --rtol, --atol
  std::string outputDir;                       // --output-dir
  uint64_t benchRuns = 0;                      // --bench N
  uint32_t threads = 0;                        // --threads (0 = default)
  std::string profilePath;                     // --profile FILE
  bool print = false;                          // --print
  bool cudaGraphs = false;                     // --cuda-graphs on|off
};

/// Parses argv[1..argc). Returns -1 when the program should go on, else the
/// exit code to return at once: 0 after --help, 2 after a usage error (the
/// problem and the usage text are printed to stderr).
int parseCliOptions(int argc, char **argv, CliOptions &options);

} // namespace dlc::rt

#endif
