// `fxsim run`: one design point (docs/engine.md) through the engine testbench on the model
// backend, the Verilated RTL backend, or both; prints the summary and optionally writes it as
// JSON and a VCD / FST trace. Exit codes: 0 pass, 1 mismatches (or a cycle disagreement, a TLM
// error, a run that did not complete), 2 a bad point file or bad options.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "apps/commands.hpp"
#include "explore/float_layer.hpp"
#include "models/engine/engine_config.hpp"
#include "models/engine/network_config.hpp"
#include "models/engine/stimulus.hpp"
#include "models/resources/family.hpp"
#include "synth/synth_error.hpp"
#include "testbenches/env/fifo_sizing.hpp"
#include "testbenches/env/network_from_model.hpp"
#include "testbenches/env/network_rtl.hpp"
#include "testbenches/env/run_network.hpp"
#include "testbenches/env/run_point.hpp"
#include "testbenches/env/summary_report.hpp"
#include "tlm/rtl/verilated/variant_registry.hpp"

// libsystemc.so defines main() calling sc_main; fxsim has its own main (apps/main.cpp), so this
// only satisfies the linker. Runs build their own simulation contexts (run_point).
extern "C" int sc_main(int, char**) {
  std::fputs("fxsim: sc_main is not used\n", stderr);
  return 1;
}

