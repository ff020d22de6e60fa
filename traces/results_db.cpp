#include "traces/results_db.hpp"

#include <sqlite3.h>

namespace fxsim::traces {

namespace {

// One prepared statement, finalized on every path.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql, const std::string& path) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
      throw ResultsDbError(path + ": " + sqlite3_errmsg(db) + " in: " + sql);
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void bind(int index, const Value& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) {
      sqlite3_bind_int64(stmt_, index, *i);
    } else if (const auto* d = std::get_if<double>(&v)) {
      sqlite3_bind_double(stmt_, index, *d);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      sqlite3_bind_text(stmt_, index, s->c_str(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
    } else {
      sqlite3_bind_null(stmt_, index);
    }
  }
  // SQLITE_ROW or SQLITE_DONE; anything else throws.
  int step(const std::string& path) {
    const int rc = sqlite3_step(stmt_);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      throw ResultsDbError(path + ": " + sqlite3_errmsg(db_));
    }
    return rc;
  }
  Value column(int i) const {
    switch (sqlite3_column_type(stmt_, i)) {
      case SQLITE_INTEGER:
        return static_cast<std::int64_t>(sqlite3_column_int64(stmt_, i));
      case SQLITE_FLOAT:
        return sqlite3_column_double(stmt_, i);
      case SQLITE_TEXT:
        return std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i)),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i)));
      default:
        return std::monostate{};
    }
  }
  std::string text(int i) const {
    const Value v = column(i);
    return format_value(v);
  }
  std::int64_t integer(int i) const { return sqlite3_column_int64(stmt_, i); }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

std::string points_table_sql() {
  std::string sql = "CREATE TABLE IF NOT EXISTS points (";
  bool first = true;
  for (const Column& c : result_columns()) {
    sql += first ? "" : ", ";
    sql += std::string(c.name) + " " + std::string(to_string(c.type));
    if (first) sql += " PRIMARY KEY";
    first = false;
  }
  return sql + ")";
}

const char* kRunsTable =
    "CREATE TABLE IF NOT EXISTS runs (run_id INTEGER PRIMARY KEY AUTOINCREMENT, sweep_name TEXT, "
    "sweep_file TEXT, sweep_sha256 TEXT, sweep_text TEXT, seed INTEGER, points_total INTEGER, "
    "shard_index INTEGER, shard_count INTEGER, jobs INTEGER, fxsim_version TEXT, "
    "systemc_version TEXT, sqlite_version TEXT, yosys_version TEXT, started_at TEXT, "
    "finished_at TEXT, status TEXT)";

}  // namespace

ResultsDb::ResultsDb(const std::string& path) : path_(path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw ResultsDbError(path + ": cannot open: " + msg);
  }
  try {
    sqlite3_busy_timeout(db_, 10000);
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL");
    exec("BEGIN IMMEDIATE");
    exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)");
    {
      Statement s(db_, "SELECT value FROM meta WHERE key = 'schema_version'", path_);
      if (s.step(path_) == SQLITE_ROW) {
        const std::string v = s.text(0);
        if (v != std::to_string(kResultsSchemaVersion)) {
          fail("results schema version " + v + ", this fxsim writes version " +
               std::to_string(kResultsSchemaVersion) + ": use another output directory");
        }
      } else {
        exec("INSERT INTO meta VALUES ('schema_version', '" +
             std::to_string(kResultsSchemaVersion) + "')");
      }
    }
    exec(points_table_sql());
    exec(kRunsTable);
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

ResultsDb::~ResultsDb() { sqlite3_close(db_); }

void ResultsDb::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    fail(msg);
  }
}

void ResultsDb::fail(const std::string& what) const { throw ResultsDbError(path_ + ": " + what); }

std::optional<std::string> ResultsDb::sweep_sha256() const {
  Statement s(db_, "SELECT value FROM meta WHERE key = 'sweep_sha256'", path_);
  if (s.step(path_) == SQLITE_ROW) return s.text(0);
  return std::nullopt;
}

void ResultsDb::claim_sweep(const std::string& sha256) {
  const auto have = sweep_sha256();
  if (have && *have != sha256) {
    fail("holds the results of another sweep file (sha256 " + have->substr(0, 12) +
         "..., this one " + sha256.substr(0, 12) + "...): use another output directory");
  }
  if (!have) {
    Statement s(db_, "INSERT INTO meta VALUES ('sweep_sha256', ?)", path_);
    s.bind(1, sha256);
    s.step(path_);
  }
}

