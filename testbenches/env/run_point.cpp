#include "testbenches/env/run_point.hpp"

#include <chrono>
#include <stdexcept>
#include <string>
#include <systemc>

#include "models/engine/elaboration.hpp"
#include "models/engine/latency.hpp"
#include "models/engine/reference.hpp"
#include "models/engine/stimulus.hpp"
#include "models/systemc/model_backend.hpp"
#include "testbenches/env/engine_initiator.hpp"
#include "testbenches/env/simulation_scope.hpp"
#include "tlm/accelerator_target.hpp"
#include "tlm/rtl/rtl_backend.hpp"
#include "tlm/trace_signals.hpp"

namespace fxsim::env {

const char* to_string(BackendKind k) { return k == BackendKind::RTL ? "rtl" : "model"; }

std::uint64_t RunSummary::mismatches() const {
  std::uint64_t n = 0;
  for (const BackendRun& r : runs) n += r.scoreboard.mismatch_count;
  return n;
}

bool RunSummary::passed() const {
  for (const BackendRun& r : runs) {
    if (!r.completed || r.tlm_errors != 0 || !r.bus_errors.empty() ||
        r.scoreboard.mismatch_count != 0) {
      return false;
    }
  }
  return !comparison || comparison->exact();
}

double RunSummary::outputs_per_second(const BackendRun& r) const {
  if (r.cycles == 0) return 0;
  return static_cast<double>(batch) * cfg.out_features / (latency_ns(r) * 1e-9);
}

double RunSummary::macs_per_second(const BackendRun& r) const {
  return outputs_per_second(r) * cfg.in_features;
}

namespace {

std::unique_ptr<engine::EngineBackend> default_backend(BackendKind kind,
                                                       const engine::Elaboration& e,
                                                       const RunOptions& options, bool traced) {
  if (kind == BackendKind::RTL) {
    tlm_rtl::RtlTraceOptions trace;
    if (traced && !options.vcd_path.empty())
      trace = {options.vcd_path, verilated::TraceFormat::VCD};
    if (traced && !options.fst_path.empty())
      trace = {options.fst_path, verilated::TraceFormat::FST};
    return std::make_unique<tlm_rtl::RtlBackend>("rtl", e, trace);
  }
  systemc::ModelBackend::Options model_options;
  model_options.per_fold = traced;  // batch / fold indices on the trace signals
  return std::make_unique<systemc::ModelBackend>("model", e, model_options);
}

BackendRun simulate(const engine::Elaboration& e, const engine::Stimulus& stim, BackendKind kind,
                    const RunOptions& options, bool traced) {
  const engine::EngineConfig& cfg = e.point;
  const auto t0 = std::chrono::steady_clock::now();
  // The initiator ends every run with sc_stop(): not worth an Info line per run.
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                          sc_core::SC_DO_NOTHING);
  SimulationScope scope;
  BackendRun run;
  run.kind = kind;

  tlm::AcceleratorTarget target("accelerator", cfg, nullptr, stim.batch);
  std::unique_ptr<engine::EngineBackend> backend = options.make_backend
                                                       ? options.make_backend(kind, e)
                                                       : default_backend(kind, e, options, traced);
  target.set_backend(backend.get());
  if (auto* rtl = dynamic_cast<tlm_rtl::RtlBackend*>(backend.get())) {
    run.pe_variant = rtl->transactor().variants().pe->name;
    if (rtl->transactor().variants().bn) run.bn_variant = rtl->transactor().variants().bn->name;
  }
  EngineInitiator initiator("initiator", cfg, stim);
  initiator.socket.bind(target.socket);
  initiator.irq.bind(target.irq());

  sc_core::sc_trace_file* vcd = nullptr;
  if (traced && kind == BackendKind::MODEL && !options.vcd_path.empty()) {
    vcd = tlm::open_engine_vcd(options.vcd_path, target.trace_signals());
  }
  sc_core::sc_start();
  if (vcd) sc_core::sc_close_vcd_trace_file(vcd);

