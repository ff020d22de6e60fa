// Cycle counts worked out by hand from docs/engine.md (Latency; transfer_cycles per
// b_transport = 1 + ceil(8 * bytes / bus_bits)), and proof that a latency formula off by one
// cycle is caught by the model-vs-rtl comparison.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "testbenches/common/engine_points.hpp"
#include "testbenches/env/run_point.hpp"
#include "testbenches/env/tests/engine_test_util.hpp"

namespace fxsim::engine_test {
namespace {

using env::Backends;
using env::RunSummary;

void expect_runs(const RunSummary& s, std::uint64_t cycles, std::uint64_t load,
                 std::uint64_t readback) {
  for (const env::BackendRun& r : s.runs) {
    SCOPED_TRACE(env::to_string(r.kind));
    EXPECT_EQ(r.cycles, cycles);
    EXPECT_EQ(r.load_cycles, load);
    EXPECT_EQ(r.readback_cycles, readback);
    EXPECT_EQ(r.scoreboard.mismatch_count, 0u);
  }
  EXPECT_TRUE(s.passed());
}

// fx_mac, PE 2, SIMD 8, 16 x 4, batch 1, MAC_STAGES 2, bus 64 bits.
// SF = 2, NF = 2: 4 beats on edges 1..4; the last MAC result is valid after edge 4 + 2 and
// written on edge 7.
// Loads: weights 64 B: 1 + 8 = 9; input 16 B: 1 + 2 = 3; BATCH, CTRL: 2 + 2. Total 16.
// Read-back: STATUS, CYCLES_LO, CYCLES_HI, ERRORS: 4 x 2; OUTPUT 4 B: 1 + 1. Total 10.
TEST(EngineCycles, HandWorkedSmallNoBn) {
  PointSpec p;
  p.pe = 2;
  p.in_features = 16;
  p.out_features = 4;
  const RunSummary s = env::run_point(make_point(p), Backends::BOTH);
  expect_runs(s, 7, 16, 10);
  EXPECT_EQ(s.runs[0].end_to_end_cycles(), 33u);
  EXPECT_DOUBLE_EQ(s.latency_ns(s.runs[0]), 28.0);
}

// The same with bn (relu, BN_STAGES 2): + 3 cycles = 10. BN_PARAMS: 4 scales of 1 B + 4 biases
// of 2 B = 12 B: 1 + ceil(96 / 64) = 3 more load cycles = 19.
TEST(EngineCycles, HandWorkedSmallWithBn) {
  PointSpec p;
  p.pe = 2;
  p.in_features = 16;
  p.out_features = 4;
  p.bn_family = BnFamily::RELU;
  expect_runs(env::run_point(make_point(p), Backends::BOTH), 10, 19, 10);
}

// K-hot K=2 (SIMD 8, MAC_STAGES 3), PE 3, 16 x 6, batch 3, hardtanh bn (BN_STAGES 3), bus 32:
// SF = 2, NF = 2, beats = 3 * 2 * 2 = 12; cycles = 12 + 4 + 4 = 20.
// Weights: 96 words of 2 x 5 bits in 2 B = 192 B: 1 + 48 = 49; BN_PARAMS: 6 scale words (10 bits,
// 2 B) + 6 biases (2 B) = 24 B: 1 + 6 = 7; input 48 B: 1 + 12 = 13; BATCH, CTRL: 2 x 2.
// Load 73. Read-back: 4 registers x 2 + OUTPUT 18 B: 1 + 5 = 6. Total 14.
TEST(EngineCycles, HandWorkedKhotBatch3Bus32) {
  PointSpec p;
  p.pe_family = PeFamily::KHOT2;
  p.bn_family = BnFamily::TANH;
  p.pe = 3;
  p.in_features = 16;
  p.out_features = 6;
  p.batch = 3;
  p.bus_bits = 32;
  expect_runs(env::run_point(make_point(p), Backends::BOTH), 20, 73, 14);
}

// The contract's example: 784 x 128, PE 8, SIMD 8, relu bn: 98 * 16 + 3 + 3 = 1574 cycles.
// Loads: weights 100352 B: 1 + 12544; BN 128 + 256 B: 1 + 48; input 784 B: 1 + 98; 2 + 2.
// = 12697. Read-back: 8 + OUTPUT 128 B: 1 + 16 = 25.
TEST(EngineCycles, ContractExample784x128) {
  PointSpec p;
  p.in_features = 784;
  p.out_features = 128;
  p.bn_family = BnFamily::RELU;
  const RunSummary s = env::run_point(make_point(p), Backends::BOTH);
  expect_runs(s, 1574, 12697, 25);
  EXPECT_DOUBLE_EQ(s.latency_ns(s.runs[1]), 6296.0);
}

void expect_cycles_agree(const RunSummary& s) {
  ASSERT_TRUE(s.comparison.has_value());
  EXPECT_EQ(s.comparison->model, s.comparison->rtl) << "model and rtl cycles differ";
}

// A model whose formula is one cycle long: the comparison (and the summary) must fail.
TEST(EngineCycles, OffByOneFormulaIsCaught) {
  PointSpec p;
  p.pe = 3;
  p.in_features = 20;
  p.out_features = 7;
  const RunSummary s =
      env::run_point(make_point(p), Backends::BOTH, with_model<OffByOneCycleBackend>());
  EXPECT_NONFATAL_FAILURE(expect_cycles_agree(s), "model and rtl cycles differ");
  ASSERT_TRUE(s.comparison.has_value());
  EXPECT_EQ(s.comparison->difference, -1);
  EXPECT_EQ(s.runs[0].scoreboard.mismatch_count, 0u);
  EXPECT_FALSE(s.passed());
}

}  // namespace
}  // namespace fxsim::engine_test
