// mvau: the Verilated RTL and the sc_module model (models/streaming/mvau_model.hpp) in lock step
// under random valid / ready stalls, every cycle's handshakes and data equal; the outputs equal to
// a brute-force matrix-vector product written here with fx/ casts (and the reference of
// models/units equal to it); the weight memory image laid out here from the definition and equal
// to the unit's; the stall-free cycle count equal to 1 + N*SF*NF + STAGES; a hand-worked example;
// the check able to fail; bad parameters rejected by name and range.
#include "models/units/mvau/mvau.hpp"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "fx/cast.hpp"
#include "fx/lfsr.hpp"
#include "fx/stochastic.hpp"
#include "models/streaming/mvau_model.hpp"
#include "models/units/unit_registry.hpp"
#include "testbenches/env/simulation_scope.hpp"
#include "testbenches/rtl/rtl_variants.hpp"
#include "testbenches/rtl/stream_cosim.hpp"
#include "testbenches/rtl/test_env.hpp"

namespace {

namespace units = fxsim::units;
namespace fx = fxsim::fx;
namespace rv = fxsim::rtl_variants;
using namespace fxsim::rtl_test;

// The resolved parameters, read here by name (not through MvauConfig) for the brute force.
struct Params {
  units::ParamMap p;
  int operator()(const char* name) const { return static_cast<int>(p.at(name)); }
};

Params params_of(const units::ParamMap& overrides) {
  return {units::resolve_params(units::find_unit("mvau"), overrides)};
}

units::MvauConfig config_of(const Params& p) { return units::MvauConfig::from(p.p); }

std::int64_t lo_of(int w, bool is_signed) { return is_signed ? -(std::int64_t{1} << (w - 1)) : 0; }
std::int64_t hi_of(int w, bool is_signed) {
  return is_signed ? (std::int64_t{1} << (w - 1)) - 1 : (std::int64_t{1} << w) - 1;
}

bool xnor_binary_acts(const Params& p) { return p("PE_KIND") == 2 && p("XNOR_MODE") == 0; }
// Bits of an input lane: 1 for binary activations, else A_W.
int a_lane(const Params& p) { return xnor_binary_acts(p) ? 1 : p("A_W"); }

// A random matrix: W_* raws, up to K terms of random sign and shift, or +1 / -1 (/ 0 ternary).
units::MvauWeights random_weights(const Params& p, std::mt19937_64& rng) {
  units::MvauWeights w;
  const std::size_t n = static_cast<std::size_t>(p("MW")) * p("MH");
  if (p("PE_KIND") == 2) {
    const bool ternary = p("XNOR_MODE") == 2;
    for (std::size_t i = 0; i < n; ++i) {
      w.raw.push_back(ternary ? static_cast<std::int64_t>(rng() % 3) - 1 : rng() % 2 ? 1 : -1);
    }
  } else if (p("PE_KIND") == 0) {
    std::uniform_int_distribution<std::int64_t> v(lo_of(p("W_W"), p("W_SIGNED")),
                                                  hi_of(p("W_W"), p("W_SIGNED")));
    for (std::size_t i = 0; i < n; ++i) w.raw.push_back(v(rng));
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      fx::Terms t(rng() % (p("K") + 1));
      for (fx::Term& term : t) term = {rng() % 2 == 1, static_cast<int>(rng() % (1 << p("SH_W")))};
      w.terms.push_back(t);
    }
  }
  return w;
}

std::vector<std::int64_t> random_vector(const Params& p, std::mt19937_64& rng) {
  const bool bits = xnor_binary_acts(p);
  const std::int64_t lo = bits ? 0 : lo_of(p("A_W"), p("A_SIGNED"));
  const std::int64_t hi = bits ? 1 : hi_of(p("A_W"), p("A_SIGNED"));
  std::uniform_int_distribution<std::int64_t> v(lo, hi);
  std::vector<std::int64_t> x;
  for (int e = 0; e < p("MW"); ++e) {
    const auto pick = rng() % 8;
    x.push_back(pick == 0 ? lo : pick == 1 ? hi : v(rng));  // the extremes often
  }
  return x;
}

// The weight memory, laid out from the definition: word (f, s) = row f*SF + s holds, for PE p
// and lane i (word p*SIMD + i), the weight of output f*PE + p and element s*SIMD + i; a weight
// is its raw's low W_W bits, K terms {en, neg, shift} of 2 + SH_W bits, term k at k*(2+SH_W),
// or xnor_pe's code: binary 1 = +1, 0 = -1; ternary {nonzero, negative}: 0b10, 0b11, 0b00.
units::WeightImage image_of(const Params& p, const units::MvauConfig& c,
                            const units::MvauWeights& w) {
  const int sf = p("MW") / p("SIMD"), nf = p("MH") / p("PE");
  units::WeightImage image(c.mem);
  for (int f = 0; f < nf; ++f) {
    for (int s = 0; s < sf; ++s) {
      units::WeightBeat row;
      for (int pe = 0; pe < p("PE"); ++pe) {
        for (int i = 0; i < p("SIMD"); ++i) {
          const std::size_t at =
              static_cast<std::size_t>(f * p("PE") + pe) * p("MW") + s * p("SIMD") + i;
          std::uint64_t word = 0;
          if (p("PE_KIND") == 2) {
            const std::int64_t v = w.raw[at];
            word = p("XNOR_MODE") == 2 ? (v == 0 ? 0b00 : v > 0 ? 0b10 : 0b11) : (v > 0 ? 1 : 0);
          } else if (p("PE_KIND") == 0) {
            word = static_cast<std::uint64_t>(w.raw[at]) & low_mask(p("W_W"));
          } else {
            const int tw = 2 + p("SH_W");
            for (std::size_t k = 0; k < w.terms[at].size(); ++k) {
              const fx::Term& t = w.terms[at][k];
              word |= ((std::uint64_t{1} << (tw - 1)) |
                       (static_cast<std::uint64_t>(t.negative) << (tw - 2)) |
                       static_cast<std::uint64_t>(t.shift))
                      << (k * tw);
            }
          }
          row.push_back(word);
        }
      }
      image.write(f * sf + s, row);
    }
  }
  return image;
}

