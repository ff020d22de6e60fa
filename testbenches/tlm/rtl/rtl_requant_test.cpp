// The rtl backend on affine integer layers ([requant], docs/engine.md): PE Verilated fx_mac_pe
// feeding ONE Verilated int_requant of PE lanes, its parameter memory written from the job's
// multiplier words and biases before each run. On a grid of points (int8 / uint8 activations and
// outputs, DOUBLE / SINGLE rounding, relu, zero points, left shifts, PE dividing N_out and not,
// batch 1..3, 24- and 32-bit accumulators) the rtl backend's outputs equal the model backend's
// and engine::compute_reference's (run_point's scoreboard) and a brute force of the whole layer
// written here from docs/fixed_point.md ("Affine integer formats") in 128-bit integers, which
// shares no code with fx::requantize_integer; the cycles equal the contract's formula written out
// here (beats + MAC_STAGES + 1 + STAGES + 1). A changed multiplier word or bias in the buffer
// changes exactly that channel's outputs, as the brute force and the reference say; the parameter
// memory is rewritten on every run; a VCD trace holds the unit (scope "requant") and changes
// nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <systemc>
#include <vector>

#include "models/engine/elaboration.hpp"
#include "models/engine/engine_config.hpp"
#include "models/engine/reference.hpp"
#include "models/engine/stimulus.hpp"
#include "models/systemc/model_backend.hpp"
#include "testbenches/env/run_point.hpp"
#include "testbenches/env/simulation_scope.hpp"
#include "tlm/rtl/rtl_backend.hpp"

