// Gradients of the fake quantizers, against values worked out by hand (docs/golden.md) and a
// finite difference of the surrogate the straight-through estimator differentiates.
#include "golden/torch/qfx.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "fx/type_parser.hpp"

namespace fx = fxsim::fx;

namespace {

using fx::FxType;
using fx::Overflow;
using fx::Rounding;
using namespace fxsim::golden;

constexpr double kLn2 = 0.693147180559945309417232121458176568;

torch::Tensor dbl(std::initializer_list<double> v) {
  return torch::tensor(std::vector<double>(v), torch::kFloat64);
}

// fixed<4,I,RND,SAT> with f = 2.2 -> F = 2, I = 2: raw range [-8, 7], values [-2, 1.75].
//   0.3  -> 1.2 LSB -> 1 -> 0.25   inside:    dq/dF = ln2 * (0.3 - 0.25)  = 0.05 ln2
//  -1.7  -> -6.8    -> -7 -> -1.75 inside:    dq/dF = ln2 * (-1.7 + 1.75) = 0.05 ln2
//   5.0  -> 20      -> 7 -> 1.75   saturated: dq/dF = -ln2 * 1.75
// With upstream gradient 1: dL/df = (0.05 + 0.05 - 1.75) ln2 = -1.65 ln2; dL/dx = (1, 1, 0).
TEST(LearnedBinaryPoint, HandWorkedSaturating) {
  const FxType base = FxType::make_signed(4, 0, Rounding::RND, Overflow::SAT);
  const torch::Tensor x = dbl({0.3, -1.7, 5.0}).requires_grad_(true);
  const torch::Tensor f = torch::tensor(2.2, torch::kFloat64).requires_grad_(true);
  const torch::Tensor q = fake_quant_learned(x, f, base);
  EXPECT_DOUBLE_EQ(q[0].item<double>(), 0.25);
  EXPECT_DOUBLE_EQ(q[1].item<double>(), -1.75);
  EXPECT_DOUBLE_EQ(q[2].item<double>(), 1.75);
  q.sum().backward();
  EXPECT_NEAR(f.grad().item<double>(), -1.65 * kLn2, 1e-12);
  EXPECT_DOUBLE_EQ(x.grad()[0].item<double>(), 1.0);
  EXPECT_DOUBLE_EQ(x.grad()[1].item<double>(), 1.0);
  EXPECT_DOUBLE_EQ(x.grad()[2].item<double>(), 0.0);
}

// WRAP passes everything: 5.0 -> 20 LSB -> low 4 bits 0100 = 4 -> q = 1.0; dq/dF = ln2 (5 - 1).
TEST(LearnedBinaryPoint, HandWorkedWrap) {
  const FxType base = FxType::make_signed(4, 0, Rounding::RND, Overflow::WRAP);
  const torch::Tensor x = dbl({5.0}).requires_grad_(true);
  const torch::Tensor f = torch::tensor(1.6, torch::kFloat64).requires_grad_(true);
  const torch::Tensor q = fake_quant_learned(x, f, base);
  EXPECT_DOUBLE_EQ(q[0].item<double>(), 1.0);
  (3.0 * q).sum().backward();  // upstream gradient 3
  EXPECT_NEAR(f.grad().item<double>(), 3.0 * 4.0 * kLn2, 1e-12);
  EXPECT_DOUBLE_EQ(x.grad()[0].item<double>(), 3.0);
}

// The STE gradient is the exact derivative of s(F) = (R0 + x (2^F - 2^F0)) 2^-F at F0 (R0 =
// round(x 2^F0) held fixed, the rounding replaced by the identity around F0), and of
// c 2^-F for a saturated value: compare with central differences of those surrogates.
TEST(LearnedBinaryPoint, MatchesFiniteDifferenceOfSurrogate) {
  const FxType base = FxType::make_signed(8, 0, Rounding::RND_CONV, Overflow::SAT);
  const int f0 = 5;
  const double h = 1e-6;
  for (double xv : {0.337, -1.91, 2.0 / 3.0, 3.96, -3.99, 7.5, -100.0}) {
    const torch::Tensor x = dbl({xv}).requires_grad_(true);
    const torch::Tensor f = torch::tensor(double(f0), torch::kFloat64).requires_grad_(true);
    fake_quant_learned(x, f, base).sum().backward();
    const double r0 = std::nearbyint(xv * std::ldexp(1.0, f0));  // ties-to-even like RND_CONV
    const bool saturated = r0 > 127 || r0 < -128;
    const double c = std::clamp(r0, -128.0, 127.0);
    auto s = [&](double F) {
      return saturated ? c * std::exp2(-F)
                       : (r0 + xv * (std::exp2(F) - std::exp2(f0))) * std::exp2(-F);
    };
    const double fd = (s(f0 + h) - s(f0 - h)) / (2 * h);
    EXPECT_NEAR(f.grad().item<double>(), fd, 1e-7) << "x = " << xv;
    EXPECT_DOUBLE_EQ(x.grad()[0].item<double>(), saturated ? 0.0 : 1.0) << "x = " << xv;
  }
}

TEST(FakeQuant, StraightThroughWithSaturationMask) {
  // fixed<4,2,TRN,SAT_SYM>: raw [-7, 7] usable; -1.9 -> floor(-7.6) = -8 -> saturates to -7.
  const FxType t = FxType::make_signed(4, 2, Rounding::TRN, Overflow::SAT_SYM);
  const torch::Tensor x = dbl({-1.9, 0.6, 1.8}).requires_grad_(true);
  const torch::Tensor q = fake_quant(x, t);
  EXPECT_DOUBLE_EQ(q[0].item<double>(), -1.75);
  EXPECT_DOUBLE_EQ(q[1].item<double>(), 0.5);
  EXPECT_DOUBLE_EQ(q[2].item<double>(), 1.75);
  q.sum().backward();
  EXPECT_DOUBLE_EQ(x.grad()[0].item<double>(), 0.0);
  EXPECT_DOUBLE_EQ(x.grad()[1].item<double>(), 1.0);
  EXPECT_DOUBLE_EQ(x.grad()[2].item<double>(), 1.0);  // 7.2 LSB -> 7: inside after rounding
}

TEST(FakeQuant, KhotStraightThrough) {
  // khot<8,2,1>: powers of two 2^-6 .. 2^0, largest 1.0. 0.7 -> 0.5 (nearest of 0.5 / 1.0);
  // 3.0 saturates to 1.0 (zero gradient); -0.75 is a tie of 0.5 / 1.0 -> larger: -1.0.
  const fx::KhotType t = fx::KhotType::make(fx::KhotKind::KHOT, 8, 2, 1);
  const torch::Tensor x = dbl({0.7, 3.0, -0.75}).requires_grad_(true);
  const torch::Tensor q = fake_khot(x, t);
  EXPECT_DOUBLE_EQ(q[0].item<double>(), 0.5);
  EXPECT_DOUBLE_EQ(q[1].item<double>(), 1.0);
  EXPECT_DOUBLE_EQ(q[2].item<double>(), -1.0);
  q.sum().backward();
  EXPECT_DOUBLE_EQ(x.grad()[0].item<double>(), 1.0);
  EXPECT_DOUBLE_EQ(x.grad()[1].item<double>(), 0.0);
  EXPECT_DOUBLE_EQ(x.grad()[2].item<double>(), 1.0);
}

TEST(FakeQuant, FracBitsRoundHalfAwayFromZero) {
  EXPECT_EQ(round_frac_bits(2.5), 3);
  EXPECT_EQ(round_frac_bits(-2.5), -3);
  EXPECT_EQ(round_frac_bits(2.49), 2);
  EXPECT_EQ(with_frac_bits(FxType::make_signed(8, 0), 5).int_bits, 3);
}

// The formats travel through autograd as type strings: an ap_fixed spelling keeps ap_fixed
// semantics. ap_fixed<4,4,AP_RND,AP_WRAP_SM> of 15.5 is 0 (SystemC's fixed<...>: -1).
TEST(FakeQuant, ApFixedSpellingKeepsItsSemantics) {
  const FxType ap = fx::parse_fx_type("ap_fixed<4,4,AP_RND,AP_WRAP_SM>");
  const FxType sc = fx::parse_fx_type("fixed<4,4,RND,WRAP_SM>");
  EXPECT_DOUBLE_EQ(fake_quant(dbl({15.5}), ap)[0].item<double>(), 0.0);
  EXPECT_DOUBLE_EQ(fake_quant(dbl({15.5}), sc)[0].item<double>(), -1.0);
  // Learned binary point: with_frac_bits keeps the spelling (F = 0 here: I = 4).
  const FxType learned = with_frac_bits(ap, 0);
  EXPECT_TRUE(learned.ap_semantics());
  EXPECT_EQ(learned.str(), "ap_fixed<4,4,AP_RND,AP_WRAP_SM,0>");
  const torch::Tensor f = torch::tensor(0.2, torch::kFloat64).requires_grad_(true);
  EXPECT_DOUBLE_EQ(fake_quant_learned(dbl({15.5}), f, ap)[0].item<double>(), 0.0);
  EXPECT_DOUBLE_EQ(fake_quant_learned(dbl({15.5}), f, sc)[0].item<double>(), -1.0);
}

}  // namespace
