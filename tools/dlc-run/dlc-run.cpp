// dlc-run: run a model without building an executable first.
//
//   dlc-run [--target=cpu] [-O0..3] [--shape N=d,..]... MODEL.onnx|MODEL.so [model flags...]
//
// An .onnx model is compiled with `dlc --emit=lib` (the dlc next to this
// binary, else on PATH) into a temporary directory; a shared library made by
// dlc is loaded directly. The flags after the model are those of compiled
// executables (--data, --check, --bench, ...; see dlc_cli_main).
#include "dlc/runtime.h"

#include <dlfcn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

int usage(const std::string &problem) {
  if (!problem.empty())
    std::fprintf(stderr, "error: %s\n", problem.c_str());
  std::fprintf(stderr, "usage: dlc-run [--target=cpu] [-O0..3] [--shape N=d,..]... "
                       "MODEL.onnx|MODEL.so [--data DIR] [--check] [--bench N] ...\n");
  return 2;
}

bool endsWith(const std::string &s, const char *suffix) {
  size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

std::string findDlc() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path sibling = self.parent_path() / "dlc";
    if (fs::exists(sibling))
      return sibling.string();
  }
  return "dlc"; // execvp searches PATH
}

/// Runs argv, returns its exit code (or 1 if it could not start).
int runProcess(const std::vector<std::string> &args) {
  std::vector<char *> argv;
  for (const std::string &a : args)
    argv.push_back(const_cast<char *>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0)
    return 1;
  if (pid == 0) {
    execvp(argv[0], argv.data());
    std::fprintf(stderr, "error: cannot run %s: %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "dlc-run-XXXXXX").string();
    if (mkdtemp(pattern.data()))
      path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path.empty())
      fs::remove_all(path, ec);
  }
};

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> compileFlags;
  int i = 1;
  for (; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h")
      return usage(""), 0;
    if (arg.rfind("--target=", 0) == 0 || arg.rfind("-O", 0) == 0 || arg.rfind("--shape=", 0) == 0) {
      compileFlags.push_back(arg);
    } else if (arg == "--shape" || arg == "--target") {
      if (i + 1 >= argc)
        return usage(arg + " needs a value");
      compileFlags.push_back(arg);
      compileFlags.push_back(argv[++i]);
    } else if (arg.rfind("-", 0) == 0) {
      return usage("unknown option '" + arg + "' before the model");
    } else {
      break;
    }
  }
  if (i >= argc)
    return usage("no model given");
  std::string model = argv[i];
  if (!fs::exists(model)) {
    std::fprintf(stderr, "error: %s: no such file\n", model.c_str());
    return 1;
  }

  TempDir temp;
  std::string library = model;
  if (endsWith(model, ".onnx")) {
    if (temp.path.empty()) {
      std::fprintf(stderr, "error: cannot create a temporary directory\n");
      return 1;
    }
    library = (temp.path / "libmodel.so").string();
    std::vector<std::string> cmd{findDlc(), "--emit=lib"};
    cmd.insert(cmd.end(), compileFlags.begin(), compileFlags.end());
    cmd.insert(cmd.end(), {model, "-o", library});
    if (int rc = runProcess(cmd))
      return rc;
  } else if (!compileFlags.empty()) {
    return usage("compile flags apply to .onnx models only");
  }

  void *handle = dlopen(fs::absolute(library).c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    std::fprintf(stderr, "error: cannot load %s: %s\n", library.c_str(), dlerror());
    return 1;
  }
  auto *image = static_cast<const dlc_model_image *>(dlsym(handle, DLC_MODEL_IMAGE_SYMBOL));
  if (!image) {
    std::fprintf(stderr, "error: %s is not a dlc model library (no %s)\n", library.c_str(),
                 DLC_MODEL_IMAGE_SYMBOL);
    dlclose(handle);
    return 1;
  }
  // The model's own flags: argv[i] (the model) plays argv[0].
  int rc = dlc_cli_main(image, argc - i, argv + i);
  dlclose(handle);
  return rc;
}
