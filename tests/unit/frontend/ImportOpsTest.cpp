//===- ImportOpsTest.cpp - ONNX ops -> dlc ops ----------------------------===//
#include "ImportTestUtils.h"

#include <gtest/gtest.h>

using namespace dlc::test;

namespace {

#define EXPECT_IR(result, text) EXPECT_NE((result).ir.find(text), std::string::npos) \
    << "missing: " << (text) << "\nIR:\n" << (result).ir << (result).errors

TEST(ImportOps, ReluGraphSignature) {
  auto r = importText(model(17, node("Relu", {"x"}, {"y"}, "r") +
                                    "input " + tensorInfo("x", F32, {2, 3}) + "\n" +
                                    "output " + tensorInfo("y", F32, {2, 3}) + "\n"));
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_IR(r, "dlc.onnx_nodes = 1 : i64");
  EXPECT_IR(r, "func.func @main_graph(%arg0: tensor<2x3xf32> {dlc.name = \"x\"}) -> "
               "(tensor<2x3xf32> {dlc.name = \"y\"}) attributes {dlc.graph}");
  EXPECT_IR(r, "dlc.relu %arg0 : (tensor<2x3xf32>) -> tensor<2x3xf32>");
  EXPECT_TRUE(r.errors.empty()) << r.errors;
}

TEST(ImportOps, LocationsNameNodes) {
  auto r = importText(model(17, node("Relu", {"x"}, {"r"}) + node("Neg", {"r"}, {"y"}, "neg") +
                                    "input " + tensorInfo("x", F32, {2}) + "\noutput " +
                                    outputInfo("y") + "\n"),
                      {}, "m.onnx", /*withLocations=*/true);
  ASSERT_TRUE(r.ok) << r.errors;
  // Unnamed nodes are called <OpType>_<index>.
  EXPECT_IR(r, "loc(\"Relu_0\"(");
  EXPECT_IR(r, "loc(\"neg\"(");
  EXPECT_IR(r, "m.onnx\":0:0");
}

TEST(ImportOps, ConvSameUpperWithBias) {
  std::string g = node("Conv", {"x", "w", "b"}, {"y"}, "conv",
                       attrString("auto_pad", "SAME_UPPER") + attrInts("strides", {2, 2})) +
                  floatInit("w", {4, 3, 3, 3}, std::vector<float>(108, 0.5f)) +
                  floatInit("b", {4}, {1, 2, 3, 4}) + "input " +
                  tensorInfo("x", F32, {1, 3, 8, 8}) + "\noutput " + outputInfo("y") + "\n";
  auto r = importText(model(11, g));
  ASSERT_TRUE(r.ok) << r.errors;
  // out = ceil(8/2) = 4; total pad = (4-1)*2 + 3 - 8 = 1 -> begin 0, end 1.
  EXPECT_IR(r, "dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 1, 1>, strides = "
               "array<i64: 2, 2>");
  EXPECT_IR(r, "-> tensor<1x4x4x4xf32>");
}

TEST(ImportOps, ConvSameLowerAndExplicitPads) {
  std::string w = floatInit("w", {2, 1, 2, 2}, std::vector<float>(8, 1.0f));
  auto lower = importText(model(13, node("Conv", {"x", "w"}, {"y"}, "c",
                                         attrString("auto_pad", "SAME_LOWER")) +
                                        w + "input " + tensorInfo("x", F32, {1, 1, 5, 5}) +
                                        "\noutput " + outputInfo("y") + "\n"));
  ASSERT_TRUE(lower.ok) << lower.errors;
  EXPECT_IR(lower, "pads = array<i64: 1, 1, 0, 0>");
  EXPECT_IR(lower, "-> tensor<1x2x5x5xf32>");
  auto explicitPads = importText(model(13, node("Conv", {"x", "w"}, {"y"}, "c",
                                                attrInts("pads", {0, 1, 2, 3}) +
                                                    attrInts("dilations", {2, 1})) +
                                               w + "input " + tensorInfo("x", F32, {1, 1, 5, 5}) +
                                               "\noutput " + outputInfo("y") + "\n"));
  ASSERT_TRUE(explicitPads.ok) << explicitPads.errors;
  EXPECT_IR(explicitPads, "dilations = array<i64: 2, 1>, pads = array<i64: 0, 1, 2, 3>");
}

TEST(ImportOps, GemmWithoutC) {
  std::string g = node("Gemm", {"a", "b"}, {"y"}, "gemm",
                       attrInt("transB", 1) + attrFloat("alpha", 2.0f)) +
                  floatInit("b", {4, 3}, std::vector<float>(12, 1.0f)) + "input " +
                  tensorInfo("a", F32, {2, 3}) + "\noutput " + outputInfo("y") + "\n";
  auto r = importText(model(13, g));
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_IR(r, "dlc.gemm %arg0, %0 {alpha = 2.000000e+00 : f32, transB = true}");
  EXPECT_IR(r, "-> tensor<2x4xf32>");
}

TEST(ImportOps, PoolingAndGlobalAverage) {
  std::string g = node("MaxPool", {"x"}, {"m"}, "mp",
                       attrInts("kernel_shape", {3, 3}) + attrInts("strides", {2, 2}) +
                           attrInt("ceil_mode", 1)) +
                  node("AveragePool", {"m"}, {"a"}, "ap",
                       attrInts("kernel_shape", {2, 2}) + attrString("auto_pad", "VALID") +
                           attrInt("count_include_pad", 1)) +
                  node("GlobalAveragePool", {"a"}, {"y"}, "gap") + "input " +
                  tensorInfo("x", F32, {1, 2, 8, 8}) + "\noutput " + outputInfo("y") + "\n";
  auto r = importText(model(12, g));
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_IR(r, "dlc.max_pool");
  EXPECT_IR(r, "ceil_mode = true");
  EXPECT_IR(r, "-> tensor<1x2x4x4xf32>"); // ceil((8-3)/2)+1 = 4 (last window starts inside)
  EXPECT_IR(r, "count_include_pad = true");
  EXPECT_IR(r, "dlc.global_avg_pool");
  EXPECT_IR(r, "-> tensor<1x2x1x1xf32>");
}

TEST(ImportOps, BatchNormLayerNormSoftmax) {
  std::string g =
      node("BatchNormalization", {"x", "s", "b", "m", "v"}, {"bn"}, "bn",
           attrFloat("epsilon", 0.001f)) +
      node("LayerNormalization", {"bn", "ls"}, {"ln"}, "ln", attrInt("axis", -1)) +
      node("Softmax", {"ln"}, {"y"}, "sm", attrInt("axis", 1)) +
      floatInit("s", {3}, {1, 1, 1}) + floatInit("b", {3}, {0, 0, 0}) +
      floatInit("m", {3}, {0, 0, 0}) + floatInit("v", {3}, {1, 1, 1}) +
      floatInit("ls", {5}, {1, 1, 1, 1, 1}) + "input " + tensorInfo("x", F32, {2, 3, 4, 5}) +
      "\noutput " + outputInfo("y") + "\n";
  auto r = importText(model(17, g));
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_IR(r, "dlc.batch_norm");
  EXPECT_IR(r, "epsilon = 1.000000e-03 : f32");
  EXPECT_IR(r, "dlc.layer_norm");
  EXPECT_IR(r, "axis = 3 : i64");
  EXPECT_IR(r, "dlc.softmax %6 {axis = 1 : i64}");
}

TEST(ImportOps, LayerNormMeanAndInvStdDev) {
  std::string g = node("LayerNormalization", {"x", "s", "b"}, {"y", "mean", "inv"}, "ln",
                       attrInt("axis", -2) + attrFloat("epsilon", 0.125f)) +
                  floatInit("s", {3, 4}, std::vector<float>(12, 1.0f)) +
                  floatInit("b", {3, 4}, std::vector<float>(12, 0.0f)) + "input " +
                  tensorInfo("x", F32, {2, 3, 4}) + "\noutput " + outputInfo("y") +
                  "\noutput " + outputInfo("mean") + "\noutput " + outputInfo("inv") + "\n";
  auto r = importText(model(17, g));
  ASSERT_TRUE(r.ok) << r.errors;
  // Y stays fused; the statistics are reduced over dims [axis, rank).
  EXPECT_IR(r, "dlc.layer_norm %arg0, %0, %1 {axis = 1 : i64, epsilon = 1.250000e-01 : f32}");
  EXPECT_IR(r, "dlc.reduce_mean %arg0 {axes = array<i64: 1, 2>} : (tensor<2x3x4xf32>) -> "
               "tensor<2x1x1xf32>");
  EXPECT_IR(r, "dlc.sub %arg0, %3 : (tensor<2x3x4xf32>, tensor<2x1x1xf32>) -> tensor<2x3x4xf32>");
  EXPECT_IR(r, "dlc.mul %4, %4");
  EXPECT_IR(r, "dlc.reduce_mean %5 {axes = array<i64: 1, 2>}");
  EXPECT_IR(r, "dlc.constant dense<1.250000e-01> : tensor<f32>");
  EXPECT_IR(r, "dlc.add %6, %7 : (tensor<2x1x1xf32>, tensor<f32>) -> tensor<2x1x1xf32>");
  EXPECT_IR(r, "dlc.sqrt %8");
  EXPECT_IR(r, "dlc.reciprocal %9");
  EXPECT_IR(r, "return %2, %3, %10 : tensor<2x3x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>");
}

TEST(ImportOps, LayerNormStatsUseStashType) {
  // float16 X: Mean is computed and returned in float32 (stash_type default).
  std::string g = node("LayerNormalization", {"x", "s"}, {"y", "mean"}, "ln") + "input " +
                  tensorInfo("x", F16, {2, 4}) + "\ninput " + tensorInfo("s", F16, {4}) +
                  "\noutput " + outputInfo("y", F16) + "\noutput " + outputInfo("mean") + "\n";
  auto r = importText(model(17, g));
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_IR(r, "dlc.cast %arg0 : (tensor<2x4xf16>) -> tensor<2x4xf32>");
  EXPECT_IR(r, "dlc.reduce_mean %1 {axes = array<i64: 1>} : (tensor<2x4xf32>) -> tensor<2x1xf32>");
  // InvStdDev is not used, so no variance is computed.
  EXPECT_EQ(count(r.ir, "dlc.sqrt"), 0u) << r.ir;

  std::string bf = node("LayerNormalization", {"x", "s"}, {"y", "mean"}, "ln",
                        attrInt("stash_type", BF16)) +
                   "input " + tensorInfo("x", F32, {2, 4}) + "\ninput " +
                   tensorInfo("s", F32, {4}) + "\noutput " + outputInfo("y") + "\noutput " +
                   outputInfo("mean", BF16) + "\n";
  auto rb = importText(model(17, bf));
  ASSERT_TRUE(rb.ok) << rb.errors;
  EXPECT_IR(rb, "dlc.cast %arg0 : (tensor<2x4xf32>) -> tensor<2x4xbf16>");
  EXPECT_IR(rb, "-> tensor<2x1xbf16>");
}

TEST(ImportOps, LegacySoftmaxCoercesTo2D) {
  std::string g = node("LogSoftmax", {"x"}, {"y"}, "sm") + "input " +
                  tensorInfo("x", F32, {2, 3, 4}) + "\noutput " + outputInfo("y") + "\n";
  auto r = importText(model(11, g));
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_IR(r, "dlc.reshape %arg0 : (tensor<2x3x4xf32>) -> tensor<2x12xf32>");
  EXPECT_IR(r, "dlc.log_softmax %0 {axis = 1 : i64} : (tensor<2x12xf32>) -> tensor<2x12xf32>");
  EXPECT_IR(r, "dlc.reshape %1 : (tensor<2x12xf32>) -> tensor<2x3x4xf32>");
  // Opset 13: the axis alone, default -1.
  auto r13 = importText(model(13, g));
  ASSERT_TRUE(r13.ok) << r13.errors;
  EXPECT_IR(r13, "dlc.log_softmax %arg0 {axis = 2 : i64}");
  EXPECT_EQ(count(r13.ir, "dlc.reshape"), 0u);
}

TEST(ImportOps, ElementwiseFamily) {
  std::string g = node("Add", {"x", "x"}, {"a"}, "add") + node("Sub", {"a", "x"}, {"b"}, "sub") +
                  node("Mul", {"b", "x"}, {"c"}, "mul") + node("Div", {"c", "x"}, {"d"}, "div") +
                  node("Pow", {"d", "e"}, {"p"}, "pow") + node("Sqrt", {"p"}, {"q"}, "sqrt") +
                  node("LeakyRelu", {"q"}, {"l"}, "lr", attrFloat("alpha", 0.2f)) +
                  node("Gelu", {"l"}, {"g"}, "gelu", attrString("approximate", "tanh")) +
                  node("Clip", {"g", "", "hi"}, {"cl"}, "clip") +
                  node("Less", {"cl", "x"}, {"lt"}, "less") +
                  node("Where", {"lt", "cl", "x"}, {"w"}, "where") +
                  node("Cast", {"w"}, {"y"}, "cast", attrInt("to", F16)) +
                  int64Init("e", {}, {2}) + floatInit("hi", {}, {6.0f}) + "input " +
                  tensorInfo("x", F32, {4}) + "\noutput " + outputInfo("y", F16) + "\n";
  auto r = importText(model(20, g));
  ASSERT_TRUE(r.ok) << r.errors;
  for (const char *op : {"dlc.add", "dlc.sub", "dlc.mul", "dlc.div", "dlc.sqrt", "dlc.less",
                         "dlc.where"})
    EXPECT_IR(r, op);
  EXPECT_IR(r, "dlc.pow %3, %4 : (tensor<4xf32>, tensor<i64>) -> tensor<4xf32>");
  EXPECT_IR(r, "alpha = 2.000000e-01 : f32");
  EXPECT_IR(r, "approximate = \"tanh\"");
  EXPECT_IR(r, "dlc.clip %8 {max = 6.000000e+00 : f64}");
  EXPECT_IR(r, "dlc.cast %11 : (tensor<4xf32>) -> tensor<4xf16>");
}

TEST(ImportOps, ConstantIdentityDropout) {
  std::string g =
      node("Constant", {}, {"c"}, "k", "attribute { name: \"value_floats\" type: FLOATS "
                                       "floats: 1 floats: 2 } ") +
      node("Identity", {"x"}, {"i"}, "id") + node("Add", {"i", "c"}, {"a"}, "add") +
      node("Dropout", {"a", "ratio"}, {"y"}, "drop") + floatInit("ratio", {}, {0.25f}) +
      "input " + tensorInfo("x", F32, {2}) + "\noutput " + outputInfo("y") + "\n";
  auto r = importText(model(13, g));
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_IR(r, "dlc.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>");
  EXPECT_IR(r, "dlc.identity %arg0");
  EXPECT_IR(r, "dlc.dropout %2 {ratio = 2.500000e-01 : f32}");
}

TEST(ImportOps, DropoutMaskIsAllTrue) {
  // Inference keeps every element, so the mask is a constant.
  std::string g = node("Dropout", {"x", "ratio"}, {"y", "mask"}, "drop") +
                  floatInit("ratio", {}, {0.25f}) + "input " + tensorInfo("x", F32, {2, 3}) +
                  "\noutput " + outputInfo("y") + "\noutput " + outputInfo("mask", BOOL) + "\n";
  auto r = importText(model(13, g));
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_IR(r, "dlc.dropout %arg0 {ratio = 2.500000e-01 : f32}");
  EXPECT_IR(r, "dlc.constant dense<true> : tensor<2x3xi1>");
  EXPECT_IR(r, "return %0, %1 : tensor<2x3xf32>, tensor<2x3xi1>");
}

TEST(ImportOps, ReductionsByOpset) {
  // ReduceSum: axes input from opset 13; ReduceMean: attribute until 18.
  std::string g = node("ReduceSum", {"x", "axes"}, {"s"}, "rs", attrInt("keepdims", 0)) +
                  node("ReduceMean", {"x"}, {"m"}, "rm", attrInts("axes", {-1, 0})) +
                  node("ReduceMax", {"x"}, {"mx"}, "rx") + int64Init("axes", {1}, {-2}) +
                  "input " + tensorInfo("x", F32, {2, 3, 4}) + "\noutput " + outputInfo("s") +
                  "\noutput " + outputInfo("m") + "\noutput " + outputInfo("mx") + "\n";
  auto r = importText(model(13, g));
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_IR(r, "dlc.reduce_sum %arg0 {axes = array<i64: 1>, keepdims = false} : "
               "(tensor<2x3x4xf32>) -> tensor<2x4xf32>");
  EXPECT_IR(r, "dlc.reduce_mean %arg0 {axes = array<i64: 0, 2>} : (tensor<2x3x4xf32>) -> "
               "tensor<1x3x1xf32>");
  EXPECT_IR(r, "dlc.reduce_max %arg0 {axes = array<i64: 0, 1, 2>}");
}

TEST(ImportOps, ReduceNoopWithEmptyAxes) {
  std::string g = node("ReduceSum", {"x"}, {"y"}, "rs", attrInt("noop_with_empty_axes", 1)) +
                  "input " + tensorInfo("x", F32, {2, 3}) + "\noutput " + outputInfo("y") + "\n";
  auto r = importText(model(18, g));
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_EQ(count(r.ir, "dlc.reduce_sum"), 0u);
  EXPECT_IR(r, "dlc.identity");
}

TEST(ImportOps, MatMulAndInt8Types) {
  std::string g = node("MatMul", {"a", "b"}, {"y"}, "mm") + "input " +
                  tensorInfo("a", I8, {2, 3, 4}) + "\ninput " + tensorInfo("b", I8, {4, 5}) +
                  "\noutput " + outputInfo("y", I8) + "\n";
  auto r = importText(model(13, g));
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_IR(r, "dlc.matmul %arg0, %arg1 : (tensor<2x3x4xi8>, tensor<4x5xi8>) -> tensor<2x3x5xi8>");
}

TEST(ImportOps, UnsignedTypes) {
  // uintN inputs, initializers (int32_data / uint64_data) and Cast targets
  // are uiN tensors; the declared uint output type matches.
  std::string g = node("Div", {"a", "w"}, {"d"}, "div") +
                  node("Cast", {"d"}, {"y"}, "c", attrInt("to", U64)) +
                  "initializer { name: \"w\" data_type: 4 dims: 2 int32_data: 3 "
                  "int32_data: 65535 }\n"
                  "input " + tensorInfo("a", U16, {2}) + "\noutput " + outputInfo("y", U64) +
                  "\n";
  auto r = importText(model(13, g));
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_IR(r, "func.func @main_graph(%arg0: tensor<2xui16> {dlc.name = \"a\"})");
  EXPECT_IR(r, "dlc.constant dense<[3, 65535]> : tensor<2xui16>");
  EXPECT_IR(r, "dlc.div %arg0, %0 : (tensor<2xui16>, tensor<2xui16>) -> tensor<2xui16>");
  EXPECT_IR(r, "dlc.cast %1 : (tensor<2xui16>) -> tensor<2xui64>");
}

TEST(ImportOps, UnsignedConstantsEvaluateUnsigned) {
  // 2^64 - 1 is the largest uint64, not -1: it is greater and divides to 2^63 - 1.
  std::string w = "initializer { name: \"w\" data_type: 13 dims: 1 "
                  "uint64_data: 18446744073709551615 }\n"
                  "initializer { name: \"v\" data_type: 13 dims: 1 uint64_data: 2 }\n";
  std::string g = node("Greater", {"w", "v"}, {"y"}, "gt") + node("Div", {"w", "v"}, {"q"}) +
                  w + "output " + outputInfo("y", BOOL) + "\noutput " + outputInfo("q", U64) +
                  "\n";
  auto r = importText(model(13, g));
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_IR(r, "dense<true> : tensor<1xi1>");
  EXPECT_IR(r, "dense<9223372036854775807> : tensor<1xui64>");
}

TEST(ImportOps, OutputsInOrderDuplicatesAndPassThrough) {
  std::string g = node("Relu", {"x"}, {"r"}, "relu") + floatInit("w", {2}, {1, 2}) + "input " +
                  tensorInfo("x", F32, {2}) + "\noutput " + outputInfo("r") + "\noutput " +
                  outputInfo("x") + "\noutput " + outputInfo("r") + "\noutput " +
                  outputInfo("w") + "\n";
  auto r = importText(model(13, g));
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_IR(r, "return %0, %arg0, %0, %1 : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, "
               "tensor<2xf32>");
  EXPECT_IR(r, "{dlc.name = \"r\"}, tensor<2xf32> {dlc.name = \"x\"}");
}

TEST(ImportOps, InitializerListedAsInputIsConstant) {
  std::string g = node("Add", {"x", "w"}, {"y"}, "add") + floatInit("w", {2}, {1, 2}) +
                  "input " + tensorInfo("x", F32, {2}) + "\ninput " + tensorInfo("w", F32, {2}) +
                  "\noutput " + outputInfo("y") + "\n";
  auto r = importText(model(9 + 2, g));
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_IR(r, "@main_graph(%arg0: tensor<2xf32> {dlc.name = \"x\"}) ->");
  // Marked as an initializer: the weights dlc --train may update.
  EXPECT_IR(r, "dlc.constant {dlc.initializer = \"w\"} dense<[1.000000e+00, 2.000000e+00]>");
}

TEST(ImportOps, ShapeOverrideFixesDynamicDim) {
  std::string g = node("Relu", {"x"}, {"y"}, "r") + "input " + tensorInfo("x", F32, {-1, 3}) +
                  "\noutput " + outputInfo("y") + "\n";
  dlc::ImportOptions opts;
  opts.inputShapes["x"] = {5, 3};
  auto r = importText(model(13, g), opts);
  ASSERT_TRUE(r.ok) << r.errors;
  EXPECT_IR(r, "tensor<5x3xf32>");
}

} // namespace
