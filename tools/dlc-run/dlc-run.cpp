// dlc-run: run a model without building an executable first.
//
//   dlc-run [--target=cpu] [-O0..3] [--shape N=d,..]... [--devices=cpu,cuda:0]
//           [--pipeline] [--place NODE=DEVICE]... [--precision=P] [--no-dnnl]
//           [--no-winograd] [--no-parallel-kernels]
//           [--quantize=int8 --calibrate=DIR ...] MODEL.onnx|ARTEFACT.so [run flags...]
//
// An .onnx model is compiled with `dlc --emit=lib` (the dlc next to this
// binary, else the one on PATH) into a temporary directory that is removed
// afterwards; a shared library made by dlc is loaded directly. The flags
// after the model are those of compiled executables (--data, --check,
// --bench, ...; see dlc_cli_main). Exit codes: those of the run, dlc's own
// when compilation fails, 1 for other errors, 2 for usage errors.
#include "dlc/runtime.h"

#include <dlfcn.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

extern char **environ;

namespace fs = std::filesystem;

namespace {

const char *kUsage =
    "usage: dlc-run [--target=cpu] [-O0..3] [--shape NAME=d0,d1,..]... [--devices=cpu,cuda:0]\n"
    "               [--pipeline] [--place NODE=DEVICE]... [--precision=P] [--no-dnnl]\n"
    "               [--no-winograd] [--no-parallel-kernels]\n"
    "               [--quantize=int8 --calibrate=DIR [--calibrate-method=M] [--percentile=P]]\n"
    "               MODEL.onnx|MODEL.so\n"
    "               [--data DIR] [--input NAME=FILE]... [--check] [--output-dir DIR]\n"
    "               [--bench N] [--threads T] [--profile FILE] [--print]\n"
    "Flags before the model configure its compilation (.onnx only); flags after it\n"
    "are those of compiled executables (see `dlc-run MODEL --help`).\n";

int usage(const std::string &problem) {
  if (!problem.empty())
    std::fprintf(stderr, "error: %s\n", problem.c_str());
  std::fputs(kUsage, stderr);
  return 2;
}

bool endsWith(const std::string &s, const char *suffix) {
  size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

/// The dlc next to this executable, else "dlc" (looked up on PATH).
std::string findDlc() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path sibling = self.parent_path() / "dlc";
    if (fs::exists(sibling, ec) && access(sibling.c_str(), X_OK) == 0)
      return sibling.string();
  }
  return "dlc";
}

/// Runs `args` (searching PATH) and returns its exit status; 1 with a
/// message when it cannot start or dies from a signal.
int runProcess(const std::vector<std::string> &args) {
  std::vector<char *> argv;
  for (const std::string &a : args)
    argv.push_back(const_cast<char *>(a.c_str()));
  argv.push_back(nullptr);
  std::fflush(nullptr); // the child must not inherit unflushed output
  pid_t pid;
  if (int rc = posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ); rc != 0) {
    std::fprintf(stderr, "error: cannot run %s: %s\n", argv[0], std::strerror(rc));
    return 1;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) {
      std::fprintf(stderr, "error: waiting for %s: %s\n", argv[0], std::strerror(errno));
      return 1;
    }
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  std::fprintf(stderr, "error: %s died (signal %d)\n", argv[0], WTERMSIG(status));
  return 1;
}

/// A private temporary directory, removed with its contents on destruction.
struct TempDir {
  fs::path path;
  TempDir() {
    std::error_code ec;
    fs::path base = fs::temp_directory_path(ec);
    std::string pattern = ((ec ? fs::path("/tmp") : base) / "dlc-run-XXXXXX").string();
    if (mkdtemp(pattern.data()))
      path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path.empty())
      fs::remove_all(path, ec);
  }
};

