#include "fx/quantization_error.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "fx/cast.hpp"

namespace fxsim::fx {
namespace {

// The exact value of a raw integer with `frac_bits` fraction bits (long double holds every
// 64-bit raw exactly on x86-64).
long double raw_value(int64_t raw, int frac_bits, bool is_unsigned) {
  const long double r = is_unsigned ? static_cast<long double>(static_cast<uint64_t>(raw))
                                    : static_cast<long double>(raw);
  return std::ldexp(r, -frac_bits);
}

}  // namespace

void QuantizationError::add(double x, long double quantized) {
  const long double e = quantized - static_cast<long double>(x);
  ++count;
  sum_error += e;
  sum_error2 += e * e;
  sum_signal2 += static_cast<long double>(x) * x;
  max_abs_error = std::max(max_abs_error, std::fabs(e));
}

long double QuantizationError::sqnr_db() const {
  if (sum_error2 == 0) return std::numeric_limits<long double>::infinity();
  if (sum_signal2 == 0) return -std::numeric_limits<long double>::infinity();
  return 10.0L * std::log10(sum_signal2 / sum_error2);
}

QuantizationError quantization_error(const std::vector<double>& xs, const FxType& t) {
  QuantizationError s;
  s.type = t.str();
  std::vector<int64_t> raw(xs.size());
  CastStats flags;
  cast_array_from_double(xs.data(), xs.size(), raw.data(), t, &flags);
  for (size_t i = 0; i < xs.size(); ++i) {
    s.add(xs[i], raw_value(raw[i], t.frac_bits(), !t.is_signed));
  }
  s.overflows = flags.overflows;
  s.ties = flags.ties;
  s.inexact = flags.inexact;
  return s;
}

QuantizationError quantization_error(const std::vector<double>& xs, const KhotType& t) {
  QuantizationError s;
  s.type = t.str();
  const long double max_value =
      std::ldexp(static_cast<long double>(t.max_magnitude()), -t.frac_bits());
  const long double min_value = t.is_signed() ? -max_value : 0.0L;
  for (const double x : xs) {
    const long double q = raw_value(khot_quantize(x, t), t.frac_bits(), !t.is_signed());
    s.add(x, q);
    s.overflows += (x > max_value || x < min_value);
    const long double clamped = std::clamp(static_cast<long double>(x), min_value, max_value);
    s.inexact += (q != clamped);
  }
  return s;
}

}  // namespace fxsim::fx
