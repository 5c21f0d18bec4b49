#include "frontend/graph/Initializers.h"

#include "frontend/graph/Error.h"

#include <cmath>

namespace dlc::graph {

// Keras divides the normal stddev by the stddev of a unit normal truncated
// at +-2, so the truncated draw has the intended variance.
static constexpr double kTruncatedStddev = 0.87962566103423978;

Fans computeFans(const Shape &shape) {
  if (shape.empty())
    return {1, 1};
  if (shape.size() == 1)
    return {double(shape[0]), double(shape[0])};
  if (shape.size() == 2)
    return {double(shape[0]), double(shape[1])};
  double receptiveField = 1;
  for (size_t i = 2; i < shape.size(); ++i)
    receptiveField *= double(shape[i]);
  return {double(shape[1]) * receptiveField, double(shape[0]) * receptiveField};
}

double uniform01(std::mt19937_64 &rng) {
  // The top 53 bits fill a double's mantissa exactly.
  return double(rng() >> 11) * 0x1.0p-53;
}

double standardNormal(std::mt19937_64 &rng) {
  // Box-Muller; 1 - u keeps the logarithm's argument in (0, 1].
  double u1 = 1.0 - uniform01(rng);
  double u2 = uniform01(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

static double truncatedNormal(std::mt19937_64 &rng) {
  for (;;) {
    double z = standardNormal(rng);
    if (std::fabs(z) <= 2.0)
      return z;
  }
}

Initializer::Initializer(const std::string &name) {
  static const struct {
    const char *name;
    Kind kind;
    double a, b;
  } kNamed[] = {
      {"zeros", Kind::Constant, 0, 0},
      {"ones", Kind::Constant, 1, 0},
      {"glorot_uniform", Kind::GlorotUniform, 0, 0},
      {"glorot_normal", Kind::GlorotNormal, 0, 0},
      {"he_uniform", Kind::HeUniform, 0, 0},
      {"he_normal", Kind::HeNormal, 0, 0},
      {"orthogonal", Kind::Orthogonal, 1, 0},
      {"random_uniform", Kind::Uniform, -0.05, 0.05},
      {"random_normal", Kind::Normal, 0, 0.05},
  };
  for (const auto &entry : kNamed) {
    if (name == entry.name) {
      kind_ = entry.kind;
      a_ = entry.a;
      b_ = entry.b;
      return;
    }
  }
  std::string known;
  for (const auto &entry : kNamed)
    known += std::string(known.empty() ? "" : ", ") + entry.name;
  throw Error("initializer", "unknown initializer '" + name + "' (known: " +
                                 known + ")");
}

Initializer Initializer::withSeed(uint64_t seed) const {
  Initializer seeded = *this;
  seeded.seed_ = seed;
  return seeded;
}

double Initializer::scale(Fans fans) const {
  switch (kind_) {
  case Kind::GlorotUniform: return std::sqrt(6.0 / (fans.in + fans.out));
  case Kind::GlorotNormal: return std::sqrt(2.0 / (fans.in + fans.out));
  case Kind::HeUniform: return std::sqrt(6.0 / fans.in);
  case Kind::HeNormal: return std::sqrt(2.0 / fans.in);
  case Kind::Uniform: return std::max(std::fabs(a_), std::fabs(b_));
  case Kind::Normal: return b_;
  case Kind::Constant: return std::fabs(a_);
  case Kind::Orthogonal: return a_;
  }
  return 0;
}

std::vector<float> Initializer::generate(const Shape &shape, Fans fans,
                                         std::mt19937_64 &graphRng) const {
  std::mt19937_64 ownRng(seed_.value_or(0));
  std::mt19937_64 &rng = seed_ ? ownRng : graphRng;
  if (kind_ == Kind::Orthogonal)
    return orthogonalMatrix(shape, rng);

  std::vector<float> values(static_cast<size_t>(numElements(shape)));
  double s = scale(fans);
  for (float &value : values) {
    switch (kind_) {
    case Kind::Constant: value = float(a_); break;
    case Kind::Uniform: value = float(a_ + (b_ - a_) * uniform01(rng)); break;
    case Kind::Normal: value = float(a_ + b_ * standardNormal(rng)); break;
    case Kind::GlorotUniform:
    case Kind::HeUniform: value = float(s * (2.0 * uniform01(rng) - 1.0)); break;
    case Kind::GlorotNormal:
    case Kind::HeNormal:
      value = float(s / kTruncatedStddev * truncatedNormal(rng));
      break;
    case Kind::Orthogonal: break;
    }
  }
  return values;
}

// Keras' orthogonal initializer: rows are all dims but the last; the
// orthonormal factor of a normal matrix (Gram-Schmidt, which gives the QR
// factor with a positive diagonal) fills the longer side.
std::vector<float> Initializer::orthogonalMatrix(const Shape &shape,
                                                 std::mt19937_64 &rng) const {
  if (shape.size() < 2)
    throw Error("initializer",
                "orthogonal needs a rank >= 2 shape, got " + toString(shape));
  size_t cols = size_t(shape.back());
  size_t rows = size_t(numElements(shape)) / (cols ? cols : 1);
  size_t m = std::max(rows, cols), n = std::min(rows, cols);
  std::vector<double> q(m * n); // column j at q[j*m .. j*m+m)
  for (double &value : q)
    value = standardNormal(rng);
  for (size_t j = 0; j < n; ++j) {
    double *column = &q[j * m];
    for (size_t k = 0; k < j; ++k) {
      const double *previous = &q[k * m];
      double dot = 0;
      for (size_t i = 0; i < m; ++i)
        dot += column[i] * previous[i];
      for (size_t i = 0; i < m; ++i)
        column[i] -= dot * previous[i];
    }
    double norm = 0;
    for (size_t i = 0; i < m; ++i)
      norm += column[i] * column[i];
    norm = std::sqrt(norm);
    for (size_t i = 0; i < m; ++i)
      column[i] /= norm;
  }
  std::vector<float> values(rows * cols);
  for (size_t r = 0; r < rows; ++r)
    for (size_t c = 0; c < cols; ++c)
      values[r * cols + c] =
          float(a_ * (rows >= cols ? q[c * m + r] : q[r * m + c]));
  return values;
}

} // namespace dlc::graph
