// Helpers of the sweep tests: temporary directories, sweep files written from text, running a
// sweep through the real fxsim workers, reading results back.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "explore/sweep_runner.hpp"
#include "traces/results_schema.hpp"

namespace fxsim::sweep_test {

// A fresh directory under the test temp dir, named after the running test (+ suffix).
std::filesystem::path temp_dir(const std::string& suffix = "");
// The directory temp_dir() makes its folders in (one per test process); main() removes it.
std::filesystem::path process_temp_root();

// Writes `text` to DIR/NAME and returns the path.
std::string write_file(const std::filesystem::path& dir, const std::string& name,
                       const std::string& text);

std::string read_file(const std::filesystem::path& path);

// The SweepFileError message of parsing `text` as the sweep file "e.toml", or "no error".
std::string parse_error(const std::string& text);

// A small sweep (64 x 16 layer): 2 fx_mac weights x 2 simd + 2 khot weights x 2 k x 2 simd =
// 12 points, model only. `extra` is appended (e.g. constraints).
std::string small_sweep_text(const std::string& extra = "");

// Runs the sweep file through the fxsim workers (FXSIM_EXE); progress output discarded.
explore::SweepOutcome run_small(const std::string& sweep_path, const std::filesystem::path& out,
                                int jobs, int shard_index = 0, int shard_count = 1);

// Every column of every row of DIR/results.sqlite, in id order.
std::vector<std::vector<traces::Value>> all_rows(const std::filesystem::path& dir);

// The two Pareto flags of every row recomputed by brute force (row i is on a front when no row j
// is <= in every objective and < in one): accuracy = (mse, latency_ns, lut_equivalent), dsp =
// (dsp, lut), as results_schema documents the columns pareto_accuracy_latency_lut and
// pareto_dsp_lut.
struct ParetoFlags {
  std::vector<std::int64_t> accuracy, dsp;
};
ParetoFlags brute_force_pareto(const std::vector<traces::ResultRow>& rows);

// `args` (args[0] the executable) started with stdout and stderr to /dev/null; -1 on failure.
pid_t spawn_fxsim(const std::vector<std::string>& args);
// Its exit code, or 128 + the signal that ended it.
int wait_exit(pid_t pid);

// The kill half of the resume tests: polls OUT/results.sqlite until at least `points` points are
// committed (60 s at most), then SIGKILLs the sweep `pid` and checks that it died of it. Returns
// the points seen committed before the kill.
std::size_t kill_when_committed(pid_t pid, const std::filesystem::path& out, std::size_t points);

}  // namespace fxsim::sweep_test
