// compute_cycles / transfer_cycles against hand-worked values (docs/engine.md, "Latency").
#include "models/engine/latency.hpp"

#include <gtest/gtest.h>

#include "testbenches/models/engine/points.hpp"

namespace fxsim::tlm_test {
namespace {

struct Row {
  int n_in, n_out, pe, simd, mac_stages, bn_stages /* 0: no bn */, batch;
  std::uint64_t cycles;  // worked by hand: B * ceil(N_out/PE) * ceil(N_in/SIMD) + fills
};

TEST(Latency, HandWorkedTable) {
  const Row rows[] = {
      {784, 128, 8, 8, 2, 2, 1, 1574},  // 1 * 16 * 98 = 1568, + 3 + 3
      {784, 128, 8, 8, 2, 0, 1, 1571},  // 1568 + 3
      {784, 128, 8, 8, 2, 2, 4, 6278},  // 4 * 1568 = 6272, + 6
      {10, 10, 4, 3, 1, 0, 1, 14},      // 1 * 3 * 4 = 12, + 2
      {50, 10, 4, 3, 3, 0, 3, 157},     // 3 * 3 * 17 = 153, + 4
      {37, 12, 5, 4, 1, 3, 2, 66},      // 2 * 3 * 10 = 60, + 2 + 4
      {1, 1, 1, 1, 8, 8, 1, 19},        // 1 + 9 + 9
      {64, 64, 64, 64, 1, 1, 1, 5},     // 1 + 2 + 2
  };
  for (const Row& r : rows) {
    engine::EngineConfig c;
    c.in_features = r.n_in;
    c.out_features = r.n_out;
    c.pe = r.pe;
    c.simd = r.simd;
    c.mac_stages = r.mac_stages;
    if (r.bn_stages > 0) {
      c.bn = engine::BnConfig{};
      c.bn->stages = r.bn_stages;
    }
    EXPECT_EQ(engine::compute_cycles(c, r.batch), r.cycles)
        << r.n_in << "x" << r.n_out << " PE " << r.pe << " SIMD " << r.simd;
  }
}

TEST(Latency, TransferCycles) {
  EXPECT_EQ(engine::transfer_cycles(4, 64), 2u);  // address + one beat
  EXPECT_EQ(engine::transfer_cycles(8, 64), 2u);
  EXPECT_EQ(engine::transfer_cycles(9, 64), 3u);
  EXPECT_EQ(engine::transfer_cycles(100352, 64), 12545u);  // 784 x 128 bytes
  EXPECT_EQ(engine::transfer_cycles(1, 8), 2u);
  EXPECT_EQ(engine::transfer_cycles(1000, 1024), 9u);  // 8000 bits / 1024 -> 8 beats
}

TEST(Latency, ContractPointThroughTheParser) {
  EXPECT_EQ(engine::compute_cycles(point(kContractPoint), 1), 1574u);
}

}  // namespace
}  // namespace fxsim::tlm_test
