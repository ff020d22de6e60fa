#include "explore/report.hpp"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "explore/sweep_runner.hpp"
#include "util/process.hpp"

namespace fxsim::explore {

namespace {

using traces::ResultRow;

// Markdown tables: a '|' in a value would end the cell.
std::string escape(const std::string& s) {
  std::string escaped;
  for (char c : s) escaped += c == '|' ? std::string("\\|") : std::string(1, c);
  return escaped;
}

std::string cell(const ResultRow& r, const char* column) {
  const traces::Value& v = r.get(column);
  if (const auto* d = std::get_if<double>(&v)) return fmt::format("{:.6g}", *d);
  return escape(traces::format_value(v));
}

const std::vector<const char*> kTableColumns = {
    "point_id",      "kind",          "weight_type", "activation_type", "output_type", "pe",
    "simd",          "bn_scale_kind", "cycles",      "latency_ns",      "mse",         "sqnr_db",
    "max_abs_error", "lut",           "dsp",         "lut_equivalent",  "rtl_status"};

std::string table(const std::vector<const ResultRow*>& rows,
                  const std::vector<const char*>& columns = kTableColumns) {
  std::string s = "|";
  for (const char* c : columns) s += fmt::format(" {} |", c);
  s += "\n|";
  for (std::size_t i = 0; i < columns.size(); ++i) s += " --- |";
  s += "\n";
  for (const ResultRow* r : rows) {
    s += "|";
    for (const char* c : columns) s += " " + cell(*r, c) + " |";
    s += "\n";
  }
  return s;
}

bool ok(const ResultRow& r) {
  return !r.is_null("status") && r.text("status") == "ok" && !r.is_null("mse");
}

bool has_status(const ResultRow& r, const char* status) {
  return !r.is_null("status") && r.text("status") == status;
}

// A point the engine cannot build (explore/design_points.hpp), pruned before anything ran.
bool is_invalid(const ResultRow& r) {
  return has_status(r, "pruned") && !r.is_null("error") &&
         r.text("error").rfind("invalid: ", 0) == 0;
}

// The parameters that tell a sweep's points apart, as a reader names them: the weight type
// (`spt<8,1,2>`, or `fx_mac fixed<8,1,RND_CONV,SAT,0>` where the type does not say the kind),
// then every other axis of point_key whose value varies between the points of the database
// ("SIMD 16", "out fixed<8,3,RND_CONV,SAT,0>"); constant axes are left out.
class PointLabels {
 public:
  explicit PointLabels(const std::vector<ResultRow>& rows) {
    std::map<std::string, std::string> first;
    for (const ResultRow& r : rows) {
      for (const auto& [name, value] : key_values(r)) {
        const auto [it, added] = first.emplace(name, value);
        if (!added && it->second != value) varying_.insert(name);
      }
    }
  }

  std::string operator()(const ResultRow& r) const {
    const std::string kind = r.is_null("kind") ? std::string() : r.text("kind");
    std::string label = r.is_null("weight_type") ? std::string("?") : r.text("weight_type");
    if (kind.rfind("fx_mac", 0) == 0) label = kind + " " + label;
    for (const auto& [name, value] : key_values(r)) {
      if (!varying_.count(name)) continue;
      for (const Part& p : parts()) {
        if (name == p.axis) label += ", " + std::string(p.prefix) + value + p.suffix;
      }
    }
    return label;
  }

