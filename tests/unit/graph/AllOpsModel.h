//===- AllOpsModel.h - one graph that uses every supported op ------------===//
#pragma once

#include "frontend/graph/GraphApi.h"

namespace dlc::graph::test_models {

// Inputs "x" float32[2,3,8,8] and "ids" int64[2,4]; several outputs. Every
// op of detail::supportedOps() appears at least once.
Graph buildAllOpsModel(uint64_t seed = 7);

} // namespace dlc::graph::test_models
