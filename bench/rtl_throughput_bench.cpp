// Throughput of Verilated RTL units (cycles of simulated clock per wall-clock second):
//   (a) the --cc model in a plain C++ loop toggling clk;
//   (b) the same model driven from one SC_METHOD on an sc_clock (how the SystemC testbenches and
//       the TLM transactor run a Verilated unit).
// Units: fx_mac_pe (SIMD 8, 8-bit operands, STAGES 2) and bn_act (relu, the defaults), built or
// taken from the cache by tlm/rtl/verilated like every Verilated unit of fxsim, and driven through
// its PeModel / BnModel interface, streaming one beat per cycle with out_ready high.
// Prints `RATE <name>=<cycles per second>`.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <systemc>

#include "models/units/unit_registry.hpp"
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
  for (const char* which : {"mac", "bn"}) {
    std::unique_ptr<Dut> dut = make_dut(which);
    std::printf("RATE rtl_%s_cycles_per_s=%.0f\n", unit_name(which), plain_rate(*dut, 1.0));
  }
  std::printf("(results seen in the plain runs: %llu)\n", static_cast<unsigned long long>(g_sink));
  std::fflush(stdout);
  for (const char* which : {"mac", "bn"}) {
    const std::string cmd = std::string("\"") + argv[0] + "\" --sc " + which;
    if (std::system(cmd.c_str()) != 0) return 1;
  }
  return 0;
}
