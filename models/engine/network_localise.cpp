#include "models/engine/network_localise.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "fx/cast.hpp"
#include "models/units/bn_act/bn_act.hpp"
#include "models/units/fx_mac_pe/fx_mac_pe.hpp"
#include "models/units/khot_pe/khot_pe.hpp"
#include "models/units/mvau/mvau.hpp"

namespace fxsim::engine {
namespace {

constexpr fx::Rounding kRoundings[] = {fx::Rounding::RND,         fx::Rounding::RND_ZERO,
                                       fx::Rounding::RND_MIN_INF, fx::Rounding::RND_INF,
                                       fx::Rounding::RND_CONV,    fx::Rounding::TRN,
                                       fx::Rounding::TRN_ZERO};
constexpr fx::Overflow kOverflows[] = {fx::Overflow::SAT, fx::Overflow::SAT_ZERO,
                                       fx::Overflow::SAT_SYM, fx::Overflow::WRAP,
                                       fx::Overflow::WRAP_SM};

// The first index where two maps differ (a missing value differs), and how many do.
struct Difference {
  std::size_t first = 0;
  std::uint64_t count = 0;
};
std::optional<Difference> compare(const std::vector<std::int64_t>& expected,
                                  const std::vector<std::int64_t>& got) {
  std::optional<Difference> d;
  const std::size_t n = std::max(expected.size(), got.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (i < expected.size() && i < got.size() && expected[i] == got[i]) continue;
    if (!d) d = Difference{i, 0};
    ++d->count;
  }
  return d;
}

std::int64_t at(const std::vector<std::int64_t>& v, std::size_t i) {
  return i < v.size() ? v[i] : 0;
}

// A rounding / overflow cast as words: "exact", "a tie, rounded RND_CONV", "inexact, rounded
// TRN", with ", saturated SAT" (or the overflow mode) when it overflowed.
std::string cast_event(const fx::CastFlags& f, const fx::FxType& t) {
  std::string e = f.tie       ? fmt::format("a tie, rounded {}", fx::to_string(t.rounding))
                  : f.inexact ? fmt::format("inexact, rounded {}", fx::to_string(t.rounding))
                              : std::string("exact");
  if (f.overflow) {
    const fx::Overflow o = fx::effective_overflow(t);
    const bool wraps = o == fx::Overflow::WRAP || o == fx::Overflow::WRAP_SM;
    e += fmt::format(", {} {}", wraps ? "wrapped" : "saturated", fx::to_string(o));
  }
  return e;
}

// The MVAU input vector of output pixel (y, x) of image `image`: a convolution's window in the
// sliding window's order (zero outside the map and on padded lanes), a dense layer's whole map
// flattened in stream order with its channels padded.
std::vector<std::int64_t> mvau_vector(const BlockPlan& b, const std::vector<std::int64_t>& in,
                                      int image, int y, int x) {
  const int cp = b.in.padded_channels();
  const std::size_t per_image = static_cast<std::size_t>(b.in.elements());
  auto value = [&](int iy, int ix, int c) -> std::int64_t {
    if (iy < 0 || ix < 0 || iy >= b.in.h || ix >= b.in.w || c >= b.in.c) return 0;
    return in[static_cast<std::size_t>(image) * per_image +
              (static_cast<std::size_t>(iy) * static_cast<std::size_t>(b.in.w) +
               static_cast<std::size_t>(ix)) *
                  static_cast<std::size_t>(b.in.c) +
              static_cast<std::size_t>(c)];
  };
  std::vector<std::int64_t> v;
  if (b.window) {
    const units::ConvShape s = b.window->shape();
    for (int ky = 0; ky < s.kernel; ++ky) {
      for (int kx = 0; kx < s.kernel; ++kx) {
        for (int c = 0; c < cp; ++c) {
          v.push_back(value(y * s.stride - s.padding + ky, x * s.stride - s.padding + kx, c));
        }
      }
    }
  } else {
    for (int iy = 0; iy < b.in.h; ++iy) {
      for (int ix = 0; ix < b.in.w; ++ix) {
        for (int c = 0; c < cp; ++c) v.push_back(value(iy, ix, c));
      }
    }
  }
  return v;
}

// RND_STOCH stages are judged by their floor (TRN): a stochastic result is the floor or one LSB
// above it, which the deterministic modes tried below cover, and its draws are not needed to name
// the stage (the lanes' state at the mismatch is not replayed here).
fx::FxType without_draws(fx::FxType t) {
  if (fx::is_stochastic(t.rounding)) t.rounding = fx::Rounding::TRN;
  return t;
}

// The reference accumulator of output channel o for input vector a, beat by beat through the
// PE's accumulator (ACC_W wrap or saturation after each beat, as the hardware), and the exact
// sum without ACC_W.
struct AccumulatorValue {
  std::int64_t acc = 0, exact = 0;
};
AccumulatorValue accumulate(const units::MvauConfig& cfg, const units::MvauWeights& w, int o,
                            const std::vector<std::int64_t>& a) {
  units::AccumulatorConfig ac = cfg.acc();
  ac.out = without_draws(ac.out);  // only the accumulator's value is read
  units::Accumulator acc(ac);
  AccumulatorValue r;
  const std::size_t row = static_cast<std::size_t>(o) * a.size();
  for (std::size_t i = 0; i < a.size(); i += static_cast<std::size_t>(cfg.simd)) {
    const int lanes = static_cast<int>(std::min<std::size_t>(cfg.simd, a.size() - i));
    const std::int64_t sum = cfg.kind == units::PeKind::MAC
                                 ? units::mac_beat_sum(&a[i], &w.raw[row + i], lanes)
                                 : units::khot_beat_sum(&a[i], &w.terms[row + i], lanes);
    r.exact += sum;
    acc.beat(sum, i == 0, i + static_cast<std::size_t>(cfg.simd) >= a.size());
  }
  r.acc = acc.value();
  return r;
}

void locate(std::size_t i, const MapShape& out, MismatchLocation* m) {
  const std::size_t per_image = static_cast<std::size_t>(out.elements());
  m->image = static_cast<int>(i / per_image);
  const std::size_t in_image = i % per_image;
  m->c = static_cast<int>(in_image % static_cast<std::size_t>(out.c));
  const std::size_t pixel = in_image / static_cast<std::size_t>(out.c);
  m->y = static_cast<int>(pixel / static_cast<std::size_t>(out.w));
  m->x = static_cast<int>(pixel % static_cast<std::size_t>(out.w));
}

// Accumulator or MAC requantizer, at a located mismatch of the MAC array's output.
void mac_stage(const BlockPlan& b, const NetworkOperands& ops, const std::vector<std::int64_t>& in,
               MismatchLocation* m) {
  const units::MvauConfig cfg = units::MvauConfig::from(b.mvau_params);
  const units::AccumulatorConfig& ac = cfg.acc();
  const units::MvauWeights w = mvau_weights(b, ops.blocks[static_cast<std::size_t>(b.index)]);
  const AccumulatorValue v = accumulate(cfg, w, m->c, mvau_vector(b, in, m->image, m->y, m->x));
  fx::CastFlags flags;
  fx::cast_from_raw(v.acc, ac.product_frac(), without_draws(ac.out), &flags);
  bool requantizer = false;
  for (const fx::Rounding q : kRoundings) {
    for (const fx::Overflow o : kOverflows) {
      fx::FxType t = ac.out;
      t.rounding = q;
      t.overflow = o;
      if (o == fx::Overflow::WRAP_SM && !t.is_signed) continue;
      requantizer = requantizer || fx::cast_from_raw(v.acc, ac.product_frac(), t) == m->got;
    }
  }
  m->format = ac.out.str();
  if (requantizer) {
    m->stage = MismatchStage::MAC_REQUANTIZER;
    m->event = cast_event(flags, ac.out);
  } else {
    m->stage = MismatchStage::ACCUMULATOR;
    m->event =
        v.acc != v.exact
            ? fmt::format("the accumulator overflowed ACC_W = {} bits ({}), then {}", ac.acc.width,
                          fx::to_string(ac.acc.overflow), cast_event(flags, ac.out))
            : fmt::format("no accumulator overflow (ACC_W = {} bits), then {}", ac.acc.width,
                          cast_event(flags, ac.out));
  }
}

// BN or activation, at a located mismatch of a BN block's output whose MAC map is right.
void bn_stage(const BlockPlan& b, const NetworkOperands& ops, std::int64_t mac,
              MismatchLocation* m) {
  const units::MvauConfig unit = units::MvauConfig::from(b.mvau_params);
  units::MvauConfig cfg = unit;
  cfg.bn_cfg.out = without_draws(unit.bn_cfg.out);
  const units::MvauBn bn = mvau_bn(b, ops.blocks[static_cast<std::size_t>(b.index)]);
  const std::size_t o = static_cast<std::size_t>(m->c);
  const units::BnActResult r =
      units::bn_act(cfg.bn_cfg, mac, bn.scale.empty() ? 0 : bn.scale[o],
                    bn.scale_terms.empty() ? fx::Terms{} : bn.scale_terms[o], bn.bias[o]);
  // Pipeline order: BN's requantizer first. It is to blame when some rounding / overflow mode of
  // it, followed by the right activation, gives the got raw.
  bool requantizer = false;
  for (const fx::Rounding q : kRoundings) {
    for (const fx::Overflow o : kOverflows) {
      fx::FxType t = cfg.bn_cfg.out;
      t.rounding = q;
      t.overflow = o;
      if (o == fx::Overflow::WRAP_SM && !t.is_signed) continue;
      const std::int64_t raw = fx::cast_from_raw(r.t, cfg.bn_cfg.sum_frac(), t);
      requantizer = requantizer || units::activate(cfg.bn_cfg, raw) == m->got;
    }
  }
  // Otherwise the activation, when the right requantized raw with no activation or another one
  // gives it.
  bool activation = !requantizer && m->got == r.requantized.raw;
  for (const auto& [name, act] : units::activation_names()) {
    units::BnActConfig other = cfg.bn_cfg;
    other.act = act;
    activation =
        activation || (!requantizer && units::activate(other, r.requantized.raw) == m->got);
  }
  m->format = unit.bn_cfg.out.str();
  const std::string_view act = units::activation_name(cfg.bn_cfg.act);
  if (activation) {
    m->stage = MismatchStage::ACTIVATION;
    m->event = r.y != r.requantized.raw
                   ? fmt::format("{} changed {} to {}", act, r.requantized.raw, r.y)
                   : fmt::format("{} kept {}", act, r.y);
  } else {
    m->stage = MismatchStage::BN;
    m->event = fmt::format("MAC {} scaled and biased, {}", mac,
                           cast_event(r.requantized.flags, unit.bn_cfg.out));
  }
}

// The pool's window as the event: its raws, the maximum the reference took.
void pool_stage(const BlockPlan& b, const std::vector<std::int64_t>& in, MismatchLocation* m) {
  m->stage = MismatchStage::POOL;
  m->format = b.out.format.str();
  const int k = b.pool->pool;
  const std::size_t per_image = static_cast<std::size_t>(b.in.elements());
  std::string raws;
  for (int dy = 0; dy < k; ++dy) {
    for (int dx = 0; dx < k; ++dx) {
      const std::size_t i =
          static_cast<std::size_t>(m->image) * per_image +
          (static_cast<std::size_t>(m->y * k + dy) * static_cast<std::size_t>(b.in.w) +
           static_cast<std::size_t>(m->x * k + dx)) *
              static_cast<std::size_t>(b.in.c) +
          static_cast<std::size_t>(m->c);
      raws += (raws.empty() ? "" : " ") + std::to_string(in[i]);
    }
  }
  m->event = fmt::format("max of the {}x{} window {{{}}}", k, k, raws);
}

}  // namespace

const char* to_string(MismatchStage s) {
  switch (s) {
    case MismatchStage::ACCUMULATOR:
      return "accumulator";
    case MismatchStage::MAC_REQUANTIZER:
      return "MAC requantizer";
    case MismatchStage::BN:
      return "BN";
    case MismatchStage::ACTIVATION:
      return "activation";
    case MismatchStage::POOL:
      return "pool";
  }
  return "?";
}

std::optional<MismatchLocation> localise_mismatch(const NetworkPlan& plan,
                                                  const NetworkOperands& ops,
                                                  const NetworkReference& ref,
                                                  const ObservedMaps& observed) {
  const std::size_t n = plan.blocks.size();
  if (!observed.block_maps || observed.block_maps->size() != n || !observed.mac_maps ||
      observed.mac_maps->size() != n) {
    throw std::invalid_argument("mismatch localisation: the observed maps do not cover the " +
                                std::to_string(n) + " blocks");
  }
  const std::vector<std::int64_t>* in = &ops.images;
  for (const BlockPlan& b : plan.blocks) {
    const std::size_t i = static_cast<std::size_t>(b.index);
    const std::vector<std::int64_t>& got = (*observed.block_maps)[i];
    MismatchLocation m;
    m.block = b.index;
    m.block_name = b.layer.name;
    m.kind = std::string(to_string(b.layer.kind));
    const bool bn = b.mvau && b.mvau->bn;
    if (bn) {
      const std::vector<std::int64_t>& mac = (*observed.mac_maps)[i];
      if (const std::optional<Difference> d = compare(ref.mac_maps[i], mac)) {
        locate(d->first, b.out, &m);
        m.expected = at(ref.mac_maps[i], d->first);
        m.got = at(mac, d->first);
        m.differing = d->count;
        mac_stage(b, ops, *in, &m);
        return m;
      }
    }
    if (const std::optional<Difference> d = compare(ref.maps[i], got)) {
      locate(d->first, b.out, &m);
      m.expected = at(ref.maps[i], d->first);
      m.got = at(got, d->first);
      m.differing = d->count;
      if (b.pool) {
        pool_stage(b, *in, &m);
      } else if (bn) {
        bn_stage(b, ops, at(ref.mac_maps[i], d->first), &m);
      } else {
        mac_stage(b, ops, *in, &m);
      }
      return m;
    }
    in = &ref.maps[i];
  }
  return std::nullopt;
}

std::string describe(const MismatchLocation& m) {
  return fmt::format(
      "block {} ({}), image {}, pixel (y {}, x {}), channel {}, stage {}: expected {}, got {} "
      "({}; reference: {}); {} value{} of the stage differ{}",
      m.block_name, m.kind, m.image, m.y, m.x, m.c, to_string(m.stage), m.expected, m.got, m.format,
      m.event, m.differing, m.differing == 1 ? "" : "s", m.differing == 1 ? "s" : "");
}

}  // namespace fxsim::engine
