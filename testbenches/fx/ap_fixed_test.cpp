// ap_fixed semantics: the types spelled ap_fixed / ap_ufixed / ap_int / ap_uint cast as Xilinx
// ap_fixed does, the SystemC spellings (fixed, sc_fixed, sc_int, ...) as SystemC does.
//
//  * The vendor's vectors (testbenches/fx/data/ap_fixed_vectors.csv, produced with Xilinx's
//    open-source ap_fixed headers): every line through fx::cast_from_double, the array casts and
//    the flagged path, raw for raw, zero mismatches; the same types spelled sc_fixed give
//    SystemC's answer (the sc_fix oracle), which differs from the vectors exactly in the two
//    corners docs/fixed_point.md describes.
//  * Hand-worked corners (UG1399's overflow examples, worked bit by bit in the comments).
//  * Small formats exhaustively: an ap_fixed type gives SystemC's result everywhere except in the
//    three corners, and there the result the documented rule derives from SystemC's own answer
//    (the complement for WRAP_SM, the top N bits set for unsigned WRAP, SAT for 1-bit SAT_SYM).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cast_test_util.hpp"
#include "fx/cast.hpp"
#include "fx/fx_type.hpp"
#include "fx/type_parser.hpp"
#include "sc_oracle.hpp"
#include "testbenches/common/ap_vectors.hpp"

namespace fx = fxsim::fx;

