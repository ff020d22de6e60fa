// Simulation speed of the layer engine on a 784 x 128 dense layer, PE 8, SIMD 8 (fx_mac, 8-bit
// operands, no bn), measured side by side in one run:
//   native  the layer computed directly with fx/: an int64 dot product and one cast per output,
//           the same bit-exact values, no simulation at all;
//   model   the model backend's run() (SystemC, transaction-level timing), called repeatedly
//           from one SC_THREAD;
//   rtl     the rtl backend's run() (8 Verilated fx_mac_pe clocked by the transactor's loop).
// Prints `RATE <name>_macs_per_s=...` (simulated multiply-accumulates per wall-clock second) and
//   RATIO model_vs_native=<model time / native time>   (target <= 5)
//   RATIO model_vs_rtl=<rtl time / model time>         (what the model saves: no target since
//                                                       the rtl backend clocks its own loop)
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <systemc>
#include <vector>

#include "fx/cast.hpp"
#include "models/engine/backend.hpp"
#include "models/engine/elaboration.hpp"
#include "models/engine/engine_config.hpp"
#include "models/engine/stimulus.hpp"
#include "models/systemc/model_backend.hpp"
#include "models/units/fx_mac_pe/fx_mac_pe.hpp"
#include "testbenches/env/simulation_scope.hpp"
#include "tlm/rtl/rtl_backend.hpp"

namespace fx = fxsim::fx;

namespace {

using Clock = std::chrono::steady_clock;
using fxsim::engine::EngineConfig;

EngineConfig bench_point() {
  return fxsim::engine::parse_point(R"(
seed = 1
[engine]
kind = "fx_mac"
pe = 8
simd = 8
mac_stages = 2
clock_ns = 4.0
[layer]
in_features = 784
out_features = 128
batch = 1
[types]
activation = "fixed<8,1,TRN,SAT>"
weight = "fixed<8,1>"
accumulator = "fixed<24,10>"
output = "fixed<8,3,RND_CONV,SAT>"
)",
                                    "engine_bench.toml");
}

std::int64_t g_sink = 0;  // keeps results observable

// Seconds per layer of the native computation: what a hand-written C++ program would do with
// fx/ alone — an int64 dot product per output (the accumulator of this point is wide enough
// never to wrap), then one fx cast into the output format.
double native_seconds(const EngineConfig& cfg, const fxsim::engine::Stimulus& stim) {
  const fxsim::units::MacPeConfig pe =
      std::get<fxsim::units::MacPeConfig>(fxsim::engine::elaborate(cfg).pe_config);
  const std::size_t n_in = cfg.in_features;
  const std::int64_t* w = stim.weights.data();
  const std::int64_t* a = stim.input.data();
  const int pf = pe.product_frac();
  std::uint64_t layers = 0;
  const auto t0 = Clock::now();
  double elapsed = 0;
  while (elapsed < 1.0) {
    for (int r = 0; r < 50; ++r, ++layers) {
      for (int n = 0; n < cfg.out_features; ++n) {
        const std::int64_t* row = w + n * n_in;
        std::int64_t sum = 0;
        for (std::size_t j = 0; j < n_in; ++j) sum += a[j] * row[j];
        g_sink += fx::cast_from_raw(sum, pf, pe.out);
      }
    }
    elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  }
  return elapsed / layers;
}

// Calls backend->run(job) `reps` times from one SC_THREAD.
SC_MODULE(JobDriver) {
  fxsim::engine::EngineBackend* backend = nullptr;
  const fxsim::engine::EngineJob* job = nullptr;
  int reps = 1;
  std::uint64_t cycles = 0;
  SC_CTOR(JobDriver) { SC_THREAD(drive); }
  void drive() {
    for (int i = 0; i < reps; ++i) cycles = backend->run(*job);
    sc_core::sc_stop();
  }
};

struct BackendTiming {
  double seconds_per_layer = 0;
  std::uint64_t cycles = 0;
};

template <typename MakeBackend>
BackendTiming backend_seconds(const EngineConfig& cfg, const fxsim::engine::Stimulus& stim,
                              int reps, MakeBackend make) {
  fxsim::env::SimulationScope scope;
  std::unique_ptr<fxsim::engine::EngineBackend> backend = make();
  std::vector<std::int64_t> output(cfg.out_features);
  fxsim::engine::EngineJob job;
  job.cfg = &cfg;
  job.batch = 1;
  job.weights = &stim.weight_words;
  job.bn_scale = &stim.bn_scale_words;
  job.bn_bias = &stim.bn_bias;
  job.input = &stim.input;
  job.output = &output;
  JobDriver driver("driver");
  driver.backend = backend.get();
  driver.job = &job;
  driver.reps = reps;
  const auto t0 = Clock::now();
  sc_core::sc_start();
  const double t = std::chrono::duration<double>(Clock::now() - t0).count();
  g_sink += output[0];
  return {t / reps, driver.cycles};
}

}  // namespace

extern "C" int sc_main(int, char**) { return 1; }  // libsystemc's main is not used: see main()

int main() {
  setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 0);
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                          sc_core::SC_DO_NOTHING);  // sc_stop() after each run
  const EngineConfig cfg = bench_point();
  const fxsim::engine::Stimulus stim = fxsim::engine::make_stimulus(cfg, cfg.seed, 1);
  const double macs = static_cast<double>(cfg.in_features) * cfg.out_features;

  const double native = native_seconds(cfg, stim);
  const fxsim::engine::Elaboration e = fxsim::engine::elaborate(cfg);
  const BackendTiming model = backend_seconds(
      cfg, stim, 2000, [&] { return std::make_unique<fxsim::systemc::ModelBackend>("model", e); });
  const BackendTiming rtl = backend_seconds(
      cfg, stim, 20, [&] { return std::make_unique<fxsim::tlm_rtl::RtlBackend>("rtl", e); });

  std::printf("layer 784x128, PE 8, SIMD 8: %llu cycles (model), %llu cycles (rtl)\n",
              static_cast<unsigned long long>(model.cycles),
              static_cast<unsigned long long>(rtl.cycles));
  std::printf("TIME native_us_per_layer=%.2f\n", native * 1e6);
  std::printf("TIME model_us_per_layer=%.2f\n", model.seconds_per_layer * 1e6);
  std::printf("TIME rtl_us_per_layer=%.2f\n", rtl.seconds_per_layer * 1e6);
  std::printf("RATE native_macs_per_s=%.0f\n", macs / native);
  std::printf("RATE model_macs_per_s=%.0f\n", macs / model.seconds_per_layer);
  std::printf("RATE rtl_macs_per_s=%.0f\n", macs / rtl.seconds_per_layer);
  std::printf("RATIO model_vs_native=%.2f\n", model.seconds_per_layer / native);
  std::printf("RATIO model_vs_rtl=%.1f\n", rtl.seconds_per_layer / model.seconds_per_layer);
  std::printf("(sink %lld)\n", static_cast<long long>(g_sink));
  return model.cycles == rtl.cycles ? 0 : 1;
}
