// models/units/threshold: the reference on a hand-worked table, the channel checks' messages, and
// thresholds_from_batch_norm against a brute force: for accumulators of 2 .. 10 bits, every x of
// the range, the activation y(x) = #{k : scale * x * lsb + bias >= level_k} evaluated directly
// must equal the unit's count over the folded thresholds, for positive, negative, zero and tiny
// scales, biases that put levels beyond either end of the range, ties exactly on a level, the
// sign activation (one level) and 3-, 7- and 15-level activations.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/units/threshold/threshold.hpp"
#include "models/units/unit_registry.hpp"

namespace {

namespace units = fxsim::units;

units::ThresholdConfig config(int x_w, int t) {
  return units::ThresholdConfig::from(
      units::resolve_params(units::find_unit("threshold"), {{"X_W", x_w}, {"T", t}, {"CH", 1}}));
}

// X_W = 5 ([-16, 15], thresholds [-17, 16]), T = 3, worked by hand.
TEST(Threshold, HandWorkedTable) {
  const units::ThresholdConfig c = config(5, 3);
  EXPECT_EQ(c.out_w(), 2);
  EXPECT_EQ(c.word_width(), 19);
  const units::ThresholdChannel up{false, {-3, 0, 0}};  // y counts x >= t
  EXPECT_EQ(units::threshold(c, -16, up), 0);
  EXPECT_EQ(units::threshold(c, -4, up), 0);
  EXPECT_EQ(units::threshold(c, -3, up), 1);
  EXPECT_EQ(units::threshold(c, -1, up), 1);
  EXPECT_EQ(units::threshold(c, 0, up), 3);
  EXPECT_EQ(units::threshold(c, 15, up), 3);
  const units::ThresholdChannel down{true, {-17, 2, 16}};  // y counts x <= t
  EXPECT_EQ(units::threshold(c, -16, down), 2);
  EXPECT_EQ(units::threshold(c, 2, down), 2);
  EXPECT_EQ(units::threshold(c, 3, down), 1);
  EXPECT_EQ(units::threshold(c, 15, down), 1);
  const units::ThresholdChannel never{false, {16, 16, 16}}, always{false, {-16, -16, -16}};
  EXPECT_EQ(units::threshold(c, 15, never), 0);
  EXPECT_EQ(units::threshold(c, -16, always), 3);
}

TEST(Threshold, ClearErrors) {
  const units::ThresholdConfig c = config(5, 3);
  const auto message = [&](const units::ThresholdChannel& ch) {
    try {
      units::check_channel(c, ch);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(message({false, {1, 2}}), "threshold: 2 thresholds, the unit has T = 3");
  EXPECT_EQ(message({false, {1, 2, 17}}),
            "threshold: threshold 2 = 17 is outside -17..16 (X_W = 5 accumulator, one beyond "
            "each end)");
  EXPECT_EQ(message({true, {1, 0, 2}}),
            "threshold: threshold 1 = 0 is below threshold 0 = 1 (thresholds ascend)");
  EXPECT_EQ(message({true, {-17, -17, 16}}), "accepted");
  try {
    units::resolve_params(units::find_unit("threshold"), {{"PE", 4}, {"CH", 6}});
    ADD_FAILURE() << "CH 6 on PE 4 accepted";
  } catch (const units::UnitParamError& e) {
    EXPECT_NE(std::string(e.what()).find("CH = 6 is not a multiple of PE = 4"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(units::thresholds_from_batch_norm(1.0, 0.0, 0.0, {0.0}, 8), std::invalid_argument);
  EXPECT_THROW(units::thresholds_from_batch_norm(NAN, 0.0, 1.0, {0.0}, 8), std::invalid_argument);
  EXPECT_THROW(units::thresholds_from_batch_norm(1.0, 0.0, 1.0, {INFINITY}, 8),
               std::invalid_argument);
}

// Hand-worked folds, lsb 1 unless said: 0.5 x - 1 >= 0 from x = 2; -0.5 x - 1 >= 0 up to x = -2;
// 0.25 x (lsb 0.25, scale 1) + 0 >= {0.5, 1.0}: x >= 2, x >= 4; scale 0: bias 1 reaches level 0
// for every x (x_min), not level 2 (x_max + 1).
TEST(Threshold, HandWorkedFolds) {
  units::ThresholdChannel ch = units::thresholds_from_batch_norm(0.5, -1.0, 1.0, {0.0}, 8);
  EXPECT_FALSE(ch.descending);
  EXPECT_EQ(ch.thresholds, std::vector<std::int64_t>({2}));
  ch = units::thresholds_from_batch_norm(-0.5, -1.0, 1.0, {0.0}, 8);
  EXPECT_TRUE(ch.descending);
  EXPECT_EQ(ch.thresholds, std::vector<std::int64_t>({-2}));
  ch = units::thresholds_from_batch_norm(1.0, 0.0, 0.25, {0.5, 1.0}, 8);
  EXPECT_EQ(ch.thresholds, std::vector<std::int64_t>({2, 4}));
  ch = units::thresholds_from_batch_norm(0.0, 1.0, 1.0, {0.0, 2.0}, 8);
  EXPECT_FALSE(ch.descending);
  EXPECT_EQ(ch.thresholds, std::vector<std::int64_t>({-128, 128}));
  // A level beyond the range: never (x_max + 1) with a positive scale, x_min - 1 with a negative.
  ch = units::thresholds_from_batch_norm(1.0, 0.0, 1.0, {1000.0}, 8);
  EXPECT_EQ(ch.thresholds, std::vector<std::int64_t>({128}));
  ch = units::thresholds_from_batch_norm(-1.0, 0.0, 1.0, {1000.0}, 8);
  EXPECT_EQ(ch.thresholds, std::vector<std::int64_t>({-129}));
}

TEST(Threshold, FoldEqualsBruteForceOverEveryAccumulator) {
  std::mt19937_64 rng(20);
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  std::uint64_t checked = 0, ties = 0, never = 0, always = 0, descending = 0;
  for (int x_w = 2; x_w <= 10; ++x_w) {
    for (const int t : {1, 3, 7, 15}) {
      const units::ThresholdConfig c = config(x_w, t);
      for (int trial = 0; trial < 40; ++trial) {
        const int kind = trial % 8;
        // Scales: positive, negative, zero, tiny; lsb a power of two or not.
        double scale = kind == 0 ? 0.0 : unit(rng) * (kind == 1 ? 1e-9 : 4.0);
        if (kind == 2) scale = 0.5;  // with lsb 2^-k and a bias on the grid: exact ties
        const double lsb =
            trial % 3 == 0 ? 1.0 / (1 << (trial % 5)) : 0.001 + 0.1 * (1 + unit(rng));
        const double range = std::abs(scale) * lsb * (1 << (x_w - 1)) + 1e-3;
        double bias = unit(rng) * range * (kind == 3 ? 4.0 : 1.0);  // levels beyond the range
        if (kind == 2) bias = -0.25 * static_cast<int>(rng() % 8);
        // The levels: the sign activation's 0, or T rounding boundaries (k + 0.5) * step.
        std::vector<double> levels;
        const double step = 2.0 * range / (t + 1);
        for (int k = 0; k < t; ++k) {
          levels.push_back(t == 1 ? 0.0 : (kind == 2 ? 0.25 * k : (k + 0.5) * step - range / 2));
        }
        const units::ThresholdChannel ch =
            units::thresholds_from_batch_norm(scale, bias, lsb, levels, x_w);
        ASSERT_NO_THROW(units::check_channel(c, ch));
        descending += ch.descending;
        for (std::int64_t x = c.x_min(); x <= c.x_max(); ++x) {
          int want = 0;
          for (const double level : levels) {
            const double v = scale * static_cast<double>(x) * lsb + bias;
            want += v >= level;
            ties += v == level;
          }
          ASSERT_EQ(units::threshold(c, x, ch), want)
              << "X_W " << x_w << " T " << t << " x " << x << " scale " << scale << " bias " << bias
              << " lsb " << lsb;
          ++checked;
        }
        for (const std::int64_t th : ch.thresholds) {
          never += th == c.x_max() + 1 || th == c.x_min() - 1;
          always += (!ch.descending && th == c.x_min()) || (ch.descending && th == c.x_max());
        }
      }
    }
  }
  EXPECT_GT(checked, 100000u);
  // The corners were reached.
  EXPECT_GT(ties, 0u);
  EXPECT_GT(never, 0u);
  EXPECT_GT(always, 0u);
  EXPECT_GT(descending, 0u);
}

}  // namespace
