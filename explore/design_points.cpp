#include "explore/design_points.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <optional>
#include <random>

#include "explore/bipolar_point.hpp"
#include "explore/int_point.hpp"
#include "explore/layer_workload.hpp"
#include "explore/model_workload.hpp"
#include "explore/network_workload.hpp"
#include "fx/width_rules.hpp"

namespace fxsim::explore {

namespace {

// Axis positions in grid order (the last varies fastest).
enum AxisId {
  KIND,
  ACT_UNIT,  // with KIND the outer level: the other axes' sizes depend on both
  WEIGHT,
  K,
  AFFINE_WEIGHTS,
  REQUANT,
  ACTIVATION,
  ACCUMULATOR,
  OUTPUT,
  ROUNDING,
  OVERFLOW,
  PE,
  SIMD,
  MAC_STAGES,
  BN,
  THRESHOLDS,
  CLOCK,
  FAMILY,
  AXIS_COUNT
};
using GridIndex = std::array<std::size_t, AXIS_COUNT>;

constexpr std::uint64_t kSampleStream = 0x53414D504C455321ull;
constexpr std::uint64_t kRtlStream = 0x52544C434845434Bull;
constexpr std::uint64_t kMaxGrid = 10'000'000;

bool has_k(UnitKind k) { return k == UnitKind::KHOT || k == UnitKind::SPT; }
bool is_bipolar(UnitKind k) {
  return k == UnitKind::BINARY || k == UnitKind::TERNARY || k == UnitKind::XNOR;
}

// An int point's accumulator is int32 and its requantizer int_requant: the accumulator,
// rounding and overflow axes are not its (as k is not fx_mac's); affine_weights and requant are
// its only.
// Binary / ternary / xnor points take their weights from the float layer (no weight axis) and
// their accumulator (exact) and MAC output (the accumulator) from the engine: no weight,
// accumulator, output, rounding or overflow axis either; xnor's activations are bits (no
// activation axis). activation_unit applies to them only; a threshold point takes the
// thresholds axis and no bn (the threshold unit is in bn_act's place).
std::size_t unit_count(const Axes& a, UnitKind kind) {
  return is_bipolar(kind) ? a.activation_unit.values.size() : 1;
}

ActivationUnit unit_at(const Axes& a, UnitKind kind, std::size_t u) {
  return is_bipolar(kind) ? a.activation_unit.values[u] : ActivationUnit::BN_ACT;
}

std::array<std::size_t, AXIS_COUNT> sizes_for(const Axes& a, UnitKind kind, ActivationUnit unit) {
  const bool affine = kind == UnitKind::INT || is_bipolar(kind);
  const bool threshold = unit == ActivationUnit::THRESHOLD;
  return {1,
          1,
          is_bipolar(kind) ? 1 : a.weight.values.size(),
          has_k(kind) ? a.k.values.size() : 1,
          affine ? a.affine_weights.values.size() : 1,
          affine ? a.requant.values.size() : 1,
          kind == UnitKind::XNOR ? 1 : a.activation.values.size(),
          affine ? 1 : a.accumulator.values.size(),
          is_bipolar(kind) ? 1 : a.output.values.size(),
          affine ? 1 : std::max<std::size_t>(1, a.rounding.values.size()),
          affine ? 1 : std::max<std::size_t>(1, a.overflow.values.size()),
          a.pe.values.size(),
          a.simd.values.size(),
          a.mac_stages.values.size(),
          threshold ? 1 : a.bn.values.size(),
          threshold ? a.thresholds.values.size() : 1,
          a.clock_ns.values.size(),
          a.family.values.size()};
}

std::uint64_t count_for(const Axes& a, UnitKind kind) {
  std::uint64_t total = 0;
  for (std::size_t u = 0; u < unit_count(a, kind); ++u) {
    std::uint64_t n = 1;
    for (std::size_t s : sizes_for(a, kind, unit_at(a, kind, u))) n *= s;
    total += n;
  }
  return total;
}

// Every grid index in grid order.
std::vector<GridIndex> enumerate(const Axes& a) {
  std::vector<GridIndex> out;
  for (std::size_t kind = 0; kind < a.kind.values.size(); ++kind) {
    const UnitKind k = a.kind.values[kind];
    for (std::size_t u = 0; u < unit_count(a, k); ++u) {
      const auto sizes = sizes_for(a, k, unit_at(a, k, u));
      GridIndex idx{};
      idx[KIND] = kind;
      idx[ACT_UNIT] = u;
      for (;;) {
        out.push_back(idx);
        int axis = AXIS_COUNT - 1;
        while (axis > ACT_UNIT && ++idx[axis] == sizes[axis]) idx[axis--] = 0;
        if (axis == ACT_UNIT) break;
      }
    }
  }
  return out;
}

PointParams params_at(const SweepSpec& spec, const GridIndex& i) {
  const Axes& a = spec.axes;
  PointParams p;
  p.kind = a.kind.values[i[KIND]];
  p.weight = a.weight.values[i[WEIGHT]];
  p.k = has_k(p.kind) ? a.k.values[i[K]] : 0;
  const bool affine = p.kind == UnitKind::INT || is_bipolar(p.kind);
  p.activation_unit = unit_at(a, p.kind, i[ACT_UNIT]);
  const bool threshold = p.activation_unit == ActivationUnit::THRESHOLD;
  if (threshold) p.thresholds = a.thresholds.values[i[THRESHOLDS]];
  if (p.kind == UnitKind::INT) {
    p.affine_weights = a.affine_weights.values[i[AFFINE_WEIGHTS]];
    p.requant = a.requant.values[i[REQUANT]];
  }
  p.activation = a.activation.values[i[ACTIVATION]];
  p.accumulator = affine ? std::nullopt : a.accumulator.values[i[ACCUMULATOR]];
  p.output = a.output.values[i[OUTPUT]];
  if (!affine && !a.rounding.values.empty()) {
    p.output.rounding = a.rounding.values[i[ROUNDING]];
    if (a.rounding_bn) p.bn_rounding = p.output.rounding;
  }
  if (!affine && !a.overflow.values.empty()) p.output.overflow = a.overflow.values[i[OVERFLOW]];
  p.pe = a.pe.values[i[PE]];
  p.simd = a.simd.values[i[SIMD]];
  p.mac_stages = a.mac_stages.values[i[MAC_STAGES]];
  p.bn = threshold ? BnScaleKind::NONE : a.bn.values[i[BN]];
  p.clock_ns = a.clock_ns.values[i[CLOCK]];
  p.family = a.family.values[i[FAMILY]];
  return p;
}

}  // namespace

fx::KhotType weight_khot(const PointParams& p) {
  fx::KhotType t;
  t.kind = p.kind == UnitKind::SPT
               ? fx::KhotKind::SPT
               : (p.weight.is_signed ? fx::KhotKind::KHOT : fx::KhotKind::UKHOT);
  t.width = p.weight.width;
  t.int_bits = p.weight.int_bits;
  t.k = p.k;
  return t;
}

namespace {

std::string format_clock(double ns) {
  std::string s = std::to_string(ns);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

std::string point_key(const PointParams& p) {
  // Binary / ternary / xnor: the weight is the kind's (the weight and output axes do not
  // apply); xnor's activation is "binary".
  const bool bipolar = is_bipolar(p.kind);
  const bool xnor = p.kind == UnitKind::XNOR;
  return std::string("kind=") + to_string(p.kind) + " weight=" +
         (bipolar ? std::string(xnor ? "binary" : to_string(p.kind)) : p.weight.str()) +
         " k=" + std::to_string(p.k) +
         " activation=" + (xnor ? std::string("binary") : p.activation.str()) +
         " accumulator=" + (p.accumulator ? p.accumulator->str() : std::string("default")) +
         " output=" + (bipolar ? std::string("accumulator") : p.output.str()) +
         " pe=" + std::to_string(p.pe) + " simd=" + std::to_string(p.simd) +
         " mac_stages=" + std::to_string(p.mac_stages) + " bn=" + to_string(p.bn) +
         " clock_ns=" + format_clock(p.clock_ns) +
         " family=" + std::string(resources::family_name(p.family)) +
         // int points only, so that the keys of the other kinds stay what they were
         (p.kind == UnitKind::INT ? std::string(" affine_weights=") + to_string(p.affine_weights) +
                                        " requant=" + to_string(p.requant)
                                  : std::string()) +
         // threshold points only (bn_act points keep the keys they had)
         (p.activation_unit == ActivationUnit::THRESHOLD
              ? " activation_unit=threshold thresholds=" + std::to_string(p.thresholds)
              : std::string());
}

// The axis a validation message is about (engine::validate names the point-file key).
AxisId axis_of_message(const std::string& msg, UnitKind kind) {
  struct Rule {
    const char* key;
    AxisId axis;
  };
  static const Rule rules[] = {{"engine.pe", PE},
                               {"engine.simd", SIMD},
                               {"engine.mac_stages", MAC_STAGES},
                               {"engine.clock_ns", CLOCK},
                               {"types.activation", ACTIVATION},
                               {"types.weight", WEIGHT},
                               {"types.accumulator", ACCUMULATOR},
                               {"types.output", OUTPUT},
                               // xnor: in_features must be whole beats of SIMD (the
                               // only in_features rule an axis value can break)
                               {"layer.in_features", SIMD},
                               {"bn.", BN},
                               {"threshold.", THRESHOLDS},
                               {"requant.output", OUTPUT},
                               {"requant.", KIND}};
  for (const Rule& r : rules) {
    if (msg.find(std::string(": ") + r.key) != std::string::npos) {
      return r.axis == WEIGHT && has_k(kind) ? K : r.axis;
    }
  }
  return AXIS_COUNT;
}

const char* axis_name(AxisId a) {
  static const char* names[] = {
      "kind",       "activation_unit", "weight", "k",          "affine_weights", "requant",
      "activation", "accumulator",     "output", "rounding",   "overflow",       "pe",
      "simd",       "mac_stages",      "bn",     "thresholds", "clock_ns",       "family"};
  return a < AXIS_COUNT ? names[a] : "axes";
}

Location axis_value_location(const SweepSpec& spec, AxisId a, const GridIndex& i) {
  const Axes& x = spec.axes;
  auto at = [&](const auto& axis, std::size_t idx) {
    return idx < axis.where.size() ? axis.where[idx] : axis.key;
  };
  switch (a) {
    case KIND:
      return at(x.kind, i[KIND]);
    case ACT_UNIT:
      return at(x.activation_unit, i[ACT_UNIT]);
    case THRESHOLDS:
      return at(x.thresholds, i[THRESHOLDS]);
    case WEIGHT:
      return at(x.weight, i[WEIGHT]);
    case K:
      return at(x.k, i[K]);
    case AFFINE_WEIGHTS:
      return at(x.affine_weights, i[AFFINE_WEIGHTS]);
    case REQUANT:
      return at(x.requant, i[REQUANT]);
    case ACTIVATION:
      return at(x.activation, i[ACTIVATION]);
    case ACCUMULATOR:
      return at(x.accumulator, i[ACCUMULATOR]);
    case OUTPUT:
      return at(x.output, i[OUTPUT]);
    case ROUNDING:
      return at(x.rounding, i[ROUNDING]);
    case OVERFLOW:
      return at(x.overflow, i[OVERFLOW]);
    case PE:
      return at(x.pe, i[PE]);
    case SIMD:
      return at(x.simd, i[SIMD]);
    case MAC_STAGES:
      return at(x.mac_stages, i[MAC_STAGES]);
    case BN:
      return at(x.bn, i[BN]);
    case CLOCK:
      return at(x.clock_ns, i[CLOCK]);
    case FAMILY:
      return at(x.family, i[FAMILY]);
    default:
      return spec.axes_table;
  }
}

// Why a point cannot run: the axis value the problem is about, and what is wrong.
struct PointProblem {
  AxisId axis = AXIS_COUNT;
  std::string what;
};

// The sweep's own rules, then engine::validate; nullopt when the point is valid.
std::optional<PointProblem> check_point(const SweepSpec& spec, const DesignPoint& pt,
                                        const std::vector<engine::EngineConfig>& engines) {
  const PointParams& p = pt.params;
  if (has_k(p.kind)) {
    const fx::KhotType t = weight_khot(p);
    if (p.k > t.magnitude_bits()) {
      return PointProblem{K, "K = " + std::to_string(p.k) + " is larger than the " +
                                 std::to_string(t.magnitude_bits()) + " magnitude bit" +
                                 (t.magnitude_bits() == 1 ? "" : "s") + " of weight " +
                                 p.weight.str()};
    }
    if (p.kind == UnitKind::SPT && !p.weight.is_signed) {
      return PointProblem{WEIGHT, "spt weights are signed; expected a fixed<W,I> weight"};
    }
  }
  if (p.kind == UnitKind::INT) {
    if (auto why = int_bn_problem(p.bn, spec.bn.activation)) return PointProblem{BN, *why};
  }
  // Any SIMD is fine: the last beat of a dot product pads its unused lanes with zeros
  // (docs/engine.md, "Folding"), exactly as `fxsim run` takes it.
  // A model workload's layers each (their names prefix the message); else the one point.
  for (std::size_t l = 0; l < engines.size(); ++l) {
    const std::string layer =
        pt.per_layer ? spec.workload.source->file.model.layers[l].name : std::string();
    try {
      engine::validate(engines[l], spec.path);
    } catch (const engine::PointFileError& e) {
      std::string msg = e.what();
      const std::string prefix = spec.path + ": ";
      if (msg.rfind(prefix, 0) == 0) msg.erase(0, prefix.size());
      if (!layer.empty()) msg = "layer " + layer + ": " + msg;
      return PointProblem{axis_of_message(e.what(), p.kind), msg};
    }
  }
  return std::nullopt;
}

// The float layer int points are calibrated on (the one the workers measure against), built on
// the first int point only: sweeps without int points never compute it.
class IntCalibration {
 public:
  explicit IntCalibration(const SweepSpec& spec) : spec_(spec) {}
  const FloatLayer& layer() {
    if (!layer_) {
      layer_ = make_float_layer(spec_.workload, spec_.bn, spec_.seed);
      products_ = float_products(*layer_);
    }
    return *layer_;
  }
  const std::vector<double>& products() {
    layer();
    return products_;
  }

 private:
  const SweepSpec& spec_;
  std::optional<FloatLayer> layer_;
  std::vector<double> products_;
};

// An int point's widths as affine formats can hold them (int<W> / uint<W>, W in 2..32).
std::optional<PointProblem> int_width_problem(const PointParams& p) {
  const std::pair<AxisId, int> widths[] = {
      {WEIGHT, p.weight.width}, {ACTIVATION, p.activation.width}, {OUTPUT, p.output.width}};
  for (const auto& [axis, w] : widths) {
    if (w < 2 || w > 32) {
      return PointProblem{axis, "an int point takes the width W = " + std::to_string(w) +
                                    " as int<W> / uint<W>; expected W in 2..32"};
    }
  }
  return std::nullopt;
}

// The point at grid index `i`, built and checked: valid with its engines elaborated, or marked
// invalid with the reason (located on the axis value concerned).
DesignPoint build_point(const SweepSpec& spec, const GridIndex& i, IntCalibration* calibration) {
  DesignPoint pt;
  pt.params = params_at(spec, i);
  pt.key = point_key(pt.params);
  pt.per_layer = spec.workload.kind == WorkloadKind::MODEL;
  std::vector<engine::EngineConfig> engines;
  std::optional<PointProblem> problem;
  try {
    if (pt.params.kind == UnitKind::INT) {
      problem = int_width_problem(pt.params);
      if (!problem) {
        try {
          const IntLayer l = quantize_int_layer(calibration->layer(), calibration->products(),
                                                int_point_spec(spec, pt.params));
          engines = {make_config(spec, pt.params, &l)};
        } catch (const fx::FxTypeError& e) {  // e.g. a multiplier M_c >= 2^31
          problem = PointProblem{KIND, std::string("the affine quantization failed: ") + e.what()};
        }
      }
    } else if (is_bipolar(pt.params.kind)) {
      const BipolarLayer l = quantize_bipolar_layer(
          calibration->layer(), bipolar_kind(pt.params.kind), pt.params.bn != BnScaleKind::NONE,
          pt.params.kind == UnitKind::XNOR);
      engines = {make_config(spec, pt.params, nullptr, &l)};
    } else if (pt.per_layer) {
      engines = model_layer_configs(spec, pt.params);
    } else {
      engines = {make_config(spec, pt.params)};  // a K-hot weight with a bad K is built unchecked
    }
  } catch (const engine::PointFileError& e) {
    problem = PointProblem{axis_of_message(e.what(), pt.params.kind), e.what()};
  } catch (const fx::FxTypeError& e) {
    problem = PointProblem{ACCUMULATOR, std::string("the default accumulator cannot exist: ") +
                                            e.what() + "; expected an explicit accumulator type"};
  }
  if (!problem) problem = check_point(spec, pt, engines);
  if (problem) {
    // The rounding axis as the file names it.
    const std::string axis = problem->axis == ROUNDING && spec.axes.rounding_bn
                                 ? std::string("output_rounding")
                                 : std::string(axis_name(problem->axis));
    pt.invalid = "axes." + axis + ": " + problem->what;
    pt.invalid_at = spec.where(axis_value_location(spec, problem->axis, i)) + pt.invalid +
                    " (point " + pt.key + ")";
    pt.unchecked = std::move(engines);
    return pt;
  }
  for (const engine::EngineConfig& c : engines) pt.engines.push_back(engine::elaborate(c));
  return pt;
}

// The sweep's checks on the expanded points: the first invalid point with --strict, a sweep
// without a valid point, traced points that are invalid or do not exist.
void check_points(const SweepSpec& spec, const std::vector<DesignPoint>& points,
                  const ExpandOptions& options) {
  const DesignPoint* first_invalid = nullptr;
  for (const DesignPoint& p : points) {
    if (!p.valid()) {
      first_invalid = &p;
      break;
    }
  }
  if (first_invalid && options.strict) throw SweepFileError(first_invalid->invalid_at);
  if (first_invalid && valid_points(points) == 0) {
    throw SweepFileError(first_invalid->invalid_at +
                         (points.size() > 1
                              ? "; every point of the sweep is invalid (" +
                                    std::to_string(points.size()) + "): nothing to run"
                              : std::string()));
  }
  for (std::size_t t = 0; t < spec.traces.points.size(); ++t) {
    const std::int64_t id = spec.traces.points[t];
    const Location at = t < spec.traces.where.size() ? spec.traces.where[t] : Location{};
    if (id >= static_cast<std::int64_t>(points.size())) {
      throw SweepFileError(spec.where(at) + "traces.points: point " + std::to_string(id) +
                           " does not exist; expected a point id 0.." +
                           std::to_string(points.size() - 1));
    }
    const DesignPoint& p = points[static_cast<std::size_t>(id)];
    if (!p.valid()) {
      throw SweepFileError(spec.where(at) + "traces.points: point " + std::to_string(id) +
                           " is invalid and cannot be traced: " + p.invalid + " (point " + p.key +
                           ")");
    }
  }
}

}  // namespace

fx::Bipolar bipolar_kind(UnitKind k) {
  // xnor's weights are binary.
  return k == UnitKind::TERNARY ? fx::Bipolar::TERNARY : fx::Bipolar::BINARY;
}

engine::EngineConfig make_config(const SweepSpec& spec, const PointParams& p,
                                 const IntLayer* int_layer, const BipolarLayer* bipolar_layer) {
  engine::EngineConfig cfg;
  cfg.seed = spec.seed;
  cfg.kind = p.kind == UnitKind::KHOT  ? engine::EngineKind::KHOT
             : p.kind == UnitKind::SPT ? engine::EngineKind::SPT
                                       : engine::EngineKind::FX_MAC;
  cfg.pe = p.pe;
  cfg.simd = p.simd;
  cfg.mac_stages = p.mac_stages;
  cfg.clock_ns = p.clock_ns;
  cfg.in_features = spec.workload.in_features;
  cfg.out_features = spec.workload.out_features;
  cfg.batch = spec.workload.batch;
  cfg.activation = p.activation;
  cfg.distribution = spec.workload.distribution;
  if (p.kind == UnitKind::INT) {
    // The MAC array on integers (frac 0), its output the int32 accumulator, then int_requant;
    // a BN of the point is folded into the weights and the bias (explore/int_point.hpp).
    if (!int_layer) throw std::invalid_argument("make_config: an int point without its layer");
    cfg.activation = fx::FxType::make_unsigned(p.activation.width, p.activation.width);
    cfg.weight = fx::FxType::make_signed(p.weight.width, p.weight.width);
    cfg.accumulator = fx::FxType::make_signed(32, 32, fx::Rounding::TRN, fx::Overflow::WRAP);
    cfg.output = cfg.accumulator;
    cfg.requant = int_requant_config(*int_layer, spec.requant);
    return cfg;
  }
  if (is_bipolar(p.kind)) {
    // xnor_pe MODE 1 / 2 / 0 on the v's (fixed<2,2>), the format with the engine's scale 2^e;
    // the accumulator exact (the point file's default rule) and the MAC output the accumulator;
    // xnor's activations the bits of ufixed<1,1> (the point file's "binary").
    if (!bipolar_layer) {
      throw std::invalid_argument("make_config: a binary / ternary point without its layer");
    }
    cfg.kind = p.kind == UnitKind::TERNARY ? engine::EngineKind::TERNARY
               : p.kind == UnitKind::XNOR  ? engine::EngineKind::XNOR
                                           : engine::EngineKind::BINARY;
    if (p.kind == UnitKind::XNOR) {
      cfg.activation = fx::FxType::make_unsigned(1, 1);
      cfg.binary_activation = true;
    }
    cfg.weight = fx::FxType::make_signed(2, 2);
    cfg.bipolar = bipolar_layer->engine_type();
    if (p.activation_unit == ActivationUnit::THRESHOLD) {
      engine::ThresholdTable t;
      t.thresholds = p.thresholds;
      t.stages = spec.bn.stages;
      cfg.threshold = t;
    }
    const std::int64_t a_max = std::max(-cfg.activation.raw_min(), cfg.activation.raw_max());
    const auto bound =
        static_cast<std::uint64_t>(cfg.in_features) * static_cast<std::uint64_t>(a_max);
    const int width = fx::ceil_log2(bound + 1) + 1;
    const int frac = cfg.activation.frac_bits() - bipolar_layer->exponent;
    cfg.accumulator =
        fx::FxType::make_signed(width, width - frac, fx::Rounding::TRN, fx::Overflow::WRAP);
    cfg.output = cfg.accumulator;
  } else {
    if (has_k(p.kind)) {
      cfg.weight = weight_khot(p);
    } else {
      cfg.weight = p.weight;
    }
    cfg.output = p.output;
    if (p.accumulator) {
      cfg.accumulator = *p.accumulator;
    } else {
      // The exact default of the point file: a K-hot weight grows the sum as its fixed<W,I>.
      const fx::FxType w = fx::FxType::make(p.weight.is_signed, p.weight.width, p.weight.int_bits);
      cfg.accumulator =
          fx::accumulator_type(cfg.activation, w, cfg.in_features, fx::Overflow::WRAP);
    }
  }
  if (p.bn != BnScaleKind::NONE) {
    engine::BnConfig bn;
    if (p.bn == BnScaleKind::KHOT) {
      bn.scale = spec.bn.khot_scale;
    } else {
      bn.scale = spec.bn.scale;
    }
    bn.bias = spec.bn.bias;
    bn.output = spec.bn.output;
    if (p.bn_rounding) bn.output.rounding = *p.bn_rounding;
    bn.activation = spec.bn.activation;
    bn.clip = spec.bn.clip;
    bn.stages = spec.bn.stages;
    cfg.bn = bn;
  }
  cfg.distribution = spec.workload.distribution;
  return cfg;
}

std::uint64_t grid_size(const SweepSpec& spec) {
  if (spec.workload.kind == WorkloadKind::NETWORK) return network_grid_size(spec);
  std::uint64_t n = 0;
  for (UnitKind k : spec.axes.kind.values) n += count_for(spec.axes, k);
  return n;
}

std::vector<DesignPoint> expand_sweep(const SweepSpec& spec, const ExpandOptions& options) {
  const std::uint64_t total = grid_size(spec);
  if (total > kMaxGrid) {
    throw SweepFileError(spec.where(spec.axes_table) + "axes: the grid has " +
                         std::to_string(total) + " points, more than " + std::to_string(kMaxGrid) +
                         "; expected fewer axis values");
  }
  // The point at a grid position: a network's (network_workload.hpp), or the engine grid's.
  const bool network = spec.workload.kind == WorkloadKind::NETWORK;
  const std::vector<GridIndex> grid = network ? std::vector<GridIndex>{} : enumerate(spec.axes);
  IntCalibration calibration(spec);
  auto build_at = [&](std::size_t position) {
    return network ? build_network_point(spec, position)
                   : build_point(spec, grid[position], &calibration);
  };
  std::vector<DesignPoint> points;
  if (spec.sampling == Sampling::RANDOM && static_cast<std::uint64_t>(spec.samples) < total) {
    // A seeded Fisher-Yates shuffle, drawn step by step, picks distinct grid points until
    // `samples` of them are valid (strict: exactly the first `samples`, checked below); they
    // keep grid order (ids ascend with the grid position). The mapping from the generator's
    // words is ours (no std::*_distribution), so the sample is the same on every platform, and
    // a grid without invalid points gives the sample it always gave.
    std::mt19937_64 rng(spec.seed ^ kSampleStream);
    std::vector<std::size_t> order(static_cast<std::size_t>(total));
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    const auto wanted = static_cast<std::size_t>(spec.samples);
    std::map<std::size_t, DesignPoint> drawn;
    std::size_t valid = 0, i = 0;
    for (; i < order.size() && (options.strict ? i < wanted : valid < wanted); ++i) {
      const std::size_t j = i + static_cast<std::size_t>(rng() % (order.size() - i));
      std::swap(order[i], order[j]);
      DesignPoint pt = build_at(order[i]);
      valid += pt.valid() ? 1 : 0;
      drawn.emplace(order[i], std::move(pt));
    }
    points.reserve(drawn.size());
    for (auto& [position, pt] : drawn) points.push_back(std::move(pt));
  } else {
    points.reserve(static_cast<std::size_t>(total));
    for (std::size_t i = 0; i < total; ++i) points.push_back(build_at(i));
  }
  for (std::size_t id = 0; id < points.size(); ++id) points[id].id = static_cast<std::int64_t>(id);
  check_points(spec, points, options);
  return points;
}

std::size_t valid_points(const std::vector<DesignPoint>& points) {
  return static_cast<std::size_t>(
      std::count_if(points.begin(), points.end(), [](const DesignPoint& p) { return p.valid(); }));
}

namespace {

// The first `rtl_samples` ids of a seeded permutation of 0..n-1 that `eligible` accepts.
template <typename Eligible>
std::vector<bool> rtl_sample(const SweepSpec& spec, std::size_t n, Eligible eligible) {
  if (spec.rtl_check == RtlCheckMode::ALL) {
    std::vector<bool> all(n);
    for (std::size_t i = 0; i < n; ++i) all[i] = eligible(i);
    return all;
  }
  std::vector<bool> chosen(n, false);
  if (spec.rtl_check == RtlCheckMode::NONE) return chosen;
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::mt19937_64 rng(spec.seed ^ kRtlStream);
  const auto wanted = static_cast<std::size_t>(spec.rtl_samples);
  std::size_t picked = 0;
  for (std::size_t i = 0; i < n && picked < wanted; ++i) {
    const std::size_t j = i + static_cast<std::size_t>(rng() % (n - i));
    std::swap(order[i], order[j]);
    if (eligible(order[i])) {
      chosen[order[i]] = true;
      ++picked;
    }
  }
  return chosen;
}

}  // namespace

std::vector<bool> rtl_selection(const SweepSpec& spec, std::size_t points) {
  return rtl_sample(spec, points, [](std::size_t) { return true; });
}

std::vector<bool> rtl_selection(const SweepSpec& spec, const std::vector<DesignPoint>& points) {
  return rtl_sample(spec, points.size(), [&](std::size_t i) { return points[i].valid(); });
}

}  // namespace fxsim::explore
