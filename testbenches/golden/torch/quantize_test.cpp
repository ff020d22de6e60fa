// golden tensor quantizers against fx/, raw for raw (fx itself is checked against SystemC sc_fix
// and Xilinx's ap_fixed vectors in testbenches/fx). Per (rounding, overflow) pair and semantics
// (SystemC, ap_fixed): > 1,000,000 values over several formats (random, exact ties, grid points,
// range edges, beyond the range, specials), each compared with fx::cast_array_from_double, and a
// slice of them with the scalar fx::cast_from_double. And every line of the ap_fixed vectors
// (testbenches/fx/data/ap_fixed_vectors.csv) raw for raw against the vendor's result.
#include "golden/torch/quantize.hpp"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "fx/cast.hpp"
#include "fx/khot.hpp"
#include "testbenches/common/ap_vectors.hpp"

namespace fx = fxsim::fx;

namespace {

using fx::FxType;
using fx::Overflow;
using fx::Rounding;
using fxsim::golden::cast_raw;
using fxsim::golden::dequantize;
using fxsim::golden::khot_quantize_raw;
using fxsim::golden::quantize_raw;

constexpr size_t kValuesPerType = 260000;  // x 4 formats = 1,040,000 per (Q, O) pair

// Values that exercise every branch of a cast into t (in units of t's LSB where it matters).
std::vector<double> make_values(const FxType& t, uint64_t seed, size_t n) {
  std::mt19937_64 rng(seed);
  const double lsb = t.lsb();
  const double lo = static_cast<double>(t.raw_min());
  const double hi = static_cast<double>(t.raw_max());
  const double span = hi - lo + 1;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<int> kind(0, 99);
  std::vector<double> v;
  v.reserve(n);
  const double specials[] = {0.0,
                             -0.0,
                             std::numeric_limits<double>::quiet_NaN(),
                             std::numeric_limits<double>::infinity(),
                             -std::numeric_limits<double>::infinity(),
                             DBL_MAX,
                             -DBL_MAX,
                             DBL_MIN,
                             -DBL_MIN,
                             std::numeric_limits<double>::denorm_min(),
                             -std::numeric_limits<double>::denorm_min(),
                             std::ldexp(1.0, 62) * lsb,
                             -std::ldexp(1.0, 62) * lsb,
                             std::ldexp(1.0, 63) * lsb,
                             std::ldexp(3.0, 62) * lsb,
                             -std::ldexp(5.0, 61) * lsb,
                             std::ldexp(1.0, 64) * lsb,
                             std::ldexp(1.0, 65) * lsb,
                             -std::ldexp(1.0, 64) * lsb,
                             std::nextafter(std::ldexp(1.0, 62), 0.0) * lsb,
                             std::ldexp(1.0, 53) * lsb,
                             (std::ldexp(1.0, 53) + 2) * lsb,
                             1e300,
                             -1e300,
                             1e-300,
                             -1e-300};
  for (double s : specials) v.push_back(s);
  while (v.size() < n) {
    const int k = kind(rng);
    double raw_units;
    if (k < 25) {  // uniform around the range, one range beyond each side
      raw_units = lo - span + unit(rng) * 3 * span;
    } else if (k < 45) {  // exact ties: (integer + 1/2) LSB, in and beyond the range
      const auto i = static_cast<int64_t>(std::floor(lo - 4 + unit(rng) * (span + 8)));
      raw_units = static_cast<double>(i) + 0.5;
    } else if (k < 55) {  // grid points
      raw_units = std::floor(lo - 2 + unit(rng) * (span + 4));
    } else if (k < 70) {  // range edges +- small offsets
      const double edge = (k & 1) ? hi : lo;
      const double offsets[] = {0, 0.25, -0.25, 0.5, -0.5, 0.75, -0.75, 1, -1, 1.5, -1.5, 2, -2};
      raw_units = edge + offsets[rng() % 13];
      if (rng() % 4 == 0) raw_units = std::nextafter(raw_units, (rng() & 1) ? 1e300 : -1e300);
    } else if (k < 85) {  // log-uniform magnitudes from far below one LSB to far beyond range
      raw_units = std::ldexp(1.0 + unit(rng), static_cast<int>(rng() % 160) - 80);
      if (rng() & 1) raw_units = -raw_units;
    } else if (k < 95) {  // near 2^62 LSB (the edge of the exact-integer path) and beyond
      raw_units = std::ldexp(1.0 + unit(rng), 58 + static_cast<int>(rng() % 12));
      if (rng() & 1) raw_units = -raw_units;
    } else {  // a random double bit pattern (any exponent, subnormals, inf, NaN)
      const uint64_t bits = rng();
      double d;
      std::memcpy(&d, &bits, sizeof d);
      v.push_back(d);
      continue;
    }
    v.push_back(raw_units * lsb);  // exact: lsb is a power of two
  }
  return v;
}

std::vector<int64_t> to_vector(const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous();
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

// Formats per overflow mode: small, negative I, large I, saturation bits, wide, one bit; in the
// semantics asked for (ap_fixed's corners: signed WRAP_SM N = 0, unsigned WRAP N > 0, 1-bit
// SAT_SYM are all among them).
std::vector<FxType> formats(Rounding q, Overflow o, fx::Semantics sem) {
  const bool unsigned_ok = o != Overflow::WRAP_SM;
  std::vector<FxType> f;
  f.push_back(FxType::make_signed(8, 3, q, o, 0));
  f.push_back(unsigned_ok ? FxType::make_unsigned(6, -2, q, o, 2)
                          : FxType::make_signed(6, -2, q, o, 2));
  f.push_back(FxType::make_signed(13, 20, q, o, 1));
  f.push_back(unsigned_ok ? FxType::make_unsigned(62, 30, q, o, 0)
                          : FxType::make_signed(62, 30, q, o, 3));
  f.push_back(FxType::make_signed(1, 0, q, o, 0));
  for (FxType& t : f) t = t.with_semantics(sem);
  return f;
}

struct ModePair {
  Rounding q;
  Overflow o;
  fx::Semantics sem = fx::Semantics::SYSTEMC;
};

class QuantizeVsFx : public ::testing::TestWithParam<ModePair> {};

TEST_P(QuantizeVsFx, MillionValuesRawForRaw) {
  const auto [q, o, sem] = GetParam();
  size_t total = 0;
  uint64_t seed = 1000 + static_cast<int>(q) * 10 + static_cast<int>(o);
  for (const FxType& t : formats(q, o, sem)) {
    const std::vector<double> x = make_values(t, ++seed, t.width == 1 ? 20000 : kValuesPerType);
    std::vector<int64_t> expected(x.size());
    fx::cast_array_from_double(x.data(), x.size(), expected.data(), t);
    const std::vector<int64_t> got = to_vector(quantize_raw(torch::tensor(x, torch::kFloat64), t));
    ASSERT_EQ(got.size(), x.size());
    size_t mismatches = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      if (got[i] != expected[i] && mismatches++ < 5) {
        ADD_FAILURE() << t.str() << ": x = " << std::hexfloat << x[i] << std::defaultfloat
                      << " golden " << got[i] << " fx " << expected[i];
      }
    }
    EXPECT_EQ(mismatches, 0u) << t.str();
    for (size_t i = 0; i < 20000; ++i) {  // the scalar cast agrees too
      ASSERT_EQ(got[i], fx::cast_from_double(x[i], t)) << t.str() << " x = " << x[i];
    }
    total += x.size();
  }
  EXPECT_GE(total, 1000000u);
}

TEST_P(QuantizeVsFx, RawToRawMatchesCastFromRaw) {
  const auto [q, o, sem] = GetParam();
  std::mt19937_64 rng(77 + static_cast<int>(q) * 10 + static_cast<int>(o));
  for (const FxType& t : formats(q, o, sem)) {
    for (int shift : {-70, -63, -40, -5, -1, 0, 1, 2, 7, 30, 61, 62, 63, 90}) {
      std::vector<int64_t> raw(4000);
      for (size_t i = 0; i < raw.size(); ++i) {
        const int bits = static_cast<int>(rng() % 61);
        const int64_t m = static_cast<int64_t>(rng() >> (64 - bits - 1) >> 1);
        raw[i] = (rng() & 1) ? -m : m;
        if (i % 7 == 0 && shift > 0 && shift < 62) {  // exact ties
          raw[i] = ((raw[i] >> shift) << shift) + (int64_t{1} << (shift - 1));
        }
      }
      const int src_frac = t.frac_bits() + shift;
      std::vector<int64_t> expected(raw.size());
      fx::cast_array_from_raw(raw.data(), raw.size(), src_frac, expected.data(), t);
      const std::vector<int64_t> got = to_vector(cast_raw(torch::tensor(raw), src_frac, t));
      for (size_t i = 0; i < raw.size(); ++i) {
        ASSERT_EQ(got[i], expected[i]) << t.str() << " raw " << raw[i] << " src_frac " << src_frac;
      }
    }
  }
}

std::vector<ModePair> all_pairs(fx::Semantics sem) {
  std::vector<ModePair> p;
  for (Rounding q : fx::kAllRoundings)
    for (Overflow o : fx::kAllOverflows) p.push_back({q, o, sem});
  return p;
}

std::string pair_name(const ::testing::TestParamInfo<ModePair>& info) {
  return std::string(fx::to_string(info.param.q)) + "_" + std::string(fx::to_string(info.param.o));
}

INSTANTIATE_TEST_SUITE_P(AllModes, QuantizeVsFx,
                         ::testing::ValuesIn(all_pairs(fx::Semantics::SYSTEMC)), pair_name);
INSTANTIATE_TEST_SUITE_P(ApFixed, QuantizeVsFx,
                         ::testing::ValuesIn(all_pairs(fx::Semantics::AP_FIXED)), pair_name);

// The vendor's vectors: every line through quantize_raw (one tensor per type) and, where the
// input is an exact raw integer of at most 61 bits at some fraction count, through cast_raw.
TEST(Quantize, ApFixedVectorsRawForRaw) {
  const auto all = fxsim::apvec::read_ap_vectors(FXSIM_AP_VECTORS_CSV);
  ASSERT_EQ(all.size(), 15120u);
  size_t checked = 0, raw_checked = 0, mismatches = 0;
  for (const auto& [text, rows] : fxsim::apvec::ap_vectors_by_type(all)) {
    const FxType t = fx::parse_fx_type(text);
    ASSERT_TRUE(t.ap_semantics()) << text;
    std::vector<double> x;
    for (const auto& v : rows) x.push_back(v.x);
    const std::vector<int64_t> got = to_vector(quantize_raw(torch::tensor(x, torch::kFloat64), t));
    for (size_t k = 0; k < rows.size(); ++k) {
      ++checked;
      if (got[k] != rows[k].raw && mismatches++ < 10) {
        ADD_FAILURE() << text << " <- " << rows[k].value << " (line " << rows[k].line
                      << "): ap_fixed " << rows[k].raw << ", golden " << got[k];
      }
      int e = 0;
      std::frexp(x[k], &e);
      const int src_frac = 60 - e;  // |x| * 2^src_frac < 2^60
      const double m = std::ldexp(x[k], src_frac);
      if (x[k] == 0 || m != std::trunc(m)) continue;
      const torch::Tensor raw = torch::tensor({static_cast<int64_t>(m)}, torch::kInt64);
      const int64_t r = cast_raw(raw, src_frac, t)[0].item<int64_t>();
      ++raw_checked;
      if (r != rows[k].raw && mismatches++ < 10) {
        ADD_FAILURE() << text << " <- raw " << static_cast<int64_t>(m) << " * 2^-" << src_frac
                      << " (line " << rows[k].line << "): ap_fixed " << rows[k].raw
                      << ", golden cast_raw " << r;
      }
    }
  }
  EXPECT_EQ(checked, 15120u);
  EXPECT_GT(raw_checked, 14000u);
  EXPECT_EQ(mismatches, 0u);
}

// The two corners by hand, in both semantics (the ap_fixed answers are UG1399's, worked in
// testbenches/fx/ap_fixed_test.cpp).
TEST(Quantize, ApFixedCornersByHand) {
  const torch::Tensor x = torch::tensor({15.5, -16.5, 19.0}, torch::kFloat64);
  EXPECT_EQ(to_vector(quantize_raw(x, fx::parse_fx_type("ap_fixed<4,4,AP_RND,AP_WRAP_SM>"))),
            (std::vector<int64_t>{0, 0, -4}));
  EXPECT_EQ(to_vector(quantize_raw(x, fx::parse_fx_type("fixed<4,4,RND,WRAP_SM>"))),
            (std::vector<int64_t>{-1, -1, -4}));
  const torch::Tensor y = torch::tensor({-19.0, -3.0, 19.0}, torch::kFloat64);
  EXPECT_EQ(to_vector(quantize_raw(y, fx::parse_fx_type("ap_ufixed<4,4,AP_TRN,AP_WRAP,1>"))),
            (std::vector<int64_t>{13, 13, 11}));
  EXPECT_EQ(to_vector(quantize_raw(y, fx::parse_fx_type("sc_ufixed<4,4,SC_TRN,SC_WRAP,1>"))),
            (std::vector<int64_t>{5, 5, 11}));
  EXPECT_EQ(to_vector(quantize_raw(y, fx::parse_fx_type("ap_ufixed<4,4,AP_TRN,AP_WRAP,4>"))),
            (std::vector<int64_t>{15, 15, 15}));
  torch::Tensor ovf;
  EXPECT_EQ(to_vector(quantize_raw(torch::tensor({-0.5, -3.0, 0.0}, torch::kFloat64),
                                   fx::parse_fx_type("ap_fixed<1,0,AP_TRN,AP_SAT_SYM>"), &ovf)),
            (std::vector<int64_t>{-1, -1, 0}));
  EXPECT_EQ(to_vector(ovf.to(torch::kInt64)), (std::vector<int64_t>{0, 1, 0}));
}

TEST(Quantize, WideFormatsDelegateToFx) {
  const FxType t = FxType::make_signed(64, 10, Rounding::RND_CONV, Overflow::WRAP_SM, 0);
  const std::vector<double> x = make_values(t, 5, 20000);
  std::vector<int64_t> expected(x.size());
  fx::cast_array_from_double(x.data(), x.size(), expected.data(), t);
  EXPECT_EQ(to_vector(quantize_raw(torch::tensor(x, torch::kFloat64), t)), expected);
}

TEST(Quantize, DequantizeAndFloatInput) {
  const FxType t = FxType::make_signed(8, 3, Rounding::RND_CONV, Overflow::SAT);
  // 1.3 * 32 = 41.6 -> 42 -> 1.3125; -9 saturates to -4; 2.515625 = 80.5 LSB -> 80 (even).
  const torch::Tensor x = torch::tensor({1.3f, -9.0f, 2.515625f});
  const torch::Tensor raw = quantize_raw(x, t);
  EXPECT_EQ(to_vector(raw), (std::vector<int64_t>{42, -128, 80}));
  const torch::Tensor q = fxsim::golden::quantize(x, t);
  EXPECT_EQ(q.scalar_type(), torch::kFloat32);
  EXPECT_FLOAT_EQ(q[0].item<float>(), 1.3125f);
  EXPECT_FLOAT_EQ(q[1].item<float>(), -4.0f);
  EXPECT_FLOAT_EQ(q[2].item<float>(), 2.5f);
  EXPECT_DOUBLE_EQ(dequantize(raw, t)[2].item<double>(), 2.5);
}

TEST(Quantize, OverflowMask) {
  const FxType t = FxType::make_signed(4, 4, Rounding::RND, Overflow::SAT_SYM);
  torch::Tensor ovf;
  // Range [-8, 7]; SAT_SYM also flags -8. 7.4 rounds to 7 (inside), 7.5 to 8 (outside).
  const torch::Tensor raw = quantize_raw(torch::tensor({7.4, 7.5, -8.0, -7.0, 0.0}), t, &ovf);
  EXPECT_EQ(to_vector(raw), (std::vector<int64_t>{7, 7, -7, -7, 0}));
  EXPECT_EQ(to_vector(ovf.to(torch::kInt64)), (std::vector<int64_t>{0, 1, 1, 0, 0}));
}

// ---- K-hot / SPT ------------------------------------------------------------------------------

std::vector<fx::KhotType> khot_types() {
  using fx::KhotKind;
  using fx::KhotType;
  std::vector<KhotType> t;
  for (int k = 1; k <= 3; ++k) {
    t.push_back(KhotType::make(KhotKind::KHOT, 8, 3, k));
    t.push_back(KhotType::make(KhotKind::SPT, 8, 1, k));
  }
  t.push_back(KhotType::make(KhotKind::UKHOT, 8, 0, 2));
  t.push_back(KhotType::make(KhotKind::UKHOT, 5, 7, 5));
  t.push_back(KhotType::make(KhotKind::KHOT, 16, 4, 3));
  t.push_back(KhotType::make(KhotKind::SPT, 12, 2, 3));
  t.push_back(KhotType::make(KhotKind::SPT, 10, -3, 9));
  t.push_back(KhotType::make(KhotKind::KHOT, 5, 5, 4));
  t.push_back(KhotType::make(KhotKind::KHOT, 40, 10, 2));
  t.push_back(KhotType::make(KhotKind::SPT, 40, 10, 4));
  return t;
}

TEST(KhotQuantize, GridMidpointsAndRandomMatchFx) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  for (const fx::KhotType& t : khot_types()) {
    const double lsb = std::ldexp(1.0, -t.frac_bits());
    const int64_t grid = std::min<int64_t>(int64_t{1} << t.magnitude_bits(), 1 << 16);
    std::vector<double> x;
    for (int64_t r = -grid - 3; r <= grid + 3; ++r) {  // every raw grid point and midpoint
      x.push_back(static_cast<double>(r) * lsb);
      x.push_back((static_cast<double>(r) + 0.5) * lsb);
    }
    const double max_value = static_cast<double>(t.max_magnitude()) * lsb;
    for (int i = 0; i < 100000; ++i) {
      x.push_back(unit(rng) * max_value * 1.3);
      x.push_back(std::ldexp(unit(rng), static_cast<int>(rng() % 100) - 50) * max_value);
    }
    for (double s : {std::numeric_limits<double>::quiet_NaN(), 1e300, -1e300, DBL_MIN,
                     -std::numeric_limits<double>::infinity(),
                     std::numeric_limits<double>::infinity(), 0.0, -0.0}) {
      x.push_back(s);
    }
    const std::vector<int64_t> got =
        to_vector(khot_quantize_raw(torch::tensor(x, torch::kFloat64), t));
    size_t mismatches = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      const int64_t expected = fx::khot_quantize(x[i], t);
      if (got[i] != expected && mismatches++ < 5) {
        ADD_FAILURE() << t.str() << ": x = " << std::hexfloat << x[i] << std::defaultfloat
                      << " golden " << got[i] << " fx " << expected;
      }
    }
    EXPECT_EQ(mismatches, 0u) << t.str();
  }
}

TEST(KhotQuantize, TableHoldsEveryKHotMagnitude) {
  // khot<8,0,2>: 7 magnitude bits, at most 2 set: 1 + 7 + 21 = 29 values.
  const torch::Tensor table =
      fxsim::golden::khot_magnitude_table(fx::KhotType::make(fx::KhotKind::KHOT, 8, 0, 2));
  EXPECT_EQ(table.numel(), 29);
  EXPECT_EQ(table[0].item<int64_t>(), 0);
  EXPECT_EQ(table[28].item<int64_t>(), 96);  // 0b1100000
  EXPECT_THROW(fxsim::golden::khot_quantize_raw(torch::zeros({1}),
                                                fx::KhotType::make(fx::KhotKind::KHOT, 64, 0, 2)),
               std::invalid_argument);
}

}  // namespace
