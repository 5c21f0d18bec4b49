//===- ImportErrorsTest.cpp - the importer rejects bad models clearly -----===//
#include "ImportTestUtils.h"
#include "ModelFiles.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace dlc::test;

namespace {

#define EXPECT_ERROR(result, text)                                                             \
  do {                                                                                         \
    EXPECT_FALSE((result).ok);                                                                 \
    EXPECT_NE((result).errors.find(text), std::string::npos)                                   \
        << "missing: " << (text) << "\nerrors:\n" << (result).errors;                           \
  } while (0)

std::string io(const std::vector<int64_t> &inDims, int dtype = F32) {
  return "input " + tensorInfo("x", dtype, inDims) + "\noutput " + outputInfo("y", dtype) + "\n";
}

TEST(ImportErrors, UnsupportedOpsListedTogether) {
  std::string g = node("Unique", {"x"}, {"a"}, "u1") + node("Relu", {"a"}, {"b"}, "ok") +
                  node("NonZero", {"b"}, {"c"}) +
                  node("FusedConv", {"c"}, {"y"}, "fc", "", "com.microsoft");
  auto r = importText(model(17, g + io({4})));
  EXPECT_ERROR(r, "m.onnx:node 'u1' (Unique): unsupported op\n");
  EXPECT_ERROR(r, "m.onnx:node 'NonZero_2' (NonZero): unsupported op\n");
  EXPECT_ERROR(r, "m.onnx:node 'fc' (FusedConv): unsupported op (domain 'com.microsoft')");
  EXPECT_EQ(count(r.errors, "\n"), 3u) << r.errors;
}

/// Gradient (ai.onnx.preview.training) of `y` with respect to `xs`, fed `inputs`.
std::string gradientNode(const std::vector<std::string> &inputs, const std::string &y,
                         const std::vector<std::string> &xs) {
  std::string attrs = "attribute { name: \"y\" type: STRING s: \"" + y + "\" }\n" +
                      "attribute { name: \"xs\" type: STRINGS";
  for (const std::string &x : xs)
    attrs += " strings: \"" + x + "\"";
  attrs += " }\n";
  return node("Gradient", inputs, {"y"}, "grad", attrs, "ai.onnx.preview.training");
}

TEST(ImportErrors, GradientNodes) {
  std::string loss = node("ReduceSum", {"x"}, {"loss"}, "sum", attrInt("keepdims", 0));
  auto ok = importText(model(13, loss + gradientNode({"x"}, "loss", {"x"}) + io({3})));
  EXPECT_TRUE(ok.ok) << ok.errors;
  EXPECT_NE(ok.ir.find("dlc.gradient"), std::string::npos) << ok.ir;

  auto noY = importText(model(13, loss + gradientNode({"x"}, "nope", {"x"}) + io({3})));
  EXPECT_ERROR(noY, "node 'grad' (Gradient): attribute 'y' names 'nope', which no earlier node, "
                    "graph input or initializer produces");
  auto otherInput =
      importText(model(13, loss + gradientNode({"loss"}, "loss", {"x"}) + io({3})));
  EXPECT_ERROR(otherInput, "input 0 is 'loss' but attribute 'xs' names 'x' there");
  auto vectorY = importText(model(13, node("Relu", {"x"}, {"r"}, "relu") +
                                          gradientNode({"x"}, "r", {"x"}) + io({3})));
  EXPECT_ERROR(vectorY, "y ('r') must have exactly one element (a scalar loss)");
}

TEST(ImportErrors, OpsetOutOfRange) {
  auto old = importText(model(10, node("Relu", {"x"}, {"y"}, "r") + io({2})));
  EXPECT_ERROR(old, "m.onnx: default-domain opset 10 is not supported (dlc supports opsets 11 to 28)");
  auto future = importText(model(29, node("Relu", {"x"}, {"y"}, "r") + io({2})));
  EXPECT_ERROR(future, "opset 29 is not supported");
  auto newest = importText(model(28, node("Relu", {"x"}, {"y"}, "r") + io({2})));
  EXPECT_TRUE(newest.ok) << newest.errors;
}

TEST(ImportErrors, MissingAndMistypedAttributes) {
  auto cast = importText(model(13, node("Cast", {"x"}, {"y"}, "c") + io({2})));
  EXPECT_ERROR(cast, "m.onnx:node 'c' (Cast): missing required attribute 'to'");
  auto concat = importText(model(13, node("Concat", {"x", "x"}, {"y"}, "cc",
                                          attrString("axis", "0")) +
                                         io({2})));
  EXPECT_ERROR(concat, "node 'cc' (Concat): attribute 'axis' must be an int, got string");
  auto pool = importText(model(13, node("MaxPool", {"x"}, {"y"}, "mp") + io({1, 1, 4, 4})));
  EXPECT_ERROR(pool, "node 'mp' (MaxPool): missing required attribute 'kernel_shape'");
}

TEST(ImportErrors, BadRawDataLength) {
  std::string g = node("Add", {"x", "w"}, {"y"}, "add") +
                  "initializer { name: \"w\" data_type: 1 dims: 2 raw_data: \"abc\" }\n" + io({2});
  auto r = importText(model(13, g));
  EXPECT_ERROR(r, "m.onnx: initializer 'w' raw_data has 3 bytes, expected 8 (2 x float32)");
}

TEST(ImportErrors, TypedFieldCountAndDimsOverflow) {
  std::string g = node("Add", {"x", "w"}, {"y"}, "add") +
                  "initializer { name: \"w\" data_type: 7 dims: 2 int64_data: 1 }\n" +
                  "initializer { name: \"big\" data_type: 1 dims: 4294967296 dims: 4294967296 "
                  "dims: 4294967296 }\n" + io({2});
  auto r = importText(model(13, g));
  EXPECT_ERROR(r, "initializer 'w' int64_data has 1 values, expected 2");
  EXPECT_ERROR(r, "initializer 'big' has too many elements");
}

TEST(ImportErrors, DynamicDimNeedsOverride) {
  std::string g = node("Relu", {"x"}, {"y"}, "r") + io({-1, 3});
  auto r = importText(model(13, g));
  EXPECT_ERROR(r, "m.onnx: input 'x' has dynamic dim 0 ('N'): fix it with --shape x=1,3\n");

  dlc::ImportOptions unknown;
  unknown.inputShapes["x"] = {1, 3};
  unknown.inputShapes["z"] = {1};
  auto u = importText(model(13, g), unknown);
  EXPECT_ERROR(u, "--shape names 'z', which is not a graph input (inputs: x)");

  dlc::ImportOptions wrongRank;
  wrongRank.inputShapes["x"] = {1, 3, 1};
  auto w = importText(model(13, g), wrongRank);
  EXPECT_ERROR(w, "--shape x=[1,3,1] has rank 3, but the model declares rank 2");
}

TEST(ImportErrors, NonConstantShapeOperand) {
  std::string g = node("Reshape", {"x", "s"}, {"y"}, "rs") + "input " +
                  tensorInfo("x", F32, {2, 3}) + "\ninput " + tensorInfo("s", I64, {2}) +
                  "\noutput " + outputInfo("y") + "\n";
  auto r = importText(model(13, g));
  EXPECT_ERROR(r, "m.onnx:node 'rs' (Reshape): input 1 ('shape', value 's') must be a "
                  "compile-time constant");
}

TEST(ImportErrors, BinaryElementTypesDiffer) {
  std::string g = node("Add", {"x", "i"}, {"y"}, "add") + "input " +
                  tensorInfo("x", F32, {2}) + "\ninput " + tensorInfo("i", I64, {2}) +
                  "\noutput " + outputInfo("y") + "\n";
  auto r = importText(model(13, g));
  EXPECT_ERROR(r, "m.onnx:node 'add' (Add): operand element types differ: A is float32, B is "
                  "int64");
}

TEST(ImportErrors, ShapeInferenceErrorNamesNode) {
  std::string g = node("MatMul", {"a", "b"}, {"y"}, "mm") + "input " +
                  tensorInfo("a", F32, {2, 3}) + "\ninput " + tensorInfo("b", F32, {4, 5}) +
                  "\noutput " + outputInfo("y") + "\n";
  auto r = importText(model(13, g));
  EXPECT_ERROR(r, "m.onnx:node 'mm' (MatMul): contraction dims differ");
}

TEST(ImportErrors, IndependentErrorsReportedDependentsSkipped) {
  std::string g = node("MatMul", {"x", "x"}, {"a"}, "mm") + node("Relu", {"a"}, {"b"}, "dep") +
                  node("Cast", {"x"}, {"c"}, "cast") + node("Add", {"b", "c"}, {"y"}, "add") +
                  io({2, 3});
  auto r = importText(model(13, g));
  EXPECT_ERROR(r, "node 'mm' (MatMul)");
  EXPECT_ERROR(r, "node 'cast' (Cast): missing required attribute 'to'");
  EXPECT_EQ(count(r.errors, "\n"), 2u) << r.errors;
}

TEST(ImportErrors, FileProblems) {
  auto missing = importFile(freshDir() + "/nope.onnx");
  EXPECT_ERROR(missing, "nope.onnx: cannot open the model: No such file or directory");

  std::string dir = freshDir();
  std::ofstream(dir + "/garbage.onnx") << "\x08\x96\x01 this is not protobuf \xff\xff";
  EXPECT_ERROR(importFile(dir + "/garbage.onnx"), "garbage.onnx: not a valid ONNX model");
  std::ofstream(dir + "/empty.onnx").flush();
  EXPECT_ERROR(importFile(dir + "/empty.onnx"), "empty.onnx: the model file is empty");
  EXPECT_ERROR(importFile(dir), "the model path is not a regular file");

  auto noGraph = importText("ir_version: 8 opset_import { version: 13 }");
  EXPECT_ERROR(noGraph, "m.onnx: the model has no graph");
  auto noOutputs = importText(model(13, ""));
  EXPECT_ERROR(noOutputs, "m.onnx: the graph has no outputs");
}

TEST(ImportErrors, InferenceOnlyOps) {
  std::string bn = node("BatchNormalization", {"x", "s", "s", "s", "s"}, {"y"}, "bn",
                        attrInt("training_mode", 1)) +
                   floatInit("s", {2}, {1, 1}) + io({1, 2, 3});
  EXPECT_ERROR(importText(model(15, bn)), "node 'bn' (BatchNormalization): training_mode=1 is "
                                          "not supported");
  // The mask is supported in inference only.
  std::string dropTrain = node("Dropout", {"x", "", "t"}, {"y", "mask"}, "drop") +
                          "initializer { name: \"t\" data_type: 9 int32_data: 1 }\n" + io({2}) +
                          "output " + outputInfo("mask", BOOL) + "\n";
  EXPECT_ERROR(importText(model(13, dropTrain)),
               "node 'drop' (Dropout): training_mode=true is not supported");
  std::string ln = node("LayerNormalization", {"x", "s"}, {"y", "mean"}, "ln",
                        attrInt("stash_type", 10)) +
                   floatInit("s", {2}, {1, 1}) + io({2}) + "output " + outputInfo("mean") + "\n";
  EXPECT_ERROR(importText(model(17, ln)), "node 'ln' (LayerNormalization): attribute "
                                          "'stash_type' must be 1 (float) or 16 (bfloat16), "
                                          "got 10");
  std::string pool = node("MaxPool", {"x"}, {"y", "idx"}, "mp", attrInts("kernel_shape", {2})) +
                     io({1, 1, 4}) + "output " + outputInfo("idx", I64) + "\n";
  EXPECT_ERROR(importText(model(13, pool)), "node 'mp' (MaxPool): output 1 ('idx') is used");
}

TEST(ImportErrors, UnsupportedTypes) {
  auto input = importText(model(13, node("Relu", {"x"}, {"y"}, "r") + io({2}, C64)));
  EXPECT_ERROR(input, "m.onnx: input 'x' has unsupported element type complex64");
  std::string init = node("Add", {"x", "w"}, {"y"}, "add") +
                     "initializer { name: \"w\" data_type: 14 dims: 1 raw_data: \"abcdefgh\" }\n" +
                     io({1});
  EXPECT_ERROR(importText(model(13, init)),
               "node 'add' (Add): tensor 'w' has unsupported element type complex64");
  auto cast = importText(model(13, node("Cast", {"x"}, {"y"}, "c", attrInt("to", 14)) + io({1})));
  EXPECT_ERROR(cast, "node 'c' (Cast): cast to unsupported element type complex64");
  std::string sparse = node("Constant", {}, {"y"}, "k",
                            "attribute { name: \"sparse_value\" type: SPARSE_TENSOR "
                            "sparse_tensor { dims: 2 } } ") +
                       "output " + outputInfo("y") + "\n";
  EXPECT_ERROR(importText(model(13, sparse)),
               "node 'k' (Constant): attribute 'sparse_value' is not supported");
}

TEST(ImportErrors, DeclaredOutputShapeMismatch) {
  std::string g = node("Relu", {"x"}, {"y"}, "r") + "input " + tensorInfo("x", F32, {2, 3}) +
                  "\noutput " + tensorInfo("y", F32, {2, 4}) + "\n";
  EXPECT_ERROR(importText(model(13, g)),
               "m.onnx: graph output 'y' is declared with shape [2,4] but has shape [2,3]");
}

TEST(ImportErrors, UndefinedInputName) {
  auto r = importText(model(13, node("Add", {"x", "nothere"}, {"y"}, "add") + io({2})));
  EXPECT_ERROR(r, "node 'add' (Add): input 1 ('nothere') is not a graph input, an initializer "
                  "or an output of any node");
}

TEST(ImportErrors, ShapeOperandValidation) {
  auto gather = importText(model(13, node("Gather", {"x", "i"}, {"y"}, "ga") +
                                         int64Init("i", {1}, {5}) + io({3})));
  EXPECT_ERROR(gather, "node 'ga' (Gather): index 5 is out of range for dim 0 of size 3");
  auto squeeze = importText(model(13, node("Squeeze", {"x", "a"}, {"y"}, "sq") +
                                          int64Init("a", {1}, {0}) + io({2, 1})));
  EXPECT_ERROR(squeeze, "node 'sq' (Squeeze): cannot squeeze dim 0 of size 2");
  auto unsqueeze = importText(model(11, node("Unsqueeze", {"x"}, {"y"}, "un",
                                             attrInts("axes", {1, -2})) +
                                            io({2})));
  EXPECT_ERROR(unsqueeze, "node 'un' (Unsqueeze): axes contain dim 1 twice");
  auto reshape = importText(model(13, node("Reshape", {"x", "s"}, {"y"}, "rs") +
                                          int64Init("s", {2}, {4, -1}) + io({2, 3})));
  EXPECT_ERROR(reshape, "node 'rs' (Reshape): cannot reshape [2,3] to [4,-1]");
  auto split = importText(model(13, node("Split", {"x", "s"}, {"a", "y"}, "sp") +
                                        int64Init("s", {2}, {1, 1}) + io({3})));
  EXPECT_ERROR(split, "node 'sp' (Split): split [1,1] adds up to 2, but dim 0 has size 3");
  auto slice = importText(model(13, node("Slice", {"x", "st", "en"}, {"y"}, "sl") + "input " +
                                        tensorInfo("st", I64, {1}) + "\n" +
                                        int64Init("en", {1}, {2}) + io({3})));
  EXPECT_ERROR(slice, "node 'sl' (Slice): input 1 ('starts', value 'st') must be a compile-time "
                      "constant");
  auto autoPad = importText(model(13, node("MaxPool", {"x"}, {"y"}, "mp",
                                           attrInts("kernel_shape", {2}) +
                                               attrString("auto_pad", "SAME")) +
                                          io({1, 1, 4})));
  EXPECT_ERROR(autoPad, "node 'mp' (MaxPool): attribute 'auto_pad' has unknown value \"SAME\"");
}

TEST(ImportErrors, InputAndOutputCounts) {
  auto relu = importText(model(13, node("Relu", {"x", "x"}, {"y"}, "r") + io({2})));
  EXPECT_ERROR(relu, "m.onnx:node 'r' (Relu): takes 1 inputs, got 2");
  auto slice = importText(model(13, node("Slice", {"x", "x"}, {"y"}, "sl") + io({2})));
  EXPECT_ERROR(slice, "node 'sl' (Slice): takes 3 to 5 inputs, got 2");
  auto outs = importText(model(13, node("Add", {"x", "x"}, {"y", "z"}, "add") + io({2})));
  EXPECT_ERROR(outs, "node 'add' (Add): has 2 outputs, expected 1");
  auto split = importText(model(18, node("Split", {"x"}, {"y"}, "sp", attrInt("num_outputs", 0)) +
                                        io({2})));
  EXPECT_ERROR(split, "node 'sp' (Split): num_outputs is 0 but the node has 1 outputs");
}

std::string externalModel(const std::string &location, const std::string &extra = "") {
  return model(13, node("Add", {"x", "w"}, {"y"}, "add") +
                       "initializer { name: \"w\" data_type: 1 dims: 2 data_location: EXTERNAL "
                       "external_data { key: \"location\" value: \"" +
                       location + "\" } " + extra + "}\n" + io({2}));
}

TEST(ImportErrors, ExternalData) {
  std::string dir = freshDir();
  float values[2] = {1.5f, 2.5f};
  std::filesystem::create_directories(dir + "/sub");
  std::ofstream(dir + "/sub/w.bin", std::ios::binary)
      .write(reinterpret_cast<const char *>(values), sizeof values);
  auto write = [&](const std::string &text) {
    std::string path = dir + "/m.onnx";
    EXPECT_EQ(writeModelFromText(text, path), "");
    return importFile(path);
  };
  auto ok = write(externalModel("sub/w.bin"));
  ASSERT_TRUE(ok.ok) << ok.errors;
  EXPECT_NE(ok.ir.find("dense<[1.500000e+00, 2.500000e+00]>"), std::string::npos) << ok.ir;

  EXPECT_ERROR(write(externalModel("../w.bin")), "leaves the model folder");
  EXPECT_ERROR(write(externalModel("/etc/passwd")), "is absolute");
  std::filesystem::create_symlink(dir + "/sub/w.bin", dir + "/link.bin");
  EXPECT_ERROR(write(externalModel("link.bin")), "goes through a symlink");
  EXPECT_ERROR(write(externalModel("sub/w.bin", "external_data { key: \"offset\" value: \"4\" } "
                                             "external_data { key: \"length\" value: \"8\" }")),
               "runs past the end");
  EXPECT_ERROR(write(externalModel("sub/w.bin", "external_data { key: \"offset\" value: \"64\" }")),
               "is past the end");
}

TEST(ImportErrors, ValueNamesAreUnique) {
  auto twice = importText(model(13, node("Relu", {"x"}, {"y"}, "r1") + node("Neg", {"x"}, {"y"}, "n1") +
                                        io({2})));
  EXPECT_ERROR(twice, "node 'n1' (Neg): output 0 ('y') is already the output of node 'r1'");
  auto shadow = importText(model(13, node("Relu", {"x"}, {"x"}, "r1") + io({2})));
  EXPECT_ERROR(shadow, "node 'r1' (Relu): output 0 ('x') is already a graph input");
  auto init = importText(model(13, node("Add", {"x", "w"}, {"y"}, "add") +
                                       floatInit("w", {2}, {1, 2}) + floatInit("w", {2}, {3, 4}) +
                                       io({2})));
  EXPECT_ERROR(init, "m.onnx: initializer 'w' is defined twice");
  auto input = importText(model(13, node("Relu", {"x"}, {"y"}, "r") + "input " +
                                        tensorInfo("x", F32, {2}) + "\n" + io({2})));
  EXPECT_ERROR(input, "m.onnx: graph input 'x' is listed twice");
}

TEST(ImportErrors, CycleNamesTheLaterProducer) {
  auto r = importText(model(13, node("Relu", {"b"}, {"a"}, "first") +
                                    node("Relu", {"a"}, {"b"}, "second") + "input " +
                                    tensorInfo("x", F32, {2}) + "\noutput " + outputInfo("b") +
                                    "\n"));
  EXPECT_ERROR(r, "node 'first' (Relu): input 0 ('b') is produced by a later node 'second' (the "
                  "graph has a cycle or its nodes are not in topological order)");
}

TEST(ImportErrors, AttributeGivenTwice) {
  auto r = importText(model(13, node("Concat", {"x", "x"}, {"y"}, "cc",
                                     attrInt("axis", 0) + attrInt("axis", 1)) +
                                    io({2})));
  EXPECT_ERROR(r, "node 'cc' (Concat): attribute 'axis' is given twice");
}

TEST(ImportErrors, InputDimsNegativeOrTooLarge) {
  // tensorInfo() writes negative dims as dim_param; this one is a dim_value.
  std::string negative = "input { name: \"x\" type { tensor_type { elem_type: 1 shape { "
                         "dim { dim_value: 2 } dim { dim_value: -5 } } } } }\noutput " +
                         outputInfo("y") + "\n";
  EXPECT_ERROR(importText(model(13, node("Relu", {"x"}, {"y"}, "r") + negative)),
               "m.onnx: input 'x' has negative dim -5 (dim 1)");
  EXPECT_ERROR(importText(model(13, node("Relu", {"x"}, {"y"}, "r") +
                                        io({1LL << 31, 1LL << 31, 1LL << 31}))),
               "m.onnx: input 'x' is too large");
  auto expand = importText(model(13, node("Expand", {"x", "s"}, {"y"}, "ex") +
                                         int64Init("s", {3}, {1 << 21, 1 << 21, 1 << 21}) +
                                         io({1})));
  EXPECT_ERROR(expand, "node 'ex' (Expand): shape [2097152,2097152,2097152] has too many elements");
}

} // namespace