namespace {

using fx::FxType;
using fx::Overflow;
using fx::Rounding;
using fx::Semantics;
using fx::Spelling;
using fxsim::apvec::ApVector;
using fxtest::Mismatches;

const std::vector<ApVector>& vectors() {
  static const std::vector<ApVector> v = fxsim::apvec::read_ap_vectors(FXSIM_AP_VECTORS_CSV);
  return v;
}

// The corner a SystemC / ap_fixed difference can come from, for a cast into t (any semantics).
bool wrap_sm_corner(const FxType& t) {
  return t.is_signed && t.overflow == Overflow::WRAP_SM && t.sat_bits == 0;
}
bool unsigned_wrap_corner(const FxType& t) {
  return !t.is_signed && t.overflow == Overflow::WRAP && t.sat_bits > 0;
}

TEST(ApVectors, FileHoldsEverySignRoundingOverflowPair) {
  const auto& all = vectors();
  EXPECT_EQ(all.size(), 15120u);
  const auto by_type = fxsim::apvec::ap_vectors_by_type(all);
  EXPECT_EQ(by_type.size(), 126u);
  std::set<std::tuple<bool, Rounding, Overflow>> pairs;
  int wrap_with_n = 0;
  for (const auto& [text, rows] : by_type) {
    const FxType t = fx::parse_fx_type(text);
    EXPECT_EQ(t.semantics(), Semantics::AP_FIXED) << text;
    EXPECT_EQ(t.str(), text) << "the spelling prints back as the file writes it";
    pairs.insert({t.is_signed, t.rounding, t.overflow});
    wrap_with_n +=
        (t.overflow == Overflow::WRAP || t.overflow == Overflow::WRAP_SM) && t.sat_bits > 0;
  }
  EXPECT_EQ(pairs.size(), 7u * 5 + 7u * 4);  // ap_ufixed has no AP_WRAP_SM
  EXPECT_GT(wrap_with_n, 0);
}

TEST(ApVectors, EveryLineRawForRaw) {
  Mismatches scalar, flagged, array, raw_path;
  for (const auto& [text, rows] : fxsim::apvec::ap_vectors_by_type(vectors())) {
    const FxType t = fx::parse_fx_type(text);
    std::vector<double> x;
    for (const ApVector& v : rows) x.push_back(v.x);
    std::vector<int64_t> out(x.size()), out_stats(x.size());
    fx::cast_array_from_double(x.data(), x.size(), out.data(), t);  // fast paths
    fx::CastStats stats;
    fx::cast_array_from_double(x.data(), x.size(), out_stats.data(), t, &stats);  // exact path
    for (size_t k = 0; k < rows.size(); ++k) {
      const ApVector& v = rows[k];
      const auto where = [&](int64_t got) {
        return text + " <- " + v.value + " (line " + std::to_string(v.line) + "): ap_fixed " +
               std::to_string(v.raw) + ", fx " + std::to_string(got);
      };
      fx::CastFlags f;
      const int64_t s = fx::cast_from_double(v.x, t, &f);
      scalar.checked++;
      if (s != v.raw) scalar.add(where(s));
      flagged.checked++;
      if (out_stats[k] != v.raw) flagged.add(where(out_stats[k]));
      array.checked++;
      if (out[k] != v.raw) array.add(where(out[k]));
      // The same value as a raw integer (cast_from_raw), where it is one of <= 64 bits.
      int e = 0;
      std::frexp(v.x, &e);
      const int src_frac = 62 - e;  // |x| < 2^e: x * 2^src_frac < 2^62
      const double m = std::ldexp(v.x, src_frac);
      if (v.x != 0 && m == std::trunc(m)) {
        const int64_t r = fx::cast_from_raw(static_cast<int64_t>(m), src_frac, t);
        raw_path.checked++;
        if (r != v.raw) raw_path.add(where(r));
      }
    }
  }
  EXPECT_EQ(scalar.checked, 15120u);
  EXPECT_EQ(scalar.count, 0u) << scalar.report();
  EXPECT_EQ(flagged.count, 0u) << flagged.report();
  EXPECT_EQ(array.count, 0u) << array.report();
  EXPECT_GT(raw_path.checked, 14000u);
  EXPECT_EQ(raw_path.count, 0u) << raw_path.report();
}

// The same types spelled sc_fixed / sc_ufixed / fixed: SystemC's answer, which is ap_fixed's
// except in the two corners the vectors cover (13 signed WRAP_SM N = 0 casts whose rounding
// carries into bit W; 365 unsigned WRAP N > 0 casts of a value below the range).
TEST(ApVectors, SystemCSpellingsGiveSystemCResults) {
  Mismatches oracle;
  int wrap_sm_diff = 0, unsigned_wrap_diff = 0, other_diff = 0;
  for (const ApVector& v : vectors()) {
    const FxType ap = fx::parse_fx_type(v.type);
    for (Spelling sp : {Spelling::SC_FIXED, Spelling::FIXED}) {
      const FxType sc = ap.spelled(sp);
      ASSERT_EQ(sc.semantics(), Semantics::SYSTEMC);
      const int64_t got = fx::cast_from_double(v.x, sc);
      const int64_t want = fxtest::sc_cast(v.x, sc);
      oracle.checked++;
      if (got != want) {
        oracle.add(sc.str() + " <- " + v.value + ": sc_fix " + std::to_string(want) + ", fx " +
                   std::to_string(got));
      }
    }
    const int64_t sc_raw = fxtest::sc_cast(v.x, ap);  // the oracle ignores the spelling
    if (sc_raw != v.raw) {
      if (wrap_sm_corner(ap)) {
        ++wrap_sm_diff;
      } else if (unsigned_wrap_corner(ap) && v.x < 0) {
        ++unsigned_wrap_diff;
      } else {
        ++other_diff;
      }
    }
  }
  EXPECT_EQ(oracle.count, 0u) << oracle.report();
  EXPECT_EQ(wrap_sm_diff, 13);
  EXPECT_EQ(unsigned_wrap_diff, 365);
  EXPECT_EQ(other_diff, 0);
}

// ---------------------------------------------------------------------------
// Hand-worked corners. 19 = 0b010011, -19 = ...1101101, -3 = ...11101; W = 4 keeps bits 3..0.

struct Case {
  const char* type;
  double x;
  int64_t want;
  bool overflow;
};

void check_cases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    const FxType t = fx::parse_fx_type(c.type);
    fx::CastFlags f;
    EXPECT_EQ(fx::cast_from_double(c.x, t, &f), c.want) << c.type << " <- " << c.x;
    EXPECT_EQ(f.overflow, c.overflow) << c.type << " <- " << c.x;
    int64_t arr = 0;
    fx::cast_array_from_double(&c.x, 1, &arr, t);
    EXPECT_EQ(arr, c.want) << c.type << " <- " << c.x << " (array)";
    if (t.semantics() == Semantics::SYSTEMC) {
      EXPECT_EQ(fxtest::sc_cast(c.x, t), c.want) << c.type << " <- " << c.x << " (sc_fix)";
    }
  }
}

