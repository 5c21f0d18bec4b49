//===- dlc.cpp - the dlc compiler driver ----------------------------------===//
//
//   dlc [--target=cpu|cuda] [--cuda-arch=sm_NN] [--emit=exe|lib|obj|mlir|linalg|llvm|ptx|dot|plan]
//       [--devices=cpu,cuda:0 [--pipeline] [--place NODE=DEVICE]...]
//       [--shape NAME=d0,d1,..]... [-O0..3] [--stats] MODEL.onnx -o OUT
//   dlc --train [--loss=L] [--optimizer=O] [--lr=R] [--momentum=M] [--beta1=B]
//       [--beta2=B] [--weight-decay=W] [--emit-gradients] MODEL.onnx -o TRAINER
//   dlc --quantize=int8 --calibrate=DIR [--calibrate-method=minmax|percentile]
//       [--percentile=P] MODEL.onnx -o OUT
//
// Exit codes: 0 success, 1 compile error (nothing written), 2 usage error.
//===----------------------------------------------------------------------===//
#include "compiler/Passes.h"
#include "compiler/driver/Compile.h"
#include "compiler/driver/Pipeline.h"
#include "compiler/targets/Devices.h"
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
               clEnumValN(dlc::EmitKind::Ptx, "ptx", "PTX of the GPU kernels (--target=cuda)"),
               clEnumValN(dlc::EmitKind::Plan, "plan", "the runtime plan blob (dlc/plan.h)")),
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
static cl::list<std::string> devices(
    "devices", cl::desc("place each node on one of these devices (cpu, cuda:0, ...), copies between"),
    cl::value_desc("cpu,cuda:0"), cl::CommaSeparated, cl::cat(dlcCategory));
static cl::list<std::string> placements("place", cl::desc("put ONNX node NODE on DEVICE (with --devices)"),
                                        cl::value_desc("NODE=DEVICE"), cl::cat(dlcCategory));
static cl::opt<bool> pipeline("pipeline",
                              cl::desc("with --devices: split the graph into one stage per device "
                                       "(consecutive ops, about equal work)"),
                              cl::cat(dlcCategory));
static cl::opt<std::string> cpu("mcpu", cl::desc("x86-64 CPU to tune for (default: native)"),
                                cl::init("native"), cl::cat(dlcCategory));

static cl::opt<bool> noDnnl("no-dnnl",
                            cl::desc("Generate conv/matmul/gemm kernels instead of calling oneDNN"),
                            cl::init(false), cl::cat(dlcCategory));

static cl::opt<bool> noWinograd(
    "no-winograd",
    cl::desc("Direct convolution only (oneDNN's Winograd 3x3 convs are faster but round differently)"),
    cl::init(false), cl::cat(dlcCategory));

static cl::opt<bool> noParallelKernels(
    "no-parallel-kernels",
    cl::desc("Generated kernels run on one thread (the run's threads only run independent nodes at once)"),
    cl::init(false), cl::cat(dlcCategory));

static cl::opt<std::string> precision(
    "precision",
    cl::desc("fp32 | fp16 | bf16: compute conv/matmul/gemm in this type (f32 accumulation)"),
    cl::init("fp32"), cl::cat(dlcCategory));

static cl::OptionCategory quantCategory("int8 quantization (docs/quantization.md)");
static cl::opt<std::string> quantize("quantize",
                                     cl::desc("int8: compile conv/matmul/gemm as int8 kernels, "
                                              "calibrated on --calibrate samples"),
                                     cl::cat(quantCategory));
static cl::opt<std::string> calibrate(
    "calibrate", cl::desc("folder of input samples (.npy/.pb; a folder per sample or stacks)"),
    cl::value_desc("DIR"), cl::cat(quantCategory));
static cl::opt<std::string> calibrateMethod("calibrate-method",
                                            cl::desc("minmax (default) | percentile"),
                                            cl::init("minmax"), cl::cat(quantCategory));
