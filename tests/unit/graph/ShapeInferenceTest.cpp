//===- ShapeInferenceTest.cpp - inferred shapes and errors naming the op --===//
#include "frontend/graph/GraphApi.h"

#include <gtest/gtest.h>

#include <functional>

using namespace dlc::graph;
using namespace dlc::graph::ops;

namespace {

// Runs `build` and returns the Error it throws ("" when it does not throw).
std::string errorOf(const std::function<void()> &build) {
  try {
    build();
  } catch (const Error &error) {
    return error.what();
  }
  return "";
}

TEST(ShapeInference, MatMulInnerDimsErrorNamesOp) {
  Graph g;
  Tensor a = g.input("a", DType::Float32, {2, 3});
  Tensor b = g.input("b", DType::Float32, {4, 5});
  EXPECT_EQ(errorOf([&] { matmul(a, b); }),
            "matmul: inner dims differ: [2,3] x [4,5]");
  try {
    matmul(a, b);
  } catch (const Error &error) {
    EXPECT_EQ(error.op(), "matmul");
  }
}

struct ErrorCase {
  const char *label;
  std::function<void(Graph &, Tensor)> build; // x is float32[2,3,8,8]
  const char *expected;                        // the full message
};

class ShapeErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ShapeErrors, MessageNamesOpAndProblem) {
  Graph g;
  Tensor x = g.input("x", DType::Float32, {2, 3, 8, 8});
  EXPECT_EQ(errorOf([&] { GetParam().build(g, x); }), GetParam().expected);
}

Tensor floats(Graph &g, Shape shape) {
  return g.constant(TensorData::filled(DType::Float32, shape, 1));
}