TEST(ApFixedCorners, WrapSmTakesTheSignFromTheFloor) {
  check_cases({
      // 15.5 = 01111.1 -> RND 16 = 010000. SystemC: bit4(16) = 1 != bit3 = 0: invert 0000 ->
      // 1111 = -1. ap_fixed: bit4 of the floor 15 = 01111 is 0 = bit3 of 16: keep 0000 = 0.
      {"ap_fixed<4,4,AP_RND,AP_WRAP_SM>", 15.5, 0, true},
      {"ap_fixed<4,4,AP_RND,AP_WRAP_SM,0>", 15.5, 0, true},
      {"fixed<4,4,RND,WRAP_SM>", 15.5, -1, true},
      {"sc_fixed<4,4,SC_RND,SC_WRAP_SM>", 15.5, -1, true},
      // -16.5 -> RND (ties up) -16 = ...110000: SystemC bit4 = 1 != bit3 = 0 -> 1111 = -1.
      // ap_fixed: floor -17 = ...101111, bit4 = 0 = bit3 of -16: keep 0000 = 0.
      {"ap_fixed<4,4,AP_RND,AP_WRAP_SM>", -16.5, 0, true},
      {"fixed<4,4,RND,WRAP_SM>", -16.5, -1, true},
      // No carry into bit 4: both agree. 19 = 010011: bit4 1 != bit3 0 -> 1|100 = -4.
      {"ap_fixed<4,4,AP_RND,AP_WRAP_SM>", 19, -4, true},
      {"fixed<4,4,RND,WRAP_SM>", 19, -4, true},
      // 7.5 -> 8 = 01000: the carry reaches bit 3 only; floor 7 and 8 share bit4 = 0: 0111 = 7.
      {"ap_fixed<4,4,AP_RND,AP_WRAP_SM>", 7.5, 7, true},
      {"fixed<4,4,RND,WRAP_SM>", 7.5, 7, true},
      // N = 1: the sign is the value's in both (15.5 -> 16: 0|000 = 0).
      {"ap_fixed<4,4,AP_RND,AP_WRAP_SM,1>", 15.5, 0, true},
      {"fixed<4,4,RND,WRAP_SM,1>", 15.5, 0, true},
  });
}

TEST(ApFixedCorners, UnsignedWrapSetsTheTopBitsOnEveryOverflow) {
  check_cases({
      // -19 = ...1101101. ap_fixed: N = 1: 1|101 = 13; N = 2: 11|01 = 13; N = 4 (all): 1111.
      {"ap_ufixed<4,4,AP_TRN,AP_WRAP,1>", -19, 13, true},
      {"ap_ufixed<4,4,AP_TRN,AP_WRAP,2>", -19, 13, true},
      {"ap_ufixed<4,4,AP_TRN,AP_WRAP,4>", -19, 15, true},
      {"ap_ufixed<4,4,AP_TRN,AP_WRAP,9>", -19, 15, true},  // N > W: as N = W
      {"ap_ufixed<4,4,AP_RND,AP_WRAP,1>", -3, 13, true},   // ...11101 -> 1|101
      // SystemC saturates the top bits toward the minimum: 0|101 = 5, 00|01 = 1, 0.
      {"ufixed<4,4,TRN,WRAP,1>", -19, 5, true},
      {"sc_ufixed<4,4,SC_TRN,SC_WRAP,2>", -19, 1, true},
      {"ufixed<4,4,TRN,WRAP,4>", -19, 0, true},
      {"ufixed<4,4,RND,WRAP,1>", -3, 5, true},
      // Above the range both set the top bits: 19 = 10011 -> 1|011 = 11.
      {"ap_ufixed<4,4,AP_TRN,AP_WRAP,1>", 19, 11, true},
      {"ufixed<4,4,TRN,WRAP,1>", 19, 11, true},
      // A negative value that rounds to 0 does not overflow: 0 in both.
      {"ap_ufixed<4,4,AP_RND,AP_WRAP,1>", -0.25, 0, false},
      // N = 0: both keep the low 4 bits: 1101 = 13.
      {"ap_ufixed<4,4,AP_TRN,AP_WRAP>", -19, 13, true},
      {"ufixed<4,4,TRN,WRAP>", -19, 13, true},
  });
}

