#include "explore/pareto.hpp"

#include <cstddef>

namespace fxsim::explore {

namespace {

bool dominates(const std::vector<double>& a, const std::vector<double>& b) {
  bool strictly = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] > b[i]) return false;
    if (a[i] < b[i]) strictly = true;
  }
  return strictly;
}

}  // namespace

std::vector<bool> pareto_front(const std::vector<std::vector<double>>& points) {
  std::vector<bool> front(points.size(), true);
  for (std::size_t i = 0; i < points.size(); ++i) {
    for (std::size_t j = 0; j < points.size() && front[i]; ++j) {
      if (j != i && dominates(points[j], points[i])) front[i] = false;
    }
  }
  return front;
}

std::vector<traces::ResultsDb::ParetoFlags> pareto_flags(
    const std::vector<traces::ResultRow>& rows) {
  // Layer and model points (with an mse): accuracy x latency x LUT-eq; network points (with
  // images_per_s): accuracy x throughput x LUT-eq, maximized ones negated; both: DSP x LUT.
  std::vector<std::size_t> ok, net;
  std::vector<std::vector<double>> accuracy, area, throughput;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const traces::ResultRow& r = rows[i];
    if (r.is_null("status") || r.text("status") != "ok") continue;
    if (!r.is_null("images_per_s")) {
      net.push_back(i);
      std::vector<double> objectives;
      if (!r.is_null("classification_accuracy")) {
        objectives.push_back(-r.real("classification_accuracy"));
      }
      objectives.push_back(-r.real("images_per_s"));
      objectives.push_back(r.real("lut_equivalent"));
      throughput.push_back(objectives);
      continue;
    }
    if (r.is_null("mse")) continue;
    ok.push_back(i);
    accuracy.push_back({r.real("mse"), r.real("latency_ns"), r.real("lut_equivalent")});
    area.push_back({r.real("dsp"), r.real("lut")});
  }
  const std::vector<bool> acc_front = pareto_front(accuracy);
  const std::vector<bool> area_front = pareto_front(area);
  const std::vector<bool> net_front = pareto_front(throughput);
  std::vector<traces::ResultsDb::ParetoFlags> flags;
  flags.reserve(rows.size());
  for (const traces::ResultRow& r : rows) flags.push_back({r.integer("point_id"), 0, 0, 0});
  for (std::size_t n = 0; n < ok.size(); ++n) {
    flags[ok[n]].accuracy_latency_lut = acc_front[n] ? 1 : 0;
    flags[ok[n]].dsp_lut = area_front[n] ? 1 : 0;
  }
  for (std::size_t n = 0; n < net.size(); ++n) {
    flags[net[n]].accuracy_throughput_lut = net_front[n] ? 1 : 0;
  }
  return flags;
}

}  // namespace fxsim::explore
