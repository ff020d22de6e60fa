// `fxsim sweep SWEEP.toml --slurm`: a sweep as a Slurm job array (docs/slurm.md). Array task I
// runs `fxsim sweep SWEEP.toml --shard I/N --out DIR/shards/I`; a merge job that depends on the
// array (afterok) runs `fxsim merge -o DIR DIR/shards/0 ... DIR/shards/N-1`. Every shard
// resumes from its own database, so resubmitting after a failed, cancelled or timed-out task
// reruns only the missing points.
//
// The script texts and sbatch command lines are pure functions of a SubmitSpec (unit-tested
// without Slurm); programs run through a CommandRunner (argv, never a shell).
#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "util/process.hpp"

namespace fxsim::slurm {

// A submission that cannot go ahead. `usage` distinguishes bad input (another sweep file in DIR,
// a --tasks that disagrees with the first submission: exit code 2) from a failure to run
// (sbatch missing or failing, DIR not writable: exit code 1).
struct SlurmError : std::runtime_error {
  SlurmError(const std::string& what, bool usage_error)
      : std::runtime_error(what), usage(usage_error) {}
  bool usage;
};

// The files of a Slurm sweep directory DIR (absolute).
struct Layout {
  std::filesystem::path dir;

  std::filesystem::path slurm_dir() const { return dir / "slurm"; }
  // The sweep file as submitted: status reads it, a resubmission compares against it.
  std::filesystem::path sweep_copy() const { return slurm_dir() / "sweep.toml"; }
  std::filesystem::path task_script() const { return slurm_dir() / "task.sh"; }
  std::filesystem::path merge_script() const { return slurm_dir() / "merge.sh"; }
  std::filesystem::path jobs_file() const { return slurm_dir() / "jobs.json"; }
  std::filesystem::path shards_dir() const { return dir / "shards"; }
  std::filesystem::path shard_dir(int index) const { return shards_dir() / std::to_string(index); }
  // sbatch --output patterns: %A array job id, %a task index, %j job id.
  std::filesystem::path task_log_pattern() const { return slurm_dir() / "task_%A_%a.log"; }
  std::filesystem::path merge_log_pattern() const { return slurm_dir() / "merge_%j.log"; }
  std::filesystem::path merged_db() const { return dir / "results.sqlite"; }
};

struct SubmitSpec {
  std::filesystem::path fxsim;       // absolute path of the fxsim the tasks run
  std::filesystem::path sweep_file;  // absolute
  std::string sweep_name;            // job names fxsim-<name>, fxsim-merge-<name>
  Layout layout;
  int tasks = 0;            // array size N; 0: as recorded by an earlier submission, else 4
  int jobs = 0;             // --jobs of each task; 0: $SLURM_CPUS_PER_TASK, else 1
  std::string yosys_cache;  // --yosys-cache of each task (absolute), empty: none
  std::string partition;    // sbatch --partition, empty: the cluster's default
  std::string time;         // sbatch --time of every job, empty: the partition's default
  std::vector<std::string> sbatch_args;  // passed to both sbatch calls, before the script
};

inline constexpr int kDefaultTasks = 4;

// `s` as one word for bash (util/process.hpp: the one quoting rule of the project).
using util::shell_quote;

// Sorted, distinct indices as an sbatch --array list: {0,1,2,5,7,8} -> "0-2,5,7-8".
std::string array_ranges(const std::vector<int>& indices);

// The job scripts (bash). Both only exec fxsim: all state lives in the shard databases.
std::string task_script(const SubmitSpec& spec);
std::string merge_script(const SubmitSpec& spec);

// sbatch --parsable ... for the array (only the given shard indices) and for the merge job
// (depending on `after_job` with afterok, or on nothing when it is empty).
std::vector<std::string> array_sbatch_argv(const SubmitSpec& spec, const std::vector<int>& shards);
std::vector<std::string> merge_sbatch_argv(const SubmitSpec& spec, const std::string& after_job);

// The job id in `sbatch --parsable` output ("123" or "123;cluster"); throws SlurmError.
std::string parse_job_id(const std::string& sbatch_output);

// One finished program run.
struct CommandResult {
  bool started = false;  // false: not found on PATH or could not be executed (`error` says why)
  int exit_code = -1;    // exit status, 128 + signal when killed
  std::string out, err;  // its stdout and stderr
  std::string error;
};
// Runs argv (argv[0] looked up on PATH when it holds no '/'), stdin from /dev/null.
using CommandRunner = std::function<CommandResult(const std::vector<std::string>& argv)>;
CommandResult run_command(const std::vector<std::string>& argv);

// A job of an earlier submission still known to squeue.
struct QueuedJob {
  std::string job;        // squeue's %i: "12", "12_3", "12_[4-7]"
  std::string array_job;  // %F: the array job id (the job id itself for a plain job)
  std::string state;      // %T: PENDING, RUNNING, ...
  std::string reason;     // %r
};
// "12_3 PENDING (Priority)": the job, its state and, when there is one, the reason.
std::string queued_job_text(const QueuedJob& job);
// The argv that lists every job squeue knows, as "%i|%F|%T|%r" lines.
std::vector<std::string> squeue_argv();
// The lines of squeue_argv()'s output whose job or array job is one of `job_ids`.
std::vector<QueuedJob> parse_squeue(const std::string& output,
                                    const std::vector<std::string>& job_ids);

// One entry of DIR/slurm/jobs.json.
struct Submission {
  std::string submitted_at;  // UTC ISO 8601
  std::string array_job;     // empty: no array (every shard was complete)
  std::string array;         // the --array list
  std::string merge_job;
  std::string task_log, merge_log;  // the --output patterns
};
struct JobsRecord {
  std::string sweep_file, sweep_sha256, sweep_name, fxsim;
  int tasks = 0;
  std::vector<Submission> submissions;  // oldest first
};
// nullopt when the file does not exist; throws SlurmError when it is not a jobs record.
std::optional<JobsRecord> read_jobs_record(const std::filesystem::path& path);
std::string jobs_record_json(const JobsRecord& record);  // the file's text
// One submission as a JSON object (jobs.json's and `fxsim status --json`'s element).
nlohmann::json submission_json(const Submission& s);

struct SubmitOutcome {
  bool already_complete = false;  // the merged results hold every point: nothing submitted
  Submission submission;
  std::vector<int> shards;  // the shard indices submitted
  int tasks = 0;
};

// Checks DIR (same sweep file, same --tasks as before, no job of the last submission still
// queued), then writes DIR/slurm/{sweep.toml,task.sh,merge.sh}, submits the array for the
// shards that are not complete and the merge job, and appends the submission to jobs.json.
// Prints what it does to `out`. Throws SlurmError.
SubmitOutcome submit_sweep(SubmitSpec spec, const CommandRunner& run, std::FILE* out);

}  // namespace fxsim::slurm
