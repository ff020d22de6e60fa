// The model backend end to end through the socket: an initiator with a quantum keeper loads the
// buffers, starts, waits for irq and reads back. Values against the independent computation,
// CYCLES against the hand-worked formula, sc_time_stamp = load + compute + read-back cycles.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "models/engine/latency.hpp"
#include "models/engine/memory_map.hpp"
#include "models/engine/stimulus.hpp"
#include "testbenches/models/engine/independent.hpp"
#include "testbenches/models/engine/independent_requant.hpp"
#include "testbenches/models/engine/points.hpp"
#include "testbenches/tlm/tlm_harness.hpp"

namespace fxsim::tlm_test {
namespace {

using namespace engine;
using namespace tlm;

// Bus cycles of one transaction, written out independently of engine::transfer_cycles.
std::uint64_t bus(std::uint64_t bytes, int bus_bits) {
  return 1 + (bytes * 8 + bus_bits - 1) / bus_bits;
}

struct Loaded {
  std::uint64_t cycles = 0;  // load cycles annotated so far (computed here)
};

// Writes `bytes` at `base` in chunks of at most `chunk` bytes; returns the bus cycles.
std::uint64_t write_chunks(Initiator& i, std::uint64_t base, const std::vector<unsigned char>& b,
                           std::size_t chunk, int bus_bits) {
  std::uint64_t cycles = 0;
  for (std::size_t at = 0; at < b.size(); at += chunk) {
    const std::size_t n = std::min(chunk, b.size() - at);
    EXPECT_EQ(i.write(base + at, std::vector<unsigned char>(b.begin() + at, b.begin() + at + n)),
              ::tlm::TLM_OK_RESPONSE);
    cycles += bus(n, bus_bits);
  }
  return cycles;
}

// Loads the stimulus, runs, reads back; checks timing on the way. Returns the outputs.
std::vector<std::int64_t> run_once(Initiator& i, const engine::EngineConfig& c,
                                   const engine::Stimulus& s, std::uint64_t expected_cycles) {
  const sc_core::sc_time clk(c.clock_ns, sc_core::SC_NS);
  i.qk.sync();
  const sc_core::sc_time t0 = sc_core::sc_time_stamp();
  std::uint64_t load = 0;
  load += write_chunks(i, kWeightsBase, pack_elements(s.weight_words, engine::weight_layout(c)),
                       4096, c.bus_bits);
  if (c.has_channel_params()) {
    load +=
        write_chunks(i, bn_scale_address(c, 0),
                     pack_elements(s.bn_scale_words, engine::bn_scale_layout(c)), 4096, c.bus_bits);
    load += write_chunks(i, bn_bias_address(c, 0),
                         pack_elements(s.bn_bias, engine::bn_bias_layout(c)), 4096, c.bus_bits);
  }
  load +=
      write_chunks(i, kInputBase, pack_elements(s.input, engine::input_layout(c)), 512, c.bus_bits);
  EXPECT_EQ(i.write32(kRegBatch, static_cast<std::uint32_t>(s.batch)), ::tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(i.write32(kRegCtrl, kCtrlStart), ::tlm::TLM_OK_RESPONSE);
  load += 2 * bus(4, c.bus_bits);
  i.wait_irq();
  EXPECT_EQ(sc_core::sc_time_stamp() - t0, clk * static_cast<double>(load + expected_cycles));

  std::uint64_t readback = 0;
  EXPECT_EQ(i.read32(kRegStatus), kStatusDone);
  EXPECT_EQ(i.read32(kRegCyclesLo), static_cast<std::uint32_t>(expected_cycles));
  EXPECT_EQ(i.read32(kRegCyclesHi), 0u);
  readback += 3 * bus(4, c.bus_bits);
  const engine::ElementLayout ol = engine::output_layout(c);
  const unsigned n = static_cast<unsigned>(s.batch * c.out_features * ol.bytes);
  ::tlm::tlm_response_status st;
  const std::vector<unsigned char> bytes = i.read(kOutputBase, n, &st);
  EXPECT_EQ(st, ::tlm::TLM_OK_RESPONSE);
  readback += bus(n, c.bus_bits);
  i.qk.sync();
  EXPECT_EQ(sc_core::sc_time_stamp() - t0,
            clk * static_cast<double>(load + expected_cycles + readback));
  return unpack_elements(bytes.data(), static_cast<std::size_t>(s.batch) * c.out_features, ol);
}

TEST(ModelEndToEnd, ContractPoint) {
  const engine::EngineConfig c = point(kContractPoint);
  const engine::Stimulus s = engine::make_stimulus(c, c.seed);
  const std::vector<std::int64_t> expected = independent_layer(c, s);
  Bench bench{c};
  FXSIM_RUN_BENCH(bench, [&](Initiator& i, AcceleratorTarget& t, systemc::ModelBackend& m) {
    EXPECT_EQ(run_once(i, c, s, 1574), expected);  // 98 * 16 + 3 + 3
    EXPECT_EQ(t.last_cycles(), 1574u);
    // The unit models' own latencies compose to the formula.
    EXPECT_EQ(m.engine().cycles(1), 1574u);
    EXPECT_EQ(m.engine().cycles(3), engine::compute_cycles(c, 3));
    EXPECT_EQ(m.last_coverage().bn_requant.count, 128u);
    EXPECT_EQ(t.errors(), 0u);
  });
}

TEST(ModelEndToEnd, KhotBatchOfThreeWithFoldTrace) {
  const engine::EngineConfig c = point(kKhotPoint);
  const engine::Stimulus s = engine::make_stimulus(c, c.seed);
  const std::string vcd = ::testing::TempDir() + "/khot_engine_trace";
  Bench bench{c, 4};
  bench.model_options.per_fold = true;
  bench.trace_path = vcd.c_str();
  FXSIM_RUN_BENCH(bench, [&](Initiator& i, AcceleratorTarget&, systemc::ModelBackend&) {
    EXPECT_EQ(run_once(i, c, s, 157), independent_layer(c, s));  // 3 * 3 * 17 + 4
  });
  std::ifstream in(vcd + ".vcd");
  ASSERT_TRUE(in.good());
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("fold_index"), std::string::npos);
  EXPECT_NE(text.find("last_address"), std::string::npos);
}

TEST(ModelEndToEnd, SptWithKhotBnScaleTwiceIsDeterministic) {
  const engine::EngineConfig c = point(kSptPoint);
  const engine::Stimulus s = engine::make_stimulus(c, c.seed);
  const std::vector<std::int64_t> expected = independent_layer(c, s);
  Bench bench{c};
  FXSIM_RUN_BENCH(bench, [&](Initiator& i, AcceleratorTarget& t, systemc::ModelBackend& m) {
    const auto first = run_once(i, c, s, 66);  // 2 * 3 * 10 + 2 + 4
    const auto second = run_once(i, c, s, 66);
    EXPECT_EQ(first, expected);
    EXPECT_EQ(second, first);
    EXPECT_EQ(t.runs(), 2u);
    EXPECT_EQ(m.runs(), 2u);
    EXPECT_EQ(m.coverage().mac_requant.count, 2u * 24u);
  });
}

// An affine integer layer ([requant]): int_requant after the MAC array. Outputs against the
// brute force of independent_requant.hpp, CYCLES against the count by hand.
TEST(ModelEndToEnd, RequantLayerInt8) {
  const engine::EngineConfig c = point(kRequantPoint);
  const engine::Stimulus s = engine::make_stimulus(c, c.seed);
  const std::vector<std::int64_t> expected =
      independent_requant_layer(c, s.batch, s.input, s.weights, s.bn_scale_words, s.bn_bias);
  Bench bench{c};
  FXSIM_RUN_BENCH(bench, [&](Initiator& i, AcceleratorTarget& t, systemc::ModelBackend& m) {
    // SF = ceil(37 / 3) = 13, NF = ceil(10 / 4) = 3, batch 3: 117 beats + (2 + 1) + (2 + 1).
    EXPECT_EQ(run_once(i, c, s, 123), expected);
    EXPECT_EQ(m.engine().cycles(3), 123u);
    EXPECT_EQ(m.last_coverage().int_requant.count, 30u);
    EXPECT_EQ(m.last_coverage().bn_requant.count, 0u);
    EXPECT_EQ(t.errors(), 0u);
  });
}

TEST(ModelEndToEnd, RequantLayerUint8SingleReluPerFold) {
  const engine::EngineConfig c = point(kRequantUint8Point);
  const engine::Stimulus s = engine::make_stimulus(c, c.seed);
  Bench bench{c};
  bench.model_options.per_fold = true;
  FXSIM_RUN_BENCH(bench, [&](Initiator& i, AcceleratorTarget& t, systemc::ModelBackend&) {
    // SF 7, NF 3, batch 2: 42 beats + (1 + 1) + (3 + 1).
    EXPECT_EQ(run_once(i, c, s, 48), independent_requant_layer(c, s.batch, s.input, s.weights,
                                                               s.bn_scale_words, s.bn_bias));
    EXPECT_EQ(t.errors(), 0u);
  });
}

}  // namespace
}  // namespace fxsim::tlm_test
