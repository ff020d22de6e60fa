// The network engine on the CNN-sized example (docs/examples/network_cnn.toml: 28 x 28 x 1,
// conv3x3-8 + BN, pool, conv3x3-16 + BN, pool, dense 10): the SystemC network model against the
// stitched Verilated RTL of the same network (built on demand first, outside the timing), side
// by side in one run: the best of 5 runs of the fast engine (tens of milliseconds each, so one
// scheduling hiccup would otherwise decide the line) and of 2 runs of the RTL (seconds each).
//
// The model's default engine is the fast one (reference values, the units' controls stepped
// without data, repeating stretches skipped: docs/engine.md): it steps the first two images and
// the last one or two edge by edge and skips the images between, so its images/s grows with the
// batch while the RTL's stays flat. The headline ratio is measured on a batch of 256 images (a
// throughput run); the same ratio on 8 images (mostly the stepped start and end) and the
// per-edge engine's rate are printed beside it.
// Prints
//   RATE network_model_images_per_s=<images/s>         fast engine, 256 images
//   RATE network_rtl_images_per_s=<images/s>           RTL, 256 images
//   RATE network_model_cycles_per_s=<simulated cycles/s>
//   RATIO network_model_vs_rtl=<model images/s / RTL images/s>   (issue 16 target: >= 50)
//   RATE network_model_edges_images_per_s=<images/s>   per-edge engine, 8 images
//   RATIO network_model_vs_rtl_8_images=<...>          fast engine and RTL on 8 images
//   RATE network_reference_images_per_s=<images/s of engine::compute_network_reference alone, the
//     fast engine's values, 8 images, best of 3>
//   and whether the model and the RTL (and both engines) gave the same cycles.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
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

using namespace fxsim;

// The best of `reps` runs, in seconds; *cycles gets the run's cycle count.
double best_of(int reps, const std::function<std::uint64_t()>& run, std::uint64_t* cycles) {
  double best = 1e30;
  for (int rep = 0; rep < reps; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    *cycles = run();
    best = std::min(best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

struct Side {
  double model_s = 0, rtl_s = 0;
  std::uint64_t model_cycles = 0, rtl_cycles = 0;
};

Side measure(const engine::NetworkPlan& plan, int images) {
  const engine::NetworkOperands ops = engine::make_network_operands(plan, images);
  Side s;
  s.model_s = best_of(
      5,
      [&] {
        env::SimulationScope scope;
        return network::run_network_model(plan, ops).cycles;
      },
      &s.model_cycles);
  s.rtl_s = best_of(
      2, [&] { return env::run_network_rtl(plan, ops).cycles; }, &s.rtl_cycles);
  return s;
}

}  // namespace

int main() {
  constexpr int kBatch = 256;
  constexpr int kSmall = 8;
  const engine::NetworkPlan plan = engine::plan_network(
      engine::load_network_file(FXSIM_SOURCE_DIR "/docs/examples/network_cnn.toml"));
  {  // the bit-exact reference arithmetic alone (the fast engine's values come from it)
    const engine::NetworkOperands ops = engine::make_network_operands(plan, kSmall);
    double ref_s = 1e30;
    for (int rep = 0; rep < 3; ++rep) {
      const auto t0 = std::chrono::steady_clock::now();
      const engine::NetworkReference ref = engine::compute_network_reference(plan, ops);
      ref_s = std::min(
          ref_s, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      if (ref.output().empty()) return 1;
    }
    std::printf("RATE network_reference_images_per_s=%.0f\n", kSmall / ref_s);
    std::fflush(stdout);  // before the RTL build below
  }
  env::run_network_rtl(plan, engine::make_network_operands(plan, 1));  // builds the top

  const Side batch = measure(plan, kBatch);
  const Side small = measure(plan, kSmall);
  std::uint64_t edge_cycles = 0;
  const engine::NetworkOperands small_ops = engine::make_network_operands(plan, kSmall);
  network::NetworkModelOptions per_edge;
  per_edge.engine = network::ModelEngine::EDGES;
  const double edges_s = best_of(
      2,
      [&] {
        env::SimulationScope scope;
        return network::run_network_model(plan, small_ops, per_edge).cycles;
      },
      &edge_cycles);

  const bool equal = batch.model_cycles == batch.rtl_cycles &&
                     small.model_cycles == small.rtl_cycles && edge_cycles == small.rtl_cycles;
  std::printf(
      "network_bench: %s; %d images: %llu cycles on the model, %llu on the RTL; %d images: %llu "
      "on the fast engine, %llu on the per-edge engine, %llu on the RTL (%s)\n",
      plan.config.name.c_str(), kBatch, static_cast<unsigned long long>(batch.model_cycles),
      static_cast<unsigned long long>(batch.rtl_cycles), kSmall,
      static_cast<unsigned long long>(small.model_cycles),
      static_cast<unsigned long long>(edge_cycles),
      static_cast<unsigned long long>(small.rtl_cycles), equal ? "equal" : "DIFFERENT");
  std::printf("RATE network_model_images_per_s=%.1f\n", kBatch / batch.model_s);
  std::printf("RATE network_rtl_images_per_s=%.1f\n", kBatch / batch.rtl_s);
  std::printf("RATE network_model_cycles_per_s=%.0f\n",
              static_cast<double>(batch.model_cycles) / batch.model_s);
  std::printf("RATIO network_model_vs_rtl=%.2f\n", batch.rtl_s / batch.model_s);
  std::printf("RATE network_model_edges_images_per_s=%.1f\n", kSmall / edges_s);
  std::printf("RATIO network_model_vs_rtl_8_images=%.2f\n", small.rtl_s / small.model_s);
  return equal ? 0 : 1;
}
