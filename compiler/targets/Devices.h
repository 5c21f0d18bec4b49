//===- Devices.h - device names, capabilities and the cost rule -----------===//
//
// What the placement pass (dlc-place) asks of the targets: which devices
// exist, which ops each can run, and how much work an op is.
#ifndef DLC_COMPILER_TARGETS_DEVICES_H
#define DLC_COMPILER_TARGETS_DEVICES_H

#include "mlir/IR/Operation.h"

#include <cstdint>
#include <optional>
#include <string>

namespace dlc {

/// A device of `--devices`: "cpu" or "cuda:N".
struct Device {
  bool cuda = false;
  unsigned ordinal = 0; // N of cuda:N
  /// The plan's device index: 0 = CPU, 1 + N = cuda:N.
  uint32_t planIndex() const { return cuda ? 1 + ordinal : 0; }
  std::string name() const { return cuda ? "cuda:" + std::to_string(ordinal) : "cpu"; }
};

/// Parses "cpu" / "cuda:N"; nullopt for anything else.
std::optional<Device> parseDevice(llvm::StringRef text);

/// Whether `device` can run `op` (a dlc op of the graph function).
bool deviceSupports(const Device &device, mlir::Operation *op);

/// The cost rule's measure of `op`: multiply-adds for matmul/gemm/conv,
/// result elements otherwise.
int64_t opWork(mlir::Operation *op);

} // namespace dlc

#endif // DLC_COMPILER_TARGETS_DEVICES_H
