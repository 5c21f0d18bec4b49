//===- OnnxSerializer.h - Graph <-> onnx::ModelProto ----------------------===//
//
// Needs the ONNX protobuf headers (the onnx_proto target defines ONNX_ML=1 and
// ONNX_NAMESPACE=onnx). Graph::save/load wrap these for files.
#pragma once

#include "frontend/graph/Graph.h"

#include <onnx/onnx_pb.h>

namespace dlc::graph {

inline constexpr int64_t kOnnxOpset = 17;
inline constexpr int64_t kOnnxIrVersion = 8;
// Metadata key listing the trainable initializers, one name per line; the
// other initializers are constants.
inline constexpr const char *kTrainableMetadataKey = "dlc.trainable";

// Opset 17 / IR 8 model. Unused constants are left out; value_info carries
// the inferred type of every intermediate value.
onnx::ModelProto toOnnx(const Graph &graph);

// Rebuilds a Graph, re-inferring every shape. Accepts default-domain opset
// 13..17 models with static input shapes and the ops of supportedOps().
// Errors read "<source>:node 'name' (OpType): message".
Graph fromOnnx(const onnx::ModelProto &model, const std::string &source = "model");

// Conversions shared by export and import.
onnx::TensorProto toTensorProto(const TensorData &data, const std::string &name);
// `what` names the tensor in errors.
TensorData fromTensorProto(const onnx::TensorProto &proto, const std::string &what);

} // namespace dlc::graph
