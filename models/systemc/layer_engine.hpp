// SystemC models of the units of the layer engine, at transaction level: each is an sc_module in
// the hierarchy that owns its share of the latency formula (models/engine/latency.hpp) and its
// value computation (layer_stages.hpp, i.e. models/units), configured from the elaborated point. No
// process runs per clock edge: the engine annotates time in whole folds.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <systemc>
#include <vector>

#include "models/engine/backend.hpp"
#include "models/engine/elaboration.hpp"
#include "models/engine/engine_config.hpp"
#include "models/engine/latency.hpp"
#include "models/engine/layer_stages.hpp"
#include "models/engine/reference.hpp"

namespace fxsim::systemc {

// PE x SIMD array of fx_mac_pe, khot_pe or xnor_pe with its weight buffer.
class PeArrayModel : public sc_core::sc_module {
 public:
  PeArrayModel(sc_core::sc_module_name name, const engine::Elaboration& e);
  std::uint64_t fill_cycles() const { return engine::pe_fill_cycles(cfg_); }  // MAC_STAGES + 1
  std::uint64_t beats_per_fold() const { return static_cast<std::uint64_t>(cfg_.synapse_fold()); }
  // The WEIGHTS buffer's words (raws, used in place and so referenced until the run ends; or
  // term words, decoded here once per run).
  void load_weights(const std::vector<std::int64_t>& words);
  // Neuron fold `fold` of input vector x: outputs fold*PE .. min(N_out, fold*PE + PE) - 1 into
  // out[0..]; returns how many (PEs past N_out are dropped).
  int compute_fold(const std::int64_t* x, int fold, std::int64_t* out, engine::Coverage* cov);
  // RND_STOCH output rounding: the PE lanes' LFSRs back at their seeds (a run starts as a reset).
  void restart_lanes() { stage_.restart_lanes(); }

 private:
  const engine::Elaboration& e_;
  const engine::EngineConfig& cfg_;
  engine::PeArrayStage stage_;
  std::optional<engine::XnorArrayStage> xnor_;   // binary / ternary kinds
  std::vector<std::uint64_t> codes_;             // their weight codes, N_out x N_in
  std::vector<std::int64_t> weights_;            // decoded K-hot weight values, N_out x N_in
  const std::int64_t* weight_values_ = nullptr;  // raw weight values: words or weights_
};

// One bn_act per PE.
class BnActModel : public sc_core::sc_module {
 public:
  BnActModel(sc_core::sc_module_name name, const engine::Elaboration& e);
  std::uint64_t fill_cycles() const { return engine::bn_fill_cycles(cfg_); }  // BN_STAGES + 1
  void compute(const std::int64_t* mac, const std::int64_t* scale_words, const std::int64_t* bias,
               int o_begin, int o_end, std::int64_t* y, engine::Coverage* cov);
  void restart_lanes() { stage_.restart_lanes(); }  // as PeArrayModel's

 private:
  const engine::EngineConfig& cfg_;
  engine::BnStage stage_;
};

// One int_requant of PE lanes ([requant]), in bn_act's place.
class RequantModel : public sc_core::sc_module {
 public:
  RequantModel(sc_core::sc_module_name name, const engine::Elaboration& e);
  std::uint64_t fill_cycles() const { return engine::requant_fill_cycles(cfg_); }  // STAGES + 1
  // The BN_PARAMS words of a run (multiplier words, biases), decoded once; throws
  // std::invalid_argument for a channel the unit cannot take (the run then fails).
  void load_channels(const std::vector<std::int64_t>& multiplier_words,
                     const std::vector<std::int64_t>& bias);
  void compute(const std::int64_t* acc, int o_begin, int o_end, std::int64_t* y,
               engine::Coverage* cov) const;

 private:
  const engine::EngineConfig& cfg_;
  engine::RequantStage stage_;
  std::vector<units::IntRequantChannel> channels_;
};

// One threshold of PE lanes ([threshold]), in bn_act's place.
class ThresholdModel : public sc_core::sc_module {
 public:
  ThresholdModel(sc_core::sc_module_name name, const engine::Elaboration& e);
  std::uint64_t fill_cycles() const { return engine::threshold_fill_cycles(cfg_); }  // STAGES + 1
  // The BN_PARAMS words of a run (directions, N_out x T thresholds), decoded once; throws
  // std::invalid_argument for a channel the unit cannot take (the run then fails).
  void load_channels(const std::vector<std::int64_t>& directions,
                     const std::vector<std::int64_t>& thresholds);
  void compute(const std::int64_t* acc, int o_begin, int o_end, std::int64_t* y,
               engine::Coverage* cov) const;

 private:
  const engine::EngineConfig& cfg_;
  engine::ThresholdStage stage_;
  std::vector<units::ThresholdChannel> channels_;
};

// The dense-layer engine: PE array, optional BN + activation or int_requant, input and output
// buffers.
class DenseLayerEngine : public sc_core::sc_module {
 public:
  // `e` must outlive the engine (ModelBackend owns it).
  DenseLayerEngine(sc_core::sc_module_name name, const engine::Elaboration& e);
  // Cycles of a run of `batch` vectors, composed from the units (equals engine::compute_cycles()).
  std::uint64_t cycles(int batch) const;
  // Computes the job and consumes its time: one wait() for the whole run, or, with
  // per_fold, one per neuron fold (SF cycles each, batch / fold index traced) plus the fill.
  // Returns the cycles; `cov` receives this run's coverage.
  std::uint64_t run(const engine::EngineJob& job, bool per_fold, engine::Coverage* cov);

  PeArrayModel pe_array;
  std::unique_ptr<BnActModel> bn_act;         // null without [bn]
  std::unique_ptr<RequantModel> requant;      // null without [requant]
  std::unique_ptr<ThresholdModel> threshold;  // null without [threshold]

 private:
  const engine::EngineConfig& cfg_;
  sc_core::sc_time clock_;
  std::vector<std::int64_t> mac_fold_, y_fold_;  // one fold's outputs
};

}  // namespace fxsim::systemc