TEST(ApFixedCorners, OneBitSatSymIsSat) {
  check_cases({
      // ap_fixed<1,0>: raw {-1, 0} = {-0.5, 0}. SystemC's SAT_SYM range [-max, max] = [0, 0]
      // moves every negative value to 0; ap_fixed has no symmetric range: SAT.
      {"ap_fixed<1,0,AP_TRN,AP_SAT_SYM>", -0.5, -1, false},
      {"ap_fixed<1,0,AP_TRN,AP_SAT_SYM>", -3, -1, true},
      {"ap_fixed<1,0,AP_TRN,AP_SAT_SYM>", 3, 0, true},
      {"fixed<1,0,TRN,SAT_SYM>", -0.5, 0, true},
      {"fixed<1,0,TRN,SAT_SYM>", -3, 0, true},
      // Two bits and more: the same symmetric range in both ([-1, 1] raw).
      {"ap_fixed<2,2,AP_TRN,AP_SAT_SYM>", -2, -1, true},
      {"fixed<2,2,TRN,SAT_SYM>", -2, -1, true},
  });
}

TEST(ApFixedCorners, IntegerSpellings) {
  // ap_int<W> = ap_fixed<W,W,AP_TRN,AP_WRAP,0>: floor, keep the low W bits.
  check_cases({
      {"ap_int<8>", 200.7, -56, true},  // 200 = 0xC8 -> -56
      {"ap_uint<8>", -1.5, 254, true},  // floor -2 -> 0xFE
      {"sc_int<8>", 200.7, -56, true},
      {"sc_uint<8>", -1.5, 254, true},
      {"ap_int<3>", -4, -4, false},
  });
}

// ---------------------------------------------------------------------------
// Small formats, exhaustively: ap_fixed = SystemC outside the corners, the rule inside.

struct Small {
  int w, i;
};
constexpr Small kSmall[] = {{1, 0}, {1, 2}, {2, 0}, {2, 2}, {3, -1}, {3, 3},
                            {4, 1}, {4, 4}, {4, 6}, {5, 2}, {5, 5},  {6, 3}};

