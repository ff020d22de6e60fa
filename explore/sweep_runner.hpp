// `fxsim sweep`: the points of this shard that DIR/results.sqlite does not hold yet, pruned by
// the constraints (recorded as "pruned") or evaluated by N worker processes, each result
// committed in its own transaction as it arrives; then the Pareto flags and DIR/results.csv
// regenerated from the database (sorted by point id, so the CSV is byte-identical whatever
// --jobs, sharding or interruptions happened).
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "explore/design_points.hpp"
#include "traces/results_db.hpp"

namespace fxsim::explore {

struct SweepOptions {
  std::filesystem::path out_dir;
  int jobs = 1;
  int shard_index = 0, shard_count = 1;
  // argv of a worker up to its arguments: {"/path/fxsim", "sweep-worker"}; the runner appends
  // --sweep FILE --sha256 HASH --out DIR [--yosys-cache DIR].
  std::vector<std::string> worker_command;
  std::string yosys_cache;  // overrides the sweep file's [sweep] yosys_cache when not empty
  std::FILE* progress = stderr;
  bool terminal = false;  // redraw one progress line in place
  std::string fxsim_version;
  int points_per_worker = 2000;
};

struct SweepOutcome {
  long total = 0;                       // points of the sweep
  long in_shard = 0;                    // of this shard
  long already_done = 0;                // found in the database (resume)
  long ok = 0, failed = 0, pruned = 0;  // of this invocation
  // The error column of every point pruned by this invocation ("invalid: axes.k: ...",
  // "constraint lut <= 1000"), in point order.
  std::vector<std::string> pruned_reasons;
  double seconds = 0;
};

// Identical reasons counted: most frequent first, ties in order of first appearance.
struct ReasonCount {
  std::string reason;
  long points = 0;
};
std::vector<ReasonCount> count_reasons(const std::vector<std::string>& reasons);

// Throws traces::ResultsDbError (e.g. DIR holds another sweep's results) or std::runtime_error.
SweepOutcome run_sweep(const SweepSpec& spec, const std::vector<DesignPoint>& points,
                       const SweepOptions& options);

// The Pareto flags of every point, then DIR/results.csv from the database.
void finalize_results(traces::ResultsDb& db, const std::filesystem::path& dir);

// Is point `id` in shard `index` of `count`? (id mod count == index.)
inline bool in_shard(std::int64_t id, int index, int count) { return id % count == index; }

std::string utc_now();  // "2024-05-01T12:00:00Z"

}  // namespace fxsim::explore
