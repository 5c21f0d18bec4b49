//===- Link.cpp - executables and shared libraries from the model object --===//
#include "compiler/driver/Link.h"
#include "compiler/driver/LibraryApi.h"
#include "compiler/driver/Output.h"
#include "compiler/driver/ScratchDir.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <vector>

using namespace llvm;


/// The folder holding libdlcrt.a: `../lib` from the dlc binary (build tree
/// and install prefix alike), overridable with DLC_RUNTIME_LIB_DIR.
static std::string runtimeLibDir() {
  if (const char *dir = std::getenv("DLC_RUNTIME_LIB_DIR"))
    return dir;
  static int anchor;
  std::string exe = sys::fs::getMainExecutable(nullptr, &anchor);
  SmallString<256> dir(sys::path::parent_path(sys::path::parent_path(exe)));
  sys::path::append(dir, "lib");
  return std::string(dir);
}

static bool findRuntimeLibrary(StringRef name, std::string &path, std::string &error) {
  SmallString<256> p(runtimeLibDir());
  sys::path::append(p, name);
  if (!sys::fs::exists(p)) {
    error = "runtime library '" + std::string(p) +
            "' not found (build the runtime or set DLC_RUNTIME_LIB_DIR)";
    return false;
  }
  path = std::string(p);
  return true;
}

/// Runs the system C++ compiler driver (DLC_CXX, else c++) with `args`.
static bool runCompilerDriver(ArrayRef<std::string> args, std::string &error) {
  std::string driver;
  if (const char *env = std::getenv("DLC_CXX"))
    driver = env;
  else if (auto found = sys::findProgramByName("c++"))
    driver = *found;
  else {
    error = "no C++ compiler driver (c++) on PATH to link with; set DLC_CXX";
    return false;
  }
  SmallVector<StringRef> argv{driver};
  for (const std::string &a : args)
    argv.push_back(a);
#ifdef DLC_RUNTIME_LINK_FLAGS
  argv.push_back(DLC_RUNTIME_LINK_FLAGS); // libdlcrt.a of a sanitizer build
#endif
  std::string message;
  int rc = sys::ExecuteAndWait(driver, argv, std::nullopt, {}, 0, 0, &message);
  if (rc != 0) {
    error = "linking failed (" + driver + " exited with " + std::to_string(rc) + ")" +
            (message.empty() ? "" : ": " + message);
    return false;
  }
  return true;
}

static bool writeScratchFile(const std::string &path, StringRef bytes, std::string &error) {
  std::error_code ec;
  raw_fd_ostream os(path, ec);
  if (ec) {
    error = "cannot write '" + path + "': " + ec.message();
    return false;
  }
  os << bytes;
  os.close();
  if (os.has_error()) {
    error = "cannot write '" + path + "': " + os.error().message();
    os.clear_error();
    return false;
  }
  return true;
}

/// libdlc_dnnl.a and what it needs, to link before libdlcrt.a (it calls
/// dlc_rt_kernel_threads); nothing when the object makes no oneDNN call.
static bool dnnlLinkArgs(bool usesDnnl, std::vector<std::string> &args, std::string &error) {
  if (!usesDnnl)
    return true;
  std::string library;
  if (!findRuntimeLibrary("libdlc_dnnl.a", library, error))
    return false;
  args.insert(args.end(), {library, "-ldnnl", "-fopenmp", "-lstdc++"});
  return true;
}

bool dlc::linkExecutable(const std::string &object, bool usesDnnl,
                         const std::string &outputPath, std::string &error, bool trainer) {
  std::string runtime, runtimeMain;
  std::vector<std::string> dnnl;
  if (!findRuntimeLibrary("libdlcrt.a", runtime, error) ||
      !findRuntimeLibrary(trainer ? "libdlcrt_train_main.a" : "libdlcrt_main.a", runtimeMain,
                          error) ||
      !dnnlLinkArgs(usesDnnl, dnnl, error))
    return false;
  dlc::ScratchDir scratch("dlc-link");
  if (scratch.ec) {
    error = "cannot create a temporary directory: " + scratch.ec.message();
    return false;
  }
  std::string objectPath = scratch.file("model.o");
  if (!writeScratchFile(objectPath, object, error))
    return false;
  PendingOutput output(outputPath);
  std::vector<std::string> args{"-o", output.tempPath(), objectPath, runtimeMain};
  args.insert(args.end(), dnnl.begin(), dnnl.end());
  args.insert(args.end(), {runtime, "-lpthread", "-lm", "-ldl"});
  if (!runCompilerDriver(args, error))
    return false;
  return output.commit(error);
}

bool dlc::linkSharedLibrary(const std::string &object, bool usesDnnl, const GraphPlan &plan,
                            const std::string &outputPath, std::string &error) {
  std::string runtime;
  std::vector<std::string> dnnl;
  if (!findRuntimeLibrary("libdlcrt.a", runtime, error) || !dnnlLinkArgs(usesDnnl, dnnl, error))
    return false;
  dlc::ScratchDir scratch("dlc-link");
  if (scratch.ec) {
    error = "cannot create a temporary directory: " + scratch.ec.message();
    return false;
  }
  std::string stem = libraryStem(outputPath);
  std::string objectPath = scratch.file("model.o");
  std::string apiPath = scratch.file("api.c");
  if (!writeScratchFile(objectPath, object, error) ||
      !writeScratchFile(apiPath, generateApiSource(plan, stem), error))
    return false;

  SmallString<256> headerPath(sys::path::parent_path(outputPath));
  sys::path::append(headerPath, stem + ".h");
  // Both files go to temporaries first; the header is renamed into place
  // only after the library, and a failure leaves neither.
  PendingOutput output(outputPath), header(headerPath);
  std::vector<std::string> args{"-shared", "-fPIC", "-O2", "-x", "c", apiPath, "-x", "none",
                                "-I" + runtimeIncludeDir(), "-o", output.tempPath(),
                                objectPath};
  args.insert(args.end(), dnnl.begin(), dnnl.end());
  args.insert(args.end(), {runtime, "-Wl,-Bsymbolic", "-lpthread", "-lm", "-ldl"});
  if (!runCompilerDriver(args, error) ||
      !writeScratchFile(header.tempPath(), generateApiHeader(plan, stem), error) ||
      !output.commit(error))
    return false;
  if (!header.commit(error)) {
    sys::fs::remove(outputPath);
    return false;
  }
  return true;
}
