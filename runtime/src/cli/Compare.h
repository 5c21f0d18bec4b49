// Internal: numeric comparison of an output with its expected value.
#ifndef DLC_RUNTIME_SRC_CLI_COMPARE_H
#define DLC_RUNTIME_SRC_CLI_COMPARE_H

#include "../TensorIO.h"

#include <string>
#include <vector>

namespace dlc::rt {

/// Element values as doubles (float16/bfloat16 decoded); empty for unknown dtypes.
std::vector<double> toDoubles(const HostTensor &t);

struct Comparison {
  bool match = false;
  std::string summary; // "OK (max abs err 1e-7, max rel err ...)" or the first mismatch
};

/// Floats match when |a - b| <= atol + rtol * |b| (NaN matches NaN, equal
/// infinities match); integers and bools must be equal. Dtype and shape too.
Comparison compare(const HostTensor &actual, const HostTensor &expected, double rtol, double atol);

} // namespace dlc::rt

#endif
