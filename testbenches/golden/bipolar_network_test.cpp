// golden/bipolar_network.hpp: the reference integer inference of binary / ternary MLPs through
// models/units (xnor_dot, threshold, bn_act) against a brute force on two hand-built nets
// (testbenches/golden/bipolar_test_nets.hpp) over random and corner inputs, and the checks of
// validate() with their exact messages.
#include "golden/bipolar_network.hpp"

#include <gtest/gtest.h>

#include <random>

#include "testbenches/golden/bipolar_test_nets.hpp"

namespace {

using namespace fxsim::golden;
using namespace fxsim::golden::test;
namespace fx = fxsim::fx;

std::vector<std::vector<std::int64_t>> inputs() {
  std::vector<std::vector<std::int64_t>> in = {std::vector<std::int64_t>(8, 0),
                                               std::vector<std::int64_t>(8, 255)};
  std::mt19937 rng(20);
  std::uniform_int_distribution<int> px(0, 255);
  for (int n = 0; n < 500; ++n) {
    std::vector<std::int64_t> v(8);
    for (auto& x : v) x = px(rng);
    in.push_back(v);
  }
  return in;
}

TEST(BipolarNetwork, BnnReferenceEqualsBruteForce) {
  const BipolarNetwork net = tiny_bnn();
  validate(net);
  int distinct_bits = 0;
  std::vector<int> seen(16, 0);
  for (const auto& px : inputs()) {
    EXPECT_EQ(reference_forward(net, px), brute_bnn(px));
    const std::vector<std::int64_t> bits = reference_bipolar(net.layers[0], px);
    int code = 0;
    for (int i = 0; i < 4; ++i) code |= static_cast<int>(bits[i]) << i;
    distinct_bits += seen[code]++ == 0;
  }
  EXPECT_GE(distinct_bits, 4);  // the inputs exercise both sides of the thresholds
}

TEST(BipolarNetwork, TernaryReferenceEqualsBruteForce) {
  const BipolarNetwork net = tiny_ternary();
  validate(net);
  int saturated = 0;
  for (const auto& px : inputs()) {
    EXPECT_EQ(reference_forward(net, px), brute_ternary(px));
    for (std::int64_t h : reference_bipolar(net.layers[0], px)) saturated += h == 255;
  }
  EXPECT_GT(saturated, 0);
}

TEST(BipolarNetwork, ThresholdsAreTheBatchNormSign) {
  // Channel 3 has s = 0, b = 0.2: every x gives 1; channel 1 (s < 0) counts x <= t.
  const BipolarNetwork net = tiny_bnn();
  EXPECT_FALSE(net.layers[0].thresholds[0].descending);
  EXPECT_TRUE(net.layers[0].thresholds[1].descending);
  const std::vector<std::int64_t> bits =
      reference_bipolar(net.layers[0], std::vector<std::int64_t>(8, 0));
  // acc = 0: y = b >= 0.
  EXPECT_EQ(bits, (std::vector<std::int64_t>{0, 1, 1, 1}));
}

TEST(BipolarNetwork, AccumulatorType) {
  const fx::FxType px = pixels();
  // 784 pixel bytes: 8 magnitude bits + ceil(log2 784) = 10 + sign.
  EXPECT_EQ(bipolar_acc_type(&px, 784).str(), "fixed<19,11,TRN,SAT,0>");
  EXPECT_EQ(bipolar_acc_type(nullptr, 256).str(), "fixed<10,10,TRN,SAT,0>");
}

std::string error_of(const BipolarNetwork& net) {
  try {
    validate(net);
  } catch (const ModelError& e) {
    return e.what();
  }
  return "no error";
}

TEST(BipolarNetwork, ValidateNamesTheField) {
  BipolarNetwork n = tiny_bnn();
  n.layers[0].weight_v[5] = 0;
  EXPECT_EQ(error_of(n),
            "fc1.weights: element 5 = 0 is not a v of binary<0.5> (expected -1 or +1)");
  n = tiny_ternary();
  n.layers[1].weight_v[2] = 2;
  EXPECT_EQ(error_of(n), "fc2.weights: element 2 = 2 is not a v of ternary (expected -1, 0 or +1)");
  n = tiny_bnn();
  n.layers[1].simd = 3;
  EXPECT_EQ(error_of(n),
            "fc2.in_features: 4 binary inputs are not a multiple of simd = 3 (xnor-popcount: a "
            "padded lane would add +1)");
  n = tiny_bnn();
  n.layers[1].acc_type = fx::FxType::make_signed(3, 3, fx::Rounding::TRN, fx::Overflow::SAT);
  EXPECT_EQ(error_of(n),
            "fc2.accumulator: type fixed<3,3,TRN,SAT,0>; expected a signed type with 0 fraction "
            "bits (the input's) and at least 4 integer bits (no sum overflows), at most 62 bits "
            "wide: fixed<4,4,TRN,SAT,0>");
  n = tiny_bnn();
  n.layers[0].bn = n.layers[1].bn;
  EXPECT_EQ(error_of(n), "fc1: both a bn and thresholds; expected one output stage");
  n = tiny_bnn();
  n.layers[1].binary_input = false;
  n.layers[1].input_type = pixels();
  n.layers[1].acc_type = bipolar_acc_type(&n.layers[1].input_type, 4);
  n.layers[1].bn->scale_raw = {16, -24, 5};
  EXPECT_EQ(error_of(n), "fc2.input: expected binary: the previous layer outputs bits");
  n = tiny_ternary();
  n.layers[1].input_type = pixels();
  n.layers[1].acc_type = bipolar_acc_type(&n.layers[1].input_type, 4);
  EXPECT_EQ(error_of(n),
            "fc2.input: ufixed<8,0,RND_CONV,SAT,0> is not the previous layer's output type "
            "ufixed<8,3,RND_CONV,SAT,0>");
  n = tiny_bnn();
  n.layers.pop_back();
  EXPECT_EQ(error_of(n), "fc1: the last layer gives the logits: expected a bn, not thresholds");
  n = tiny_bnn();
  n.layers[0].thresholds[2].thresholds = {1 << 20};
  EXPECT_NE(error_of(n).find("fc1.thresholds: channel 2: "), std::string::npos) << error_of(n);
}

}  // namespace
