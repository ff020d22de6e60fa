// Throughput of Verilated RTL units (cycles of simulated clock per wall-clock second):
//   (a) the --cc model in a plain C++ loop toggling clk;
//   (b) the same model driven from one SC_METHOD on both edges of an sc_clock, a kernel
//       activation per edge (how a SystemC testbench would naively clock a Verilated unit);
//   (c) the engine's rtl backend (tlm_rtl::RtlBackend, whose transactor clocks the units from its
//       own loop and calls wait() only where SystemC must see the time) running a 784 x 128 layer
//       of batch 4 on PE 1, SIMD 8, no bn: one fx_mac_pe at the same parameters as (a), fed from
//       the layer's buffers, its results handed on and written to the output buffer.
// Units: fx_mac_pe (SIMD 8, 8-bit operands, STAGES 2) and bn_act (relu, the defaults), built or
// taken from the cache by tlm/rtl/verilated like every Verilated unit of fxsim, and driven through
// its PeModel / BnModel interface, streaming one beat per cycle with out_ready high.
// Prints `RATE <name>=<cycles per second>` and
//   RATIO rtl_engine_vs_plain_verilator=<(c) / (a)>   (target >= 0.6)
// with (a) and (c) timed side by side, alternating, the best of two rounds each.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <systemc>
#include <vector>

#include "models/engine/backend.hpp"
#include "models/engine/elaboration.hpp"
#include "models/engine/engine_config.hpp"
#include "models/engine/stimulus.hpp"
#include "models/units/unit_registry.hpp"
#include "testbenches/env/simulation_scope.hpp"
#include "tlm/rtl/rtl_backend.hpp"
#include "tlm/rtl/verilated/port_image.hpp"
#include "tlm/rtl/verilated/variant_registry.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace verilated = fxsim::verilated;
namespace units = fxsim::units;

// The benchmark's parameter sets.
units::ParamMap mac_params() {
  return units::resolve_params(units::find_unit("fx_mac_pe"), {{"SIMD", 8},
                                                               {"A_W", 8},
                                                               {"W_W", 8},
                                                               {"ACC_W", 20},
                                                               {"ACC_O", 0},
                                                               {"Q", 0},
                                                               {"O", 3},
                                                               {"STAGES", 2}});
}
units::ParamMap bn_params() {
  return units::resolve_params(units::find_unit("bn_act"),
                               {{"SCALE_KIND", 0}, {"ACT", 1}, {"STAGES", 2}});
}

// Fresh stimulus every cycle (a cheap LCG), so the model cannot settle into a constant state.
struct Stimulus {
  std::uint64_t s = 0x9e3779b97f4a7c15ull;
  std::uint64_t next() { return s = s * 6364136223846793005ull + 1442695040888963407ull; }
};

// A unit under test: its model and how to give it one beat of fresh inputs.
class Dut {
 public:
  virtual ~Dut() = default;
  virtual verilated::UnitModel& model() = 0;
  virtual void drive(Stimulus& st) = 0;
};

class MacDut : public Dut {
 public:
  MacDut() : m_(verilated::find_pe_variant("fx_mac_pe", mac_params()).make("mac")) {}
  verilated::UnitModel& model() override { return *m_; }
  void drive(Stimulus& st) override {
    a_[0] = static_cast<std::uint32_t>(st.next());
    a_[1] = static_cast<std::uint32_t>(st.s >> 32);
    w_[0] = static_cast<std::uint32_t>(st.next());
    w_[1] = static_cast<std::uint32_t>(st.s >> 32);
    m_->set_inputs(true, true, (st.s >> 60) & 1, a_, w_);
  }

 private:
  std::unique_ptr<verilated::PeModel> m_;
  std::uint32_t a_[2] = {0, 0}, w_[2] = {0, 0};  // SIMD 8 x 8 bits: two port words each
};

class BnDut : public Dut {
 public:
  BnDut() : m_(verilated::find_bn_variant(bn_params()).make("bn")) {}
  verilated::UnitModel& model() override { return *m_; }
  void drive(Stimulus& st) override {
    const std::uint64_t r = st.next();
    m_->set_inputs(true, r & 0xffff, (r >> 16) & 0xff, (r >> 24) & 0xffff);
  }

 private:
  std::unique_ptr<verilated::BnModel> m_;
};

std::unique_ptr<Dut> make_dut(const std::string& which) {
  if (which == "mac") return std::make_unique<MacDut>();
  return std::make_unique<BnDut>();
}

std::uint64_t g_sink = 0;  // keeps the outputs observable

double plain_rate(Dut& dut, double seconds) {
  Stimulus st;
  verilated::UnitModel& m = dut.model();
  m.reset();
  m.set_out_ready(true);
  std::uint64_t cycles = 0;
  const auto t0 = Clock::now();
  double elapsed = 0;
  while (elapsed < seconds) {
    for (int i = 0; i < (1 << 20); ++i) {
      dut.drive(st);
      m.settle();
      m.rise();
      g_sink += m.out_valid();
    }
    cycles += 1 << 20;
    elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  }
  return cycles / elapsed;
}

// One SC_METHOD, sensitive to both clock edges, mirrors the clock into the model.
SC_MODULE(VerilatedDriver) {
  sc_core::sc_in<bool> clk;
  Dut* dut = nullptr;
  Stimulus st;

  SC_CTOR(VerilatedDriver) {
    SC_METHOD(step);
    sensitive << clk;
    dont_initialize();
  }

  void step() {
    if (clk.read()) {
      dut->drive(st);  // inputs settle before the edge is evaluated
      dut->model().rise();
    } else {
      dut->model().settle();
      g_sink += dut->model().out_valid();
    }
  }
};

