// env::requantize_model and env::requantized_golden (a network sweep's point that changes a
// trained network's formats) on the checked-in hand-built CNN (data/cnn_tiny.fxm: conv0 3x3 with
// fixed<6,1> weights and a fixed<8,2> BN scale, pool0, fc0 with fixed<6,1> weights; its golden
// logits are the brute force of verify_network_test.cpp). The requantized raws are checked
// against rules written here (std::nearbyint's ties-to-even for RND_CONV, a brute-force nearest
// signed power of two for SPT / 1-hot); an exact widening of the weights must give the model's
// own golden logits on the network engine.
#include "testbenches/env/requantize_model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "fx/type_parser.hpp"
#include "golden/model_file.hpp"
#include "models/engine/network_plan.hpp"
#include "testbenches/env/network_from_model.hpp"
#include "testbenches/env/run_network.hpp"

namespace fxsim::env {
namespace {

const std::string kData = FXSIM_ENV_TEST_DATA_DIR;

// The nearest of 0 and +-2^e (e = 0..max_exp) to raw; a tie goes to the larger magnitude.
std::int64_t nearest_one_hot(std::int64_t raw, int max_exp) {
  std::int64_t best = 0;
  for (int e = 0; e <= max_exp; ++e) {
    for (const std::int64_t c : {std::int64_t{1} << e, -(std::int64_t{1} << e)}) {
      const std::int64_t d = std::llabs(raw - c), db = std::llabs(raw - best);
      if (d < db || (d == db && std::llabs(c) > std::llabs(best))) best = c;
    }
  }
  return best;
}

class RequantizeModel : public ::testing::Test {
 protected:
  void SetUp() override { file_ = golden::read_model_file(kData + "/cnn_tiny.fxm"); }
  // The model's description (PE 1, the model's SIMDs) after `edit`, planned.
  template <typename Edit>
  engine::NetworkPlan plan_with(Edit edit) {
    ModelFolding f;
    f.images = 24;
    f.model_ref = kData + "/cnn_tiny.fxm";
    f.model_data_ref = kData;
    engine::NetworkConfig cfg = network_from_model(file_, f);
    edit(cfg);
    return engine::plan_network(cfg, "cnn");
  }
  const golden::ConvLayer& conv(const golden::QuantNetwork& m) {
    return std::get<golden::ConvLayer>(m.features.at(0));
  }
  golden::ModelFile file_;
};

TEST_F(RequantizeModel, TheModelsOwnFormatsGiveNothing) {
  EXPECT_FALSE(requantize_model(file_.model, plan_with([](engine::NetworkConfig&) {})));
}

// fixed<6,1> (F 5) -> fixed<4,1,RND_CONV,SAT> (F 3): raw / 4 rounded half to even, saturated to
// -8..7; the accumulator is the block's exact default (F 8 + 3); fc0 is untouched.
TEST_F(RequantizeModel, ConvWeightsAreRoundedIntoTheBlocksFormat) {
  const engine::NetworkPlan plan = plan_with([](engine::NetworkConfig& c) {
    c.layers[0].weight = fx::parse_fx_type("fixed<4,1,RND_CONV,SAT>");
    c.layers[0].accumulator.reset();
  });
  const auto rq = requantize_model(file_.model, plan);
  ASSERT_TRUE(rq);
  const golden::ConvLayer& was = conv(file_.model);
  const golden::ConvLayer& now = conv(*rq);
  EXPECT_EQ(fx::type_str(now.weight_type), "fixed<4,1,RND_CONV,SAT,0>");
  EXPECT_EQ(now.acc_type.frac_bits(), 11);
  EXPECT_EQ(now.acc_type.str(), plan.blocks[0].mvau->accumulator.str());
  ASSERT_EQ(now.weight_raw.size(), was.weight_raw.size());
  int changed = 0;
  for (std::size_t i = 0; i < was.weight_raw.size(); ++i) {
    const double q = std::nearbyint(static_cast<double>(was.weight_raw[i]) / 4.0);
    const auto want = static_cast<std::int64_t>(std::clamp(q, -8.0, 7.0));
    EXPECT_EQ(now.weight_raw[i], want) << "weight " << i << " raw " << was.weight_raw[i];
    changed += now.weight_raw[i] * 4 != was.weight_raw[i];
  }
  EXPECT_GT(changed, 0);
  EXPECT_EQ(now.bn->scale_raw, was.bn->scale_raw);
  EXPECT_EQ(rq->layers[0].weight_raw, file_.model.layers[0].weight_raw);
  EXPECT_EQ(rq->layers[0].weight_type.str(), file_.model.layers[0].weight_type.str());
}

// fc0 on the SPT engine with spt<6,1,1> weights: each raw the nearest of 0, +-1, ..., +-16 (ties
// to the larger), held in the fixed<6,1> container. The model as trained does not match that
// block; the requantized one does.
TEST_F(RequantizeModel, DenseSptWeightsAreHeldInTheirContainer) {
  const engine::NetworkPlan plan = plan_with([](engine::NetworkConfig& c) {
    c.layers[2].engine = engine::EngineKind::SPT;
    c.layers[2].weight = fx::parse_khot_type("spt<6,1,1>");
    c.layers[2].accumulator.reset();
  });
  const auto rq = requantize_model(file_.model, plan);
  ASSERT_TRUE(rq);
  const golden::DenseLayer& was = file_.model.layers[0];
  const golden::DenseLayer& now = rq->layers[0];
  EXPECT_EQ(now.weight_type.width, 6);
  EXPECT_EQ(now.weight_type.int_bits, 1);
  for (std::size_t i = 0; i < was.weight_raw.size(); ++i) {
    EXPECT_EQ(now.weight_raw[i], nearest_one_hot(was.weight_raw[i], 4)) << "weight " << i;
  }
  try {
    check_against_model(plan, file_);
    ADD_FAILURE() << "the trained fc0 was accepted on an spt block";
  } catch (const engine::NetworkFileError& e) {
    EXPECT_NE(std::string(e.what()).find("layer[2].engine: spt; expected fx_mac"),
              std::string::npos)
        << e.what();
  }
  golden::ModelFile f;
  f.model = *rq;
  EXPECT_NO_THROW(check_against_model(plan, f));
}

// conv0's BN scale fixed<8,2> (F 6) as khot<8,2,1>: the nearest of 0 and +-2^0..2^6 per channel.
TEST_F(RequantizeModel, BnScalesTakeTheBlocksScaleType) {
  const engine::NetworkPlan plan = plan_with(
      [](engine::NetworkConfig& c) { c.layers[0].bn->scale = fx::parse_khot_type("khot<8,2,1>"); });
  const auto rq = requantize_model(file_.model, plan);
  ASSERT_TRUE(rq);
  const golden::BnActLayer& was = *conv(file_.model).bn;
  const golden::BnActLayer& now = *conv(*rq).bn;
  EXPECT_EQ(fx::type_str(now.scale_type), "khot<8,2,1>");
  for (std::size_t c = 0; c < was.scale_raw.size(); ++c) {
    EXPECT_EQ(now.scale_raw[c], nearest_one_hot(was.scale_raw[c], 6)) << "channel " << c;
  }
  EXPECT_EQ(now.bias_raw, was.bias_raw);
}

// Both weight formats widened by two fraction bits (fixed<6,1> -> fixed<8,1>: every value kept):
// the requantized model's golden logits, and the network's on it, are the trained model's.
TEST_F(RequantizeModel, AnExactWideningKeepsEveryGoldenLogit) {
  const engine::NetworkPlan plan = plan_with([](engine::NetworkConfig& c) {
    for (const int l : {0, 2}) {
      c.layers[l].weight = fx::parse_fx_type("fixed<8,1,RND_CONV,SAT>");
      c.layers[l].accumulator.reset();
    }
  });
  const auto rq = requantize_model(file_.model, plan);
  ASSERT_TRUE(rq);
  EXPECT_EQ(conv(*rq).weight_raw[0], conv(file_.model).weight_raw[0] * 4);
  golden::ModelFile f;
  f.model = *rq;
  f.golden = requantized_golden(f.model, plan, *file_.golden, 24);
  EXPECT_EQ(f.golden->logits, file_.golden->logits);
  EXPECT_EQ(f.golden->labels, file_.golden->labels);
  EXPECT_EQ(f.golden->accuracy, file_.golden->accuracy);
  NetworkRunOptions o;
  o.images = 24;
  o.model = &f;
  const NetworkSummary s = run_network(plan, o);
  ASSERT_TRUE(s.runs.at(0).golden);
  EXPECT_EQ(s.runs.at(0).golden->mismatches, 0u);
  EXPECT_EQ(s.runs.at(0).mismatches, 0u);
  EXPECT_EQ(s.runs.at(0).golden->correct,
            static_cast<int>(std::lround(file_.golden->accuracy * 24)));
}

}  // namespace
}  // namespace fxsim::env