static cl::opt<double> percentile("percentile",
                                  cl::desc("with --calibrate-method=percentile: the percentile "
                                           "kept on each side (default 99.99)"),
                                  cl::init(99.99), cl::cat(quantCategory));

static cl::OptionCategory trainCategory("training (dlc --train, docs/training.md)");
static cl::opt<bool> train("train", cl::desc("compile a training program (a trainer executable)"),
                           cl::cat(trainCategory));
static cl::opt<std::string> loss("loss",
                                 cl::desc("mse | binary_cross_entropy | softmax_cross_entropy"),
                                 cl::init("softmax_cross_entropy"), cl::cat(trainCategory));
static cl::opt<std::string> optimizer("optimizer", cl::desc("sgd | momentum | adam"),
                                      cl::init("sgd"), cl::cat(trainCategory));
static cl::opt<double> lr("lr", cl::desc("learning rate (default 0.01)"), cl::init(0.01),
                          cl::cat(trainCategory));
static cl::opt<double> momentum("momentum",
                                cl::desc("SGD momentum (default 0; 0.9 for --optimizer=momentum)"),
                                cl::init(0.0), cl::cat(trainCategory));
static cl::opt<double> beta1("beta1", cl::desc("Adam beta1 (default 0.9)"), cl::init(0.9),
                             cl::cat(trainCategory));
static cl::opt<double> beta2("beta2", cl::desc("Adam beta2 (default 0.999)"), cl::init(0.999),
                             cl::cat(trainCategory));
static cl::opt<double> weightDecay("weight-decay", cl::desc("L2 weight decay (default 0)"),
                                   cl::init(0.0), cl::cat(trainCategory));
