// Throughput of Verilated RTL units (cycles of simulated clock per wall-clock second):
//   (a) the --cc model in a plain C++ loop toggling clk;
//   (b) the same model driven from one SC_METHOD on an sc_clock (how the SystemC testbenches and
//       the TLM transactor run a Verilated unit).
// Units: fx_mac_pe (variant mac_s2: SIMD 8, 8-bit operands, STAGES 2) and bn_act (bn_relu),
// streaming one beat per cycle with out_ready high. Prints `RATE <name>=<cycles per second>`.
#include <systemc>
// Verilator 5.006: a --cc model header after <systemc> needs sc_time_stamp in scope.
using sc_core::sc_time_stamp;

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "Vbn_relu.h"
#include "Vmac_s2.h"

namespace {

using Clock = std::chrono::steady_clock;

// Fresh stimulus every cycle (a cheap LCG), so the model cannot settle into a constant state.
struct Stimulus {
  std::uint64_t s = 0x9e3779b97f4a7c15ull;
  std::uint64_t next() { return s = s * 6364136223846793005ull + 1442695040888963407ull; }
};

void drive(Vmac_s2& m, Stimulus& st) {
  m.in_a = st.next();
  m.in_w = st.next();
  m.in_start = 1;
  m.in_last = (st.s >> 60) & 1;
}

void drive(Vbn_relu& m, Stimulus& st) {
  const std::uint64_t r = st.next();
  m.in_x = static_cast<std::uint16_t>(r);
  m.in_scale = static_cast<std::uint8_t>(r >> 16);
  m.in_bias = static_cast<std::uint16_t>(r >> 24);
}

template <typename M>
void reset(M& m) {
  m.rst_n = 0;
  for (int i = 0; i < 2; ++i) {
    m.clk = 1;
    m.eval();
    m.clk = 0;
    m.eval();
  }
  m.rst_n = 1;
  m.in_valid = 1;
  m.out_ready = 1;
}

std::uint64_t g_sink = 0;  // keeps the outputs observable

template <typename M>
double plain_rate(double seconds) {
  M m;
  Stimulus st;
  reset(m);
  std::uint64_t cycles = 0;
  const auto t0 = Clock::now();
  double elapsed = 0;
  while (elapsed < seconds) {
    for (int i = 0; i < (1 << 20); ++i) {
      drive(m, st);
      m.clk = 1;
      m.eval();
      m.clk = 0;
      m.eval();
      g_sink += m.out_valid;
    }
    cycles += 1 << 20;
    elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  }
  return cycles / elapsed;
}

// One SC_METHOD, sensitive to both clock edges, mirrors the clock into the model.
template <typename M>
SC_MODULE(VerilatedDriver) {
  sc_core::sc_in<bool> clk;
  M model;
  Stimulus st;

  SC_CTOR(VerilatedDriver) {
    SC_METHOD(step);
    sensitive << clk;
    dont_initialize();
    reset(model);
  }

  void step() {
    const bool rising = clk.read();
    if (rising) drive(model, st);  // inputs settle before the edge is evaluated
    model.clk = rising;
    model.eval();
    if (!rising) g_sink += model.out_valid;
  }
};

template <typename M>
double systemc_rate(const char* name, std::uint64_t cycles) {
  sc_core::sc_clock clk((std::string(name) + "_clk").c_str(), 10, sc_core::SC_NS);
  VerilatedDriver<M> driver((std::string(name) + "_drv").c_str());
  driver.clk(clk);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  const auto t0 = Clock::now();
  sc_core::sc_start(static_cast<double>(cycles * 10), sc_core::SC_NS);
  return cycles / std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

// One SystemC elaboration per process, and every clock of it ticks in every sc_start: so each
// model is timed in a process of its own (`--sc mac` / `--sc bn`; main re-executes itself).
extern "C" int sc_main(int argc, char** argv) {
  const std::uint64_t cycles = 2000000;
  const std::string which = argc > 2 ? argv[2] : "";
  if (which == "mac") {
    std::printf("RATE rtl_fx_mac_pe_sc_cycles_per_s=%.0f\n", systemc_rate<Vmac_s2>("mac", cycles));
  } else if (which == "bn") {
    std::printf("RATE rtl_bn_act_sc_cycles_per_s=%.0f\n", systemc_rate<Vbn_relu>("bn", cycles));
  }
  return 0;
}

int main(int argc, char** argv) {
  setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 0);
  if (argc > 2 && std::string(argv[1]) == "--sc") {
    return sc_core::sc_elab_and_sim(argc, argv);
  }
  std::printf("RATE rtl_fx_mac_pe_cycles_per_s=%.0f\n", plain_rate<Vmac_s2>(1.0));
  std::printf("RATE rtl_bn_act_cycles_per_s=%.0f\n", plain_rate<Vbn_relu>(1.0));
  std::printf("(results seen in the plain runs: %llu)\n", static_cast<unsigned long long>(g_sink));
  std::fflush(stdout);
  for (const char* which : {"mac", "bn"}) {
    const std::string cmd = std::string("\"") + argv[0] + "\" --sc " + which;
    if (std::system(cmd.c_str()) != 0) return 1;
  }
  return 0;
}