// Brute force: output o = requant_OUT(acc) where acc starts at 0 and after each beat of SIMD
// elements becomes cast_ACC(acc + sum of the beat's exact products) (the accumulator wraps or
// saturates per beat, keeping every fraction bit). brute_acc: the accumulators (PF fraction
// bits), brute_force: their requant.
// PE_KIND 2: the accumulator itself, each beat adding the products of the lanes' values (a
// binary activation bit b standing for 2b - 1) with the +1 / -1 / 0 weights.
std::vector<std::int64_t> brute_force_xnor(const Params& p, const std::vector<std::int64_t>& x,
                                           const units::MvauWeights& w) {
  const fx::FxType acc_t = fx::FxType::make(true, p("ACC_W"), p("ACC_W"), fx::Rounding::TRN,
                                            static_cast<fx::Overflow>(p("ACC_O")));
  std::vector<std::int64_t> y;
  for (int o = 0; o < p("MH"); ++o) {
    std::int64_t acc = 0;
    for (int s = 0; s < p("MW") / p("SIMD"); ++s) {
      std::int64_t beat = 0;
      for (int i = 0; i < p("SIMD"); ++i) {
        const int e = s * p("SIMD") + i;
        const std::int64_t a = x[static_cast<std::size_t>(e)];
        beat += (xnor_binary_acts(p) ? 2 * a - 1 : a) *
                w.raw[static_cast<std::size_t>(o) * p("MW") + e];
      }
      acc = fx::cast_from_raw(acc + beat, 0, acc_t);
    }
    y.push_back(acc);
  }
  return y;
}

fx::FxType out_type(const Params& p) {
  fx::FxType out_t = fx::FxType::make(p("OUT_SIGNED") != 0, p("OUT_W"), p("OUT_W") - p("OUT_FRAC"),
                                      static_cast<fx::Rounding>(p("Q")),
                                      static_cast<fx::Overflow>(p("O")), p("N"));
  if (p("AP") != 0) out_t = out_t.with_semantics(fx::Semantics::AP_FIXED);
  return out_t;
}

std::vector<std::int64_t> brute_acc(const Params& p, const std::vector<std::int64_t>& x,
                                    const units::MvauWeights& w) {
  const int pf = p("A_FRAC") + p("W_FRAC");
  const fx::FxType acc_t = fx::FxType::make(true, p("ACC_W"), p("ACC_W") - pf, fx::Rounding::TRN,
                                            static_cast<fx::Overflow>(p("ACC_O")));
  std::vector<std::int64_t> y;
  for (int o = 0; o < p("MH"); ++o) {
    std::int64_t acc = 0;
    for (int s = 0; s < p("MW") / p("SIMD"); ++s) {
      std::int64_t beat = 0;
      for (int i = 0; i < p("SIMD"); ++i) {
        const int e = s * p("SIMD") + i;
        const std::size_t at = static_cast<std::size_t>(o) * p("MW") + e;
        if (p("PE_KIND") == 0) {
          beat += x[static_cast<std::size_t>(e)] * w.raw[at];
        } else {
          for (const fx::Term& t : w.terms[at]) {
            const std::int64_t shifted =
                x[static_cast<std::size_t>(e)] * (std::int64_t{1} << t.shift);
            beat += t.negative ? -shifted : shifted;
          }
        }
      }
      acc = fx::cast_from_raw(acc + beat, pf, acc_t);
    }
    y.push_back(acc);
  }
  return y;
}

std::vector<std::int64_t> brute_force(const Params& p, const std::vector<std::int64_t>& x,
                                      const units::MvauWeights& w) {
  if (p("PE_KIND") == 2) return brute_force_xnor(p, x, w);
  std::vector<std::int64_t> y = brute_acc(p, x, w);
  for (std::int64_t& v : y) v = fx::cast_from_raw(v, p("A_FRAC") + p("W_FRAC"), out_type(p));
  return y;
}

// BN = 1: a random scale (BN_S_* raws, or up to BN_K terms) and signed BN_B_W bias per output.
units::MvauBn random_bn(const Params& p, std::mt19937_64& rng) {
  units::MvauBn bn;
  std::uniform_int_distribution<std::int64_t> s(lo_of(p("BN_S_W"), p("BN_S_SIGNED")),
                                                hi_of(p("BN_S_W"), p("BN_S_SIGNED")));
  std::uniform_int_distribution<std::int64_t> b(lo_of(p("BN_B_W"), true), hi_of(p("BN_B_W"), true));
  for (int o = 0; o < p("MH"); ++o) {
    if (p("BN_SCALE_KIND") == 0) {
      bn.scale.push_back(s(rng));
    } else {
      fx::Terms t(rng() % (p("BN_K") + 1));
      for (fx::Term& term : t) {
        term = {rng() % 2 == 1, static_cast<int>(rng() % (1 << p("BN_SH_W")))};
      }
      bn.scale_terms.push_back(t);
    }
    bn.bias.push_back(b(rng));
  }
  return bn;
}

// Brute force of the bn_act lane on output o (activations none, relu, relu-clip): t = x * scale
// + bias exactly on the finer LSB (bn_sum: t and its fraction bits), requantized to BN_OUT_*,
// then the activation on raws (activate).
std::int64_t bn_sum(const Params& p, std::int64_t x, const units::MvauBn& bn, int o, int* frac) {
  const std::size_t i = static_cast<std::size_t>(o);
  std::int64_t prod = 0;
  if (p("BN_SCALE_KIND") == 0) {
    prod = x * bn.scale[i];
  } else {
    for (const fx::Term& t : bn.scale_terms[i]) {
      prod += (t.negative ? -x : x) * (std::int64_t{1} << t.shift);
    }
  }
  const int pf = p("OUT_FRAC") + p("BN_S_FRAC"), bf = p("BN_B_FRAC");
  const int f = std::max(pf, bf);
  *frac = f;
  return prod * (std::int64_t{1} << (f - pf)) + bn.bias[i] * (std::int64_t{1} << (f - bf));
}

fx::FxType bn_out_type(const Params& p) {
  fx::FxType out_t = fx::FxType::make(
      p("BN_OUT_SIGNED") != 0, p("BN_OUT_W"), p("BN_OUT_W") - p("BN_OUT_FRAC"),
      static_cast<fx::Rounding>(p("BN_Q")), static_cast<fx::Overflow>(p("BN_O")), p("BN_N"));
  if (p("BN_AP") != 0) out_t = out_t.with_semantics(fx::Semantics::AP_FIXED);
  return out_t;
}

std::int64_t activate(const Params& p, std::int64_t r) {
  switch (p("BN_ACT")) {
    case 0:
      return r;
    case 1:
      return std::max<std::int64_t>(r, 0);
    case 2:
      return std::min<std::int64_t>(std::max<std::int64_t>(r, 0), p("BN_CLIP"));
    default:
      ADD_FAILURE() << "the brute force covers activations none, relu and relu-clip";
      return 0;
  }
}

