//===- Devices.cpp - device names, capabilities and the cost rule ---------===//
#include "compiler/targets/Devices.h"
#include "ir/Ops.h"

#include "mlir/IR/BuiltinTypes.h"

#include <algorithm>

using namespace mlir;

std::optional<dlc::Device> dlc::parseDevice(llvm::StringRef text) {
  if (text == "cpu")
    return Device{};
  unsigned ordinal;
  if (text.consume_front("cuda:") && !text.empty() && !text.getAsInteger(10, ordinal) &&
      ordinal < 64)
    return Device{true, ordinal};
  return std::nullopt;
}

bool dlc::deviceSupports(const Device &device, Operation *op) {
  if (llvm::isa<dlc::ConstantOp, dlc::CopyOp, dlc::YieldOp>(op))
    return false; // not computations: never placed
  if (!device.cuda)
    return true;
  // The CUDA target lowers every kernel through the same linalg lowering as
  // the CPU, then dlc-convert-kernels-to-gpu (docs/cuda.md: every node test
  // that passes on the CPU passes there). What it cannot express is a kernel
  // on a value the plan cannot hold on a device: results must be ranked,
  // statically shaped tensors, as on the CPU. Library-only ops (cuDNN) will
  // narrow this table when they come.
  return llvm::all_of(op->getResultTypes(), [](Type type) {
    auto tensor = llvm::dyn_cast<RankedTensorType>(type);
    return tensor && tensor.hasStaticShape();
  });
}

static int64_t elements(Value value) {
  auto type = llvm::dyn_cast<RankedTensorType>(value.getType());
  return type && type.hasStaticShape() ? type.getNumElements() : 0;
}

int64_t dlc::opWork(Operation *op) {
  if (op->getNumResults() == 0)
    return 0;
  int64_t result = elements(op->getResult(0));
  if (llvm::isa<dlc::ConvOp>(op)) {
    // Per output element: Cin/groups * kh * kw = weight elements / Cout.
    auto weight = llvm::cast<RankedTensorType>(op->getOperand(1).getType());
    int64_t perOutput = weight.getDimSize(0) > 0 ? weight.getNumElements() / weight.getDimSize(0) : 1;
    return result * std::max<int64_t>(perOutput, 1);
  }
  if (llvm::isa<dlc::MatMulOp, dlc::GemmOp>(op)) {
    // The reduced extent K: lhs elements over the rows of the result.
    auto out = llvm::cast<RankedTensorType>(op->getResult(0).getType());
    int64_t columns = out.getRank() ? out.getDimSize(out.getRank() - 1) : 1;
    int64_t rows = columns > 0 ? result / columns : 0;
    int64_t k = rows > 0 ? elements(op->getOperand(0)) / rows : 1;
    return result * std::max<int64_t>(k, 1);
  }
  return result;
}
