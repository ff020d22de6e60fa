// The state of a sweep directory, read from its files only: the points each shard database
// holds against the points of that shard (from the submitted sweep file and the shard rule of
// sweep_runner.hpp), and the merged database. Used by `fxsim status` and before a Slurm
// (re)submission. Opens databases without creating them, so reading never changes DIR.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "explore/slurm/slurm_submit.hpp"

namespace fxsim::slurm {

// What one results.sqlite holds.
struct DbCounts {
  bool exists = false;
  std::string problem;       // not empty: unreadable (the message), counts are 0
  std::string sweep_sha256;  // meta.sweep_sha256; empty for a database with no sweep yet
  long points = 0, ok = 0, failed = 0, pruned = 0;
  long points_total = 0;  // the largest runs.points_total (points of the whole sweep)
  // The database holds points of a sweep file other than the one of SHA-256 `sha256`.
  bool of_another_sweep(const std::string& sha256) const {
    return exists && !sweep_sha256.empty() && sweep_sha256 != sha256;
  }
};
// Counts of `db`; exists = false when the file does not exist.
DbCounts read_db_counts(const std::filesystem::path& db);

struct ShardState {
  int index = 0;
  long total = 0;  // points of the sweep in this shard
  std::filesystem::path db;
  DbCounts counts;
  // Every point of the shard is in its database (ok, failed or pruned) and it is this sweep's.
  bool complete(const std::string& sha256) const {
    return counts.exists && counts.problem.empty() && counts.sweep_sha256 == sha256 &&
           counts.points >= total;
  }
};

struct DirState {
  Layout layout;
  std::string sweep_name, sweep_sha256;
  long points = 0;  // of the whole sweep
  int tasks = 0;
  std::vector<ShardState> shards;
  DbCounts merged;  // DIR/results.sqlite
  bool merged_complete() const {
    return merged.exists && merged.problem.empty() && merged.sweep_sha256 == sweep_sha256 &&
           merged.points >= points;
  }
};

// The state of a Slurm sweep directory of `tasks` shards, the sweep read from `sweep_file` (the
// submitted copy, or the file being submitted). `submitted`: the path the tasks run the sweep
// file as (the submission's sweep_file), against whose directory the copy's relative paths
// (workload.model, workload.network, ...) resolve as in the tasks; empty: sweep_file's own.
// Throws SweepFileError for a bad sweep file.
DirState read_dir_state(const Layout& layout, const std::filesystem::path& sweep_file, int tasks,
                        const std::string& submitted = "");

// What a directory given to `fxsim status` is.
enum class SweepDirKind {
  NOT_A_DIRECTORY,  // does not exist, or is no directory
  SLURM,            // holds slurm/sweep.toml: fxsim sweep --slurm --out DIR
  LOCAL,            // holds results.sqlite only: fxsim sweep --out DIR
  UNKNOWN,          // neither
};
SweepDirKind sweep_dir_kind(const Layout& layout);

// The jobs of `last` that squeue still knows; nullopt when squeue cannot tell (not on PATH, or
// failing), with the reason in `why`.
std::optional<std::vector<QueuedJob>> queued_jobs(const Submission& last, std::string& why);

// Everything `fxsim status` shows of a Slurm sweep directory.
struct SlurmStatus {
  std::optional<JobsRecord> record;  // nullopt: DIR/slurm/jobs.json not written (sbatch failed)
  DirState state;
  std::optional<std::vector<QueuedJob>> queue;  // jobs of the last submission; nullopt: unknown
  std::string queue_unavailable;                // why the queue is unknown
  long done = 0, failed = 0, pruned = 0;        // summed over the shards
  // The last submission; nullptr when none is recorded.
  const Submission* last() const {
    return record && !record->submissions.empty() ? &record->submissions.back() : nullptr;
  }
};
// Reads DIR/slurm/jobs.json, the state of the shards it names (without a record, those the task
// script wrote: DIR/shards/0, 1, ...) and asks squeue about the jobs of the last submission.
// Throws SlurmError (an unreadable jobs.json) or SweepFileError (the submitted sweep file).
SlurmStatus read_slurm_status(const Layout& layout);

}  // namespace fxsim::slurm
