#include "fx/fx_type.hpp"

#include <cmath>
#include <string>

namespace fxsim::fx {

std::string_view to_string(Rounding q) {
  switch (q) {
    case Rounding::RND:
      return "RND";
    case Rounding::RND_ZERO:
      return "RND_ZERO";
    case Rounding::RND_MIN_INF:
      return "RND_MIN_INF";
    case Rounding::RND_INF:
      return "RND_INF";
    case Rounding::RND_CONV:
      return "RND_CONV";
    case Rounding::TRN:
      return "TRN";
    case Rounding::TRN_ZERO:
      return "TRN_ZERO";
    case Rounding::RND_STOCH:
      return "RND_STOCH";
  }
  return "?";
}

std::string_view to_string(Overflow o) {
  switch (o) {
    case Overflow::SAT:
      return "SAT";
    case Overflow::SAT_ZERO:
      return "SAT_ZERO";
    case Overflow::SAT_SYM:
      return "SAT_SYM";
    case Overflow::WRAP:
      return "WRAP";
    case Overflow::WRAP_SM:
      return "WRAP_SM";
  }
  return "?";
}

Semantics semantics_of(Spelling s) {
  return (s == Spelling::AP_FIXED || s == Spelling::AP_INT) ? Semantics::AP_FIXED
                                                            : Semantics::SYSTEMC;
}

Spelling fixed_spelling(Spelling s) {
  switch (s) {
    case Spelling::AP_INT:
      return Spelling::AP_FIXED;
    case Spelling::SC_INT:
      return Spelling::SC_FIXED;
    default:
      return s;
  }
}

std::string_view to_string(Semantics s) {
  return s == Semantics::AP_FIXED ? "ap_fixed" : "SystemC";
}

void FxType::validate() const {
  if (width < 1 || width > 64) {
    throw FxTypeError("word length W = " + std::to_string(width) + ": expected 1..64");
  }
  if (sat_bits < 0) {
    throw FxTypeError("saturation bits N = " + std::to_string(sat_bits) + ": expected N >= 0");
  }
  // Keep 2^-F and the exponent arithmetic of the casts well inside int range.
  if (int_bits < -1000 || int_bits > 1000) {
    throw FxTypeError("integer bits I = " + std::to_string(int_bits) + ": expected -1000..1000");
  }
  if (!is_signed && overflow == Overflow::WRAP_SM) {
    // SystemC raises SC_ID_WRAP_SM_NOT_DEFINED for sc_ufix; refuse it up front.
    throw FxTypeError(
        "overflow mode WRAP_SM is defined for signed types only (use fixed<...>, sc_fixed<...> "
        "or ap_fixed<...>)");
  }
}

FxType FxType::make_signed(int w, int i, Rounding q, Overflow o, int n) {
  FxType t{true, w, i, q, o, n};
  t.validate();
  return t;
}

FxType FxType::make_unsigned(int w, int i, Rounding q, Overflow o, int n) {
  FxType t{false, w, i, q, o, n};
  t.validate();
  return t;
}

FxType FxType::make(bool is_signed, int w, int i, Rounding q, Overflow o, int n) {
  FxType t{is_signed, w, i, q, o, n};
  t.validate();
  return t;
}

int64_t FxType::raw_min() const {
  if (!is_signed) return 0;
  return width == 64 ? INT64_MIN : -(int64_t{1} << (width - 1));
}

int64_t FxType::raw_max() const {
  if (is_signed) return width == 64 ? INT64_MAX : (int64_t{1} << (width - 1)) - 1;
  return width == 64 ? int64_t{-1} : static_cast<int64_t>((uint64_t{1} << width) - 1);
}

double FxType::lsb() const { return std::ldexp(1.0, -frac_bits()); }

double FxType::min_value() const {
  return std::ldexp(static_cast<double>(raw_min()), -frac_bits());
}

double FxType::max_value() const {
  const double raw =
      (!is_signed && width == 64) ? 18446744073709551615.0 : static_cast<double>(raw_max());
  return std::ldexp(raw, -frac_bits());
}

FxType FxType::spelled(Spelling s) const {
  FxType t = *this;
  t.spelling = s;
  return t;
}

FxType FxType::with_semantics(Semantics s) const {
  if (semantics() == s) return *this;
  return spelled(s == Semantics::AP_FIXED ? Spelling::AP_FIXED : Spelling::FIXED);
}

std::string FxType::str() const {
  const bool integer =
      int_bits == width && rounding == Rounding::TRN && overflow == Overflow::WRAP && sat_bits == 0;
  Spelling sp = spelling;
  if (!integer) sp = fixed_spelling(sp);
  const char* u = is_signed ? "" : "u";
  std::string prefix;  // of the mode names
  std::string s;
  switch (sp) {
    case Spelling::AP_INT:
      return std::string("ap_") + u + "int<" + std::to_string(width) + ">";
    case Spelling::SC_INT:
      return std::string("sc_") + u + "int<" + std::to_string(width) + ">";
    case Spelling::FIXED:
      s = std::string(u) + "fixed<";
      break;
    case Spelling::SC_FIXED:
      s = std::string("sc_") + u + "fixed<";
      prefix = "SC_";
      break;
    case Spelling::AP_FIXED:
      s = std::string("ap_") + u + "fixed<";
      prefix = "AP_";
      break;
  }
  s += std::to_string(width) + "," + std::to_string(int_bits) + ",";
  // RND_STOCH has no SC_/AP_ name (neither library has the mode): always printed bare.
  const std::string q_prefix = is_stochastic(rounding) ? std::string() : prefix;
  s += q_prefix + std::string(to_string(rounding)) + "," + prefix +
       std::string(to_string(overflow)) + ",";
  s += std::to_string(sat_bits) + ">";
  return s;
}

}  // namespace fxsim::fx
