// weight_mem: the Verilated RTL, the SystemC model (models/streaming) and the reference
// (units::WeightImage: beat k is row k mod DEPTH) in lock step, MatchLib-style: random `run`
// gaps on the read side and random out_ready stalls (several seeds and probabilities, none to
// heavy), the weights loaded, streamed, partly rewritten and streamed again. Every cycle the
// RTL's and the model's out_valid and out_data must be equal; every transfer must carry the
// reference's next beat; the transfer count and the cycle count must agree. A stall-free run
// must take exactly beats + latency cycles.
#include "models/units/weight_mem/weight_mem.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "models/streaming/weight_mem_model.hpp"
#include "testbenches/env/simulation_scope.hpp"
#include "testbenches/rtl/port_dut.hpp"
#include "testbenches/rtl/rtl_variants.hpp"
#include "testbenches/rtl/test_env.hpp"

namespace {

namespace units = fxsim::units;
namespace streaming = fxsim::streaming;
using namespace fxsim::rtl_test;
using sc_core::SC_NS;

// The RTL and the sc_module side by side, driven with the same inputs.
class Bench {
 public:
  Bench(const char* unit, const units::ParamMap& overrides)
      : cfg_(
            units::WeightMemConfig::from(units::resolve_params(units::find_unit(unit), overrides))),
        dut_(unit, overrides),
        wr_data_("wr_data", static_cast<std::size_t>(cfg_.words_per_beat())),
        out_data_("out_data", static_cast<std::size_t>(cfg_.words_per_beat())),
        model_("weight_mem", cfg_) {
    // drive() advances time with no clock edge on purpose (inputs settle while clk is low).
    sc_core::sc_report_handler::set_actions(sc_core::SC_ID_NO_SC_START_ACTIVITY_,
                                            sc_core::SC_DO_NOTHING);
    model_.clk(clk_);
    model_.rst_n(rst_n_);
    model_.run(run_);
    model_.wr_en(wr_en_);
    model_.wr_addr(wr_addr_);
    model_.wr_data(wr_data_);
    model_.out_valid(out_valid_);
    model_.out_ready(out_ready_);
    model_.out_data(out_data_);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
    dut_.clk = 0;
  }

  const units::WeightMemConfig& config() const { return cfg_; }
  const streaming::WeightMemModel& model() const { return model_.model(); }

  // Inputs for the next edge, applied to both while clk is low.
  void drive(const streaming::WeightMemInputs& in) {
    dut_.rst_n = in.rst_n;
    dut_.run = in.run;
    dut_.wr_en = in.wr_en;
    dut_.wr_addr = static_cast<std::uint64_t>(in.wr_addr);
    dut_.out_ready = in.out_ready;
    rst_n_.write(in.rst_n);
    run_.write(in.run);
    wr_en_.write(in.wr_en);
    wr_addr_.write(in.wr_addr);
    out_ready_.write(in.out_ready);
    for (int i = 0; i < cfg_.words_per_beat(); ++i) {
      const std::uint64_t w = in.wr_data.empty() ? 0 : in.wr_data[i];
      put_bits(dut_.wr_data, i * cfg_.word_w, cfg_.word_w, w);
      wr_data_[i].write(w);
    }
    dut_.eval();
    sc_core::sc_start(1, SC_NS);
  }

  void edge() {
    dut_.clk = 1;
    dut_.eval();
    dut_.clk = 0;
    dut_.eval();
    clk_.write(true);
    sc_core::sc_start(1, SC_NS);
    clk_.write(false);
    sc_core::sc_start(1, SC_NS);
  }

  bool rtl_valid() const { return static_cast<std::uint64_t>(dut_.out_valid) != 0; }
  std::uint64_t rtl_word(int i) const {
    return get_bits(dut_.out_data, i * cfg_.word_w, cfg_.word_w);
  }
  bool model_valid() const { return out_valid_.read(); }
  std::uint64_t model_word(int i) const { return out_data_[i].read(); }

