#include "explore/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <stdexcept>

namespace fxsim::explore {

namespace {

using traces::ResultRow;

std::string cell(const ResultRow& r, const char* column) {
  const traces::Value& v = r.get(column);
  if (const auto* d = std::get_if<double>(&v)) return fmt::format("{:.6g}", *d);
  std::string s = traces::format_value(v);
  // Markdown tables: a '|' in a value would end the cell.
  std::string escaped;
  for (char c : s) escaped += c == '|' ? std::string("\\|") : std::string(1, c);
  return escaped;
}

const std::vector<const char*> kTableColumns = {
    "point_id",      "kind",          "weight_type", "activation_type", "output_type", "pe",
    "simd",          "bn_scale_kind", "cycles",      "latency_ns",      "mse",         "sqnr_db",
    "max_abs_error", "lut",           "dsp",         "lut_equivalent",  "rtl_status"};

std::string table(const std::vector<const ResultRow*>& rows) {
  std::string s = "|";
  for (const char* c : kTableColumns) s += fmt::format(" {} |", c);
  s += "\n|";
  for (std::size_t i = 0; i < kTableColumns.size(); ++i) s += " --- |";
  s += "\n";
  for (const ResultRow* r : rows) {
    s += "|";
    for (const char* c : kTableColumns) s += " " + cell(*r, c) + " |";
    s += "\n";
  }
  return s;
}

bool ok(const ResultRow& r) {
  return !r.is_null("status") && r.text("status") == "ok" && !r.is_null("mse");
}

}  // namespace

std::string report_markdown(const std::vector<traces::RunInfo>& runs,
                            const std::vector<ResultRow>& rows) {
  std::string md;
  const traces::RunInfo* run = runs.empty() ? nullptr : &runs.back();
  md += fmt::format("# Sweep report: {}\n\n", run ? run->sweep_name : "(no run recorded)");
  if (run) {
    md += fmt::format(
        "- sweep file: `{}` (sha256 `{}`), seed {}\n- fxsim {}, SystemC {}, SQLite {}{}\n"
        "- runs recorded: {} (last started {}, status {})\n",
        run->sweep_file, run->sweep_sha256, run->seed, run->fxsim_version, run->systemc_version,
        run->sqlite_version, run->yosys_version.empty() ? "" : ", " + run->yosys_version,
        runs.size(), run->started_at, run->status);
  }
  std::map<std::string, long> by_status;
  for (const ResultRow& r : rows) ++by_status[r.is_null("status") ? "" : r.text("status")];
  const long expected = run ? static_cast<long>(run->points_total) : 0;
  md += fmt::format("- points: {} of {} in the database", rows.size(), expected);
  for (const auto& [status, n] : by_status) md += fmt::format(", {} {}", n, status);
  md +=
      "\n\nResources are yosys 0.23 synth_xilinx mappings (analytical model or yosys, column "
      "`resource_source` in results.csv), not vendor-tool results. LUT-equivalent = LUT + 55 "
      "x DSP.\n\n";

  std::vector<const ResultRow*> good;
  for (const ResultRow& r : rows) {
    if (ok(r)) good.push_back(&r);
  }
  if (good.empty()) {
    md += "No point finished successfully: nothing to rank.\n";
  } else {
    struct Objective {
      const char* title;
      const char* column;
      bool maximize;
    };
    const Objective objectives[] = {{"lowest MSE", "mse", false},
                                    {"highest SQNR", "sqnr_db", true},
                                    {"lowest latency", "latency_ns", false},
                                    {"fewest LUT-equivalents", "lut_equivalent", false},
                                    {"fewest LUTs", "lut", false},
                                    {"fewest DSPs", "dsp", false}};
    md += "## Best point per objective\n\nTies go to the lowest point id.\n\n";
    std::vector<const ResultRow*> best;
    std::string rows_md;
    for (const Objective& o : objectives) {
      const ResultRow* b = nullptr;
      for (const ResultRow* r : good) {
        if (r->is_null(o.column)) continue;
        const double v = r->real(o.column);
        if (!b || (o.maximize ? v > b->real(o.column) : v < b->real(o.column))) b = r;
      }
      if (!b) continue;
      rows_md += fmt::format("| {} | {} | {} | {} |\n", o.title, cell(*b, o.column),
                             cell(*b, "point_id"), cell(*b, "point_key"));
    }
    md += "| objective | value | point_id | parameters |\n| --- | --- | --- | --- |\n" + rows_md;

    auto flagged = [&](const char* column) {
      std::vector<const ResultRow*> f;
      for (const ResultRow* r : good) {
        if (!r->is_null(column) && r->integer(column) == 1) f.push_back(r);
      }
      return f;
    };
    const auto front = flagged("pareto_accuracy_latency_lut");
    md += fmt::format(
        "\n## Pareto front: accuracy (MSE) vs latency vs LUT-equivalent\n\n{} of {} ok points "
        "(column `pareto_accuracy_latency_lut`).\n\n",
        front.size(), good.size());
    md += table(front);
    const auto area = flagged("pareto_dsp_lut");
    md += fmt::format(
        "\n## Pareto front: DSP vs LUT\n\n{} of {} ok points (column "
        "`pareto_dsp_lut`).\n\n",
        area.size(), good.size());
    md += table(area);
  }
  std::vector<const ResultRow*> failed;
  for (const ResultRow& r : rows) {
    if (!r.is_null("status") && r.text("status") == "failed") failed.push_back(&r);
  }
  if (!failed.empty()) {
    md += fmt::format("\n## Failed points ({})\n\n| point_id | error |\n| --- | --- |\n",
                      failed.size());
    for (std::size_t i = 0; i < failed.size() && i < 20; ++i) {
      md += fmt::format("| {} | {} |\n", cell(*failed[i], "point_id"), cell(*failed[i], "error"));
    }
    if (failed.size() > 20) md += fmt::format("\n... and {} more.\n", failed.size() - 20);
  }
  return md;
}

std::filesystem::path write_report(const std::filesystem::path& dir) {
  const auto db_path = dir / "results.sqlite";
  if (!std::filesystem::exists(db_path)) {
    throw std::runtime_error(db_path.string() + ": no results database (run fxsim sweep first)");
  }
  traces::ResultsDb db(db_path.string());
  const std::string md = report_markdown(db.runs(), db.points());
  const auto path = dir / "report.md";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << md;
  if (!out) throw std::runtime_error(path.string() + ": cannot write");
  return path;
}

}  // namespace fxsim::explore
