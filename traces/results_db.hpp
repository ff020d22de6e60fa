// DIR/results.sqlite of a sweep: the `points` table (one row per design point, the columns of
// results_schema.hpp), the `runs` table (one row per invocation: sweep hash, tool versions, seed,
// shard) and `meta` (schema version, the sweep file's SHA-256). Every point is written in its own
// transaction, so killing the writer at any moment loses nothing that was committed. WAL journal,
// synchronous=NORMAL: a committed transaction survives the process being killed (not a power
// cut of the machine, which a sweep can simply resume from).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "traces/results_schema.hpp"

struct sqlite3;

namespace fxsim::traces {

// Any SQLite failure, or a database that is not (this version of) a results database. what()
// starts with the database path.
struct ResultsDbError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct RunInfo {
  std::string sweep_name;
  std::string sweep_file;    // the path as given on the command line
  std::string sweep_sha256;  // of the sweep file's bytes
  std::string sweep_text;    // the sweep file itself
  std::int64_t seed = 0;
  std::int64_t points_total = 0;  // points of the whole sweep (all shards)
  std::int64_t shard_index = 0;
  std::int64_t shard_count = 1;
  std::int64_t jobs = 1;
  std::string fxsim_version, systemc_version, sqlite_version, yosys_version;
  std::string started_at, finished_at;  // UTC, ISO 8601; finished_at empty while running
  std::string status;                   // running | finished | merged (killed: stays running)
};

class ResultsDb {
 public:
  // Opens or creates `path` (and its schema). Refuses a database of another schema version.
  explicit ResultsDb(const std::string& path);
  ~ResultsDb();
  ResultsDb(const ResultsDb&) = delete;
  ResultsDb& operator=(const ResultsDb&) = delete;

  const std::string& path() const { return path_; }

  // The SHA-256 of the sweep file whose results these are (nullopt for a new database).
  std::optional<std::string> sweep_sha256() const;
  // Records `sha256` on a new database; throws ResultsDbError when the database already holds
  // the results of another sweep file.
  void claim_sweep(const std::string& sha256);

  std::int64_t begin_run(const RunInfo& run);  // returns the run id
  void end_run(std::int64_t run_id, const std::string& finished_at, const std::string& status);
  std::vector<RunInfo> runs() const;

  std::set<std::int64_t> point_ids() const;
  // INSERT OR REPLACE of one point, in a transaction of its own.
  void put_point(const ResultRow& row);
  // Several points in one transaction (merge).
  void put_points(const std::vector<ResultRow>& rows);
  std::vector<ResultRow> points() const;  // ordered by point_id
  // (point_id, pareto_accuracy_latency_lut, pareto_dsp_lut) for every point, one transaction.
  struct ParetoFlags {
    std::int64_t point_id;
    int accuracy_latency_lut;
    int dsp_lut;
    int accuracy_throughput_lut = 0;  // network points
  };
  void set_pareto_flags(const std::vector<ParetoFlags>& flags);

 private:
  void exec(const std::string& sql);
  [[noreturn]] void fail(const std::string& what) const;
  void insert_point(const ResultRow& row);

  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace fxsim::traces
