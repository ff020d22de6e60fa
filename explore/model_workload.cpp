#include "explore/model_workload.hpp"

#include "fx/width_rules.hpp"
#include "testbenches/env/model_layer_point.hpp"

namespace fxsim::explore {

std::vector<engine::EngineConfig> model_layer_configs(const SweepSpec& spec, const PointParams& p) {
  const LayerSource& src = *spec.workload.source;
  engine::Hardware hw;
  hw.pe = p.pe;
  hw.mac_stages = p.mac_stages;
  hw.bn_stages = spec.bn.stages;
  hw.clock_ns = p.clock_ns;
  std::vector<engine::EngineConfig> cfgs;
  for (const golden::DenseLayer& layer : src.file.model.layers) {
    engine::EngineConfig cfg = env::layer_point(layer, hw, src.images);
    cfg.seed = spec.seed;
    const fx::FxType w = spec.axes.model_weights ? layer.weight_type : p.weight;
    if (p.kind == UnitKind::KHOT || p.kind == UnitKind::SPT) {
      cfg.kind = p.kind == UnitKind::KHOT ? engine::EngineKind::KHOT : engine::EngineKind::SPT;
      const fx::KhotKind k = p.kind == UnitKind::SPT ? fx::KhotKind::SPT
                             : w.is_signed           ? fx::KhotKind::KHOT
                                                     : fx::KhotKind::UKHOT;
      cfg.weight = fx::KhotType::make(k, w.width, w.int_bits, p.k);
    } else {
      cfg.weight = w;
    }
    if (!(p.kind == UnitKind::FX_MAC || p.kind == UnitKind::FX_MAC_LUT) ||
        !(w == layer.weight_type)) {
      // Exact: no partial sum of the new weights can overflow (the point-file default).
      const fx::FxType wf = fx::FxType::make(w.is_signed, w.width, w.int_bits);
      cfg.accumulator =
          fx::accumulator_type(cfg.activation, wf, cfg.in_features, fx::Overflow::WRAP);
    }
    if (cfg.bn && !spec.axes.model_bn) {
      if (p.bn == BnScaleKind::NONE) {
        cfg.bn.reset();
      } else if (p.bn == BnScaleKind::KHOT && !cfg.bn->khot_scale()) {
        cfg.bn->scale = spec.bn.khot_scale;
      } else if (p.bn == BnScaleKind::FIXED && cfg.bn->khot_scale()) {
        cfg.bn->scale = spec.bn.scale;
      }
    }
    cfgs.push_back(cfg);
  }
  return cfgs;
}

std::vector<FloatLayer> model_float_layers(const LayerSource& source) {
  const std::vector<golden::DenseLayer>& model = source.file.model.layers;
  // The first layer as its layer workload (the source's layer is 0): inputs pixel / 256, labels.
  std::vector<FloatLayer> layers{layer_float_layer(source)};
  for (std::size_t l = 1; l < model.size(); ++l) {
    layers.push_back(trained_float_layer(model[l], source.images));
  }
  layers.back().labels = layers.front().labels;
  if (model.size() > 1) layers.front().labels.clear();
  return layers;
}

}  // namespace fxsim::explore