std::int64_t brute_bn(const Params& p, std::int64_t x, const units::MvauBn& bn, int o) {
  int f = 0;
  const std::int64_t t = bn_sum(p, x, bn, o, &f);
  return activate(p, fx::cast_from_raw(t, f, bn_out_type(p)));
}

// BN = 2: per output TH_T random ascending thresholds in [x_min - 1, x_max + 1] of the OUT_W-bit
// result, drawn mostly near zero (where the results are), and a random direction.
units::MvauBn random_thresholds(const Params& p, std::mt19937_64& rng) {
  units::MvauBn bn;
  const std::int64_t x_lo = lo_of(p("OUT_W"), true) - 1, x_hi = hi_of(p("OUT_W"), true) + 1;
  const std::int64_t near = std::max<std::int64_t>(4, p("MW"));
  std::uniform_int_distribution<std::int64_t> all(x_lo, x_hi),
      mid(std::max(x_lo, -near), std::min(x_hi, near));
  for (int o = 0; o < p("MH"); ++o) {
    units::ThresholdChannel ch;
    ch.descending = rng() % 2 == 1;
    for (int k = 0; k < p("TH_T"); ++k)
      ch.thresholds.push_back(rng() % 8 == 0 ? all(rng) : mid(rng));
    std::sort(ch.thresholds.begin(), ch.thresholds.end());
    bn.thresholds.push_back(ch);
  }
  return bn;
}

// The threshold count of result x on output o: #{k : x >= t_k}, or #{k : x <= t_k} descending.
std::int64_t brute_threshold(std::int64_t x, const units::ThresholdChannel& ch) {
  std::int64_t n = 0;
  for (const std::int64_t t : ch.thresholds) n += ch.descending ? x <= t : x >= t;
  return n;
}

// Writes the threshold memory through the RTL's bn_wr port: word f holds, for PE p at
// [p*WORD +: WORD] (WORD = TH_T * (OUT_W + 1) + 1), output f*PE + p's direction in bit 0 and
// threshold k at [1 + k*(OUT_W + 1) +: OUT_W + 1].
void write_thresholds(Dut& dut, const Params& p, const units::MvauBn& bn) {
  const int th_w = p("OUT_W") + 1, word = p("TH_T") * th_w + 1;
  dut.clk = 0;
  dut.eval();
  for (int f = 0; f < p("MH") / p("PE"); ++f) {
    dut.bn_wr_en = 1;
    dut.bn_wr_addr = static_cast<std::uint64_t>(f);
    for (int pe = 0; pe < p("PE"); ++pe) {
      const units::ThresholdChannel& ch = bn.thresholds[static_cast<std::size_t>(f * p("PE") + pe)];
      put_bits(dut.bn_wr_data, pe * word, 1, ch.descending ? 1 : 0);
      for (int k = 0; k < p("TH_T"); ++k) {
        put_bits(dut.bn_wr_data, pe * word + 1 + k * th_w, th_w,
                 static_cast<std::uint64_t>(ch.thresholds[static_cast<std::size_t>(k)]) &
                     low_mask(th_w));
      }
    }
    tick(dut);
  }
  dut.bn_wr_en = 0;
  dut.eval();
}

// Writes the scale / bias memory through the RTL's bn_wr port: word f holds, for PE p at
// [p*(SCALE_W + B_W) +: ...], output f*PE + p's scale (low SCALE_W bits: the raw, or BN_K terms
// {en, neg, shift}) and bias above it.
void write_bn(Dut& dut, const Params& p, const units::MvauBn& bn) {
  const int tw = 2 + p("BN_SH_W");
  const int sw = p("BN_SCALE_KIND") == 0 ? p("BN_S_W") : p("BN_K") * tw;
  const int word = sw + p("BN_B_W");
  dut.clk = 0;
  dut.eval();
  for (int f = 0; f < p("MH") / p("PE"); ++f) {
    dut.bn_wr_en = 1;
    dut.bn_wr_addr = static_cast<std::uint64_t>(f);
    for (int pe = 0; pe < p("PE"); ++pe) {
      const std::size_t o = static_cast<std::size_t>(f * p("PE") + pe);
      std::uint64_t scale = 0;
      if (p("BN_SCALE_KIND") == 0) {
        scale = static_cast<std::uint64_t>(bn.scale[o]) & low_mask(sw);
      } else {
        for (std::size_t k = 0; k < bn.scale_terms[o].size(); ++k) {
          const fx::Term& t = bn.scale_terms[o][k];
          scale |= ((std::uint64_t{1} << (tw - 1)) |
                    (static_cast<std::uint64_t>(t.negative) << (tw - 2)) |
                    static_cast<std::uint64_t>(t.shift))
                   << (k * tw);
        }
      }
      put_bits(dut.bn_wr_data, pe * word, sw, scale);
      put_bits(dut.bn_wr_data, pe * word + sw, p("BN_B_W"),
               static_cast<std::uint64_t>(bn.bias[o]) & low_mask(p("BN_B_W")));
    }
    tick(dut);
  }
  dut.bn_wr_en = 0;
  dut.eval();
}

// Writes the image through the RTL's port, one row an edge.
void write_weights(Dut& dut, const Params& p, const units::WeightImage& image) {
  const int ww = p("PE_KIND") == 0   ? p("W_W")
                 : p("PE_KIND") == 1 ? p("K") * (2 + p("SH_W"))
                                     : (p("XNOR_MODE") == 2 ? 2 : 1);
  const int depth = (p("MW") / p("SIMD")) * (p("MH") / p("PE"));
  dut.clk = 0;
  dut.in_valid = 0;
  dut.out_ready = 0;
  dut.eval();  // clk low first: the first tick must be a rising edge
  for (int a = 0; a < depth; ++a) {
    dut.wr_en = 1;
    dut.wr_addr = static_cast<std::uint64_t>(a);
    const units::WeightBeat& row = image.row(a);
    for (std::size_t j = 0; j < row.size(); ++j) {
      put_bits(dut.wr_data, static_cast<int>(j) * ww, ww, row[j]);
    }
    tick(dut);
  }
  dut.wr_en = 0;
  dut.eval();
}

// Input beats: SIMD elements of each vector in order; output beats: PE outputs of each fold.
std::vector<StreamData> in_beats(const Params& p,
                                 const std::vector<std::vector<std::int64_t>>& xs) {
  std::vector<StreamData> beats;
  for (const auto& x : xs) {
    for (int s = 0; s < p("MW") / p("SIMD"); ++s) {
      StreamData d;
      for (int i = 0; i < p("SIMD"); ++i)
        d.values.push_back(x[static_cast<std::size_t>(s * p("SIMD") + i)]);
      beats.push_back(d);
    }
  }
  return beats;
}

