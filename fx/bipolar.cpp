#include "fx/bipolar.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <system_error>

#include "fx/fx_type.hpp"

namespace fxsim::fx {

void BipolarType::validate() const {
  if (!std::isfinite(scale) || !(scale > 0)) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, scale);
    throw FxTypeError(std::string(to_string(kind)) + "<S>: scale S = " + std::string(buf, r.ptr) +
                      ": expected a finite S > 0");
  }
}

BipolarType BipolarType::binary(double scale) {
  const BipolarType t{Bipolar::BINARY, scale};
  t.validate();
  return t;
}

BipolarType BipolarType::ternary(double scale) {
  const BipolarType t{Bipolar::TERNARY, scale};
  t.validate();
  return t;
}

bool BipolarType::scale_is_power_of_two() const {
  int e = 0;
  return std::frexp(scale, &e) == 0.5;  // scale = 0.5 x 2^e exactly
}

int BipolarType::scale_exponent() const {
  if (!scale_is_power_of_two()) {
    throw FxTypeError(str() + ": scale " + str().substr(str().find('<') + 1) +
                      " is not a power of two");
  }
  int e = 0;
  std::frexp(scale, &e);
  return e - 1;
}

std::string BipolarType::str() const {
  std::string s(to_string(kind));
  if (scale == 1.0) return s;
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, scale);  // shortest round trip
  return s + "<" + std::string(buf, r.ptr) + ">";
}

int binarize(double x) { return x >= 0 ? 1 : -1; }

int ternarize(double x, double delta) { return x > delta ? 1 : x < -delta ? -1 : 0; }

double binary_scale(const double* w, std::size_t n) {
  if (n == 0) return 0;
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += std::fabs(w[i]);
  return sum / static_cast<double>(n);
}

double ternary_delta(const double* w, std::size_t n) { return 0.7 * binary_scale(w, n); }

double ternary_scale(const double* w, std::size_t n, double delta) {
  double sum = 0;
  std::size_t count = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::fabs(w[i]) > delta) {
      sum += std::fabs(w[i]);
      ++count;
    }
  }
  return count == 0 ? 1.0 : sum / static_cast<double>(count);
}

BipolarTensor quantize_bipolar(Bipolar kind, const std::vector<double>& w, bool unit_scale) {
  BipolarTensor t;
  t.type.kind = kind;
  t.v.reserve(w.size());
  double scale = 1.0;
  if (kind == Bipolar::BINARY) {
    for (double x : w) t.v.push_back(static_cast<std::int8_t>(binarize(x)));
    scale = binary_scale(w.data(), w.size());
  } else {
    const double delta = ternary_delta(w.data(), w.size());
    for (double x : w) t.v.push_back(static_cast<std::int8_t>(ternarize(x, delta)));
    scale = ternary_scale(w.data(), w.size(), delta);
  }
  t.type.scale = unit_scale || !(scale > 0) ? 1.0 : scale;
  t.type.validate();
  return t;
}

std::uint64_t bipolar_code(Bipolar kind, int v) {
  if (kind == Bipolar::BINARY) {
    if (v == 1) return 1;
    if (v == -1) return 0;
  } else {
    if (v == 1) return 0b10;
    if (v == -1) return 0b11;
    if (v == 0) return 0b00;
  }
  throw std::invalid_argument(std::string(to_string(kind)) + " value " + std::to_string(v) +
                              ": expected " +
                              (kind == Bipolar::BINARY ? "-1 or +1" : "-1, 0 or +1"));
}

int bipolar_value(Bipolar kind, std::uint64_t code) {
  const std::uint64_t limit = kind == Bipolar::BINARY ? 2 : 4;
  if (code >= limit) {
    throw std::invalid_argument(std::string(to_string(kind)) + " code " + std::to_string(code) +
                                ": expected " + (kind == Bipolar::BINARY ? "0 or 1" : "0..3"));
  }
  if (kind == Bipolar::BINARY) return code == 1 ? 1 : -1;
  if ((code & 0b10) == 0) return 0;  // 0b00 and 0b01: zero
  return (code & 0b01) ? -1 : 1;
}

std::string_view to_string(Bipolar kind) { return kind == Bipolar::BINARY ? "binary" : "ternary"; }

}  // namespace fxsim::fx
