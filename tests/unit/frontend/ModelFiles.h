//===- ModelFiles.h - write ONNX test models (no protobuf types) -*- C++ -*-===//
//
// The importer tests are compiled with -fno-rtti (they use MLIR); protobuf
// needs RTTI, so models are written by ModelFiles.cpp (compiled with RTTI)
// from protobuf text format, and the tests only see strings.
//
//===----------------------------------------------------------------------===//
#ifndef DLC_TESTS_UNIT_FRONTEND_MODELFILES_H
#define DLC_TESTS_UNIT_FRONTEND_MODELFILES_H

#include <string>

namespace dlc::test {

/// Parses `textProto` as an onnx.ModelProto and writes it in binary form to
/// `path`. Returns an error message, or "" on success.
std::string writeModelFromText(const std::string &textProto, const std::string &path);

} // namespace dlc::test

#endif
