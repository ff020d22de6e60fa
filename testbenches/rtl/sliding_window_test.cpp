// sliding_window (rtl/sliding_window.sv) against a brute-force window extraction written here
// from the documented order, and against its cycle-accurate model (models/streaming/) run as an
// sc_module under sc_start next to the Verilated RTL: for every variant of rtl_variants.hpp's
// grid, three images back to back under random in_valid gaps and out_ready stalls (seeds x
// probabilities, including none and heavy), every output beat must equal the brute force, and
// every cycle the model's in_ready, out_valid and out_data must equal the RTL's, so their cycle
// counts are equal too. Without stalls the first out_valid comes at first_output_cycle() and the
// last beat is taken after no_stall_cycles() (the event-time recurrence of models/units).
#include "models/units/sliding_window/sliding_window.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <random>
#include <sstream>
#include <string>
#include <systemc>
#include <vector>

#include "models/streaming/sliding_window_model.hpp"
#include "testbenches/env/simulation_scope.hpp"
#include "testbenches/rtl/port_dut.hpp"
#include "testbenches/rtl/rtl_variants.hpp"
#include "testbenches/rtl/test_env.hpp"

namespace fxsim::rtl_test {
namespace {

using units::Beat;
using units::ParamMap;
using units::SlidingWindowConfig;

// The beats of images[n] (raw values (y * W + x) * C + c) as the input stream carries them,
// written from the convention: beat b of a pixel holds channels b*SIMD .. b*SIMD + SIMD-1, zero
// past C.
std::vector<Beat> stream_of(const SlidingWindowConfig& c, const std::vector<std::int64_t>& img) {
  std::vector<Beat> beats;
  const int cb = (c.c + c.simd - 1) / c.simd;
  for (int y = 0; y < c.h; ++y) {
    for (int x = 0; x < c.w; ++x) {
      for (int b = 0; b < cb; ++b) {
        Beat beat;
        for (int lane = 0; lane < c.simd; ++lane) {
          const int ch = b * c.simd + lane;
          beat.push_back(ch < c.c ? img[static_cast<std::size_t>((y * c.w + x) * c.c + ch)] : 0);
        }
        beats.push_back(beat);
      }
    }
  }
  return beats;
}

// Output beat j of one image by brute force: j enumerates (oy, ox, ky, kx, b) with b fastest;
// element e = (ky*K + kx)*Cp + c of the window is channel c of input pixel
// (oy*S - P + ky, ox*S - P + kx), zero outside the map or past C.
std::vector<Beat> brute_force_windows(const SlidingWindowConfig& c,
                                      const std::vector<std::int64_t>& img) {
  const int cb = (c.c + c.simd - 1) / c.simd;
  const int ho = (c.h + 2 * c.pad - c.k) / c.stride + 1;
  const int wo = (c.w + 2 * c.pad - c.k) / c.stride + 1;
  const std::int64_t total = std::int64_t{ho} * wo * c.k * c.k * cb;
  std::vector<Beat> out;
  for (std::int64_t j = 0; j < total; ++j) {
    std::int64_t r = j;
    const int b = static_cast<int>(r % cb);
    r /= cb;
    const int kx = static_cast<int>(r % c.k);
    r /= c.k;
    const int ky = static_cast<int>(r % c.k);
    r /= c.k;
    const int ox = static_cast<int>(r % wo);
    const int oy = static_cast<int>(r / wo);
    const int y = oy * c.stride - c.pad + ky, x = ox * c.stride - c.pad + kx;
    Beat beat;
    for (int lane = 0; lane < c.simd; ++lane) {
      const int ch = b * c.simd + lane;
      const bool in_map = y >= 0 && y < c.h && x >= 0 && x < c.w && ch < c.c;
      beat.push_back(in_map ? img[static_cast<std::size_t>((y * c.w + x) * c.c + ch)] : 0);
    }
    out.push_back(beat);
  }
  return out;
}

std::string show(const Beat& b) {
  std::ostringstream s;
  s << streaming::StreamData{b};
  return s.str();
}

struct Stalls {
  double p_valid, p_ready;
  std::uint64_t seed;
};

struct RunResult {
  std::uint64_t cycles = 0;  // edges after reset until the last output beat was taken
  int first_out_valid = -1;  // cycle of the first out_valid (0 = the first cycle after reset)
  std::uint64_t outputs = 0;
  std::uint64_t mismatches = 0;
};

// The RTL and the model side by side, one cycle at a time: inputs are applied while clk is low,
// outputs compared, then the rising edge.
class CoSim {
 public:
  CoSim(const ParamMap& overrides, const SlidingWindowConfig& cfg)
      : cfg_(cfg), dut_("sliding_window", overrides), model_("sw_model", cfg) {
    model_.clk(clk_);
    model_.rst_n(rst_n_);
    model_.in_valid(in_valid_);
    model_.in_ready(in_ready_);
    model_.in_data(in_data_);
    model_.out_valid(out_valid_);
    model_.out_ready(out_ready_);
    model_.out_data(out_data_);
  }

