// golden/stochastic_dense.hpp: dense layers whose requants round with RND_STOCH, against a brute
// force written here from the rule of docs/fixed_point.md with plain loops and fx::Lfsr's bits
// (no fx::StochasticCaster, no models/units): per lane p = o mod PE one generator per requant,
// fx::Lfsr::for_lane(seed, layer, p) (bn_act: PE + p), its casts vector by vector, fold by fold.
#include "golden/stochastic_dense.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "fx/lfsr.hpp"
#include "fx/width_rules.hpp"
#include "golden/quant_network.hpp"

namespace fx = fxsim::fx;
using fx::FxType;
using fx::Overflow;
using fx::Rounding;
using fxsim::golden::DenseLayer;
using fxsim::golden::StochasticLanes;

namespace {

struct Shape {
  const char* name;
  int in, out, simd;
  FxType weight;   // its F sets the dropped bits d of the MAC requant
  FxType mac_out;  // RND_STOCH or not
  FxType bn_out;   // RND_STOCH or not
};

DenseLayer make_layer(const Shape& s, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  DenseLayer l;
  l.name = s.name;
  l.in_features = s.in;
  l.out_features = s.out;
  l.simd = s.simd;
  l.input_type = FxType::make_unsigned(8, 0, Rounding::RND_CONV, Overflow::SAT);
  l.weight_type = s.weight;
  l.acc_type = fx::accumulator_type(l.input_type, l.weight_type, s.in, Overflow::SAT);
  l.out_type = s.mac_out;
  std::uniform_int_distribution<std::int64_t> w(s.weight.raw_min(), s.weight.raw_max());
  for (int i = 0; i < s.in * s.out; ++i) l.weight_raw.push_back(w(rng));
  fxsim::golden::BnActLayer b;
  b.scale_type = FxType::make_signed(8, 2, Rounding::RND_CONV, Overflow::SAT);
  b.bias_type = FxType::make_signed(10, 4, Rounding::RND_CONV, Overflow::SAT);
  b.out_type = s.bn_out;
  b.act = fxsim::units::Activation::RELU;
  std::uniform_int_distribution<std::int64_t> sc(-128, 127), bi(-512, 511);
  for (int o = 0; o < s.out; ++o) {
    b.scale_raw.push_back(sc(rng));
    b.bias_raw.push_back(bi(rng));
  }
  l.bn = b;
  fxsim::golden::validate(l);
  return l;
}

std::vector<std::int64_t> random_inputs(int n, int in, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int64_t> d(0, 255);
  std::vector<std::int64_t> v(static_cast<std::size_t>(n) * in);
  for (auto& x : v) x = d(rng);
  return v;
}

// The rule, written out: floor at the LSB, remainder r of d dropped bits, k = min(d, 28) bits u,
// up iff u < r >> (d - k); then SAT into `to` (every type here saturates). d <= 0: exact.
std::int64_t stoch_round(std::int64_t raw, int src_frac, const FxType& to, fx::Lfsr* lfsr) {
  const int d = src_frac - to.frac_bits();
  std::int64_t v = raw;
  if (d > 0) {
    const std::int64_t floor = raw >> d;  // arithmetic: toward -infinity
    const std::int64_t r = raw - floor * (std::int64_t{1} << d);
    const int k = std::min(d, 28);
    const auto u = static_cast<std::int64_t>(lfsr->next_bits(k));
    v = floor + (u < (r >> (d - k)) ? 1 : 0);
  } else {
    v = raw * (std::int64_t{1} << -d);
  }
  return std::clamp(v, to.raw_min(), to.raw_max());
}

// Nearest with ties to even, SAT (RND_CONV), for the deterministic stages of the brute force.
std::int64_t conv_round(std::int64_t raw, int src_frac, const FxType& to) {
  const int d = src_frac - to.frac_bits();
  std::int64_t v = raw;
  if (d > 0) {
    const std::int64_t floor = raw >> d;
    const std::int64_t r = raw - floor * (std::int64_t{1} << d);
    const std::int64_t half = std::int64_t{1} << (d - 1);
    v = floor + ((r > half || (r == half && (floor & 1))) ? 1 : 0);
  }
  return std::clamp(v, to.raw_min(), to.raw_max());
}

std::vector<std::int64_t> brute_force(const DenseLayer& l, const std::vector<std::int64_t>& in,
                                      int n, const StochasticLanes& lanes) {
  const int pf = l.input_type.frac_bits() + l.weight_type.frac_bits();
  const auto& b = *l.bn;
  const int sf = std::max(l.out_type.frac_bits() + 6, 6);  // scale F = 6, bias F = 6
  std::vector<std::int64_t> out(static_cast<std::size_t>(n) * l.out_features);
  for (int p = 0; p < lanes.pe; ++p) {
    fx::Lfsr mac = fx::Lfsr::for_lane(lanes.seed, lanes.layer, p);
    fx::Lfsr bn = fx::Lfsr::for_lane(lanes.seed, lanes.layer, lanes.pe + p);  // bn lanes after PE
    for (int v = 0; v < n; ++v) {
      for (int f = 0; f < l.out_features / lanes.pe; ++f) {
        const int o = f * lanes.pe + p;
        std::int64_t acc = 0;
        for (int i = 0; i < l.in_features; ++i) {
          acc += in[v * l.in_features + i] * l.weight_raw[o * l.in_features + i];
        }
        const std::int64_t x = fx::is_stochastic(l.out_type.rounding)
                                   ? stoch_round(acc, pf, l.out_type, &mac)
                                   : conv_round(acc, pf, l.out_type);
        // t = x * scale + bias at sf fraction bits: product F = out F + 6, bias F = 6.
        const std::int64_t t =
            x * b.scale_raw[o] * (std::int64_t{1} << (sf - l.out_type.frac_bits() - 6)) +
            b.bias_raw[o] * (std::int64_t{1} << (sf - 6));
        const std::int64_t y = fx::is_stochastic(b.out_type.rounding)
                                   ? stoch_round(t, sf, b.out_type, &bn)
                                   : conv_round(t, sf, b.out_type);
        out[v * l.out_features + o] = std::max<std::int64_t>(y, 0);  // RELU
      }
    }
  }
  return out;
}

FxType stoch(int w, int i) { return FxType::make_signed(w, i, Rounding::RND_STOCH, Overflow::SAT); }
FxType nearest(int w, int i) {
  return FxType::make_signed(w, i, Rounding::RND_CONV, Overflow::SAT);
}

const Shape kShapes[] = {
    // MAC requant d = 8 + 5 - 4 = 9 dropped bits, bn_act d = 10 - 3 = 7; both stochastic.
    {"both_d9_d7", 20, 8, 4, FxType::make_signed(6, 1), stoch(8, 4), stoch(6, 3)},
    // d = 8 + 24 - 0 = 32 > 28: the top 28 bits of the remainder decide; SIMD does not divide.
    {"mac_d32", 13, 6, 5, FxType::make_signed(24, 0), stoch(16, 16), nearest(8, 4)},
    // bn_act only; the MAC requant deterministic (RND_CONV).
    {"bn_only", 16, 12, 8, FxType::make_signed(6, 1), nearest(10, 5), stoch(8, 5)},
};

class StochasticDense : public ::testing::TestWithParam<Shape> {};

TEST_P(StochasticDense, EqualsBruteForceForEverySeedAndPe) {
  const Shape& s = GetParam();
  const DenseLayer l = make_layer(s, 7);
  const int n = 9;
  const std::vector<std::int64_t> in = random_inputs(n, s.in, 11);
  int checked = 0;
  for (int pe : {1, 2, s.out}) {
    for (std::uint64_t seed : {1ULL, 2ULL, 0x5eedULL}) {
      for (std::uint64_t layer : {0ULL, 3ULL}) {
        const StochasticLanes lanes{pe, seed, layer};
        const auto got = fxsim::golden::stochastic_dense(l, in, n, lanes);
        const auto want = brute_force(l, in, n, lanes);
        ASSERT_EQ(got, want) << s.name << " pe " << pe << " seed " << seed << " layer " << layer;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 18);
}

TEST_P(StochasticDense, AnotherSeedLayerOrPeChangesTheResults) {
  const Shape& s = GetParam();
  const DenseLayer l = make_layer(s, 7);
  const int n = 9;
  const std::vector<std::int64_t> in = random_inputs(n, s.in, 11);
  const auto base = fxsim::golden::stochastic_dense(l, in, n, {2, 1, 0});
  EXPECT_NE(base, fxsim::golden::stochastic_dense(l, in, n, {2, 2, 0}));
  EXPECT_NE(base, fxsim::golden::stochastic_dense(l, in, n, {2, 1, 1}));
  EXPECT_NE(base, fxsim::golden::stochastic_dense(l, in, n, {1, 1, 0}));
  // The same lanes again: the same results (every call starts the generators afresh).
  EXPECT_EQ(base, fxsim::golden::stochastic_dense(l, in, n, {2, 1, 0}));
}

INSTANTIATE_TEST_SUITE_P(Shapes, StochasticDense, ::testing::ValuesIn(kShapes),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(StochasticDense, DeterministicLayerIsTheReference) {
  const Shape s{"nearest", 20, 8, 4, FxType::make_signed(6, 1), nearest(8, 4), nearest(6, 3)};
  const DenseLayer l = make_layer(s, 5);
  EXPECT_FALSE(fxsim::golden::rounds_stochastically(l));
  const int n = 4;
  const std::vector<std::int64_t> in = random_inputs(n, s.in, 3);
  const auto got = fxsim::golden::stochastic_dense(l, in, n, {4, 9, 0});
  for (int v = 0; v < n; ++v) {
    const std::vector<std::int64_t> one(in.begin() + v * s.in, in.begin() + (v + 1) * s.in);
    const auto want = fxsim::golden::reference_dense(l, one);
    EXPECT_EQ(std::vector<std::int64_t>(got.begin() + v * s.out, got.begin() + (v + 1) * s.out),
              want);
  }
}

TEST(StochasticDense, PeMustDivideTheOutputs) {
  const DenseLayer l = make_layer(kShapes[0], 7);
  const std::vector<std::int64_t> in = random_inputs(1, 20, 1);
  EXPECT_THROW(fxsim::golden::stochastic_dense(l, in, 1, {3, 1, 0}), std::invalid_argument);
  EXPECT_THROW(fxsim::golden::stochastic_dense(l, in, 1, {0, 1, 0}), std::invalid_argument);
}

// Over many vectors, stochastic MAC outputs average to the exact accumulator value (unbiased),
// where nearest rounding of the same values is off by its own systematic error.
TEST(StochasticDense, MeanOfOneOutputIsTheExactValue) {
  Shape s{"mean", 1, 1, 1, FxType::make_signed(6, 1), stoch(12, 12), nearest(8, 4)};
  DenseLayer l = make_layer(s, 1);
  l.weight_raw = {1};  // x * 2^-13 in 2^-13 units: output of F = 0 drops 13 bits
  const int n = 40000;
  std::vector<std::int64_t> in(n, 77);  // 77 * 2^-13 = 0.0094 LSB of the output
  l.bn.reset();
  const auto got = fxsim::golden::stochastic_dense(l, in, n, {1, 4, 0});
  double sum = 0;
  for (std::int64_t r : got) sum += static_cast<double>(r);
  const double p = 77.0 / 8192.0;
  const double sigma = std::sqrt(p * (1 - p) / n);
  EXPECT_NEAR(sum / n, p, 4 * sigma);  // nearest rounding would give 0 every time
  EXPECT_GT(sum, 0);
}

}  // namespace
