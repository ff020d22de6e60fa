#include "models/network/network_model.hpp"

#include <systemc>

#include "models/network/model_engines.hpp"

namespace fxsim::network {

const char* to_string(ActivityState s) {
  switch (s) {
    case ActivityState::BUSY:
      return "busy";
    case ActivityState::INPUT_STALL:
      return "input_stall";
    case ActivityState::OUTPUT_STALL:
      return "output_stall";
  }
  return "?";
}

std::string incomplete_run_message(std::size_t results, std::uint64_t max_cycles,
                                   const std::vector<BlockActivity>& blocks) {
  std::string where;
  for (const BlockActivity& a : blocks) {
    where += " " + a.name + " (" + std::to_string(a.beats_in) + " beats in, " +
             std::to_string(a.beats_out) + " out)";
  }
  return "network model: " + std::to_string(results) + " result beats after " +
         std::to_string(max_cycles) + " cycles, expected more; the blocks:" + where;
}

const char* to_string(ModelEngine e) { return e == ModelEngine::FAST ? "fast" : "edges"; }

NetworkRunResult run_network_model(const engine::NetworkPlan& plan,
                                   const engine::NetworkOperands& ops,
                                   const NetworkModelOptions& options) {
  // The run ends with sc_stop(): not worth an Info line per run.
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                          sc_core::SC_DO_NOTHING);
  const std::uint64_t max_cycles =
      options.max_cycles ? options.max_cycles : default_max_cycles(plan, ops.image_count);
  const bool per_edge_records = !options.vcd_path.empty() || options.activity || options.taps;
  const ModelEngine engine = per_edge_records ? ModelEngine::EDGES : options.engine;
  EngineRun run = engine == ModelEngine::FAST ? run_fast_engine(plan, ops, max_cycles)
                                              : run_edge_engine(plan, ops, options, max_cycles);
  NetworkRunResult& r = run.result;
  r.engine = to_string(engine);
  const std::vector<std::uint64_t>& arrival = run.arrival;
  r.cycles = arrival.back();
  if (engine == ModelEngine::EDGES) r.stepped_cycles = r.cycles;
  const auto per_image = static_cast<std::size_t>(plan.output().beats());
  for (std::size_t i = per_image; i <= arrival.size(); i += per_image) {
    r.image_done.push_back(arrival[i - 1]);
  }
  r.sink_stall_cycles = r.blocks.back().output_stall;
  std::uint64_t most = 0;
  for (const BlockActivity& a : r.blocks) {
    if (a.busy > most || r.bottleneck.empty()) {
      most = a.busy;
      r.bottleneck = a.name;
    }
  }
  if (r.dma_empty_cycles > most) {
    most = r.dma_empty_cycles;
    r.bottleneck = "input DMA";
  }
  if (r.sink_stall_cycles > most) r.bottleneck = "output DMA";
  return std::move(run.result);
}

}  // namespace fxsim::network
