#include "models/engine/latency.hpp"

namespace fxsim::engine {

std::uint64_t fold_beats(const EngineConfig& cfg, int batch) {
  return static_cast<std::uint64_t>(batch) * static_cast<std::uint64_t>(cfg.neuron_fold()) *
         static_cast<std::uint64_t>(cfg.synapse_fold());
}

std::uint64_t pe_fill_cycles(const EngineConfig& cfg) {
  return static_cast<std::uint64_t>(cfg.mac_stages) + 1;
}

std::uint64_t bn_fill_cycles(const EngineConfig& cfg) {
  return cfg.bn ? static_cast<std::uint64_t>(cfg.bn->stages) + 1 : 0;
}

std::uint64_t requant_fill_cycles(const EngineConfig& cfg) {
  return cfg.requant ? static_cast<std::uint64_t>(cfg.requant->stages) + 1 : 0;
}

std::uint64_t threshold_fill_cycles(const EngineConfig& cfg) {
  return cfg.threshold ? static_cast<std::uint64_t>(cfg.threshold->stages) + 1 : 0;
}

std::uint64_t compute_cycles(const EngineConfig& cfg, int batch) {
  return fold_beats(cfg, batch) + pe_fill_cycles(cfg) + bn_fill_cycles(cfg) +
         requant_fill_cycles(cfg) + threshold_fill_cycles(cfg);
}

std::uint64_t transfer_cycles(std::uint64_t bytes, int bus_bits) {
  const auto bits = static_cast<std::uint64_t>(bus_bits);
  return 1 + (8 * bytes + bits - 1) / bits;
}

}  // namespace fxsim::engine
