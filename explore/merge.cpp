#include "explore/merge.hpp"

#include <map>

#include "explore/sweep_runner.hpp"
#include "traces/results_db.hpp"

namespace fxsim::explore {

namespace {

// The row without its Pareto flags (they depend on which other points a database holds).
std::vector<traces::Value> comparable(const traces::ResultRow& r) {
  std::vector<traces::Value> v = r.values();
  v[traces::column_index("pareto_accuracy_latency_lut")] = std::monostate{};
  v[traces::column_index("pareto_dsp_lut")] = std::monostate{};
  return v;
}

}  // namespace

MergeOutcome merge_results(const std::vector<std::filesystem::path>& inputs,
                           const std::filesystem::path& out_dir) {
  if (inputs.empty()) throw MergeError("no results directories to merge");
  MergeOutcome out;
  std::string sha;
  std::string sha_from;
  std::map<std::int64_t, traces::ResultRow> rows;
  std::vector<traces::RunInfo> runs;
  for (const auto& dir : inputs) {
    const auto path = dir / "results.sqlite";
    if (!std::filesystem::exists(path)) {
      throw MergeError(path.string() + ": no results database (not a sweep output directory)");
    }
    if (std::filesystem::equivalent(dir, out_dir)) {
      throw MergeError(dir.string() + ": is also the output directory; merge into a new one");
    }
    traces::ResultsDb db(path.string());
    const auto s = db.sweep_sha256();
    if (!s) throw MergeError(path.string() + ": holds no sweep results");
    if (sha.empty()) {
      sha = *s;
      sha_from = path.string();
    } else if (*s != sha) {
      throw MergeError(path.string() + ": results of another sweep file (sha256 " +
                       s->substr(0, 12) + "...) than " + sha_from + " (sha256 " +
                       sha.substr(0, 12) + "...); refusing to merge");
    }
    for (const traces::RunInfo& r : db.runs()) {
      out.expected = std::max<long>(out.expected, static_cast<long>(r.points_total));
      runs.push_back(r);
    }
    for (traces::ResultRow& r : db.points()) {
      const std::int64_t id = r.integer("point_id");
      const auto it = rows.find(id);
      if (it == rows.end()) {
        rows.emplace(id, std::move(r));
      } else if (comparable(it->second) != comparable(r)) {
        throw MergeError(path.string() + ": point " + std::to_string(id) +
                         " differs from the same point in another input; refusing to merge");
      } else {
        ++out.duplicates;
      }
    }
    ++out.inputs;
  }

  std::filesystem::create_directories(out_dir);
  traces::ResultsDb db((out_dir / "results.sqlite").string());
  db.claim_sweep(sha);
  std::vector<traces::ResultRow> all;
  all.reserve(rows.size());
  for (auto& [id, r] : rows) all.push_back(std::move(r));
  db.put_points(all);
  for (traces::RunInfo r : runs) db.begin_run(r);
  traces::RunInfo merged = runs.empty() ? traces::RunInfo{} : runs.front();
  merged.started_at = merged.finished_at = utc_now();
  merged.status = "merged";
  merged.shard_index = 0;
  merged.shard_count = 1;
  db.begin_run(merged);
  finalize_results(db, out_dir);
  out.points = static_cast<long>(db.point_ids().size());
  return out;
}

}  // namespace fxsim::explore
