//===- InitializerTest.cpp - seeded, deterministic, in-bounds weights -----===//
#include "frontend/graph/GraphApi.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace dlc::graph;

namespace {

std::vector<float> draw(const Initializer &init, const Shape &shape,
                        uint64_t seed) {
  std::mt19937_64 rng(seed);
  return init.generate(shape, rng);
}

TEST(Initializers, SameSeedSameValues) {
  for (const char *name : {"glorot_uniform", "glorot_normal", "he_uniform",
                           "he_normal", "orthogonal", "random_uniform",
                           "random_normal"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(draw(name, {64, 32}, 1), draw(name, {64, 32}, 1));
    EXPECT_NE(draw(name, {64, 32}, 1), draw(name, {64, 32}, 2));
  }
}

// The generator's raw output is standardized; our draws build on it alone,
// so these values hold on every platform.
TEST(Initializers, PinnedValuesForSeed) {
  std::mt19937_64 rng(42);
  double u = uniform01(rng);
  std::mt19937_64 again(42);
  EXPECT_EQ(u, double(again() >> 11) * 0x1.0p-53);
  EXPECT_GE(u, 0.0);
  EXPECT_LT(u, 1.0);
}

TEST(Initializers, GraphSeedMakesModelsDeterministic) {
  auto weights = [](uint64_t seed) {
    Graph g(seed);
    Tensor x = g.input("x", DType::Float32, {1, 16});
    layers::Dense(8, "relu")(x);
    layers::Dense(4)(x);
    std::vector<std::vector<float>> values;
    for (const Tensor &init : g.initializers())
      values.push_back(g.initialValue(init)->toFloats());
    return values;
  };
  EXPECT_EQ(weights(5), weights(5));
  EXPECT_NE(weights(5), weights(6));
}

TEST(Initializers, WithSeedIgnoresGraphGenerator) {
  Initializer seeded = Initializer::heUniform().withSeed(9);
  EXPECT_EQ(draw(seeded, {10, 10}, 1), draw(seeded, {10, 10}, 2));
}

TEST(Initializers, GlorotUniformWithinLimitAndUniform) {
  Shape shape = {300, 200};
  double limit = std::sqrt(6.0 / (300 + 200));
  EXPECT_DOUBLE_EQ(Initializer::glorotUniform().scale(computeFans(shape)), limit);
  std::vector<float> values = draw("glorot_uniform", shape, 3);
  double sum = 0, squares = 0, maxAbs = 0;
  for (float v : values) {
    sum += v;
    squares += double(v) * v;
    maxAbs = std::max(maxAbs, std::fabs(double(v)));
  }
  double n = double(values.size());
  EXPECT_LE(maxAbs, limit);
  EXPECT_GT(maxAbs, 0.99 * limit); // the whole range is used
  EXPECT_NEAR(sum / n, 0.0, 0.01 * limit);
  EXPECT_NEAR(squares / n, limit * limit / 3, 0.02 * limit * limit); // U(-l, l)
}

TEST(Initializers, HeUniformUsesFanIn) {
  // Conv weight [out, in, kh, kw]: fan_in = in * kh * kw.
  Shape shape = {16, 8, 3, 3};
  Fans fans = computeFans(shape);
  EXPECT_EQ(fans.in, 72);
  EXPECT_EQ(fans.out, 144);
  double limit = std::sqrt(6.0 / 72);
  for (float v : draw("he_uniform", shape, 4))
    EXPECT_LE(std::fabs(v), limit);
}

TEST(Initializers, NormalKindsAreTruncatedAtTwoStddev) {
  Shape shape = {400, 100};
  Fans fans = computeFans(shape);
  for (const Initializer &init :
       {Initializer::glorotNormal(), Initializer::heNormal()}) {
    // Keras scales the stddev so the truncated draw has the nominal variance.
    double stddev = init.scale(fans);
    double bound = 2 * stddev / 0.87962566103423978;
    std::mt19937_64 rng(5);
    std::vector<float> values = init.generate(shape, rng);
    double squares = 0;
    for (float v : values) {
      EXPECT_LE(std::fabs(v), bound * (1 + 1e-6));
      squares += double(v) * v;
    }
    EXPECT_NEAR(std::sqrt(squares / double(values.size())), stddev, 0.03 * stddev);
  }
}

TEST(Initializers, ConstantsAndOrthogonal) {
  EXPECT_EQ(draw("zeros", {3}, 0), std::vector<float>(3, 0.0f));
  EXPECT_EQ(draw("ones", {2, 2}, 0), std::vector<float>(4, 1.0f));
  EXPECT_EQ(draw(Initializer::constant(0.5), {2}, 0), std::vector<float>(2, 0.5f));

  // Rows of a [4, 16] orthogonal matrix are orthonormal.
  std::vector<float> q = draw("orthogonal", {4, 16}, 8);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      double dot = 0;
      for (int k = 0; k < 16; ++k)
        dot += double(q[i * 16 + k]) * q[j * 16 + k];
      EXPECT_NEAR(dot, i == j ? 1.0 : 0.0, 1e-5);
    }
}

TEST(Initializers, UnknownNameIsAnError) {
  try {
    Initializer init("xavier");
    FAIL() << "no error";
  } catch (const Error &error) {
    EXPECT_EQ(error.op(), "initializer");
    EXPECT_NE(std::string(error.what()).find("unknown initializer 'xavier'"),
              std::string::npos);
  }
}

} // namespace