std::vector<StreamData> out_beats(const Params& p,
                                  const std::vector<std::vector<std::int64_t>>& ys) {
  std::vector<StreamData> beats;
  for (const auto& y : ys) {
    for (int f = 0; f < p("MH") / p("PE"); ++f) {
      StreamData d;
      for (int pe = 0; pe < p("PE"); ++pe)
        d.values.push_back(y[static_cast<std::size_t>(f * p("PE") + pe)]);
      beats.push_back(d);
    }
  }
  return beats;
}

CosimRun cosim(Dut& dut, StreamSignals& s, const Params& p, const std::vector<StreamData>& in,
               std::size_t outputs, const Stalls& st) {
  return run_cosim(
      dut, s, in, outputs, st, false,
      [&](Dut& d, const StreamData& b) {
        for (int i = 0; i < p("SIMD"); ++i) {
          put_bits(d.in_data, i * a_lane(p), a_lane(p),
                   static_cast<std::uint64_t>(b.values[static_cast<std::size_t>(i)]));
        }
      },
      [&](const Dut& d) {
        StreamData o;
        const bool bn = p("BN") == 1, th = p("BN") == 2;
        const int y_w = th   ? (p("TH_T") == 1   ? 1
                                : p("TH_T") <= 3 ? 2
                                                 : 0)
                        : bn ? p("BN_OUT_W")
                             : p("OUT_W");
        const bool y_signed = !th && (bn ? p("BN_OUT_SIGNED") : p("OUT_SIGNED")) != 0;
        for (int pe = 0; pe < p("PE"); ++pe) {
          o.values.push_back(to_raw(get_bits(d.out_data, pe * y_w, y_w), y_w, y_signed));
        }
        return o;
      });
}

// Stall probabilities 0, 0.3 and 0.7 on either side (p_valid / p_ready = 1 - stall).
std::vector<std::pair<double, double>> stall_patterns() {
  return {{1.0, 1.0}, {0.7, 0.7}, {0.3, 0.3}, {1.0, 0.3}, {0.3, 1.0}, {0.7, 1.0}, {1.0, 0.7}};
}

void check_variant(const char* name, const units::ParamMap& overrides, std::uint64_t salt) {
  const Params p = params_of(overrides);
  const units::MvauConfig c = config_of(p);
  std::mt19937_64 rng(base_seed() * 7919 + salt);
  const units::MvauWeights w = random_weights(p, rng);
  const units::WeightImage image = image_of(p, c, w);
  const units::WeightImage unit_image = units::mvau_weight_image(c, w);
  for (int a = 0; a < c.sf() * c.nf(); ++a) {
    ASSERT_EQ(unit_image.row(a), image.row(a)) << name << ": weight memory row " << a;
  }
  fxsim::env::SimulationScope scope;
  StreamSignals s;
  const units::MvauBn bn = p("BN") == 1   ? random_bn(p, rng)
                           : p("BN") == 2 ? random_thresholds(p, rng)
                                          : units::MvauBn{};
  fxsim::streaming::MvauModule model("mvau", c);
  s.bind(model);
  model.load(image);
  Dut dut("mvau", overrides);
  write_weights(dut, p, image);
  if (p("BN") != 0) {
    model.load_bn(bn);
    if (p("BN") == 1) write_bn(dut, p, bn);
    if (p("BN") == 2) write_thresholds(dut, p, bn);
  }
  constexpr int kVectors = 12;
  for (const auto& [pv, pr] : stall_patterns()) {
    for (int seed = 0; seed < 2; ++seed) {
      std::vector<std::vector<std::int64_t>> xs, ys;
      for (int v = 0; v < kVectors; ++v) {
        xs.push_back(random_vector(p, rng));
        std::vector<std::int64_t> y = brute_force(p, xs.back(), w);
        std::vector<std::int64_t> ref;
        for (const units::PeResult& r : units::mvau(c, xs.back(), w)) ref.push_back(r.data);
        ASSERT_EQ(ref, y) << name << ": reference vs brute force";
        for (int o = 0; o < p("MH"); ++o) {
          const auto i = static_cast<std::size_t>(o);
          if (p("BN") == 1) y[i] = brute_bn(p, y[i], bn, o);
          if (p("BN") == 2) y[i] = brute_threshold(y[i], bn.thresholds[i]);
        }
        ASSERT_EQ(units::mvau_outputs(c, xs.back(), w, bn), y)
            << name << ": outputs vs brute force";
        ys.push_back(y);
      }
      const std::vector<StreamData> expected = out_beats(p, ys);
      const CosimRun run =
          cosim(dut, s, p, in_beats(p, xs), expected.size(), Stalls{pv, pr, rng()});
      EXPECT_EQ(run.mismatches, 0u) << name << " p_valid " << pv << " p_ready " << pr;
      ASSERT_EQ(run.outputs.size(), expected.size()) << name;
      for (std::size_t i = 0; i < expected.size(); ++i) {
        ASSERT_EQ(run.outputs[i], expected[i]) << name << " output beat " << i;
      }
      if (pv == 1.0 && pr == 1.0) {
        const std::uint64_t beats =
            static_cast<std::uint64_t>(kVectors) * (p("MW") / p("SIMD")) * (p("MH") / p("PE"));
        const int latency = p("STAGES") + (p("BN") == 1   ? p("BN_STAGES")
                                           : p("BN") == 2 ? p("TH_STAGES")
                                                          : 0);
        EXPECT_EQ(run.cycles, 1 + beats + static_cast<std::uint64_t>(latency)) << name;
        EXPECT_EQ(units::mvau_stall_free_cycles(c, kVectors), run.cycles) << name;
      }
    }
  }
}

const units::ParamMap& grid_params(const char* name) {
  static const auto grid = rv::mv::grid();
  for (const auto& [n, params] : grid) {
    if (std::string(n) == name) return params;
  }
  throw std::out_of_range(name);
}

class MvauGrid : public ::testing::TestWithParam<int> {};

TEST_P(MvauGrid, LockStepUnderStallsEqualsBruteForce) {
  const auto grid = rv::mv::grid();
  const auto& [name, params] = grid[static_cast<std::size_t>(GetParam())];
  check_variant(name, params, static_cast<std::uint64_t>(GetParam()) + 1);
}

INSTANTIATE_TEST_SUITE_P(Variants, MvauGrid,
                         ::testing::Range(0, static_cast<int>(rv::mv::grid().size())),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string(
                               rv::mv::grid()[static_cast<std::size_t>(info.param)].first);
                         });

