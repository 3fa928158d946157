// Deterministic elementary functions built only from +, −, ×, ÷, sqrt and exact bit
// operations, so the host and every device compute the same bits (DESIGN §3.4). Libm's
// exp/log/pow/sin are not correctly rounded and differ between glibc and CUDA.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "base/backend.h"

namespace entrepot {

inline constexpr double kPi = 3.14159265358979323846;
inline constexpr double kLn2 = 0.69314718055994530942;

ENTREPOT_HD double det_bits_to_double(std::uint64_t bits) {
  double value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

ENTREPOT_HD std::uint64_t det_double_to_bits(double value) {
  std::uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

// 2^k for |k| < 1023, built from the exponent bits (exact).
ENTREPOT_HD double det_exp2_int(int k) {
  return det_bits_to_double(static_cast<std::uint64_t>(k + 1023) << 52);
}

ENTREPOT_HD double det_exp(double x) {
  if (!(x == x)) return x;  // NaN
  if (x > 700.0) x = 700.0;
  if (x < -700.0) return 0.0;
  // x = k·ln2 + r with |r| ≤ ln2/2 (ln2 split in two so k·ln2_hi is exact); e^r by its
  // Taylor series (converged to < 1 ulp).
  const double kd = x / kLn2;
  const int k = static_cast<int>(kd < 0.0 ? kd - 0.5 : kd + 0.5);
  const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
  const double r = (x - static_cast<double>(k) * ln2_hi) - static_cast<double>(k) * ln2_lo;
  double term = 1.0, sum = 1.0;
  for (int n = 1; n <= 18; ++n) {
    term = term * r / static_cast<double>(n);
    sum = sum + term;
  }
  return sum * det_exp2_int(k);
}

// Natural log of a positive double that is not subnormal.
ENTREPOT_HD double det_log_normal_number(double x) {
  const std::uint64_t bits = det_double_to_bits(x);
  int e = static_cast<int>((bits >> 52) & 0x7ff) - 1023;
  double m = det_bits_to_double((bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
  if (m > 1.41421356237309504880) {
    m = m * 0.5;
    e = e + 1;
  }
  // log m = 2·atanh(s), s = (m−1)/(m+1), |s| < 0.172.
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double power = s, sum = 0.0;
  for (int n = 1; n <= 41; n += 2) {
    sum = sum + power / static_cast<double>(n);
    power = power * s2;
  }
  return 2.0 * sum + static_cast<double>(e) * kLn2;
}

// Natural log for x > 0 (returns −745 for x ≤ 0, i.e. log of the smallest double).
ENTREPOT_HD double det_log(double x) {
  if (!(x > 0.0)) return -745.0;
  // A subnormal x (exponent bits 0) is renormalised by 2^52 first; without recursion, which
  // forced inlining (ENTREPOT_HD under nvcc) does not allow.
  if ((det_double_to_bits(x) >> 52) == 0) {
    return det_log_normal_number(x * 4503599627370496.0) - 52.0 * kLn2;
  }
  return det_log_normal_number(x);
}

// x^y for x > 0.
ENTREPOT_HD double det_pow(double x, double y) {
  if (x == 0.0) return y > 0.0 ? 0.0 : 1.0;
  return det_exp(y * det_log(x));
}

ENTREPOT_HD double det_sin(double x) {
  // Reduce to [−π, π], then the Taylor series.
  const double turns = x / (2.0 * kPi);
  const double whole =
      static_cast<double>(static_cast<long long>(turns < 0.0 ? turns - 0.5 : turns + 0.5));
  const double r = x - whole * 2.0 * kPi;
  const double r2 = r * r;
  double term = r, sum = r;
  for (int n = 1; n <= 20; ++n) {
    term = -term * r2 / static_cast<double>((2 * n) * (2 * n + 1));
    sum = sum + term;
  }
  return sum > 1.0 ? 1.0 : (sum < -1.0 ? -1.0 : sum);
}

ENTREPOT_HD double det_cos(double x) {
  return det_sin(x + 0.5 * kPi);
}

// atan x for 0 ≤ x ≤ 1.
ENTREPOT_HD double det_atan_unit(double x) {
  // Two half-angle reductions bring |x| below 0.2, where the series converges fast.
  const double x1 = x / (1.0 + std::sqrt(1.0 + x * x));
  const double x2 = x1 / (1.0 + std::sqrt(1.0 + x1 * x1));
  const double s2 = x2 * x2;
  double power = x2, sum = 0.0;
  for (int n = 0; n < 24; ++n) {
    const double term = power / static_cast<double>(2 * n + 1);
    sum = (n % 2 == 0) ? sum + term : sum - term;
    power = power * s2;
  }
  return 4.0 * sum;
}

// atan x = −atan(−x), and π/2 − atan(1/x) above 1; written without recursion, which forced
// inlining (ENTREPOT_HD under nvcc) does not allow.
ENTREPOT_HD double det_atan(double x) {
  const double a = x < 0.0 ? -x : x;
  const double angle = a > 1.0 ? 0.5 * kPi - det_atan_unit(1.0 / a) : det_atan_unit(a);
  return x < 0.0 ? -angle : angle;
}

}  // namespace entrepot
