// fx_requant, exhaustively: every input bit pattern of small widths, all 35 (Q, O) pairs at once
// (fx_requant_grid.sv), down-shift / up-shift / equal fraction bits, signed and unsigned, with
// saturation bits, in SystemC semantics (AP = 0) and ap_fixed semantics (AP = 1, one variant per
// corner where the two differ). Expected values and flags come from fx::cast_from_raw (the
// software definition, itself checked against SystemC sc_fix and Xilinx's ap_fixed vectors in
// testbenches/fx) and agree with models/units's requant.
//
// And the ap_fixed vectors themselves (testbenches/fx/data/ap_fixed_vectors.csv) through one
// fx_requant per type with AP = 1 (requant_ap_vectors.hpp): every line, raw for raw against the
// vendor's result. The requantizer takes raw integers, so each double goes in as the exact raw
// integer of 80 bits with 58 fraction bits; every double of the file is one (the test checks
// that no line is left out).
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>

#include "fx/cast.hpp"
#include "models/units/fx_requant/fx_requant.hpp"
#include "models/units/unit_registry.hpp"
#include "testbenches/rtl/port_dut.hpp"
#include "testbenches/rtl/requant_ap_vectors.hpp"
#include "testbenches/rtl/rtl_variants.hpp"
#include "testbenches/rtl/test_env.hpp"

namespace fx = fxsim::fx;

