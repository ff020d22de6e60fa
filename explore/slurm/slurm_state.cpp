#include "explore/slurm/slurm_state.hpp"

#include <sqlite3.h>

#include "explore/design_points.hpp"
#include "explore/sweep_runner.hpp"

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

DirState read_dir_state(const Layout& layout, const std::filesystem::path& sweep_file, int tasks) {
  DirState st;
  st.layout = layout;
  st.tasks = tasks;
  const explore::SweepSpec spec = explore::load_sweep_file(sweep_file.string());
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

}  // namespace fxsim::slurm
