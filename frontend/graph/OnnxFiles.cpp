//===- OnnxFiles.cpp - Graph::save/saveText/load/loadText ----------------===//
#include "frontend/graph/OnnxSerializer.h"

#include <google/protobuf/text_format.h>

#include <fstream>
#include <sstream>

namespace dlc::graph {

static void writeFile(const std::string &op, const std::string &path,
                      const std::string &bytes) {
  std::ofstream file(path, std::ios::binary);
  file << bytes;
  if (!file.flush())
    throw Error(op, "cannot write '" + path + "'");
}

static std::string readFile(const std::string &op, const std::string &path) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    throw Error(op, "cannot read '" + path + "'");
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

void Graph::save(const std::string &path) const {
  std::string bytes;
  if (!toOnnx(*this).SerializeToString(&bytes))
    throw Error("save", "cannot serialize the model (over 2 GiB?)");
  writeFile("save", path, bytes);
}

void Graph::saveText(const std::string &path) const {
  std::string text;
  if (!google::protobuf::TextFormat::PrintToString(toOnnx(*this), &text))
    throw Error("saveText", "cannot print the model");
  writeFile("saveText", path, text);
}

Graph Graph::load(const std::string &path) {
  onnx::ModelProto model;
  if (!model.ParseFromString(readFile("load", path)))
    throw Error("load", "'" + path + "' is not a binary ONNX model");
  return fromOnnx(model, path);
}

Graph Graph::loadText(const std::string &path) {
  onnx::ModelProto model;
  if (!google::protobuf::TextFormat::ParseFromString(readFile("loadText", path),
                                                     &model))
    throw Error("loadText", "'" + path + "' is not a text-format ONNX model");
  return fromOnnx(model, path);
}

} // namespace dlc::graph