double systemc_rate(const std::string& which, std::uint64_t cycles) {
  std::unique_ptr<Dut> dut = make_dut(which);
  dut->model().reset();
  dut->model().set_out_ready(true);
  sc_core::sc_clock clk((which + "_clk").c_str(), 10, sc_core::SC_NS);
  VerilatedDriver driver((which + "_drv").c_str());
  driver.dut = dut.get();
  driver.clk(clk);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  const auto t0 = Clock::now();
  sc_core::sc_start(static_cast<double>(cycles * 10), sc_core::SC_NS);
  return cycles / std::chrono::duration<double>(Clock::now() - t0).count();
}

// (c): the layer whose PE elaborates to mac_params() (A fixed<8,4>, W fixed<8,2>, a 20-bit
// saturating accumulator, an 8-bit RND / WRAP output, 2 stages).
fxsim::engine::EngineConfig engine_point() {
  return fxsim::engine::parse_point(R"(
seed = 1
[engine]
kind = "fx_mac"
pe = 1
simd = 8
mac_stages = 2
clock_ns = 4.0
[layer]
in_features = 784
out_features = 128
batch = 4
[types]
activation = "fixed<8,4>"
weight = "fixed<8,2>"
accumulator = "fixed<20,10,TRN,SAT>"
output = "fixed<8,4,RND,WRAP>"
)",
                                    "rtl_throughput_bench.toml");
}

// Calls backend->run(job) from one SC_THREAD until `seconds` of wall-clock time have passed.
SC_MODULE(EngineDriver) {
  fxsim::engine::EngineBackend* backend = nullptr;
  const fxsim::engine::EngineJob* job = nullptr;
  double seconds = 1.0;
  std::uint64_t cycles = 0;
  double elapsed = 0;
  SC_CTOR(EngineDriver) { SC_THREAD(drive); }
  void drive() {
    const auto t0 = Clock::now();
    while (elapsed < seconds) {
      cycles += backend->run(*job);
      elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
    }
    sc_core::sc_stop();
  }
};

double engine_rate(double seconds) {
  const fxsim::engine::EngineConfig cfg = engine_point();
  const fxsim::engine::Elaboration e = fxsim::engine::elaborate(cfg);
  if (e.pe.params != mac_params()) {
    std::fprintf(stderr,
                 "rtl_throughput_bench: the engine point's fx_mac_pe (%s) is not (a)'s (%s)\n",
                 fxsim::units::format_params(*e.pe.unit, e.pe.params).c_str(),
                 fxsim::units::format_params(*e.pe.unit, mac_params()).c_str());
    std::exit(1);
  }
  const fxsim::engine::Stimulus stim = fxsim::engine::make_stimulus(cfg, cfg.seed, cfg.batch);
  fxsim::env::SimulationScope scope;
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                          sc_core::SC_DO_NOTHING);  // sc_stop()
  fxsim::tlm_rtl::RtlBackend backend("rtl", e);
  std::vector<std::int64_t> output(static_cast<std::size_t>(cfg.batch) * cfg.out_features);
  fxsim::engine::EngineJob job;
  job.cfg = &cfg;
  job.batch = cfg.batch;
  job.weights = &stim.weight_words;
  job.input = &stim.input;
  job.output = &output;
  EngineDriver driver("driver");
  driver.backend = &backend;
  driver.job = &job;
  driver.seconds = seconds;
  sc_core::sc_start();
  g_sink += static_cast<std::uint64_t>(output[0]);
  return driver.cycles / driver.elapsed;
}

const char* unit_name(const std::string& which) { return which == "mac" ? "fx_mac_pe" : "bn_act"; }

}  // namespace

// One SystemC elaboration per process, and every clock of it ticks in every sc_start: so each
// model is timed in a process of its own (`--sc mac` / `--sc bn`; main re-executes itself).
extern "C" int sc_main(int argc, char** argv) {
  const std::string which = argc > 2 ? argv[2] : "";
  std::printf("RATE rtl_%s_sc_cycles_per_s=%.0f\n", unit_name(which), systemc_rate(which, 2000000));
  return 0;
}

int main(int argc, char** argv) {
  setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 0);
  if (argc > 2 && std::string(argv[1]) == "--sc") {
    return sc_core::sc_elab_and_sim(argc, argv);
  }
  // (a) and (c) of fx_mac_pe side by side, alternating: both see the same machine load.
  double plain_mac = 0, engine = 0;
  {
    std::unique_ptr<Dut> dut = make_dut("mac");
    for (int round = 0; round < 2; ++round) {
      plain_mac = std::max(plain_mac, plain_rate(*dut, 1.0));
      engine = std::max(engine, engine_rate(1.0));
    }
  }
  std::printf("RATE rtl_fx_mac_pe_cycles_per_s=%.0f\n", plain_mac);
  {
    std::unique_ptr<Dut> dut = make_dut("bn");
    std::printf("RATE rtl_bn_act_cycles_per_s=%.0f\n", plain_rate(*dut, 1.0));
  }
  std::printf("RATE rtl_engine_fx_mac_pe_cycles_per_s=%.0f\n", engine);
  std::printf("RATIO rtl_engine_vs_plain_verilator=%.2f\n", engine / plain_mac);
  std::printf("(results seen in the plain runs: %llu)\n", static_cast<unsigned long long>(g_sink));
  std::fflush(stdout);
  for (const char* which : {"mac", "bn"}) {
    const std::string cmd = std::string("\"") + argv[0] + "\" --sc " + which;
    if (std::system(cmd.c_str()) != 0) return 1;
  }
  return 0;
}
