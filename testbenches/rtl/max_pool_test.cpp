// max_pool: the Verilated RTL and the sc_module model (models/streaming/max_pool_model.hpp) in
// lock step under random valid / ready stalls, every cycle's handshakes and data equal; the
// pooled map equal to a brute force written here (and to the reference of models/units); the
// stall-free cycle count equal to the formula of docs/rtl_units.md; a hand-worked map; bad
// parameters rejected by name and range.
#include "models/units/max_pool/max_pool.hpp"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "models/streaming/feature_map_stream.hpp"
#include "models/streaming/max_pool_model.hpp"
#include "models/units/unit_registry.hpp"
#include "testbenches/env/simulation_scope.hpp"
#include "testbenches/rtl/rtl_variants.hpp"
#include "testbenches/rtl/stream_cosim.hpp"
#include "testbenches/rtl/test_env.hpp"

namespace {

namespace units = fxsim::units;
namespace rv = fxsim::rtl_variants;
using namespace fxsim::rtl_test;

units::MaxPoolConfig config_of(const units::ParamMap& overrides) {
  return units::MaxPoolConfig::from(units::resolve_params(units::find_unit("max_pool"), overrides));
}

// Brute force, written from the definition: out[oy][ox][c] = the largest of the POOL x POOL
// elements whose rows are oy*POOL .. oy*POOL + POOL - 1 and columns ox*POOL .. (floor: only
// whole windows).
std::vector<std::int64_t> brute_force(const units::MaxPoolConfig& c,
                                      const std::vector<std::int64_t>& map) {
  std::vector<std::int64_t> out;
  for (int oy = 0; (oy + 1) * c.pool <= c.h; ++oy) {
    for (int ox = 0; (ox + 1) * c.pool <= c.w; ++ox) {
      for (int ch = 0; ch < c.c; ++ch) {
        std::vector<std::int64_t> window;
        for (int y = oy * c.pool; y < (oy + 1) * c.pool; ++y) {
          for (int x = ox * c.pool; x < (ox + 1) * c.pool; ++x) {
            window.push_back(map[static_cast<std::size_t>((y * c.w + x) * c.c + ch)]);
          }
        }
        out.push_back(*std::max_element(window.begin(), window.end()));
      }
    }
  }
  return out;
}

// The stream of a map, packed here from the convention (pixels row-major, channels fastest,
// SIMD per beat, zero lanes past C), independently of models/streaming.
std::vector<StreamData> stream_of(const units::MaxPoolConfig& c,
                                  const std::vector<std::int64_t>& map, int pixels) {
  std::vector<StreamData> beats;
  const int per_pixel = (c.c + c.simd - 1) / c.simd;
  for (int p = 0; p < pixels; ++p) {
    for (int b = 0; b < per_pixel; ++b) {
      StreamData d;
      for (int l = 0; l < c.simd; ++l) {
        const int ch = b * c.simd + l;
        d.values.push_back(ch < c.c ? map[static_cast<std::size_t>(p * c.c + ch)] : 0);
      }
      beats.push_back(d);
    }
  }
  return beats;
}

std::vector<std::int64_t> random_map(const units::MaxPoolConfig& c, std::mt19937_64& rng) {
  const std::int64_t lo = c.in_signed ? -(std::int64_t{1} << (c.in_w - 1)) : 0;
  const std::int64_t hi =
      c.in_signed ? (std::int64_t{1} << (c.in_w - 1)) - 1 : (std::int64_t{1} << c.in_w) - 1;
  std::uniform_int_distribution<std::int64_t> value(lo, hi);
  std::vector<std::int64_t> map(static_cast<std::size_t>(c.h * c.w * c.c));
  for (auto& v : map) {
    const auto pick = rng() % 8;
    v = pick == 0 ? lo : pick == 1 ? hi : value(rng);  // the extremes often: the compare's corners
  }
  return map;
}

void pack_lanes(Dut& dut, const units::MaxPoolConfig& c, const StreamData& d) {
  for (int l = 0; l < c.simd; ++l) {
    put_bits(dut.in_data, l * c.in_w, c.in_w,
             static_cast<std::uint64_t>(d.values[static_cast<std::size_t>(l)]));
  }
}

StreamData unpack_lanes(const Dut& dut, const units::MaxPoolConfig& c) {
  StreamData d;
  for (int l = 0; l < c.simd; ++l) {
    d.values.push_back(to_raw(get_bits(dut.out_data, l * c.in_w, c.in_w), c.in_w, c.in_signed));
  }
  return d;
}

// Every stall pattern with three seeds, each on a fresh random map.
void check_variant(const char* name, const units::ParamMap& overrides, std::uint64_t salt) {
  const units::MaxPoolConfig c = config_of(overrides);
  fxsim::env::SimulationScope scope;
  StreamSignals s;
  fxsim::streaming::MaxPoolModule model("max_pool", c);
  s.bind(model);
  Dut dut("max_pool", overrides);
  std::mt19937_64 rng(base_seed() * 7919 + salt);
  for (const auto& [pv, pr] : streaming_stall_patterns()) {
    for (int seed = 0; seed < 3; ++seed) {
      const std::vector<std::int64_t> map = random_map(c, rng);
      const std::vector<std::int64_t> want = brute_force(c, map);
      ASSERT_EQ(units::max_pool(c, map), want) << name << ": reference vs brute force";
      const std::vector<StreamData> in = stream_of(c, map, c.h * c.w);
      const std::vector<StreamData> expected = stream_of(c, want, c.out_h() * c.out_w());
      const CosimRun run = run_cosim(
          dut, s, in, expected.size(), Stalls{pv, pr, rng()}, false,
          [&](Dut& d, const StreamData& b) { pack_lanes(d, c, b); },
          [&](const Dut& d) { return unpack_lanes(d, c); });
      EXPECT_EQ(run.mismatches, 0u) << name << " p_valid " << pv << " p_ready " << pr;
      ASSERT_EQ(run.outputs.size(), expected.size()) << name;
      for (std::size_t i = 0; i < expected.size(); ++i) {
        ASSERT_EQ(run.outputs[i], expected[i]) << name << " output beat " << i;
      }
      if (pv == 1.0 && pr == 1.0) {
        // One beat per cycle: the map's H*W*CB beats, or the last window's beat + 1 + latency.
        const std::uint64_t cb = static_cast<std::uint64_t>((c.c + c.simd - 1) / c.simd);
        const std::uint64_t last_window_beat =
            ((static_cast<std::uint64_t>(c.h / c.pool * c.pool) - 1) * c.w +
             (c.w / c.pool * c.pool - 1)) *
                cb +
            cb - 1;
        const std::uint64_t expect_cycles =
            std::max<std::uint64_t>(in.size(), last_window_beat + 2);
        EXPECT_EQ(run.cycles, expect_cycles) << name;
        EXPECT_EQ(fxsim::streaming::MaxPoolModel::stall_free_cycles(c), expect_cycles) << name;
      }
    }
  }
}

TEST(MaxPool, Pool2Simd1Signed8) { check_variant("pool2_simd1", rv::pool2_simd1::overrides(), 1); }
TEST(MaxPool, Pool2Simd3Unsigned5C8LeftoverRowAndColumn) {
  check_variant("pool2_simd3_c8", rv::pool2_simd3_c8::overrides(), 2);
}
TEST(MaxPool, Pool2Simd8C3Signed16) {
  check_variant("pool2_simd8_c3", rv::pool2_simd8_c3::overrides(), 3);
}
TEST(MaxPool, Pool3Simd2Signed1Bit) {
  check_variant("pool3_simd2_w1", rv::pool3_simd2_w1::overrides(), 4);
}
TEST(MaxPool, Pool3Simd8Signed12) { check_variant("pool3_simd8", rv::pool3_simd8::overrides(), 5); }
TEST(MaxPool, Pool4Simd2Unsigned3C5) {
  check_variant("pool4_simd2_c5", rv::pool4_simd2_c5::overrides(), 6);
}
TEST(MaxPool, Pool4Simd1Unsigned1Bit) {
  check_variant("pool4_simd1_u1", rv::pool4_simd1_u1::overrides(), 7);
}

// Hand-worked (docs/rtl_units.md): POOL 2, SIMD 2, C 3 (Cp 4: two beats per pixel, lane 1 of
// the second zero), signed 8-bit, H 2 x W 5 (column 4 dropped). Pixel (y, x) holds channels
// {10 y + x, -(10 y + x), 7 - x}:
//   window (0, 0): pixels (0,0) (0,1) (1,0) (1,1): c0 max(0,1,10,11) = 11, c1 max(0,-1,-10,-11)
//   = 0, c2 max(7,6,7,6) = 7; window (0, 1): pixels x = 2, 3: c0 13, c1 -2, c2 5.
TEST(MaxPool, HandWorked) {
  const units::ParamMap p = {{"POOL", 2}, {"SIMD", 2}, {"IN_W", 8}, {"IN_SIGNED", 1},
                             {"C", 3},    {"H", 2},    {"W", 5}};
  const units::MaxPoolConfig c = config_of(p);
  std::vector<std::int64_t> map;
  for (int y = 0; y < 2; ++y) {
    for (int x = 0; x < 5; ++x) map.insert(map.end(), {10 * y + x, -(10 * y + x), 7 - x});
  }
  EXPECT_EQ(units::max_pool(c, map), (std::vector<std::int64_t>{11, 0, 7, 13, -2, 5}));
  const std::vector<fxsim::streaming::Lanes> beats = fxsim::streaming::map_to_beats(map, 3, 2);
  ASSERT_EQ(beats.size(), 20u);
  EXPECT_EQ(beats[1], (fxsim::streaming::Lanes{7, 0}));  // pixel (0,0), channel 2 and a zero lane
  EXPECT_EQ(fxsim::streaming::beats_to_map(beats, 3, 2), map);
  // The model alone, stall-free: results after the beats of pixels (1,1) and (1,3), i.e. after
  // input beats 13 and 17; each is on out_valid in the cycle after.
  fxsim::streaming::MaxPoolModel m(c);
  std::vector<int> valid_cycles;
  std::vector<fxsim::streaming::Lanes> out;
  for (int cycle = 0; cycle < 21; ++cycle) {
    if (m.out_valid()) {
      valid_cycles.push_back(cycle);
      out.push_back(m.out_data());
    }
    m.edge(cycle < 20, beats[static_cast<std::size_t>(std::min(cycle, 19))], true);
  }
  EXPECT_EQ(valid_cycles, (std::vector<int>{13, 14, 17, 18}));
  EXPECT_EQ(out, (std::vector<fxsim::streaming::Lanes>{{11, 0}, {7, 0}, {13, -2}, {5, 0}}));
}

// The lock-step check can fail: the RTL of POOL 2 against the model of POOL 3 on the same 6 x 6
// map (its first result comes later) must be caught.
TEST(MaxPool, CosimCatchesAModelOfAnotherPoolSize) {
  const units::MaxPoolConfig c = config_of(rv::pool2_simd1::overrides());
  units::MaxPoolConfig wrong = c;
  wrong.pool = 3;
  fxsim::env::SimulationScope scope;
  StreamSignals s;
  fxsim::streaming::MaxPoolModule model("max_pool", wrong);
  s.bind(model);
  Dut dut("max_pool", rv::pool2_simd1::overrides());
  std::mt19937_64 rng(11);
  const std::vector<std::int64_t> map = random_map(c, rng);
  const std::vector<StreamData> in = stream_of(c, map, c.h * c.w);
  ::testing::TestPartResultArray failures;
  CosimRun run;
  {
    ::testing::ScopedFakeTestPartResultReporter quiet(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
    run = run_cosim(
        dut, s, in, static_cast<std::size_t>(c.out_h() * c.out_w() * c.c), Stalls{1.0, 1.0, 1},
        false, [&](Dut& d, const StreamData& b) { pack_lanes(d, c, b); },
        [&](const Dut& d) { return unpack_lanes(d, c); });
  }
  EXPECT_GT(run.mismatches, 0u);
  EXPECT_GT(failures.size(), 0);
}

std::string error_of(const units::ParamMap& overrides) {
  try {
    units::resolve_params(units::find_unit("max_pool"), overrides);
  } catch (const units::UnitParamError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(MaxPool, BadParametersNamedWithRange) {
  EXPECT_EQ(error_of({{"POOL", 1}}),
            "max_pool: parameter POOL = 1 is out of range, expected 2..4 (window side and stride)");
  EXPECT_EQ(error_of({{"POOL", 5}}),
            "max_pool: parameter POOL = 5 is out of range, expected 2..4 (window side and stride)");
  EXPECT_EQ(error_of({{"SIMD", 0}}),
            "max_pool: parameter SIMD = 0 is out of range, expected 1..64 (channels per beat)");
  EXPECT_EQ(error_of({{"POOL", 3}, {"H", 2}}),
            "max_pool: H = 2 makes no full window, expected H >= POOL = 3 (H 2..4096)");
  EXPECT_EQ(error_of({{"POOL", 4}, {"H", 8}, {"W", 3}}),
            "max_pool: W = 3 makes no full window, expected W >= POOL = 4 (W 2..4096)");
  EXPECT_EQ(error_of({{"IN_W", 33}}),
            "max_pool: parameter IN_W = 33 is out of range, expected 1..32 (word length of an "
            "element (its raw integer))");
  EXPECT_EQ(error_of({{"POOL", 4}, {"H", 4}, {"W", 4}}), "(no error)");
}

}  // namespace
