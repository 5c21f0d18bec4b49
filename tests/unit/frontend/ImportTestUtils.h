//===- ImportTestUtils.h - build ONNX models as text, import them -*- C++ -*-===//
#ifndef DLC_TESTS_UNIT_FRONTEND_IMPORTTESTUTILS_H
#define DLC_TESTS_UNIT_FRONTEND_IMPORTTESTUTILS_H

#include "frontend/onnx/Importer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dlc::test {

// ONNX dtype codes used by the tests.
enum : int {
  F32 = 1, U8 = 2, I8 = 3, U16 = 4, I32 = 6, I64 = 7, BOOL = 9, F16 = 10, U32 = 12,
  U64 = 13, C64 = 14, BF16 = 16
};

struct ImportResult {
  bool ok = false;
  std::string ir;     // the printed module when ok
  std::string errors; // what the importer printed
  std::string path;   // the model file
};

/// `name` with a tensor type; a dim of -1 becomes dim_param "N".
std::string tensorInfo(const std::string &name, int dtype, const std::vector<int64_t> &dims);
/// An output declared without a shape.
std::string outputInfo(const std::string &name, int dtype = F32);

std::string attrInt(const std::string &name, int64_t v);
std::string attrFloat(const std::string &name, float v);
std::string attrString(const std::string &name, const std::string &v);
std::string attrInts(const std::string &name, const std::vector<int64_t> &v);

std::string node(const std::string &op, const std::vector<std::string> &inputs,
                 const std::vector<std::string> &outputs, const std::string &name = "",
                 const std::string &attrs = "", const std::string &domain = "");

/// Initializers: float32 via raw_data, int64 via int64_data.
std::string floatInit(const std::string &name, const std::vector<int64_t> &dims,
                      const std::vector<float> &values);
std::string int64Init(const std::string &name, const std::vector<int64_t> &dims,
                      const std::vector<int64_t> &values);
/// A Constant node holding int64 values (1-D, or a scalar when dims empty).
std::string int64Constant(const std::string &output, const std::vector<int64_t> &dims,
                          const std::vector<int64_t> &values);

/// The text of a ModelProto with `graphBody` inside `graph { ... }`.
std::string model(int opset, const std::string &graphBody);

/// Writes the model under a fresh temp folder and imports it.
/// `withLocations` prints the IR with locations.
ImportResult importText(const std::string &textProto, const ImportOptions &opts = {},
                        const std::string &fileName = "m.onnx", bool withLocations = false);
/// Imports an existing file.
ImportResult importFile(const std::string &path, const ImportOptions &opts = {},
                        bool withLocations = false);
/// A fresh empty folder for one test.
std::string freshDir();

/// Number of non-overlapping occurrences of `needle` in `text`.
size_t count(const std::string &text, const std::string &needle);

} // namespace dlc::test

#endif
