// threshold: the Verilated unit on a grid of T 1, 3, 7, 15, X_W 2 .. 32 (both corners), PE 1 and
// 4, NF 1 and > 1, STAGES 1 .. 5, under random in_valid gaps and out_ready stalls; the contract's
// cycle model (stream_check.hpp) checks in_ready / out_valid every cycle against the latency rule
// (STAGES) under every stall pattern, and stall-free the last result leaves STAGES cycles after
// the last beat. Thresholds: both directions, runs of equal ones, and the values at and beyond
// the range ends (x_min - 1, x_min, x_max, x_max + 1); accumulators at the ends, on and beside
// each threshold, and uniform. Expected results come from a brute force written here on sorted
// thresholds (a binary search: y = the number of t <= x, or of t >= x), and models/units'
// threshold() must agree with it.
#include "models/units/threshold/threshold.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/streaming/stream_data.hpp"
#include "models/units/unit_registry.hpp"
#include "testbenches/rtl/pe_stream.hpp"
#include "testbenches/rtl/port_dut.hpp"
#include "testbenches/rtl/stream_check.hpp"
#include "testbenches/rtl/test_env.hpp"

namespace {

namespace units = fxsim::units;
using namespace fxsim::rtl_test;
using fxsim::streaming::StreamData;

struct ThresholdVariant {
  const char* name;
  units::ParamMap overrides;
};
void PrintTo(const ThresholdVariant& v, std::ostream* os) { *os << v.name; }

const std::vector<ThresholdVariant>& grid() {
  static const std::vector<ThresholdVariant> g = {
      {"t1_x2_pe1_nf1_s1", {{"T", 1}, {"X_W", 2}, {"PE", 1}, {"CH", 1}, {"STAGES", 1}}},
      {"t1_x32_pe4_nf4_s2", {{"T", 1}, {"X_W", 32}, {"PE", 4}, {"CH", 16}, {"STAGES", 2}}},
      {"t3_x5_pe4_nf3_s2", {{"T", 3}, {"X_W", 5}, {"PE", 4}, {"CH", 12}, {"STAGES", 2}}},
      {"t7_x32_pe1_nf5_s3", {{"T", 7}, {"X_W", 32}, {"PE", 1}, {"CH", 5}, {"STAGES", 3}}},
      {"t7_x8_pe4_nf1_s5", {{"T", 7}, {"X_W", 8}, {"PE", 4}, {"CH", 4}, {"STAGES", 5}}},
      {"t15_x2_pe1_nf2_s1", {{"T", 15}, {"X_W", 2}, {"PE", 1}, {"CH", 2}, {"STAGES", 1}}},
      {"t15_x16_pe4_nf2_s4", {{"T", 15}, {"X_W", 16}, {"PE", 4}, {"CH", 8}, {"STAGES", 4}}},
  };
  return g;
}

// The brute force: thresholds ascend, so the count of t <= x is upper_bound's position and the
// count of t >= x what lies from lower_bound on.
int brute_force(std::int64_t x, const units::ThresholdChannel& ch) {
  const auto& t = ch.thresholds;
  if (!ch.descending) return static_cast<int>(std::upper_bound(t.begin(), t.end(), x) - t.begin());
  return static_cast<int>(t.end() - std::lower_bound(t.begin(), t.end(), x));
}

std::int64_t uniform(std::mt19937_64& rng, std::int64_t lo, std::int64_t hi) {
  return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
}

struct Coverage {
  std::uint64_t at_ends = 0, equal_runs = 0, descending = 0, on_threshold = 0;
};

// Thresholds of the kinds: uniform, clustered (equal runs), the range ends and beyond.
units::ThresholdChannel random_channel(const units::ThresholdConfig& c, std::mt19937_64& rng,
                                       Coverage* cov) {
  units::ThresholdChannel ch;
  ch.descending = rng() % 2;
  const std::int64_t lo = c.x_min() - 1, hi = c.x_max() + 1;
  const std::int64_t ends[] = {lo, c.x_min(), c.x_max(), hi};
  const int kind = static_cast<int>(rng() % 4);
  const std::int64_t centre = uniform(rng, lo, hi);
  for (int k = 0; k < c.thresholds; ++k) {
    std::int64_t t = uniform(rng, lo, hi);
    if (kind == 1) t = std::clamp<std::int64_t>(centre + uniform(rng, -2, 2), lo, hi);
    if (kind == 2 || rng() % 8 == 0) t = ends[rng() % 4];
    if (kind == 3 && k > 0 && rng() % 2) t = ch.thresholds.back();
    ch.thresholds.push_back(t);
  }
  std::sort(ch.thresholds.begin(), ch.thresholds.end());
  units::check_channel(c, ch);
  for (std::size_t k = 0; k < ch.thresholds.size(); ++k) {
    const std::int64_t t = ch.thresholds[k];
    cov->at_ends += t == lo || t == hi;
    cov->equal_runs += k > 0 && t == ch.thresholds[k - 1];
  }
  cov->descending += ch.descending;
  return ch;
}

std::int64_t random_x(const units::ThresholdConfig& c, const units::ThresholdChannel& ch,
                      std::mt19937_64& rng) {
  switch (rng() % 4) {
    case 0:
      return rng() % 2 ? c.x_min() : c.x_max();
    case 1:
    case 2: {
      const std::int64_t t = ch.thresholds[rng() % ch.thresholds.size()] + uniform(rng, -1, 1);
      return std::clamp(t, c.x_min(), c.x_max());
    }
    default:
      return uniform(rng, c.x_min(), c.x_max());
  }
}

// Writes memory word `fold` through wr_* (rtl/threshold.sv's layout, packed here from it: lane p
// at [p*WORD +: WORD], the direction in its bit 0, threshold k at [1 + k*TH_W +: TH_W]).
void write_word(Dut& dut, const units::ThresholdConfig& c, int fold,
                const std::vector<units::ThresholdChannel>& lanes) {
  const int th_w = c.x_w + 1, word = c.thresholds * th_w + 1;
  for (int p = 0; p < c.pe; ++p) {
    const units::ThresholdChannel& ch = lanes[static_cast<std::size_t>(p)];
    put_bits(dut.wr_data, p * word, 1, ch.descending ? 1 : 0);
    for (int k = 0; k < c.thresholds; ++k) {
      put_bits(dut.wr_data, p * word + 1 + k * th_w, th_w,
               static_cast<std::uint64_t>(ch.thresholds[static_cast<std::size_t>(k)]));
    }
  }
  dut.clk = 0;
  dut.wr_en = 1;
  dut.wr_addr = static_cast<std::uint64_t>(fold);
  dut.eval();
  tick(dut);
  dut.wr_en = 0;
  dut.eval();
}

// Streams `beats` (PE accumulators each) and checks every result and handshake.
StreamReport stream(Dut& dut, const units::ThresholdConfig& c, const std::vector<StreamData>& beats,
                    const std::vector<StreamData>& expected, const StreamOptions& opt) {
  return run_stream(
      dut, beats, expected, opt,
      [&](Dut& m, const StreamData& b) {
        for (int p = 0; p < c.pe; ++p) {
          put_bits(m.in_data, p * c.x_w, c.x_w,
                   static_cast<std::uint64_t>(b.values[static_cast<std::size_t>(p)]));
        }
      },
      [](const StreamData&) { return true; },
      [&](const Dut& m) {
        StreamData d;
        for (int p = 0; p < c.pe; ++p) {
          d.values.push_back(
              static_cast<std::int64_t>(get_bits(m.out_data, p * c.out_w(), c.out_w())));
        }
        return d;
      });
}

void check_random(const ThresholdVariant& v, std::uint64_t salt) {
  const units::UnitSpec& unit = units::find_unit("threshold");
  const units::ParamMap p = units::resolve_params(unit, v.overrides);
  const units::ThresholdConfig c = units::ThresholdConfig::from(p);
  const int latency = units::latency_cycles(unit, p);
  ASSERT_EQ(latency, c.stages);
  Dut dut("threshold", v.overrides);
  std::mt19937_64 rng(base_seed() * 1000003 + salt);
  const std::size_t beats_per_run = std::max<std::size_t>(
      200, static_cast<std::size_t>(vectors_per_variant()) / (8 * static_cast<std::size_t>(c.pe)));
  Coverage cov;
  std::uint64_t checked = 0, arith_mismatches = 0, rtl_mismatches = 0;
  for (const auto& [pv, pr] : stall_patterns()) {
    for (int round = 0; round < 2; ++round) {
      // New thresholds every run, written between runs as the unit allows.
      std::vector<units::ThresholdChannel> channels;
      for (int f = 0; f < c.folds(); ++f) {
        std::vector<units::ThresholdChannel> lanes;
        for (int l = 0; l < c.pe; ++l) lanes.push_back(random_channel(c, rng, &cov));
        write_word(dut, c, f, lanes);
        channels.insert(channels.end(), lanes.begin(), lanes.end());
      }
      std::vector<StreamData> in, expected;
      for (std::size_t i = 0; i < beats_per_run; ++i) {
        StreamData d, e;
        const int fold = static_cast<int>(i % static_cast<std::size_t>(c.folds()));
        for (int l = 0; l < c.pe; ++l) {
          const units::ThresholdChannel& ch = channels[static_cast<std::size_t>(fold * c.pe + l)];
          const std::int64_t x = random_x(c, ch, rng);
          const int want = brute_force(x, ch);
          if (units::threshold(c, x, ch) != want && arith_mismatches++ < 3) {
            ADD_FAILURE() << v.name << ": reference " << units::threshold(c, x, ch)
                          << " vs brute force " << want << " at x " << x;
          }
          cov.on_threshold +=
              std::find(ch.thresholds.begin(), ch.thresholds.end(), x) != ch.thresholds.end();
          d.values.push_back(x);
          e.values.push_back(want);
        }
        in.push_back(d);
        expected.push_back(e);
      }
      const StreamReport rep = stream(dut, c, in, expected, StreamOptions{latency, pv, pr, rng()});
      rtl_mismatches += rep.mismatches;
      EXPECT_EQ(rep.results, expected.size()) << v.name;
      if (pv == 1.0 && pr == 1.0) {
        // Beat i is taken on edge i; the last result is on out_valid STAGES edges later.
        EXPECT_EQ(rep.cycles, in.size() + static_cast<std::uint64_t>(c.stages)) << v.name;
      }
      checked += expected.size() * static_cast<std::size_t>(c.pe);
    }
  }
  EXPECT_EQ(arith_mismatches, 0u) << v.name;
  EXPECT_EQ(rtl_mismatches, 0u) << units::format_params(unit, p);
  EXPECT_GE(checked, 1600u) << v.name;
  // The stimuli reach the corners that matter.
  EXPECT_GT(cov.at_ends, 0u) << v.name;
  EXPECT_GT(cov.descending, 0u) << v.name;
  EXPECT_GT(cov.on_threshold, 0u) << v.name;
  if (c.thresholds > 1) {
    EXPECT_GT(cov.equal_runs, 0u) << v.name;
  }
}

TEST(Prebuild, ThresholdVariants) {
  for (const ThresholdVariant& v : grid()) {
    const Dut dut("threshold", v.overrides);
    EXPECT_EQ(dut.variant().unit, "threshold") << v.name;
  }
}

class ThresholdGrid : public ::testing::TestWithParam<ThresholdVariant> {};

TEST_P(ThresholdGrid, RandomRtlEqualsBruteForceUnderStalls) {
  check_random(GetParam(), std::hash<std::string>{}(GetParam().name));
}

INSTANTIATE_TEST_SUITE_P(Threshold, ThresholdGrid, ::testing::ValuesIn(grid()),
                         [](const ::testing::TestParamInfo<ThresholdVariant>& info) {
                           return std::string(info.param.name);
                         });

// Hand-worked on T = 3, X_W = 5 ([-16, 15]), PE 4, NF 3, no stalls: fold 0's lanes
//   0: up {-3, 0, 0}   1: down {-17, 2, 16}   2: up {16, 16, 16} (never)   3: down {-17 x 3}
// (never); folds 1 and 2: up {-16, -16, -16} (always 3). Beats of fold 0 at x = -16, 0, 3, 15:
//   lane 0: 0, 3, 3, 3;  lane 1: 2, 2, 1, 1;  lanes 2 and 3: 0.
TEST(Threshold, HandWorkedRtl) {
  const ThresholdVariant& v = grid()[2];
  const units::ThresholdConfig c = units::ThresholdConfig::from(
      units::resolve_params(units::find_unit("threshold"), v.overrides));
  Dut dut("threshold", v.overrides);
  write_word(
      dut, c, 0,
      {{false, {-3, 0, 0}}, {true, {-17, 2, 16}}, {false, {16, 16, 16}}, {true, {-17, -17, -17}}});
  const units::ThresholdChannel always{false, {-16, -16, -16}};
  for (int f = 1; f < 3; ++f) write_word(dut, c, f, {always, always, always, always});
  std::vector<StreamData> in, expected;
  const std::int64_t xs[] = {-16, 0, 3, 15};
  const std::int64_t lane0[] = {0, 3, 3, 3}, lane1[] = {2, 2, 1, 1};
  for (int i = 0; i < 4; ++i) {
    in.push_back(StreamData{{xs[i], xs[i], xs[i], xs[i]}});
    expected.push_back(StreamData{{lane0[i], lane1[i], 0, 0}});
    in.push_back(StreamData{{xs[i], -16, 0, 15}});
    expected.push_back(StreamData{{3, 3, 3, 3}});
    in.push_back(StreamData{{-16, -16, -16, -16}});
    expected.push_back(StreamData{{3, 3, 3, 3}});
  }
  const StreamReport rep = stream(dut, c, in, expected, StreamOptions{c.stages});
  EXPECT_EQ(rep.mismatches, 0u);
  EXPECT_EQ(rep.results, expected.size());
  EXPECT_EQ(rep.cycles, in.size() + static_cast<std::uint64_t>(c.stages));
}

}  // namespace