// Hand-worked (docs/rtl_units.md): MW 4, SIMD 2 (SF 2), MH 2, PE 1 (NF 2), STAGES 2, integers.
// W = [[1, -1, 2, 0], [3, 0, -2, 1]]; x = (1, 2, 3, 4) gives y = (1 - 2 + 6, 3 - 6 + 4) = (5, 1),
// x = (-1, 0, 5, 7) gives (-1 + 10, -3 - 10 + 7) = (9, -6), x = (2, 2, 2, 2) gives (4, 4).
// Stall-free: cycle 0 reads weight word 0; compute beats fire in cycles 1..12 (vector v, fold f,
// beat s in cycle 1 + 4v + 2f + s); a fold's result is on out_valid STAGES cycles after its last
// beat: cycles 4, 6, 8, 10, 12, 14; the run takes 15 cycles (1 + 3 * 4 + 2).
TEST(Mvau, HandWorked) {
  const units::ParamMap& overrides = grid_params("mv_hand");
  const Params p = params_of(overrides);
  const units::MvauConfig c = config_of(p);
  units::MvauWeights w;
  w.raw = {1, -1, 2, 0, 3, 0, -2, 1};
  const std::vector<std::vector<std::int64_t>> xs = {{1, 2, 3, 4}, {-1, 0, 5, 7}, {2, 2, 2, 2}};
  const std::vector<std::vector<std::int64_t>> ys = {{5, 1}, {9, -6}, {4, 4}};
  for (std::size_t v = 0; v < xs.size(); ++v) EXPECT_EQ(brute_force(p, xs[v], w), ys[v]);
  const units::WeightImage image = image_of(p, c, w);
  // Rows (f, s): (0,0) = W[0][0..1], (0,1) = W[0][2..3], (1,0) = W[1][0..1], (1,1) = W[1][2..3].
  EXPECT_EQ(image.row(0), (units::WeightBeat{1, 0xff}));
  EXPECT_EQ(image.row(1), (units::WeightBeat{2, 0}));
  EXPECT_EQ(image.row(2), (units::WeightBeat{3, 0}));
  EXPECT_EQ(image.row(3), (units::WeightBeat{0xfe, 1}));

  fxsim::streaming::MvauModel m(c);
  m.load(image);
  const std::vector<StreamData> in = in_beats(p, xs);
  std::vector<int> valid_cycles, ready_cycles;
  std::vector<fxsim::streaming::Lanes> out;
  std::size_t next = 0;
  for (int cycle = 0; cycle < 15; ++cycle) {
    if (m.out_valid()) {
      valid_cycles.push_back(cycle);
      out.push_back(m.out_data());
    }
    const bool offer = next < in.size();
    if (offer && m.in_ready(true)) ready_cycles.push_back(cycle);
    const bool taken = offer && m.in_ready(true);
    m.edge(offer, in[std::min(next, in.size() - 1)].values, true);
    if (taken) ++next;
  }
  EXPECT_EQ(ready_cycles, (std::vector<int>{1, 2, 5, 6, 9, 10}));  // fold 0 of each vector
  EXPECT_EQ(valid_cycles, (std::vector<int>{4, 6, 8, 10, 12, 14}));
  EXPECT_EQ(out, (std::vector<fxsim::streaming::Lanes>{{5}, {1}, {9}, {-6}, {4}, {4}}));

  fxsim::env::SimulationScope scope;
  StreamSignals s;
  fxsim::streaming::MvauModule model("mvau", c);
  s.bind(model);
  model.load(image);
  Dut dut("mvau", overrides);
  write_weights(dut, p, image);
  const CosimRun run = cosim(dut, s, p, in, 6, Stalls{1.0, 1.0, 1});
  EXPECT_EQ(run.mismatches, 0u);
  EXPECT_EQ(run.cycles, 15u);
  EXPECT_EQ(run.outputs, out_beats(p, ys));
}