const ErrorCase kErrorCases[] = {
    {"add", [](Graph &g, Tensor x) { x + floats(g, {4, 8}); },
     "add: cannot broadcast [2,3,8,8] and [4,8]"},
    {"mul_dtype", [](Graph &g, Tensor x) { x * g.scalar(2, DType::Int64); },
     "mul: dtype mismatch: float32 vs int64"},
    {"batched_matmul", [](Graph &g, Tensor x) { matmul(x, floats(g, {5, 8, 2})); },
     "matmul: cannot broadcast [2,3] and [5]"},
    {"gemm", [](Graph &g, Tensor) { gemm(floats(g, {2, 3}), floats(g, {2, 4})); },
     "gemm: inner dims differ: [2,3] x [2,4]"},
    {"gemm_rank", [](Graph &g, Tensor x) { gemm(x, floats(g, {2, 4})); },
     "gemm: A must have rank 2, got [2,3,8,8]"},
    {"conv_channels", [](Graph &g, Tensor x) { conv(x, floats(g, {4, 2, 3, 3})); },
     "conv: input channels differ: input [2,3,8,8] has 3, weight [4,2,3,3] "
     "expects 2 (group 1)"},
    {"conv_window", [](Graph &g, Tensor x) { conv(x, floats(g, {4, 3, 9, 9})); },
     "conv: window 9 exceeds padded input 8 in spatial dim 0 of [8,8]"},
    {"conv_bias", [](Graph &g, Tensor x) {
       conv(x, floats(g, {4, 3, 3, 3}), floats(g, {3}));
     },
     "conv: bias must be [4], got [3]"},
    {"max_pool_kernel", [](Graph &, Tensor x) { maxPool(x, {{2}}); },
     "maxPool: kernel_shape [2] does not match input [2,3,8,8]"},
    {"batch_norm", [](Graph &g, Tensor x) {
       Tensor c = floats(g, {4});
       batchNormalization(x, c, c, c, c);
     },
     "batchNormalization: scale must be [3] (the channels of [2,3,8,8]), got [4]"},
    {"layer_norm", [](Graph &g, Tensor x) { layerNormalization(x, floats(g, {3})); },
     "layerNormalization: cannot broadcast [3] and [8]"},
    {"reshape", [](Graph &, Tensor x) { reshape(x, {5, -1}); },
     "reshape: cannot reshape [2,3,8,8] (384 elements) to [5,-1]"},
    {"transpose", [](Graph &, Tensor x) { transpose(x, {0, 1, 1, 2}); },
     "transpose: perm [0,1,1,2] is not a permutation of the 4 dims of [2,3,8,8]"},
    {"concat", [](Graph &g, Tensor x) { concat({x, floats(g, {2, 3, 8, 7})}, 1); },
     "concat: input 1 [2,3,8,7] does not match [2,3,8,8] outside axis 1"},
    {"split", [](Graph &, Tensor x) { splitEqual(x, 2, 1); },
     "split: dim 3 (axis 1 of [2,3,8,8]) does not split into 2 equal parts"},
    {"split_sizes", [](Graph &, Tensor x) { split(x, {1, 1}, 1); },
     "split: split [1,1] must have 2 sizes summing to 3 (axis 1 of [2,3,8,8])"},
    {"slice_axis", [](Graph &, Tensor x) { slice(x, {0}, {1}, {4}); },
     "slice: axis 4 is out of range for rank 4"},
    {"gather_index", [](Graph &, Tensor x) { gather(x, 3, 1); },
     "gather: index 3 is out of range for dim 3 (axis 1 of [2,3,8,8])"},
    {"squeeze", [](Graph &, Tensor x) { squeeze(x, {1}); },
     "squeeze: axis 1 of [2,3,8,8] has size 3, not 1"},
    {"unsqueeze", [](Graph &, Tensor x) { unsqueeze(x, {1, 1}); },
     "unsqueeze: axis 1 appears twice"},
    {"expand", [](Graph &, Tensor x) { expand(x, {2, 3, 8, 4}); },
     "expand: cannot broadcast [2,3,8,8] and [2,3,8,4]"},
    {"softmax", [](Graph &, Tensor x) { softmax(x, 4); },
     "softmax: axis 4 is out of range for rank 4"},
    {"reduce", [](Graph &, Tensor x) { reduceMean(x, {0, 0}); },
     "reduceMean: axis 0 appears twice"},
    {"exp_int", [](Graph &g, Tensor) { exp(g.scalar(1, DType::Int64)); },
     "exp: expects a floating-point tensor, got int64[]"},
    {"where", [](Graph &g, Tensor x) { where(x, x, x); },
     "where: condition must be bool, got float32[2,3,8,8]"},
    {"clip", [](Graph &g, Tensor x) {
       g.addNode("Clip", {x, floats(g, {2})});
     },
     "clip: min must be a scalar, got [2]"},
    {"arity", [](Graph &, Tensor x) { x.graph().addNode("Relu", {x, x}); },
     "relu: expects 1 inputs, got 2"},
    {"unsupported", [](Graph &, Tensor x) { x.graph().addNode("Foo", {x}); },
     "Foo: unsupported op"},
    {"dense_layer", [](Graph &g, Tensor) {
       layers::Dense dense(4);
       dense(floats(g, {2, 3}));
       dense(floats(g, {2, 5}));
     },
     "dense 'dense': expects inputs with last dim 3, got float32[2,5]"},
    {"conv2d_rank", [](Graph &g, Tensor) { layers::Conv2D(4, 3)(floats(g, {2, 3})); },
     "conv2d 'conv2d': expects NCHW input of rank 4, got float32[2,3]"},
    {"activation", [](Graph &, Tensor x) { layers::activation("swishy", x); },
     "activation: unknown activation 'swishy' (known: linear, relu, relu6, "
     "sigmoid, tanh, softmax, log_softmax, gelu, leaky_relu, swish, silu, "
     "exponential)"},
};

INSTANTIATE_TEST_SUITE_P(AllOps, ShapeErrors, ::testing::ValuesIn(kErrorCases),
                         [](const auto &info) { return info.param.label; });