 private:
  units::WeightMemConfig cfg_;
  Dut dut_;
  sc_core::sc_signal<bool> clk_{"clk"}, rst_n_{"rst_n"}, run_{"run"}, wr_en_{"wr_en"};
  sc_core::sc_signal<int> wr_addr_{"wr_addr"};
  sc_core::sc_vector<sc_core::sc_signal<std::uint64_t>> wr_data_;
  sc_core::sc_signal<bool> out_valid_{"out_valid"}, out_ready_{"out_ready"};
  sc_core::sc_vector<sc_core::sc_signal<std::uint64_t>> out_data_;
  streaming::WeightMemModule model_;
};

struct Pattern {
  std::uint64_t seed;
  double p_ready;  // out_ready high in a cycle
  double p_run;    // run high in a streaming cycle
};

struct Outcome {
  std::int64_t transfers = 0;
  std::int64_t cycles = 0;
  int mismatches = 0;
};

units::WeightBeat random_row(const units::WeightMemConfig& c, std::mt19937_64& rng) {
  units::WeightBeat row(c.words_per_beat());
  for (auto& w : row) w = rng() & low_mask(c.word_w);
  return row;
}

// Reset, load every row (in a random order), stream, rewrite some rows, stream again.
Outcome run_pattern(const char* unit, const units::ParamMap& overrides, const Pattern& pat) {
  fxsim::env::SimulationScope scope;
  Bench b(unit, overrides);
  const units::WeightMemConfig& c = b.config();
  units::WeightImage ref(c);
  std::mt19937_64 rng(base_seed() * 1000003 + pat.seed);
  std::bernoulli_distribution ready(pat.p_ready), run(pat.p_run);
  Outcome o;

  // One cycle: compare the outputs, count a transfer against the reference, then the edge.
  auto cycle = [&](const streaming::WeightMemInputs& in) {
    b.drive(in);
    const bool valid = b.rtl_valid();
    if (valid != b.model_valid()) {
      ++o.mismatches;
      ADD_FAILURE() << "cycle " << o.cycles << ": out_valid RTL " << valid << " model "
                    << b.model_valid();
    }
    if (valid && in.rst_n) {
      const units::WeightBeat& want = ref.beat(o.transfers);
      for (int i = 0; i < c.words_per_beat(); ++i) {
        const std::uint64_t rtl = b.rtl_word(i);
        if (rtl != b.model_word(i) || rtl != want[i]) {
          if (++o.mismatches <= 5) {
            ADD_FAILURE() << "cycle " << o.cycles << " beat " << o.transfers << " word " << i
                          << ": RTL " << rtl << " model " << b.model_word(i) << " reference "
                          << want[i];
          }
        }
      }
      if (in.out_ready) ++o.transfers;
    }
    b.edge();
    ++o.cycles;
  };

  streaming::WeightMemInputs in;
  in.rst_n = false;
  for (int i = 0; i < 2; ++i) cycle(in);
  in.rst_n = true;

  auto load = [&](const std::vector<int>& addrs) {
    for (int a : addrs) {
      in = {};
      in.wr_en = true;
      in.wr_addr = a;
      in.wr_data = random_row(c, rng);
      in.out_ready = ready(rng);
      ref.write(a, in.wr_data);
      cycle(in);
    }
    in = {};
  };
  auto stream = [&](std::int64_t beats) {
    const std::int64_t until = o.transfers + beats;
    while (o.transfers < until) {
      in = {};
      in.run = run(rng);
      in.out_ready = ready(rng);
      cycle(in);
    }
    // run low: drain the beat in flight, so that no read is pending while rows are rewritten.
    in = {};
    while (b.rtl_valid()) {
      in.out_ready = ready(rng) || pat.p_ready == 0;
      cycle(in);
    }
  };

  std::vector<int> order(c.depth);
  for (int i = 0; i < c.depth; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  load(order);
  stream(2 * c.depth + 3);
  std::vector<int> some;
  for (int i = 0; i < c.depth; i += 3) some.push_back((i * 7) % c.depth);
  load(some);
  stream(c.depth + 5);

  EXPECT_EQ(b.model().beats_sent(), o.transfers);
  EXPECT_EQ(b.model().cycles(), o.cycles);
  return o;
}

struct WmVariant {
  const char* name;
  const char* unit;
  units::ParamMap overrides;
};

std::vector<WmVariant> variants() {
  namespace v = fxsim::rtl_variants;
  return {{"wm_regs", v::wm_regs::kUnit, v::wm_regs::overrides()},
          {"wm_lutram", v::wm_lutram::kUnit, v::wm_lutram::overrides()},
          {"wm_bram", v::wm_bram::kUnit, v::wm_bram::overrides()}};
}

TEST(WeightMem, RtlEqualsModelAndReferenceUnderStalls) {
  const Pattern patterns[] = {{1, 1.0, 1.0}, {2, 0.7, 1.0}, {3, 0.5, 0.8},
                              {4, 0.2, 0.9}, {5, 0.9, 0.3}, {6, 0.05, 1.0}};
  for (const WmVariant& v : variants()) {
    for (const Pattern& p : patterns) {
      const Outcome o = run_pattern(v.unit, v.overrides, p);
      EXPECT_EQ(o.mismatches, 0) << v.name << " seed " << p.seed;
      EXPECT_GT(o.transfers, 0) << v.name;
    }
  }
}

// Without stalls the unit streams one beat per cycle: run high from the first edge after
// reset, out_ready always high, beat k leaves on edge k + 1 (latency 1): N beats, N + 1 edges.
TEST(WeightMem, StallFreeStreamTakesBeatsPlusLatencyCycles) {
  for (const WmVariant& v : variants()) {
    fxsim::env::SimulationScope scope;
    Bench b(v.unit, v.overrides);
    const units::WeightMemConfig& c = b.config();
    streaming::WeightMemInputs in;
    in.rst_n = false;
    b.drive(in);
    b.edge();
    in.rst_n = true;
    in.run = true;
    in.out_ready = true;
    const int beats = 3 * c.depth + 1;
    int edges = 0, transfers = 0;
    while (transfers < beats) {
      b.drive(in);
      ASSERT_EQ(b.rtl_valid(), b.model_valid()) << v.name << " edge " << edges;
      if (b.rtl_valid()) ++transfers;
      b.edge();
      ++edges;
      ASSERT_LE(edges, beats + units::kWeightMemLatency) << v.name;
    }
    EXPECT_EQ(edges, beats + units::kWeightMemLatency) << v.name;
  }
}

// A write to the address read on the same edge: the beat keeps the old word (read-first), the
// next pass over that fold carries the new one.
TEST(WeightMem, WriteOnTheReadEdgeIsReadFirst) {
  for (const WmVariant& v : variants()) {
    fxsim::env::SimulationScope scope;
    Bench b(v.unit, v.overrides);
    const units::WeightMemConfig& c = b.config();
    std::mt19937_64 rng(base_seed() + 99);
    streaming::WeightMemInputs in;
    in.rst_n = false;
    b.drive(in);
    b.edge();
    in.rst_n = true;
    std::vector<units::WeightBeat> rows;
    for (int a = 0; a < c.depth; ++a) {
      rows.push_back(random_row(c, rng));
      in.wr_en = true;
      in.wr_addr = a;
      in.wr_data = rows.back();
      b.drive(in);
      b.edge();
    }
    const units::WeightBeat fresh = random_row(c, rng);
    in.wr_addr = 0;  // fold 0 is read on the first edge with run high
    in.wr_data = fresh;
    in.run = true;
    in.out_ready = true;
    std::vector<units::WeightBeat> seen;
    for (int edge = 0; edge <= c.depth + 1; ++edge) {
      b.drive(in);
      if (b.rtl_valid()) {
        units::WeightBeat beat(c.words_per_beat());
        for (int i = 0; i < c.words_per_beat(); ++i) {
          beat[i] = b.rtl_word(i);
          ASSERT_EQ(beat[i], b.model_word(i)) << v.name;
        }
        seen.push_back(beat);
      }
      b.edge();
      in.wr_en = false;
    }
    ASSERT_EQ(seen.size(), static_cast<std::size_t>(c.depth + 1)) << v.name;
    EXPECT_EQ(seen[0], rows[0]) << v.name;
    EXPECT_EQ(seen[c.depth], fresh) << v.name;
    if (c.depth > 1) EXPECT_EQ(seen[1], rows[1]) << v.name;
  }
}

TEST(WeightMem, BadParametersAreRejectedByName) {
  const units::UnitSpec& u = units::find_unit("weight_mem");
  auto message = [&](const units::ParamMap& p) -> std::string {
    try {
      units::resolve_params(u, p);
    } catch (const units::UnitParamError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message({{"STYLE", 4}}).find("STYLE = 4 is out of range, expected 0..3"),
            std::string::npos)
      << message({{"STYLE", 4}});
  EXPECT_NE(message({{"STYLE", 4}}).find("BRAM"), std::string::npos);
  EXPECT_NE(message({{"DEPTH", 1}}).find("DEPTH = 1 is out of range, expected 2..65536"),
            std::string::npos);
  EXPECT_NE(message({{"PE", 64}, {"SIMD", 64}, {"WORD_W", 8}}).find("PE * SIMD * WORD_W"),
            std::string::npos);
  EXPECT_NE(message({{"WORD_W", 0}}).find("WORD_W = 0"), std::string::npos);
  EXPECT_EQ(units::parse_param_value(u, "STYLE", "lutram"), 2);
}

}  // namespace
