// What quantizing a sample of real values to a number format costs: the error of each value
// (quantized - input, in exact long double arithmetic) summed into MSE, mean, maximum and SQNR,
// and how many values overflowed, hit a rounding tie or changed at all. `fxsim quantize --stats`
// prints these; docs/user_guide.md defines every column.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fx/fx_type.hpp"
#include "fx/khot.hpp"

namespace fxsim::fx {

struct QuantizationError {
  std::string type;  // the format, as its type string
  std::uint64_t count = 0;
  long double sum_error = 0;    // sum of (quantized - input)
  long double sum_error2 = 0;   // sum of (quantized - input)^2
  long double sum_signal2 = 0;  // sum of input^2
  long double max_abs_error = 0;
  std::uint64_t overflows = 0;
  std::optional<std::uint64_t> ties;  // not defined for K-hot types
  std::uint64_t inexact = 0;

  void add(double x, long double quantized);
  long double mse() const { return count ? sum_error2 / count : 0; }
  long double mean_error() const { return count ? sum_error / count : 0; }
  // 10 log10(signal power / error power): +inf without error, -inf without signal.
  long double sqnr_db() const;
};

// Fixed point: every value through fx::cast_array_from_double with t's modes; the overflow, tie
// and inexact counts are the cast's own.
QuantizationError quantization_error(const std::vector<double>& xs, const FxType& t);

// K-hot / SPT (fx::khot_quantize): an overflow is an input outside [min, max] of the type (it is
// clamped); inexact counts values whose quantized value differs from the input clamped to
// [min, max]; ties are not reported.
QuantizationError quantization_error(const std::vector<double>& xs, const KhotType& t);

}  // namespace fxsim::fx