  const InitiatorResult& r = initiator.result();
  run.completed = r.completed;
  run.cycles = r.cycles;
  run.tlm_errors = r.errors;
  run.bus_errors = r.bus_errors;
  run.output = r.output;
  run.load_cycles = target.transfers().write_cycles;
  run.readback_cycles = target.transfers().read_cycles;
  run.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return run;
}

// A caller's stimulus must fill every buffer of the point exactly.
void check_stimulus(const engine::EngineConfig& cfg, const engine::Stimulus& stim) {
  const auto n_in = static_cast<std::size_t>(cfg.in_features);
  const auto n_out = static_cast<std::size_t>(cfg.out_features);
  const std::size_t bn_n = cfg.has_channel_params() ? n_out : 0;
  if (stim.batch != cfg.batch || stim.weights.size() != n_out * n_in ||
      stim.weight_words.size() != n_out * n_in || stim.bn_scale.size() != bn_n ||
      stim.bn_scale_words.size() != bn_n || stim.bn_bias.size() != engine::bn_bias_count(cfg) ||
      stim.input.size() != static_cast<std::size_t>(cfg.batch) * n_in) {
    throw std::invalid_argument("RunOptions::stimulus does not match the design point's sizes");
  }
}

}  // namespace

RunSummary run_point(const engine::EngineConfig& cfg, Backends backends,
                     const RunOptions& options) {
  engine::validate(cfg);
  return run_point(engine::elaborate(cfg), backends, options);
}

RunSummary run_point(const engine::Elaboration& elaboration, Backends backends,
                     const RunOptions& options) {
  const engine::EngineConfig& cfg = elaboration.point;
  if (!options.vcd_path.empty() && !options.fst_path.empty()) {
    throw std::invalid_argument("trace to a VCD or an FST file, not both");
  }
  if (!options.fst_path.empty() && backends == Backends::MODEL) {
    throw std::invalid_argument(
        "--fst traces the Verilated signals of the rtl backend; the model backend's "
        "transaction-level signals go to a VCD (--vcd): SystemC has no FST writer");
  }
  RunSummary s;
  s.cfg = cfg;
  s.seed = options.seed.value_or(cfg.seed);
  s.cfg.seed = s.seed;
  s.batch = cfg.batch;
  s.formula_cycles = engine::compute_cycles(cfg, cfg.batch);
  // The reference and both backends read the one elaboration (with this run's seed).
  engine::Elaboration e = elaboration;
  e.point.seed = s.seed;

  // The rtl variants exist (built or loaded, in the trace format asked for) before anything is
  // simulated.
  if (backends != Backends::MODEL) {
    tlm_rtl::find_engine_variants(
        e, options.fst_path.empty() ? verilated::TraceFormat::VCD : verilated::TraceFormat::FST);
  }

  engine::Stimulus generated;
  if (options.stimulus) {
    check_stimulus(cfg, *options.stimulus);
  } else {
    generated = engine::make_stimulus(cfg, s.seed, cfg.batch);
  }
  const engine::Stimulus& stim = options.stimulus ? *options.stimulus : generated;
  const engine::LayerReference ref = engine::compute_reference(e, stim);
  s.coverage = ref.coverage;

  std::vector<BackendKind> kinds;
  if (backends != Backends::RTL) kinds.push_back(BackendKind::MODEL);
  if (backends != Backends::MODEL) kinds.push_back(BackendKind::RTL);
  for (BackendKind kind : kinds) {
    const bool traced = kinds.size() == 1 || kind == BackendKind::RTL;
    BackendRun run = simulate(e, stim, kind, options, traced);
    run.scoreboard = check_outputs(ref.output, run.output);
    s.coverage.tlm_errors += run.tlm_errors;
    s.runs.push_back(std::move(run));
  }
  if (s.runs.size() == 2) s.comparison = compare_cycles(s.runs[0].cycles, s.runs[1].cycles);
  return s;
}

}  // namespace fxsim::env
