//===- Attributes.h - ONNX node attributes ---------------------------------===//
#pragma once

#include "frontend/graph/TensorData.h"

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace dlc::graph {

// One alternative per ONNX AttributeProto type the supported ops use. The
// variant keeps INT apart from INTS, so a round trip keeps the exact type.
using AttrValue =
    std::variant<int64_t, float, std::string, std::vector<int64_t>,
                 std::vector<float>, std::vector<std::string>, TensorData>;

// Ordered, so serialization is deterministic.
using Attributes = std::map<std::string, AttrValue>;

} // namespace dlc::graph