  RunResult run(const std::vector<Beat>& in, const std::vector<Beat>& expected, const Stalls& st) {
    std::mt19937_64 rng(st.seed);
    std::bernoulli_distribution offer(st.p_valid), ready(st.p_ready);
    RunResult res;
    auto fail = [&](const std::string& what) {
      if (++res.mismatches <= 5) ADD_FAILURE() << "cycle " << res.cycles << ": " << what;
    };
    // Reset: two edges with rst_n low.
    apply(false, false, in[0], false);
    for (int i = 0; i < 2; ++i) edge();
    std::size_t next_in = 0, next_out = 0;
    const std::uint64_t limit =
        100 + 8 * (in.size() + expected.size()) / std::max(0.01, st.p_valid * st.p_ready);
    while (next_out < expected.size() && res.cycles < limit) {
      const bool v = next_in < in.size() && offer(rng);
      const bool r = ready(rng);
      // With in_valid low the data carries another beat: it must be ignored.
      apply(true, v, in[v ? next_in : rng() % in.size()], r);
      const bool rtl_in_ready = dut_.in_ready != 0, rtl_out_valid = dut_.out_valid != 0;
      if (in_ready_.read() != rtl_in_ready) {
        fail("in_ready: model " + std::to_string(in_ready_.read()) + ", rtl " +
             std::to_string(rtl_in_ready));
      }
      if (out_valid_.read() != rtl_out_valid) {
        fail("out_valid: model " + std::to_string(out_valid_.read()) + ", rtl " +
             std::to_string(rtl_out_valid));
      }
      if (rtl_out_valid) {
        if (res.first_out_valid < 0) res.first_out_valid = static_cast<int>(res.cycles);
        const Beat got = read_out();
        if (got != out_data_.read().values) {
          fail("out_data: model " + show(out_data_.read().values) + ", rtl " + show(got));
        }
        if (got != expected[next_out]) {
          fail("beat " + std::to_string(next_out) + ": rtl " + show(got) + ", expected " +
               show(expected[next_out]));
        }
        if (r) ++next_out;
      }
      if (v && rtl_in_ready) ++next_in;
      edge();
      ++res.cycles;
    }
    res.outputs = next_out;
    if (next_out != expected.size()) {
      fail("only " + std::to_string(next_out) + " of " + std::to_string(expected.size()) +
           " beats after " + std::to_string(res.cycles) + " cycles");
    }
    return res;
  }

 private:
  void apply(bool rst_n, bool valid, const Beat& data, bool ready) {
    rst_n_.write(rst_n);
    in_valid_.write(valid);
    in_data_.write(streaming::StreamData{data});
    out_ready_.write(ready);
    clk_.write(false);
    sc_core::sc_start(1, sc_core::SC_NS);
    dut_.rst_n = rst_n ? 1 : 0;
    dut_.in_valid = valid ? 1 : 0;
    dut_.out_ready = ready ? 1 : 0;
    for (int lane = 0; lane < cfg_.simd; ++lane) {
      put_bits(dut_.in_data, lane * cfg_.in_w, cfg_.in_w,
               static_cast<std::uint64_t>(data[static_cast<std::size_t>(lane)]));
    }
    dut_.clk = 0;
    dut_.eval();
  }

