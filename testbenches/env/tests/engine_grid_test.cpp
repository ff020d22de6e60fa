// Both backends on a grid of design points: PE 1..8, SIMD 4 and 8, layer sizes that divide the
// folds evenly and not, batch 1 and 3, fx_mac / K-hot K=1..3 / SPT, no BN / BN with a fixed-point
// scale and relu / BN with a K-hot scale and hardtanh, several rounding and overflow modes,
// uniform and normal stimulus. Every output bit-exact against the reference, model cycles ==
// rtl cycles == the contract's formula.
#include <gtest/gtest.h>

#include <vector>

#include "testbenches/common/engine_points.hpp"
#include "testbenches/env/run_point.hpp"
#include "testbenches/env/tests/engine_test_util.hpp"

namespace fxsim::engine_test {
namespace {

using env::BackendRun;
using env::Backends;
using env::RunSummary;

class EngineGrid : public ::testing::TestWithParam<PointSpec> {};

TEST_P(EngineGrid, BothBackendsBitExactAndCycleExact) {
  const engine::EngineConfig cfg = make_point(GetParam());
  env::RunOptions options;
  if (inject_latency_error()) options = with_model<OffByOneCycleBackend>();
  const RunSummary s = env::run_point(cfg, Backends::BOTH, options);

  ASSERT_EQ(s.runs.size(), 2u);
  const std::uint64_t cycles = expected_cycles(cfg, cfg.batch);
  EXPECT_EQ(s.formula_cycles, cycles);
  for (const BackendRun& r : s.runs) {
    SCOPED_TRACE(env::to_string(r.kind));
    EXPECT_TRUE(r.completed);
    EXPECT_EQ(r.tlm_errors, 0u);
    EXPECT_TRUE(r.bus_errors.empty());
    EXPECT_EQ(r.scoreboard.checked, static_cast<std::uint64_t>(cfg.batch) * cfg.out_features);
    EXPECT_EQ(r.scoreboard.mismatch_count, 0u);
    for (const env::Mismatch& m : r.scoreboard.first) {
      ADD_FAILURE() << "output " << m.index << ": expected " << m.expected << ", got " << m.got;
    }
    EXPECT_EQ(r.cycles, cycles);
  }
  ASSERT_TRUE(s.comparison.has_value());
  EXPECT_EQ(s.comparison->model, s.comparison->rtl);
  EXPECT_EQ(s.comparison->error_percent, 0.0);
  EXPECT_TRUE(s.passed());
}

std::vector<PointSpec> grid() {
  using P = PeFamily;
  using B = BnFamily;
  auto p = [](P f, B bn, int pe, int in, int out, int batch, bool normal = false) {
    PointSpec s;
    s.pe_family = f;
    s.bn_family = bn;
    s.pe = pe;
    s.in_features = in;
    s.out_features = out;
    s.batch = batch;
    s.normal = normal;
    s.seed = 11 + pe * 7 + in;
    return s;
  };
  return {
      p(P::MAC8, B::NONE, 1, 16, 4, 1),       p(P::MAC8, B::NONE, 2, 20, 7, 3),
      p(P::MAC8, B::RELU, 3, 37, 13, 1),      p(P::MAC8, B::NONE, 4, 64, 16, 1),
      p(P::MAC8, B::TANH, 5, 9, 5, 3),        p(P::MAC8, B::RELU, 6, 50, 20, 3, true),
      p(P::MAC8, B::NONE, 7, 8, 7, 1),        p(P::MAC8, B::RELU, 8, 100, 30, 3),
      p(P::MAC4, B::NONE, 1, 10, 3, 1),       p(P::MAC4, B::NONE, 3, 18, 10, 3),
      p(P::MAC4, B::NONE, 4, 33, 8, 1, true), p(P::MAC4, B::NONE, 8, 64, 16, 1),
      p(P::KHOT1, B::RELU, 2, 24, 6, 1),      p(P::KHOT1, B::NONE, 8, 17, 9, 3),
      p(P::KHOT2, B::TANH, 4, 40, 10, 1),     p(P::KHOT2, B::NONE, 3, 16, 6, 3),
      p(P::KHOT3, B::NONE, 2, 13, 5, 1),      p(P::KHOT3, B::NONE, 5, 32, 10, 3, true),
      p(P::SPT2, B::NONE, 4, 22, 9, 1),       p(P::SPT2, B::NONE, 1, 8, 2, 3),
  };
}

INSTANTIATE_TEST_SUITE_P(Grid, EngineGrid, ::testing::ValuesIn(grid()),
                         [](const ::testing::TestParamInfo<PointSpec>& info) {
                           return info.param.name();
                         });

}  // namespace
}  // namespace fxsim::engine_test
