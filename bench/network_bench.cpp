// The network engine on the CNN-sized example (docs/examples/network_cnn.toml: 28 x 28 x 1,
// conv3x3-8 + BN, pool, conv3x3-16 + BN, pool, dense 10), 8 images: the SystemC network model
// against the stitched Verilated RTL of the same network (built on demand first, outside the
// timing), side by side in one run, each twice (the faster run counts).
// Prints
//   RATE network_model_images_per_s=<images/s>
//   RATE network_rtl_images_per_s=<images/s>
//   RATE network_model_cycles_per_s=<simulated cycles/s>
//   RATIO network_model_vs_rtl=<model images/s / RTL images/s>   (issue 16 target: >= 50)
//   RATE network_reference_images_per_s=<images/s of engine::compute_network_reference, the
//     model's values: best of 3>
//   and whether both gave the same cycles.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "models/engine/network_config.hpp"
#include "models/engine/network_plan.hpp"
#include "models/engine/network_reference.hpp"
#include "models/network/network_model.hpp"
#include "testbenches/env/network_rtl.hpp"
#include "testbenches/env/simulation_scope.hpp"
#include "util/heap.hpp"

extern "C" int sc_main(int, char**) { return 1; }  // libsystemc's main is not used

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main() {
  using namespace fxsim;
  constexpr int kImages = 8;
  const engine::NetworkPlan plan = engine::plan_network(
      engine::load_network_file(FXSIM_SOURCE_DIR "/docs/examples/network_cnn.toml"));
  const engine::NetworkOperands ops = engine::make_network_operands(plan, kImages);
  {  // the bit-exact reference arithmetic alone (the model's values come from it)
    // Its result maps (~170 KB an image) are freed after each run; by default glibc hands that
    // memory back to the kernel and the next run pays a page fault per 4 KiB page again (~9 us
    // each on this VM: 70% of the time). Runs in one process reuse the heap, as sweeps do.
    util::keep_freed_memory_for_reuse();
    double ref_s = 1e30;
    for (int rep = 0; rep < 3; ++rep) {
      const auto t0 = std::chrono::steady_clock::now();
      const engine::NetworkReference ref = engine::compute_network_reference(plan, ops);
      ref_s = std::min(ref_s, seconds_since(t0));
      if (ref.output().empty()) return 1;
    }
    std::printf("RATE network_reference_images_per_s=%.0f\n", kImages / ref_s);
    std::fflush(stdout);  // before the RTL build below
  }
  env::run_network_rtl(plan, engine::make_network_operands(plan, 1));  // builds the top

  double model_s = 1e30, rtl_s = 1e30;
  std::uint64_t model_cycles = 0, rtl_cycles = 0;
  for (int rep = 0; rep < 2; ++rep) {
    {
      env::SimulationScope scope;
      const auto t0 = std::chrono::steady_clock::now();
      model_cycles = network::run_network_model(plan, ops).cycles;
      model_s = std::min(model_s, seconds_since(t0));
    }
    const auto t0 = std::chrono::steady_clock::now();
    rtl_cycles = env::run_network_rtl(plan, ops).cycles;
    rtl_s = std::min(rtl_s, seconds_since(t0));
  }
  std::printf("network_bench: %s, %d images, %llu cycles on the model, %llu on the RTL (%s)\n",
              plan.config.name.c_str(), kImages, static_cast<unsigned long long>(model_cycles),
              static_cast<unsigned long long>(rtl_cycles),
              model_cycles == rtl_cycles ? "equal" : "DIFFERENT");
  std::printf("RATE network_model_images_per_s=%.1f\n", kImages / model_s);
  std::printf("RATE network_rtl_images_per_s=%.1f\n", kImages / rtl_s);
  std::printf("RATE network_model_cycles_per_s=%.0f\n",
              static_cast<double>(model_cycles) / model_s);
  std::printf("RATIO network_model_vs_rtl=%.2f\n", rtl_s / model_s);
  return model_cycles == rtl_cycles ? 0 : 1;
}