namespace fxsim::engine_test {
namespace {

using i128 = __int128;
using env::Backends;

// ---- The points ---------------------------------------------------------------------------------

struct RequantSpec {
  const char* name;
  bool act_signed = true;  // int8 or uint8 activations (weights int8)
  bool out_signed = true;  // int<out_w> or uint<out_w> outputs
  int out_w = 8;
  fx::IntegerRounding rounding = fx::IntegerRounding::DOUBLE;
  bool relu = false;
  int zero_point = 0;
  int pe = 4, simd = 8, in = 32, out = 8, batch = 1;
  int acc_w = 32, bias_w = 32, m0_bits = 31, lshift_max = 0, stages = 2, mac_stages = 2;
  std::uint64_t seed = 1;
};

void PrintTo(const RequantSpec& s, std::ostream* os) { *os << s.name; }  // for test names

engine::EngineConfig make_config(const RequantSpec& s) {
  engine::EngineConfig c;
  c.seed = s.seed;
  c.kind = engine::EngineKind::FX_MAC;
  c.pe = s.pe;
  c.simd = s.simd;
  c.mac_stages = s.mac_stages;
  c.in_features = s.in;
  c.out_features = s.out;
  c.batch = s.batch;
  c.activation = s.act_signed ? fx::FxType::make_signed(8, 8) : fx::FxType::make_unsigned(8, 8);
  c.weight = fx::FxType::make_signed(8, 8);
  // The MAC output is the accumulator: integers of ACC_W bits, wrapping.
  c.accumulator = fx::FxType::make_signed(s.acc_w, s.acc_w, fx::Rounding::TRN, fx::Overflow::WRAP);
  c.output = c.accumulator;
  engine::RequantConfig r;
  r.output = fx::AffineInt::make(s.out_signed, s.out_w);
  r.zero_point = s.zero_point;
  r.rounding = s.rounding;
  r.m0_bits = s.m0_bits;
  r.lshift_max = s.lshift_max;
  r.bias_width = s.bias_w;
  r.relu = s.relu;
  r.stages = s.stages;
  c.requant = r;
  engine::validate(c, s.name);
  return c;
}

// ---- The brute force ----------------------------------------------------------------------------

i128 pow2(int k) { return static_cast<i128>(1) << k; }
i128 floor_div_pow2(i128 x, int k) {
  const i128 q = x / pow2(k);  // toward zero
  return (x % pow2(k) != 0 && x < 0) ? q - 1 : q;
}
// x / 2^k to nearest, ties away from zero.
i128 round_away_pow2(i128 x, int k) {
  if (k == 0) return x;
  const i128 mag = floor_div_pow2(2 * (x < 0 ? -x : x) + pow2(k), k + 1);
  return x < 0 ? -mag : mag;
}
i128 wrap(i128 x, int bits) {
  i128 v = x % pow2(bits);
  if (v < 0) v += pow2(bits);
  return v >= pow2(bits - 1) ? v - pow2(bits) : v;
}

// One output of the layer: acc = sum of products wrapped to ACC_W, s = acc + bias wrapped, then
// the multiplier word {n: 7 bits two's complement, m0: low M0_BITS bits} by the two roundings of
// gemmlowp (DOUBLE) or the one of TFLITE_SINGLE_ROUNDING (SINGLE), the zero point and the clamp.
std::int64_t brute_output(const engine::EngineConfig& c, i128 dot, std::int64_t word,
                          std::int64_t bias) {
  const engine::RequantConfig& r = *c.requant;
  const int b = r.m0_bits;
  const i128 m0 = static_cast<i128>(static_cast<std::uint64_t>(word) & ((1ull << b) - 1));
  int n = static_cast<int>((static_cast<std::uint64_t>(word) >> b) & 0x7f);
  if (n >= 64) n -= 128;
  const i128 s = wrap(wrap(dot, c.accumulator.width) + bias, c.accumulator.width);
  i128 q = 0;
  if (r.rounding == fx::IntegerRounding::DOUBLE) {
    i128 a = s;
    if (n < 0) a = std::clamp<i128>(s * pow2(-n), -pow2(31), pow2(31) - 1);
    q = round_away_pow2(floor_div_pow2(a * m0 + pow2(b - 1), b), std::max(n, 0));
  } else {
    const int t = b + std::max(n, 0);
    q = floor_div_pow2(s * m0 * pow2(std::max(-n, 0)) + pow2(t - 1), t);
  }
  const i128 lo = r.output.is_signed ? -pow2(r.output.width - 1) : 0;
  const i128 hi = r.output.is_signed ? pow2(r.output.width - 1) - 1 : pow2(r.output.width) - 1;
  return static_cast<std::int64_t>(
      std::clamp<i128>(q + r.zero_point, r.relu ? std::max<i128>(lo, r.zero_point) : lo, hi));
}

std::vector<std::int64_t> brute_layer(const engine::EngineConfig& c, const engine::Stimulus& st) {
  std::vector<std::int64_t> y;
  for (int bt = 0; bt < st.batch; ++bt) {
    for (int o = 0; o < c.out_features; ++o) {
      i128 dot = 0;
      for (int k = 0; k < c.in_features; ++k) {
        dot += static_cast<i128>(st.input[static_cast<std::size_t>(bt) * c.in_features + k]) *
               st.weights[static_cast<std::size_t>(o) * c.in_features + k];
      }
      y.push_back(brute_output(c, dot, st.bn_scale_words[o], st.bn_bias[o]));
    }
  }
  return y;
}

// The contract's latency, written out: one beat an edge, then each unit's STAGES + 1.
std::uint64_t expected_cycles(const engine::EngineConfig& c, int batch) {
  const std::uint64_t sf = (c.in_features + c.simd - 1) / c.simd;
  const std::uint64_t nf = (c.out_features + c.pe - 1) / c.pe;
  return batch * nf * sf + (c.mac_stages + 1) + (c.requant->stages + 1);
}

std::vector<std::int64_t> first(const std::vector<std::int64_t>& v, std::size_t n) {
  return {v.begin(), v.begin() + static_cast<std::ptrdiff_t>(std::min(n, v.size()))};
}

// ---- The grid -----------------------------------------------------------------------------------

std::vector<RequantSpec> grid() {
  using R = fx::IntegerRounding;
  std::vector<RequantSpec> g;
  auto add = [&](RequantSpec s) { g.push_back(s); };
  {  // int8 -> int8, PE divides N_out
    RequantSpec s{"int8_double_pe4_32x8_b1"};
    add(s);
  }
  {  // uint8 -> uint8, zero point, relu, PE does not divide N_out, batch 3
    RequantSpec s{"uint8_double_relu_zp3_pe3_20x7_b3"};
    s.act_signed = false, s.out_signed = false, s.relu = true, s.zero_point = 3;
    s.pe = 3, s.in = 20, s.out = 7, s.batch = 3, s.seed = 5;
    add(s);
  }
  {  // SINGLE, negative zero point, relu (clamp at ZP), PE 5 of 13
    RequantSpec s{"int8_single_relu_zpm5_pe5_37x13_b2"};
    s.rounding = R::SINGLE, s.relu = true, s.zero_point = -5;
    s.pe = 5, s.in = 37, s.out = 13, s.batch = 2, s.seed = 7;
    add(s);
  }
  {  // uint8 activations, uint8 output with a mid zero point, SINGLE, PE 1
    RequantSpec s{"uint8_single_zp128_pe1_10x3_b1"};
    s.act_signed = false, s.out_signed = false, s.zero_point = 128, s.rounding = R::SINGLE;
    s.pe = 1, s.in = 10, s.out = 3, s.seed = 9;
    add(s);
  }
  {  // left shifts built, 16-bit M0, three stages, PE 8 of 20, SIMD 4
    RequantSpec s{"int8_double_lshift4_m016_st3_pe8_64x20_b3"};
    s.lshift_max = 4, s.m0_bits = 16, s.stages = 3;
    s.pe = 8, s.simd = 4, s.in = 64, s.out = 20, s.batch = 3, s.seed = 11;
    add(s);
  }
  {  // 24-bit accumulator and 20-bit bias, int4 output, SINGLE with left shifts, one stage
    RequantSpec s{"uint8_single_acc24_int4_lshift2_st1_pe2_9x5_b2"};
    s.act_signed = false, s.out_w = 4, s.zero_point = -1, s.rounding = R::SINGLE;
    s.acc_w = 24, s.bias_w = 20, s.lshift_max = 2, s.stages = 1;
    s.pe = 2, s.in = 9, s.out = 5, s.batch = 2, s.seed = 13;
    add(s);
  }
  {  // PE past N_out in the only fold (PE 6 of 4), MAC_STAGES 1
    RequantSpec s{"int8_double_relu_pe6_16x4_b3"};
    s.relu = true, s.pe = 6, s.in = 16, s.out = 4, s.batch = 3, s.mac_stages = 1, s.seed = 17;
    add(s);
  }
  return g;
}

RequantSpec wrong_parameter_spec() {
  RequantSpec s{"wrong_parameter"};
  s.pe = 3, s.in = 24, s.out = 7, s.batch = 2, s.seed = 21;
  return s;
}

RequantSpec speed_spec() {
  RequantSpec s{"speed"};
  s.pe = 8, s.in = 784, s.out = 128, s.batch = 32, s.relu = true;
  return s;
}

// Every Verilated unit of this suite, built (or found in the cache) once before the tests (the
// fixture rtl_requant_variants): the PE unit and an int_requant at the parameters the point
// elaborates to.
TEST(Prebuild, RtlRequantVariants) {
  std::vector<RequantSpec> specs = grid();
  specs.push_back(wrong_parameter_spec());
  specs.push_back(speed_spec());
  specs.push_back(speed_spec());
  specs.back().in = 8;  // SpeedWithABeatEveryEdge: the same units
  for (const RequantSpec& s : specs) {
    const engine::Elaboration e = engine::elaborate(make_config(s));
    ASSERT_TRUE(e.requant.has_value()) << s.name;
    const tlm_rtl::EngineVariants v = tlm_rtl::find_engine_variants(e);
    EXPECT_EQ(v.bn, nullptr) << s.name;
    ASSERT_NE(v.requant, nullptr) << s.name;
    EXPECT_EQ(v.requant->unit, "int_requant") << s.name;
    EXPECT_EQ(v.requant->params, e.requant->params) << s.name;
  }
}

class RtlRequantGrid : public ::testing::TestWithParam<RequantSpec> {};

TEST_P(RtlRequantGrid, RtlEqualsModelReferenceAndBruteForceCycleExact) {
  const engine::EngineConfig cfg = make_config(GetParam());
  const env::RunSummary s = env::run_point(cfg, Backends::BOTH);
  const std::uint64_t cycles = expected_cycles(cfg, cfg.batch);
  EXPECT_EQ(s.formula_cycles, cycles);
  const std::size_t n = static_cast<std::size_t>(cfg.batch) * cfg.out_features;
  const engine::Stimulus stim = engine::make_stimulus(cfg, s.seed, cfg.batch);
  const std::vector<std::int64_t> brute = brute_layer(cfg, stim);
  ASSERT_EQ(brute.size(), n);
  ASSERT_EQ(s.runs.size(), 2u);
  for (const env::BackendRun& r : s.runs) {
    SCOPED_TRACE(env::to_string(r.kind));
    EXPECT_TRUE(r.completed);
    EXPECT_EQ(r.tlm_errors, 0u);
    EXPECT_EQ(r.scoreboard.checked, n);
    EXPECT_EQ(r.scoreboard.mismatch_count, 0u);  // == compute_reference
    EXPECT_EQ(first(r.output, n), brute);
    EXPECT_EQ(r.cycles, cycles);
  }
  EXPECT_EQ(s.runs[0].output, s.runs[1].output);
  EXPECT_TRUE(s.passed());
  // A check worth its name: the outputs are not all one value (a stuck or saturated unit).
  EXPECT_GE(std::set<std::int64_t>(brute.begin(), brute.end()).size(), std::min<std::size_t>(n, 3))
      << "the stimulus leaves the outputs (nearly) constant";
}

INSTANTIATE_TEST_SUITE_P(Requant, RtlRequantGrid, ::testing::ValuesIn(grid()),
                         [](const ::testing::TestParamInfo<RequantSpec>& info) {
                           return std::string(info.param.name);
                         });

// ---- Direct runs of the transactor
// ----------------------------------------------------------------

SC_MODULE(Runs) {
  engine::EngineBackend* backend = nullptr;
  std::vector<engine::EngineJob>* jobs = nullptr;
  std::vector<std::uint64_t> cycles;
  std::string error;  // what a run threw; the runs stop there
  SC_CTOR(Runs) { SC_THREAD(drive); }
  void drive() {
    try {
      for (engine::EngineJob& j : *jobs) cycles.push_back(backend->run(j));
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
};

struct DirectRuns {
  std::vector<std::vector<std::int64_t>> outputs;
  std::vector<std::uint64_t> cycles;
  double seconds = 0;  // host time of sc_start
  std::string error;   // what a run threw
};

// The stimuli one after another on ONE rtl transactor (one parameter load per run), optionally
// traced to `vcd`; or on one model backend.
DirectRuns run_direct(const engine::EngineConfig& cfg, const std::vector<engine::Stimulus>& stims,
                      const std::string& vcd = "", bool model = false) {
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                          sc_core::SC_DO_NOTHING);
  env::SimulationScope scope;
  std::unique_ptr<engine::EngineBackend> backend;
  if (model) {
    backend = std::make_unique<systemc::ModelBackend>("model", engine::elaborate(cfg));
  } else {
    backend = std::make_unique<tlm_rtl::RtlBackend>("rtl", engine::elaborate(cfg),
                                                    tlm_rtl::RtlTraceOptions{vcd});
  }
  DirectRuns r;
  r.outputs.assign(stims.size(), std::vector<std::int64_t>(static_cast<std::size_t>(cfg.batch) *
                                                           cfg.out_features));
  std::vector<engine::EngineJob> jobs(stims.size());
  for (std::size_t i = 0; i < stims.size(); ++i) {
    engine::EngineJob& j = jobs[i];
    j.cfg = &cfg;
    j.batch = cfg.batch;
    j.weights = &stims[i].weight_words;
    j.input = &stims[i].input;
    j.output = &r.outputs[i];
    j.bn_scale = &stims[i].bn_scale_words;
    j.bn_bias = &stims[i].bn_bias;
  }
  Runs driver("driver");
  driver.backend = backend.get();
  driver.jobs = &jobs;
  const auto t0 = std::chrono::steady_clock::now();
  sc_core::sc_start();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.cycles = driver.cycles;
  r.error = driver.error;
  return r;
}

// A multiplier word changed in the buffer (channel 4: m0 moved by a quarter of its range, n by
// one) and a bias changed (channel 1): the rtl backend's outputs are the reference's of the
// changed buffer, differ from the original run's in those two channels (in most of their
// outputs), and nowhere else.
TEST(RtlRequant, ChangedParameterWordChangesExactlyItsChannel) {
  const engine::EngineConfig cfg = make_config(wrong_parameter_spec());
  const engine::Stimulus base = engine::make_stimulus(cfg, cfg.seed, cfg.batch);
  engine::Stimulus changed = base;
  const int b = cfg.requant->m0_bits;
  const auto word = static_cast<std::uint64_t>(base.bn_scale_words[4]);
  std::uint64_t m0 = word & ((1ull << b) - 1);
  const std::uint64_t n = (word >> b) & 0x7f;
  m0 = m0 >= (3ull << (b - 2)) ? m0 - (1ull << (b - 2)) : m0 + (1ull << (b - 2));
  ASSERT_GT(n, 0u) << "the stimulus multiplier has no right shift to take one from";
  changed.bn_scale_words[4] = static_cast<std::int64_t>(((n - 1) << b) | m0);  // ~2.5x or ~1.6x
  changed.bn_scale[4] = changed.bn_scale_words[4];
  changed.bn_bias[1] += 3000;  // ~7 output steps at the stimulus' multiplier (~1 / 400)

  env::RunOptions o;
  o.stimulus = &changed;
  const env::RunSummary s = env::run_point(cfg, Backends::RTL, o);
  ASSERT_EQ(s.runs.size(), 1u);
  EXPECT_TRUE(s.passed());  // == compute_reference(changed)
  const std::size_t total = static_cast<std::size_t>(cfg.batch) * cfg.out_features;
  const std::vector<std::int64_t> got = first(s.runs[0].output, total);
  EXPECT_EQ(got, brute_layer(cfg, changed));
  const std::vector<std::int64_t> before = brute_layer(cfg, base);
  EXPECT_EQ(first(env::run_point(cfg, Backends::RTL).runs[0].output, total), before);
  int differ_4 = 0, differ_1 = 0;
  for (std::size_t i = 0; i < total; ++i) {
    const int channel = static_cast<int>(i % cfg.out_features);
    if (got[i] == before[i]) continue;
    EXPECT_TRUE(channel == 4 || channel == 1) << "output " << i << " changed";
    (channel == 4 ? differ_4 : differ_1) += 1;
  }
  EXPECT_GE(differ_4, 1) << "the changed multiplier changed no output";
  EXPECT_GE(differ_1, 1) << "the changed bias changed no output";
}

// A multiplier word the unit cannot take (M0 below 2^(B-1) and not 0) fails the run on both
// backends alike, with the same message naming the channel (the target then counts a TLM error).
TEST(RtlRequant, InvalidMultiplierWordFailsTheRunOnBothBackends) {
  const engine::EngineConfig cfg = make_config(wrong_parameter_spec());
  engine::Stimulus bad = engine::make_stimulus(cfg, cfg.seed, cfg.batch);
  const int b = cfg.requant->m0_bits;
  const auto word = static_cast<std::uint64_t>(bad.bn_scale_words[2]);
  bad.bn_scale_words[2] = static_cast<std::int64_t>((word >> b) << b | 12345);  // M0 = 12345
  const DirectRuns rtl = run_direct(cfg, {bad});
  const DirectRuns model = run_direct(cfg, {bad}, "", /*model=*/true);
  EXPECT_TRUE(rtl.cycles.empty());
  EXPECT_NE(rtl.error.find("channel 2: "), std::string::npos) << rtl.error;
  EXPECT_NE(rtl.error.find("M0 = 12345"), std::string::npos) << rtl.error;
  EXPECT_EQ(rtl.error, model.error);
}

// One transactor, three runs: the parameter memory is written before each, so the second run's
// words take effect (and the third's, the first's again, give the first outputs back); the fold
// counter restarts with each load. Each run has the contract's cycles.
TEST(RtlRequant, ParameterMemoryIsRewrittenEveryRun) {
  const engine::EngineConfig cfg = make_config(wrong_parameter_spec());
  const engine::Stimulus a = engine::make_stimulus(cfg, cfg.seed, cfg.batch);
  engine::Stimulus b = engine::make_stimulus(cfg, cfg.seed + 1, cfg.batch);
  b.weight_words = a.weight_words, b.weights = a.weights, b.input = a.input;  // only params differ
  const DirectRuns r = run_direct(cfg, {a, b, a});
  ASSERT_EQ(r.outputs.size(), 3u);
  EXPECT_EQ(r.outputs[0], brute_layer(cfg, a));
  EXPECT_EQ(r.outputs[1], brute_layer(cfg, b));
  EXPECT_NE(r.outputs[0], r.outputs[1]);
  EXPECT_EQ(r.outputs[2], r.outputs[0]);
  for (std::uint64_t c : r.cycles) EXPECT_EQ(c, expected_cycles(cfg, cfg.batch));
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// With a VCD the int_requant is clocked on every edge (untraced, only while it holds or is
// offered an item): the same outputs and cycles, and the trace has its scope and ports.
TEST(RtlRequant, TraceHasTheRequantUnitAndChangesNothing) {
  const engine::EngineConfig cfg = make_config(grid()[1]);
  const engine::Stimulus st = engine::make_stimulus(cfg, cfg.seed, cfg.batch);
  const std::string vcd = ::testing::TempDir() + "rtl_requant_trace.vcd";
  std::remove(vcd.c_str());
  const DirectRuns traced = run_direct(cfg, {st}, vcd);
  const DirectRuns untraced = run_direct(cfg, {st});
  EXPECT_EQ(traced.outputs, untraced.outputs);
  EXPECT_EQ(traced.cycles, untraced.cycles);
  EXPECT_EQ(untraced.outputs[0], brute_layer(cfg, st));
  const std::string text = read_file(vcd);
  for (const char* s : {"$scope module requant", "$scope module pe0", "wr_data", "in_data",
                        "out_data", "out_valid"}) {
    EXPECT_NE(text.find(s), std::string::npos) << s;
  }
}

// The speed of the rtl backend with int_requant, printed, not checked: a point untraced, after a
// first run that loads the variants, and the same PE array without [requant] (the accumulators
// straight into the output buffer), for what int_requant's port model costs.
void print_speed(const RequantSpec& spec) {
  const engine::EngineConfig cfg = make_config(spec);
  const engine::Stimulus st = engine::make_stimulus(cfg, cfg.seed, cfg.batch);
  run_direct(cfg, {st});
  const DirectRuns r = run_direct(cfg, {st});
  EXPECT_EQ(r.outputs[0], brute_layer(cfg, st));
  ASSERT_EQ(r.cycles.size(), 1u);
  EXPECT_EQ(r.cycles[0], expected_cycles(cfg, cfg.batch));
  engine::EngineConfig bare = cfg;
  bare.requant.reset();
  const DirectRuns b = run_direct(bare, {st});
  std::printf(
      "rtl backend %dx%d PE %d SIMD %d batch %d: [requant] %llu cycles in %.3f s (%.2f M "
      "cycles/s); without it %llu cycles in %.3f s (%.2f M cycles/s)\n",
      cfg.in_features, cfg.out_features, cfg.pe, cfg.simd, cfg.batch,
      static_cast<unsigned long long>(r.cycles[0]), r.seconds,
      static_cast<double>(r.cycles[0]) / r.seconds / 1e6,
      static_cast<unsigned long long>(b.cycles[0]), b.seconds,
      static_cast<double>(b.cycles[0]) / b.seconds / 1e6);
}

// 784 -> 128, PE 8, SIMD 8, batch 32: int_requant is busy on 3 or 4 edges of each 98 (SF).
TEST(RtlRequant, SpeedOfOnePoint) { print_speed(speed_spec()); }

// 8 -> 128 (SF = 1), batch 2048: int_requant takes a beat on every edge, the port model's worst
// case.
TEST(RtlRequant, SpeedWithABeatEveryEdge) {
  RequantSpec s = speed_spec();
  s.in = 8, s.batch = 2048;
  print_speed(s);
}

}  // namespace
}  // namespace fxsim::engine_test
