//===- ModelFiles.cpp - write ONNX test models (protobuf side, RTTI) ------===//
#include "ModelFiles.h"

#include <onnx/onnx_pb.h>

#include <google/protobuf/text_format.h>

#include <fstream>

namespace dlc::test {

std::string writeModelFromText(const std::string &textProto, const std::string &path) {
  onnx::ModelProto model;
  if (!google::protobuf::TextFormat::ParseFromString(textProto, &model))
    return "cannot parse the text-format model";
  std::string bytes;
  if (!model.SerializeToString(&bytes))
    return "cannot serialize the model";
  std::ofstream file(path, std::ios::binary);
  file << bytes;
  return file.flush() ? "" : "cannot write " + path;
}

} // namespace dlc::test
