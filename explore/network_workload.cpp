#include "explore/network_workload.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "models/engine/network_folding.hpp"
#include "testbenches/env/network_from_model.hpp"
#include "testbenches/env/requantize_model.hpp"
#include "testbenches/env/run_network.hpp"

namespace fxsim::explore {

namespace {

// The global dimensions of the network grid, in grid order; the per-layer ones follow, four a
// [axes.layer.<name>] table.
enum GlobalDim {
  KIND,
  WEIGHT,
  K,
  PE,
  MAC_STAGES,
  BN,
  CLOCK,
  FAMILY,
  INPUT_SIMD,
  FIFO_DEPTH,
  TARGET,
  GLOBAL_DIMS
};
enum LayerDim { L_PE, L_WEIGHT, L_K, L_BN, LAYER_DIMS };

bool has_k(UnitKind k) { return k == UnitKind::KHOT || k == UnitKind::SPT; }

template <typename T>
std::size_t size_of(const Axis<T>& a) {
  return std::max<std::size_t>(1, a.values.size());
}

// The sizes of every dimension for the points of kind value `kind` (k collapses to one value for
// fixed-point kinds when the kind axis is given: K means nothing to them).
std::vector<std::size_t> dim_sizes(const SweepSpec& spec, std::size_t kind) {
  const Axes& a = spec.axes;
  const NetworkAxes& n = a.network;
  const bool no_k = n.kind && !has_k(a.kind.values[kind]);
  std::vector<std::size_t> s = {1,
                                a.weight.values.size(),
                                no_k ? 1 : a.k.values.size(),
                                a.pe.values.size(),
                                a.mac_stages.values.size(),
                                a.bn.values.size(),
                                a.clock_ns.values.size(),
                                a.family.values.size(),
                                size_of(n.input_simd),
                                size_of(n.fifo_depth),
                                size_of(n.target_interval)};
  for (const LayerAxes& l : n.layers) {
    s.push_back(size_of(l.pe));
    s.push_back(size_of(l.weight));
    s.push_back(no_k ? 1 : size_of(l.k));
    s.push_back(size_of(l.bn));
  }
  return s;
}

std::uint64_t product(const std::vector<std::size_t>& sizes) {
  std::uint64_t n = 1;
  for (std::size_t s : sizes) n *= s;
  return n;
}

// One value of every axis of a point; nullopt: the axis is absent (every block keeps its own).
struct LayerChoice {
  std::optional<int> pe, k;
  std::optional<fx::FxType> weight;
  std::optional<BnScaleKind> bn;
};

struct Choice {
  std::optional<UnitKind> kind;
  std::optional<fx::FxType> weight;
  std::optional<int> k, pe, mac_stages, input_simd, fifo_depth;
  std::optional<BnScaleKind> bn;
  std::optional<double> clock_ns;
  resources::Family family = resources::Family::xc7;
  std::optional<std::int64_t> target;
  std::vector<LayerChoice> layers;  // one per NetworkAxes::layers
  std::string key;
  std::map<std::string, Location> where;  // "pe", "layer.conv0.pe", ...: the value's location
};

// The shortest text that reads back as the same double ("4", "2.5").
std::string format_number(double v) { return fmt::format("{}", v); }

// The value of axis `ax` at `index` into `c`, when `given`, with its key text and location.
template <typename T, typename Text>
std::optional<T> pick(const Axis<T>& ax, std::size_t index, bool given, const std::string& name,
                      Text text, Choice* c) {
  if (!given || ax.values.empty()) return std::nullopt;
  c->key += (c->key.empty() ? "" : " ") + name + "=" + text(ax.values[index]);
  c->where[name] = index < ax.where.size() ? ax.where[index] : ax.key;
  return ax.values[index];
}

std::string int_text(int v) { return std::to_string(v); }
std::string type_text(const fx::FxType& t) { return t.str(); }
std::string bn_text(BnScaleKind b) { return to_string(b); }

Choice choice_at(const SweepSpec& spec, std::uint64_t position) {
  const Axes& a = spec.axes;
  const NetworkAxes& n = a.network;
  std::size_t kind = 0;
  std::vector<std::size_t> sizes;
  for (;; ++kind) {
    sizes = dim_sizes(spec, kind);
    const std::uint64_t count = product(sizes);
    if (position < count) break;
    position -= count;
  }
  std::vector<std::size_t> idx(sizes.size());
  for (std::size_t d = sizes.size(); d-- > 0;) {
    idx[d] = static_cast<std::size_t>(position % sizes[d]);
    position /= sizes[d];
  }
  Choice c;
  c.kind = pick(
      a.kind, kind, n.kind, "kind", [](UnitKind k) { return to_string(k); }, &c);
  c.weight = pick(a.weight, idx[WEIGHT], n.weight, "weight", type_text, &c);
  const bool k_applies = !(n.kind && !has_k(*c.kind));
  c.k = pick(a.k, idx[K], n.k && k_applies, "k", int_text, &c);
  c.pe = pick(a.pe, idx[PE], n.pe, "pe", int_text, &c);
  c.mac_stages = pick(a.mac_stages, idx[MAC_STAGES], n.mac_stages, "mac_stages", int_text, &c);
  c.bn = pick(a.bn, idx[BN], n.bn, "bn", bn_text, &c);
  c.clock_ns = pick(a.clock_ns, idx[CLOCK], n.clock_ns, "clock_ns", format_number, &c);
  c.family = a.family.values[idx[FAMILY]];
  c.key += (c.key.empty() ? "" : " ") + std::string("family=") +
           std::string(resources::family_name(c.family));
  c.input_simd = pick(n.input_simd, idx[INPUT_SIMD], true, "input_simd", int_text, &c);
  c.fifo_depth = pick(n.fifo_depth, idx[FIFO_DEPTH], true, "fifo_depth", int_text, &c);
  c.target = pick(
      n.target_interval, idx[TARGET], true, "target_interval",
      [](std::int64_t v) { return std::to_string(v); }, &c);
  for (std::size_t l = 0; l < n.layers.size(); ++l) {
    const LayerAxes& la = n.layers[l];
    const std::size_t* i = &idx[GLOBAL_DIMS + l * LAYER_DIMS];
    const std::string p = "layer." + la.layer + ".";
    LayerChoice lc;
    lc.pe = pick(la.pe, i[L_PE], true, p + "pe", int_text, &c);
    lc.weight = pick(la.weight, i[L_WEIGHT], true, p + "weight", type_text, &c);
    lc.k = pick(la.k, i[L_K], k_applies, p + "k", int_text, &c);
    lc.bn = pick(la.bn, i[L_BN], true, p + "bn", bn_text, &c);
    c.layers.push_back(lc);
  }
  return c;
}

// Why a point cannot run: the axis ("pe", "layer.conv0.k", "target_interval", ...) and what.
struct Problem {
  std::string axis;
  std::string what;
};

fx::FxType fx_part(const fx::NumType& t) {
  if (const auto* f = std::get_if<fx::FxType>(&t)) return *f;
  const auto& k = std::get<fx::KhotType>(t);
  return fx::FxType::make(k.is_signed(), k.width, k.int_bits);
}

engine::EngineKind engine_kind(UnitKind k) {
  return k == UnitKind::KHOT  ? engine::EngineKind::KHOT
         : k == UnitKind::SPT ? engine::EngineKind::SPT
                              : engine::EngineKind::FX_MAC;
}

// Block `layer`'s weight at the point: engine kind, fixed<W,I> and K from the per-layer axes,
// else the global ones, else its own; nullopt and `problem` set when it cannot exist.
std::optional<Problem> apply_weight(const Choice& c, const LayerChoice* lc, const std::string& name,
                                    engine::NetworkLayer* layer) {
  const engine::EngineKind own_kind = layer->engine;
  const fx::NumType own_weight = layer->weight;
  const engine::EngineKind kind = c.kind ? engine_kind(*c.kind) : own_kind;
  fx::FxType w = fx_part(own_weight);
  if (c.weight) w = *c.weight;
  if (lc && lc->weight) w = *lc->weight;
  const std::string k_axis = lc && lc->k ? "layer." + name + ".k" : "k";
  if (kind == engine::EngineKind::FX_MAC) {
    if (lc && lc->k) {
      return Problem{k_axis, "block " + name +
                                 " has fixed-point weights (kind fx_mac): K applies to khot / "
                                 "spt blocks only"};
    }
    layer->weight = w;
  } else {
    int k = 1;
    if (const auto* own = std::get_if<fx::KhotType>(&own_weight)) k = own->k;
    if (c.k) k = *c.k;
    if (lc && lc->k) k = *lc->k;
    const std::string w_axis = lc && lc->weight ? "layer." + name + ".weight" : "weight";
    if (kind == engine::EngineKind::SPT && !w.is_signed) {
      return Problem{w_axis, "spt weights are signed; expected a fixed<W,I> weight"};
    }
    const fx::KhotKind kk = kind == engine::EngineKind::SPT ? fx::KhotKind::SPT
                            : w.is_signed                   ? fx::KhotKind::KHOT
                                                            : fx::KhotKind::UKHOT;
    const int magnitude = kk == fx::KhotKind::UKHOT ? w.width : w.width - 1;
    if (k > magnitude) {
      return Problem{k_axis,
                     fmt::format("block {}: K = {} is larger than the {} magnitude bit{} of "
                                 "weight {}",
                                 name, k, magnitude, magnitude == 1 ? "" : "s", w.str())};
    }
    layer->weight = fx::KhotType::make(kk, w.width, w.int_bits, k);
  }
  layer->engine = kind;
  if (kind != own_kind || fx::type_str(layer->weight) != fx::type_str(own_weight)) {
    layer->accumulator.reset();  // exact for the new weights (the description's default)
  }
  return std::nullopt;
}

// Block bn_act at the point (as model workloads): "none" drops it, "fixed" / "khot" keep a scale
// of that kind and give the others [bn] scale / khot_scale; a block without batch norm stays so.
void apply_bn(const SweepSpec& spec, BnScaleKind bn, engine::NetworkLayer* layer) {
  if (!layer->bn) return;
  if (bn == BnScaleKind::NONE) {
    layer->bn.reset();
  } else if (bn == BnScaleKind::KHOT && !layer->bn->khot_scale()) {
    layer->bn->scale = spec.bn.khot_scale;
  } else if (bn == BnScaleKind::FIXED && layer->bn->khot_scale()) {
    layer->bn->scale = spec.bn.scale;
  }
}

// The description at the point (before any target folding).
std::optional<Problem> apply_choice(const SweepSpec& spec, const Choice& c,
                                    engine::NetworkConfig* cfg) {
  const NetworkAxes& n = spec.axes.network;
  if (c.clock_ns) cfg->clock_ns = *c.clock_ns;
  if (c.input_simd) cfg->input.simd = *c.input_simd;
  for (std::size_t i = 0; i < cfg->layers.size(); ++i) {
    engine::NetworkLayer& layer = cfg->layers[i];
    if (c.fifo_depth) layer.fifo_depth = *c.fifo_depth;
    layer.simd = 0;  // the incoming lanes, whatever the PE before it
    if (!layer.has_mvau()) continue;
    const LayerChoice* lc = nullptr;
    for (std::size_t l = 0; l < n.layers.size(); ++l) {
      if (n.layers[l].block == static_cast<int>(i)) lc = &c.layers[l];
    }
    if (auto p = apply_weight(c, lc, layer.name, &layer)) return p;
    if (c.pe) layer.pe = *c.pe;
    if (lc && lc->pe) layer.pe = *lc->pe;
    if (c.mac_stages) layer.mac_stages = *c.mac_stages;
    if (c.bn) apply_bn(spec, *c.bn, &layer);
    if (lc && lc->bn) apply_bn(spec, *lc->bn, &layer);
  }
  return std::nullopt;
}

// The axis a planning message is about: `layer[i].pe` of a block with its own pe axis, the
// global pe axis, input.simd, the formats; "axes" when no axis of the point explains it.
std::string axis_of(const SweepSpec& spec, const Choice& c, const std::string& msg) {
  const engine::NetworkConfig& cfg = spec.workload.network_source->config;
  for (std::size_t i = 0; i < cfg.layers.size(); ++i) {
    const std::string prefix = "layer[" + std::to_string(i) + "].";
    const std::size_t at = msg.find(prefix);
    if (at == std::string::npos) continue;
    const std::string key = msg.substr(at + prefix.size(), msg.find(':', at) - at - prefix.size());
    const std::string base = key == "simd" ? "pe" : key.rfind("bn", 0) == 0 ? "bn" : key;
    const std::string own = "layer." + cfg.layers[i].name + "." + base;
    if (c.where.count(own)) return own;
    if (c.where.count(base)) return base;
    if (base == "pe" && c.where.count("input_simd")) return "input_simd";
  }
  if (msg.find("input.simd") != std::string::npos && c.where.count("input_simd")) {
    return "input_simd";
  }
  if (c.target) return "target_interval";
  for (const char* a : {"pe", "input_simd", "weight", "k", "kind", "bn", "fifo_depth"}) {
    if (c.where.count(a)) return a;
  }
  return "axes";
}

// The message without the description's "SOURCE:LINE: " (the point's axes made the problem).
std::string strip_source(const std::string& msg, const std::string& source) {
  if (msg.rfind(source + ":", 0) != 0) return msg;
  const std::size_t sep = msg.find(": ", source.size());
  return sep == std::string::npos ? msg : msg.substr(sep + 2);
}

struct Built {
  std::optional<Problem> problem;
  std::shared_ptr<NetworkPoint> point;
};

// A trained network's point against its model: the model as trained when the point keeps its
// formats, else requantized into the point's (kept in the point for its run).
void check_model(const golden::ModelFile& trained, NetworkPoint* p) {
  std::optional<golden::QuantNetwork> rq = env::requantize_model(trained.model, p->plan);
  if (!rq) {
    env::check_against_model(p->plan, trained);
    return;
  }
  golden::ModelFile f;
  f.model = std::move(*rq);
  env::check_against_model(p->plan, f);
  p->requantized = std::make_shared<const golden::QuantNetwork>(std::move(f.model));
}

Built build(const SweepSpec& spec, const Choice& c) {
  const NetworkSource& src = *spec.workload.network_source;
  engine::NetworkConfig cfg = src.config;
  cfg.images = src.images;
  Built b;
  if ((b.problem = apply_choice(spec, c, &cfg))) return b;
  const bool use_dsp = !(c.kind && *c.kind == UnitKind::FX_MAC_LUT);
  try {
    if (c.target) {
      engine::FoldingGoal goal;
      goal.target_interval = *c.target;
      goal.family = c.family;
      goal.use_dsp = use_dsp;
      const engine::FoldingResult r = engine::fold_network(cfg, goal, src.path);
      if (!r.feasible) {
        b.problem = Problem{"target_interval", r.message};
        return b;
      }
      cfg = r.folding.config;
    }
    auto p = std::make_shared<NetworkPoint>();
    p->plan = engine::plan_network(cfg, src.path);
    if (src.model) check_model(*src.model, p.get());
    p->use_dsp = use_dsp;
    p->family = c.family;
    p->target_interval = c.target;
    p->cost = engine::network_cost(p->plan, c.family, use_dsp);
    b.point = std::move(p);
  } catch (const engine::NetworkFileError& e) {
    b.problem = Problem{axis_of(spec, c, e.what()), strip_source(e.what(), src.path)};
  } catch (const golden::ModelError& e) {  // requantized weights the golden model cannot hold
    b.problem = Problem{axis_of(spec, c, e.what()), e.what()};
  }
  return b;
}

// The point's parameters for the columns every row shares (describe_parameters).
PointParams params_of(const SweepSpec& spec, const Choice& c) {
  PointParams p;
  p.kind = c.kind.value_or(UnitKind::FX_MAC);
  p.weight = c.weight.value_or(spec.axes.weight.values.front());
  p.k = c.k.value_or(0);
  p.pe = c.pe.value_or(0);
  p.bn = c.bn.value_or(BnScaleKind::NONE);
  p.clock_ns = c.clock_ns.value_or(spec.workload.network_source->config.clock_ns);
  p.family = c.family;
  return p;
}

}  // namespace

std::uint64_t network_grid_size(const SweepSpec& spec) {
  std::uint64_t n = 0;
  for (std::size_t k = 0; k < spec.axes.kind.values.size(); ++k) n += product(dim_sizes(spec, k));
  return n;
}

DesignPoint build_network_point(const SweepSpec& spec, std::uint64_t position) {
  const Choice c = choice_at(spec, position);
  DesignPoint pt;
  pt.params = params_of(spec, c);
  pt.key = c.key;
  const Built b = build(spec, c);
  if (b.problem) {
    pt.invalid = "axes." + b.problem->axis + ": " + b.problem->what;
    const auto at = c.where.find(b.problem->axis);
    pt.invalid_at = spec.where(at != c.where.end() ? at->second : spec.axes_table) + pt.invalid +
                    " (point " + pt.key + ")";
    return pt;
  }
  pt.network = b.point;
  return pt;
}

std::string folding_string(const engine::NetworkPlan& plan) {
  std::string s;
  for (const engine::BlockPlan& b : plan.blocks) {
    s += s.empty() ? "" : ",";
    s += b.layer.name;
    if (b.mvau) s += fmt::format(":pe{}simd{}", b.mvau->pe, b.mvau->simd);
  }
  return s;
}

void describe_network_point(const SweepSpec& spec, const DesignPoint& point,
                            traces::ResultRow* row) {
  const NetworkSource& src = *spec.workload.network_source;
  const engine::NetworkConfig& cfg = src.config;
  row->set("in_features", std::int64_t{cfg.input.height} * cfg.input.width * cfg.input.channels);
  row->set("batch", std::int64_t{src.images});
  row->set("seed", static_cast<std::int64_t>(cfg.seed));
  row->set("clock_ns", point.params.clock_ns);
  row->set("activation_bits", std::int64_t{cfg.input.format.width});
  row->set("activation_type", cfg.input.format.str());
  if (!point.network) return;
  const NetworkPoint& n = *point.network;
  if (n.target_interval) row->set("target_interval", *n.target_interval);
  row->set("folding", folding_string(n.plan));
  row->set("out_features", n.plan.output().elements());
  row->set("clock_ns", n.plan.config.clock_ns);
  row->set("simd", std::int64_t{n.plan.input().lanes});
  // The engine columns: the first MVAU block's.
  for (const engine::BlockPlan& b : n.plan.blocks) {
    if (!b.mvau) continue;
    const engine::EngineConfig& e = *b.mvau;
    const bool lut = !n.use_dsp;
    row->set("kind",
             std::string(lut                                    ? "fx_mac_lut"
                         : e.kind == engine::EngineKind::FX_MAC ? "fx_mac"
                                                                : engine::to_string(e.kind)));
    row->set("weight_type", fx::type_str(e.weight));
    const auto* kh = std::get_if<fx::KhotType>(&e.weight);
    row->set("k", std::int64_t{kh ? kh->k : 0});
    row->set("weight_bits", std::int64_t{fx_part(e.weight).width});
    row->set("accumulator_type", e.accumulator.str());
    row->set("output_type", e.output.str());
    row->set("rounding", std::string(fx::to_string(e.output.rounding)));
    row->set("overflow", std::string(fx::to_string(e.output.overflow)));
    row->set("pe", std::int64_t{e.pe});
    row->set("mac_stages", std::int64_t{e.mac_stages});
    row->set("bn_scale_kind", std::string(!e.bn ? "none" : e.bn->khot_scale() ? "khot" : "fixed"));
    if (e.bn) {
      row->set("bn_scale_type", fx::type_str(e.bn->scale));
      row->set("bn_bias_type", e.bn->bias.str());
      row->set("bn_output_type", e.bn->output.str());
      row->set("bn_activation", std::string(engine::to_string(e.bn->activation)));
    }
    break;
  }
}

void evaluate_network_point(const SweepSpec& spec, const DesignPoint& point,
                            traces::ResultRow* row) {
  const NetworkPoint& n = *point.network;
  const NetworkSource& src = *spec.workload.network_source;
  env::NetworkRunOptions options;
  options.images = src.images;
  options.family = n.family;
  golden::ModelFile requantized;
  if (n.requantized) {
    requantized.model = *n.requantized;
    if (src.model->golden) {
      requantized.golden =
          env::requantized_golden(requantized.model, n.plan, *src.model->golden, src.images);
    }
    options.model = &requantized;
  }
  const env::NetworkSummary s = env::run_network(n.plan, options);
  const env::NetworkBackendRun& run = s.runs.at(0);
  const network::NetworkRunResult& r = run.result;
  const double clock = n.plan.config.clock_ns;
  const auto i64 = [](std::uint64_t v) { return static_cast<std::int64_t>(v); };
  row->set("cycles", i64(r.cycles));
  row->set("interval_cycles", i64(r.interval()));
  row->set("latency_cycles", i64(r.latency()));
  row->set("latency_ns", static_cast<double>(r.latency()) * clock);
  row->set("images_per_s", r.interval() ? 1e9 / (static_cast<double>(r.interval()) * clock) : 0.0);
  row->set("model_mismatches", i64(run.mismatches));
  row->set("bottleneck", r.bottleneck);
  if (run.golden) {
    row->set("golden_mismatches", i64(run.golden->mismatches));
    row->set("classification_accuracy", run.golden->accuracy());
  }
}

}  // namespace fxsim::explore
