// Sweep throughput. The workers are the fxsim executable (FXSIM_EXE), exactly as `fxsim sweep`
// runs them; model only (no RTL, no yosys; the analytical resource model).
//   RATE sweep_points_per_min=<n>: 288 points of a 784 x 128 layer on 2 workers (target >= 600).
//   RATIO sweep_point_vs_model_layer=<r>: a K-hot / SPT sweep of a 2048 x 256 layer (batch 2) on
//     one worker: wall time per point, over the time of that point's layer simulation alone
//     (env::run_point on the model backend with the point's stimulus already quantized: the TLM
//     transfers, the engine, the scoreboard's reference), both measured here, one core each
//     (target <= 2). Also RATE khot_sweep_points_per_min=<n> for that sweep.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "explore/design_points.hpp"
#include "explore/float_layer.hpp"
#include "explore/sweep_runner.hpp"
#include "testbenches/env/run_point.hpp"
#include "util/heap.hpp"

extern "C" int sc_main(int, char**) { return 1; }  // libsystemc's main is not used

namespace {

// 4 kinds x 3 weights (x 3 K for khot / spt) x 4 PE x 3 SIMD = 288 points.
const char* kSweep = R"([sweep]
name = "bench"
seed = 1
[workload]
in_features = 784
out_features = 128
batch = 1
[axes]
kind = ["fx_mac", "fx_mac_lut", "khot", "spt"]
weight = ["fixed<4,1,RND_CONV,SAT>", "fixed<6,1,RND_CONV,SAT>", "fixed<8,1,RND_CONV,SAT>"]
k = [1, 2, 3]
pe = [4, 8, 16, 32]
simd = [4, 8, 16]
)";

// 2 kinds x 2 weights x 3 K x 2 PE x 2 SIMD x 2 BN = 96 points, all K-hot / SPT weights.
const char* kKhotSweep = R"([sweep]
name = "bench_khot"
seed = 1
[workload]
in_features = 2048
out_features = 256
batch = 2
[axes]
kind = ["khot", "spt"]
weight = ["fixed<6,1,RND_CONV,SAT>", "fixed<8,1,RND_CONV,SAT>"]
k = [1, 2, 3]
pe = [8, 16]
simd = [8, 16]
bn = ["none", "khot"]
)";

namespace fs = std::filesystem;
namespace explore = fxsim::explore;

explore::SweepOutcome run(const explore::SweepSpec& spec,
                          const std::vector<explore::DesignPoint>& points, const fs::path& out,
                          int jobs) {
  explore::SweepOptions o;
  o.out_dir = out;
  o.jobs = jobs;
  o.worker_command = {FXSIM_EXE, "sweep-worker"};
  o.progress = std::fopen("/dev/null", "w");
  o.fxsim_version = "bench";
  explore::SweepOutcome r = explore::run_sweep(spec, points, o);
  std::fclose(o.progress);
  return r;
}

// Seconds of env::run_point (model backend) per point, the stimulus quantized beforehand.
double layer_seconds_per_point(const explore::SweepSpec& spec,
                               const std::vector<explore::DesignPoint>& points) {
  using Clock = std::chrono::steady_clock;
  const explore::FloatLayer layer = explore::make_float_layer(spec.workload, spec.bn, spec.seed);
  double seconds = 0;
  for (const explore::DesignPoint& p : points) {
    const fxsim::engine::Stimulus stim = explore::quantize_layer(layer, p.cfg());
    fxsim::env::RunOptions options;
    options.stimulus = &stim;
    const auto t0 = Clock::now();
    const fxsim::env::RunSummary s =
        fxsim::env::run_point(p.engines.front(), fxsim::env::Backends::MODEL, options);
    seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    if (!s.runs.at(0).completed || s.runs.at(0).scoreboard.mismatch_count != 0) {
      std::fprintf(stderr, "sweep_bench: point %lld failed on the model backend\n",
                   static_cast<long long>(p.id));
      std::exit(1);
    }
  }
  return seconds / static_cast<double>(points.size());
}

int khot_ratio(const fs::path& dir) {
  // The workers run with these settings; the layer simulation is measured with them too.
  fxsim::util::keep_freed_memory_for_reuse();
  const std::string file = (dir / "khot.toml").string();
  std::ofstream(file) << kKhotSweep;
  const explore::SweepSpec spec = explore::load_sweep_file(file);
  const auto points = explore::expand_sweep(spec);
  const double layer = layer_seconds_per_point(spec, points);
  const explore::SweepOutcome r = run(spec, points, dir / "khot_out", 1);
  if (r.ok != static_cast<long>(points.size())) {
    std::fprintf(stderr, "sweep_bench: %ld of %zu K-hot points ok\n", r.ok, points.size());
    return 1;
  }
  const double per_point = r.seconds / static_cast<double>(points.size());
  std::printf(
      "sweep_bench: %zu K-hot points (2048 x 256, batch 2, 1 job): %.2f ms per point, "
      "%.2f ms of layer simulation\n",
      points.size(), per_point * 1e3, layer * 1e3);
  std::printf("RATE khot_sweep_points_per_min=%.0f\n", 60.0 / per_point);
  std::printf("RATIO sweep_point_vs_model_layer=%.2f\n", per_point / layer);
  return 0;
}

}  // namespace

int main() {
  const fs::path dir = fs::temp_directory_path() / "fxsim_sweep_bench";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string file = (dir / "bench.toml").string();
  std::ofstream(file) << kSweep;

  const fxsim::explore::SweepSpec spec = fxsim::explore::load_sweep_file(file);
  const auto points = fxsim::explore::expand_sweep(spec);
  const explore::SweepOutcome r = run(spec, points, dir / "out", 2);
  if (r.ok != static_cast<long>(points.size())) {
    std::fprintf(stderr, "sweep_bench: %ld of %zu points ok\n", r.ok, points.size());
    return 1;
  }
  std::printf("sweep_bench: %zu points (784 x 128 layer, model backend, 2 jobs) in %.2f s\n",
              points.size(), r.seconds);
  std::printf("RATE sweep_points_per_min=%.0f\n",
              60.0 * static_cast<double>(points.size()) / r.seconds);
  const int status = khot_ratio(dir);
  fs::remove_all(dir);
  return status;
}
