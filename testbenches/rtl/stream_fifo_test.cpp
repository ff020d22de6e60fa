// stream_fifo: the Verilated RTL and the sc_module model (models/streaming/stream_fifo_model.hpp)
// in lock step under random valid / ready stalls, every cycle's in_ready, out_valid, count and
// data equal; the delivered beats equal to the input beats in order; count equal to the beats
// accepted minus the beats delivered (a tally kept here), never above DEPTH, and the model's
// largest count equal to the tally's; the stall-free latency and a stalled sink's capacity equal
// to docs/rtl_units.md; bad parameters rejected by name and range.
#include "models/units/stream_fifo/stream_fifo.hpp"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "models/streaming/stream_fifo_model.hpp"
#include "models/units/unit_registry.hpp"
#include "testbenches/env/simulation_scope.hpp"
#include "testbenches/rtl/rtl_variants.hpp"
#include "testbenches/rtl/stream_cosim.hpp"
#include "testbenches/rtl/test_env.hpp"

namespace {

namespace units = fxsim::units;
namespace rv = fxsim::rtl_variants;
using namespace fxsim::rtl_test;

int chunks(int width) { return (width + 63) / 64; }

StreamData random_word(int width, std::mt19937_64& rng) {
  StreamData d;
  for (int i = 0; i < chunks(width); ++i) {
    const int bits = std::min(64, width - 64 * i);
    d.values.push_back(static_cast<std::int64_t>(rng() & low_mask(bits)));
  }
  return d;
}

void pack_word(Dut& dut, int width, const StreamData& d) {
  for (int i = 0; i < chunks(width); ++i) {
    put_bits(dut.in_data, 64 * i, std::min(64, width - 64 * i),
             static_cast<std::uint64_t>(d.values[static_cast<std::size_t>(i)]));
  }
}

StreamData unpack_word(const Dut& dut, int width) {
  StreamData d;
  for (int i = 0; i < chunks(width); ++i) {
    d.values.push_back(
        static_cast<std::int64_t>(get_bits(dut.out_data, 64 * i, std::min(64, width - 64 * i))));
  }
  return d;
}

struct Fixture {
  explicit Fixture(const units::ParamMap& overrides)
      : cfg(units::StreamFifoConfig::from(
            units::resolve_params(units::find_unit("stream_fifo"), overrides))),
        model("stream_fifo", cfg),
        dut("stream_fifo", overrides) {
    s.bind(model);
    model.count(s.count);
  }
  CosimRun run(const std::vector<StreamData>& in, const Stalls& st) {
    return run_cosim(
        dut, s, in, in.size(), st, true,
        [&](Dut& d, const StreamData& b) { pack_word(d, cfg.width, b); },
        [&](const Dut& d) { return unpack_word(d, cfg.width); });
  }
  fxsim::env::SimulationScope scope;  // first: the SystemC objects below live in it
  units::StreamFifoConfig cfg;
  StreamSignals s;
  fxsim::streaming::StreamFifoModule model;
  Dut dut;
};

void check_variant(const char* name, const units::ParamMap& overrides, std::uint64_t salt,
                   int beats_per_run = 120) {
  Fixture f(overrides);
  std::mt19937_64 rng(base_seed() * 104729 + salt);
  int largest = 0;
  for (const auto& [pv, pr] : streaming_stall_patterns()) {
    for (int seed = 0; seed < 3; ++seed) {
      std::vector<StreamData> in;
      for (int i = 0; i < beats_per_run; ++i) in.push_back(random_word(f.cfg.width, rng));
      const CosimRun run = f.run(in, Stalls{pv, pr, rng()});
      EXPECT_EQ(run.mismatches, 0u) << name << " p_valid " << pv << " p_ready " << pr;
      ASSERT_EQ(run.outputs, in) << name << ": the beats must leave as they came";
      // The occupancy: what was accepted and not yet delivered (0 for the wire).
      int tally_max = 0;
      for (std::size_t i = 0; i < run.rtl_count.size(); ++i) {
        const int held = f.cfg.depth == 0 ? 0 : static_cast<int>(run.held[i]);
        ASSERT_EQ(run.rtl_count[i], held) << name << " cycle " << i;
        ASSERT_LE(run.rtl_count[i], f.cfg.depth) << name;
        tally_max = std::max(tally_max, held);
      }
      EXPECT_EQ(f.model.model().stats().max_count, tally_max) << name;
      largest = std::max(largest, tally_max);
      if (pv == 1.0 && pr == 1.0) {
        // A beat per cycle: the last leaves `latency` edges after it entered.
        EXPECT_EQ(run.cycles, in.size() + static_cast<std::size_t>(f.cfg.depth == 0   ? 0
                                                                   : f.cfg.depth == 1 ? 1
                                                                                      : 2))
            << name;
      }
    }
  }
  // The busy input into a stalled sink fills every FIFO to its depth at some point.
  EXPECT_EQ(largest, f.cfg.depth) << name;

  // Capacity: with out_ready low the FIFO takes exactly DEPTH beats, then holds in_ready low.
  const std::vector<StreamData> in(static_cast<std::size_t>(f.cfg.depth + 3),
                                   random_word(f.cfg.width, rng));
  reset(f.dut);
  f.dut.in_valid = 1;
  f.dut.out_ready = 0;
  pack_word(f.dut, f.cfg.width, in.front());
  f.dut.eval();
  int taken = 0;
  for (std::size_t i = 0; i < in.size() + 3; ++i) {
    taken += f.dut.in_ready != 0;
    tick(f.dut);
  }
  EXPECT_EQ(taken, f.cfg.depth) << name;
}

TEST(StreamFifo, Depth0WireWidth8) { check_variant("fifo_d0", rv::fifo_d0::overrides(), 1); }
TEST(StreamFifo, Depth1SliceWidth70) {
  check_variant("fifo_d1_w70", rv::fifo_d1_w70::overrides(), 2);
}
TEST(StreamFifo, Depth2Width1) { check_variant("fifo_d2_w1", rv::fifo_d2_w1::overrides(), 3); }
TEST(StreamFifo, Depth3Width1024Registers) {
  check_variant("fifo_d3_w1024", rv::fifo_d3_w1024::overrides(), 4, 60);
}
TEST(StreamFifo, Depth17Width12) {
  check_variant("fifo_d17_w12", rv::fifo_d17_w12::overrides(), 5);
}
TEST(StreamFifo, Depth65Width36Lutram) {
  check_variant("fifo_d65_lutram", rv::fifo_d65_lutram::overrides(), 6, 300);
}
TEST(StreamFifo, Depth1025Width18Bram) {
  check_variant("fifo_d1025_bram", rv::fifo_d1025_bram::overrides(), 7, 2500);
}

// The lock-step check can fail: the RTL of DEPTH 2 against the model of a DEPTH 3 FIFO (one
// beat more before in_ready drops) must be caught, under the stalled-sink pattern.
TEST(StreamFifo, CosimCatchesAModelOfAnotherDepth) {
  fxsim::env::SimulationScope scope;
  units::StreamFifoConfig wrong = units::StreamFifoConfig::from(
      units::resolve_params(units::find_unit("stream_fifo"), rv::fifo_d2_w1::overrides()));
  wrong.depth = 3;
  StreamSignals s;
  fxsim::streaming::StreamFifoModule model("stream_fifo", wrong);
  s.bind(model);
  model.count(s.count);
  Dut dut("stream_fifo", rv::fifo_d2_w1::overrides());
  std::mt19937_64 rng(3);
  std::vector<StreamData> in;
  for (int i = 0; i < 40; ++i) in.push_back(random_word(1, rng));
  ::testing::TestPartResultArray failures;
  CosimRun run;
  {
    ::testing::ScopedFakeTestPartResultReporter quiet(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
    run = run_cosim(
        dut, s, in, in.size(), Stalls{0.9, 0.2, 5}, true,
        [](Dut& d, const StreamData& b) { pack_word(d, 1, b); },
        [](const Dut& d) { return unpack_word(d, 1); });
  }
  EXPECT_GT(run.mismatches, 0u);
  EXPECT_GT(failures.size(), 0);
}

std::string error_of(const units::ParamMap& overrides) {
  try {
    units::resolve_params(units::find_unit("stream_fifo"), overrides);
  } catch (const units::UnitParamError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(StreamFifo, BadParametersNamedWithRange) {
  EXPECT_EQ(error_of({{"DEPTH", -1}}),
            "stream_fifo: parameter DEPTH = -1 is out of range, expected 0..32768 (beats held: 0 "
            "a wire, 1 a register slice, >= 2 a memory of DEPTH - 1 words and the output "
            "register)");
  EXPECT_EQ(error_of({{"WIDTH", 0}}),
            "stream_fifo: parameter WIDTH = 0 is out of range, expected 1..1024 (bits of a beat)");
  EXPECT_EQ(error_of({{"STYLE", 4}}),
            "stream_fifo: parameter STYLE = 4 is out of range, expected 0..3 (memory of DEPTH >= "
            "2: 0 AUTO (yosys decides), 1 REGISTERS, 2 LUTRAM, 3 BRAM)");
  const units::UnitSpec& u = units::find_unit("stream_fifo");
  EXPECT_EQ(units::parse_param_value(u, "STYLE", "lutram"), 2);
  try {
    units::parse_param_value(u, "STYLE", "ULTRA");
    FAIL() << "no exception";
  } catch (const units::UnitParamError& e) {
    EXPECT_STREQ(e.what(),
                 "stream_fifo: \"ULTRA\" is not a value of STYLE; expected an integer 0..3 or a "
                 "name: 0 AUTO, 1 REGISTERS, 2 LUTRAM, 3 BRAM");
  }
}

TEST(StreamFifo, LatencyAndCountWidth) {
  EXPECT_EQ(units::stream_fifo_latency(0), 0);
  EXPECT_EQ(units::stream_fifo_latency(1), 1);
  EXPECT_EQ(units::stream_fifo_latency(17), 2);
  units::StreamFifoConfig c;
  for (const auto& [depth, bits] : std::vector<std::pair<int, int>>{
           {0, 1}, {1, 1}, {2, 2}, {3, 2}, {4, 3}, {17, 5}, {1024, 11}}) {
    c.depth = depth;
    EXPECT_EQ(c.count_width(), bits) << depth;
  }
}

}  // namespace
