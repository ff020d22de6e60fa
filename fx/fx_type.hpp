// FxType: a runtime fixed-point format (signedness, word length, integer bits,
// rounding mode, overflow mode, saturation bits) and the spelling it was given
// in, which selects its semantics: SystemC sc_fix/sc_ufix for fixed<...>,
// sc_fixed<...>, sc_int<W>; Xilinx ap_fixed for ap_fixed<...>, ap_int<W> (the
// two differ in a few overflow corners, docs/fixed_point.md). A value of this
// type is stored as its raw integer: the value times 2^(W-I). For signed types
// the raw is the sign-extended two's-complement integer; for unsigned types it
// is the non-negative integer (for W = 64 read the int64_t bit pattern as
// uint64_t).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace fxsim::fx {

// Rounding (quantization) modes, as SystemC SC_* / Xilinx AP_* name them.
enum class Rounding {
  RND,          // round to nearest, ties toward +infinity
  RND_ZERO,     // round to nearest, ties toward zero
  RND_MIN_INF,  // round to nearest, ties toward -infinity
  RND_INF,      // round to nearest, ties away from zero
  RND_CONV,     // round to nearest, ties to even (convergent)
  TRN,          // truncate toward -infinity (floor), the default
  TRN_ZERO,     // truncate toward zero
  // fxsim's own eighth mode, neither SystemC's nor ap_fixed's: round up with probability
  // remainder / LSB, from the bits of a lane's LFSR. Only fx::StochasticCaster
  // (fx/stochastic.hpp) applies it; every deterministic cast refuses it.
  RND_STOCH,
};

// Overflow modes. WRAP and WRAP_SM honour the saturation-bit count N.
enum class Overflow {
  SAT,       // clamp to [min, max]
  SAT_ZERO,  // any overflow gives 0
  SAT_SYM,   // clamp to [-max, max] (signed); as SAT for unsigned
  WRAP,      // keep the low W bits; with N > 0 the top N bits saturate
  WRAP_SM,   // sign-magnitude wrap (signed types only)
};

// Whose rules a cast follows where SystemC and Xilinx ap_fixed give different
// bits (docs/fixed_point.md, "SystemC and ap_fixed semantics"); everywhere else
// the two agree.
enum class Semantics {
  SYSTEMC,   // sc_fix / sc_ufix (IEEE 1666)
  AP_FIXED,  // Xilinx ap_fixed / ap_ufixed (Vitis HLS)
};

// How a type was written; FxType::str() prints it back. The library spellings
// carry that library's semantics; fixed<...> is SystemC's.
enum class Spelling {
  FIXED,     // fixed<W,I,Q,O,N> / ufixed<...>                    SystemC
  SC_FIXED,  // sc_fixed<W,I,SC_Q,SC_O,N> / sc_ufixed<...>        SystemC
  SC_INT,    // sc_int<W> / sc_uint<W>: I = W, TRN, WRAP, N = 0     SystemC
  AP_FIXED,  // ap_fixed<W,I,AP_Q,AP_O,N> / ap_ufixed<...>        ap_fixed
  AP_INT,    // ap_int<W> / ap_uint<W>: I = W, TRN, WRAP, N = 0     ap_fixed
};

Semantics semantics_of(Spelling s);
// The fixed-point spelling of a spelling's library: ap_int -> ap_fixed,
// sc_int -> sc_fixed, the others unchanged (what a derived format prints as).
Spelling fixed_spelling(Spelling s);
// "SystemC" / "ap_fixed".
std::string_view to_string(Semantics s);

// The seven deterministic modes (SystemC's and ap_fixed's): what every deterministic cast
// accepts. RND_STOCH is deliberately not in this list (see is_stochastic).
inline constexpr Rounding kAllRoundings[] = {
    Rounding::RND,      Rounding::RND_ZERO, Rounding::RND_MIN_INF, Rounding::RND_INF,
    Rounding::RND_CONV, Rounding::TRN,      Rounding::TRN_ZERO};
