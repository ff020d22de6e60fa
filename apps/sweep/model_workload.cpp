#include "apps/sweep/model_workload.hpp"

#include "apps/verify/model_layer_point.hpp"
#include "fx/width_rules.hpp"

namespace fxsim::sweep {

std::vector<engine::EngineConfig> model_layer_configs(const SweepSpec& spec, const PointParams& p) {
  const LayerSource& src = *spec.workload.source;
  verify::HardwareOptions hw;
  hw.pe = p.pe;
  hw.mac_stages = p.mac_stages;
  hw.bn_stages = spec.bn.stages;
  hw.clock_ns = p.clock_ns;
  std::vector<engine::EngineConfig> cfgs;
  for (const golden::DenseLayer& layer : src.file.model.layers) {
    engine::EngineConfig cfg = verify::layer_point(layer, hw, src.images);
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
  std::vector<FloatLayer> layers;
  for (std::size_t l = 0; l < model.size(); ++l) {
    FloatLayer f;
    if (l == 0) {
      f = layer_float_layer(source);  // the source's layer is the first: inputs pixel / 256
    } else {
      // The parameters of the layer alone (its inputs are the previous layer's outputs).
      LayerSource params;
      params.file.model.layers = {model[l]};
      params.file.golden = source.file.golden;
      params.images = 0;
      f = layer_float_layer(params);
      f.batch = source.images;
    }
    f.labels.clear();
    if (l + 1 == model.size()) {
      const std::vector<std::int64_t>& labels = source.file.golden->labels;
      f.labels.assign(labels.begin(), labels.begin() + source.images);
    }
    layers.push_back(std::move(f));
  }
  return layers;
}

}  // namespace fxsim::sweep
