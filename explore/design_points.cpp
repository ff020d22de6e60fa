#include "explore/design_points.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <random>

#include "explore/layer_workload.hpp"
#include "explore/model_workload.hpp"
#include "fx/width_rules.hpp"

namespace fxsim::explore {

namespace {

// Axis positions in grid order (the last varies fastest).
enum AxisId {
  KIND,
  WEIGHT,
  K,
  ACTIVATION,
  ACCUMULATOR,
  OUTPUT,
  ROUNDING,
  OVERFLOW,
  PE,
  SIMD,
  MAC_STAGES,
  BN,
  CLOCK,
  FAMILY,
  AXIS_COUNT
};
using GridIndex = std::array<std::size_t, AXIS_COUNT>;

constexpr std::uint64_t kSampleStream = 0x53414D504C455321ull;
constexpr std::uint64_t kRtlStream = 0x52544C434845434Bull;
constexpr std::uint64_t kMaxGrid = 10'000'000;

bool has_k(UnitKind k) { return k == UnitKind::KHOT || k == UnitKind::SPT; }

std::array<std::size_t, AXIS_COUNT> sizes_for(const Axes& a, UnitKind kind) {
  return {1,
          a.weight.values.size(),
          has_k(kind) ? a.k.values.size() : 1,
          a.activation.values.size(),
          a.accumulator.values.size(),
          a.output.values.size(),
          std::max<std::size_t>(1, a.rounding.values.size()),
          std::max<std::size_t>(1, a.overflow.values.size()),
          a.pe.values.size(),
          a.simd.values.size(),
          a.mac_stages.values.size(),
          a.bn.values.size(),
          a.clock_ns.values.size(),
          a.family.values.size()};
}

std::uint64_t count_for(const Axes& a, UnitKind kind) {
  std::uint64_t n = 1;
  for (std::size_t s : sizes_for(a, kind)) n *= s;
  return n;
}

// Every grid index in grid order.
std::vector<GridIndex> enumerate(const Axes& a) {
  std::vector<GridIndex> out;
  for (std::size_t kind = 0; kind < a.kind.values.size(); ++kind) {
    const auto sizes = sizes_for(a, a.kind.values[kind]);
    GridIndex idx{};
    idx[KIND] = kind;
    for (;;) {
      out.push_back(idx);
      int axis = AXIS_COUNT - 1;
      while (axis > KIND && ++idx[axis] == sizes[axis]) idx[axis--] = 0;
      if (axis == KIND) break;
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
  p.activation = a.activation.values[i[ACTIVATION]];
  p.accumulator = a.accumulator.values[i[ACCUMULATOR]];
  p.output = a.output.values[i[OUTPUT]];
  if (!a.rounding.values.empty()) p.output.rounding = a.rounding.values[i[ROUNDING]];
  if (!a.overflow.values.empty()) p.output.overflow = a.overflow.values[i[OVERFLOW]];
  p.pe = a.pe.values[i[PE]];
  p.simd = a.simd.values[i[SIMD]];
  p.mac_stages = a.mac_stages.values[i[MAC_STAGES]];
  p.bn = a.bn.values[i[BN]];
  p.clock_ns = a.clock_ns.values[i[CLOCK]];
  p.family = a.family.values[i[FAMILY]];
  return p;
}

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

std::string format_clock(double ns) {
  std::string s = std::to_string(ns);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

std::string point_key(const PointParams& p) {
  return std::string("kind=") + to_string(p.kind) + " weight=" + p.weight.str() +
         " k=" + std::to_string(p.k) + " activation=" + p.activation.str() +
         " accumulator=" + (p.accumulator ? p.accumulator->str() : std::string("default")) +
         " output=" + p.output.str() + " pe=" + std::to_string(p.pe) +
         " simd=" + std::to_string(p.simd) + " mac_stages=" + std::to_string(p.mac_stages) +
         " bn=" + to_string(p.bn) + " clock_ns=" + format_clock(p.clock_ns) +
         " family=" + std::string(resources::family_name(p.family));
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
                               {"bn.", BN}};
  for (const Rule& r : rules) {
    if (msg.find(std::string(": ") + r.key) != std::string::npos) {
      return r.axis == WEIGHT && has_k(kind) ? K : r.axis;
    }
  }
  return AXIS_COUNT;
}

const char* axis_name(AxisId a) {
  static const char* names[] = {"kind",       "weight",   "k",        "activation", "accumulator",
                                "output",     "rounding", "overflow", "pe",         "simd",
                                "mac_stages", "bn",       "clock_ns", "family"};
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
    case WEIGHT:
      return at(x.weight, i[WEIGHT]);
    case K:
      return at(x.k, i[K]);
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

[[noreturn]] void fail_point(const SweepSpec& spec, AxisId axis, const GridIndex& i,
                             const std::string& key, const std::string& what) {
  throw SweepFileError(spec.where(axis_value_location(spec, axis, i)) + "axes." + axis_name(axis) +
                       ": " + what + " (point " + key + ")");
}

// The sweep's own rules, then engine::validate.
void check_point(const SweepSpec& spec, const GridIndex& i, const DesignPoint& pt,
                 const std::vector<engine::EngineConfig>& engines) {
  const PointParams& p = pt.params;
  if (has_k(p.kind)) {
    const fx::KhotType t = weight_khot(p);
    if (p.k > t.magnitude_bits()) {
      fail_point(spec, K, i, pt.key,
                 "K = " + std::to_string(p.k) + " is larger than the " +
                     std::to_string(t.magnitude_bits()) + " magnitude bits of weight " +
                     p.weight.str());
    }
    if (p.kind == UnitKind::SPT && !p.weight.is_signed) {
      fail_point(spec, WEIGHT, i, pt.key, "spt weights are signed; expected a fixed<W,I> weight");
    }
  }
  if (spec.workload.in_features % p.simd != 0) {
    fail_point(spec, SIMD, i, pt.key,
               "SIMD = " + std::to_string(p.simd) + " does not divide workload.in_features = " +
                   std::to_string(spec.workload.in_features));
  }
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
      fail_point(spec, axis_of_message(e.what(), p.kind), i, pt.key, msg);
    }
  }
}

}  // namespace

engine::EngineConfig make_config(const SweepSpec& spec, const PointParams& p) {
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
    cfg.accumulator = fx::accumulator_type(cfg.activation, w, cfg.in_features, fx::Overflow::WRAP);
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
    bn.activation = spec.bn.activation;
    bn.clip = spec.bn.clip;
    bn.stages = spec.bn.stages;
    cfg.bn = bn;
  }
  cfg.distribution = spec.workload.distribution;
  return cfg;
}

std::uint64_t grid_size(const SweepSpec& spec) {
  std::uint64_t n = 0;
  for (UnitKind k : spec.axes.kind.values) n += count_for(spec.axes, k);
  return n;
}

std::vector<DesignPoint> expand_sweep(const SweepSpec& spec) {
  const std::uint64_t total = grid_size(spec);
  if (total > kMaxGrid) {
    throw SweepFileError(spec.where(spec.axes_table) + "axes: the grid has " +
                         std::to_string(total) + " points, more than " + std::to_string(kMaxGrid) +
                         "; expected fewer axis values");
  }
  std::vector<GridIndex> grid = enumerate(spec.axes);
  if (spec.sampling == Sampling::RANDOM && static_cast<std::uint64_t>(spec.samples) < total) {
    // A seeded partial Fisher-Yates shuffle picks `samples` distinct grid points; they keep grid
    // order (ids ascend with the grid position). The mapping from the generator's words is ours
    // (no std::*_distribution), so the sample is the same on every platform.
    std::mt19937_64 rng(spec.seed ^ kSampleStream);
    std::vector<std::size_t> order(grid.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    const auto n = static_cast<std::size_t>(spec.samples);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t j = i + static_cast<std::size_t>(rng() % (order.size() - i));
      std::swap(order[i], order[j]);
    }
    order.resize(n);
    std::sort(order.begin(), order.end());
    std::vector<GridIndex> sample;
    sample.reserve(n);
    for (std::size_t i : order) sample.push_back(grid[i]);
    grid.swap(sample);
  }
  std::vector<DesignPoint> points;
  points.reserve(grid.size());
  for (const GridIndex& i : grid) {
    DesignPoint pt;
    pt.id = static_cast<std::int64_t>(points.size());
    pt.params = params_at(spec, i);
    pt.key = point_key(pt.params);
    pt.per_layer = spec.workload.kind == WorkloadKind::MODEL;
    std::vector<engine::EngineConfig> engines;
    try {
      if (pt.per_layer) {
        engines = model_layer_configs(spec, pt.params);
      } else {
        engines = {make_config(spec, pt.params)};  // a K-hot weight with a bad K is built unchecked
      }
    } catch (const engine::PointFileError& e) {
      fail_point(spec, axis_of_message(e.what(), pt.params.kind), i, pt.key, e.what());
    } catch (const fx::FxTypeError& e) {
      fail_point(spec, ACCUMULATOR, i, pt.key,
                 std::string("the default accumulator cannot exist: ") + e.what() +
                     "; expected an explicit accumulator type");
    }
    check_point(spec, i, pt, engines);
    for (const engine::EngineConfig& c : engines) pt.engines.push_back(engine::elaborate(c));
    points.push_back(std::move(pt));
  }
  return points;
}

std::vector<bool> rtl_selection(const SweepSpec& spec, std::size_t points) {
  if (spec.rtl_check == RtlCheckMode::ALL) return std::vector<bool>(points, true);
  std::vector<bool> chosen(points, false);
  if (spec.rtl_check == RtlCheckMode::NONE) return chosen;
  std::vector<std::size_t> order(points);
  for (std::size_t i = 0; i < points; ++i) order[i] = i;
  std::mt19937_64 rng(spec.seed ^ kRtlStream);
  const std::size_t n = std::min<std::size_t>(points, static_cast<std::size_t>(spec.rtl_samples));
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t j = i + static_cast<std::size_t>(rng() % (points - i));
    std::swap(order[i], order[j]);
    chosen[order[i]] = true;
  }
  return chosen;
}

}  // namespace fxsim::explore