inline constexpr Overflow kAllOverflows[] = {Overflow::SAT, Overflow::SAT_ZERO, Overflow::SAT_SYM,
                                             Overflow::WRAP, Overflow::WRAP_SM};

// Whether a cast with this mode needs random bits (RND_STOCH).
constexpr bool is_stochastic(Rounding q) { return q == Rounding::RND_STOCH; }

// "RND_CONV", "SAT", ... (no SC_/AP_ prefix).
std::string_view to_string(Rounding q);
std::string_view to_string(Overflow o);

// Thrown for a format that cannot exist (W out of 1..64, N < 0, WRAP_SM on an
// unsigned type, ...). The message says which field and what was expected.
class FxTypeError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct FxType {
  bool is_signed = true;
  int width = 8;     // W, 1..64
  int int_bits = 0;  // I, any integer (may be < 0 or > W)
  Rounding rounding = Rounding::TRN;
  Overflow overflow = Overflow::WRAP;
  int sat_bits = 0;                     // N, >= 0; only WRAP and WRAP_SM use it
  Spelling spelling = Spelling::FIXED;  // how str() prints it; selects semantics()

  // Checks every field; throws FxTypeError naming the offending field.
  // Factories below call it, so a constructed FxType is always valid.
  void validate() const;

  static FxType make_signed(int w, int i, Rounding q = Rounding::TRN, Overflow o = Overflow::WRAP,
                            int n = 0);
  static FxType make_unsigned(int w, int i, Rounding q = Rounding::TRN, Overflow o = Overflow::WRAP,
                              int n = 0);
  // Signedness chosen at run time (e.g. from a config or a test grid).
  static FxType make(bool is_signed, int w, int i, Rounding q = Rounding::TRN,
                     Overflow o = Overflow::WRAP, int n = 0);

  Semantics semantics() const { return semantics_of(spelling); }
  bool ap_semantics() const { return semantics() == Semantics::AP_FIXED; }
  // This format with another spelling (and so, maybe, other semantics).
  FxType spelled(Spelling s) const;
  // This format with semantics s: unchanged when it already has them, else
  // spelled ap_fixed<...> (AP_FIXED) or fixed<...> (SYSTEMC).
  FxType with_semantics(Semantics s) const;

  int frac_bits() const { return width - int_bits; }  // F = W - I, may be negative
  int64_t raw_min() const;                            // -2^(W-1) or 0
  int64_t raw_max() const;  // 2^(W-1)-1 or 2^W-1 (for unsigned W=64: -1, i.e. UINT64_MAX)
  double lsb() const;       // 2^-F
  double min_value() const;
  double max_value() const;

  // The type in its own spelling, parseable by parse_type, all five fields:
  // "fixed<8,3,RND_CONV,SAT,0>", "ufixed<...>", "sc_fixed<8,3,SC_RND_CONV,SC_SAT,0>",
  // "ap_ufixed<8,3,AP_RND_CONV,AP_SAT,0>"; "ap_int<8>", "sc_uint<8>" for the integer
  // spellings while the format is still an integer one (I = W, TRN, WRAP, N = 0),
  // else the fixed-point spelling of the same library.
  std::string str() const;

  // Equal formats with equal semantics: fixed<8,3> == sc_fixed<8,3> (both SystemC)
  // and ap_int<8> == ap_fixed<8,8>, but fixed<8,3> != ap_fixed<8,3>.
  friend bool operator==(const FxType& a, const FxType& b) {
    return a.is_signed == b.is_signed && a.width == b.width && a.int_bits == b.int_bits &&
           a.rounding == b.rounding && a.overflow == b.overflow && a.sat_bits == b.sat_bits &&
           a.semantics() == b.semantics();
  }
  friend bool operator!=(const FxType& a, const FxType& b) { return !(a == b); }
};

}  // namespace fxsim::fx
