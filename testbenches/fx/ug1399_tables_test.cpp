// The worked examples of the AMD/Xilinx UG1399 (Vitis HLS) ap_fixed
// quantization and overflow mode tables, with every expected value worked out
// by hand from the mode definitions (the working is in the comment of each
// row). Each row is asserted against fx and, as a check of the hand working,
// against SystemC sc_fix / sc_ufix.
//
// The rows use the SystemC spellings (fixed<...>, ufixed<...>), whose answers
// SystemC checks. Where ap_fixed gives a different answer (WRAP_SM when a
// rounding carry crosses the top bit; unsigned WRAP with N > 0 on a negative
// source) the comment gives ap_fixed's, which the ap_fixed spellings produce
// (asserted in ap_fixed_test.cpp, ApFixedCorners).
#include <gtest/gtest.h>

#include <string>

#include "fx/cast.hpp"
#include "fx/fx_type.hpp"
#include "sc_oracle.hpp"

namespace fx = fxsim::fx;

namespace {

using fx::FxType;
using fx::Overflow;
using fx::Rounding;

struct Row {
  FxType type;
  double input;
  int64_t want_raw;
  int line;
};

void check_rows(const std::vector<Row>& rows) {
  for (const Row& r : rows) {
    const int64_t got = fx::cast_from_double(r.input, r.type);
    EXPECT_EQ(got, r.want_raw) << "fx: " << r.type.str() << " = " << r.input << " (row at line "
                               << r.line << ")";
    const int64_t sc = fxtest::sc_cast(r.input, r.type);
    EXPECT_EQ(sc, r.want_raw) << "SystemC disagrees with the hand working: " << r.type.str()
                              << " = " << r.input << " (row at line " << r.line << ")";
  }
}

FxType fixed(int w, int i, Rounding q, Overflow o, int n = 0) {
  return FxType::make_signed(w, i, q, o, n);
}
FxType ufixed(int w, int i, Rounding q, Overflow o, int n = 0) {
  return FxType::make_unsigned(w, i, q, o, n);
}

// ---------------------------------------------------------------------------
// Quantization modes: ap_fixed<3,2,Q,AP_SAT>. W=3, I=2, F=1: LSB 0.5, raw range
// [-4, 3] = [-2.0, 1.5]. "x LSB" below is input * 2. "(UG1399: v)" marks a
// result that the guide itself prints for that example.

TEST(Ug1399Quantization, AP_RND) {
  const FxType t = fixed(3, 2, Rounding::RND, Overflow::SAT);
  check_rows({
      {t, 1.25, 3, __LINE__},    // 2.5 LSB, tie -> +inf: 3 = 1.5      (UG1399: 1.5)
      {t, -1.25, -2, __LINE__},  // -2.5 LSB, tie -> +inf: -2 = -1.0   (UG1399: -1.0)
      {t, 1.5, 3, __LINE__},     // 3 LSB exactly
      {t, -1.5, -3, __LINE__},   // -3 LSB exactly
      {t, 0.75, 2, __LINE__},    // 1.5 LSB, tie -> 2
      {t, -0.75, -1, __LINE__},  // -1.5 LSB, tie -> -1
      {t, 1.1, 2, __LINE__},     // 2.2 LSB, nearest 2
      {t, -1.1, -2, __LINE__},   // -2.2 LSB, nearest -2
      {t, 0.25, 1, __LINE__},    // 0.5 LSB, tie -> 1
      {t, -0.25, 0, __LINE__},   // -0.5 LSB, tie -> 0
      {t, 1.75, 3, __LINE__},    // 3.5 LSB, tie -> 4 > 3: overflow, SAT -> 3
  });
}

TEST(Ug1399Quantization, AP_RND_ZERO) {
  const FxType t = fixed(3, 2, Rounding::RND_ZERO, Overflow::SAT);
  check_rows({
      {t, 1.25, 2, __LINE__},    // 2.5 LSB, tie -> toward 0: 2 = 1.0    (UG1399: 1.0)
      {t, -1.25, -2, __LINE__},  // -2.5 LSB, tie -> toward 0: -2 = -1.0 (UG1399: -1.0)
      {t, 1.5, 3, __LINE__},     // exact
      {t, -1.5, -3, __LINE__},   // exact
      {t, 0.75, 1, __LINE__},    // 1.5 -> 1
      {t, -0.75, -1, __LINE__},  // -1.5 -> -1
      {t, 1.1, 2, __LINE__},     // 2.2 -> nearest 2
      {t, -1.1, -2, __LINE__},   // -2.2 -> nearest -2
      {t, 0.25, 0, __LINE__},    // 0.5 -> 0
      {t, -0.25, 0, __LINE__},   // -0.5 -> 0
      {t, 1.75, 3, __LINE__},    // 3.5 -> 3, no overflow
  });
}

TEST(Ug1399Quantization, AP_RND_MIN_INF) {
  const FxType t = fixed(3, 2, Rounding::RND_MIN_INF, Overflow::SAT);
  check_rows({
      {t, 1.25, 2, __LINE__},    // 2.5 LSB, tie -> -inf: 2 = 1.0     (UG1399: 1.0)
      {t, -1.25, -3, __LINE__},  // -2.5 LSB, tie -> -inf: -3 = -1.5  (UG1399: -1.5)
      {t, 1.5, 3, __LINE__},     // exact
      {t, -1.5, -3, __LINE__},   // exact
      {t, 0.75, 1, __LINE__},    // 1.5 -> 1
      {t, -0.75, -2, __LINE__},  // -1.5 -> -2
      {t, 1.1, 2, __LINE__},     // 2.2 -> 2
      {t, -1.1, -2, __LINE__},   // -2.2 -> -2 (nearest; not a tie)
      {t, 0.25, 0, __LINE__},    // 0.5 -> 0
      {t, -0.25, -1, __LINE__},  // -0.5 -> -1
      {t, 1.75, 3, __LINE__},    // 3.5 -> 3
  });
}

TEST(Ug1399Quantization, AP_RND_INF) {
  const FxType t = fixed(3, 2, Rounding::RND_INF, Overflow::SAT);
  check_rows({
      {t, 1.25, 3, __LINE__},    // 2.5 LSB, tie -> away from 0: 3 = 1.5    (UG1399: 1.5)
      {t, -1.25, -3, __LINE__},  // -2.5 LSB, tie -> away from 0: -3 = -1.5 (UG1399: -1.5)
      {t, 1.5, 3, __LINE__},     // exact
      {t, -1.5, -3, __LINE__},   // exact
      {t, 0.75, 2, __LINE__},    // 1.5 -> 2
      {t, -0.75, -2, __LINE__},  // -1.5 -> -2
      {t, 1.1, 2, __LINE__},     // 2.2 -> 2
      {t, -1.1, -2, __LINE__},   // -2.2 -> -2
      {t, 0.25, 1, __LINE__},    // 0.5 -> 1
      {t, -0.25, -1, __LINE__},  // -0.5 -> -1
      {t, 1.75, 3, __LINE__},    // 3.5 -> 4 > 3: overflow, SAT -> 3
      {t, -1.75, -4, __LINE__},  // -3.5 -> -4 = min, in range
  });
}

TEST(Ug1399Quantization, AP_RND_CONV) {
  const FxType t = fixed(3, 2, Rounding::RND_CONV, Overflow::SAT);
  check_rows({
      {t, 1.25, 2, __LINE__},    // 2.5 LSB, tie -> even: 2 = 1.0
      {t, -1.25, -2, __LINE__},  // -2.5 LSB, tie -> even: -2 = -1.0
      {t, 1.5, 3, __LINE__},     // exact
      {t, -1.5, -3, __LINE__},   // exact
      {t, 0.75, 2, __LINE__},    // 1.5 -> even 2 = 1.0
      {t, -0.75, -2, __LINE__},  // -1.5 -> even -2 = -1.0
      {t, 1.1, 2, __LINE__},     // 2.2 -> 2
      {t, -1.1, -2, __LINE__},   // -2.2 -> -2
      {t, 0.25, 0, __LINE__},    // 0.5 -> even 0
      {t, -0.25, 0, __LINE__},   // -0.5 -> even 0
      {t, 1.75, 3, __LINE__},    // 3.5 -> even 4 > 3: overflow, SAT -> 3
      {t, -1.75, -4, __LINE__},  // -3.5 -> even -4 = min
  });
}

TEST(Ug1399Quantization, AP_TRN) {
  const FxType t = fixed(3, 2, Rounding::TRN, Overflow::SAT);
  check_rows({
      {t, 1.25, 2, __LINE__},    // floor(2.5) = 2 = 1.0
      {t, -1.25, -3, __LINE__},  // floor(-2.5) = -3 = -1.5
      {t, 1.5, 3, __LINE__},     // exact
      {t, -1.5, -3, __LINE__},   // exact
      {t, 0.75, 1, __LINE__},    // floor(1.5) = 1
      {t, -0.75, -2, __LINE__},  // floor(-1.5) = -2
      {t, 1.1, 2, __LINE__},     // floor(2.2) = 2
      {t, -1.1, -3, __LINE__},   // floor(-2.2) = -3
      {t, 0.25, 0, __LINE__},    // floor(0.5) = 0
      {t, -0.25, -1, __LINE__},  // floor(-0.5) = -1
      {t, 1.75, 3, __LINE__},    // floor(3.5) = 3
  });
}

TEST(Ug1399Quantization, AP_TRN_ZERO) {
  const FxType t = fixed(3, 2, Rounding::TRN_ZERO, Overflow::SAT);
  check_rows({
      {t, 1.25, 2, __LINE__},    // trunc(2.5) = 2 = 1.0
      {t, -1.25, -2, __LINE__},  // trunc(-2.5) = -2 = -1.0
      {t, 1.5, 3, __LINE__},     // exact
      {t, -1.5, -3, __LINE__},   // exact
      {t, 0.75, 1, __LINE__},    // trunc(1.5) = 1
      {t, -0.75, -1, __LINE__},  // trunc(-1.5) = -1
      {t, 1.1, 2, __LINE__},     // trunc(2.2) = 2
      {t, -1.1, -2, __LINE__},   // trunc(-2.2) = -2
      {t, 0.25, 0, __LINE__},    // trunc(0.5) = 0
      {t, -0.25, 0, __LINE__},   // trunc(-0.5) = 0
      {t, 1.75, 3, __LINE__},    // trunc(3.5) = 3
  });
}

// ---------------------------------------------------------------------------
// Overflow modes: ap_fixed<4,4,AP_RND,O> (raw = value, range [-8, 7]) and
// ap_ufixed<4,4,AP_RND,O> (range [0, 15]). Inputs are integers, so AP_RND
// changes nothing. Binary: 19 = 0b010011, -19 = ...1101101 (two's complement),
// 31 = 0b011111. Bits are numbered from 0 = LSB; W = 4 keeps bits 3..0.

TEST(Ug1399Overflow, AP_SAT) {
  check_rows({
      {fixed(4, 4, Rounding::RND, Overflow::SAT), 19, 7, __LINE__},    // max   (UG1399: 7)
      {fixed(4, 4, Rounding::RND, Overflow::SAT), -19, -8, __LINE__},  // min   (UG1399: -8)
      {ufixed(4, 4, Rounding::RND, Overflow::SAT), 19, 15, __LINE__},  // max   (UG1399: 15)
      {ufixed(4, 4, Rounding::RND, Overflow::SAT), -19, 0, __LINE__},  // min 0 (UG1399: 0)
      {fixed(4, 4, Rounding::RND, Overflow::SAT), -8, -8, __LINE__},   // in range
      {fixed(4, 4, Rounding::RND, Overflow::SAT), 7.5, 7, __LINE__},   // 7.5 -> 8 (RND) > 7 -> 7
      {fixed(4, 4, Rounding::RND, Overflow::SAT), -8.5, -8,
       __LINE__},  // -8.5 -> -8 (RND), in range
  });
}

TEST(Ug1399Overflow, AP_SAT_ZERO) {
  check_rows({
      {fixed(4, 4, Rounding::RND, Overflow::SAT_ZERO), 19, 0, __LINE__},     // (UG1399: 0)
      {fixed(4, 4, Rounding::RND, Overflow::SAT_ZERO), -19, 0, __LINE__},    // (UG1399: 0)
      {ufixed(4, 4, Rounding::RND, Overflow::SAT_ZERO), 19, 0, __LINE__},    // (UG1399: 0)
      {ufixed(4, 4, Rounding::RND, Overflow::SAT_ZERO), -19, 0, __LINE__},   // (UG1399: 0)
      {fixed(4, 4, Rounding::RND, Overflow::SAT_ZERO), 7, 7, __LINE__},      // in range
      {fixed(4, 4, Rounding::RND, Overflow::SAT_ZERO), 7.5, 0, __LINE__},    // -> 8 overflows -> 0
      {ufixed(4, 4, Rounding::RND, Overflow::SAT_ZERO), -0.5, 0, __LINE__},  // -> 0 (RND), in range
      {ufixed(4, 4, Rounding::TRN, Overflow::SAT_ZERO), 15.75, 15, __LINE__},  // floor 15
  });
}

TEST(Ug1399Overflow, AP_SAT_SYM) {
  check_rows({
      {fixed(4, 4, Rounding::RND, Overflow::SAT_SYM), 19, 7, __LINE__},    // max   (UG1399: 7)
      {fixed(4, 4, Rounding::RND, Overflow::SAT_SYM), -19, -7, __LINE__},  // -max  (UG1399: -7)
      {ufixed(4, 4, Rounding::RND, Overflow::SAT_SYM), 19, 15, __LINE__},  // max   (UG1399: 15)
      {ufixed(4, 4, Rounding::RND, Overflow::SAT_SYM), -19, 0, __LINE__},  // 0     (UG1399: 0)
      // -8 fits the word but SAT_SYM's range is [-7, 7]: -8 -> -7.
      {fixed(4, 4, Rounding::RND, Overflow::SAT_SYM), -8, -7, __LINE__},
      {fixed(4, 4, Rounding::RND, Overflow::SAT_SYM), -7, -7, __LINE__},
  });
}

TEST(Ug1399Overflow, AP_WRAP) {
  check_rows({
      // N = 0: keep bits 3..0.
      {fixed(4, 4, Rounding::RND, Overflow::WRAP), 31, -1, __LINE__},    // 1111 = -1 (UG1399: -1)
      {fixed(4, 4, Rounding::RND, Overflow::WRAP), -19, -3, __LINE__},   // 1101 = -3 (UG1399: -3)
      {ufixed(4, 4, Rounding::RND, Overflow::WRAP), 19, 3, __LINE__},    // 0011 = 3  (UG1399: 3)
      {ufixed(4, 4, Rounding::RND, Overflow::WRAP), -19, 13, __LINE__},  // 1101 = 13 (UG1399: 13)
      {fixed(4, 4, Rounding::RND, Overflow::WRAP), 19, 3, __LINE__},     // 0011 = 3
      // Signed, N > 0, on overflow: bit 3 := sign of the original value,
      // bits 2..(4-N) := NOT sign, the rest keep the original bits.
      // N = 1: 19 -> 0|011 = 3; -19 -> 1|101 = -3; 31 -> 0|111 = 7.
      {fixed(4, 4, Rounding::RND, Overflow::WRAP, 1), 19, 3, __LINE__},
      {fixed(4, 4, Rounding::RND, Overflow::WRAP, 1), -19, -3, __LINE__},
      {fixed(4, 4, Rounding::RND, Overflow::WRAP, 1), 31, 7, __LINE__},
      // N = 2: 19 -> 0 1|11 = 7; -19 -> 1 0|01 = -7.
      {fixed(4, 4, Rounding::RND, Overflow::WRAP, 2), 19, 7, __LINE__},
      {fixed(4, 4, Rounding::RND, Overflow::WRAP, 2), -19, -7, __LINE__},
      // N = 3: 19 -> 0 11|1 = 7; -19 -> 1 00|1 = -7.
      {fixed(4, 4, Rounding::RND, Overflow::WRAP, 3), 19, 7, __LINE__},
      {fixed(4, 4, Rounding::RND, Overflow::WRAP, 3), -19, -7, __LINE__},
      // N = 4 = W: all bits saturate, as SAT: 0111 = 7, 1000 = -8.
      {fixed(4, 4, Rounding::RND, Overflow::WRAP, 4), 19, 7, __LINE__},
      {fixed(4, 4, Rounding::RND, Overflow::WRAP, 4), -19, -8, __LINE__},
      {fixed(4, 4, Rounding::RND, Overflow::WRAP, 9), -19, -8, __LINE__},  // N > W: as N = W
      // No overflow: N changes nothing. -5 = 1011.
      {fixed(4, 4, Rounding::RND, Overflow::WRAP, 2), -5, -5, __LINE__},
      {fixed(4, 4, Rounding::RND, Overflow::WRAP, 2), 5, 5, __LINE__},
      // Unsigned, N > 0, positive overflow: bits 3..(4-N) := 1.
      // N = 1: 19 -> 1|011 = 11; N = 2: 11|11 = 15.
      {ufixed(4, 4, Rounding::RND, Overflow::WRAP, 1), 19, 11, __LINE__},
      {ufixed(4, 4, Rounding::RND, Overflow::WRAP, 2), 19, 15, __LINE__},
      // Unsigned, N > 0, negative source: SystemC saturates the top N bits to
      // 0 (toward the minimum): -19 = ...101101 -> N = 1: 0|101 = 5;
      // N = 2: 00|01 = 1; N = 4: 0.
      // ap_fixed sets the top N bits to 1 for any overflow: N = 1: 1|101 = 13,
      // N = 2: 11|01 = 13, N = 4: 15.
      {ufixed(4, 4, Rounding::RND, Overflow::WRAP, 1), -19, 5, __LINE__},
      {ufixed(4, 4, Rounding::RND, Overflow::WRAP, 2), -19, 1, __LINE__},
      {ufixed(4, 4, Rounding::RND, Overflow::WRAP, 4), -19, 0, __LINE__},
      // -3 = ...11101: N = 1: 0|101 = 5 (ap_fixed: 1|101 = 13).
      {ufixed(4, 4, Rounding::RND, Overflow::WRAP, 1), -3, 5, __LINE__},
  });
}

TEST(Ug1399Overflow, AP_WRAP_SM) {
  check_rows({
      // N = 0: the new sign bit (bit 3) := the least significant deleted bit
      // (bit 4); if that differs from the old bit 3, bits 2..0 are inverted.
      // 19 = 010011: bit4 = 1, bit3 = 0 -> 1|100 = -4
      {fixed(4, 4, Rounding::RND, Overflow::WRAP_SM), 19, -4, __LINE__},
      // -19 = ...101101: bit4 = 0, bit3 = 1 -> 0|010 = 2
      {fixed(4, 4, Rounding::RND, Overflow::WRAP_SM), -19, 2, __LINE__},
      // 31 = 011111: bit4 = 1 = bit3 -> 1|111 = -1
      {fixed(4, 4, Rounding::RND, Overflow::WRAP_SM), 31, -1, __LINE__},
      // 8 = 01000: bit4 = 0, bit3 = 1 -> 0|111 = 7
      {fixed(4, 4, Rounding::RND, Overflow::WRAP_SM), 8, 7, __LINE__},
      // -9 = ...110111: bit4 = 1, bit3 = 0 -> 1|000 = -8
      {fixed(4, 4, Rounding::RND, Overflow::WRAP_SM), -9, -8, __LINE__},
      // No overflow: unchanged.
      {fixed(4, 4, Rounding::RND, Overflow::WRAP_SM), -3, -3, __LINE__},
      // N > 0: bit 3 := sign of the original, bits 2..(4-N) := NOT sign; bits
      // (3-N)..0 are inverted if bit (4-N) changed by that saturation.
      // N = 1: 19: bit3 0 -> 0 unchanged -> 0|011 = 3; -19: 1 -> 1 -> 1|101 = -3.
      {fixed(4, 4, Rounding::RND, Overflow::WRAP_SM, 1), 19, 3, __LINE__},
      {fixed(4, 4, Rounding::RND, Overflow::WRAP_SM, 1), -19, -3, __LINE__},
      // N = 2: 19: bit2 0 -> 1 changed, invert 11 -> 0 1|00 = 4;
      //       -19: bit2 1 -> 0 changed, invert 01 -> 1 0|10 = -6.
      {fixed(4, 4, Rounding::RND, Overflow::WRAP_SM, 2), 19, 4, __LINE__},
      {fixed(4, 4, Rounding::RND, Overflow::WRAP_SM, 2), -19, -6, __LINE__},
      // N = 3: 19: bit1 1 -> 1 unchanged -> 0 11|1 = 7; -19: bit1 0 -> 0 -> 1 00|1 = -7.
      {fixed(4, 4, Rounding::RND, Overflow::WRAP_SM, 3), 19, 7, __LINE__},
      {fixed(4, 4, Rounding::RND, Overflow::WRAP_SM, 3), -19, -7, __LINE__},
      // N = 4: as SAT: 7, -8.
      {fixed(4, 4, Rounding::RND, Overflow::WRAP_SM, 4), 19, 7, __LINE__},
      {fixed(4, 4, Rounding::RND, Overflow::WRAP_SM, 4), -19, -8, __LINE__},
      // Rounding first: 7.5 -> 8 (RND) = 01000 -> as 8 above: 7. ap_fixed: 7 too.
      {fixed(4, 4, Rounding::RND, Overflow::WRAP_SM), 7.5, 7, __LINE__},
      // A rounding carry that crosses into the deleted bits:
      // 15.5 -> 16 (RND) = 010000: bit4 = 1, bit3 = 0 -> 1|111 = -1.
      // ap_fixed takes the deleted bit from the value before rounding
      // (15.5 = 01111.1, bit4 = 0) and gives 0|000 = 0.
      {fixed(4, 4, Rounding::RND, Overflow::WRAP_SM), 15.5, -1, __LINE__},
      // -16.5 -> -16 (RND, ties to +inf) = ...110000: bit4 = 1, bit3 = 0 -> 1|111 = -1.
      // ap_fixed: bit4 of -16.5 (...1101111.1) is 0 -> 0.
      {fixed(4, 4, Rounding::RND, Overflow::WRAP_SM), -16.5, -1, __LINE__},
      // 15.5 -> 16 with N = 1: bit3 := sign 0 (unchanged from 0) -> 0|000 = 0.
      {fixed(4, 4, Rounding::RND, Overflow::WRAP_SM, 1), 15.5, 0, __LINE__},
  });
}

// ---------------------------------------------------------------------------
// The examples of UG1399's type description.

TEST(Ug1399Examples, TypeDescription) {
  check_rows({
      // ap_fixed<2,0> a = -0.5: F = 2, raw -2 (the minimum).
      {fixed(2, 0, Rounding::TRN, Overflow::WRAP), -0.5, -2, __LINE__},
      // ap_ufixed<1,0> x = 0.5: F = 1, raw 1.
      {ufixed(1, 0, Rounding::TRN, Overflow::WRAP), 0.5, 1, __LINE__},
      // ap_ufixed<1,-1> y = 0.25: F = 2, raw 1.
      {ufixed(1, -1, Rounding::TRN, Overflow::WRAP), 0.25, 1, __LINE__},
      // ap_fixed<1,-7> z = 1.0/256: F = 8, 2^-8 is raw 1, but a signed 1-bit
      // word holds only {-1, 0}: WRAP keeps bit 0 = 1, i.e. raw -1 = -2^-8.
      {fixed(1, -7, Rounding::TRN, Overflow::WRAP), 1.0 / 256, -1, __LINE__},
      // ap_fixed<18,6,AP_RND> t1 = 1.5: F = 12, 1.5 * 4096 = 6144 = 0x01800.
      {fixed(18, 6, Rounding::RND, Overflow::WRAP), 1.5, 6144, __LINE__},
      // t2 = -1.5: -6144, the 18-bit pattern 2^18 - 6144 = 0x3e800.
      {fixed(18, 6, Rounding::RND, Overflow::WRAP), -1.5, -6144, __LINE__},
  });
}

}  // namespace
