//===- ImportShapeTest.cpp - shape ops and the constant evaluator ---------===//
#include "ImportTestUtils.h"

#include <gtest/gtest.h>

using namespace dlc::test;

namespace {

#define EXPECT_IR(result, text) EXPECT_NE((result).ir.find(text), std::string::npos) \
    << "missing: " << (text) << "\nIR:\n" << (result).ir << (result).errors

std::string io(const std::vector<int64_t> &inDims, int dtype = F32) {
  return "input " + tensorInfo("x", dtype, inDims) + "\noutput " + outputInfo("y", dtype) + "\n";
}

TEST(ImportShape, ReshapeZeroAndMinusOne) {
  auto r = importText(model(13, node("Reshape", {"x", "s"}, {"y"}, "rs") +
                                    int64Init("s", {3}, {0, -1, 2}) + io({2, 3, 4})));
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_IR(r, "dlc.reshape %arg0 : (tensor<2x3x4xf32>) -> tensor<2x6x2xf32>");
  // Shape operands never become dlc.constant ops.
  EXPECT_EQ(count(r.ir, "dlc.constant"), 0u);
}

TEST(ImportShape, ReshapeAllowZero) {
  auto r = importText(model(14, node("Reshape", {"x", "s"}, {"y"}, "rs", attrInt("allowzero", 1)) +
                                    int64Init("s", {2}, {0, 4}) + io({0, 4})));
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_IR(r, "-> tensor<0x4xf32>");
}

TEST(ImportShape, FlattenSqueezeUnsqueezeBecomeReshape) {
  std::string g = node("Flatten", {"x"}, {"f"}, "fl", attrInt("axis", -1)) +
                  node("Unsqueeze", {"f"}, {"u"}, "un", attrInts("axes", {0, -1})) +
                  node("Squeeze", {"u"}, {"y"}, "sq");
  auto r = importText(model(11, g + io({2, 3, 4})));
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_IR(r, "dlc.reshape %arg0 : (tensor<2x3x4xf32>) -> tensor<6x4xf32>");
  EXPECT_IR(r, "dlc.reshape %0 : (tensor<6x4xf32>) -> tensor<1x6x4x1xf32>");
  EXPECT_IR(r, "dlc.reshape %1 : (tensor<1x6x4x1xf32>) -> tensor<6x4xf32>");
  EXPECT_EQ(count(r.ir, "dlc.reshape"), 3u);

  // Opset 13: axes are inputs.
  std::string g13 = node("Unsqueeze", {"x", "ua"}, {"u"}, "un") +
                    node("Squeeze", {"u", "sa"}, {"y"}, "sq") + int64Init("ua", {1}, {1}) +
                    int64Init("sa", {1}, {-4});
  auto r13 = importText(model(13, g13 + io({1, 3, 4})));
  ASSERT_TRUE(r13.ok) << r13.errors;
  EXPECT_IR(r13, "-> tensor<1x1x3x4xf32>");
  EXPECT_IR(r13, "(tensor<1x1x3x4xf32>) -> tensor<1x3x4xf32>");
}

TEST(ImportShape, SliceClampsAndNegativeSteps) {
  // dim 0: [1, INT64_MAX) step 2 -> starts 1, size 3 (of 6)
  // dim 1: [-1, -INT64_MAX) step -1 -> starts 4, size 5 (reversed)
  std::string g = node("Slice", {"x", "st", "en", "ax", "sp"}, {"y"}, "sl") +
                  int64Init("st", {2}, {1, -1}) +
                  int64Init("en", {2}, {INT64_MAX, -INT64_MAX}) + int64Init("ax", {2}, {0, -1}) +
                  int64Init("sp", {2}, {2, -1});
  auto r = importText(model(13, g + io({6, 5})));
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_IR(r, "dlc.slice %arg0 {starts = array<i64: 1, 4>, steps = array<i64: 2, -1>} : "
               "(tensor<6x5xf32>) -> tensor<3x5xf32>");
}

TEST(ImportShape, SliceExtremeSteps) {
  // Steps of INT64_MAX / INT64_MIN take one element (no overflow).
  std::string g = node("Slice", {"x", "st", "en", "ax", "sp"}, {"y"}, "sl") +
                  int64Init("st", {2}, {0, -1}) + int64Init("en", {2}, {INT64_MAX, INT64_MIN}) +
                  int64Init("ax", {2}, {0, 1}) + int64Init("sp", {2}, {INT64_MAX, INT64_MIN});
  auto r = importText(model(13, g + io({6, 5})));
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_IR(r, "{starts = array<i64: 0, 4>, steps = array<i64: 9223372036854775807, "
               "-9223372036854775808>} : (tensor<6x5xf32>) -> tensor<1x1xf32>");
}

TEST(ImportShape, SliceDefaultsAndEmpty) {
  std::string g = node("Slice", {"x", "st", "en"}, {"y"}, "sl") + int64Init("st", {1}, {10}) +
                  int64Init("en", {1}, {20});
  auto r = importText(model(13, g + io({4, 3})));
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_IR(r, "-> tensor<0x3xf32>");
}

TEST(ImportShape, SplitVariants) {
  // Opset 11: split attribute.
  auto a = importText(model(11, node("Split", {"x"}, {"a", "b"}, "sp",
                                     attrInt("axis", -1) + attrInts("split", {1, 3})) +
                                    "input " + tensorInfo("x", F32, {2, 4}) + "\noutput " +
                                    outputInfo("a") + "\noutput " + outputInfo("b") + "\n"));
  ASSERT_TRUE(a.ok) << a.errors;
  EXPECT_IR(a, "dlc.split %arg0 {axis = 1 : i64} : (tensor<2x4xf32>) -> (tensor<2x1xf32>, "
               "tensor<2x3xf32>)");
  // Opset 13: split input; equal split when absent.
  auto b = importText(model(13, node("Split", {"x", "s"}, {"a", "b"}, "sp") +
                                    int64Init("s", {2}, {2, 0}) + "input " +
                                    tensorInfo("x", F32, {2, 4}) + "\noutput " + outputInfo("a") +
                                    "\noutput " + outputInfo("b") + "\n"));
  ASSERT_TRUE(b.ok) << b.errors;
  EXPECT_IR(b, "-> (tensor<2x4xf32>, tensor<0x4xf32>)");
  auto c = importText(model(13, node("Split", {"x"}, {"a", "b"}, "sp", attrInt("axis", 1)) +
                                    "input " + tensorInfo("x", F32, {2, 4}) + "\noutput " +
                                    outputInfo("a") + "\noutput " + outputInfo("b") + "\n"));
  ASSERT_TRUE(c.ok) << c.errors;
  EXPECT_IR(c, "-> (tensor<2x2xf32>, tensor<2x2xf32>)");
  // Opset 18: num_outputs, uneven (ceil, the last one smaller).
  auto d = importText(model(18, node("Split", {"x"}, {"a", "b", "c"}, "sp",
                                     attrInt("num_outputs", 3)) +
                                    "input " + tensorInfo("x", F32, {7}) + "\noutput " +
                                    outputInfo("a") + "\noutput " + outputInfo("b") +
                                    "\noutput " + outputInfo("c") + "\n"));
  ASSERT_TRUE(d.ok) << d.errors;
  EXPECT_IR(d, "-> (tensor<3xf32>, tensor<3xf32>, tensor<1xf32>)");
  // ceil(4 / 3) = 2: the last chunk is empty (ONNX reference behaviour).
  auto e = importText(model(18, node("Split", {"x"}, {"a", "b", "c"}, "sp",
                                     attrInt("num_outputs", 3)) +
                                    "input " + tensorInfo("x", F32, {4}) + "\noutput " +
                                    outputInfo("a") + "\noutput " + outputInfo("b") +
                                    "\noutput " + outputInfo("c") + "\n"));
  ASSERT_TRUE(e.ok) << e.errors;
  EXPECT_IR(e, "-> (tensor<2xf32>, tensor<2xf32>, tensor<0xf32>)");
}

TEST(ImportShape, ExpandGatherConcatTranspose) {
  std::string g = node("Expand", {"x", "s"}, {"e"}, "ex") +
                  node("Gather", {"e", "i"}, {"g"}, "ga", attrInt("axis", -1)) +
                  node("Concat", {"g", "g"}, {"c"}, "cc", attrInt("axis", -2)) +
                  node("Transpose", {"c"}, {"y"}, "tr") + int64Init("s", {3}, {2, 1, 3}) +
                  int64Init("i", {2}, {-1, 0});
  auto r = importText(model(13, g + io({4, 1})));
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_IR(r, "dlc.expand %arg0 : (tensor<4x1xf32>) -> tensor<2x4x3xf32>");
  EXPECT_IR(r, "dlc.gather %0, %1 {axis = 2 : i64} : (tensor<2x4x3xf32>, tensor<2xi64>) -> "
               "tensor<2x4x2xf32>");
  EXPECT_IR(r, "dlc.concat %2, %2 {axis = 1 : i64}");
  EXPECT_IR(r, "dlc.transpose %3 {perm = array<i64: 2, 1, 0>} : (tensor<2x8x2xf32>) -> "
               "tensor<2x8x2xf32>");
}

TEST(ImportShape, PyTorchShapeSubgraphIsEvaluated) {
  // y = x.view(x.size(0), -1), exported as Shape/Gather/Unsqueeze/Concat.
  std::string g = node("Shape", {"x"}, {"sh"}, "shape") +
                  int64Constant("zero", {}, {0}) +
                  node("Gather", {"sh", "zero"}, {"n"}, "gather", attrInt("axis", 0)) +
                  int64Constant("ax", {1}, {0}) +
                  node("Unsqueeze", {"n", "ax"}, {"n1"}, "unsq") +
                  int64Constant("m1", {1}, {-1}) +
                  node("Concat", {"n1", "m1"}, {"target"}, "concat", attrInt("axis", 0)) +
                  node("Cast", {"target"}, {"target64"}, "cast", attrInt("to", I64)) +
                  node("Reshape", {"x", "target64"}, {"y"}, "reshape");
  auto r = importText(model(13, g + io({2, 3, 4})));
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_IR(r, "dlc.reshape %arg0 : (tensor<2x3x4xf32>) -> tensor<2x12xf32>");
  EXPECT_EQ(count(r.ir, "dlc.gather"), 0u);
  EXPECT_EQ(count(r.ir, "dlc.constant"), 0u);
  EXPECT_IR(r, "dlc.onnx_nodes = 9 : i64");
}

TEST(ImportShape, EvaluatorArithmeticRangeWhere) {
  // ConstantOfShape + Range + Mul/Add/Sub/Div + Equal + Where on int64.
  std::string g =
      node("Shape", {"x"}, {"sh"}, "shape") +
      int64Constant("len", {1}, {2}) +
      node("ConstantOfShape", {"len"}, {"ones"}, "cos",
           "attribute { name: \"value\" type: TENSOR t { data_type: 7 dims: 1 int64_data: 1 } } ") +
      int64Constant("two", {}, {2}) +
      node("Mul", {"sh", "two"}, {"dbl"}, "mul") + node("Div", {"dbl", "two"}, {"same"}, "div") +
      node("Sub", {"same", "ones"}, {"less1"}, "sub") + node("Add", {"less1", "ones"}, {"back"}, "add") +
      int64Constant("r0", {}, {0}) + int64Constant("r2", {}, {2}) + int64Constant("r1", {}, {1}) +
      node("Range", {"r0", "r2", "r1"}, {"idx"}, "range") +
      node("Equal", {"idx", "r0"}, {"isfirst"}, "eq") +
      node("Sub", {"ones", "two"}, {"neg"}, "neg") +
      node("Where", {"isfirst", "back", "neg"}, {"shape2"}, "where") +
      node("Reshape", {"x", "shape2"}, {"y"}, "reshape");
  auto r = importText(model(13, g + io({3, 4})));
  ASSERT_TRUE(r.ok) << r.errors;
  // where([true, false], [3, 4], [-1, -1]) = [3, -1]
  EXPECT_IR(r, "dlc.reshape %arg0 : (tensor<3x4xf32>) -> tensor<3x4xf32>");
}

TEST(ImportShape, ScaleBySqrtOfLastDim) {
  // x / sqrt(float(x.shape[-1])): the shape part folds, the float math stays.
  std::string g = node("Shape", {"x"}, {"sh"}, "shape") + int64Constant("last", {}, {-1}) +
                  node("Gather", {"sh", "last"}, {"d"}, "gather") +
                  node("Cast", {"d"}, {"df"}, "cast", attrInt("to", F32)) +
                  node("Sqrt", {"df"}, {"s"}, "sqrt") + node("Div", {"x", "s"}, {"y"}, "div");
  auto r = importText(model(13, g + io({2, 16})));
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_IR(r, "dlc.constant dense<1.600000e+01> : tensor<f32>");
  EXPECT_IR(r, "dlc.sqrt %0 : (tensor<f32>) -> tensor<f32>");
  EXPECT_IR(r, "dlc.div %arg0, %1 : (tensor<2x16xf32>, tensor<f32>) -> tensor<2x16xf32>");
}

TEST(ImportShape, ReduceAxesInputOpset18AndClipAttributes) {
  std::string g = node("ReduceMean", {"x", "a"}, {"m"}, "rm") +
                  node("Clip", {"m"}, {"y"}, "clip",
                       attrFloat("min", -1.0f) + attrFloat("max", 1.0f)) +
                  int64Init("a", {2}, {-1, 0});
  auto r = importText(model(18, g + io({2, 3, 4})));
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_IR(r, "dlc.reduce_mean %arg0 {axes = array<i64: 0, 2>} : (tensor<2x3x4xf32>) -> "
               "tensor<1x3x1xf32>");
  EXPECT_IR(r, "dlc.clip %0 {max = 1.000000e+00 : f64, min = -1.000000e+00 : f64}");
}

} // namespace

