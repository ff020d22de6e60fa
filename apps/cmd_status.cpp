// `fxsim status DIR`: how far a sweep directory is (docs/slurm.md): for a Slurm submission
// (`fxsim sweep --slurm`) the points done / total and failed of every shard, the merge, the job
// ids and, when squeue is on PATH, the state of those jobs; for a local sweep directory its
// point counts. Reads files only (and squeue): never changes DIR. Exit codes: 0 shown; 1 an
// unreadable file in DIR; 2 DIR is not a sweep directory.
#include <fmt/core.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "apps/commands.hpp"
#include "explore/slurm/slurm_state.hpp"
#include "explore/slurm/slurm_submit.hpp"
#include "explore/sweep_spec.hpp"
#include "util/process.hpp"

namespace fxsim::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCommand = "fxsim status";

struct StatusCommandOptions {
  std::string dir;
  bool json = false;
};

// The jobs of the last submission known to squeue; nullopt when squeue cannot tell (not on
// PATH, or failing), with the reason in `why`.
std::optional<std::vector<slurm::QueuedJob>> queued_jobs(const slurm::Submission& last,
                                                         std::string& why) {
  if (!util::find_executable("squeue")) {
    why = "squeue not on PATH";
    return std::nullopt;
  }
  const slurm::CommandResult r = slurm::run_command(slurm::squeue_argv());
  if (!r.started || r.exit_code != 0) {
    why = "squeue failed: " + (r.started ? r.err : r.error);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return std::nullopt;
  }
  return slurm::parse_squeue(r.out, {last.array_job, last.merge_job});
}

nlohmann::json counts_json(const slurm::DbCounts& c, const fs::path& db) {
  nlohmann::json j = {{"database", db.string()},
                      {"exists", c.exists},
                      {"points", c.points},
                      {"ok", c.ok},
                      {"failed", c.failed},
                      {"pruned", c.pruned},
                      {"sweep_sha256", c.sweep_sha256}};
  j["problem"] = c.problem.empty() ? nlohmann::json() : nlohmann::json(c.problem);
  return j;
}

std::string queued_text(const slurm::QueuedJob& j) {
  return j.job + " " + j.state +
         (j.reason.empty() || j.reason == "None" ? "" : " (" + j.reason + ")");
}

// A results directory of a plain `fxsim sweep` (no Slurm submission).
int local_status(const StatusCommandOptions& o, const fs::path& dir) {
  const slurm::DbCounts c = slurm::read_db_counts(dir / "results.sqlite");
  if (!c.problem.empty()) {
    fmt::print(stderr, "{}: {}\n", kCommand, c.problem);
    return kExitFailure;
  }
  if (o.json) {
    nlohmann::json j = {
        {"dir", dir.string()}, {"layout", "local"}, {"points_total", c.points_total}};
    j["results"] = counts_json(c, dir / "results.sqlite");
    fmt::print("{}\n", j.dump(2));
    return kExitOk;
  }
  fmt::print(
      "{}: results of a local fxsim sweep (no Slurm submission): {} of the sweep's {} points "
      "({} ok, {} failed, {} pruned) in {}\n",
      dir.string(), c.points, c.points_total, c.ok, c.failed, c.pruned,
      (dir / "results.sqlite").string());
  return kExitOk;
}

