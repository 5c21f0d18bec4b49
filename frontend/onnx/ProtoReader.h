//===- ProtoReader.h - TensorProto decoding (protobuf side) ----*- C++ -*-===//
//
// Internal to ModelReader.cpp / TensorReader.cpp, the only files that see
// protobuf; both are compiled with RTTI (see OnnxModel.h).
//
//===----------------------------------------------------------------------===//
#ifndef DLC_FRONTEND_ONNX_PROTOREADER_H
#define DLC_FRONTEND_ONNX_PROTOREADER_H

#include "frontend/onnx/OnnxModel.h"

#include <onnx/onnx_pb.h>

namespace dlc::onnx_import {

/// Decodes `proto` into `out`. `modelDir` anchors external data. Returns
/// false with `error` set for malformed tensors (wrong data length, bad
/// dims, external data outside the model folder, ...). A tensor of an
/// unsupported element type is not malformed: it decodes with `out.error`
/// set so that only its use is reported. Moves raw_data out of `proto`.
bool decodeTensor(onnx::TensorProto &proto, const std::string &modelDir, TensorData &out,
                  std::string &error);

} // namespace dlc::onnx_import

#endif // DLC_FRONTEND_ONNX_PROTOREADER_H
