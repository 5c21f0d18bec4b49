//===- dlc.cpp - the dlc compiler driver ----------------------------------===//
//
//   dlc [--target=cpu|cuda] [--cuda-arch=sm_NN] [--emit=exe|lib|obj|mlir|linalg|llvm|ptx|dot]
//       [--shape NAME=d0,d1,..]... [-O0..3] [--stats] MODEL.onnx -o OUT
//
// Exit codes: 0 success, 1 compile error (nothing written), 2 usage error.
//===----------------------------------------------------------------------===//
#include "compiler/Passes.h"
#include "compiler/driver/Compile.h"
#include "compiler/driver/Pipeline.h"
#include "mlir/InitAllPasses.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

static cl::OptionCategory dlcCategory("dlc options");
static cl::opt<std::string> inputPath(cl::Positional, cl::desc("MODEL.onnx"), cl::Required,
                                      cl::cat(dlcCategory));
static cl::opt<std::string> outputPath("o", cl::desc("output path ('-' = stdout for text)"),
                                       cl::value_desc("OUT"), cl::Required, cl::cat(dlcCategory));
static cl::opt<std::string> target("target", cl::desc("cpu (default) or cuda"), cl::init("cpu"),
                                   cl::cat(dlcCategory));
static cl::opt<dlc::EmitKind> emit(
    "emit", cl::desc("what to write"), cl::init(dlc::EmitKind::Exe),
    cl::values(clEnumValN(dlc::EmitKind::Exe, "exe", "executable (default)"),
               clEnumValN(dlc::EmitKind::Lib, "lib", "shared library + header"),
               clEnumValN(dlc::EmitKind::Obj, "obj", "object file"),
               clEnumValN(dlc::EmitKind::Mlir, "mlir", "dlc dialect after simplification"),
               clEnumValN(dlc::EmitKind::Linalg, "linalg", "kernels lowered to linalg"),
               clEnumValN(dlc::EmitKind::Llvm, "llvm", "optimized LLVM IR"),
               clEnumValN(dlc::EmitKind::Dot, "dot", "Graphviz graph"),
               clEnumValN(dlc::EmitKind::Ptx, "ptx", "PTX of the GPU kernels (--target=cuda)")),
    cl::cat(dlcCategory));
static cl::list<std::string> shapes("shape", cl::desc("fix an input's shape: NAME=d0,d1,..."),
                                    cl::value_desc("NAME=dims"), cl::cat(dlcCategory));
enum class OptLevel : unsigned { O0, O1, O2, O3 };
static cl::opt<OptLevel> optLevel(cl::desc("optimization level"), cl::init(OptLevel::O2),
                                  cl::values(clEnumValN(OptLevel::O0, "O0", "no graph optimization"),
                                             clEnumValN(OptLevel::O1, "O1", "simplification only"),
                                             clEnumValN(OptLevel::O2, "O2", "fusion (default)"),
                                             clEnumValN(OptLevel::O3, "O3", "same as O2")),
                                  cl::cat(dlcCategory));
// LLVM already owns `-stats`; ours is registered as `dlc-stats` and main()
// rewrites `--stats` to it so the CLI of DESIGN.md holds.
static cl::opt<bool> stats("dlc-stats", cl::desc("print node/kernel counts and arena bytes"),
                           cl::cat(dlcCategory));
static cl::opt<std::string> cudaArch("cuda-arch",
                                     cl::desc("GPU architecture for --target=cuda (default: sm_90)"),
                                     cl::init("sm_90"), cl::cat(dlcCategory));
static cl::opt<std::string> cudaEmbed(
    "cuda-embed", cl::desc("GPU code in the artefact: auto (cubin if ptxas is found, else ptx), cubin, ptx"),
    cl::init("auto"), cl::cat(dlcCategory));
static cl::opt<std::string> cpu("mcpu", cl::desc("x86-64 CPU to tune for (default: native)"),
                                cl::init("native"), cl::cat(dlcCategory));

static cl::opt<bool> noDnnl("no-dnnl",
                            cl::desc("Generate conv/matmul/gemm kernels instead of calling oneDNN"),
                            cl::init(false), cl::cat(dlcCategory));

/// Parses NAME=d0,d1,... ; dims must be positive integers.
static bool parseShape(StringRef text, std::string &name, std::vector<int64_t> &dims) {
  auto [lhs, rhs] = text.split('=');
  if (lhs.empty() || rhs.empty())
    return false;
  name = lhs.str();
  SmallVector<StringRef> parts;
  rhs.split(parts, ',');
  for (StringRef part : parts) {
    int64_t d;
    if (part.trim().getAsInteger(10, d) || d <= 0)
      return false;
    dims.push_back(d);
  }
  return true;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  mlir::registerAllPasses();
  dlc::registerDlcPasses();
  dlc::registerPipelines();
  cl::HideUnrelatedOptions(dlcCategory);
  std::vector<const char *> args(argv, argv + argc);
  for (const char *&arg : args)
    if (StringRef(arg) == "--stats" || StringRef(arg) == "-stats")
      arg = "--dlc-stats";
  std::string parseErrors;
  raw_string_ostream errs(parseErrors);
  if (!cl::ParseCommandLineOptions(static_cast<int>(args.size()), args.data(), "dlc: ONNX model compiler\n", &errs)) {
    llvm::errs() << parseErrors << "usage: dlc [--target=cpu|cuda] [--emit=KIND] [--shape N=d,..] "
                                   "[-O0..3] [--stats] MODEL.onnx -o OUT (see --help)\n";
    return 2;
  }
  dlc::CompileOptions options;
  options.inputPath = inputPath;
  options.outputPath = outputPath;
  options.target = target;
  options.emit = emit;
  options.optLevel = static_cast<unsigned>(optLevel.getValue());
  options.stats = stats;
  options.cpu = cpu;
  if (noDnnl)
    options.dnnl = false;
  options.cudaArch = cudaArch;
  if (cudaEmbed != "auto" && cudaEmbed != "cubin" && cudaEmbed != "ptx") {
    llvm::errs() << "error: --cuda-embed expects auto, cubin or ptx, got '" << cudaEmbed << "'\n";
    return 2;
  }
  options.cudaFormat = cudaEmbed == "cubin" ? "bin" : cudaEmbed == "ptx" ? "isa" : "";
  for (const std::string &text : shapes) {
    std::string name;
    std::vector<int64_t> dims;
    if (!parseShape(text, name, dims)) {
      llvm::errs() << "error: --shape expects NAME=d0,d1,... with positive dims, got '" << text
                   << "'\n";
      return 2;
    }
    options.inputShapes[name] = std::move(dims);
  }
  if (options.target != "cpu" && options.target != "cuda") {
    llvm::errs() << "error: unknown --target '" << options.target << "' (cpu or cuda)\n";
    return 2;
  }
  if (options.emit == dlc::EmitKind::Ptx && options.target != "cuda") {
    llvm::errs() << "error: --emit=ptx needs --target=cuda\n";
    return 2;
  }
  if (!StringRef(options.cudaArch).starts_with("sm_")) {
    llvm::errs() << "error: --cuda-arch expects sm_NN, got '" << options.cudaArch << "'\n";
    return 2;
  }
  return dlc::compileModel(options);
}
