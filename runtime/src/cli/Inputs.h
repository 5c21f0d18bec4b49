// Internal: the input tensors of a CLI run, read from files or generated.
#ifndef DLC_RUNTIME_SRC_CLI_INPUTS_H
#define DLC_RUNTIME_SRC_CLI_INPUTS_H

#include "../TensorIO.h"
#include "Options.h"
#include "dlc/runtime.h"

#include <random>
#include <string>
#include <vector>

namespace dlc::rt {

/// A zero-filled tensor with the name, dtype and shape of `info`.
HostTensor allocateTensor(const dlc_tensor_info &info);

/// "" if a host buffer for `info` can be allocated, else an error naming
/// the tensor (`side` is "input" or "output"): more bytes than the machine's
/// physical memory is refused up front, since the allocation would either
/// fail or, with overcommit, be killed later while being filled.
std::string checkAllocatable(const dlc_tensor_info &info, const char *side);

/// Fills `t` with values from `rng`: floats uniform in [-1, 1), integers
/// uniform in [0, 4), bools 0/1.
void fillRandom(HostTensor &t, std::mt19937_64 &rng);

/// One tensor per model input, in entry order: from --input NAME=FILE, else
/// DIR/input_N.pb of --data, else seeded random values (seed 42, inputs
/// drawn in order). False with `error` on an unknown --input name, an
/// unreadable file, or a file whose dtype/shape differs from the input's.
bool loadInputs(const dlc_model *model, const CliOptions &options, std::vector<HostTensor> &inputs,
                std::string &error);

} // namespace dlc::rt

#endif