namespace {

using fxsim::rtl_test::Dut;
using fxsim::rtl_test::get_bits;
using fxsim::rtl_test::low_mask;
using fxsim::rtl_test::requant_grid_wrapper;
using fxsim::rtl_test::to_raw;
namespace units = fxsim::units;

struct GridCoverage {
  std::uint64_t checks = 0, ties = 0, overflows = 0, inexact = 0;
  std::uint64_t semantics_differ = 0;  // results where SystemC and ap_fixed disagree
};

GridCoverage check_grid(const units::ParamMap& overrides) {
  const units::ParamMap p = units::resolve_params(units::find_unit("fx_requant"), overrides);
  const units::RequantConfig base = units::RequantConfig::from(p);
  const int in_w = base.in.width, out_w = base.out.width;
  Dut m("fx_requant", overrides, requant_grid_wrapper());
  GridCoverage cov;
  int reported = 0;
  for (std::uint64_t bits = 0; bits < (std::uint64_t{1} << in_w); ++bits) {
    m.din = bits;
    m.eval();
    const std::int64_t raw = to_raw(bits, in_w, base.in.is_signed);
    for (int q = 0; q < 7; ++q) {
      for (int o = 0; o < 5; ++o) {
        if (o == 4 && !base.out.is_signed) continue;  // WRAP_SM: signed outputs only
        units::RequantConfig cfg = base;
        cfg.out.rounding = static_cast<fx::Rounding>(q);
        cfg.out.overflow = static_cast<fx::Overflow>(o);
        fx::CastFlags f;
        const std::int64_t exact = fx::cast_from_raw(raw, base.in.frac_bits(), cfg.out, &f);
        const std::int64_t want = fxsim::rtl_test::perturb_on_tie(exact, f.tie);
        const fxsim::units::Requantized ref = fxsim::units::requant(raw, cfg);
        const int pair = q * 5 + o;
        const std::uint64_t got = get_bits(m.dout, pair * out_w, out_w);
        const std::uint64_t got_flags = get_bits(m.flags, pair * 3, 3);
        const std::uint64_t want_flags = (f.overflow << 2) | (f.tie << 1) | f.inexact;
        const bool ok = got == (static_cast<std::uint64_t>(want) & low_mask(out_w)) &&
                        got_flags == want_flags && ref.raw == exact;
        ++cov.checks;
        cov.ties += f.tie;
        cov.overflows += f.overflow;
        cov.inexact += f.inexact;
        const fx::FxType other = cfg.out.with_semantics(
            cfg.out.ap_semantics() ? fx::Semantics::SYSTEMC : fx::Semantics::AP_FIXED);
        cov.semantics_differ += fx::cast_from_raw(raw, base.in.frac_bits(), other) != exact;
        if (!ok && ++reported <= 5) {
          ADD_FAILURE() << "mismatch: raw " << raw << " -> " << cfg.out.str() << ": rtl dout "
                        << to_raw(got, out_w, cfg.out.is_signed) << " flags " << got_flags
                        << ", fx " << want << " flags " << want_flags << ", arith " << ref.raw;
        }
      }
    }
  }
  EXPECT_EQ(reported, 0) << "mismatches in "
                         << units::format_params(units::find_unit("fx_requant"), p);
  return cov;
}

TEST(RequantGrid, DownShiftSignedWithSaturationBits) {
  namespace v = fxsim::rtl_variants::rq_down;
  const GridCoverage c = check_grid(v::overrides());
  EXPECT_EQ(c.checks, 1024u * 35u);  // 2^IN_W inputs x 35 pairs
  EXPECT_GT(c.ties, 0u);
  EXPECT_GT(c.overflows, 0u);
}

TEST(RequantGrid, UpShiftUnsignedInput) {
  namespace v = fxsim::rtl_variants::rq_up;
  const GridCoverage c = check_grid(v::overrides());
  EXPECT_EQ(c.checks, 256u * 35u);
  EXPECT_EQ(c.inexact, 0u);  // appending fraction bits never rounds
  EXPECT_GT(c.overflows, 0u);
}

TEST(RequantGrid, EqualFractionUnsignedOutput) {
  namespace v = fxsim::rtl_variants::rq_equal;
  const GridCoverage c = check_grid(v::overrides());
  EXPECT_EQ(c.checks, 4096u * 28u);  // WRAP_SM is skipped for an unsigned output
  EXPECT_EQ(c.inexact, 0u);
  EXPECT_GT(c.overflows, 0u);
}

// AP = 1: the out format has ap_fixed semantics, and each variant reaches its corner (results
// that SystemC semantics would give differently).
TEST(RequantGrid, ApFixedSignedWrapSmCarry) {
  namespace v = fxsim::rtl_variants::rq_ap_signed;
  const units::ParamMap p = units::resolve_params(units::find_unit("fx_requant"), v::overrides());
  EXPECT_TRUE(units::RequantConfig::from(p).out.ap_semantics());
  const GridCoverage c = check_grid(v::overrides());
  EXPECT_EQ(c.checks, 1024u * 35u);
  EXPECT_GT(c.semantics_differ, 0u);  // WRAP_SM with a rounding carry into bit OUT_W
}

TEST(RequantGrid, ApFixedUnsignedWrapSaturationBits) {
  namespace v = fxsim::rtl_variants::rq_ap_unsigned;
  const GridCoverage c = check_grid(v::overrides());
  EXPECT_EQ(c.checks, 1024u * 28u);
  EXPECT_GT(c.semantics_differ, 0u);  // negative values: top N bits 1..1, not 0..0
}

TEST(RequantGrid, ApFixedUnsignedWrapAllBits) {
  namespace v = fxsim::rtl_variants::rq_ap_unsigned_all;
  const GridCoverage c = check_grid(v::overrides());
  EXPECT_EQ(c.checks, 512u * 28u);
  EXPECT_GT(c.semantics_differ, 0u);  // N >= W: every negative value gives the maximum
}

TEST(RequantGrid, ApFixedOneBitSatSym) {
  namespace v = fxsim::rtl_variants::rq_ap_one_bit;
  const GridCoverage c = check_grid(v::overrides());
  EXPECT_EQ(c.checks, 256u * 35u);
  EXPECT_GT(c.semantics_differ, 0u);  // SAT_SYM is SAT: -1 stays -1
}

// Hand-worked ap_fixed corner on rq_ap_signed (fixed<10,4> in, ap_fixed<5,3,Q,O,0> out, pairs
// q * 5 + o): raw 0b0111111000 = 504 = 7.875 = 31.5 output LSBs -> RND 32 = 0b100000, a carry
// into bit 5. WRAP_SM: SystemC takes the sign from bit 5 of 32 (1 != bit 4 = 0: invert 00000 ->
// 11111 = -1); ap_fixed from bit 5 of the floor 31 (0 = bit 4 of 32: keep 00000 = 0). Under TRN
// (31 = 011111, no carry) both invert 11111 -> 00000 = 0.
TEST(RequantGrid, HandWorkedApFixedWrapSm) {
  Dut m("fx_requant", fxsim::rtl_variants::rq_ap_signed::overrides(), requant_grid_wrapper());
  m.din = 504;
  m.eval();
  EXPECT_EQ(to_raw(get_bits(m.dout, (0 * 5 + 4) * 5, 5), 5, true), 0);  // RND, WRAP_SM
  EXPECT_EQ(get_bits(m.flags, (0 * 5 + 4) * 3, 3), 7u);                 // overflow, tie, inexact
  EXPECT_EQ(to_raw(get_bits(m.dout, (5 * 5 + 4) * 5, 5), 5, true), 0);  // TRN, WRAP_SM
  EXPECT_EQ(fx::cast_from_raw(
                504, 6, fx::FxType::make_signed(5, 3, fx::Rounding::RND, fx::Overflow::WRAP_SM)),
            -1);  // the same cast with SystemC semantics
}

// The vendor's vectors, raw for raw.
TEST(RequantApVectors, EveryLineRawForRaw) {
  const auto& top = fxsim::rtl_test::ap_vectors_top();
  const auto& vectors = fxsim::rtl_test::ap_vectors();
  ASSERT_EQ(vectors.size(), 15120u);
  ASSERT_EQ(top.lanes.size(), 126u);
  std::map<std::string, const fxsim::rtl_test::ApVectorLane*> lane_of;
  for (const auto& l : top.lanes) lane_of[l.type] = &l;
  Dut m("fx_requant", {}, top.wrapper);
  std::uint64_t checked = 0, not_representable = 0;
  int reported = 0;
  for (const auto& v : vectors) {
    const auto in = fxsim::rtl_test::ap_vectors_input(v.x);
    if (!in) {
      ++not_representable;
      continue;
    }
    put_bits(m.din, 0, 64, in->low);
    put_bits(m.din, 64, fxsim::rtl_test::kApVectorsInW - 64, in->high);
    m.eval();
    const auto& lane = *lane_of.at(v.type);
    const std::int64_t got =
        to_raw(get_bits(m.dout, lane.dout_lsb, lane.t.width), lane.t.width, lane.t.is_signed);
    fx::CastFlags f;
    fx::cast_from_double(v.x, lane.t, &f);
    const std::uint64_t want_flags = (f.overflow << 2) | (f.tie << 1) | f.inexact;
    const std::uint64_t got_flags = get_bits(m.flags, lane.flags_lsb, 3);
    ++checked;
    if ((got != v.raw || got_flags != want_flags) && ++reported <= 10) {
      ADD_FAILURE() << v.type << " <- " << v.value << " (line " << v.line << "): ap_fixed " << v.raw
                    << ", rtl " << got << " (flags " << got_flags << ", fx " << want_flags << ")";
    }
  }
  EXPECT_EQ(not_representable, 0u);
  EXPECT_EQ(checked, 15120u);
  EXPECT_EQ(reported, 0);
}

// Hand-worked: fixed<10,4> raw 0b0000101000 = 0.625 with 6 fraction bits -> 2 fraction bits:
// 0.625 * 4 = 2.5, a tie. RND -> 3, RND_ZERO -> 2, RND_MIN_INF -> 2, RND_INF -> 3,
// RND_CONV -> 2 (even), TRN -> 2, TRN_ZERO -> 2. And raw -512 (= -8.0) saturates to -16 (-4.0)
// under SAT, to 0 under SAT_ZERO, to -15 under SAT_SYM.
TEST(RequantGrid, HandWorkedTieAndSaturation) {
  Dut m("fx_requant", fxsim::rtl_variants::rq_down::overrides(), requant_grid_wrapper());
  m.din = 40;
  m.eval();
  const int expected_q[7] = {3, 2, 2, 3, 2, 2, 2};
  for (int q = 0; q < 7; ++q) {
    EXPECT_EQ(get_bits(m.dout, (q * 5 + 0) * 5, 5), static_cast<std::uint64_t>(expected_q[q]))
        << "Q=" << q;
    EXPECT_EQ(get_bits(m.flags, (q * 5 + 0) * 3, 3), 3u) << "tie and inexact, no overflow";
  }
  m.din = 512;  // bit pattern of -512 in 10 bits
  m.eval();
  EXPECT_EQ(to_raw(get_bits(m.dout, 0 * 5, 5), 5, true), -16);  // Q=RND, O=SAT
  EXPECT_EQ(to_raw(get_bits(m.dout, 1 * 5, 5), 5, true), 0);    // SAT_ZERO
  EXPECT_EQ(to_raw(get_bits(m.dout, 2 * 5, 5), 5, true), -15);  // SAT_SYM
  EXPECT_EQ(get_bits(m.flags, 0 * 3, 3), 4u);                   // overflow only
}

}  // namespace