// The lock-step check can fail: the RTL of STAGES 2 against a model of STAGES 3 must be caught.
TEST(Mvau, CosimCatchesAModelOfAnotherLatency) {
  const units::ParamMap& overrides = grid_params("mv_mac_p2_s4");
  const Params p = params_of(overrides);
  units::ParamMap wrong_params = p.p;
  wrong_params["STAGES"] = 3;
  const units::MvauConfig wrong = units::MvauConfig::from(wrong_params);
  std::mt19937_64 rng(5);
  const units::MvauWeights w = random_weights(p, rng);
  const units::WeightImage image = image_of(p, config_of(p), w);
  fxsim::env::SimulationScope scope;
  StreamSignals s;
  fxsim::streaming::MvauModule model("mvau", wrong);
  s.bind(model);
  model.load(image);
  Dut dut("mvau", overrides);
  write_weights(dut, p, image);
  const std::vector<StreamData> in = in_beats(p, {random_vector(p, rng), random_vector(p, rng)});
  ::testing::TestPartResultArray failures;
  CosimRun run;
  {
    ::testing::ScopedFakeTestPartResultReporter quiet(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
    run = cosim(dut, s, p, in, 4, Stalls{1.0, 1.0, 1});
  }
  EXPECT_GT(run.mismatches, 0u);
  EXPECT_GT(failures.size(), 0);
}

// ---- RND_STOCH (Q = 7, BN_Q = 7): the lane rule --------------------------------------------
// Lane p of layer L: the MAC lane (the PE of outputs f*PE + p) starts at fx::lane_state(seed, L,
// p), the bn_act lane at fx::lane_state(seed, L, PE + p), both loaded from lfsr_seed (lane i at
// [i*31 +: 31]) while rst_n is low. Each draws its bits for its outputs in order, vector by vector
// and fold by fold, whatever the stalls.

// PE 1 (SF 2, NF 3) and PE 4 (SF 3, NF 2) with BN: 6 and 12 bits dropped at the PE requant,
// 6 at bn_act's (a K-hot PE as the second: the lanes do not depend on the PE kind).
std::vector<std::pair<const char*, units::ParamMap>> stoch_variants() {
  return {
      {"mv_stoch_p1",
       rv::mv::make({8, 3, 1, 4, 0, 2, 0}, {{"Q", 7}, {"OUT_W", 8}, {"OUT_FRAC", 4}})},
      {"mv_stoch_p4_bn", rv::mv::make({12, 8, 4, 4, 0, 2, 0}, {{"Q", 7},
                                                               {"OUT_W", 10},
                                                               {"OUT_FRAC", 4},
                                                               {"BN", 1},
                                                               {"BN_S_W", 6},
                                                               {"BN_S_FRAC", 4},
                                                               {"BN_B_W", 10},
                                                               {"BN_B_FRAC", 5},
                                                               {"BN_OUT_W", 6},
                                                               {"BN_OUT_FRAC", 2},
                                                               {"BN_Q", 7},
                                                               {"BN_ACT", 0},
                                                               {"BN_STAGES", 2}})},
      {"mv_stoch_khot_p2_bn", rv::mv::make({6, 4, 2, 3, 1, 3, 0}, {{"K", 2},
                                                                   {"SH_W", 2},
                                                                   {"W_FRAC", 5},
                                                                   {"Q", 7},
                                                                   {"OUT_W", 12},
                                                                   {"OUT_FRAC", 3},
                                                                   {"BN", 1},
                                                                   {"BN_S_W", 5},
                                                                   {"BN_S_FRAC", 3},
                                                                   {"BN_B_W", 8},
                                                                   {"BN_B_FRAC", 4},
                                                                   {"BN_OUT_W", 10},
                                                                   {"BN_OUT_FRAC", 1},
                                                                   {"BN_Q", 7},
                                                                   {"BN_ACT", 0},
                                                                   {"BN_STAGES", 1}})},
  };
}

constexpr std::uint64_t kStochLayer = 3;
constexpr std::uint64_t kStochSeeds[] = {1, 2, 99};

// The brute force of a run of vectors from reset: MAC lanes and bn_act lanes as fx::Lfsr, each
// output o of each vector rounded on lane o % PE.
std::vector<std::vector<std::int64_t>> brute_stoch(const Params& p,
                                                   const std::vector<std::vector<std::int64_t>>& xs,
                                                   const units::MvauWeights& w,
                                                   const units::MvauBn& bn, std::uint64_t seed) {
  std::vector<fx::Lfsr> mac, bnl;
  for (int q = 0; q < p("PE"); ++q) {
    mac.emplace_back(fx::lane_state(seed, kStochLayer, static_cast<std::uint64_t>(q)));
    bnl.emplace_back(fx::lane_state(seed, kStochLayer, static_cast<std::uint64_t>(p("PE") + q)));
  }
  std::vector<std::vector<std::int64_t>> ys;
  for (const auto& x : xs) {
    std::vector<std::int64_t> y = brute_acc(p, x, w);
    for (int o = 0; o < p("MH"); ++o) {
      auto& v = y[static_cast<std::size_t>(o)];
      v = fx::StochasticCaster(out_type(p), mac[static_cast<std::size_t>(o % p("PE"))])
              .cast_from_raw(v, p("A_FRAC") + p("W_FRAC"));
      if (p("BN") != 0) {
        int f = 0;
        const std::int64_t t = bn_sum(p, v, bn, o, &f);
        v = activate(
            p, fx::StochasticCaster(bn_out_type(p), bnl[static_cast<std::size_t>(o % p("PE"))])
                   .cast_from_raw(t, f));
      }
    }
    ys.push_back(y);
  }
  return ys;
}

void set_lane_seeds(Dut& dut, int pe, std::uint64_t seed) {
  for (int i = 0; i < 2 * pe; ++i) {
    put_bits(dut.lfsr_seed, i * 31, 31,
             fx::lane_state(seed, kStochLayer, static_cast<std::uint64_t>(i)));
  }
}

class MvauStoch : public ::testing::TestWithParam<int> {};

TEST_P(MvauStoch, LanesUnderStallsEqualBruteForceForThreeSeeds) {
  const auto variants = stoch_variants();
  const auto& [name, overrides] = variants[static_cast<std::size_t>(GetParam())];
  const Params p = params_of(overrides);
  std::mt19937_64 rng(base_seed() * 104729 + static_cast<std::uint64_t>(GetParam()));
  const units::MvauWeights w = random_weights(p, rng);
  const units::MvauBn bn = p("BN") != 0 ? random_bn(p, rng) : units::MvauBn{};
  const units::WeightImage image = image_of(p, config_of(p), w);
  constexpr int kVectors = 16;
  std::vector<std::vector<std::int64_t>> xs;
  for (int v = 0; v < kVectors; ++v) xs.push_back(random_vector(p, rng));
  Dut dut("mvau", overrides);
  write_weights(dut, p, image);
  if (p("BN") != 0) write_bn(dut, p, bn);
  std::vector<std::vector<std::vector<std::int64_t>>> per_seed;
  for (const std::uint64_t seed : kStochSeeds) {
    const units::MvauConfig c = config_of(p).with_lanes(seed, kStochLayer);
    ASSERT_EQ(c.lfsr_seeds.size(), static_cast<std::size_t>(2 * p("PE")));
    for (int i = 0; i < 2 * p("PE"); ++i) {
      EXPECT_EQ(c.lfsr_seeds[static_cast<std::size_t>(i)],
                fx::lane_state(seed, kStochLayer, static_cast<std::uint64_t>(i)));
    }
    const std::vector<std::vector<std::int64_t>> ys = brute_stoch(p, xs, w, bn, seed);
    const std::vector<StreamData> expected = out_beats(p, ys);
    fxsim::env::SimulationScope scope;
    StreamSignals s;
    fxsim::streaming::MvauModule model("mvau", c);
    s.bind(model);
    model.load(image);
    if (p("BN") != 0) model.load_bn(bn);
    set_lane_seeds(dut, p("PE"), seed);
    // Every run starts from reset: the same lanes, the same draws whatever the stalls.
    for (const auto& [pv, pr] : stall_patterns()) {
      const CosimRun run =
          cosim(dut, s, p, in_beats(p, xs), expected.size(), Stalls{pv, pr, rng()});
      EXPECT_EQ(run.mismatches, 0u) << name << " seed " << seed << " p_valid " << pv;
      ASSERT_EQ(run.outputs.size(), expected.size()) << name;
      for (std::size_t i = 0; i < expected.size(); ++i) {
        ASSERT_EQ(run.outputs[i], expected[i])
            << name << " seed " << seed << " p_valid " << pv << " p_ready " << pr << " beat " << i;
      }
      if (pv == 1.0 && pr == 1.0) {
        EXPECT_EQ(run.cycles, units::mvau_stall_free_cycles(c, kVectors)) << name;
      }
    }
    per_seed.push_back(ys);
  }
  // A changed seed changes at least 5% of the outputs.
  for (std::size_t k = 1; k < per_seed.size(); ++k) {
    int changed = 0, total = 0;
    for (std::size_t v = 0; v < xs.size(); ++v) {
      for (std::size_t o = 0; o < per_seed[0][v].size(); ++o) {
        ++total;
        if (per_seed[0][v][o] != per_seed[k][v][o]) ++changed;
      }
    }
    RecordProperty("changed_seed_" + std::to_string(kStochSeeds[k]),
                   std::to_string(changed) + "/" + std::to_string(total));
    EXPECT_GE(changed * 20, total)
        << name << ": seed " << kStochSeeds[k] << " changed " << changed << " of " << total;
  }
}

INSTANTIATE_TEST_SUITE_P(Variants, MvauStoch,
                         ::testing::Range(0, static_cast<int>(stoch_variants().size())),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string(
                               stoch_variants()[static_cast<std::size_t>(info.param)].first);
                         });