/// Loads `library`, finds its model image and runs the executable CLI on it.
int runLibrary(const std::string &library, int argc, char **argv) {
  std::error_code ec;
  fs::path absolute = fs::absolute(library, ec);
  // What compiled executables choose for oneDNN's OpenMP threads; libgomp
  // reads it when it is loaded with the library, so setting it now is enough.
  dlc_prefer_brief_openmp_spinning();
  void *handle = dlopen((ec ? fs::path(library) : absolute).c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    std::fprintf(stderr, "error: cannot load %s: %s\n", library.c_str(), dlerror());
    return 1;
  }
  auto *image = static_cast<const dlc_model_image *>(dlsym(handle, DLC_MODEL_IMAGE_SYMBOL));
  if (!image) {
    std::fprintf(stderr, "error: %s is not a dlc model library (no symbol %s)\n", library.c_str(),
                 DLC_MODEL_IMAGE_SYMBOL);
    dlclose(handle);
    return 1;
  }
  // The library's own runtime when it exports it: its kernels call back
  // into that one (dlc/plan.h); libraries of older dlc versions do not.
  auto cliMain = reinterpret_cast<int (*)(int, char **)>(dlsym(handle, DLC_MODEL_CLI_SYMBOL));
  int rc = cliMain ? cliMain(argc, argv) : dlc_cli_main(image, argc, argv);
  dlclose(handle);
  return rc;
}

/// dlc flags taking a value (`--name=value` or `--name value`) that dlc-run
/// passes on when it compiles an .onnx model.
const char *const kCompileFlagsWithValue[] = {
    "--target",   "--shape",     "--devices",          "--place",
    "--precision", "--quantize", "--calibrate",        "--calibrate-method",
    "--percentile", "--mcpu"};

int dlcRun(int argc, char **argv) {
  std::vector<std::string> compileFlags;
  bool onlyTargetCpu = true; // flags that also make sense for a prebuilt library
  int i = 1;
  for (; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    bool valued = false; // a compile flag of the form --name=value
    for (const char *prefix : kCompileFlagsWithValue)
      valued |= arg.rfind(std::string(prefix) + "=", 0) == 0;
    if (valued || arg.rfind("-O", 0) == 0 || arg == "--pipeline" || arg == "--no-dnnl" ||
        arg == "--no-winograd" || arg == "--no-parallel-kernels") {
      compileFlags.push_back(arg);
      onlyTargetCpu &= arg == "--target=cpu";
    } else if (std::find(std::begin(kCompileFlagsWithValue), std::end(kCompileFlagsWithValue),
                         arg) != std::end(kCompileFlagsWithValue)) {
      if (i + 1 >= argc)
        return usage(arg + " needs a value");
      compileFlags.push_back(arg);
      compileFlags.push_back(argv[++i]);
      onlyTargetCpu &= arg == "--target" && compileFlags.back() == "cpu";
    } else if (arg.rfind("-", 0) == 0) {
      return usage("unknown option '" + arg + "' before the model");
    } else {
      break;
    }
  }
  if (i >= argc)
    return usage("no model given");
  std::string model = argv[i];
  std::error_code ec;
  if (!fs::is_regular_file(model, ec)) {
    std::fprintf(stderr, "error: %s: no such file\n", model.c_str());
    return 1;
  }
  // The model's own flags follow it; the model path plays argv[0].
  int modelArgc = argc - i;
  char **modelArgv = argv + i;
  if (!endsWith(model, ".onnx")) {
    if (!onlyTargetCpu)
      return usage("compile flags (-O, --shape, --target, --devices, --place, --pipeline, "
                   "--precision, --quantize, --calibrate, ...) apply to .onnx models only");
    return runLibrary(model, modelArgc, modelArgv);
  }

  TempDir temp;
  if (temp.path.empty()) {
    std::fprintf(stderr, "error: cannot create a temporary directory: %s\n", std::strerror(errno));
    return 1;
  }
  std::string library = (temp.path / "libmodel.so").string();
  std::vector<std::string> cmd{findDlc(), "--emit=lib"};
  cmd.insert(cmd.end(), compileFlags.begin(), compileFlags.end());
  cmd.insert(cmd.end(), {model, "-o", library});
  if (int rc = runProcess(cmd))
    return rc; // dlc printed why
  return runLibrary(library, modelArgc, modelArgv);
}

} // namespace

int main(int argc, char **argv) {
  try {
    return dlcRun(argc, argv);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