TEST(ShapeInference, InfersShapes) {
  Graph g;
  Tensor x = g.input("x", DType::Float32, {2, 3, 8, 8});
  Tensor v = g.input("v", DType::Float32, {8});

  EXPECT_EQ(matmul(x, v).shape(), (Shape{2, 3, 8}));
  EXPECT_EQ(matmul(v, x).shape(), (Shape{2, 3, 8}));
  EXPECT_EQ(matmul(x, floats(g, {3, 8, 4})).shape(), (Shape{2, 3, 8, 4}));
  EXPECT_EQ(gemm(floats(g, {3, 2}), floats(g, {5, 3}), {}, 1, 1, true, true).shape(),
            (Shape{2, 5}));

  ConvOptions strided;
  strided.strides = {2, 2};
  strided.pads = {1, 1, 0, 0};
  EXPECT_EQ(conv(x, floats(g, {6, 3, 3, 3}), {}, strided).shape(),
            (Shape{2, 6, 4, 4}));
  ConvOptions grouped;
  grouped.group = 3;
  grouped.dilations = {2, 2};
  EXPECT_EQ(conv(x, floats(g, {6, 1, 3, 3}), {}, grouped).shape(),
            (Shape{2, 6, 4, 4}));

  PoolOptions ceilPool;
  ceilPool.kernel = {3, 3};
  ceilPool.strides = {2, 2};
  ceilPool.ceilMode = true;
  EXPECT_EQ(maxPool(x, ceilPool).shape(), (Shape{2, 3, 4, 4}));
  EXPECT_EQ(globalAveragePool(x).shape(), (Shape{2, 3, 1, 1}));

  EXPECT_EQ(reshape(x, {0, -1, 4}).shape(), (Shape{2, 48, 4}));
  EXPECT_EQ(flatten(x, 2).shape(), (Shape{6, 64}));
  EXPECT_EQ(transpose(x).shape(), (Shape{8, 8, 3, 2}));
  EXPECT_EQ(slice(x, {-1, 7}, {-100, 0}, {1, 2}, {-1, -3}).shape(),
            (Shape{2, 3, 3, 8}));
  EXPECT_EQ(slice(x, {1}, {INT64_MAX}, {-1}).shape(), (Shape{2, 3, 8, 7}));
  EXPECT_EQ(gather(x, g.constant(TensorData::fromInt64s({2, 2}, {0, 1, 2, 0})), 1)
                .shape(),
            (Shape{2, 2, 2, 8, 8}));
  EXPECT_EQ(unsqueeze(x, {-1, 0}).shape(), (Shape{1, 2, 3, 8, 8, 1}));
  EXPECT_EQ(expand(v, {3, 1, 8}).shape(), (Shape{3, 1, 8}));
  EXPECT_EQ(reduceSum(x, {1, -1}, false).shape(), (Shape{2, 8}));
  EXPECT_EQ(reduceMax(x).shape(), (Shape{1, 1, 1, 1}));
  EXPECT_EQ(equal(x, x).dtype(), DType::Bool);
  EXPECT_EQ(cast(x, DType::Int32).dtype(), DType::Int32);
  std::vector<Tensor> parts = split(x, {1, 2}, 1);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[1].shape(), (Shape{2, 2, 8, 8}));
}

TEST(ShapeInference, OperatorsAddScalarConstants) {
  Graph g;
  Tensor x = g.input("x", DType::Float32, {4});
  Tensor y = 2.0 * x + 1.0;
  EXPECT_EQ(y.shape(), Shape{4});
  ASSERT_EQ(g.nodes().size(), 2u);
  EXPECT_EQ(g.nodes()[0].opType, "Mul");
  EXPECT_EQ(g.nodes()[1].opType, "Add");
  const TensorData *two = g.initialValue(g.tensor(g.nodes()[0].inputs[0]));
  ASSERT_NE(two, nullptr);
  EXPECT_EQ(two->toFloats(), std::vector<float>{2.0f});
  EXPECT_FALSE(g.isTrainable(g.tensor(g.nodes()[0].inputs[0])));
}

TEST(ShapeInference, MixingGraphsIsAnError) {
  Graph g1, g2;
  Tensor a = g1.input("a", DType::Float32, {2});
  Tensor b = g2.input("b", DType::Float32, {2});
  EXPECT_EQ(errorOf([&] { a + b; }), "add: inputs come from different graphs");
}

TEST(ShapeInference, NamesMustBeUnique) {
  Graph g;
  g.input("x", DType::Float32, {2});
  EXPECT_EQ(errorOf([&] { g.input("x", DType::Float32, {2}); }),
            "input: name 'x' is empty or already used");
  EXPECT_EQ(errorOf([&] { g.input("y", DType::Float32, {-1}); }),
            "input: 'y' has a negative dim in [-1] (shapes are static)");
}

} // namespace
