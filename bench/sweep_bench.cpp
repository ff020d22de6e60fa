// Sweep throughput: design points per minute of a model-only sweep (no RTL, no yosys; the
// analytical resource model) of a 784 x 128 layer on 2 worker processes, the issue's benchmark.
// Prints `RATE sweep_points_per_min=<n>` (target: at least 600). The workers are the fxsim
// executable (FXSIM_EXE), exactly as `fxsim sweep` runs them.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "explore/design_points.hpp"
#include "explore/sweep_runner.hpp"

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

}  // namespace

int main() {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "fxsim_sweep_bench";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string file = (dir / "bench.toml").string();
  std::ofstream(file) << kSweep;

  const fxsim::explore::SweepSpec spec = fxsim::explore::load_sweep_file(file);
  const auto points = fxsim::explore::expand_sweep(spec);
  fxsim::explore::SweepOptions o;
  o.out_dir = dir / "out";
  o.jobs = 2;
  o.worker_command = {FXSIM_EXE, "sweep-worker"};
  o.progress = std::fopen("/dev/null", "w");
  o.fxsim_version = "bench";
  const fxsim::explore::SweepOutcome r = fxsim::explore::run_sweep(spec, points, o);
  std::fclose(o.progress);
  fs::remove_all(dir);
  if (r.ok != static_cast<long>(points.size())) {
    std::fprintf(stderr, "sweep_bench: %ld of %zu points ok\n", r.ok, points.size());
    return 1;
  }
  std::printf("sweep_bench: %zu points (784 x 128 layer, model backend, 2 jobs) in %.2f s\n",
              points.size(), r.seconds);
  std::printf("RATE sweep_points_per_min=%.0f\n",
              60.0 * static_cast<double>(points.size()) / r.seconds);
  return 0;
}
