// The shapes along the chain and the units of each block (network_plan.hpp). Every rule a unit
// owns stays with it: a block's units are resolved through units::resolve_params (the streaming
// units) and the dense design point's validate() (the PE array and bn_act), and their messages
// are reported at the [[layer]] key they are about.
#include "models/engine/network_plan.hpp"

#include <stdexcept>
#include <string>

#include "fx/width_rules.hpp"
#include "models/engine/elaboration.hpp"
#include "models/units/mvau/mvau.hpp"
#include "models/units/unit_registry.hpp"

namespace fxsim::engine {
namespace {

class Errors {
 public:
  explicit Errors(std::string source) : source_(std::move(source)) {}
  [[noreturn]] void fail(int line, const std::string& key, const std::string& what) const {
    throw NetworkFileError(source_ + (line > 0 ? ":" + std::to_string(line) : "") + ": " + key +
                           ": " + what);
  }

 private:
  std::string source_;
};

std::string layer_key(int i, const std::string& key) {
  return "layer[" + std::to_string(i) + "]" + (key.empty() ? "" : "." + key);
}

// Where the stream a block reads comes from, for messages about its format or lanes.
std::string source_of(int i, const NetworkConfig& cfg) {
  if (i == 0) return "the input (input.format, input.simd)";
  const NetworkLayer& p = cfg.layers[static_cast<std::size_t>(i - 1)];
  return "layer " + std::to_string(i - 1) + " (" + p.name + ")";
}

// A streaming unit's parameters, resolved by the unit; its message reported at `key_of(param)`.
template <typename KeyOf>
units::ParamMap resolve(const units::UnitSpec& spec, const units::ParamMap& p, const Errors& err,
                        int line, KeyOf key_of) {
  try {
    return units::resolve_params(spec, p);
  } catch (const units::UnitParamError& e) {
    const std::string msg = e.what();
    std::string param;
    // "unit: parameter NAME = ..." (a range) or "unit: NAME = ..." (a rule of the unit).
    auto at = msg.find("parameter ");
    at = at != std::string::npos ? at + 10 : msg.find(": ");
    if (at != std::string::npos && msg.compare(at, 2, ": ") == 0) at += 2;
    if (at != std::string::npos) param = msg.substr(at, msg.find(' ', at) - at);
    err.fail(line, key_of(param), msg);
  }
}

// The dense point's own checks (validate(): ranges, weight vs engine, accumulator, PE, bn_act),
// with their key renamed to the layer's.
void check_mvau_point(const EngineConfig& point, int i, const NetworkLayer& l,
                      const NetworkConfig& cfg, const Errors& err) {
  try {
    validate(point, "point");
  } catch (const PointFileError& e) {
    std::string msg = e.what();
    msg = msg.substr(std::string("point: ").size());
    const auto colon = msg.find(": ");
    const std::string key = msg.substr(0, colon);
    const std::string what = msg.substr(colon + 2);
    std::string to;
    if (key.rfind("engine.", 0) == 0) {
      to = key == "engine.bus_bits" ? "dma.bus_bits"
           : key == "engine.kind"   ? layer_key(i, "engine")
                                    : layer_key(i, key.substr(7));
    } else if (key == "types.activation") {
      err.fail(l.line, layer_key(i, ""),
               "its input format from " + source_of(i, cfg) + ": " + what);
    } else if (key.rfind("types.", 0) == 0) {
      to = layer_key(i, key.substr(6));
    } else if (key.rfind("bn.", 0) == 0 || key.rfind("threshold", 0) == 0) {
      to = layer_key(i, key);
    } else {
      to = layer_key(i, l.kind == LayerKind::CONV ? "channels" : "outputs");
    }
    err.fail(l.line, to, what);
  }
}

EngineConfig mvau_point(const NetworkLayer& l, const MapShape& in, int in_features, int outputs,
                        const NetworkConfig& cfg) {
  EngineConfig p;
  p.seed = cfg.seed;
  p.kind = l.engine;
  p.pe = l.pe;
  p.simd = in.lanes;
  p.mac_stages = l.mac_stages;
  p.clock_ns = cfg.clock_ns;
  p.bus_bits = cfg.dma.bus_bits;
  p.in_features = in_features;
  p.out_features = outputs;
  p.batch = 1;
  p.activation = in.format;
  p.weight = l.weight;
  p.output = l.output;
  p.bn = l.bn;
  p.threshold = l.threshold;
  if (p.is_bipolar()) {
    p.bipolar = l.bipolar;
    if (p.kind == EngineKind::XNOR) {  // binary activations: the stream's 0 / 1 raws
      p.activation = fx::FxType::make_unsigned(1, 1);
      p.binary_activation = true;
    }
    if (l.accumulator) {
      p.accumulator = *l.accumulator;
    } else if (p.bipolar->scale_is_power_of_two()) {  // else validate() refuses the scale
      if (const auto def = bipolar_default_accumulator(p)) p.accumulator = *def;
    }
    if (!l.output_given) p.output = p.accumulator;  // the MAC output is the accumulator
  } else if (l.accumulator) {
    p.accumulator = *l.accumulator;
  } else {
    // The point file's default: exact for in_features products, WRAP. A K-hot weight grows the
    // sum as the fixed<W,I> of the same W, I and signedness.
    const fx::FxType w = std::holds_alternative<fx::FxType>(l.weight)
                             ? std::get<fx::FxType>(l.weight)
                             : fx::FxType::make(std::get<fx::KhotType>(l.weight).is_signed(),
                                                std::get<fx::KhotType>(l.weight).width,
                                                std::get<fx::KhotType>(l.weight).int_bits);
    try {
      p.accumulator = fx::accumulator_type(in.format, w, in_features, fx::Overflow::WRAP);
    } catch (const fx::FxTypeError&) {
      // validate() reports the accumulator the point would need.
    }
  }
  return p;
}

// The mvau parameters of a dense point: its PE unit's and bn_act's (X_* are the mvau's own
// OUT_*), the matrix size, the kind and the memory style.
units::ParamMap mvau_unit_params(const EngineConfig& point, const NetworkLayer& l) {
  units::ParamMap p = pe_instance(point).params;
  if (point.is_bipolar()) {
    // xnor_pe: its MODE as XNOR_MODE, its accumulator as the mvau's output (OUT_FRAC labels its
    // LSB for bn_act's X_FRAC).
    p["XNOR_MODE"] = p.at("MODE");
    p.erase("MODE");
    p["OUT_W"] = point.accumulator.width;
    p["OUT_FRAC"] = point.accumulator.frac_bits();
    p["OUT_SIGNED"] = 1;
    p["A_FRAC"] = point.activation.frac_bits();
  }
  p["MW"] = point.in_features;
  p["MH"] = point.out_features;
  p["PE"] = point.pe;
  p["PE_KIND"] = point.kind == EngineKind::FX_MAC ? 0 : point.is_bipolar() ? 2 : 1;
  p["MEM_STYLE"] = static_cast<int>(l.weight_memory);
  p["BN"] = point.bn ? 1 : point.threshold ? 2 : 0;
  if (point.threshold) {
    p["TH_T"] = point.threshold->thresholds;
    p["TH_STAGES"] = point.threshold->stages;
  }
  if (point.bn) {
    for (const auto& [name, value] : bn_instance(point).params) {
      if (name.rfind("X_", 0) != 0) p["BN_" + name] = value;
    }
  }
  return p;
}

void plan_mvau(BlockPlan* b, int in_features, int outputs, const NetworkConfig& cfg,
               const Errors& err) {
  const NetworkLayer& l = b->layer;
  const int i = b->index;
  if (l.simd != 0 && l.simd != b->in.lanes) {
    err.fail(l.line, layer_key(i, "simd"),
             std::to_string(l.simd) + " is not the " + std::to_string(b->in.lanes) +
                 " channels a beat that " + source_of(i, cfg) +
                 " streams; expected simd = " + std::to_string(b->in.lanes) +
                 " or no simd key (fxsim has no stream width converter yet)");
  }
  if (outputs % l.pe != 0) {
    err.fail(l.line, layer_key(i, "pe"),
             std::to_string(l.pe) + " does not divide the " + std::to_string(outputs) +
                 (l.kind == LayerKind::CONV ? " output channels" : " outputs") +
                 "; expected a divisor (the MVAU's output beat carries PE channels)");
  }
  if (l.engine == EngineKind::XNOR) {
    const fx::FxType& f = b->in.format;
    if (f.width != 1 || f.is_signed) {
      err.fail(l.line, layer_key(i, "engine"),
               "\"xnor\" takes binary activations, a 1-bit unsigned stream (1 = +1, 0 = -1), but " +
                   source_of(i, cfg) + " streams " + f.str() +
                   "; expected a [layer.threshold] with thresholds = 1 before it, or engine "
                   "\"binary\"");
    }
    if (b->in.c != b->in.padded_channels()) {
      err.fail(l.line, layer_key(i, "engine"),
               "\"xnor\" counts every lane, but " + source_of(i, cfg) + " streams " +
                   std::to_string(b->in.c) + " channels in beats of " +
                   std::to_string(b->in.lanes) +
                   " (a zero lane would count as -1); expected channels a multiple of the lanes");
    }
  }
  b->mvau = mvau_point(l, b->in, in_features, outputs, cfg);
  b->mvau->lane_layer = static_cast<std::uint64_t>(i);  // RND_STOCH lanes of layer i
  check_mvau_point(*b->mvau, i, l, cfg, err);
  // The unit's own rules beyond the point's (e.g. its memory sizes), at the layer's line.
  b->mvau_params = resolve(units::mvau_spec(), mvau_unit_params(*b->mvau, l), err, l.line,
                           [&](const std::string&) { return layer_key(i, ""); });
  b->out.lanes = l.pe;
  b->out.format = b->mvau->final_output();
}

}  // namespace

units::ParamMap fifo_params(const units::StreamFifoConfig& c) {
  return {{"WIDTH", c.width}, {"DEPTH", c.depth}, {"STYLE", static_cast<int>(c.style)}};
}

units::ParamMap window_params(const units::SlidingWindowConfig& c) {
  return {{"IN_W", c.in_w}, {"IN_SIGNED", c.in_signed ? 1 : 0},
          {"SIMD", c.simd}, {"C", c.c},
          {"H", c.h},       {"W", c.w},
          {"K", c.k},       {"STRIDE", c.stride},
          {"PAD", c.pad}};
}

units::ParamMap pool_params(const units::MaxPoolConfig& c) {
  return {{"POOL", c.pool}, {"SIMD", c.simd}, {"IN_W", c.in_w}, {"IN_SIGNED", c.in_signed ? 1 : 0},
          {"C", c.c},       {"H", c.h},       {"W", c.w}};
}

NetworkPlan plan_network(const NetworkConfig& cfg, const std::string& source_name) {
  const Errors err(source_name);
  NetworkPlan plan;
  plan.config = cfg;
  if (cfg.layers.empty()) err.fail(0, "layer", "missing; expected one or more [[layer]] tables");
  MapShape stream{cfg.input.height, cfg.input.width, cfg.input.channels, cfg.input.simd,
                  cfg.input.format};
  for (std::size_t k = 0; k < cfg.layers.size(); ++k) {
    BlockPlan b;
    b.index = static_cast<int>(k);
    b.layer = cfg.layers[k];
    b.in = stream;
    b.out = stream;
    const NetworkLayer& l = b.layer;
    const int i = b.index;
    b.fifo.width = stream.beat_bits();
    b.fifo.depth = l.fifo_depth;
    b.fifo = units::StreamFifoConfig::from(resolve(
        units::stream_fifo_spec(), fifo_params(b.fifo), err, l.line,
        [&](const std::string& p) { return layer_key(i, p == "DEPTH" ? "fifo_depth" : ""); }));
    const std::string elem_key = layer_key(i, "");
    switch (l.kind) {
      case LayerKind::CONV: {
        units::SlidingWindowConfig w;
        w.in_w = stream.format.width;
        w.in_signed = stream.format.is_signed;
        w.simd = stream.lanes;
        w.c = stream.c;
        w.h = stream.h;
        w.w = stream.w;
        w.k = l.kernel;
        w.stride = l.stride;
        w.pad = l.padding;
        b.window = units::SlidingWindowConfig::from(resolve(
            units::sliding_window_spec(), window_params(w), err, l.line, [&](const std::string& p) {
              return p == "K"        ? layer_key(i, "kernel")
                     : p == "STRIDE" ? layer_key(i, "stride")
                     : p == "PAD"    ? layer_key(i, "padding")
                     : p == "SIMD"   ? layer_key(i, "simd")
                                     : elem_key;
            }));
        b.out.h = b.window->out_h();
        b.out.w = b.window->out_w();
        b.out.c = l.channels;
        b.vectors_per_image = static_cast<std::int64_t>(b.out.h) * b.out.w;
        plan_mvau(&b, b.window->shape().window_size(stream.lanes), l.channels, cfg, err);
        break;
      }
      case LayerKind::DENSE: {
        const std::int64_t features =
            static_cast<std::int64_t>(stream.h) * stream.w * stream.padded_channels();
        if (features > (1 << 20)) {
          err.fail(l.line, elem_key,
                   "the incoming map flattens to " + std::to_string(features) +
                       " features; expected at most 1048576");
        }
        b.out.h = b.out.w = 1;
        b.out.c = l.outputs;
        b.vectors_per_image = 1;
        plan_mvau(&b, static_cast<int>(features), l.outputs, cfg, err);
        break;
      }
      case LayerKind::POOL: {
        units::MaxPoolConfig p;
        p.pool = l.pool;
        p.simd = stream.lanes;
        p.in_w = stream.format.width;
        p.in_signed = stream.format.is_signed;
        p.c = stream.c;
        p.h = stream.h;
        p.w = stream.w;
        b.pool = units::MaxPoolConfig::from(resolve(
            units::max_pool_spec(), pool_params(p), err, l.line,
            [&](const std::string& q) { return q == "POOL" ? layer_key(i, "size") : elem_key; }));
        b.out.h = b.pool->out_h();
        b.out.w = b.pool->out_w();
        break;
      }
    }
    stream = b.out;
    plan.blocks.push_back(std::move(b));
  }
  return plan;
}

units::MvauConfig block_mvau_config(const BlockPlan& b) {
  if (!b.mvau) {
    throw std::invalid_argument("block " + std::to_string(b.index) + " (" + b.layer.name +
                                ") has no mvau");
  }
  return units::MvauConfig::from(b.mvau_params).with_lanes(b.mvau->seed, b.mvau->lane_layer);
}

}  // namespace fxsim::engine
