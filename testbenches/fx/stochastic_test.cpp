// Stochastic rounding (RND_STOCH, fx/stochastic.hpp), tests that can fail:
//  * exact raws of a hand-worked sequence (3 dropped bits from the LFSR state 0x5EED, with SAT
//    and WRAP after rounding) and the bits consumed per cast;
//  * the rounding-up frequency equals the remainder r / 2^d within 4 sigma for several d and r
//    (sigma = sqrt(N p (1 - p)), binomial), from raws and from doubles;
//  * the mean rounding error of 1,000,000 values is within 4 sigma of 0 (sigma of the mean =
//    sqrt(sum p_i (1 - p_i)) / N), while deterministic RND and RND_CONV on the same skewed
//    inputs are biased far beyond that bound (both numbers printed);
//  * the exact refusal messages of the deterministic casts and of the stochastic caster;
//  * the mode in the type strings.
#include "fx/stochastic.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "fx/cast.hpp"
#include "fx/lfsr.hpp"
#include "fx/type_parser.hpp"

namespace fx = fxsim::fx;
using fx::FxType;
using fx::Overflow;
using fx::Rounding;

namespace {

TEST(StochasticRounding, HandWorkedSequence) {
  // fixed<6,3,RND_STOCH,O>: F = 3, raws -32..31. Sources have 6 fraction bits: d = 3, each cast
  // draws 3 bits. The state 0x5EED = 0b101'1110'1110'1101 gives s_0.. = 1011 0111 0111 1010 0..,
  // so the 3-bit draws (first bit lowest) are u = 5, 5, 3, 7, 5, 0.
  //   raw  floor  r   u   up   SAT   WRAP
  //    13    1    5   5   no    1     1
  //    14    1    6   5   yes   2     2
  //    -3   -1    5   3   yes   0     0
  //   255   31    7   7   no   31    31
  //   254   31    6   5   yes  31   -32   (32 overflows)
  //     8    1    0   0   no    1     1   (bits drawn although r = 0)
  const int64_t in[] = {13, 14, -3, 255, 254, 8};
  const int64_t sat[] = {1, 2, 0, 31, 31, 1};
  const int64_t wrap[] = {1, 2, 0, 31, -32, 1};
  const bool overflowed[] = {false, false, false, false, true, false};
  for (const Overflow o : {Overflow::SAT, Overflow::WRAP}) {
    fx::Lfsr lfsr(0x5EED);
    fx::StochasticCaster caster(FxType::make_signed(6, 3, Rounding::RND_STOCH, o), lfsr);
    for (int i = 0; i < 6; ++i) {
      fx::CastFlags f;
      EXPECT_EQ(caster.cast_from_raw(in[i], 6, &f), o == Overflow::SAT ? sat[i] : wrap[i])
          << "input " << i << " " << fx::to_string(o);
      EXPECT_EQ(f.overflow, overflowed[i]) << "input " << i;
      EXPECT_EQ(f.inexact, i != 5) << "input " << i;
    }
    // 18 bits consumed: the window now starts at s_18 (stochastic_fixtures.py).
    EXPECT_EQ(lfsr.state(), 0xaa60000u);
  }
  // The array cast is the same stream.
  fx::Lfsr lfsr(0x5EED);
  fx::StochasticCaster caster(FxType::make_signed(6, 3, Rounding::RND_STOCH, Overflow::SAT), lfsr);
  int64_t out[6];
  fx::CastStats stats;
  caster.cast_array_from_raw(in, 6, 6, out, &stats);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(out[i], sat[i]) << "input " << i;
  EXPECT_EQ(stats.count, 6u);
  EXPECT_EQ(stats.inexact, 5u);
  EXPECT_EQ(stats.overflows, 1u);
  EXPECT_EQ(lfsr.state(), 0xaa60000u);
}

TEST(StochasticRounding, HandWorkedWideAndDoubleCasts) {
  // From state 1 the 28-bit draws are u = 1, 8, 0x48 = 72, 0x208 = 520 (lfsr_test.cpp). Into
  // fixed<16,8,RND_STOCH,SAT> (F = 8); raws with 72 fraction bits drop d = 64 bits, of which the
  // top 28 decide (r' = r >> 36); the double drops its 28.
  //   input                      floor  r'                 u     up   result
  //   raw 2^36 + 12345           0      1                  1     no   0
  //   raw 9 * 2^36               0      9                  8     yes  1
  //   raw -2^62                  -1     3 * 2^26           72    yes  0
  //   x = (3 + 520 / 2^28) / 2^8 3      520                520   no   3
  fx::Lfsr lfsr(1);
  fx::StochasticCaster c(FxType::make_signed(16, 8, Rounding::RND_STOCH, Overflow::SAT), lfsr);
  EXPECT_EQ(c.cast_from_raw((int64_t{1} << 36) + 12345, 72), 0);
  EXPECT_EQ(c.cast_from_raw(int64_t{9} << 36, 72), 1);
  EXPECT_EQ(c.cast_from_raw(-(int64_t{1} << 62), 72), 0);
  EXPECT_EQ(c.cast_from_double(std::ldexp(3.0 + std::ldexp(520.0, -28), -8)), 3);
  EXPECT_EQ(lfsr.next_bits(28), 0x1248u);  // four draws of 28 bits were consumed
}

TEST(StochasticRounding, BitsConsumedPerCast) {
  const FxType t = FxType::make_signed(16, 8, Rounding::RND_STOCH, Overflow::SAT);  // F = 8
  auto consumed = [&](auto cast) {
    fx::Lfsr a(0x1234567);
    fx::Lfsr b(0x1234567);
    fx::StochasticCaster caster(t, a);
    cast(caster);
    for (int bits = 0; bits <= 64; ++bits) {
      fx::Lfsr c = b;
      c.next_bits(bits);
      if (c.state() == a.state()) return bits;
    }
    return -1;
  };
  fx::Lfsr any(1);
  fx::StochasticCaster exact(t, any);
  EXPECT_EQ(exact.cast_from_raw(1000, 8), 1000);
  EXPECT_EQ(exact.cast_from_raw(1000, 5), 8000);
  EXPECT_EQ(exact.cast_from_raw(1000, -20), 32767);                     // 1000 * 2^28 saturates
  EXPECT_EQ(consumed([](auto& c) { c.cast_from_raw(1000, 8); }), 0);    // d = 0: exact
  EXPECT_EQ(consumed([](auto& c) { c.cast_from_raw(1000, 5); }), 0);    // d < 0: exact
  EXPECT_EQ(consumed([](auto& c) { c.cast_from_raw(1000, 9); }), 1);    // d = 1
  EXPECT_EQ(consumed([](auto& c) { c.cast_from_raw(0, 20); }), 12);     // r = 0 still draws
  EXPECT_EQ(consumed([](auto& c) { c.cast_from_raw(1000, 36); }), 28);  // d = 28
  EXPECT_EQ(consumed([](auto& c) { c.cast_from_raw(1000, 60); }), 28);  // d > 28: capped
  EXPECT_EQ(consumed([](auto& c) { c.cast_from_double(0.5); }), 28);    // doubles: always 28
  EXPECT_EQ(consumed([](auto& c) { c.cast_from_double(3.0); }), 28);
}

struct Frequency {
  uint64_t ups;
  double expected;
  double sigma;
};

// N casts of one input on lane `lane`: how often the result is floor + 1.
Frequency up_frequency(const std::function<int64_t(fx::StochasticCaster&)>& cast, int64_t floor,
                       double p, uint64_t lane, int n) {
  fx::Lfsr lfsr = fx::Lfsr::for_lane(20, 1, lane);
  fx::StochasticCaster caster(FxType::make_signed(32, 16, Rounding::RND_STOCH, Overflow::SAT),
                              lfsr);
  Frequency f{0, n * p, std::sqrt(n * p * (1 - p))};
  for (int i = 0; i < n; ++i) {
    const int64_t r = cast(caster);
    EXPECT_TRUE(r == floor || r == floor + 1) << r;
    f.ups += r == floor + 1;
  }
  return f;
}

TEST(StochasticRounding, UpFrequencyEqualsTheRemainder) {
  constexpr int kN = 100000;
  uint64_t lane = 0;
  int checked = 0;
  for (const int d : {1, 2, 3, 5, 8, 13, 20, 28}) {
    const int64_t one = int64_t{1} << d;
    std::vector<int64_t> remainders = {1, one / 2, one - 1, (one * 3) / 10, (one * 9) / 10};
    for (const int64_t r : remainders) {
      if (r <= 0 || r >= one) continue;
      const double p = static_cast<double>(r) / static_cast<double>(one);
      for (const int64_t floor : {int64_t{5}, int64_t{-7}}) {
        // raw with 16 + d fraction bits into F = 16: floor * 2^d + r.
        const int64_t raw = floor * one + r;
        const Frequency f = up_frequency(
            [&](fx::StochasticCaster& c) { return c.cast_from_raw(raw, 16 + d, nullptr); }, floor,
            p, lane++, kN);
        EXPECT_LE(std::fabs(static_cast<double>(f.ups) - f.expected), 4 * f.sigma + 1e-9)
            << "d = " << d << " r = " << r << " floor = " << floor << ": " << f.ups << " ups, "
            << f.expected << " expected, sigma " << f.sigma;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 78);  // d = 1 has 4 distinct valid r (0.3 * 2 truncates to 0): 8 + 7 * 10
  // d = 40 > 28: the top 28 remainder bits decide, p = floor(r / 2^12) / 2^28.
  const int64_t r40 = (int64_t{3} << 37) + 4095;  // top 28 bits: 3 * 2^25, p = 0.375
  const Frequency f40 = up_frequency(
      [&](fx::StochasticCaster& c) { return c.cast_from_raw((int64_t{2} << 40) + r40, 56); }, 2,
      0.375, lane++, kN);
  EXPECT_LE(std::fabs(static_cast<double>(f40.ups) - f40.expected), 4 * f40.sigma);
  // Shifts of 62 and more (the 128-bit path): d = 64 and d = 70 keep the top 28 remainder bits.
  //   raw = 2^62 + 5, d = 64:   floor 0, top bits 2^62 >> 36 = 2^26:          p = 1/4
  //   raw = -2^62, d = 64:      floor -1, r = 3 * 2^62, top bits 3 * 2^26:    p = 3/4
  //   raw = 3 * 2^60, d = 70:   floor 0, top bits 3 * 2^60 >> 42 = 3 * 2^18:  p = 3/1024
  const struct {
    int64_t raw;
    int d;
    int64_t floor;
    double p;
  } wide[] = {{(int64_t{1} << 62) + 5, 64, 0, 0.25},
              {-(int64_t{1} << 62), 64, -1, 0.75},
              {int64_t{3} << 60, 70, 0, 3.0 / 1024}};
  for (const auto& c : wide) {
    const Frequency f =
        up_frequency([&](fx::StochasticCaster& s) { return s.cast_from_raw(c.raw, 16 + c.d); },
                     c.floor, c.p, lane++, kN);
    EXPECT_LE(std::fabs(static_cast<double>(f.ups) - f.expected), 4 * f.sigma)
        << "d = " << c.d << ": " << f.ups << " ups, " << f.expected << " expected";
  }
  // From doubles: x * 2^16 = floor + p.
  for (const double p : {0.375, 0.1, 0.5, 0.984375}) {
    const double x = std::ldexp(3.0 + p, -16);
    const Frequency f = up_frequency([&](fx::StochasticCaster& c) { return c.cast_from_double(x); },
                                     3, std::floor(p * 268435456.0) / 268435456.0, lane++, kN);
    EXPECT_LE(std::fabs(static_cast<double>(f.ups) - f.expected), 4 * f.sigma)
        << "p = " << p << ": " << f.ups << " ups, " << f.expected << " expected";
  }
}

// The mean rounding error (in LSB) of RND_STOCH and of two deterministic modes on n raws with
// d dropped bits, and the standard deviation of the stochastic mean, sqrt(sum p(1-p)) / n.
struct Bias {
  double stochastic;
  double sigma;
  double rnd;
  double rnd_conv;
};

Bias mean_errors(const std::vector<int64_t>& raw, int d) {
  const int F = 8;
  const FxType stoch = FxType::make_signed(24, 16, Rounding::RND_STOCH, Overflow::SAT);
  fx::Lfsr lfsr = fx::Lfsr::for_lane(2026, 0, 0);
  fx::StochasticCaster caster(stoch, lfsr);
  const size_t n = raw.size();
  std::vector<int64_t> out(n);
  // Error of one rounded raw in units of 2^-d LSB: exact integers, summed exactly.
  auto mean = [&](const std::vector<int64_t>& rounded) {
    long double sum = 0;
    for (size_t i = 0; i < n; ++i)
      sum += static_cast<long double>(rounded[i] * (int64_t{1} << d) - raw[i]);
    return static_cast<double>(sum / n / (int64_t{1} << d));
  };
  Bias b{};
  caster.cast_array_from_raw(raw.data(), n, F + d, out.data());
  b.stochastic = mean(out);
  long double var = 0;
  for (const int64_t v : raw) {
    const long double p = static_cast<long double>(v & ((int64_t{1} << d) - 1)) / (int64_t{1} << d);
    var += p * (1 - p);
  }
  b.sigma = static_cast<double>(std::sqrt(var) / n);
  fx::cast_array_from_raw(raw.data(), n, F + d, out.data(),
                          FxType::make_signed(24, 16, Rounding::RND, Overflow::SAT));
  b.rnd = mean(out);
  fx::cast_array_from_raw(raw.data(), n, F + d, out.data(),
                          FxType::make_signed(24, 16, Rounding::RND_CONV, Overflow::SAT));
  b.rnd_conv = mean(out);
  return b;
}

void report(const char* name, const Bias& b) {
  std::printf(
      "[ stoch    ] %s: mean error RND_STOCH %+.6f LSB (4 sigma = %.6f), RND %+.6f, RND_CONV "
      "%+.6f\n",
      name, b.stochastic, 4 * b.sigma, b.rnd, b.rnd_conv);
}

TEST(StochasticRounding, MeanErrorOfAMillionValuesIsUnbiased) {
  constexpr int kN = 1000000;
  constexpr int kD = 12;
  std::mt19937_64 rng(99);
  std::uniform_int_distribution<int64_t> floors(-20000, 20000);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  // Skewed remainders: f = u^2 (mean 1/3, most mass below one half).
  std::vector<int64_t> skewed(kN);
  for (auto& v : skewed) {
    const double u = unit(rng);
    v = floors(rng) * (int64_t{1} << kD) + static_cast<int64_t>(u * u * (1 << kD));
  }
  const Bias s = mean_errors(skewed, kD);
  report("remainders u^2", s);
  EXPECT_LE(std::fabs(s.stochastic), 4 * s.sigma);
  EXPECT_GT(std::fabs(s.rnd), 4 * s.sigma);
  EXPECT_GT(std::fabs(s.rnd_conv), 4 * s.sigma);
  // Every remainder exactly one half LSB, odd and even floors alike.
  std::vector<int64_t> ties(kN);
  for (auto& v : ties) v = floors(rng) * (int64_t{1} << kD) + (1 << (kD - 1));
  const Bias t = mean_errors(ties, kD);
  report("remainders 1/2", t);
  EXPECT_LE(std::fabs(t.stochastic), 4 * t.sigma);
  EXPECT_GT(std::fabs(t.rnd), 4 * t.sigma);
  // Ties skewed toward even floors (3 of 4): RND_CONV rounds those down.
  std::vector<int64_t> even_ties(kN);
  for (auto& v : even_ties) {
    int64_t fl = floors(rng);
    if (rng() % 4 != 0) fl &= ~int64_t{1};
    v = fl * (int64_t{1} << kD) + (1 << (kD - 1));
  }
  const Bias e = mean_errors(even_ties, kD);
  report("ties on even floors", e);
  EXPECT_LE(std::fabs(e.stochastic), 4 * e.sigma);
  EXPECT_GT(std::fabs(e.rnd_conv), 4 * e.sigma);
}

// Overflow after rounding is every cast's: a stochastic result is the deterministic cast that
// rounds the same way. With d = 1 every inexact source is a tie, which TRN rounds down and RND
// up, so the result must be TRN's or RND's (and is RND's about half the time). Every overflow
// mode, N = 0..2 and W = 1, 4, both semantics, signed and unsigned, raws -300..300.
TEST(StochasticRounding, OverflowAfterRoundingIsTheDeterministicCasts) {
  int checked = 0;
  int differ = 0;  // sources where TRN and RND give different results
  int up = 0;      // ... and the stochastic cast gave RND's
  for (const fx::Spelling sp : {fx::Spelling::FIXED, fx::Spelling::AP_FIXED}) {
    for (const bool is_signed : {true, false}) {
      for (const Overflow o : fx::kAllOverflows) {
        if (!is_signed && o == Overflow::WRAP_SM) continue;
        for (const int w : {1, 4}) {
          for (int n = 0; n <= 2; ++n) {
            const FxType t =
                FxType::make(is_signed, w, w - 1, Rounding::RND_STOCH, o, n).spelled(sp);
            auto with = [&](Rounding q) {
              FxType d = t;
              d.rounding = q;
              return d;
            };
            fx::Lfsr lfsr = fx::Lfsr::for_lane(5, static_cast<uint64_t>(o), checked);
            fx::StochasticCaster caster(t, lfsr);
            for (int64_t raw = -300; raw <= 300; ++raw) {
              const int src_frac = t.frac_bits() + 1;
              const int64_t got = caster.cast_from_raw(raw, src_frac);
              const int64_t trn = fx::cast_from_raw(raw, src_frac, with(Rounding::TRN));
              const int64_t other =
                  (raw & 1) ? fx::cast_from_raw(raw, src_frac, with(Rounding::RND)) : trn;
              EXPECT_TRUE(got == trn || got == other) << t.str() << " raw " << raw << ": " << got
                                                      << ", TRN " << trn << ", up " << other;
              differ += other != trn;
              up += other != trn && got == other;
              ++checked;
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(checked, 2 * (5 + 4) * 2 * 3 * 601);
  // Ties round up with probability 1/2: within 4 sigma of differ / 2.
  EXPECT_GT(differ, 1000);
  EXPECT_LE(std::fabs(up - differ / 2.0), 4 * std::sqrt(differ / 4.0)) << up << " of " << differ;
}

std::string what(const std::function<void()>& f) {
  try {
    f();
  } catch (const fx::FxTypeError& e) {
    return e.what();
  }
  return "no FxTypeError";
}

TEST(StochasticRounding, DeterministicCastsRefuseIt) {
  const FxType t = FxType::make_signed(8, 4, Rounding::RND_STOCH, Overflow::SAT);
  const std::string refusal =
      "rounding mode RND_STOCH needs random bits: the deterministic casts (cast_from_double, "
      "cast_from_raw, convert, RawCaster, the array casts) refuse it; use fx::StochasticCaster "
      "(fx/stochastic.hpp) with the lane's fx::Lfsr";
  int64_t raw[2] = {1, 2};
  int64_t out[2];
  double x[2] = {0.5, 1.5};
  double y[2];
  EXPECT_EQ(what([&] { fx::cast_from_double(0.3, t); }), refusal);
  EXPECT_EQ(what([&] { fx::cast_from_raw(5, 6, t); }), refusal);
  EXPECT_EQ(what([&] { fx::convert(5, FxType::make_signed(8, 2), t); }), refusal);
  EXPECT_EQ(what([&] { fx::RawCaster caster(6, t); }), refusal);
  EXPECT_EQ(what([&] { fx::cast_array_from_raw(raw, 2, 6, out, t); }), refusal);
  EXPECT_EQ(what([&] { fx::cast_array_from_double(x, 2, out, t); }), refusal);
  EXPECT_EQ(what([&] { fx::quantize_array(x, 2, y, t); }), refusal);
  fx::Lfsr lfsr(1);
  EXPECT_EQ(what([&] {
              fx::StochasticCaster c(FxType::make_signed(8, 4, Rounding::RND, Overflow::SAT), lfsr);
            }),
            "fx::StochasticCaster: type fixed<8,4,RND,SAT,0> rounds by RND, not RND_STOCH: use "
            "the deterministic casts (fx/cast.hpp)");
}

TEST(StochasticRounding, TypeStrings) {
  const FxType t = fx::parse_fx_type("fixed<8,3,RND_STOCH,SAT>");
  EXPECT_EQ(t.rounding, Rounding::RND_STOCH);
  EXPECT_EQ(t.overflow, Overflow::SAT);
  EXPECT_EQ(t.str(), "fixed<8,3,RND_STOCH,SAT,0>");
  EXPECT_EQ(fx::parse_fx_type("ufixed<8,3,RND_STOCH,WRAP,1>").str(),
            "ufixed<8,3,RND_STOCH,WRAP,1>");
  // No library spells the mode: ap_fixed / sc_fixed take it unprefixed and print it so.
  const FxType ap = fx::parse_fx_type("ap_fixed<8,3,RND_STOCH,AP_SAT>");
  EXPECT_EQ(ap.str(), "ap_fixed<8,3,RND_STOCH,AP_SAT,0>");
  EXPECT_EQ(fx::parse_fx_type(ap.str()), ap);
  EXPECT_EQ(fx::parse_fx_type("sc_fixed<8,3,RND_STOCH,SC_SAT>").str(),
            "sc_fixed<8,3,RND_STOCH,SC_SAT,0>");
  try {
    fx::parse_fx_type("ap_fixed<8,3,AP_RND_STOCH>");
    ADD_FAILURE() << "AP_RND_STOCH accepted";
  } catch (const fx::TypeParseError& e) {
    EXPECT_EQ(std::string(e.what()),
              "type 'ap_fixed<8,3,AP_RND_STOCH>': at character 14: expected a rounding mode (RND, "
              "RND_ZERO, RND_MIN_INF, RND_INF, RND_CONV, TRN, TRN_ZERO, RND_STOCH unprefixed), "
              "found 'AP_RND_STOCH'");
  }
  EXPECT_EQ(fx::to_string(Rounding::RND_STOCH), "RND_STOCH");
  EXPECT_TRUE(fx::is_stochastic(Rounding::RND_STOCH));
  for (const Rounding q : fx::kAllRoundings) EXPECT_FALSE(fx::is_stochastic(q));
}

}  // namespace