TEST(ApFixedExhaustive, SystemCOutsideTheCornersTheRuleInside) {
  Mismatches mm;
  uint64_t corner_hits[3] = {0, 0, 0};  // WRAP_SM carry, unsigned wrap below, 1-bit SAT_SYM
  for (const Small& s : kSmall) {
    for (bool src_signed : {true, false}) {
      const int src_w = s.w + 6, src_i = s.i + 3;  // 3 more fraction and integer bits
      const int src_f = src_w - src_i;
      const FxType src = FxType::make(src_signed, src_w, src_i);
      for (bool sig : {true, false}) {
        for (Rounding q : fx::kAllRoundings) {
          for (Overflow o : fx::kAllOverflows) {
            if (!sig && o == Overflow::WRAP_SM) continue;
            for (int n : fxtest::sat_bits_for(s.w)) {
              const FxType sc_t = FxType::make(sig, s.w, s.i, q, o, n);
              const FxType ap_t = sc_t.with_semantics(Semantics::AP_FIXED);
              fxtest::ScTarget sc(sc_t);
              fxtest::ScTarget sc_sat(FxType::make(sig, s.w, s.i, q, Overflow::SAT, n));
              const int f = s.w - s.i;
              const int iwl = std::max(src_i, s.i) + 3;
              const uint64_t mask = (uint64_t{1} << s.w) - 1;
              for (int64_t r = src.raw_min(); r <= src.raw_max(); ++r) {
                const sc_dt::sc_fxval val = fxtest::fxval_of(r, src);
                const fxtest::ScResult want_sc = sc.cast(val);
                int64_t want = want_sc.raw;
                bool want_ovf = want_sc.overflow;
                if (want_sc.overflow && wrap_sm_corner(sc_t)) {
                  // Complement SystemC's answer when bit W of the floor and of the rounded
                  // value differ (they do only when a rounding carry reaches bit W).
                  const sc_dt::sc_fix floor_v(val, iwl + f, iwl, sc_dt::SC_TRN, sc_dt::SC_WRAP);
                  const sc_dt::sc_fix round_v(val, iwl + f, iwl, fxtest::sc_q(q), sc_dt::SC_WRAP);
                  const int64_t fl = fxtest::sc_raw(floor_v, iwl + f, true);
                  const int64_t rv = fxtest::sc_raw(round_v, iwl + f, true);
                  if (((fl >> s.w) & 1) != ((rv >> s.w) & 1)) {
                    want = fxtest::raw_from_bits(~static_cast<uint64_t>(want), sc_t);
                    ++corner_hits[0];
                  }
                } else if (want_sc.overflow && unsigned_wrap_corner(sc_t)) {
                  const int top = std::min(n, s.w);
                  const uint64_t top_mask = mask & ~((uint64_t{1} << (s.w - top)) - 1);
                  const int64_t ap = static_cast<int64_t>(static_cast<uint64_t>(want) | top_mask);
                  corner_hits[1] += ap != want;
                  want = ap;
                } else if (sig && s.w == 1 && o == Overflow::SAT_SYM) {
                  const fxtest::ScResult sat = sc_sat.cast(val);
                  corner_hits[2] += sat.raw != want;
                  want = sat.raw;
                  want_ovf = sat.overflow;
                }
                fx::CastFlags f1, f2, f3;
                const int64_t got1 = fx::cast_from_raw(r, src_f, ap_t, &f1);
                const int64_t got2 = fx::convert(r, src, ap_t, &f2);
                const double x = std::ldexp(static_cast<double>(r), -src_f);
                const int64_t got3 = fx::cast_from_double(x, ap_t, &f3);
                int64_t got4 = 0;
                fx::cast_array_from_raw(&r, 1, src_f, &got4, ap_t);
                for (const auto& [got, flags, fn] :
                     {std::tuple{got1, f1, "cast_from_raw"}, std::tuple{got2, f2, "convert"},
                      std::tuple{got3, f3, "cast_from_double"},
                      std::tuple{got4, f1, "cast_array_from_raw"}}) {
                  mm.checked++;
                  if (got != want || flags.overflow != want_ovf) {
                    mm.add(std::string(fn) + " " + ap_t.str() + " <- " + val.to_string() +
                           ": expected " + std::to_string(want) + " overflow " +
                           std::to_string(want_ovf) + ", got " + std::to_string(got) +
                           " overflow " + std::to_string(flags.overflow));
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(mm.count, 0u) << mm.report();
  EXPECT_GT(mm.checked, 1000000u);
  EXPECT_GT(corner_hits[0], 0u);
  EXPECT_GT(corner_hits[1], 0u);
  EXPECT_GT(corner_hits[2], 0u);
}

// W = 64: the unsigned corner on the full word, against sc_fix for the SystemC spelling. (The
// WRAP_SM corner needs a rounding carry into bit 64, i.e. a source of 65 significant bits: no
// double or int64 holds one.)
TEST(ApFixedCorners, SixtyFourBits) {
  // -1 = ...111: SystemC's top bit 0 over 63 ones = 2^63 - 1; ap_fixed's top bit 1: 2^64 - 1.
  const FxType ap = fx::parse_fx_type("ap_ufixed<64,64,AP_TRN,AP_WRAP,1>");
  const FxType sc = fx::parse_fx_type("ufixed<64,64,TRN,WRAP,1>");
  EXPECT_EQ(fx::cast_from_double(-1.0, sc), INT64_MAX);
  EXPECT_EQ(fxtest::sc_cast(-1.0, sc), INT64_MAX);
  EXPECT_EQ(fx::cast_from_double(-1.0, ap), -1);  // the uint64 pattern 2^64 - 1
  EXPECT_EQ(fx::cast_from_raw(-1, 0, ap), -1);
  EXPECT_EQ(fx::cast_from_double(-1.0, ap.spelled(Spelling::AP_FIXED)), -1);
  // N = W: every bit set on any overflow (SystemC: 0 below the range).
  const FxType ap_all = fx::parse_fx_type("ap_ufixed<64,64,AP_TRN,AP_WRAP,64>");
  EXPECT_EQ(fx::cast_from_double(-5.0, ap_all), -1);
  EXPECT_EQ(fx::cast_from_double(-5.0, ap_all.spelled(Spelling::FIXED)), 0);
  // Signed, W = 64, WRAP_SM N = 0 without a carry into bit 64: both take bit 64 of the value.
  // 2^64 + 2^62 = 0b101..0: bit64 1 != bit63 0 -> invert 0100..0 -> 1011..1 = -2^62 - 1.
  const FxType ap_sm = fx::parse_fx_type("ap_fixed<64,64,AP_RND,AP_WRAP_SM>");
  const double x = std::ldexp(1.0, 64) + std::ldexp(1.0, 62);
  EXPECT_EQ(fx::cast_from_double(x, ap_sm), -(int64_t{1} << 62) - 1);
  EXPECT_EQ(fx::cast_from_double(x, ap_sm.spelled(Spelling::SC_FIXED)), fxtest::sc_cast(x, ap_sm));
}

}  // namespace
