// int_requant: the Verilated RTL and the cycle model (models/streaming/int_requant_model.hpp) in
// lock step under random valid / ready stalls, every cycle's handshakes and data equal, on the
// grid of rtl_variants.hpp (namespace ir); every result equal to a 128-bit brute force written
// here from the definitions (docs/fixed_point.md, "Affine integer formats": two roundings, or
// one), which is independent of fx::requantize_integer (the model's arithmetic); stall-free,
// the last result leaves STAGES cycles after the last beat. The parameter grid: M0 of the unit's
// bits including both ends of [2^(B-1), 2^B) and the zero multiplier, right shifts 0 .. 62, left
// shifts to LSHIFT_MAX, biases of B_W bits; accumulators at the ends of ACC_W, small ones (ties)
// and uniform ones.
#include "models/units/int_requant/int_requant.hpp"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "models/streaming/int_requant_model.hpp"
#include "models/units/unit_registry.hpp"
#include "testbenches/env/simulation_scope.hpp"
#include "testbenches/rtl/rtl_variants.hpp"
#include "testbenches/rtl/stream_cosim.hpp"
#include "testbenches/rtl/test_env.hpp"

namespace {

namespace units = fxsim::units;
namespace rv = fxsim::rtl_variants;
using namespace fxsim::rtl_test;
using i128 = __int128;

units::IntRequantConfig config_of(const units::ParamMap& overrides) {
  return units::IntRequantConfig::from(
      units::resolve_params(units::find_unit("int_requant"), overrides));
}

// floor(x / 2^k) and round-half-away-from-zero(x / 2^k), from their definitions.
i128 floor_div_pow2(i128 x, int k) {
  const i128 d = static_cast<i128>(1) << k;
  i128 q = x / d;  // toward zero
  if (x % d != 0 && x < 0) --q;
  return q;
}
i128 round_half_away_pow2(i128 x, int k) {
  if (k == 0) return x;
  const i128 mag = x < 0 ? -x : x;
  const i128 r =
      floor_div_pow2(2 * mag + (static_cast<i128>(1) << k), k + 1);  // floor(|x|/2^k + 1/2)
  return x < 0 ? -r : r;
}

// The brute force of docs/fixed_point.md's integer requantization, with the unit's bias, wrap,
// zero point and ReLU clamp: every step in 128-bit integers.
std::int64_t brute_force(const units::IntRequantConfig& c, std::int64_t acc,
                         const units::IntRequantChannel& ch) {
  // The bias joins the accumulator; the sum wraps modulo 2^ACC_W.
  const i128 modulus = static_cast<i128>(1) << c.acc_w;
  i128 s = (static_cast<i128>(acc) + ch.bias) % modulus;
  if (s < 0) s += modulus;
  if (s >= modulus / 2) s -= modulus;
  const int b = ch.multiplier.bits, n = ch.multiplier.shift;
  const i128 m0 = ch.multiplier.m0;
  i128 r = 0;
  if (c.rounding == fxsim::fx::IntegerRounding::DOUBLE) {
    i128 a = s;
    if (n < 0) {
      a = s * (static_cast<i128>(1) << -n);
      a = std::clamp<i128>(a, -(static_cast<i128>(1) << 31), (static_cast<i128>(1) << 31) - 1);
    }
    // a x (m0 2^(31-B)) / 2^31, nearest, ties toward +infinity; then / 2^n, ties away from 0.
    const i128 r1 = floor_div_pow2(a * (m0 << (31 - b)) + (static_cast<i128>(1) << 30), 31);
    r = round_half_away_pow2(r1, std::max(n, 0));
  } else {
    const int t = b + std::max(n, 0);
    const i128 x = s * m0 * (static_cast<i128>(1) << std::max(-n, 0));
    r = floor_div_pow2(x + (static_cast<i128>(1) << (t - 1)), t);
  }
  const i128 lo = c.relu ? std::max<i128>(c.out.q_min(), c.zp) : c.out.q_min();
  return static_cast<std::int64_t>(std::clamp<i128>(r + c.zp, lo, c.out.q_max()));
}

// Random channel parameters over the grid: the multiplier's ends, the zero multiplier, shifts
// 0, small, large (up to 62) and left (to LSHIFT_MAX).
units::IntRequantChannel random_channel(const units::IntRequantConfig& c, std::mt19937_64& rng) {
  units::IntRequantChannel ch;
  const int b = c.m0_bits;
  const std::int64_t lo = std::int64_t{1} << (b - 1), hi = (std::int64_t{1} << b) - 1;
  const auto pick = rng() % 10;
  std::int64_t m0 = std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  if (pick == 0) m0 = lo;  // exactly 0.5: products land on ties
  if (pick == 1) m0 = hi;
  if (pick == 2) m0 = 0;
  ch.multiplier.bits = b;
  ch.multiplier.m0 = static_cast<std::int32_t>(m0);
  const auto shift_kind = rng() % 6;
  int n = 0;
  if (shift_kind == 1) n = static_cast<int>(rng() % 8);
  if (shift_kind == 2) n = static_cast<int>(rng() % 63);
  if (shift_kind == 3) n = c.acc_w - 2 + static_cast<int>(rng() % 6);  // near the accumulator
  if (shift_kind == 4 && c.lshift_max > 0) n = -1 - static_cast<int>(rng() % c.lshift_max);
  if (shift_kind == 5) n = static_cast<int>(rng() % 4);
  ch.multiplier.shift = std::min(n, 62);
  if (m0 == 0) ch.multiplier.shift = 0;
  const std::int64_t bias_half = std::int64_t{1} << (c.bias_w - 1);
  const auto bias_kind = rng() % 4;
  ch.bias = bias_kind == 0 ? 0
            : bias_kind == 1
                ? std::uniform_int_distribution<std::int64_t>(-64, 64)(rng)
                : std::uniform_int_distribution<std::int64_t>(-bias_half, bias_half - 1)(rng);
  units::check_channel(c, ch);
  return ch;
}

std::int64_t random_acc(const units::IntRequantConfig& c, std::mt19937_64& rng) {
  const std::int64_t half = std::int64_t{1} << (c.acc_w - 1);
  switch (rng() % 6) {
    case 0:
      return -half;
    case 1:
      return half - 1;
    case 2:
      return std::uniform_int_distribution<std::int64_t>(-40, 40)(rng);  // ties and zeros
    default:
      return std::uniform_int_distribution<std::int64_t>(-half, half - 1)(rng);
  }
}

// Writes parameter word `fold` into the RTL through wr_* (rtl/int_requant.sv's layout: lane p at
// [p*WORD +: WORD], each {bias, shift, m0} with m0 lowest), packed here from that layout.
void write_word(Dut& dut, const units::IntRequantConfig& c, int fold,
                const std::vector<units::IntRequantChannel>& lanes) {
  const int word = c.bias_w + 7 + c.m0_bits;
  for (int p = 0; p < c.pe; ++p) {
    const units::IntRequantChannel& ch = lanes[static_cast<std::size_t>(p)];
    put_bits(dut.wr_data, p * word, c.m0_bits, static_cast<std::uint64_t>(ch.multiplier.m0));
    put_bits(dut.wr_data, p * word + c.m0_bits, 7,
             static_cast<std::uint64_t>(static_cast<std::int64_t>(ch.multiplier.shift)));
    put_bits(dut.wr_data, p * word + c.m0_bits + 7, c.bias_w, static_cast<std::uint64_t>(ch.bias));
  }
  dut.wr_en = 1;
  dut.wr_addr = static_cast<std::uint64_t>(fold);
  dut.eval();
  tick(dut);
  dut.wr_en = 0;
  dut.eval();
}

void check_variant(const char* name, const units::ParamMap& overrides, std::uint64_t salt) {
  const units::IntRequantConfig c = config_of(overrides);
  fxsim::env::SimulationScope scope;
  StreamSignals s;
  fxsim::streaming::IntRequantModule model("int_requant", c);
  s.bind(model);
  Dut dut("int_requant", overrides);
  std::mt19937_64 rng(base_seed() * 104729 + salt);
  const std::size_t beats_per_run = std::max<std::size_t>(
      200, static_cast<std::size_t>(vectors_per_variant()) / (8 * static_cast<std::size_t>(c.pe)));
  std::uint64_t checked = 0;
  for (const auto& [pv, pr] : streaming_stall_patterns()) {
    for (int round = 0; round < 2; ++round) {
      // New parameters every run: the memory is written between runs, as the unit allows.
      std::vector<units::IntRequantChannel> channels;
      for (int f = 0; f < c.folds(); ++f) {
        std::vector<units::IntRequantChannel> lanes;
        for (int p = 0; p < c.pe; ++p) lanes.push_back(random_channel(c, rng));
        write_word(dut, c, f, lanes);
        model.model().write(f, lanes);
        channels.insert(channels.end(), lanes.begin(), lanes.end());
      }
      std::vector<StreamData> in, expected;
      for (std::size_t i = 0; i < beats_per_run; ++i) {
        StreamData d, e;
        const int fold = static_cast<int>(i % static_cast<std::size_t>(c.folds()));
        for (int p = 0; p < c.pe; ++p) {
          const std::int64_t acc = random_acc(c, rng);
          const units::IntRequantChannel& ch = channels[static_cast<std::size_t>(fold * c.pe + p)];
          d.values.push_back(acc);
          const std::int64_t want = brute_force(c, acc, ch);
          ASSERT_EQ(units::int_requant(c, acc, ch), want)
              << name << ": reference vs brute force, acc " << acc << " bias " << ch.bias << " m0 "
              << ch.multiplier.m0 << " n " << ch.multiplier.shift;
          e.values.push_back(want);
        }
        in.push_back(d);
        expected.push_back(e);
      }
      const CosimRun run = run_cosim(
          dut, s, in, expected.size(), Stalls{pv, pr, rng()}, false,
          [&](Dut& dd, const StreamData& b) {
            for (int p = 0; p < c.pe; ++p) {
              put_bits(dd.in_data, p * c.acc_w, c.acc_w,
                       static_cast<std::uint64_t>(b.values[static_cast<std::size_t>(p)]));
            }
          },
          [&](const Dut& dd) {
            StreamData d;
            for (int p = 0; p < c.pe; ++p) {
              d.values.push_back(to_raw(get_bits(dd.out_data, p * c.out.width, c.out.width),
                                        c.out.width, c.out.is_signed));
            }
            return d;
          });
      EXPECT_EQ(run.mismatches, 0u) << name << " p_valid " << pv << " p_ready " << pr;
      ASSERT_EQ(run.outputs.size(), expected.size()) << name;
      for (std::size_t i = 0; i < expected.size(); ++i) {
        ASSERT_EQ(run.outputs[i], expected[i])
            << name << " output beat " << i << " in " << in[i] << " ch0 m0 "
            << channels[0].multiplier.m0 << " n " << channels[0].multiplier.shift << " bias "
            << channels[0].bias;
      }
      checked += expected.size() * static_cast<std::size_t>(c.pe);
      if (pv == 1.0 && pr == 1.0) {
        // Beat i is taken on edge i; the last one's result is on out_valid STAGES edges later
        // and is taken in that cycle.
        EXPECT_EQ(run.cycles, in.size() + static_cast<std::uint64_t>(c.stages)) << name;
      }
    }
  }
  EXPECT_GE(checked, 1600u) << name;
}

class IntRequantGrid : public ::testing::TestWithParam<std::pair<const char*, units::ParamMap>> {};

TEST_P(IntRequantGrid, RtlEqualsModelEqualsBruteForceUnderStalls) {
  const auto& [name, overrides] = GetParam();
  check_variant(name, overrides, std::hash<std::string>{}(name));
}

INSTANTIATE_TEST_SUITE_P(
    IntRequant, IntRequantGrid, ::testing::ValuesIn(rv::ir::grid()),
    [](const ::testing::TestParamInfo<std::pair<const char*, units::ParamMap>>& info) {
      std::string n = info.param.first;
      std::replace(n.begin(), n.end(), '-', '_');
      return n;
    });

// The lock-step check can fail: the RTL against a model whose zero point is one higher must be
// caught: with the zero multiplier every output is the zero point, so every one differs.
TEST(IntRequant, CosimCatchesAModelWithAnotherZeroPoint) {
  const units::ParamMap overrides = rv::ir::grid().front().second;
  units::IntRequantConfig wrong = config_of(overrides);
  wrong.zp += 1;
  fxsim::env::SimulationScope scope;
  StreamSignals s;
  fxsim::streaming::IntRequantModule model("int_requant", wrong);
  s.bind(model);
  Dut dut("int_requant", overrides);
  const units::IntRequantConfig c = config_of(overrides);
  units::IntRequantChannel zero;
  zero.multiplier.bits = c.m0_bits;
  for (int f = 0; f < c.folds(); ++f) {
    const std::vector<units::IntRequantChannel> lanes = {zero};
    write_word(dut, c, f, lanes);
    model.model().write(f, lanes);
  }
  std::vector<StreamData> in(8, StreamData{{0}});
  std::uint64_t mismatches = 0;
  {
    // The run's failures are intercepted and counted rather than failing this test.
    testing::TestPartResultArray failures;
    {
      testing::ScopedFakeTestPartResultReporter reporter(
          testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
      const CosimRun run = run_cosim(
          dut, s, in, in.size(), Stalls{}, false,
          [&](Dut& dd, const StreamData& b) {
            put_bits(dd.in_data, 0, c.acc_w, static_cast<std::uint64_t>(b.values[0]));
          },
          [&](const Dut& dd) {
            return StreamData{{to_raw(get_bits(dd.out_data, 0, c.out.width), c.out.width, true)}};
          });
      mismatches = run.mismatches;
    }
    EXPECT_GT(failures.size(), 0);
  }
  EXPECT_EQ(mismatches, in.size());
}

}  // namespace
