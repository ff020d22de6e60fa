#include "testbenches/env/summary_report.hpp"

#include <fmt/format.h>

#include <string>

#include "models/engine/reference.hpp"

namespace fxsim::env {
namespace {

using nlohmann::ordered_json;

std::string kind_str(const engine::EngineConfig& c) {
  return std::string(engine::to_string(c.kind));
}

ordered_json stage_json(const engine::StageCoverage& st, bool with_modes) {
  ordered_json j;
  j["count"] = st.count;
  j["overflows"] = st.overflows;
  j["ties"] = st.ties;
  j["inexact"] = st.inexact;
  if (with_modes) {
    j["rounding"] = std::string(fx::to_string(st.rounding));
    j["overflow_mode"] = std::string(fx::to_string(st.overflow));
  }
  return j;
}

const char* requant_rounding_name(fx::IntegerRounding r) {
  return r == fx::IntegerRounding::DOUBLE ? "double" : "single";
}

ordered_json point_json(const engine::EngineConfig& c, const std::string& source) {
  ordered_json p;
  p["source"] = source;
  p["kind"] = kind_str(c);
  p["pe"] = c.pe;
  p["simd"] = c.simd;
  p["mac_stages"] = c.mac_stages;
  p["clock_ns"] = c.clock_ns;
  p["bus_bits"] = c.bus_bits;
  p["in_features"] = c.in_features;
  p["out_features"] = c.out_features;
  p["batch"] = c.batch;
  p["activation"] = c.binary_activation ? std::string("binary") : c.activation.str();
  p["weight"] = c.bipolar ? c.bipolar->str() : fx::type_str(c.weight);
  p["accumulator"] = c.accumulator.str();
  p["output"] = c.output.str();
  if (c.bn) {
    ordered_json bn;
    bn["scale"] = fx::type_str(c.bn->scale);
    bn["bias"] = c.bn->bias.str();
    bn["output"] = c.bn->output.str();
    bn["activation"] = std::string(engine::to_string(c.bn->activation));
    bn["clip"] = c.bn->clip;
    bn["stages"] = c.bn->stages;
    p["bn"] = bn;
  } else {
    p["bn"] = nullptr;
  }
  if (c.requant) {
    const engine::RequantConfig& r = *c.requant;
    p["requant"] = {{"output", r.output.str()},
                    {"zero_point", r.zero_point},
                    {"rounding", requant_rounding_name(r.rounding)},
                    {"m0_bits", r.m0_bits},
                    {"lshift_max", r.lshift_max},
                    {"bias_width", r.bias_width},
                    {"relu", r.relu},
                    {"stages", r.stages}};
  } else {
    p["requant"] = nullptr;
  }
  if (c.threshold) {
    p["threshold"] = {{"thresholds", c.threshold->thresholds}, {"stages", c.threshold->stages}};
  }
  p["distribution"] = std::string(engine::to_string(c.distribution));
  return p;
}

std::string point_line(const engine::EngineConfig& c) {
  std::string bn = "no bn";
  if (c.bn) bn = fmt::format("bn {}", engine::to_string(c.bn->activation));
  if (c.requant) {
    bn = fmt::format("requant {} zp {} {}{}", c.requant->output.str(), c.requant->zero_point,
                     requant_rounding_name(c.requant->rounding), c.requant->relu ? " relu" : "");
  }
  if (c.threshold) bn = fmt::format("threshold T {}", c.threshold->thresholds);
  return fmt::format("{}, PE {}, SIMD {}, {} -> {} features, batch {}, {}", kind_str(c), c.pe,
                     c.simd, c.in_features, c.out_features, c.batch, bn);
}

// A stage's row of the coverage table. The accumulator does not round (its fraction bits are the
// products'): its modes column has its overflow mode only.
std::string stage_row(const char* name, const engine::StageCoverage& st, bool rounds) {
  return fmt::format(
      "  {:<12} {:>10} {:>10} {:>10} {:>10}  {}\n", name, st.count, st.overflows, st.ties,
      st.inexact,
      rounds ? fmt::format("{} {}", fx::to_string(st.rounding), fx::to_string(st.overflow))
             : fmt::format("{} (exact sums, no rounding)", fx::to_string(st.overflow)));
}

}  // namespace

std::string summary_text(const RunSummary& s, const std::string& source) {
  const engine::EngineConfig& c = s.cfg;
  std::string out;
  out += fmt::format("point: {} ({})\n", source, point_line(c));
  out += fmt::format("seed: {}\n", s.seed);
  for (const BackendRun& r : s.runs) {
    out += fmt::format("backend {}:\n", to_string(r.kind));
    if (r.kind == BackendKind::RTL && !r.pe_variant.empty()) {
      out += fmt::format("  rtl variants       {}{}\n", r.pe_variant,
                         r.bn_variant.empty() ? "" : " + " + r.bn_variant);
    }
    out += fmt::format("  cycles             {}\n", r.cycles);
    out += fmt::format("  load cycles        {}\n", r.load_cycles);
    out += fmt::format("  readback cycles    {}\n", r.readback_cycles);
    out += fmt::format("  end-to-end cycles  {}\n", r.end_to_end_cycles());
    out += fmt::format("  latency            {:.3f} ns (end to end {:.3f} ns)\n", s.latency_ns(r),
                       r.end_to_end_cycles() * c.clock_ns);
    out += fmt::format("  throughput         {:.6g} outputs/s, {:.6g} MAC/s\n",
                       s.outputs_per_second(r), s.macs_per_second(r));
    out += fmt::format("  mismatches         {} of {}\n", r.scoreboard.mismatch_count,
                       r.scoreboard.checked);
    for (const Mismatch& m : r.scoreboard.first) {
      out += fmt::format("    index {}: expected {}, got {}\n", m.index, m.expected, m.got);
    }
    out += fmt::format("  tlm errors         {}\n", r.tlm_errors);
    for (const std::string& e : r.bus_errors) out += fmt::format("    {}\n", e);
    if (!r.completed) out += "  run did not complete (STATUS.DONE not set)\n";
  }
  if (s.comparison) {
    const CycleComparison& k = *s.comparison;
    out +=
        fmt::format("cycle comparison: model {}, rtl {}, difference {}, error {:.3f} %{}\n",
                    k.model, k.rtl, k.difference, k.error_percent, k.exact() ? "" : " (MISMATCH)");
  }
  const engine::Coverage& cov = s.coverage;
  out += fmt::format("coverage:\n  {:<12} {:>10} {:>10} {:>10} {:>10}  {}\n", "stage", "count",
                     "overflows", "ties", "inexact", "modes");
  out += stage_row("accumulator", cov.accumulator, false);
  out += stage_row("mac requant", cov.mac_requant, true);
  if (cov.has_bn) {
    out += stage_row("bn requant", cov.bn_requant, true);
    // The activation neither overflows nor rounds: it changes outputs on purpose (relu zeroes
    // the negative ones), so it has its own line rather than a row under those headers.
    out += fmt::format("  {:<12} {:>10}  {} changed {} of them\n", "activation",
                       cov.activation.count, engine::to_string(cov.act), cov.activation.overflows);
  }
  if (cov.has_requant) {
    // int_requant rounds to nearest by its own method and clamps: its overflows are outputs
    // clamped to the output range (ties and inexact are not counted).
    out += fmt::format("  {:<12} {:>10} {:>10} {:>10} {:>10}  {} rounding, clamp\n", "int requant",
                       cov.int_requant.count, cov.int_requant.overflows, "-", "-",
                       requant_rounding_name(cov.requant_rounding));
    if (cov.act == units::Activation::RELU) {
      out += fmt::format("  {:<12} {:>10}  relu (at the zero point) changed {} of them\n",
                         "activation", cov.activation.count, cov.activation.overflows);
    }
  }
  out += fmt::format("  tlm errors   {}\n", cov.tlm_errors);
  return out;
}

std::string summary_verdict(const RunSummary& s) {
  return fmt::format("result: {}\n", s.passed() ? "PASS" : "FAIL");
}

ordered_json summary_json(const RunSummary& s, const std::string& source) {
  const engine::EngineConfig& c = s.cfg;
  ordered_json j;
  j["point"] = point_json(c, source);
  j["seed"] = s.seed;
  j["formula_cycles"] = s.formula_cycles;
  ordered_json runs = ordered_json::array();
  for (const BackendRun& r : s.runs) {
    ordered_json o;
    o["backend"] = to_string(r.kind);
    o["completed"] = r.completed;
    o["cycles"] = r.cycles;
    o["load_cycles"] = r.load_cycles;
    o["readback_cycles"] = r.readback_cycles;
    o["end_to_end_cycles"] = r.end_to_end_cycles();
    o["latency_ns"] = s.latency_ns(r);
    o["end_to_end_ns"] = r.end_to_end_cycles() * c.clock_ns;
    o["outputs_per_s"] = s.outputs_per_second(r);
    o["macs_per_s"] = s.macs_per_second(r);
    o["checked"] = r.scoreboard.checked;
    o["mismatches"] = r.scoreboard.mismatch_count;
    ordered_json first = ordered_json::array();
    for (const Mismatch& m : r.scoreboard.first) {
      first.push_back({{"index", m.index}, {"expected", m.expected}, {"got", m.got}});
    }
    o["first_mismatches"] = first;
    o["tlm_errors"] = r.tlm_errors;
    o["bus_errors"] = r.bus_errors;
    if (r.kind == BackendKind::RTL) {
      o["rtl_variants"] = {
          {"pe", r.pe_variant},
          {"bn", r.bn_variant.empty() ? ordered_json(nullptr) : ordered_json(r.bn_variant)}};
    }
    runs.push_back(o);
  }
  j["runs"] = runs;
  if (s.comparison) {
    const CycleComparison& k = *s.comparison;
    j["cycle_comparison"] = {{"model", k.model},
                             {"rtl", k.rtl},
                             {"difference", k.difference},
                             {"error_percent", k.error_percent},
                             {"exact", k.exact()}};
  } else {
    j["cycle_comparison"] = nullptr;
  }
  const engine::Coverage& cov = s.coverage;
  ordered_json cj;
  cj["accumulator"] = stage_json(cov.accumulator, false);
  cj["accumulator"]["overflow_mode"] = std::string(fx::to_string(cov.accumulator.overflow));
  cj["mac_requant"] = stage_json(cov.mac_requant, true);
  if (cov.has_bn) {
    cj["bn_requant"] = stage_json(cov.bn_requant, true);
    cj["activation"] = {{"function", std::string(engine::to_string(cov.act))},
                        {"count", cov.activation.count},
                        {"changed", cov.activation.overflows}};
  } else {
    cj["bn_requant"] = nullptr;
    cj["activation"] = nullptr;
  }
  if (cov.has_requant) {
    cj["int_requant"] = {{"count", cov.int_requant.count},
                         {"overflows", cov.int_requant.overflows},
                         {"rounding", requant_rounding_name(cov.requant_rounding)}};
    if (cov.act == units::Activation::RELU) {
      cj["activation"] = {{"function", "relu"},
                          {"count", cov.activation.count},
                          {"changed", cov.activation.overflows}};
    }
  } else {
    cj["int_requant"] = nullptr;
  }
  cj["tlm_errors"] = cov.tlm_errors;
  j["coverage"] = cj;
  j["mismatches"] = s.mismatches();
  j["passed"] = s.passed();
  return j;
}

}  // namespace fxsim::env
