//===- ImportTestUtils.cpp - build ONNX models as text, import them -------===//
#include "ImportTestUtils.h"
#include "ModelFiles.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <unistd.h>

namespace dlc::test {

static std::string join(const std::vector<int64_t> &v) {
  std::string s;
  for (int64_t x : v)
    s += (s.empty() ? "" : ", ") + std::to_string(x);
  return s;
}

std::string tensorInfo(const std::string &name, int dtype, const std::vector<int64_t> &dims) {
  std::string shape;
  for (int64_t d : dims)
    shape += d < 0 ? "dim { dim_param: \"N\" } " : "dim { dim_value: " + std::to_string(d) + " } ";
  return "{ name: \"" + name + "\" type { tensor_type { elem_type: " + std::to_string(dtype) +
         " shape { " + shape + "} } } }";
}

std::string outputInfo(const std::string &name, int dtype) {
  return "{ name: \"" + name + "\" type { tensor_type { elem_type: " + std::to_string(dtype) +
         " } } }";
}

std::string attrInt(const std::string &name, int64_t v) {
  return "attribute { name: \"" + name + "\" type: INT i: " + std::to_string(v) + " } ";
}
std::string attrFloat(const std::string &name, float v) {
  return "attribute { name: \"" + name + "\" type: FLOAT f: " + std::to_string(v) + " } ";
}
std::string attrString(const std::string &name, const std::string &v) {
  return "attribute { name: \"" + name + "\" type: STRING s: \"" + v + "\" } ";
}
std::string attrInts(const std::string &name, const std::vector<int64_t> &v) {
  std::string s = "attribute { name: \"" + name + "\" type: INTS ";
  for (int64_t x : v)
    s += "ints: " + std::to_string(x) + " ";
  return s + "} ";
}

std::string node(const std::string &op, const std::vector<std::string> &inputs,
                 const std::vector<std::string> &outputs, const std::string &name,
                 const std::string &attrs, const std::string &domain) {
  std::string s = "node { ";
  for (const std::string &in : inputs)
    s += "input: \"" + in + "\" ";
  for (const std::string &out : outputs)
    s += "output: \"" + out + "\" ";
  if (!name.empty())
    s += "name: \"" + name + "\" ";
  s += "op_type: \"" + op + "\" ";
  if (!domain.empty())
    s += "domain: \"" + domain + "\" ";
  return s + attrs + "}\n";
}

static std::string escapeBytes(const void *data, size_t size) {
  std::string s;
  const unsigned char *p = static_cast<const unsigned char *>(data);
  char buf[8];
  for (size_t i = 0; i < size; ++i) {
    std::snprintf(buf, sizeof buf, "\\%03o", p[i]);
    s += buf;
  }
  return s;
}

std::string floatInit(const std::string &name, const std::vector<int64_t> &dims,
                      const std::vector<float> &values) {
  std::string s = "initializer { name: \"" + name + "\" data_type: 1 ";
  for (int64_t d : dims)
    s += "dims: " + std::to_string(d) + " ";
  return s + "raw_data: \"" + escapeBytes(values.data(), values.size() * sizeof(float)) +
         "\" }\n";
}

std::string int64Init(const std::string &name, const std::vector<int64_t> &dims,
                      const std::vector<int64_t> &values) {
  std::string s = "initializer { name: \"" + name + "\" data_type: 7 ";
  for (int64_t d : dims)
    s += "dims: " + std::to_string(d) + " ";
  for (int64_t v : values)
    s += "int64_data: " + std::to_string(v) + " ";
  return s + "}\n";
}

std::string int64Constant(const std::string &output, const std::vector<int64_t> &dims,
                          const std::vector<int64_t> &values) {
  std::string t = "t { data_type: 7 ";
  for (int64_t d : dims)
    t += "dims: " + std::to_string(d) + " ";
  for (int64_t v : values)
    t += "int64_data: " + std::to_string(v) + " ";
  t += "}";
  return node("Constant", {}, {output}, "const_" + output,
              "attribute { name: \"value\" type: TENSOR " + t + " } ");
}

std::string model(int opset, const std::string &graphBody) {
  return "ir_version: 8\nopset_import { domain: \"\" version: " + std::to_string(opset) +
         " }\ngraph {\n name: \"g\"\n" + graphBody + "}\n";
}

std::string freshDir() {
  static std::atomic<int> counter{0};
  std::string dir = testing::TempDir() + "dlc_frontend_" + std::to_string(getpid()) + "_" +
                    std::to_string(counter++);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

ImportResult importFile(const std::string &path, const ImportOptions &opts, bool withLocations) {
  ImportResult result;
  result.path = path;
  mlir::MLIRContext ctx;
  llvm::raw_string_ostream errs(result.errors);
  mlir::OwningOpRef<mlir::ModuleOp> module = importOnnxModel(ctx, path, opts, errs);
  errs.flush();
  if (module) {
    result.ok = true;
    llvm::raw_string_ostream os(result.ir);
    mlir::OpPrintingFlags flags;
    if (withLocations)
      flags.enableDebugInfo();
    module->print(os, flags);
  }
  return result;
}

ImportResult importText(const std::string &textProto, const ImportOptions &opts,
                        const std::string &fileName, bool withLocations) {
  std::string path = freshDir() + "/" + fileName;
  std::string error = writeModelFromText(textProto, path);
  if (!error.empty()) {
    ADD_FAILURE() << error << "\n" << textProto;
    return {};
  }
  return importFile(path, opts, withLocations);
}

size_t count(const std::string &text, const std::string &needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos;
       pos = text.find(needle, pos + needle.size()))
    ++n;
  return n;
}

} // namespace dlc::test
