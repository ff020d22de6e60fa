// The one parser for number-format strings used everywhere (CLI, TOML configs,
// model files):
//   fixed<W,I[,Q[,O[,N]]]>  ufixed<W,I[,Q[,O[,N]]]>          SystemC semantics
//   sc_fixed<W,I[,SC_Q[,SC_O[,N]]]>  sc_ufixed<...>          SystemC semantics
//   sc_int<W>  sc_uint<W>                                    SystemC semantics
//   ap_fixed<W,I[,AP_Q[,AP_O[,N]]]>  ap_ufixed<...>          Xilinx ap_fixed semantics
//   ap_int<W>  ap_uint<W>                                    Xilinx ap_fixed semantics
//   khot<W,I,K>  ukhot<W,I,K>  spt<W,I,K>
//   int<W>  uint<W>       affine integers (fx/affine.hpp), W in 2..32: parse_affine_int only
//                         (they carry a scale and zero point, not a binary point, so they are
//                         not a NumType; parse_type refuses them and says so)
//   binary[<S>]  ternary[<S>]   binary / ternary formats (fx/bipolar.hpp), S > 0 the scale:
//                         parse_bipolar_type only (defined in type_parser.cpp, the one home of
//                         format strings); parse_type refuses them and says so
// Q and O accept the bare names (RND_CONV) and the prefixed ones: AP_ or SC_ in
// fixed<...>, AP_ in ap_fixed<...>, SC_ in sc_fixed<...>. The integer spellings
// are I = W, TRN, WRAP, N = 0. Defaults: Q = TRN, O = WRAP, N = 0. Whitespace
// around tokens is allowed. The FxType remembers the spelling (FxType::str()
// prints it back), which selects its semantics (docs/fixed_point.md).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

#include "fx/affine.hpp"
#include "fx/fx_type.hpp"
#include "fx/khot.hpp"

namespace fxsim::fx {

using NumType = std::variant<FxType, KhotType>;

// A parse error: `position()` is the 0-based character offset where the
// problem was found; what() reads like
//   "type 'fixed<8,x>': at character 9: expected an integer (I), found 'x'".
class TypeParseError : public std::invalid_argument {
 public:
  TypeParseError(const std::string& message, size_t position)
      : std::invalid_argument(message), position_(position) {}
  size_t position() const { return position_; }

 private:
  size_t position_;
};

NumType parse_type(std::string_view text);
FxType parse_fx_type(std::string_view text);      // rejects khot/ukhot/spt
KhotType parse_khot_type(std::string_view text);  // rejects fixed types

// "int<8>", "uint<4>" (W in 2..32); any other text throws TypeParseError.
AffineInt parse_affine_int(std::string_view text);

Rounding parse_rounding(
    std::string_view name);  // "RND", "AP_RND", "SC_RND"; throws std::invalid_argument
Overflow parse_overflow(std::string_view name);

std::string type_str(const NumType& t);

}  // namespace fxsim::fx
