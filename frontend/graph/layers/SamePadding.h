//===- SamePadding.h - TensorFlow "same" padding for windowed layers ------===//
#pragma once

#include <cstdint>
#include <vector>

namespace dlc::graph::layers {

// ONNX pads [begin..., end...] so that out = ceil(in / stride), the odd pixel
// going to the end (TensorFlow's SAME, ONNX SAME_UPPER), made explicit so
// consumers need not implement auto_pad.
inline std::vector<int64_t> samePads(const std::vector<int64_t> &input,
                                     const std::vector<int64_t> &kernel,
                                     const std::vector<int64_t> &strides,
                                     const std::vector<int64_t> &dilations) {
  size_t n = input.size();
  std::vector<int64_t> pads(2 * n, 0);
  for (size_t i = 0; i < n; ++i) {
    int64_t out = (input[i] + strides[i] - 1) / strides[i];
    int64_t window = (kernel[i] - 1) * dilations[i] + 1;
    int64_t total = (out - 1) * strides[i] + window - input[i];
    if (total < 0)
      total = 0;
    pads[i] = total / 2;
    pads[i + n] = total - total / 2;
  }
  return pads;
}

} // namespace dlc::graph::layers
