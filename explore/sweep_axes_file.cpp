// The [axes] table of the sweep file (docs/sweeps.md, "Axes"): each axis a value or an array of
// values; absent axes take the engine's defaults, or a layer workload's own formats.
#include "explore/layer_workload.hpp"
#include "explore/sweep_file_reader.hpp"

namespace fxsim::explore::sweep_file {
namespace {

// Axes a model workload does not take: formats between layers are the model's (each layer's
// input is the previous one's output); the hardware axes and the weight format apply to every
// layer.
void check_model_axes(const TomlTable& a) {
  for (const char* key : {"activation", "accumulator", "output", "rounding", "overflow", "simd"}) {
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

}  // namespace

void read_axes(SweepSpec* spec, const TomlTable& root) {
  const TomlTable a =
      root.sub("axes", {"kind", "activation", "weight", "accumulator", "output", "k", "rounding",
                        "overflow", "pe", "simd", "mac_stages", "bn", "clock_ns", "family"});
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
  ax.rounding =
      axis<fx::Rounding>(a, "rounding", {},
                         mode_axis<fx::Rounding>(a, "rounding", fx::parse_rounding,
                                                 "a rounding mode (TRN, RND, RND_CONV, ...)"));
  ax.overflow =
      axis<fx::Overflow>(a, "overflow", {},
                         mode_axis<fx::Overflow>(a, "overflow", fx::parse_overflow,
                                                 "an overflow mode (SAT, WRAP, SAT_SYM, ...)"));
  ax.pe = axis<int>(a, "pe", {d.pe}, int_axis(a, "pe", 1, 1024));
  ax.simd = axis<int>(a, "simd", {d.simd}, int_axis(a, "simd", 1, 64));
  ax.mac_stages = axis<int>(a, "mac_stages", {d.mac_stages}, int_axis(a, "mac_stages", 1, 8));
  ax.bn = axis<BnScaleKind>(a, "bn", {bn_default}, name_axis(a, "bn", bn_scale_kind_names()));
  if (spec->workload.kind == WorkloadKind::MODEL) {
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