  void edge() {
    clk_.write(true);
    sc_core::sc_start(1, sc_core::SC_NS);
    dut_.clk = 1;
    dut_.eval();
  }

  Beat read_out() {
    Beat b;
    for (int lane = 0; lane < cfg_.simd; ++lane) {
      b.push_back(
          to_raw(get_bits(dut_.out_data, lane * cfg_.in_w, cfg_.in_w), cfg_.in_w, cfg_.in_signed));
    }
    return b;
  }

  SlidingWindowConfig cfg_;
  Dut dut_;
  sc_core::sc_signal<bool> clk_{"clk"}, rst_n_{"rst_n"}, in_valid_{"in_valid"},
      in_ready_{"in_ready"}, out_valid_{"out_valid"}, out_ready_{"out_ready"};
  sc_core::sc_signal<streaming::StreamData> in_data_{"in_data"}, out_data_{"out_data"};
  streaming::SlidingWindowModule model_;
};

// Random raw images of the element format.
std::vector<std::int64_t> random_image(const SlidingWindowConfig& c, std::mt19937_64& rng) {
  const std::int64_t lo = c.in_signed ? -(std::int64_t{1} << (c.in_w - 1)) : 0;
  const std::int64_t hi =
      c.in_signed ? (std::int64_t{1} << (c.in_w - 1)) - 1 : (std::int64_t{1} << c.in_w) - 1;
  std::uniform_int_distribution<std::int64_t> d(lo, hi);
  std::vector<std::int64_t> img(static_cast<std::size_t>(c.h * c.w * c.c));
  for (auto& v : img) v = d(rng);
  return img;
}

struct Case {
  const char* name;
  ParamMap params;
};

// gtest prints a parameter in test listings: the variant's name rather than its bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class SlidingWindow : public ::testing::TestWithParam<Case> {};

constexpr int kImages = 3;

TEST_P(SlidingWindow, RtlEqualsBruteForceAndModelUnderStalls) {
  const units::UnitSpec& unit = units::find_unit("sliding_window");
  const SlidingWindowConfig cfg =
      SlidingWindowConfig::from(units::resolve_params(unit, GetParam().params));
  const Stalls patterns[] = {{1.0, 1.0, 1}, {0.5, 0.5, 2}, {0.5, 0.5, 3},
                             {0.2, 0.9, 4}, {0.9, 0.2, 5}, {0.7, 0.6, 6}};
  for (const Stalls& st : patterns) {
    SCOPED_TRACE("p_valid " + std::to_string(st.p_valid) + " p_ready " +
                 std::to_string(st.p_ready) + " seed " + std::to_string(st.seed));
    std::mt19937_64 rng(base_seed() * 1000 + st.seed);
    std::vector<Beat> in, expected;
    for (int n = 0; n < kImages; ++n) {
      const std::vector<std::int64_t> img = random_image(cfg, rng);
      for (Beat& b : stream_of(cfg, img)) in.push_back(b);
      for (Beat& b : brute_force_windows(cfg, img)) expected.push_back(b);
    }
    ASSERT_EQ(expected.size(), static_cast<std::size_t>(kImages * cfg.output_beats()));
    env::SimulationScope scope;
    CoSim sim(GetParam().params, cfg);
    const RunResult r = sim.run(in, expected, st);
    EXPECT_EQ(r.mismatches, 0u);
    EXPECT_EQ(r.outputs, expected.size());
    if (st.p_valid == 1.0 && st.p_ready == 1.0) {
      EXPECT_EQ(r.first_out_valid, units::first_output_cycle(cfg));
      EXPECT_EQ(r.cycles, static_cast<std::uint64_t>(units::no_stall_cycles(cfg, kImages)));
      // Never faster than one beat per cycle on either side.
      EXPECT_GE(r.cycles, static_cast<std::uint64_t>(
                              kImages * std::max(cfg.output_beats(), cfg.input_beats())));
    }
  }
}

std::vector<Case> cases() {
  std::vector<Case> out;
  for (const auto& [name, params] : rtl_variants::sw::grid()) out.push_back({name, params});
  return out;
}

INSTANTIATE_TEST_SUITE_P(Grid, SlidingWindow, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace fxsim::rtl_test
