// The [axes] table of the sweep file (docs/sweeps.md, "Axes"): each axis a value or an array of
// values; absent axes take the engine's defaults, or a layer workload's own formats.
#include <algorithm>

#include "explore/layer_workload.hpp"
#include "explore/network_workload.hpp"
#include "explore/sweep_file_reader.hpp"

namespace fxsim::explore::sweep_file {
namespace {

// Axes a model workload does not take: formats between layers are the model's (each layer's
// input is the previous one's output); the hardware axes and the weight format apply to every
// layer.
void check_model_axes(const TomlTable& a) {
  for (const char* key :
       {"activation", "accumulator", "output", "rounding", "output_rounding", "overflow", "simd",
        "affine_weights", "requant", "activation_unit", "thresholds"}) {
    if (const toml::node* n = a.find(key)) {
      a.fail(*n, key,
             "a model workload keeps each layer's own formats and SIMD; expected only kind, "
             "weight, k, pe, mac_stages, bn, clock_ns and family (or kind = \"layer\" to "
             "explore one layer)");
    }
  }
}

// A layer without batch norm has no BN parameters to quantize, and a bn_act the model does not
// have would measure another network.
void check_layer_bn(const TomlTable& a, const Axes& ax, const LayerSource& src) {
  for (std::size_t i = 0; i < ax.bn.values.size(); ++i) {
    if (ax.bn.values[i] != BnScaleKind::NONE) {
      fail_at(a, ax.bn.where[i], "axes.bn",
              "layer " + src.dense().name + " of " + src.model_path +
                  " has no batch norm; expected \"none\"");
    }
  }
}

// kind = "int" (affine integer layers), "binary", "ternary" (per-tensor scaled weights of the
// float layer) and "xnor" (binary weights and activations) are built for one layer only: a model
// or network workload refuses them at the value that asks for it.
void refuse_int_kind(const TomlTable& a, const Axes& ax, const char* workload) {
  for (std::size_t i = 0; i < ax.kind.values.size(); ++i) {
    const UnitKind k = ax.kind.values[i];
    if (k == UnitKind::INT || k == UnitKind::BINARY || k == UnitKind::TERNARY ||
        k == UnitKind::XNOR) {
      const std::string name = to_string(k);
      const std::string what = k == UnitKind::INT    ? "affine integer"
                               : k == UnitKind::XNOR ? "binary weight and activation"
                                                     : name + " weight";
      const std::string layer = k == UnitKind::INT    ? "an affine integer"
                                : k == UnitKind::XNOR ? "an xnor"
                                                      : "a " + name;
      fail_at(a, ax.kind.where[i], "axes.kind",
              "\"" + name + "\" (" + what + ") points are not built for kind = \"" + workload +
                  "\" workloads yet; expected fx_mac, fx_mac_lut, khot or spt (" + layer +
                  " layer: kind = \"random\" or \"layer\")");
    }
  }
}

template <typename E>
auto name_axis(const TomlTable& a, const char* key, const util::NameTable<E>& names) {
  return [&a, key, &names](const toml::node& n) { return a.pick(n, key, names); };
}

auto int_axis(const TomlTable& a, const char* key, int lo, int hi) {
  return [&a, key, lo, hi](const toml::node& n) {
    return static_cast<int>(a.as_integer_in(n, key, lo, hi));
  };
}

auto type_axis(const TomlTable& a, const char* key) {
  return [&a, key](const toml::node& n) { return fx_type(a, n, key); };
}

// A mode name through fx's parser (TRN, RND_CONV, SAT, ...).
template <typename Mode, typename Parse>
auto mode_axis(const TomlTable& a, const char* key, Parse parse, const char* what) {
  return [&a, key, parse, what](const toml::node& n) -> Mode {
    const std::string s = a.as_string(n, key);
    try {
      return parse(s);
    } catch (const std::exception&) {
      a.fail(n, key, "\"" + s + "\" is not " + what);
    }
  };
}

// Why a network takes no such axis (the hint of its unknown-key message).
std::string network_axis_hint(const std::string& key) {
  if (key == "simd") {
    return "a block's SIMD is the lanes of its incoming stream: input_simd for the first block, "
           "the previous block's pe for the others";
  }
  for (const char* k :
       {"activation", "accumulator", "output", "rounding", "output_rounding", "overflow"}) {
    if (key == k) {
      return "a network keeps the formats between its blocks (each block's input is the "
             "previous block's output)";
    }
  }
  return {};
}

// The MVAU blocks' names of a network, for messages.
std::string mvau_names(const engine::NetworkConfig& cfg) {
  std::string names;
  for (const engine::NetworkLayer& l : cfg.layers) {
    if (l.has_mvau()) names += (names.empty() ? "" : ", ") + l.name;
  }
  return names;
}

// [axes.layer.<name>]: the axes of one MVAU block.
LayerAxes read_layer_axes(const TomlTable& layers, const std::string& name,
                          const NetworkSource& src) {
  const engine::NetworkConfig& cfg = src.config;
  const auto it = std::find_if(cfg.layers.begin(), cfg.layers.end(),
                               [&](const engine::NetworkLayer& l) { return l.name == name; });
  const toml::node* node = layers.find(name);
  if (it == cfg.layers.end()) {
    layers.fail(
        *node, name,
        "no block named " + name + " in " + src.path + "; expected one of " + mvau_names(cfg));
  }
  if (!it->has_mvau()) {
    layers.fail(*node, name,
                name +
                    " is a max-pool block: it has no PE, weights or batch norm; expected one "
                    "of " +
                    mvau_names(cfg));
  }
  util::TomlLocation at;
  const toml::table* t = layers.table(name, &at);
  const TomlTable l(layers.errors(), t, layers.full(name), at, {"pe", "weight", "k", "bn"},
                    [](const std::string& key) { return network_axis_hint(key); });
  LayerAxes la;
  la.layer = name;
  la.block = static_cast<int>(it - cfg.layers.begin());
  la.table = {at.line, at.column};
  auto given = [&](const char* key, auto read) {
    return l.find(key) ? read() : decltype(read()){};
  };
  la.pe = given("pe", [&] { return axis<int>(l, "pe", {}, int_axis(l, "pe", 1, 1024)); });
  la.weight =
      given("weight", [&] { return axis<fx::FxType>(l, "weight", {}, type_axis(l, "weight")); });
  la.k = given("k", [&] { return axis<int>(l, "k", {}, int_axis(l, "k", 1, 63)); });
  la.bn = given("bn", [&] {
    return axis<BnScaleKind>(l, "bn", {}, name_axis(l, "bn", bn_scale_kind_names()));
  });
  for (std::size_t i = 0; i < la.bn.values.size(); ++i) {
    if (!it->bn && la.bn.values[i] != BnScaleKind::NONE) {
      fail_at(l, la.bn.where[i], l.full("bn"),
              "block " + name + " has no batch norm; expected \"none\"");
    }
  }
  return la;
}

// What a network sweep cannot combine: a target interval with PE or input SIMD axes (the
// folding for the target chooses them).
void check_network_axes(const TomlTable& a, const SweepSpec& spec, const TomlTable& layers) {
  const NetworkAxes& n = spec.axes.network;
  if (!n.target_interval.values.empty()) {
    const std::string why =
        "the folding for axes.target_interval chooses every block's PE and the input SIMD "
        "(docs/network.md, \"Folding a network\"); expected either target_interval or PE / "
        "input_simd axes";
    for (const char* key : {"pe", "input_simd"}) {
      if (const toml::node* v = a.find(key)) a.fail(*v, key, why);
    }
    for (const LayerAxes& l : n.layers) {
      if (!l.pe.values.empty()) fail_at(layers, l.pe.key, layers.full(l.layer) + ".pe", why);
    }
  }
}

// kind = "network": the engine axes apply to every MVAU block when given; input_simd, fifo_depth,
// target_interval and [axes.layer.<name>] are the network's own.
void read_network_axes(SweepSpec* spec, const TomlTable& root) {
  const TomlTable a(root.errors(), root.table("axes"), "axes", root.location("axes"),
                    {"kind", "weight", "k", "pe", "mac_stages", "bn", "clock_ns", "family",
                     "input_simd", "fifo_depth", "target_interval", "layer"},
                    [](const std::string& key) { return network_axis_hint(key); });
  spec->axes_table = {a.where().line, a.where().column};
  Axes& ax = spec->axes;
  NetworkAxes& n = ax.network;
  const engine::EngineConfig d;
  ax.kind = axis<UnitKind>(a, "kind", {UnitKind::FX_MAC}, name_axis(a, "kind", unit_kind_names()));
  refuse_int_kind(a, ax, "network");
  ax.weight = axis<fx::FxType>(a, "weight", {d.fx_weight()}, type_axis(a, "weight"));
  ax.k = axis<int>(a, "k", {1}, int_axis(a, "k", 1, 63));
  ax.pe = axis<int>(a, "pe", {d.pe}, int_axis(a, "pe", 1, 1024));
  ax.mac_stages = axis<int>(a, "mac_stages", {d.mac_stages}, int_axis(a, "mac_stages", 1, 8));
  ax.bn =
      axis<BnScaleKind>(a, "bn", {BnScaleKind::NONE}, name_axis(a, "bn", bn_scale_kind_names()));
  ax.clock_ns = axis<double>(a, "clock_ns", {d.clock_ns}, [&a](const toml::node& v) {
    const double c = a.as_number(v, "clock_ns");
    if (!(c > 0)) a.fail(v, "clock_ns", "expected a clock period > 0 ns");
    return c;
  });
  ax.family = axis<resources::Family>(a, "family", {resources::Family::xc7},
                                      name_axis(a, "family", resources::family_names()));
  n.kind = a.find("kind") != nullptr;
  n.weight = a.find("weight") != nullptr;
  n.k = a.find("k") != nullptr;
  n.pe = a.find("pe") != nullptr;
  n.mac_stages = a.find("mac_stages") != nullptr;
  n.bn = a.find("bn") != nullptr;
  n.clock_ns = a.find("clock_ns") != nullptr;
  if (a.find("input_simd"))
    n.input_simd = axis<int>(a, "input_simd", {}, int_axis(a, "input_simd", 1, 64));
  if (a.find("fifo_depth"))
    n.fifo_depth = axis<int>(a, "fifo_depth", {}, int_axis(a, "fifo_depth", 0, 1 << 16));
  if (a.find("target_interval")) {
    n.target_interval = axis<std::int64_t>(a, "target_interval", {}, [&a](const toml::node& v) {
      return a.as_integer_in(v, "target_interval", 1, INT64_MAX);
    });
  }
  util::TomlLocation at;
  const toml::table* lt = a.table("layer", &at);
  std::vector<std::string> names;  // every key a block name, checked by read_layer_axes
  if (lt) {
    for (const auto& [k, node] : *lt) names.emplace_back(k.str());
  }
  const TomlTable layers(a.errors(), lt, "axes.layer", at, names);
  for (const std::string& name : names) {
    n.layers.push_back(read_layer_axes(layers, name, *spec->workload.network_source));
  }
  std::sort(n.layers.begin(), n.layers.end(),
            [](const LayerAxes& x, const LayerAxes& y) { return x.block < y.block; });
  check_network_axes(a, *spec, layers);
}

}  // namespace

void read_axes(SweepSpec* spec, const TomlTable& root) {
  if (spec->workload.kind == WorkloadKind::NETWORK) {
    read_network_axes(spec, root);
    return;
  }
  const TomlTable a = root.sub(
      "axes", {"kind", "activation", "weight", "accumulator", "output", "k", "affine_weights",
               "requant", "rounding", "output_rounding", "overflow", "pe", "simd", "mac_stages",
               "bn", "activation_unit", "thresholds", "clock_ns", "family"});
  spec->axes_table = {a.where().line, a.where().column};
  Axes& ax = spec->axes;
  // Absent axes take the engine's defaults; for a layer workload the model layer's own formats,
  // SIMD and bn_act kind (the accumulator stays "default": exact, as the model's, so both give
  // the same sums whatever the other axes are).
  engine::EngineConfig d;
  BnScaleKind bn_default = BnScaleKind::NONE;
  if (const LayerSource* src = spec->workload.source.get()) {
    const golden::DenseLayer& l = src->dense();
    d.activation = l.input_type;
    d.weight = l.weight_type;
    d.output = l.out_type;
    d.simd = l.simd;
    if (l.bn) bn_default = l.bn->khot_scale() ? BnScaleKind::KHOT : BnScaleKind::FIXED;
  }
  ax.kind = axis<UnitKind>(a, "kind", {UnitKind::FX_MAC}, name_axis(a, "kind", unit_kind_names()));
  ax.activation = axis<fx::FxType>(a, "activation", {d.activation}, type_axis(a, "activation"));
  ax.weight = axis<fx::FxType>(a, "weight", {d.fx_weight()}, type_axis(a, "weight"));
  ax.accumulator = axis<std::optional<fx::FxType>>(
      a, "accumulator", {std::nullopt}, [&a](const toml::node& n) -> std::optional<fx::FxType> {
        if (n.is_string() && n.as_string()->get() == "default") return std::nullopt;
        return fx_type(a, n, "accumulator");
      });
  ax.output = axis<fx::FxType>(a, "output", {d.output}, type_axis(a, "output"));
  ax.k = axis<int>(a, "k", {1}, int_axis(a, "k", 1, 63));
  // Defaults: what the hardware builds best, per-channel weight scales (PyTorch's default for
  // linear layers on fbgemm / qnnpack's per-channel qconfig) and the integer requantizer.
  ax.affine_weights = axis<AffineWeights>(a, "affine_weights", {AffineWeights::PER_CHANNEL},
                                          name_axis(a, "affine_weights", affine_weights_names()));
  ax.requant = axis<RequantMethod>(a, "requant", {RequantMethod::INTEGER},
                                   name_axis(a, "requant", requant_method_names()));
  ax.rounding =
      axis<fx::Rounding>(a, "rounding", {},
                         mode_axis<fx::Rounding>(a, "rounding", fx::parse_rounding,
                                                 "a rounding mode (TRN, RND, RND_CONV, ...)"));
  // output_rounding: the same modes (RND_STOCH included) for the MAC output and the bn output.
  if (const toml::node* n = a.find("output_rounding")) {
    if (a.find("rounding")) {
      a.fail(*n, "output_rounding",
             "rounding is given too; expected one of rounding (the MAC output only) and "
             "output_rounding (the MAC output and the bn output)");
    }
    ax.rounding = axis<fx::Rounding>(
        a, "output_rounding", {},
        mode_axis<fx::Rounding>(a, "output_rounding", fx::parse_rounding,
                                "a rounding mode (TRN, RND, RND_CONV, ..., RND_STOCH)"));
    ax.rounding_bn = true;
  }
  ax.overflow =
      axis<fx::Overflow>(a, "overflow", {},
                         mode_axis<fx::Overflow>(a, "overflow", fx::parse_overflow,
                                                 "an overflow mode (SAT, WRAP, SAT_SYM, ...)"));
  ax.pe = axis<int>(a, "pe", {d.pe}, int_axis(a, "pe", 1, 1024));
  ax.simd = axis<int>(a, "simd", {d.simd}, int_axis(a, "simd", 1, 64));
  ax.mac_stages = axis<int>(a, "mac_stages", {d.mac_stages}, int_axis(a, "mac_stages", 1, 8));
  ax.bn = axis<BnScaleKind>(a, "bn", {bn_default}, name_axis(a, "bn", bn_scale_kind_names()));
  // binary / ternary / xnor points: bn_act (or nothing) after the array, or [threshold] with T
  // levels (1..255, the unit's range); the other kinds ignore both (as fx_mac ignores k).
  ax.activation_unit =
      axis<ActivationUnit>(a, "activation_unit", {ActivationUnit::BN_ACT},
                           name_axis(a, "activation_unit", activation_unit_names()));
  ax.thresholds = axis<int>(a, "thresholds", {1}, int_axis(a, "thresholds", 1, 255));
  if (spec->workload.kind == WorkloadKind::MODEL) {
    refuse_int_kind(a, ax, "model");
    check_model_axes(a);
    ax.model_weights = a.find("weight") == nullptr;
    ax.model_bn = a.find("bn") == nullptr;
  }
  if (const LayerSource* src = spec->workload.source.get();
      src && spec->workload.kind == WorkloadKind::LAYER && !src->dense().bn) {
    check_layer_bn(a, ax, *src);
  }
  ax.clock_ns = axis<double>(a, "clock_ns", {d.clock_ns}, [&a](const toml::node& n) {
    const double v = a.as_number(n, "clock_ns");
    if (!(v > 0)) a.fail(n, "clock_ns", "expected a clock period > 0 ns");
    return v;
  });
  ax.family = axis<resources::Family>(a, "family", {resources::Family::xc7},
                                      name_axis(a, "family", resources::family_names()));
}

}  // namespace fxsim::explore::sweep_file
