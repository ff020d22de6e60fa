// A stitched chain of streaming units (docs/rtl_units.md, "Stitched networks"): the time to
// build its Verilated top on demand into an empty cache, and the cycles per second of the
// edge-by-edge driver (tlm_rtl::StitchedDriver) against the lock-step chain of the units' cycle
// models (streaming::CycleChain) on the same run. The chain: fifo(2) -> max_pool -> fifo(1) ->
// max_pool on a 32 x 32 x 8 map of 8-bit elements, SIMD 4, 16 images, sink ready with
// probability 0.7 (the source always valid).
// Prints
//   RATE stitched_build_seconds=<s>            (verilator + compiler, no ccache)
//   RATE stitched_driver_cycles_per_s=<c/s>
//   RATE cycle_chain_cycles_per_s=<c/s>
//   RATIO cycle_chain_vs_stitched_rtl=<model / RTL>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "models/engine/stitch_plan.hpp"
#include "models/streaming/cycle_chain.hpp"
#include "tlm/rtl/stitched_driver.hpp"
#include "tlm/rtl/verilated/variant_builder.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace engine = fxsim::engine;
namespace tlm_rtl = fxsim::tlm_rtl;
namespace verilated = fxsim::verilated;
using Beat = std::vector<std::int64_t>;

constexpr int kSimd = 4, kC = 8, kH = 32, kW = 32, kImages = 16;

engine::StitchPlan chain() {
  const fxsim::units::ParamMap pool1 = {{"POOL", 2}, {"SIMD", kSimd}, {"IN_W", 8},
                                        {"C", kC},   {"H", kH},       {"W", kW}};
  const fxsim::units::ParamMap pool2 = {{"POOL", 2}, {"SIMD", kSimd}, {"IN_W", 8},
                                        {"C", kC},   {"H", kH / 2},   {"W", kW / 2}};
  return engine::make_stitch_plan({{"f0", "stream_fifo", {{"WIDTH", 8 * kSimd}, {"DEPTH", 2}}},
                                   {"p0", "max_pool", pool1},
                                   {"f1", "stream_fifo", {{"WIDTH", 8 * kSimd}, {"DEPTH", 1}}},
                                   {"p1", "max_pool", pool2}});
}

class ChainDevice {
 public:
  ChainDevice(const engine::StitchPlan& plan, const std::vector<Beat>& beats)
      : chain_(stages(plan)), beats_(beats) {}
  void reset() { chain_.reset(); }
  void settle(bool v, std::size_t beat, bool r) { chain_.settle(v, beats_[beat], r); }
  bool in_ready() const { return chain_.in_ready(); }
  bool out_valid() const { return chain_.out_valid(); }
  void collect() { sink_ += static_cast<std::uint64_t>(chain_.out_data()[0]); }
  void rise() { chain_.edge(); }
  std::uint64_t sink_ = 0;

 private:
  static std::vector<std::unique_ptr<fxsim::streaming::CycleStage>> stages(
      const engine::StitchPlan& p) {
    std::vector<std::unique_ptr<fxsim::streaming::CycleStage>> out;
    for (const auto& s : p.stages)
      out.push_back(fxsim::streaming::make_cycle_stage(s.unit, s.params));
    return out;
  }
  fxsim::streaming::CycleChain chain_;
  const std::vector<Beat>& beats_;
};

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

extern "C" int sc_main(int, char**) { return 1; }  // libsystemc's main is not used

int main() {
  const engine::StitchPlan plan = chain();
  // The build, into a fresh cache, with ccache out of the way: what a first use costs.
  const std::filesystem::path cache = std::filesystem::temp_directory_path() /
                                      ("fxsim_stitched_bench_" + std::to_string(::getpid()));
  setenv("CCACHE_DISABLE", "1", 1);
  verilated::BuildOptions options;
  options.cache_dir = cache;
  options.notify = [](const std::string&) {};
  const engine::StitchedTop top = engine::stitched_top(plan);
  const auto b0 = Clock::now();
  verilated::ensure_variant(tlm_rtl::stitched_request(top, plan), options);
  const double build_s = seconds_since(b0);
  std::filesystem::remove_all(cache);
  std::printf("RATE stitched_build_seconds=%.2f\n", build_s);

  const int cb = (kC + kSimd - 1) / kSimd;
  const std::size_t inputs = static_cast<std::size_t>(kImages * kH * kW * cb);
  const std::size_t outputs = static_cast<std::size_t>(kImages * (kH / 4) * (kW / 4) * cb);
  std::mt19937_64 rng(1);
  std::vector<Beat> beats(inputs, Beat(kSimd));
  verilated::PortImages images(inputs, 8 * kSimd);
  for (std::size_t i = 0; i < inputs; ++i) {
    for (auto& v : beats[i]) v = static_cast<std::int64_t>(rng() % 256) - 128;
    verilated::or_lanes(images.at(i), beats[i].data(), kSimd, 8);
  }

  tlm_rtl::StitchedDriver rtl(plan);
  rtl.run(images, inputs, outputs, tlm_rtl::StreamPattern::always(),
          tlm_rtl::StreamPattern::random(0.7, 2));  // warm-up
  double rtl_rate = 0, model_rate = 0;
  std::uint64_t rtl_cycles = 0, model_cycles = 0;
  for (int round = 0; round < 3; ++round) {
    auto t0 = Clock::now();
    const tlm_rtl::StreamRun r = rtl.run(images, inputs, outputs, tlm_rtl::StreamPattern::always(),
                                         tlm_rtl::StreamPattern::random(0.7, 2));
    rtl_rate = std::max(rtl_rate, static_cast<double>(r.cycles) / seconds_since(t0));
    rtl_cycles = r.cycles;
    ChainDevice model(plan, beats);
    t0 = Clock::now();
    const tlm_rtl::StreamRun m =
        tlm_rtl::run_stream(model, inputs, outputs, tlm_rtl::StreamPattern::always(),
                            tlm_rtl::StreamPattern::random(0.7, 2), {}, r.cycles + 1000);
    model_rate = std::max(model_rate, static_cast<double>(m.cycles) / seconds_since(t0));
    model_cycles = m.cycles;
  }
  if (rtl_cycles != model_cycles) {
    std::fprintf(stderr, "stitched_bench: RTL took %llu cycles, the chain model %llu\n",
                 static_cast<unsigned long long>(rtl_cycles),
                 static_cast<unsigned long long>(model_cycles));
    return 1;
  }
  std::printf("RATE stitched_driver_cycles_per_s=%.0f\n", rtl_rate);
  std::printf("RATE cycle_chain_cycles_per_s=%.0f\n", model_rate);
  std::printf("RATIO cycle_chain_vs_stitched_rtl=%.2f\n", model_rate / rtl_rate);
  return 0;
}
