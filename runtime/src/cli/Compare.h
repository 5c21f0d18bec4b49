// Internal: numeric comparison of an output with its expected value (--check).
#ifndef DLC_RUNTIME_SRC_CLI_COMPARE_H
#define DLC_RUNTIME_SRC_CLI_COMPARE_H

#include "../TensorIO.h"

#include <string>
#include <vector>

namespace dlc::rt {

/// Element values as doubles (float16/bfloat16 decoded); empty for unknown
/// dtypes. 64-bit integers beyond 2^53 lose precision: use it for display
/// and tolerances, never for exact equality.
std::vector<double> toDoubles(const HostTensor &t);

struct Comparison {
  bool match = false;
  /// "OK (max abs err 1e-07, max rel err 2e-07)" or
  /// "MISMATCH: 3 of 64 elements; first at index 5 [0,5]: got 1, expected 2; max abs err ..."
  std::string summary;
};

/// Floats match when |a - b| <= atol + rtol * |b| (NaN matches NaN, an
/// infinity matches the same infinity); integers and bools must be equal.
/// Dtype and shape must be equal too. Pure; thread-safe.
Comparison compare(const HostTensor &actual, const HostTensor &expected, double rtol, double atol);

} // namespace dlc::rt

#endif
