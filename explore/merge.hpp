// `fxsim merge`: shard results (DIR/results.sqlite of each `fxsim sweep --shard I/N`) into one
// results directory. Every input must hold results of the same sweep file (same SHA-256); a
// point found in two inputs must have the same row in both (Pareto flags aside, recomputed
// here).
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace fxsim::explore {

struct MergeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct MergeOutcome {
  long inputs = 0;
  long points = 0;      // distinct points in the merged database
  long duplicates = 0;  // identical rows found in more than one input
  long expected = 0;    // points of the whole sweep (from the runs table)
};

MergeOutcome merge_results(const std::vector<std::filesystem::path>& inputs,
                           const std::filesystem::path& out_dir);

}  // namespace fxsim::explore