 private:
  struct Part {
    const char* axis;  // as point_key names it
    const char* prefix;
    const char* suffix;
  };
  // The axes after the weight (kind, weight and k make the weight type), in point_key order.
  static const std::vector<Part>& parts() {
    static const std::vector<Part> p = {
        {"activation", "act ", ""}, {"accumulator", "acc ", ""},
        {"output", "out ", ""},     {"pe", "PE ", ""},
        {"simd", "SIMD ", ""},      {"mac_stages", "MAC stages ", ""},
        {"bn", "BN ", ""},          {"clock_ns", "clock ", " ns"},
        {"family", "", ""},         {"affine_weights", "", ""},
        {"requant", "requant ", ""}};
    return p;
  }
  // point_key's "name=value" pairs (values hold no spaces).
  static std::vector<std::pair<std::string, std::string>> key_values(const ResultRow& r) {
    std::vector<std::pair<std::string, std::string>> out;
    if (r.is_null("point_key")) return out;
    std::istringstream in(r.text("point_key"));
    for (std::string token; in >> token;) {
      const std::size_t eq = token.find('=');
      if (eq != std::string::npos) out.emplace_back(token.substr(0, eq), token.substr(eq + 1));
    }
    return out;
  }
  std::set<std::string> varying_;
};

// The title and, when a run is recorded, where the results come from (the last run's sweep file
// and versions).
std::string run_section(const std::vector<traces::RunInfo>& runs) {
  const traces::RunInfo* run = runs.empty() ? nullptr : &runs.back();
  std::string md =
      fmt::format("# Sweep report: {}\n\n", run ? run->sweep_name : "(no run recorded)");
  if (run) {
    md += fmt::format(
        "- sweep file: `{}` (sha256 `{}`), seed {}\n- fxsim {}, SystemC {}, SQLite {}{}\n"
        "- runs recorded: {} (last started {}, status {})\n",
        run->sweep_file, run->sweep_sha256, run->seed, run->fxsim_version, run->systemc_version,
        run->sqlite_version, run->yosys_version.empty() ? "" : ", " + run->yosys_version,
        runs.size(), run->started_at, run->status);
  }
  return md;
}

// The points in the database against the sweep's, by status, and what the resource figures are.
std::string counts_section(const std::vector<traces::RunInfo>& runs,
                           const std::vector<ResultRow>& rows) {
  std::map<std::string, long> by_status;
  for (const ResultRow& r : rows) ++by_status[r.is_null("status") ? "" : r.text("status")];
  const long expected = runs.empty() ? 0 : static_cast<long>(runs.back().points_total);
  long invalid = 0;
  for (const ResultRow& r : rows) invalid += is_invalid(r) ? 1 : 0;
  std::string md = fmt::format("- points: {} of {} in the database", rows.size(), expected);
  for (const auto& [status, n] : by_status) {
    md += fmt::format(", {} {}", n, status);
    if (status == "pruned" && invalid > 0) {
      md += fmt::format(" ({} invalid, {} by a constraint)", invalid, n - invalid);
    }
  }
  md +=
      "\n\nResources are yosys 0.23 synth_xilinx mappings (analytical model or yosys, column "
      "`resource_source` in results.csv), not vendor-tool results. LUT-equivalent = LUT + 55 "
      "x DSP.\n\n";
  return md;
}

// A latency in ns, µs or ms, whichever keeps it readable: "44 ns", "6.3 µs", "14.72 ms".
std::string latency_text(double ns) {
  if (ns >= 1e6) return fmt::format("{:.4g} ms", ns / 1e6);
  if (ns >= 1e4) return fmt::format("{:.4g} µs", ns / 1e3);
  return fmt::format("{:.6g} ns", ns);
}

// One row per objective: the ok point that is best at it (the first one found, so ties go to the
// lowest point id), its value with its unit, and its parameters as PointLabels names them.
std::string best_points_section(const std::vector<const ResultRow*>& good,
                                const PointLabels& label) {
  struct Objective {
    const char* title;
    const char* column;
    bool maximize;
    const char* unit;
  };
  const Objective objectives[] = {{"lowest MSE", "mse", false, ""},
                                  {"highest SQNR", "sqnr_db", true, " dB"},
                                  {"highest top-1 accuracy", "classification_accuracy", true, ""},
                                  {"lowest latency", "latency_ns", false, " ns"},
                                  {"fewest LUT-equivalents", "lut_equivalent", false, ""},
                                  {"fewest LUTs", "lut", false, ""},
                                  {"fewest DSPs", "dsp", false, ""}};
  std::string rows_md;
  for (const Objective& o : objectives) {
    const ResultRow* b = nullptr;
    for (const ResultRow* r : good) {
      if (r->is_null(o.column)) continue;
      const double v = r->real(o.column);
      if (!b || (o.maximize ? v > b->real(o.column) : v < b->real(o.column))) b = r;
    }
    if (!b) continue;
    std::string value = cell(*b, o.column) + o.unit;
    if (std::string(o.column) == "latency_ns") {
      value = latency_text(b->real("latency_ns"));
      if (!b->is_null("cycles")) value += fmt::format(" ({} cycles)", cell(*b, "cycles"));
    }
    rows_md += fmt::format("| {} | {} | {} | {} |\n", o.title, value, cell(*b, "point_id"),
                           escape(label(*b)));
  }
  return "## Best point per objective\n\nTies go to the lowest point id. Parameters: the weight, "
         "then those that vary between the sweep's points (column `point_key` of results.csv "
         "has them all).\n\n"
         "| objective | value | point_id | parameters |\n| --- | --- | --- | --- |\n" +
         rows_md;
}

// The two Pareto fronts, from the flags finalize_results stored in the database.
std::string pareto_sections(const std::vector<const ResultRow*>& good) {
  auto flagged = [&](const char* column) {
    std::vector<const ResultRow*> f;
    for (const ResultRow* r : good) {
      if (!r->is_null(column) && r->integer(column) == 1) f.push_back(r);
    }
    return f;
  };
  const auto front = flagged("pareto_accuracy_latency_lut");
  std::string md = fmt::format(
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
  return md;
}

bool network_ok(const ResultRow& r) { return has_status(r, "ok") && !r.is_null("images_per_s"); }

// kind = "network" (docs/sweeps.md, "Network workloads"): the best point per objective and the
// Pareto front over accuracy (when measured) x images/s x LUT-equivalent, with each point's
// folding, interval, latency, resources and bottleneck.
std::string network_section(const std::vector<const ResultRow*>& net) {
  const std::vector<const char*> columns = {"point_id",
                                            "folding",
                                            "bn_scale_kind",
                                            "weight_type",
                                            "interval_cycles",
                                            "latency_cycles",
                                            "images_per_s",
                                            "classification_accuracy",
                                            "lut",
                                            "est_ff",
                                            "dsp",
                                            "est_bram18",
                                            "est_bram36",
                                            "lut_equivalent",
                                            "bottleneck"};
  struct Objective {
    const char* title;
    const char* column;
    bool maximize;
  };
  const Objective objectives[] = {{"highest top-1 accuracy", "classification_accuracy", true},
                                  {"most images/s", "images_per_s", true},
                                  {"lowest latency (cycles)", "latency_cycles", false},
                                  {"fewest LUT-equivalents", "lut_equivalent", false},
                                  {"fewest DSPs", "dsp", false}};
  std::vector<const ResultRow*> best;
  std::string md = fmt::format(
      "\n## Network points\n\n{} ok points on the network model's fast engine; resources from "
      "network_cost (analytical). Best per objective (ties: the lowest point id), then the "
      "Pareto front over accuracy (when the workload is a model file) x images/s x "
      "LUT-equivalent (column `pareto_accuracy_throughput_lut`).\n\n| objective | point_id |\n"
      "| --- | --- |\n",
      net.size());
  for (const Objective& o : objectives) {
    const ResultRow* b = nullptr;
    for (const ResultRow* r : net) {
      if (r->is_null(o.column)) continue;
      const double v = r->real(o.column);
      if (!b || (o.maximize ? v > b->real(o.column) : v < b->real(o.column))) b = r;
    }
    if (b) md += fmt::format("| {} | {} |\n", o.title, cell(*b, "point_id"));
  }
  std::vector<const ResultRow*> front;
  for (const ResultRow* r : net) {
    if (r->integer("pareto_accuracy_throughput_lut") == 1) front.push_back(r);
  }
  md += fmt::format("\nPareto front: {} of {} ok points.\n\n", front.size(), net.size());
  return md + table(front, columns);
}

// The first 20 failed points with their errors (the rest counted): enough to see what went wrong
// without burying the report.
std::string failed_section(const std::vector<ResultRow>& rows) {
  std::vector<const ResultRow*> failed;
  for (const ResultRow& r : rows) {
    if (!r.is_null("status") && r.text("status") == "failed") failed.push_back(&r);
  }
  if (failed.empty()) return "";
  std::string md = fmt::format("\n## Failed points ({})\n\n| point_id | error |\n| --- | --- |\n",
                               failed.size());
  for (std::size_t i = 0; i < failed.size() && i < 20; ++i) {
    md += fmt::format("| {} | {} |\n", cell(*failed[i], "point_id"), cell(*failed[i], "error"));
  }
  if (failed.size() > 20) md += fmt::format("\n... and {} more.\n", failed.size() - 20);
  return md;
}

// The pruned points by reason (the error column: "invalid: axes.k: ...", "constraint ..."), most
// frequent first, with the first point ids of each.
std::string pruned_section(const std::vector<ResultRow>& rows) {
  std::vector<std::string> reasons;
  std::map<std::string, std::vector<std::int64_t>> ids;
  for (const ResultRow& r : rows) {
    if (!has_status(r, "pruned")) continue;
    const std::string why = r.is_null("error") ? std::string() : r.text("error");
    reasons.push_back(why);
    ids[why].push_back(r.integer("point_id"));
  }
  if (reasons.empty()) return "";
  std::string md = fmt::format(
      "\n## Pruned points ({})\n\nNever simulated: `invalid` points are parameter combinations "
      "the engine cannot build (docs/sweeps.md, \"Invalid points\"), `constraint` ones violate "
      "a `[constraints]` rule on the analytical estimate. Each is a row of results.csv with "
      "status `pruned` and this reason in `error`.\n\n| points | reason | point ids |\n"
      "| --- | --- | --- |\n",
      reasons.size());
  for (const ReasonCount& c : count_reasons(reasons)) {
    const std::vector<std::int64_t>& list = ids[c.reason];
    std::string shown;
    for (std::size_t i = 0; i < list.size() && i < 10; ++i) {
      shown += (i ? ", " : "") + std::to_string(list[i]);
    }
    if (list.size() > 10) shown += fmt::format(", ... ({} more)", list.size() - 10);
    md += fmt::format("| {} | {} | {} |\n", c.points, escape(c.reason), shown);
  }
  return md;
}

}  // namespace

std::string report_markdown(const std::vector<traces::RunInfo>& runs,
                            const std::vector<ResultRow>& rows) {
  std::string md = run_section(runs) + counts_section(runs, rows);
  std::vector<const ResultRow*> good, net;
  for (const ResultRow& r : rows) {
    if (ok(r)) good.push_back(&r);
    if (network_ok(r)) net.push_back(&r);
  }
  if (!net.empty()) {
    md += network_section(net);
  } else if (good.empty()) {
    md += "No point finished successfully: nothing to rank.\n";
  } else {
    md += best_points_section(good, PointLabels(rows)) + pareto_sections(good);
  }
  return md + failed_section(rows) + pruned_section(rows);
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

PlotOutcome draw_plots(const std::filesystem::path& dir) {
  const char* env_python = std::getenv("FXSIM_PYTHON");
  const std::string python = env_python                                ? env_python
                             : ::access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3"
                                                                       : "python3";
  const char* env_script = std::getenv("FXSIM_PLOT_SCRIPT");
  const std::string script =
      env_script ? env_script : std::string(FXSIM_SOURCE_DIR) + "/scripts/plot_results.py";
  // Through sh (popen), so that a missing interpreter is reported like any other failure: the
  // shell's "not found" becomes the reason, exit code 127.
  const std::string cmd = util::shell_quote(python) + " " + util::shell_quote(script) + " " +
                          util::shell_quote(dir.string()) + " 2>&1";
  PlotOutcome out;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buf{};
  std::string text;
  while (std::fgets(buf.data(), buf.size(), pipe) != nullptr) text += buf.data();
  const int status = ::pclose(pipe);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 127;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) out.lines.push_back(line);
  }
  return out;
}

void append_plots(const std::filesystem::path& report, const std::filesystem::path& dir,
                  const PlotOutcome& plots) {
  std::ofstream md(report, std::ios::binary | std::ios::app);
  md << "\n## Plots\n\n";
  if (plots.drawn()) {
    for (const std::string& png : plots.lines) {
      const std::string rel = std::filesystem::path(png).lexically_relative(dir).generic_string();
      const std::string name = std::filesystem::path(png).stem().string();
      md << "![" << name << "](" << rel << ")\n\n";
    }
  } else {
    md << "Plots not drawn: " << plots.why_not() << "\n";
  }
}

}  // namespace fxsim::explore
