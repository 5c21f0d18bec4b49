//===- Initializers.h - seeded weight initializers -------------------------===//
#pragma once

#include "frontend/graph/Shape.h"

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace dlc::graph {

// Fan-in/fan-out of a weight in ONNX layout:
//   rank 1  [n]               in = out = n
//   rank 2  [in, out]         the Dense/MatMul kernel
//   rank 3+ [out, in, k...]   the Conv weight; both fans include the kernel area
struct Fans {
  double in = 1;
  double out = 1;
};
Fans computeFans(const Shape &shape);

// Uniform in [0, 1) and standard normal draws built on the raw generator
// output: std::*_distribution differ between standard libraries, these do not,
// so a seed gives the same weights everywhere.
double uniform01(std::mt19937_64 &rng);
double standardNormal(std::mt19937_64 &rng);

// Keras-compatible initializers. Draws come from the graph's generator
// (Graph(seed)), or from a private one when withSeed() is used.
class Initializer {
public:
  enum class Kind {
    Constant,       // a = value
    Uniform,        // [a, b)
    Normal,         // mean a, stddev b
    GlorotUniform,  // limit sqrt(6 / (fan_in + fan_out))
    GlorotNormal,   // truncated at 2 stddev, stddev sqrt(2 / (fan_in + fan_out)) / .8796
    HeUniform,      // limit sqrt(6 / fan_in)
    HeNormal,       // truncated at 2 stddev, stddev sqrt(2 / fan_in) / .8796
    Orthogonal,     // gain a
  };

  // Keras names: "zeros", "ones", "glorot_uniform", "glorot_normal",
  // "he_uniform", "he_normal", "orthogonal", "random_uniform" (+-0.05),
  // "random_normal" (stddev 0.05). Throws Error on other names.
  Initializer(const std::string &name);
  Initializer(const char *name) : Initializer(std::string(name)) {}

  static Initializer zeros() { return {Kind::Constant, 0, 0}; }
  static Initializer ones() { return {Kind::Constant, 1, 0}; }
  static Initializer constant(double value) { return {Kind::Constant, value, 0}; }
  static Initializer uniform(double min, double max) { return {Kind::Uniform, min, max}; }
  static Initializer normal(double mean, double stddev) { return {Kind::Normal, mean, stddev}; }
  static Initializer glorotUniform() { return {Kind::GlorotUniform, 0, 0}; }
  static Initializer glorotNormal() { return {Kind::GlorotNormal, 0, 0}; }
  static Initializer heUniform() { return {Kind::HeUniform, 0, 0}; }
  static Initializer heNormal() { return {Kind::HeNormal, 0, 0}; }
  static Initializer orthogonal(double gain = 1) { return {Kind::Orthogonal, gain, 0}; }

  // Draw from a generator seeded with `seed` on every use instead of the
  // graph's, so the values do not depend on what was created before.
  Initializer withSeed(uint64_t seed) const;

  Kind kind() const { return kind_; }
  // The bound of the uniform kinds, the untruncated stddev of the normal ones.
  double scale(Fans fans) const;

  std::vector<float> generate(const Shape &shape, std::mt19937_64 &rng) const {
    return generate(shape, computeFans(shape), rng);
  }
  std::vector<float> generate(const Shape &shape, Fans fans,
                              std::mt19937_64 &rng) const;

private:
  Initializer(Kind kind, double a, double b) : kind_(kind), a_(a), b_(b) {}
  std::vector<float> orthogonalMatrix(const Shape &shape,
                                      std::mt19937_64 &rng) const;

  Kind kind_;
  double a_;
  double b_;
  std::optional<uint64_t> seed_;
};

} // namespace dlc::graph
