// Binary and ternary formats ("bipolar": values on {-1, +1} or {-1, 0, +1}, times one scale):
//   binary       v in {-1, +1}          value = v x scale   (BinaryConnect, XNOR-Net)
//   ternary      v in {-1, 0, +1}       value = v x scale   (ternary weight networks)
// The type strings `binary`, `binary<S>`, `ternary`, `ternary<S>` (S > 0 a finite decimal, the
// scale; 1 when omitted) are parsed by parse_bipolar_type, declared here and defined in
// fx/type_parser.cpp beside the other format strings: they are not a NumType, parse_type refuses
// them and says so.
//
// The quantizers (docs/fixed_point.md, "Binary and ternary formats"):
//   binarize(x)       +1 for x >= 0, else -1   (sign, with sign(0) = +1: hardware's sign bit)
//   binary scale      mean |w| over the tensor (XNOR-Net's alpha, the L2-optimal scale for
//                     v = sign(w))
//   ternary delta     0.7 x mean |w|           (Li & Liu's TWN threshold rule)
//   ternarize(x)      +1 for x > delta, -1 for x < -delta, else 0
//   ternary scale     mean |w| over the weights with |w| > delta (TWN's alpha; 1 when none is)
// The codes the hardware stores (rtl/xnor_pe.sv): binary 1 bit, 1 = +1, 0 = -1; ternary 2 bits
// {nonzero, negative}: 0b10 = +1, 0b11 = -1, 0b00 = 0 (0b01 reads as 0 too).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fxsim::fx {

enum class Bipolar { BINARY, TERNARY };

struct BipolarType {
  Bipolar kind = Bipolar::BINARY;
  double scale = 1.0;  // the value of v = +1: finite, > 0

  // Throws FxTypeError naming the field ("binary<S>: scale S = -1: expected a finite S > 0").
  void validate() const;
  static BipolarType binary(double scale = 1.0);   // validated
  static BipolarType ternary(double scale = 1.0);  // validated

  bool is_ternary() const { return kind == Bipolar::TERNARY; }
  int code_bits() const { return is_ternary() ? 2 : 1; }
  // Whether scale = 2^e for an integer e (then an integer accumulator of v's is a fixed-point
  // value with -e more fraction bits, and no multiplier is needed); scale_exponent() is e.
  bool scale_is_power_of_two() const;
  int scale_exponent() const;  // throws FxTypeError unless scale_is_power_of_two()
  double value(int v) const { return v * scale; }
  // "binary", "ternary" for scale 1, else "binary<S>" with S the shortest decimal that reads
  // back to the same double (parse_bipolar_type(str()) == *this).
  std::string str() const;

  friend bool operator==(const BipolarType& a, const BipolarType& b) {
    return a.kind == b.kind && a.scale == b.scale;
  }
  friend bool operator!=(const BipolarType& a, const BipolarType& b) { return !(a == b); }
};

// "binary", "binary<0.25>", "ternary", "ternary<0.0625>"; anything else throws TypeParseError
// (fx/type_parser.hpp) with the character position.
BipolarType parse_bipolar_type(std::string_view text);

// The quantizers above, on one value or one tensor (n values at w).
int binarize(double x);
int ternarize(double x, double delta);
double binary_scale(const double* w, std::size_t n);                 // mean |w| (0 if n = 0)
double ternary_delta(const double* w, std::size_t n);                // 0.7 x mean |w|
double ternary_scale(const double* w, std::size_t n, double delta);  // 1 when no |w| > delta

// A quantized tensor: its type (with the scale) and v per element.
struct BipolarTensor {
  BipolarType type;
  std::vector<std::int8_t> v;
};
// kind BINARY: v = binarize(w), scale = binary_scale (or 1 with unit_scale);
// kind TERNARY: delta = ternary_delta, v = ternarize(w, delta), scale = ternary_scale (or 1).
// A zero scale (an all-zero tensor) becomes 1.
BipolarTensor quantize_bipolar(Bipolar kind, const std::vector<double>& w, bool unit_scale = false);

// The hardware code of v (binary: 1 / 0; ternary: 0b10 / 0b11 / 0b00) and back. Throws
// std::invalid_argument for a v the kind has not (0 for binary) or a code wider than code_bits.
std::uint64_t bipolar_code(Bipolar kind, int v);
int bipolar_value(Bipolar kind, std::uint64_t code);

std::string_view to_string(Bipolar kind);  // "binary" / "ternary"

}  // namespace fxsim::fx
