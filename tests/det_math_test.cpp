// Deterministic math (base/det_math.h) against libm over wide grids, its special cases
// and pinned bit patterns; the Philox generator (base/rng.h) against the Random123
// known-answer vectors and as a pure function of its counter.
#include "base/det_math.h"

#include <gtest/gtest.h>
#include <thrust/device_vector.h>
#include <thrust/transform.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <limits>
#include <set>
#include <vector>

#include "base/rng.h"
#include "tests/device_required.h"

namespace entrepot {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

double relative_error(double got, double want) {
  return want == 0.0 ? std::fabs(got) : std::fabs(got - want) / std::fabs(want);
}

// n+1 evenly spaced points of [lo, hi].
std::vector<double> grid(double lo, double hi, int n) {
  std::vector<double> x(static_cast<std::size_t>(n) + 1);
  for (int i = 0; i <= n; ++i) x[i] = lo + (hi - lo) * static_cast<double>(i) / n;
  return x;
}

// Largest error of f against g over `xs`, where `tolerance(x)` is the error allowed at x;
// returns the worst ratio error/tolerance (≤ 1 passes) and where it happened.
template <class F, class G, class Tol>
::testing::AssertionResult within(const std::vector<double>& xs, F f, G g, Tol tolerance,
                                  bool absolute = false) {
  double worst = 0.0, at = 0.0, got = 0.0, want = 0.0;
  for (double x : xs) {
    const double a = f(x), b = g(x);
    const double error = absolute ? std::fabs(a - b) : relative_error(a, b);
    const double ratio = std::isnan(error) ? kInf : error / tolerance(x);
    if (ratio > worst) {
      worst = ratio;
      at = x;
      got = a;
      want = b;
    }
  }
  if (worst <= 1.0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << std::setprecision(17) << "at x = " << at << ": got " << got << ", libm " << want
         << ", error " << worst * tolerance(at) << " > " << tolerance(at);
}

auto flat(double tolerance) {
  return [tolerance](double) { return tolerance; };
}

TEST(DetMathTest, ExpMatchesLibm) {
  auto det = [](double x) { return det_exp(x); };
  auto libm = [](double x) { return std::exp(x); };
  EXPECT_TRUE(within(grid(-1.0, 1.0, 200000), det, libm, flat(2e-15)));
  EXPECT_TRUE(within(grid(-50.0, 50.0, 200000), det, libm, flat(1e-14)));
  // The reduction x − k·ln2 carries ln2 as one double, so the error grows with |x|.
  EXPECT_TRUE(within(grid(-700.0, 700.0, 200000), det, libm,
                     [](double x) { return 1e-14 * std::max(1.0, std::fabs(x) / 50.0); }));
  EXPECT_EQ(det_exp(0.0), 1.0);
  EXPECT_EQ(det_exp(-0.0), 1.0);
}

TEST(DetMathTest, ExpClampsOverflowAndUnderflow) {
  // Above 700 the argument is clamped: finite, never inf.
  const double top = det_exp(700.0);
  EXPECT_TRUE(std::isfinite(top));
  EXPECT_GT(top, 1e304);
  for (double x : {700.5, 709.0, 710.0, 800.0, 1e6, 1e300, DBL_MAX, kInf}) {
    EXPECT_EQ(det_exp(x), top) << "x = " << x;
  }
  // Below −700 the result is 0; at −700 itself still the positive value.
  EXPECT_GT(det_exp(-700.0), 0.0);
  EXPECT_LT(relative_error(det_exp(-700.0), std::exp(-700.0)), 1e-13);
  for (double x : {-700.5, -745.0, -1e6, -DBL_MAX, -kInf}) {
    EXPECT_EQ(det_exp(x), 0.0) << "x = " << x;
  }
}

TEST(DetMathTest, LogMatchesLibm) {
  auto det = [](double x) { return det_log(x); };
  auto libm = [](double x) { return std::log(x); };
  EXPECT_TRUE(within(grid(1e-6, 10.0, 200000), det, libm, flat(2e-15)));
  // Around 1, where log crosses 0, the absolute error.
  EXPECT_TRUE(within(grid(0.5, 2.0, 200000), det, libm, flat(1e-15), true));
  // Every decade of the normal range, and subnormals.
  std::vector<double> decades, tiny;
  for (int i = -3070; i <= 3080; ++i) decades.push_back(std::pow(10.0, i / 10.0));
  for (int i = 1; i <= 100000; ++i) tiny.push_back(std::ldexp(997.0 * i, -1074));
  EXPECT_TRUE(within(decades, det, libm, flat(1e-15)));
  EXPECT_TRUE(within(tiny, det, libm, flat(1e-15)));
  for (double x : {DBL_MIN, DBL_MAX, std::numeric_limits<double>::denorm_min(), 2.0, 0.5}) {
    EXPECT_LT(relative_error(det_log(x), std::log(x)), 1e-15) << "x = " << x;
  }
  EXPECT_EQ(det_log(1.0), 0.0);
}

TEST(DetMathTest, LogOfNonPositiveIsTheLogOfTheSmallestDouble) {
  for (double x : {0.0, -0.0, -1e-300, -1.0, -kInf, std::nan("")}) {
    EXPECT_EQ(det_log(x), -745.0) << "x = " << x;
  }
}

TEST(DetMathTest, PowMatchesLibm) {
  double worst = 0.0, wx = 0.0, wy = 0.0;
  for (int i = 1; i <= 400; ++i) {
    for (int j = -200; j <= 200; ++j) {
      const double x = 0.05 * i, y = 0.05 * j;
      const double error = relative_error(det_pow(x, y), std::pow(x, y));
      if (!(error <= worst)) {
        worst = error;
        wx = x;
        wy = y;
      }
    }
  }
  EXPECT_LE(worst, 1e-14) << "at " << wx << "^" << wy;
  // The Pareto draw's use: (1−u)^(−1/α) for u up to 1 − 2⁻³², α in [1.5, 5].
  for (double shape : {1.5, 2.0, 3.0, 5.0}) {
    auto det = [shape](double u) { return det_pow(1.0 - u, -1.0 / shape); };
    auto libm = [shape](double u) { return std::pow(1.0 - u, -1.0 / shape); };
    EXPECT_TRUE(within(grid(0.0, 1.0 - 0x1p-32, 100000), det, libm, flat(1e-14)))
        << "shape " << shape;
  }
}

TEST(DetMathTest, PowSpecialCases) {
  EXPECT_EQ(det_pow(0.0, 2.0), 0.0);
  EXPECT_EQ(det_pow(0.0, 0.5), 0.0);
  EXPECT_EQ(det_pow(0.0, 0.0), 1.0);
  for (double x : {1e-300, 0.3, 1.0, 7.0, 1e300}) {
    EXPECT_EQ(det_pow(x, 0.0), 1.0) << "x = " << x;
    EXPECT_LT(relative_error(det_pow(x, 1.0), x), 1e-13) << "x = " << x;
  }
  for (double y : {-50.0, -1.0, 0.5, 3.0, 100.0}) EXPECT_EQ(det_pow(1.0, y), 1.0) << "y = " << y;
}

TEST(DetMathTest, SinAndCosMatchLibm) {
  auto sine = [](double x) { return det_sin(x); };
  auto cosine = [](double x) { return det_cos(x); };
  auto libm_sin = [](double x) { return std::sin(x); };
  auto libm_cos = [](double x) { return std::cos(x); };
  // Latitudes and longitudes in radians, and beyond.
  EXPECT_TRUE(within(grid(-10.0, 10.0, 200000), sine, libm_sin, flat(2e-15), true));
  EXPECT_TRUE(within(grid(-10.0, 10.0, 200000), cosine, libm_cos, flat(2e-15), true));
  // Relative error where sin is small but not 0.
  EXPECT_TRUE(within(grid(1e-8, 1.0, 100000), sine, libm_sin, flat(2e-15)));
  // Far out, the reduction by 2π (one double) and cos(x) = sin(x + π/2) cost accuracy ∝ |x|.
  auto far = [](double x) { return 2e-15 + 4e-16 * std::fabs(x); };
  EXPECT_TRUE(within(grid(-1000.0, 1000.0, 200000), sine, libm_sin, far, true));
  EXPECT_TRUE(within(grid(-1000.0, 1000.0, 200000), cosine, libm_cos, far, true));
  EXPECT_EQ(det_sin(0.0), 0.0);
  for (double x : grid(-20.0, 20.0, 4001)) {
    ASSERT_EQ(det_sin(-x), -det_sin(x)) << "sin is odd, bit for bit, at " << x;
    ASSERT_NEAR(det_sin(x) * det_sin(x) + det_cos(x) * det_cos(x), 1.0, 4e-15) << x;
  }
}

// sin and cos are bounded by 1 in magnitude, as callers that form √(1 − s²) assume.
TEST(DetMathTest, SinAndCosNeverExceedOne) {
  std::vector<double> xs = grid(-10.0, 10.0, 200000);
  for (int k = -6; k <= 6; ++k) xs.push_back(0.5 * kPi * k);
  for (double x : xs) {
    ASSERT_LE(std::fabs(det_sin(x)), 1.0) << std::setprecision(17) << "sin at " << x;
    ASSERT_LE(std::fabs(det_cos(x)), 1.0) << std::setprecision(17) << "cos at " << x;
  }
}

TEST(DetMathTest, AtanMatchesLibm) {
  auto det = [](double x) { return det_atan(x); };
  auto libm = [](double x) { return std::atan(x); };
  EXPECT_TRUE(within(grid(-10.0, 10.0, 200000), det, libm, flat(2e-15)));
  EXPECT_TRUE(within(grid(-1e-3, 1e-3, 100000), det, libm, flat(2e-15)));
  EXPECT_TRUE(within(grid(-1e6, 1e6, 200000), det, libm, flat(1e-15)));
  EXPECT_EQ(det_atan(0.0), 0.0);
  EXPECT_NEAR(det_atan(1.0), 0.25 * kPi, 1e-16);
  EXPECT_NEAR(det_atan(1e300), 0.5 * kPi, 1e-16);
  EXPECT_NEAR(det_atan(kInf), 0.5 * kPi, 1e-16);
  EXPECT_NEAR(det_atan(-kInf), -0.5 * kPi, 1e-16);
  for (double x : grid(-50.0, 50.0, 1001)) ASSERT_EQ(det_atan(-x), -det_atan(x)) << x;
}

// The same arguments give the same bits: twice on the host, and through a Thrust pass on
// the device backend.
struct AllFunctions {
  ENTREPOT_HD double operator()(double x) const {
    return det_exp(x / 50.0) + det_log(1.0 + x * x) + det_pow(1.0 + std::fabs(x), -0.37) +
           det_sin(x) + det_cos(x) + det_atan(x);
  }
};

TEST(DetMathTest, ResultsAreBitwiseReproducible) {
  ENTREPOT_REQUIRE_DEVICE();
  const std::vector<double> xs = grid(-300.0, 300.0, 100001);
  std::vector<double> first(xs.size()), second(xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) first[i] = AllFunctions{}(xs[i]);
  for (std::size_t i = 0; i < xs.size(); ++i) second[i] = AllFunctions{}(xs[i]);
  thrust::device_vector<double> in(xs.begin(), xs.end()), out(xs.size());
  thrust::transform(in.begin(), in.end(), out.begin(), AllFunctions{});
  std::vector<double> device(xs.size());
  thrust::copy(out.begin(), out.end(), device.begin());
  for (std::size_t i = 0; i < xs.size(); ++i) {
    ASSERT_EQ(det_double_to_bits(first[i]), det_double_to_bits(second[i])) << xs[i];
    ASSERT_EQ(det_double_to_bits(first[i]), det_double_to_bits(device[i])) << xs[i];
  }
}

// Pinned bit patterns: every build (g++ or nvcc, any machine) must give these. A change
// here means rounding changed (e.g. FMA contraction), not just a different libm.
TEST(DetMathTest, PinnedBitPatterns) {
  const struct {
    const char* what;
    double value;
    std::uint64_t bits;
  } cases[] = {
      {"det_exp(1.0)", det_exp(1.0), 0x4005bf0a8b145768},
      {"det_exp(-2.5)", det_exp(-2.5), 0x3fb50385c094f425},
      {"det_exp(100.25)", det_exp(100.25), 0x48f8c39b9134bac5},
      {"det_log(10.0)", det_log(10.0), 0x40026bb1bbb55515},
      {"det_log(0.001)", det_log(0.001), 0xc01ba18a998fffa0},
      {"det_pow(0.3, -1/3)", det_pow(0.3, -1.0 / 3.0), 0x3ff7e69c7ce33630},
      {"det_pow(2.5, 1.7)", det_pow(2.5, 1.7), 0x4012fdcf53f3e6f1},
      {"det_sin(1.0)", det_sin(1.0), 0x3feaed548f090cee},
      {"det_cos(1.0)", det_cos(1.0), 0x3fe14a280fb5068c},
      {"det_sin(-4.0)", det_sin(-4.0), 0x3fe837b9dddc1eb1},
      {"det_atan(0.5)", det_atan(0.5), 0x3fddac670561bb4f},
      {"det_atan(7.0)", det_atan(7.0), 0x3ff6dcc57bb565fc},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(det_double_to_bits(c.value), c.bits) << c.what << " = " << c.value;
  }
}

// ---- Philox ----

TEST(PhiloxTest, MatchesRandom123KnownAnswers) {
  // Philox4x32-10 test vectors of Random123 (kat_vectors), through this counter layout:
  // words (agent lo, agent hi, step, phase << 24 | index), key (seed lo, seed hi).
  const auto zero = Philox{0}.words(0, 0, static_cast<Draw>(0), 0);
  EXPECT_EQ(zero[0], 0x6627e8d5u);
  EXPECT_EQ(zero[1], 0xe169c58du);
  EXPECT_EQ(zero[2], 0xbc57ac4cu);
  EXPECT_EQ(zero[3], 0x9b00dbd8u);
  const auto ones = Philox{~0ull}.words(~0ull, -1, static_cast<Draw>(0xff), 0xffffff);
  EXPECT_EQ(ones[0], 0x408f276du);
  EXPECT_EQ(ones[1], 0x41c83b0eu);
  EXPECT_EQ(ones[2], 0xa20bc7c6u);
  EXPECT_EQ(ones[3], 0x6d5451fdu);
  const auto pi = Philox{0x299f31d0a4093822ull}.words(0x85a308d3243f6a88ull, 0x13198a2e,
                                                      static_cast<Draw>(0x03), 0x707344);
  EXPECT_EQ(pi[0], 0xd16cfe09u);
  EXPECT_EQ(pi[1], 0x94fdccebu);
  EXPECT_EQ(pi[2], 0x5001e420u);
  EXPECT_EQ(pi[3], 0x24126ea1u);
}

std::vector<std::uint32_t> as_vector(const r123::Philox4x32::ctr_type& w) {
  return {w[0], w[1], w[2], w[3]};
}

TEST(PhiloxTest, SameCounterSameWordsAnyChangeOtherWords) {
  const Philox rng{20200101};
  const auto base = as_vector(rng.words(123456789, 17, Draw::search, 5));
  EXPECT_EQ(as_vector(rng.words(123456789, 17, Draw::search, 5)), base);
  EXPECT_EQ(as_vector(Philox{20200101}.words(123456789, 17, Draw::search, 5)), base);
  EXPECT_NE(as_vector(rng.words(123456789, 17, Draw::search, 6)), base);
  EXPECT_NE(as_vector(rng.words(123456790, 17, Draw::search, 5)), base);
  EXPECT_NE(as_vector(rng.words(123456789 + (1ull << 32), 17, Draw::search, 5)), base);
  EXPECT_NE(as_vector(rng.words(123456789, 18, Draw::search, 5)), base);
  EXPECT_NE(as_vector(rng.words(123456789, 17, Draw::separation, 5)), base);
  EXPECT_NE(as_vector(Philox{20200102}.words(123456789, 17, Draw::search, 5)), base);
  EXPECT_NE(as_vector(Philox{20200101 + (1ull << 32)}.words(123456789, 17, Draw::search, 5)), base);
  // Many (agent, index) pairs: all their 128-bit outputs differ.
  std::set<std::vector<std::uint32_t>> seen;
  for (std::uint64_t agent = 0; agent < 200; ++agent) {
    for (std::uint32_t index = 0; index < 50; ++index) {
      seen.insert(as_vector(rng.words(agent, 3, Draw::job_search, index)));
    }
  }
  EXPECT_EQ(seen.size(), 200u * 50u);
}

TEST(PhiloxTest, UniformIsInUnitIntervalAndFlat) {
  EXPECT_EQ(to_unit(0u), 0.0);
  EXPECT_LT(to_unit(0xffffffffu), 1.0);
  EXPECT_EQ(to_unit(0x80000000u), 0.5);
  const Philox rng{7};
  const int n = 200000, bins = 16;
  std::vector<int> count(bins, 0);
  double sum = 0.0, lo = 1.0, hi = 0.0;
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform(static_cast<std::uint64_t>(i), 9, Draw::separation, 0);
    ASSERT_EQ(u, to_unit(rng.words(static_cast<std::uint64_t>(i), 9, Draw::separation, 0)[0]));
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    lo = std::min(lo, u);
    hi = std::max(hi, u);
    sum += u;
    ++count[static_cast<int>(u * bins)];
  }
  EXPECT_NEAR(sum / n, 0.5, 0.005);
  EXPECT_LT(lo, 1e-3);
  EXPECT_GT(hi, 1.0 - 1e-3);
  for (int b = 0; b < bins; ++b) EXPECT_NEAR(count[b], n / bins, n / bins / 20) << "bin " << b;
}

}  // namespace
}  // namespace entrepot
