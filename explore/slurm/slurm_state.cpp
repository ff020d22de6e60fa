#include "explore/slurm/slurm_state.hpp"

#include <sqlite3.h>

#include <fstream>
#include <sstream>

#include "explore/design_points.hpp"
#include "explore/sweep_runner.hpp"
#include "util/process.hpp"

namespace fxsim::slurm {
namespace {

// An existing database opened without SQLITE_OPEN_CREATE (status must not create files), with
// the busy timeout the writers use: a task may be committing a point while we read.
class ExistingDb {
 public:
  explicit ExistingDb(const std::filesystem::path& path) : path_(path.string()) {
    if (sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      problem_ = db_ ? sqlite3_errmsg(db_) : "out of memory";
      return;
    }
    sqlite3_busy_timeout(db_, 10000);
  }
  ~ExistingDb() { sqlite3_close(db_); }
  ExistingDb(const ExistingDb&) = delete;
  ExistingDb& operator=(const ExistingDb&) = delete;

  const std::string& problem() const { return problem_; }

  // Calls row(stmt) for every result row; false (and problem() set) on an SQLite error.
  template <typename F>
  bool query(const char* sql, F&& row) {
    if (!problem_.empty()) return false;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK) {
      problem_ = sqlite3_errmsg(db_);
      sqlite3_finalize(stmt);
      return false;
    }
    int rc = 0;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) row(stmt);
    if (rc != SQLITE_DONE) problem_ = sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE;
  }

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
  std::string problem_;
};

std::string column_text(sqlite3_stmt* s, int i) {
  const unsigned char* t = sqlite3_column_text(s, i);
  return t ? reinterpret_cast<const char*>(t) : std::string();
}

}  // namespace

DbCounts read_db_counts(const std::filesystem::path& path) {
  DbCounts c;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return c;
  c.exists = true;
  ExistingDb db(path);
  const bool ok = db.query("SELECT value FROM meta WHERE key = 'sweep_sha256'",
                           [&](sqlite3_stmt* s) { c.sweep_sha256 = column_text(s, 0); }) &&
                  db.query("SELECT status, count(*) FROM points GROUP BY status",
                           [&](sqlite3_stmt* s) {
                             const std::string status = column_text(s, 0);
                             const long n = static_cast<long>(sqlite3_column_int64(s, 1));
                             c.points += n;
                             if (status == "ok") c.ok += n;
                             if (status == "failed") c.failed += n;
                             if (status == "pruned") c.pruned += n;
                           }) &&
                  db.query("SELECT coalesce(max(points_total), 0) FROM runs", [&](sqlite3_stmt* s) {
                    c.points_total = static_cast<long>(sqlite3_column_int64(s, 0));
                  });
  if (!ok) {
    c = DbCounts{};
    c.exists = true;
    c.problem = path.string() + ": not a readable results database (" + db.problem() + ")";
  }
  return c;
}

DirState read_dir_state(const Layout& layout, const std::filesystem::path& sweep_file, int tasks,
                        const std::string& submitted) {
  DirState st;
  st.layout = layout;
  st.tasks = tasks;
  explore::SweepSpec spec;
  if (submitted.empty()) {
    spec = explore::load_sweep_file(sweep_file.string());
  } else {
    std::ifstream in(sweep_file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) throw explore::SweepFileError(sweep_file.string() + ": cannot read");
    spec = explore::parse_sweep(text.str(), submitted);
  }
  const std::vector<explore::DesignPoint> points = explore::expand_sweep(spec);
  st.sweep_name = spec.name;
  st.sweep_sha256 = spec.sha256;
  st.points = static_cast<long>(points.size());
  for (int i = 0; i < tasks; ++i) {
    ShardState s;
    s.index = i;
    s.db = layout.shard_dir(i) / "results.sqlite";
    // The sweep runner's own rule, so the totals cannot disagree with what a task runs.
    for (const explore::DesignPoint& p : points)
      s.total += explore::in_shard(p.id, i, tasks) ? 1 : 0;
    s.counts = read_db_counts(s.db);
    st.shards.push_back(std::move(s));
  }
  st.merged = read_db_counts(layout.merged_db());
  return st;
}

SweepDirKind sweep_dir_kind(const Layout& layout) {
  std::error_code ec;
  if (!std::filesystem::is_directory(layout.dir, ec)) return SweepDirKind::NOT_A_DIRECTORY;
  if (std::filesystem::exists(layout.sweep_copy(), ec)) return SweepDirKind::SLURM;
  if (std::filesystem::exists(layout.dir / "results.sqlite", ec)) return SweepDirKind::LOCAL;
  return SweepDirKind::UNKNOWN;
}

std::optional<std::vector<QueuedJob>> queued_jobs(const Submission& last, std::string& why) {
  if (!util::find_executable("squeue")) {
    why = "squeue not on PATH";
    return std::nullopt;
  }
  const CommandResult r = run_command(squeue_argv());
  if (!r.started || r.exit_code != 0) {
    why = "squeue failed: " + (r.started ? r.err : r.error);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return std::nullopt;
  }
  return parse_squeue(r.out, {last.array_job, last.merge_job});
}

SlurmStatus read_slurm_status(const Layout& layout) {
  SlurmStatus status;
  status.record = read_jobs_record(layout.jobs_file());
  // Without a record (the first sbatch failed) the shards are those the task script names.
  int tasks = status.record ? status.record->tasks : 0;
  if (!status.record) {
    std::error_code ec;
    for (int i = 0; std::filesystem::exists(layout.shard_dir(i), ec); ++i) tasks = i + 1;
  }
  status.state = read_dir_state(layout, layout.sweep_copy(), tasks,
                                status.record ? status.record->sweep_file : std::string());
  if (const Submission* last = status.last()) {
    status.queue = queued_jobs(*last, status.queue_unavailable);
  }
  for (const ShardState& s : status.state.shards) {
    status.done += s.counts.points;
    status.failed += s.counts.failed;
    status.pruned += s.counts.pruned;
  }
  return status;
}

}  // namespace fxsim::slurm