int status_command(const StatusCommandOptions& o) {
  const fs::path dir = fs::absolute(o.dir).lexically_normal();
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    fmt::print(stderr, "{}: {}: no such directory\n", kCommand, dir.string());
    return kExitUsage;
  }
  slurm::Layout layout;
  layout.dir = dir;
  if (!fs::exists(layout.sweep_copy(), ec)) {
    if (fs::exists(dir / "results.sqlite", ec)) return local_status(o, dir);
    fmt::print(stderr,
               "{}: {}: not a sweep directory: it holds neither slurm/sweep.toml (written by "
               "fxsim sweep --slurm --out DIR) nor results.sqlite (fxsim sweep --out DIR)\n",
               kCommand, dir.string());
    return kExitUsage;
  }

  std::optional<slurm::JobsRecord> record;
  slurm::DirState st;
  try {
    record = slurm::read_jobs_record(layout.jobs_file());
    // Without a record (the first sbatch failed) the shards are those the task script names.
    int tasks = record ? record->tasks : 0;
    if (!record) {
      for (int i = 0; fs::exists(layout.shard_dir(i), ec); ++i) tasks = i + 1;
    }
    st = slurm::read_dir_state(layout, layout.sweep_copy(), tasks);
  } catch (const slurm::SlurmError& e) {
    fmt::print(stderr, "{}: {}\n", kCommand, e.what());
    return kExitFailure;
  } catch (const explore::SweepFileError& e) {
    fmt::print(stderr, "{}: the submitted sweep file: {}\n", kCommand, e.what());
    return kExitFailure;
  }

  std::string queue_why;
  std::optional<std::vector<slurm::QueuedJob>> queue;
  const slurm::Submission* last =
      record && !record->submissions.empty() ? &record->submissions.back() : nullptr;
  if (last) queue = queued_jobs(*last, queue_why);

  long done = 0, failed = 0, pruned = 0;
  for (const slurm::ShardState& s : st.shards) {
    done += s.counts.points;
    failed += s.counts.failed;
    pruned += s.counts.pruned;
  }

  if (o.json) {
    nlohmann::json shards = nlohmann::json::array();
    for (const slurm::ShardState& s : st.shards) {
      nlohmann::json j = counts_json(s.counts, s.db);
      j["index"] = s.index;
      j["total"] = s.total;
      j["complete"] = s.complete(st.sweep_sha256);
      shards.push_back(j);
    }
    nlohmann::json merged = counts_json(st.merged, layout.merged_db());
    merged["complete"] = st.merged_complete();
    nlohmann::json subs = nlohmann::json::array();
    if (record) {
      for (const slurm::Submission& s : record->submissions) {
        subs.push_back(slurm::submission_json(s));
      }
    }
    nlohmann::json q;  // null: squeue could not tell
    if (queue) {
      q = nlohmann::json::array();
      for (const slurm::QueuedJob& j : *queue) {
        q.push_back(
            {{"job", j.job}, {"array_job", j.array_job}, {"state", j.state}, {"reason", j.reason}});
      }
    }
    const nlohmann::json j = {
        {"dir", dir.string()},
        {"layout", "slurm"},
        {"sweep",
         {{"name", st.sweep_name},
          {"sha256", st.sweep_sha256},
          {"points", st.points},
          {"file", layout.sweep_copy().string()}}},
        {"tasks", st.tasks},
        {"shards", shards},
        {"done", done},
        {"failed", failed},
        {"pruned", pruned},
        {"merged", merged},
        {"submissions", subs},
        {"queue", q},
        {"queue_unavailable", queue ? nlohmann::json() : nlohmann::json(queue_why)}};
    fmt::print("{}\n", j.dump(2));
    return kExitOk;
  }

  fmt::print("sweep {}: {} points in {} shards ({})\n", st.sweep_name, st.points, st.tasks,
             layout.sweep_copy().string());
  fmt::print("{:<6}{:>8}{:>8}{:>8}{:>8}  {}\n", "shard", "done", "total", "failed", "pruned",
             "database");
  for (const slurm::ShardState& s : st.shards) {
    std::string where = s.db.string();
    if (!s.counts.exists) where = "none yet";
    if (!s.counts.problem.empty()) where = s.counts.problem;
    if (s.counts.exists && !s.counts.sweep_sha256.empty() &&
        s.counts.sweep_sha256 != st.sweep_sha256) {
      where += " (results of ANOTHER sweep file)";
    }
    fmt::print("{:<6}{:>8}{:>8}{:>8}{:>8}  {}\n", s.index, s.counts.points, s.total,
               s.counts.failed, s.counts.pruned, where);
  }
  fmt::print("{:<6}{:>8}{:>8}{:>8}{:>8}\n", "all", done, st.points, failed, pruned);
  if (!st.merged.exists) {
    fmt::print("merged: not yet (no {})\n", layout.merged_db().string());
  } else if (!st.merged.problem.empty()) {
    fmt::print("merged: {}\n", st.merged.problem);
  } else {
    fmt::print("merged: {} of {} points in {} ({})\n", st.merged.points, st.points,
               layout.merged_db().string(), st.merged_complete() ? "complete" : "incomplete");
  }
  if (!last) {
    fmt::print("jobs: no submission recorded in {}\n", layout.jobs_file().string());
    return kExitOk;
  }
  fmt::print("jobs: array {} (tasks {}), merge {}, submitted {} (the last of {} submissions)\n",
             last->array_job.empty() ? "none" : last->array_job,
             last->array.empty() ? "none" : last->array, last->merge_job, last->submitted_at,
             record->submissions.size());
  if (!queue) {
    fmt::print("queue: unknown ({})\n", queue_why);
  } else if (queue->empty()) {
    fmt::print("queue: none of these jobs is queued any more\n");
  } else {
    std::string s;
    for (const slurm::QueuedJob& j : *queue) s += (s.empty() ? "" : ", ") + queued_text(j);
    fmt::print("queue: {}\n", s);
  }
  const std::string slurm_dir = layout.slurm_dir().string();
  if (!last->array_job.empty()) {
    fmt::print("logs: {}/task_{}_<I>.log, {}/merge_{}.log\n", slurm_dir, last->array_job, slurm_dir,
               last->merge_job);
  } else {
    fmt::print("logs: {}/merge_{}.log\n", slurm_dir, last->merge_job);
  }
  return kExitOk;
}

}  // namespace

void add_status_command(CLI::App& app, CommandStatus& status) {
  auto o = std::make_shared<StatusCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "status", "How far a sweep directory is: points per shard, merge, Slurm jobs");
  cmd->add_option("dir", o->dir,
                  "Sweep directory: the --out of fxsim sweep --slurm (or of a local fxsim sweep)")
      ->required();
  cmd->add_flag("--json", o->json, "Print the status as one JSON object");
  cmd->footer(
      "For a Slurm submission: per shard the points in its database (done; ok, failed or\n"
      "pruned) against the points of that shard, the merged DIR/results.sqlite, the job ids of\n"
      "the last submission (DIR/slurm/jobs.json) and their squeue state when squeue is on PATH.\n"
      "Reads only; safe while the tasks run.\n"
      "Exit codes: 0 shown; 1 an unreadable file in DIR; 2 DIR is not a sweep directory.\n"
      "Example: fxsim status results/big --json");
  cmd->callback([o, &status] { status.exit_code = status_command(*o); });
}

}  // namespace fxsim::cli