namespace fxsim::cli {
namespace {

constexpr const char* kCommand = "fxsim run";

// The point's outputs against the float computation of the same layer: the same operands (the
// stimulus' raws as exact values) in double precision (explore::float_reference), so what it
// measures is what the datapath's accumulator, requantizers and bn_act lose; and how many
// outputs each requantizer saturated (or wrapped), from the coverage of the run.
struct PointAccuracy {
  explore::Accuracy output;
  std::uint64_t outputs = 0;
  engine::StageCoverage mac_requant, bn_requant;
  bool has_bn = false;
};

PointAccuracy point_accuracy(const env::RunSummary& s, const engine::Stimulus& stim) {
  const engine::EngineConfig& cfg = s.cfg;
  PointAccuracy a;
  const std::vector<double> reference =
      explore::float_reference(explore::stimulus_float_layer(stim, cfg), cfg);
  a.output = explore::compare_outputs(reference, s.runs.front().output, cfg.final_output());
  a.outputs = reference.size();
  a.mac_requant = s.coverage.mac_requant;
  a.bn_requant = s.coverage.bn_requant;
  a.has_bn = s.coverage.has_bn;
  return a;
}

bool saturates(fx::Overflow o) { return o != fx::Overflow::WRAP && o != fx::Overflow::WRAP_SM; }

double percent(std::uint64_t part, std::uint64_t whole) {
  return whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

std::string overflow_text(const char* stage, const engine::StageCoverage& st) {
  return fmt::format("{} {} of {} {} ({:.1f} %)", stage, st.overflows, st.count,
                     saturates(st.overflow) ? "saturated" : "wrapped",
                     percent(st.overflows, st.count));
}

std::string accuracy_text(const PointAccuracy& a) {
  std::string out = "accuracy against the float layer (the same operands in double precision):\n";
  out += std::isinf(a.output.sqnr_db) && a.output.mse == 0
             ? std::string("  output SQNR        exact (every output equals the float layer's)\n")
             : fmt::format("  output SQNR        {:.2f} dB (MSE {:.4g}, max |error| {:.4g})\n",
                           a.output.sqnr_db, a.output.mse, a.output.max_abs_error);
  out += "  requantizers       " + overflow_text("mac", a.mac_requant);
  if (a.has_bn) out += ", " + overflow_text("bn", a.bn_requant);
  out += "\n";
  return out;
}

nlohmann::ordered_json accuracy_json(const PointAccuracy& a) {
  nlohmann::ordered_json j;
  // SQNR is +inf when the outputs equal the float layer exactly; JSON has no infinity.
  j["sqnr_db"] = std::isfinite(a.output.sqnr_db) ? nlohmann::ordered_json(a.output.sqnr_db)
                                                 : nlohmann::ordered_json(nullptr);
  j["mse"] = a.output.mse;
  j["max_abs_error"] = a.output.max_abs_error;
  j["outputs"] = a.outputs;
  j["mac_requant_overflow_fraction"] =
      a.mac_requant.count ? static_cast<double>(a.mac_requant.overflows) / a.mac_requant.count
                          : 0.0;
  j["bn_requant_overflow_fraction"] =
      a.has_bn && a.bn_requant.count
          ? nlohmann::ordered_json(static_cast<double>(a.bn_requant.overflows) / a.bn_requant.count)
          : nlohmann::ordered_json(nullptr);
  return j;
}

// The summary's JSON with "accuracy" before the totals ("mismatches", "passed").
nlohmann::ordered_json with_accuracy(const nlohmann::ordered_json& summary,
                                     const std::optional<PointAccuracy>& a) {
  nlohmann::ordered_json j;
  for (const auto& [key, value] : summary.items()) {
    if (key == "mismatches") {
      j["accuracy"] = a ? accuracy_json(*a) : nlohmann::ordered_json(nullptr);
    }
    j[key] = value;
  }
  return j;
}

struct RunCommandOptions {
  std::string config;
  std::string network;
  std::string backend = "model";
  std::string vcd, fst, json;
  std::optional<std::uint64_t> seed;
  std::optional<int> images;
  std::string family = "xc7";
  bool size_fifos = false;
  bool yosys = false;
  std::string activity_csv;
  bool taps = false;
  std::string model_engine = "fast";
};

// `fxsim run --network NET.toml --size-fifos`: the smallest FIFO depths that keep the
// unbounded interval (testbenches/env/fifo_sizing.hpp), as a table.
int size_fifos_command(const engine::NetworkPlan& plan, const RunCommandOptions& o) {
  const int images = o.images.value_or(std::max(plan.config.images, 4));
  const resources::Family family = *resources::parse_family(o.family);
  engine::NetworkOperands ops;
  try {
    ops = env::network_operands(plan, images);  // the model file's with [network] model
  } catch (const engine::NetworkFileError& e) {
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  }
  env::FifoSizing s;
  try {
    s = env::size_fifos(plan, ops, family);
  } catch (const std::exception& e) {
    print_error(kCommand, "FIFO sizing failed: {}", e.what());
    return kExitFailure;
  }
  fmt::print("FIFO sizing of {} on the SystemC model, {} images, {} runs:\n", o.network, images,
             s.runs);
  fmt::print("  {:<10} {:>6} {:>10} {:>7} {:>16} {:>6} {:>6} {:>6}\n", "block", "file", "unbounded",
             "chosen", "cycles one less", "LUT", "FF", "LUTRAM");
  for (std::size_t b = 0; b < plan.blocks.size(); ++b) {
    const resources::ResourceEstimate& c = s.fifo_cost.blocks[b].fifo;
    fmt::print("  {:<10} {:>6} {:>10} {:>7} {:>16} {:>6} {:>6} {:>6}\n", plan.blocks[b].layer.name,
               plan.blocks[b].fifo.depth, s.unbounded_max[b], s.depths[b],
               s.depths[b] ? std::to_string(s.one_less_cycles[b]) : std::string("-"), c.lut, c.ff,
               c.lutram);
  }
  fmt::print("  {} images: {} cycles with the chosen depths, {} with unbounded FIFOs\n", images,
             s.cycles, s.unbounded_cycles);
  fmt::print("  FIFOs total: {} LUT, {} FF, {} LUT RAM, {} BRAM18, {} BRAM36\n",
             s.fifo_cost.total.lut, s.fifo_cost.total.ff, s.fifo_cost.total.lutram,
             s.fifo_cost.total.bram18, s.fifo_cost.total.bram36);
  bool confirmed = true;
  if (o.backend != "model") {
    // The chosen depths on the stitched RTL: the same cycles as the model with those depths.
    std::uint64_t rtl_cycles = 0;
    try {
      rtl_cycles = env::run_network_rtl(env::with_fifo_depths(plan, s.depths), ops).cycles;
    } catch (const std::exception& e) {
      print_error(kCommand, "the RTL confirmation failed: {}", e.what());
      return kExitFailure;
    }
    confirmed = rtl_cycles == s.cycles;
    fmt::print("  confirmed on the RTL backend: {} cycles ({})\n", rtl_cycles,
               confirmed ? "equal" : "DIFFERENT");
  }
  return s.cycles <= s.unbounded_cycles && confirmed ? kExitOk : kExitFailure;
}

// `fxsim run --network`: the network description through the SystemC network model.
int run_network_command(const RunCommandOptions& o) {
  if (!o.fst.empty()) {
    print_error(kCommand, "--network: --fst is not available for networks; expected --vcd");
    return kExitUsage;
  }
  engine::NetworkPlan plan;
  try {
    engine::NetworkConfig cfg = engine::load_network_file(o.network);
    if (o.seed) cfg.seed = *o.seed;
    plan = engine::plan_network(cfg, o.network);
  } catch (const engine::NetworkFileError& e) {
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  }
  if (o.size_fifos) return size_fifos_command(plan, o);
  env::NetworkRunOptions options;
  options.backends = o.backend == "rtl"    ? env::NetworkBackends::RTL
                     : o.backend == "both" ? env::NetworkBackends::BOTH
                                           : env::NetworkBackends::MODEL;
  options.images = o.images;
  options.family = *resources::parse_family(o.family);
  options.vcd_path = o.vcd;
  options.activity_csv_path = o.activity_csv;
  options.yosys = o.yosys;
  options.taps = o.taps;
  options.model_engine =
      o.model_engine == "edges" ? network::ModelEngine::EDGES : network::ModelEngine::FAST;
  env::NetworkSummary summary;
  try {
    summary = env::run_network(plan, options);
  } catch (const engine::NetworkFileError& e) {  // the description against its model file
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  } catch (const verilated::RtlVariantError& e) {
    print_error(kCommand, "{}: {}", o.network, e.what());
    return kExitUsage;
  } catch (const std::invalid_argument& e) {
    print_error(kCommand, "{}: {}", o.network, e.what());
    return kExitUsage;
  } catch (const synth::SynthError& e) {
    print_error(kCommand, "--yosys: {}", e.what());
    return kExitFailure;
  } catch (const std::exception& e) {
    print_error(kCommand, "simulation failed: {}", e.what());
    return kExitFailure;
  }
  fmt::print("{}", env::network_summary_text(summary, o.network));
  std::fflush(stdout);
  if (!o.json.empty()) {
    std::ofstream out(o.json);
    out << env::network_summary_json(summary, o.network).dump(2) << "\n";
    if (!out) {
      print_error(kCommand, "cannot write {}", o.json);
      return kExitFailure;
    }
  }
  return summary.passed() ? kExitOk : kExitFailure;
}

int run_command(const RunCommandOptions& o) {
  if (!o.network.empty()) return run_network_command(o);
  if (o.config.empty()) {
    print_error(kCommand, "--config or --network is required (run with --help for more)");
    return kExitUsage;
  }
  engine::EngineConfig cfg;
  try {
    cfg = engine::load_point_file(o.config);
  } catch (const engine::PointFileError& e) {
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  }
  env::Backends backends = env::Backends::MODEL;
  if (o.backend == "rtl") backends = env::Backends::RTL;
  if (o.backend == "both") backends = env::Backends::BOTH;

  // The stimulus run_point would draw itself, drawn here so that the accuracy below reads the
  // same operands.
  env::RunOptions options;
  options.seed = o.seed.value_or(cfg.seed);
  options.vcd_path = o.vcd;
  options.fst_path = o.fst;
  const engine::Stimulus stimulus = engine::make_stimulus(cfg, *options.seed);
  options.stimulus = &stimulus;
  env::RunSummary summary;
  try {
    summary = env::run_point(cfg, backends, options);
  } catch (const engine::PointFileError& e) {
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  } catch (const verilated::RtlVariantError& e) {
    print_error(kCommand, "{}: {}", o.config, e.what());
    return kExitUsage;
  } catch (const std::invalid_argument& e) {
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    print_error(kCommand, "simulation failed: {}", e.what());
    return kExitFailure;
  }

  // Every backend that completed returned the whole output buffer; the first one's is measured.
  // The float layer (explore::float_reference) is the fixed-point datapath's; an affine
  // [requant] layer has none there yet, nor has a binary / ternary one, so their accuracy is
  // not measured (JSON: null).
  std::optional<PointAccuracy> accuracy;
  if (!cfg.requant && !cfg.is_bipolar() && !summary.runs.empty() &&
      summary.runs.front().output.size() ==
          static_cast<std::size_t>(cfg.batch) * cfg.out_features) {
    accuracy = point_accuracy(summary, stimulus);
  }
  fmt::print("{}{}{}", env::summary_text(summary, o.config),
             accuracy ? accuracy_text(*accuracy) : std::string(), env::summary_verdict(summary));
  std::fflush(stdout);
  if (!o.json.empty()) {
    std::ofstream out(o.json);
    out << with_accuracy(env::summary_json(summary, o.config), accuracy).dump(2) << "\n";
    if (!out) {
      print_error(kCommand, "cannot write {}", o.json);
      return kExitFailure;
    }
  }
  return summary.passed() ? kExitOk : kExitFailure;
}

}  // namespace

void add_run_command(CLI::App& app, CommandStatus& status) {
  auto o = std::make_shared<RunCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Simulate one design point of the layer engine and check it bit-exactly");
  CLI::Option* config =
      cmd->add_option("-c,--config", o->config,
                      "Design point file (TOML; see docs/engine.md and docs/examples/)")
          ->check(existing_file(kPointFileHint));
  cmd->add_option("-n,--network", o->network,
                  "Network description (TOML; docs/network.md): run the whole streaming network "
                  "on the SystemC network model instead of one design point")
      ->check(CLI::ExistingFile)
      ->excludes(config);
  cmd->add_option("--images", o->images,
                  "With --network: images to run (default: the file's [network] images)")
      ->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--family", o->family,
                  "With --network: FPGA family of the analytical resources (xc7, xcup)")
      ->check(CLI::IsMember({"xc7", "xcup"}))
      ->capture_default_str();
  cmd->add_option("--activity-csv", o->activity_csv,
                  "With --network: write every block's busy / input-stall / output-stall "
                  "stretches as CSV (docs/network.md; docs/notebooks/network_activity.ipynb)");
  cmd->add_flag("--yosys", o->yosys,
                "With --network: also synthesize every unit of every block with yosys (cached, "
                "like fxsim synth) and print the per-block sums beside the analytical LUTs");
  cmd->add_flag("--taps", o->taps,
                "With --network: record every block's stream on the first run and check each "
                "block's map against the reference, so that a difference later blocks mask is "
                "found too (without it, a backend whose outputs differ is run again tapped to "
                "localise the mismatch; docs/network.md)");
  cmd->add_option("--model-engine", o->model_engine,
                  "With --network: the SystemC model's engine: fast (the bit-exact reference's "
                  "values, the units' control state machines stepped without data, repeating "
                  "images skipped) or edges (every unit's full model as a SystemC process, "
                  "evaluated on every clock edge); the same cycles, activity and outputs "
                  "(docs/engine.md). --vcd, --activity-csv and --taps run the edges engine")
      ->check(CLI::IsMember({"fast", "edges"}))
      ->capture_default_str();
  cmd->add_flag(
      "--size-fifos", o->size_fifos,
      "With --network: find the smallest depth of every FIFO with which the images take "
      "no more cycles than with unbounded FIFOs (on the model; --images default "
      "max(images, 4)); with --backend rtl or both, the chosen depths are confirmed on the "
      "stitched RTL (the same cycles)");
  cmd->add_option("-b,--backend", o->backend,
                  "model: SystemC/TLM model (latency formula, no clock); rtl: Verilated RTL "
                  "behind the transactor, clocked; both: each, plus the cycle comparison")
      ->check(CLI::IsMember({"model", "rtl", "both"}))
      ->capture_default_str();
  CLI::Option* vcd = cmd->add_option(
      "--vcd", o->vcd,
      "Write a VCD: the model's transaction-level signals (busy, irq, batch/fold, last "
      "transaction), or every Verilated signal on the rtl backend (with both: the rtl run); "
      "with --network, every block's state and FIFO occupancy per cycle");
  CLI::Option* fst =
      cmd->add_option("--fst", o->fst, "Write an FST of every Verilated signal (rtl or both)");
  vcd->excludes(fst);
  cmd->add_option("--seed", o->seed, "Stimulus seed (overrides the point file's seed)");
  cmd->add_option("--json", o->json, "Also write the summary as JSON to this file");
  cmd->footer(
      "Loads weights, BN parameters and inputs over TLM-2.0, starts the engine, waits for its\n"
      "interrupt, reads the cycle count and the outputs, and checks every output against the\n"
      "fx/ reference. The summary gives compute, load and read-back cycles, the latency in ns,\n"
      "the throughput (outputs/s, MAC/s at the clock), mismatches (index, expected, got), the\n"
      "model-vs-rtl cycle comparison (both), the coverage of every rounding/overflow stage,\n"
      "the TLM error count, and what the point loses against the float computation of the same\n"
      "layer (the same operands in double precision): output SQNR in dB, MSE, largest error and\n"
      "the outputs each requantizer saturated. JSON fields: docs/user_guide.md, `fxsim run`.\n"
      "The rtl backend Verilates the units of any point on first use (a few seconds each) and\n"
      "keeps them in the cache (FXSIM_CACHE_DIR, else ~/.cache/fxsim); FXSIM_RTL_ONDEMAND=0\n"
      "uses only what the cache holds.\n"
      "Exit codes: 0 all outputs exact (and, with both, equal cycles); 1 a mismatch, a cycle\n"
      "difference or a TLM error; 2 a bad point file (FILE:LINE: key: ...), bad options, or\n"
      "units not in the cache while FXSIM_RTL_ONDEMAND=0.\n"
      "With --network, the network's blocks run on the SystemC network model with FIFOs and\n"
      "DMAs (docs/network.md; its fast engine skips the images that repeat, with the same\n"
      "cycles as the per-edge engine); the summary gives per block the shapes, folding,\n"
      "busy / stalled cycles, the largest FIFO occupancy and the analytical resources, then\n"
      "the latency, interval, images/s and the bottleneck block.\n"
      "Examples:\n"
      "  fxsim run --config docs/examples/point_fx_mac.toml --backend both\n"
      "  fxsim run --network docs/examples/network_pools.toml --json pools.json\n"
      "  fxsim run -c docs/examples/point_khot.toml -b rtl --vcd khot.vcd --json khot.json");
  cmd->callback([o, &status] { status.exit_code = run_command(*o); });
}

}  // namespace fxsim::cli
