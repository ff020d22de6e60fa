#include "models/systemc/layer_engine.hpp"

#include <algorithm>

#include "models/engine/elaboration.hpp"
#include "models/engine/latency.hpp"
#include "models/engine/reference.hpp"

namespace fxsim::systemc {

// ---- PeArrayModel -------------------------------------------------------------------------------
PeArrayModel::PeArrayModel(sc_core::sc_module_name name, const engine::Elaboration& e)
    : sc_core::sc_module(name),
      e_(e),
      cfg_(e.point),
      stage_(e.accumulator(), engine::weight_max_abs(e), engine::mac_lane_seeds(e.point)) {
  if (e.point.is_bipolar()) xnor_.emplace(e.xnor_pe());
}

void PeArrayModel::load_weights(const std::vector<std::int64_t>& words) {
  const std::size_t n = static_cast<std::size_t>(cfg_.out_features) * cfg_.in_features;
  if (xnor_) {
    codes_.assign(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(n));
  } else if (cfg_.kind == engine::EngineKind::FX_MAC) {
    // Raw weights are used in place: no copy of the whole matrix on every run.
    weight_values_ = words.data();
  } else {
    weights_.resize(n);
    weight_values_ = weights_.data();
    const units::KhotPeConfig& k = e_.khot_pe();
    engine::decode_term_words(words.data(), n, k.k, k.sh_w, weights_.data());
  }
}

int PeArrayModel::compute_fold(const std::int64_t* x, int fold, std::int64_t* out,
                               engine::Coverage* cov) {
  const int begin = fold * cfg_.pe;
  const int end = std::min(cfg_.out_features, begin + cfg_.pe);
  if (xnor_) {
    xnor_->run(codes_.data(), x, cfg_.in_features, begin, end, out, cov);
  } else {
    stage_.run(weight_values_, x, cfg_.in_features, begin, end, out, cov);
  }
  return end - begin;
}

// ---- BnActModel ---------------------------------------------------------------------------------
BnActModel::BnActModel(sc_core::sc_module_name name, const engine::Elaboration& e)
    : sc_core::sc_module(name),
      cfg_(e.point),
      stage_(*e.bn_config, engine::bn_lane_seeds(e.point)) {}

void BnActModel::compute(const std::int64_t* mac, const std::int64_t* scale_words,
                         const std::int64_t* bias, int o_begin, int o_end, std::int64_t* y,
                         engine::Coverage* cov) {
  stage_.run(mac, scale_words, bias, o_begin, o_end, y, cov);
}

// ---- RequantModel -------------------------------------------------------------------------------
RequantModel::RequantModel(sc_core::sc_module_name name, const engine::Elaboration& e)
    : sc_core::sc_module(name), cfg_(e.point), stage_(*e.requant_config) {}

void RequantModel::load_channels(const std::vector<std::int64_t>& multiplier_words,
                                 const std::vector<std::int64_t>& bias) {
  channels_ = stage_.channels(multiplier_words.data(), bias.data(), cfg_.out_features);
}

void RequantModel::compute(const std::int64_t* acc, int o_begin, int o_end, std::int64_t* y,
                           engine::Coverage* cov) const {
  stage_.run(acc, channels_.data(), o_begin, o_end, y, cov);
}

// ---- ThresholdModel -----------------------------------------------------------------------------
ThresholdModel::ThresholdModel(sc_core::sc_module_name name, const engine::Elaboration& e)
    : sc_core::sc_module(name), cfg_(e.point), stage_(*e.threshold_config) {}

void ThresholdModel::load_channels(const std::vector<std::int64_t>& directions,
                                   const std::vector<std::int64_t>& thresholds) {
  channels_ = stage_.channels(directions.data(), thresholds.data(), cfg_.out_features);
}

void ThresholdModel::compute(const std::int64_t* acc, int o_begin, int o_end, std::int64_t* y,
                             engine::Coverage* cov) const {
  stage_.run(acc, channels_.data(), o_begin, o_end, y, cov);
}

// ---- DenseLayerEngine ---------------------------------------------------------------------------
DenseLayerEngine::DenseLayerEngine(sc_core::sc_module_name name, const engine::Elaboration& e)
    : sc_core::sc_module(name),
      pe_array("pe_array", e),
      cfg_(e.point),
      clock_(e.point.clock_ns, sc_core::SC_NS) {
  const engine::EngineConfig& cfg = e.point;
  if (cfg.bn) bn_act = std::make_unique<BnActModel>("bn_act", e);
  if (cfg.requant) requant = std::make_unique<RequantModel>("int_requant", e);
  if (cfg.threshold) threshold = std::make_unique<ThresholdModel>("threshold", e);
  mac_fold_.resize(static_cast<std::size_t>(cfg.pe));
  y_fold_.resize(static_cast<std::size_t>(cfg.pe));
}

std::uint64_t DenseLayerEngine::cycles(int batch) const {
  const std::uint64_t beats = static_cast<std::uint64_t>(batch) *
                              static_cast<std::uint64_t>(cfg_.neuron_fold()) *
                              pe_array.beats_per_fold();
  return beats + pe_array.fill_cycles() + (bn_act ? bn_act->fill_cycles() : 0) +
         (requant ? requant->fill_cycles() : 0) + (threshold ? threshold->fill_cycles() : 0);
}

std::uint64_t DenseLayerEngine::run(const engine::EngineJob& job, bool per_fold,
                                    engine::Coverage* cov) {
  *cov = engine::empty_coverage(cfg_);
  pe_array.load_weights(*job.weights);
  pe_array.restart_lanes();  // RND_STOCH: every run starts its lanes at their seeds, as a reset
  if (bn_act) bn_act->restart_lanes();
  if (requant) requant->load_channels(*job.bn_scale, *job.bn_bias);
  if (threshold) threshold->load_channels(*job.bn_scale, *job.bn_bias);
  const int n_in = cfg_.in_features;
  const int n_out = cfg_.out_features;
  const sc_core::sc_time fold_time = clock_ * static_cast<double>(pe_array.beats_per_fold());
  const bool report_folds = per_fold && job.on_fold;
  for (int b = 0; b < job.batch; ++b) {
    const std::int64_t* x = job.input->data() + static_cast<std::size_t>(b) * n_in;
    std::int64_t* y = job.output->data() + static_cast<std::size_t>(b) * n_out;
    for (int f = 0; f < cfg_.neuron_fold(); ++f) {
      if (report_folds) job.on_fold(static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(f));
      const int begin = f * cfg_.pe;
      const int n = pe_array.compute_fold(x, f, mac_fold_.data(), cov);
      if (bn_act) {
        bn_act->compute(mac_fold_.data(), job.bn_scale->data(), job.bn_bias->data(), begin,
                        begin + n, y + begin, cov);
      } else if (requant) {
        requant->compute(mac_fold_.data(), begin, begin + n, y + begin, cov);
      } else if (threshold) {
        threshold->compute(mac_fold_.data(), begin, begin + n, y + begin, cov);
      } else {
        std::copy_n(mac_fold_.begin(), n, y + begin);
      }
      if (per_fold) sc_core::wait(fold_time);
    }
  }
  const std::uint64_t total = cycles(job.batch);
  const std::uint64_t waited = per_fold ? engine::fold_beats(cfg_, job.batch) : 0;
  sc_core::wait(clock_ * static_cast<double>(total - waited));
  return total;
}

}  // namespace fxsim::systemc