// Hand-worked: MW 2, SIMD 1 (SF 2), MH 2, PE 1 (NF 2), A and W with 1 fraction bit each, the
// accumulator with 2, output fixed<6,6> (OUT_FRAC 0) RND_STOCH: each result drops 2 bits, draws
// 2 bits u from its lane (first bit out in bit 0) and rounds up when u < the dropped bits.
// W = [[1, 1], [1, -1]], x = (1, 2) (raws): accumulators 3 and -1 (0.75 and -0.25). The MAC
// lane's LFSR holds 0b1110: the sequence s = 0, 1, 1, 1, 0, ... Result 0 draws u = s_0 + 2 s_1
// = 2 < 3: 0.75 rounds up to 1; result 1 (-1 = -4 + 3: floor -1, dropped bits 3) draws u = s_2 +
// 2 s_3 = 3, not < 3: -0.25 rounds down to -1.
TEST(MvauStochastic, HandWorkedDraws) {
  const Params p = params_of(rv::mv::make({2, 2, 1, 1, 0, 1, 0}, {{"A_W", 4},
                                                                  {"A_FRAC", 1},
                                                                  {"W_W", 4},
                                                                  {"W_FRAC", 1},
                                                                  {"ACC_W", 8},
                                                                  {"OUT_W", 6},
                                                                  {"OUT_FRAC", 0},
                                                                  {"Q", 7}}));
  units::MvauConfig c = config_of(p);
  c.lfsr_seeds = {0b1110, 1};  // MAC lane 0; bn lane 0 unused (BN = 0)
  units::MvauWeights w;
  w.raw = {1, 1, 1, -1};
  fxsim::streaming::MvauModel m(c);
  m.load(units::mvau_weight_image(c, w));
  m.reset();
  std::vector<fxsim::streaming::Lanes> out;
  const std::vector<fxsim::streaming::Lanes> in = {{1}, {2}};
  std::size_t next = 0;
  for (int cycle = 0; cycle < 12; ++cycle) {
    if (m.out_valid()) out.push_back(m.out_data());
    const bool taken = next < in.size() && m.in_ready(true);
    m.edge(next < in.size(), in[std::min(next, in.size() - 1)], true);
    if (taken) ++next;
  }
  EXPECT_EQ(out, (std::vector<fxsim::streaming::Lanes>{{1}, {-1}}));
}

TEST(MvauStochastic, ModelRefusesAWrongNumberOfLaneStates) {
  units::MvauConfig c = config_of(params_of({{"Q", 7}, {"PE", 2}}));
  c.lfsr_seeds = {1, 2, 3};
  try {
    fxsim::streaming::MvauModel m(c);
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "mvau model: expected 2 * PE = 4 lane LFSR states, got 3");
  }
}