static cl::opt<bool> emitGradients(
    "emit-gradients",
    cl::desc("with --train: a program returning loss, prediction and weight gradients"),
    cl::cat(trainCategory));

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
  cl::HideUnrelatedOptions({&dlcCategory, &quantCategory, &trainCategory});
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
  if (noWinograd)
    options.winograd = false;
  if (noParallelKernels)
    options.parallelKernels = false;
  options.cudaArch = cudaArch;
  options.train = train;
  options.emitGradients = emitGradients;
  options.loss = loss;
  options.optimizer = optimizer;
  options.lr = lr;
  options.momentum = momentum;
  options.beta1 = beta1;
  options.beta2 = beta2;
  options.weightDecay = weightDecay;
  if (train) {
    std::string problem;
    if (loss != "mse" && loss != "binary_cross_entropy" && loss != "softmax_cross_entropy")
      problem = "--loss expects mse, binary_cross_entropy or softmax_cross_entropy, got '" +
                loss + "'";
    else if (optimizer != "sgd" && optimizer != "momentum" && optimizer != "adam")
      problem = "--optimizer expects sgd, momentum or adam, got '" + optimizer + "'";
    else if (!(lr > 0))
      problem = "--lr must be positive";
    else if (!(momentum >= 0 && momentum < 1) || !(beta1 >= 0 && beta1 < 1) ||
             !(beta2 >= 0 && beta2 < 1))
      problem = "--momentum, --beta1 and --beta2 must lie in [0, 1)";
    else if (!(weightDecay >= 0))
      problem = "--weight-decay must not be negative";
    else if (emit != dlc::EmitKind::Exe && emit != dlc::EmitKind::Mlir &&
             emit != dlc::EmitKind::Obj && emit != dlc::EmitKind::Linalg &&
             emit != dlc::EmitKind::Llvm && emit != dlc::EmitKind::Dot)
      problem = "--train supports --emit=exe, obj, mlir, linalg, llvm and dot";
    if (!problem.empty()) {
      llvm::errs() << "error: " << problem << "\n";
      return 2;
    }
  } else if (emitGradients) {
    llvm::errs() << "error: --emit-gradients needs --train\n";
    return 2;
  }
  if (precision != "fp32" && precision != "fp16" && precision != "bf16") {
    llvm::errs() << "error: --precision expects fp32, fp16 or bf16, got '" << precision << "'\n";
    return 2;
  }
  if (precision != "fp32" && train) {
    llvm::errs() << "error: --precision=" << precision << " is for inference (not with --train)\n";
    return 2;
  }
  options.precision = precision == "fp16" ? "f16" : precision == "bf16" ? "bf16" : "";
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
  if (options.outputPath == "-" &&
      (options.emit == dlc::EmitKind::Exe || options.emit == dlc::EmitKind::Lib)) {
    llvm::errs() << "error: -o - (standard output) is for --emit=obj|mlir|linalg|llvm|ptx|dot; "
                    "executables and libraries need a file name\n";
    return 2;
  }
  for (const std::string &device : devices) {
    if (!dlc::parseDevice(device)) {
      llvm::errs() << "error: --devices: unknown device '" << device << "' (cpu or cuda:N)\n";
      return 2;
    }
    options.devices.push_back(device);
  }
  for (const std::string &placement : placements) {
    auto [node, device] = StringRef(placement).split('=');
    if (node.empty() || !dlc::parseDevice(device)) {
      llvm::errs() << "error: --place expects NODE=DEVICE (DEVICE cpu or cuda:N), got '"
                   << placement << "'\n";
      return 2;
    }
    options.placements.push_back(placement);
  }
  if (!options.placements.empty() && options.devices.empty()) {
    llvm::errs() << "error: --place needs --devices\n";
    return 2;
  }
  options.pipeline = pipeline;
  if (options.pipeline && options.devices.empty()) {
    llvm::errs() << "error: --pipeline needs --devices\n";
    return 2;
  }
  if (!options.devices.empty() && options.target != "cpu") {
    llvm::errs() << "error: --devices places nodes itself; drop --target=" << options.target << "\n";
    return 2;
  }
  bool placesOnCuda = llvm::any_of(options.devices, [](const std::string &d) {
    return StringRef(d).starts_with("cuda");
  });
  if (options.emit == dlc::EmitKind::Ptx && options.target != "cuda" && !placesOnCuda) {
    llvm::errs() << "error: --emit=ptx needs --target=cuda or a CUDA device in --devices\n";
    return 2;
  }
  if (!quantize.empty() || !calibrate.empty()) {
    std::string problem;
    if (quantize != "int8")
      problem = quantize.empty() ? "--calibrate needs --quantize=int8"
                                 : "--quantize expects int8, got '" + quantize + "'";
    else if (calibrate.empty())
      problem = "--quantize=int8 needs --calibrate=DIR (a folder of input samples)";
    else if (calibrateMethod != "minmax" && calibrateMethod != "percentile")
      problem = "--calibrate-method expects minmax or percentile, got '" + calibrateMethod + "'";
    else if (!(percentile > 50.0 && percentile <= 100.0))
      problem = "--percentile must lie in (50, 100]";
    else if (train)
      problem = "--quantize is for inference (not with --train)";
    else if (precision != "fp32")
      problem = "--quantize=int8 and --precision=" + precision + " exclude each other";
    else if (options.target != "cpu" || !options.devices.empty())
      problem = "--quantize=int8 is implemented for --target=cpu only";
    else if (options.optLevel == 0)
      problem = "--quantize=int8 needs -O1 or higher (dlc-fold-qdq makes the int8 kernels)";
    if (!problem.empty()) {
      llvm::errs() << "error: " << problem << "\n";
      return 2;
    }
    options.calibrationDir = calibrate;
    options.calibrationMethod = calibrateMethod == "percentile"
                                    ? dlc::CalibrationMethod::Percentile
                                    : dlc::CalibrationMethod::MinMax;
    options.percentile = percentile;
  }
  if (!StringRef(options.cudaArch).starts_with("sm_")) {
    llvm::errs() << "error: --cuda-arch expects sm_NN, got '" << options.cudaArch << "'\n";
    return 2;
  }
  return dlc::compileModel(options);
}