namespace {

TEST(ImportShape, CausalMaskFoldsToConstant) {
  // mask = Range(S)[:, None] < Range(S)[None, :] with S from Shape: all on
  // the host, so only the float Where remains, reading a constant mask.
  std::string g = node("Shape", {"x"}, {"sh"}, "shape") + int64Constant("one", {}, {1}) +
                  node("Gather", {"sh", "one"}, {"s"}, "gather") +
                  int64Constant("zero", {}, {0}) +
                  node("Range", {"zero", "s", "one"}, {"r"}, "range") +
                  node("Unsqueeze", {"r", "ax1"}, {"rows"}, "rows") +
                  node("Unsqueeze", {"r", "ax0"}, {"cols"}, "cols") +
                  node("Less", {"rows", "cols"}, {"future"}, "less") +
                  node("Greater", {"cols", "rows"}, {"future2"}, "greater") +
                  node("Equal", {"future", "future2"}, {"same"}, "eq") +
                  node("Where", {"same", "x", "ninf"}, {"y"}, "where") +
                  int64Init("ax1", {1}, {1}) + int64Init("ax0", {1}, {0}) +
                  floatInit("ninf", {}, {-1e9f});
  auto r = importText(model(13, g + "input " + tensorInfo("x", F32, {3, 3}) + "\noutput " +
                                    outputInfo("y") + "\n"));
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_IR(r, "dlc.constant dense<true> : tensor<3x3xi1>");
  EXPECT_IR(r, "dlc.where");
  EXPECT_EQ(count(r.ir, "dlc.less"), 0u);
  EXPECT_EQ(count(r.ir, "dlc.greater"), 0u);
  EXPECT_EQ(count(r.ir, "dlc.equal"), 0u);
}

} // namespace