std::string error_of(const units::ParamMap& overrides) {
  try {
    units::resolve_params(units::find_unit("mvau"), overrides);
  } catch (const units::UnitParamError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Mvau, BadParametersNamedWithRange) {
  EXPECT_EQ(error_of({{"MW", 10}, {"SIMD", 4}}),
            "mvau: MW = 10 is not a multiple of SIMD = 4, expected MW = SF * SIMD (the producer "
            "pads)");
  EXPECT_EQ(error_of({{"MH", 5}, {"PE", 2}}),
            "mvau: MH = 5 is not a multiple of PE = 2, expected MH = NF * PE");
  EXPECT_EQ(error_of({{"MW", 4}, {"MH", 2}}),
            "mvau: SF * NF = (MW / SIMD) * (MH / PE) = 1 weight words is out of range, expected "
            "2..65536");
  EXPECT_EQ(error_of({{"PE_KIND", 3}}),
            "mvau: parameter PE_KIND = 3 is out of range, expected 0..2 (0 fx_mac_pe "
            "(multipliers), 1 khot_pe (shift-add), 2 xnor_pe (binary / ternary))");
  // xnor_pe: the result is the signed accumulator.
  EXPECT_EQ(error_of({{"PE_KIND", 2}, {"ACC_W", 12}, {"OUT_W", 8}}),
            "mvau: PE_KIND 2 (xnor_pe) OUT_W = 8 is not ACC_W = 12, expected OUT_W = ACC_W (the "
            "PE's result is its accumulator)");
  EXPECT_EQ(error_of({{"PE_KIND", 2}, {"ACC_W", 8}, {"OUT_W", 8}, {"OUT_SIGNED", 0}}),
            "mvau: PE_KIND 2 (xnor_pe) needs OUT_SIGNED = 1 (the accumulator is signed)");
  EXPECT_EQ(error_of({{"PE_KIND", 2}, {"ACC_W", 8}, {"OUT_W", 8}, {"XNOR_MODE", 3}}),
            "mvau: parameter XNOR_MODE = 3 is out of range, expected 0..2 (xnor_pe MODE (PE_KIND "
            "2): 0 binary x binary, 1 binary weights, 2 ternary weights)");
  EXPECT_EQ(error_of({{"PE_KIND", 2}, {"ACC_W", 8}, {"OUT_W", 8}, {"Q", 7}}), "(no error)");
  // Threshold lanes (BN = 2): a signed result of at most 32 bits, the threshold unit's rules.
  EXPECT_EQ(error_of({{"BN", 2}, {"OUT_SIGNED", 0}}),
            "mvau: BN = 2 (threshold) needs OUT_SIGNED = 1 (the thresholds compare a signed "
            "result)");
  EXPECT_EQ(error_of({{"BN", 2}, {"OUT_W", 40}, {"ACC_W", 48}}),
            "mvau: threshold X_W = 40 is out of range, expected 2..32 (word length of the signed "
            "accumulator (thresholds: X_W + 1))");
  EXPECT_EQ(error_of({{"BN", 2}, {"TH_T", 256}}),
            "mvau: parameter TH_T = 256 is out of range, expected 1..255 (threshold: thresholds "
            "per output (BN = 2))");
  EXPECT_EQ(error_of({{"BN", 3}}),
            "mvau: parameter BN = 3 is out of range, expected 0..2 (1: PE x bn_act after the PEs "
            "(BN_* parameters), 2: a threshold unit of PE lanes (TH_* parameters))");
  EXPECT_EQ(error_of({{"SIMD", 65}}),
            "mvau: parameter SIMD = 65 is out of range, expected 1..64 (input elements per beat "
            "(lanes of every PE))");
  EXPECT_EQ(error_of({{"MEM_STYLE", 4}}),
            "mvau: parameter MEM_STYLE = 4 is out of range, expected 0..3 (weight memory style "
            "(weight_mem STYLE): 0 AUTO, 1 REGISTERS, 2 LUTRAM, 3 BRAM)");
  // The PE's own width rule, reported as the mvau's.
  EXPECT_EQ(error_of({{"A_W", 32}, {"W_W", 32}, {"SIMD", 4}}).substr(0, 16), "mvau: fx_mac_pe:");
  EXPECT_EQ(error_of({{"PE_KIND", 1}, {"K", 8}, {"SH_W", 5}, {"A_W", 32}}).substr(0, 14),
            "mvau: khot_pe:");
  EXPECT_EQ(error_of({{"PE_KIND", 1}, {"K", 8}, {"SH_W", 5}, {"A_W", 4}}), "(no error)");
  // bn_act's parameters under BN_, checked by its rules when BN = 1 only.
  EXPECT_EQ(error_of({{"BN_ACT", 5}}).substr(0, 59),
            "mvau: parameter BN_ACT = 5 is out of range, expected 0..4 (");
  EXPECT_EQ(error_of({{"BN_ACT", 2}, {"BN_CLIP", 1000}}), "(no error)");
  EXPECT_EQ(error_of({{"BN", 1}, {"BN_ACT", 2}, {"BN_CLIP", 1000}}).substr(0, 26),
            "mvau: bn_act: CLIP = 1000 ");
  // RND_STOCH is accepted on either rounding stage (the lanes' seeds come on lfsr_seed).
  EXPECT_EQ(error_of({{"Q", 7}}), "(no error)");
  EXPECT_EQ(error_of({{"BN", 1}, {"BN_Q", 7}, {"Q", 7}}), "(no error)");
}

// PE_KIND 2 has no multiplier: no DSP even where the MAC variant of the same shape infers some;
// threshold lanes add the threshold unit's own cost (its memory and comparators) to the PEs'.
TEST(Mvau, XnorAndThresholdCosts) {
  const auto family = fxsim::resources::Family::xc7;
  const units::ParamMap xnor = params_of(grid_params("mv_xnor_m1_p4_s4")).p;
  units::ParamMap mac = xnor;
  mac["PE_KIND"] = 0;
  const units::UnitSpec& unit = units::find_unit("mvau");
  EXPECT_EQ(units::estimate(unit, xnor, family, true).dsp, 0);
  EXPECT_GT(units::estimate(unit, mac, family, true).dsp, 0);
  const units::ParamMap th = params_of(grid_params("mv_th3_xnor_m2")).p;
  units::ParamMap plain = th;
  plain["BN"] = 0;
  const fxsim::resources::ResourceEstimate with = units::estimate(unit, th, family, true);
  const fxsim::resources::ResourceEstimate without = units::estimate(unit, plain, family, true);
  const fxsim::resources::ResourceEstimate lanes = units::estimate(
      units::find_unit("threshold"), units::mvau_threshold_params(th), family, true);
  EXPECT_EQ(with.dsp, 0);
  EXPECT_EQ(with.lut, without.lut + lanes.lut);
  EXPECT_EQ(with.ff, without.ff + lanes.ff);
}

// A bipolar weight the kind cannot hold is refused by value.
TEST(Mvau, XnorWeightOutOfKindRefused) {
  const auto bad = [](const char* variant, std::int64_t v) {
    const units::MvauConfig c = config_of(params_of(grid_params(variant)));
    units::MvauWeights w;
    w.raw.assign(static_cast<std::size_t>(c.mw) * c.mh, 1);
    w.raw[3] = v;
    try {
      units::mvau_weight_image(c, w);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_EQ(bad("mv_xnor_m0_p2_s8", 0), "mvau weights: a weight of 0 is not +1 or -1 (binary)");
  EXPECT_EQ(bad("mv_xnor_m2_p1_s1", 2), "mvau weights: a weight of 2 is not +1, 0 or -1 (ternary)");
  EXPECT_EQ(bad("mv_xnor_m2_p1_s1", 0), "(no error)");
}

// Hand-worked, binary x binary (XNOR_MODE 0): bits (1, 0, 0, 1) stand for (+1, -1, -1, +1);
// W = [[+1, -1, +1, +1], [-1, -1, +1, -1]] gives (1 + 1 - 1 + 1, -1 + 1 - 1 - 1) = (2, -2);
// with thresholds t = 1 (ascending) and t = -2 (descending), T = 1: (2 >= 1, -2 <= -2) = (1, 1).
TEST(Mvau, HandWorkedXnor) {
  units::ParamMap p = {{"MW", 4},      {"MH", 2},    {"PE", 1},    {"SIMD", 2},
                       {"PE_KIND", 2}, {"ACC_W", 8}, {"OUT_W", 8}, {"OUT_FRAC", 0}};
  const units::MvauConfig c = config_of(params_of(p));
  units::MvauWeights w;
  w.raw = {1, -1, 1, 1, -1, -1, 1, -1};
  std::vector<std::int64_t> y;
  for (const units::PeResult& r : units::mvau(c, {1, 0, 0, 1}, w)) y.push_back(r.data);
  EXPECT_EQ(y, (std::vector<std::int64_t>{2, -2}));
  // Weight codes: +1 -> 1, -1 -> 0; row (f, s) = (0, 0) holds W[0][0..1].
  EXPECT_EQ(units::mvau_weight_image(c, w).row(0), (units::WeightBeat{1, 0}));
  p["BN"] = 2;
  const units::MvauConfig th = config_of(params_of(p));
  units::MvauBn bn;
  bn.thresholds = {{false, {1}}, {true, {-2}}};
  EXPECT_EQ(units::mvau_outputs(th, {1, 0, 0, 1}, w, bn), (std::vector<std::int64_t>{1, 1}));
  EXPECT_EQ(th.y_bits(), 1);
}

}  // namespace