std::int64_t ResultsDb::begin_run(const RunInfo& r) {
  Statement s(db_,
              "INSERT INTO runs (sweep_name, sweep_file, sweep_sha256, sweep_text, seed, "
              "points_total, shard_index, shard_count, jobs, fxsim_version, systemc_version, "
              "sqlite_version, yosys_version, started_at, finished_at, status) VALUES "
              "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
              path_);
  const std::vector<Value> values = {
      r.sweep_name,    r.sweep_file,    r.sweep_sha256,    r.sweep_text,
      r.seed,          r.points_total,  r.shard_index,     r.shard_count,
      r.jobs,          r.fxsim_version, r.systemc_version, r.sqlite_version,
      r.yosys_version, r.started_at,    r.finished_at,     r.status};
  for (std::size_t i = 0; i < values.size(); ++i) s.bind(static_cast<int>(i + 1), values[i]);
  s.step(path_);
  return sqlite3_last_insert_rowid(db_);
}

void ResultsDb::end_run(std::int64_t run_id, const std::string& finished_at,
                        const std::string& status) {
  Statement s(db_, "UPDATE runs SET finished_at = ?, status = ? WHERE run_id = ?", path_);
  s.bind(1, finished_at);
  s.bind(2, status);
  s.bind(3, run_id);
  s.step(path_);
}

std::vector<RunInfo> ResultsDb::runs() const {
  Statement s(db_,
              "SELECT sweep_name, sweep_file, sweep_sha256, sweep_text, seed, points_total, "
              "shard_index, shard_count, jobs, fxsim_version, systemc_version, sqlite_version, "
              "yosys_version, started_at, finished_at, status FROM runs ORDER BY run_id",
              path_);
  std::vector<RunInfo> out;
  while (s.step(path_) == SQLITE_ROW) {
    RunInfo r;
    r.sweep_name = s.text(0);
    r.sweep_file = s.text(1);
    r.sweep_sha256 = s.text(2);
    r.sweep_text = s.text(3);
    r.seed = s.integer(4);
    r.points_total = s.integer(5);
    r.shard_index = s.integer(6);
    r.shard_count = s.integer(7);
    r.jobs = s.integer(8);
    r.fxsim_version = s.text(9);
    r.systemc_version = s.text(10);
    r.sqlite_version = s.text(11);
    r.yosys_version = s.text(12);
    r.started_at = s.text(13);
    r.finished_at = s.text(14);
    r.status = s.text(15);
    out.push_back(std::move(r));
  }
  return out;
}

std::set<std::int64_t> ResultsDb::point_ids() const {
  Statement s(db_, "SELECT point_id FROM points", path_);
  std::set<std::int64_t> ids;
  while (s.step(path_) == SQLITE_ROW) ids.insert(s.integer(0));
  return ids;
}

void ResultsDb::insert_point(const ResultRow& row) {
  std::string sql = "INSERT OR REPLACE INTO points VALUES (";
  for (std::size_t i = 0; i < row.values().size(); ++i) sql += i ? ",?" : "?";
  sql += ")";
  Statement s(db_, sql, path_);
  for (std::size_t i = 0; i < row.values().size(); ++i) {
    s.bind(static_cast<int>(i + 1), row.values()[i]);
  }
  s.step(path_);
}

void ResultsDb::put_point(const ResultRow& row) { put_points({row}); }

void ResultsDb::put_points(const std::vector<ResultRow>& rows) {
  exec("BEGIN IMMEDIATE");
  try {
    for (const ResultRow& r : rows) insert_point(r);
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<ResultRow> ResultsDb::points() const {
  Statement s(db_, "SELECT * FROM points ORDER BY point_id", path_);
  std::vector<ResultRow> rows;
  const int n = static_cast<int>(result_columns().size());
  while (s.step(path_) == SQLITE_ROW) {
    std::vector<Value> values;
    values.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) values.push_back(s.column(i));
    rows.emplace_back(std::move(values));
  }
  return rows;
}

void ResultsDb::set_pareto_flags(const std::vector<ParetoFlags>& flags) {
  exec("BEGIN IMMEDIATE");
  try {
    Statement u(db_,
                "UPDATE points SET pareto_accuracy_latency_lut = ?, pareto_dsp_lut = ?, "
                "pareto_accuracy_throughput_lut = ? WHERE point_id = ?",
                path_);
    for (const ParetoFlags& f : flags) {
      u.reset();
      u.bind(1, std::int64_t{f.accuracy_latency_lut});
      u.bind(2, std::int64_t{f.dsp_lut});
      u.bind(3, std::int64_t{f.accuracy_throughput_lut});
      u.bind(4, f.point_id);
      u.step(path_);
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace fxsim::traces
