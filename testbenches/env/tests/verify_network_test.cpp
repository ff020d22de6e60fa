// `fxsim verify --engine network`'s library (testbenches/env/verify_network.hpp) and the CNN side
// of network_from_model, on a hand-built CNN written to a real model file with a real IDX image
// file: conv 3x3 pad 1 (6x6x1 -> 6x6x4, BN + ReLU), max-pool 2 (-> 3x3x4), dense 36 -> 5 logits.
// Its
// golden logits are computed here by a brute force of direct loops over pixels and windows, each
// requantization by fx::cast_from_raw (not by the code under test, nor golden::reference_forward),
// and the network must reproduce every one on both backends, in chunks or in one run, with the
// cycles `fxsim run --network` reports for the same description and the interval worked by hand.
#include "testbenches/env/verify_network.hpp"

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "fx/cast.hpp"
#include "fx/khot.hpp"
#include "golden/idx.hpp"
#include "golden/model_file.hpp"
#include "models/engine/network_config.hpp"
#include "models/engine/network_plan.hpp"
#include "testbenches/env/network_from_model.hpp"
#include "testbenches/env/run_network.hpp"
#include "testbenches/env/verify_model.hpp"

namespace fxsim::env {
namespace {

using fx::FxType;
using fx::Overflow;
using fx::Rounding;

constexpr int kSide = 6;  // the input map: 6 x 6 x 1
constexpr int kPixels = kSide * kSide;
constexpr int kChannels = 4;  // conv output channels
constexpr int kConvSide = 6;  // padding 1
constexpr int kPoolSide = 3;
constexpr int kFeatures = kPoolSide * kPoolSide * kChannels;  // 36
constexpr int kClasses = 5;
constexpr int kImages = 24;

std::int64_t draw_raw(std::mt19937_64& rng, const FxType& t) {
  const std::int64_t lo = t.raw_min(), hi = t.raw_max();
  return lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
}

// conv0 (3 x 3, padding 1): weights fixed<6,1> (F 5) on the ufixed<8,0> pixels (F 8): sums of 9
// products below 9
// in magnitude, exact in fixed<19,6> (F 13); requantized to fixed<10,4> (F 6, saturating at 8),
// BN scale fixed<8,2> (F 6), bias fixed<8,3> (F 5), output fixed<8,3> (F 5) and ReLU.
// fc0: 36 inputs of fixed<8,3> (|x| <= 4) x fixed<6,1> weights (F 5): |sum| < 144 in fixed<19,9>
// (F 10), requantized to fixed<12,5> (F 7). No accumulator can overflow: the order of the beats
// is free, so the network's SIMDs need not be the model's.
// With `spt`, conv0's weights are spt<6,1,2> (sums of at most two signed powers of two, the same
// fraction bits): the conv block then runs on the spt engine (shift-add PEs, term words).
golden::QuantNetwork make_cnn(bool spt) {
  std::mt19937_64 rng(17);
  golden::QuantNetwork m;
  m.input_type = FxType::make_unsigned(8, 0, Rounding::TRN, Overflow::SAT);
  golden::ConvLayer conv;
  conv.name = "conv0";
  conv.shape = units::ConvShape{kSide, kSide, 1, 3, 1, 1};
  conv.out_channels = kChannels;
  conv.simd = 1;
  conv.input_type = m.input_type;
  conv.weight_type = FxType::make_signed(6, 1, Rounding::RND_CONV, Overflow::SAT);
  conv.acc_type = FxType::make_signed(19, 6, Rounding::TRN, Overflow::SAT);
  conv.out_type = FxType::make_signed(10, 4, Rounding::RND_CONV, Overflow::SAT);
  for (int i = 0; i < kChannels * 9; ++i) {
    conv.weight_raw.push_back(draw_raw(rng, std::get<FxType>(conv.weight_type)));
  }
  if (spt) {  // raws of at most two powers of two below 2^5, either sign: values of spt<6,1,2>
    conv.weight_type = fx::parse_khot_type("spt<6,1,2>");
    for (std::int64_t& w : conv.weight_raw) {
      const std::int64_t a = std::int64_t{1} << (rng() % 5), b = std::int64_t{1} << (rng() % 5);
      w = (rng() & 1 ? -1 : 1) * (a == b ? a : a + (rng() & 1 ? b : -b));
    }
  }
  golden::BnActLayer bn;
  bn.scale_type = FxType::make_signed(8, 2);
  bn.bias_type = FxType::make_signed(8, 3);
  bn.out_type = FxType::make_signed(8, 3, Rounding::RND_CONV, Overflow::SAT);
  bn.act = units::Activation::RELU;
  for (int c = 0; c < kChannels; ++c) {
    bn.scale_raw.push_back(draw_raw(rng, std::get<FxType>(bn.scale_type)));
    bn.bias_raw.push_back(draw_raw(rng, bn.bias_type));
  }
  conv.bn = bn;
  golden::MaxPoolLayer pool;
  pool.name = "pool0";
  pool.height = pool.width = kConvSide;
  pool.channels = kChannels;
  pool.size = 2;
  pool.type = bn.out_type;
  golden::DenseLayer fc;
  fc.name = "fc0";
  fc.in_features = kFeatures;
  fc.out_features = kClasses;
  fc.simd = 4;
  fc.input_type = bn.out_type;
  fc.weight_type = FxType::make_signed(6, 1, Rounding::RND_CONV, Overflow::SAT);
  fc.acc_type = FxType::make_signed(19, 9, Rounding::TRN, Overflow::SAT);
  fc.out_type = FxType::make_signed(12, 5, Rounding::RND_CONV, Overflow::SAT);
  for (int i = 0; i < kFeatures * kClasses; ++i)
    fc.weight_raw.push_back(draw_raw(rng, fc.weight_type));
  m.features = {conv, pool};
  m.layers = {fc};
  golden::validate(m);
  return m;
}

// The logits of one image by direct loops: conv (window sums, requant, x scale + bias, requant,
// ReLU), max of each 2 x 2, the flattened y, x, c map through fc0 (sum, requant).
std::vector<std::int64_t> brute_force_logits(const golden::QuantNetwork& m,
                                             const std::uint8_t* px) {
  const auto& conv = std::get<golden::ConvLayer>(m.features[0]);
  const golden::BnActLayer& bn = *conv.bn;
  std::int64_t act[kConvSide][kConvSide][kChannels];
  for (int y = 0; y < kConvSide; ++y) {
    for (int x = 0; x < kConvSide; ++x) {
      for (int c = 0; c < kChannels; ++c) {
        std::int64_t acc = 0;  // F 8 + 5 = 13, exact (|acc| < 9 x 2^13)
        for (int ky = 0; ky < 3; ++ky) {
          for (int kx = 0; kx < 3; ++kx) {
            const int iy = y + ky - 1, ix = x + kx - 1;  // padding 1: zero outside the map
            if (iy < 0 || iy >= kSide || ix < 0 || ix >= kSide) continue;
            acc += conv.weight_raw[c * 9 + ky * 3 + kx] * px[iy * kSide + ix];
          }
        }
        const std::int64_t mac = fx::cast_from_raw(acc, 13, conv.out_type);    // F 6
        const std::int64_t t = mac * bn.scale_raw[c] + (bn.bias_raw[c] << 7);  // F 6 + 6 = 12
        act[y][x][c] = std::max<std::int64_t>(0, fx::cast_from_raw(t, 12, bn.out_type));  // F 5
      }
    }
  }
  std::vector<std::int64_t> flat;  // y, x, c
  for (int y = 0; y < kPoolSide; ++y) {
    for (int x = 0; x < kPoolSide; ++x) {
      for (int c = 0; c < kChannels; ++c) {
        flat.push_back(std::max({act[2 * y][2 * x][c], act[2 * y][2 * x + 1][c],
                                 act[2 * y + 1][2 * x][c], act[2 * y + 1][2 * x + 1][c]}));
      }
    }
  }
  const golden::DenseLayer& fc = m.layers[0];
  std::vector<std::int64_t> logits;
  for (int o = 0; o < kClasses; ++o) {
    std::int64_t acc = 0;  // F 5 + 5 = 10
    for (int i = 0; i < kFeatures; ++i) acc += fc.weight_raw[o * kFeatures + i] * flat[i];
    logits.push_back(fx::cast_from_raw(acc, 10, fc.out_type));  // F 7
  }
  return logits;
}

class VerifyNetwork : public ::testing::Test {
 protected:
  virtual bool spt_weights() const { return false; }
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("fxsim_vn_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    std::mt19937_64 rng(23);
    golden::IdxImages images{kImages, kSide, kSide, {}};
    for (int i = 0; i < kImages * kPixels; ++i) {
      images.pixels.push_back(static_cast<std::uint8_t>(rng() & 0xff));
    }
    pixels_ = images.pixels;
    golden::write_idx_images((dir_ / "cnn_tiny_images.idx").string(), images);
    file_.model = make_cnn(spt_weights());
    golden::GoldenResults g;
    g.images = "cnn_tiny_images.idx";  // a bare name: looked up in the data directory
    g.count = kImages;
    for (int i = 0; i < kImages; ++i) {
      const std::vector<std::int64_t> l = brute_force_logits(file_.model, &pixels_[i * kPixels]);
      g.logits.insert(g.logits.end(), l.begin(), l.end());
      g.labels.push_back(static_cast<std::int64_t>(rng() % kClasses));
      const int best = static_cast<int>(std::max_element(l.begin(), l.end()) - l.begin());
      expected_correct_ += best == g.labels.back() ? 1 : 0;
    }
    g.accuracy = static_cast<double>(expected_correct_) / kImages;
    file_.golden = g;
    model_path_ = (dir_ / "cnn_tiny.fxm").string();
    golden::write_model_file(model_path_, file_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  engine::NetworkPlan plan_of(ModelFolding f) {
    f.model_ref = model_path_;
    f.model_data_ref = dir_.string();
    return engine::plan_network(network_from_model(file_, f), "cnn");
  }
  NetworkVerifyReport verify(const engine::NetworkPlan& plan, NetworkBackends backend, int chunk) {
    NetworkVerifyOptions o;
    o.backend = backend;
    o.chunk = chunk;
    o.data_dir = dir_.string();
    return verify_network(golden::read_model_file(model_path_), model_path_, plan, o);
  }
  std::string folding_error(const ModelFolding& f) {
    try {
      network_from_model(file_, f);
    } catch (const ModelFoldingError& e) {
      return e.what();
    }
    return "no error";
  }

  std::filesystem::path dir_;
  std::string model_path_;
  golden::ModelFile file_;
  std::vector<std::uint8_t> pixels_;
  int expected_correct_ = 0;
};

std::string bytes_of(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// testbenches/env/tests/data holds this model file and its images, byte for byte, for the command
// line's test (testbenches/apps/test_verify_network.sh) and docs/golden.md's example. After a
// deliberate change of the model, copy the files this test writes (FXSIM_KEEP_CNN_TINY=DIR keeps
// them in DIR) over the checked-in ones.
TEST_F(VerifyNetwork, TheCheckedInFilesAreThisModel) {
  const std::filesystem::path data = FXSIM_ENV_TEST_DATA_DIR;
  if (const char* keep = std::getenv("FXSIM_KEEP_CNN_TINY")) {
    for (const char* name : {"cnn_tiny.fxm", "cnn_tiny_images.idx"}) {
      std::filesystem::copy_file(dir_ / name, std::filesystem::path(keep) / name,
                                 std::filesystem::copy_options::overwrite_existing);
    }
  }
  EXPECT_EQ(bytes_of(dir_ / "cnn_tiny.fxm"), bytes_of(data / "cnn_tiny.fxm"));
  EXPECT_EQ(bytes_of(dir_ / "cnn_tiny_images.idx"), bytes_of(data / "cnn_tiny_images.idx"));
  EXPECT_EQ(expected_correct_, 4);  // the top-1 count the command line's test expects
}

TEST_F(VerifyNetwork, TheCnnBecomesConvPoolAndDenseBlocks) {
  ModelFolding f;
  f.pe.clear();  // the model's lanes: conv0's PE = fc0's SIMD 4, fc0's PE 1
  const engine::NetworkPlan plan = plan_of(f);
  ASSERT_EQ(plan.blocks.size(), 3u);
  EXPECT_EQ(plan.input().h, kSide);
  EXPECT_EQ(plan.input().c, 1);
  EXPECT_EQ(plan.input().lanes, 1);
  const engine::BlockPlan& conv = plan.blocks[0];
  EXPECT_EQ(conv.layer.kind, engine::LayerKind::CONV);
  EXPECT_EQ(conv.layer.name, "conv0");
  EXPECT_EQ(conv.layer.kernel, 3);
  EXPECT_EQ(conv.mvau->in_features, 9);
  EXPECT_EQ(conv.mvau->pe, 4);
  EXPECT_EQ(conv.mvau->simd, 1);
  EXPECT_EQ(fx::type_str(conv.mvau->weight), "fixed<6,1,RND_CONV,SAT,0>");
  EXPECT_EQ(conv.mvau->accumulator.str(), "fixed<19,6,TRN,SAT,0>");
  EXPECT_EQ(conv.mvau->output.str(), "fixed<10,4,RND_CONV,SAT,0>");
  ASSERT_TRUE(conv.mvau->bn);
  EXPECT_EQ(fx::type_str(conv.mvau->bn->scale), "fixed<8,2,TRN,WRAP,0>");
  EXPECT_EQ(conv.mvau->bn->activation, units::Activation::RELU);
  EXPECT_EQ(conv.out.h, kConvSide);
  EXPECT_EQ(conv.out.c, kChannels);
  EXPECT_EQ(conv.out.lanes, 4);
  EXPECT_EQ(conv.out.format.str(), "fixed<8,3,RND_CONV,SAT,0>");
  const engine::BlockPlan& pool = plan.blocks[1];
  EXPECT_EQ(pool.layer.kind, engine::LayerKind::POOL);
  EXPECT_EQ(pool.layer.pool, 2);
  EXPECT_EQ(pool.out.h, kPoolSide);
  EXPECT_EQ(pool.out.lanes, 4);
  const engine::BlockPlan& fc = plan.blocks[2];
  EXPECT_EQ(fc.layer.kind, engine::LayerKind::DENSE);
  EXPECT_EQ(fc.mvau->in_features, kFeatures);
  EXPECT_EQ(fc.mvau->out_features, kClasses);
  EXPECT_EQ(fc.mvau->simd, 4);
  EXPECT_EQ(fc.mvau->pe, 1);
  EXPECT_FALSE(fc.mvau->bn);
}

TEST_F(VerifyNetwork, FoldingsThatDoNotFitNameTheLayer) {
  ModelFolding f;
  f.pe = {3, 1};
  EXPECT_EQ(folding_error(f),
            "--pe: 3 does not divide conv0's 4 output channels; expected one of 1, 2, 4");
  f.pe = {4, 1, 1};
  EXPECT_EQ(folding_error(f),
            "--pe: 3 values for a model of 2 conv / dense layers (conv0, fc0); expected one "
            "value for every conv / dense layer or one per conv / dense layer");
}

// The description written as TOML and loaded back, then one conv key changed: refused at the
// conv's [[layer]] line, naming the key and the model's value.
TEST_F(VerifyNetwork, ADescriptionWhoseConvDiffersFromTheModelIsRefused) {
  ModelFolding f;
  f.pe = {2, 1};
  f.model_ref = model_path_;
  f.model_data_ref = dir_.string();
  const std::string text = network_toml(network_from_model(file_, f), f, "test");
  const std::string path = (dir_ / "bad.toml").string();
  const auto error_of = [&](const std::string& toml) -> std::string {
    std::ofstream(path) << toml;
    try {
      run_network(engine::plan_network(engine::load_network_file(path), path));
    } catch (const engine::NetworkFileError& e) {
      return e.what();
    }
    return "no error";
  };
  int conv_line = 0;
  {
    std::istringstream in(text);
    std::string l;
    for (int n = 1; std::getline(in, l) && conv_line == 0; ++n) {
      if (l == "[[layer]]") conv_line = n;
    }
  }
  std::string bad = text;
  bad.replace(bad.find("channels = 4"), 12, "channels = 2");
  EXPECT_EQ(error_of(bad), path + ":" + std::to_string(conv_line) +
                               ": layer[0].channels: 2; expected 4, the output channels of the "
                               "model's conv0");
  bad = text;
  bad.replace(bad.find("padding = 1"), 11, "padding = 0");
  EXPECT_EQ(error_of(bad), path + ":" + std::to_string(conv_line) +
                               ": layer[0].padding: 0; expected 1, the padding of the model's "
                               "conv0");
  bad = text;
  bad.replace(bad.find("kind = \"pool\""), 13,
              "kind = \"conv\"\nchannels = 4\nkernel = 1\npe = 4\nweight = \"fixed<4,1>\"\n"
              "output = \"fixed<8,3>\"");
  bad.replace(bad.find("size = 2"), 8, "");
  EXPECT_NE(error_of(bad).find(": layer[1].kind: conv; expected pool: the model's pool0 is a "
                               "max_pool layer"),
            std::string::npos)
      << error_of(bad);
}

// Every logit equal to the brute force on both backends; the accuracy counted in SetUp; latency
// and interval equal to `fxsim run --network`'s for the same description; the interval worked by
// hand: conv0 is the slowest block, 36 output pixels x SF 9 (a 3 x 3 x 1 window, SIMD 1) x NF 1
// (4 channels, PE 4) = 324 cycles an image (fc0: SF 9 x NF 5 = 45, pool0 36 beats, the input DMA
// 36 one-byte beats at 8 bytes a cycle: 36); with padding 1 the window's reader never waits for
// a row (docs/rtl_units.md, sliding_window: output-bound), and the FIFOs are deep enough for
// fc0's replays of its folds with its input closed (docs/network.md, "Folding a network").
TEST_F(VerifyNetwork, EveryLogitIsBitExactOnBothBackends) {
  ModelFolding f;
  f.pe.clear();
  f.fifo_depth = 16;  // fc0 replays NF - 1 = 4 folds of 4 beats with its input closed
  const engine::NetworkPlan plan = plan_of(f);
  engine::NetworkConfig run_cfg = plan.config;
  run_cfg.images = kImages;
  NetworkRunOptions ro;
  ro.backends = NetworkBackends::MODEL;
  const NetworkSummary run = run_network(engine::plan_network(run_cfg, "cnn"), ro);
  ASSERT_EQ(run.runs.size(), 1u);
  for (NetworkBackends backend : {NetworkBackends::MODEL, NetworkBackends::RTL}) {
    const NetworkVerifyReport r = verify(plan, backend, 10);
    SCOPED_TRACE(r.backend);
    EXPECT_EQ(r.images, kImages);
    EXPECT_EQ(r.chunks, 3);  // 10 + 10 + 4
    EXPECT_EQ(r.logits, file_.golden->logits);
    EXPECT_EQ(r.golden.mismatches, 0u);
    EXPECT_EQ(r.golden.first_mismatch_image, -1);
    EXPECT_EQ(r.reference_mismatches, 0u);
    EXPECT_EQ(r.golden.correct, expected_correct_);
    EXPECT_EQ(r.golden.golden_correct, expected_correct_);
    EXPECT_EQ(r.interval_cycles, 324u);
    EXPECT_EQ(r.interval_cycles, run.runs[0].result.interval());
    EXPECT_EQ(r.latency_cycles, run.runs[0].result.latency());
    EXPECT_TRUE(r.passed());
    const std::string text = network_verify_text(r);
    EXPECT_NE(text.find("logits            0 of 120 differ from the golden model (0 images)\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("interval          324 cycles an image in steady state"), std::string::npos)
        << text;
    const nlohmann::ordered_json j = network_verify_json(r);
    EXPECT_EQ(j["logit_mismatches"], 0);
    EXPECT_EQ(j["hardware_correct"], expected_correct_);
    EXPECT_EQ(j["interval_cycles"], 324);
    EXPECT_EQ(j["blocks"].size(), 3u);
    EXPECT_EQ(j["resources"]["dsp"], r.cost.total.dsp);
  }
}

// Chunks of 1, 5 and all 24 images: the same logits, latency and interval.
TEST_F(VerifyNetwork, ChunksGiveTheSameLogitsAndCycles) {
  ModelFolding f;
  f.pe = {2, 5};
  const engine::NetworkPlan plan = plan_of(f);
  const NetworkVerifyReport whole = verify(plan, NetworkBackends::MODEL, kImages);
  EXPECT_EQ(whole.chunks, 1);
  EXPECT_EQ(whole.logits, file_.golden->logits);
  for (int chunk : {5, 2}) {
    const NetworkVerifyReport r = verify(plan, NetworkBackends::MODEL, chunk);
    EXPECT_EQ(r.chunks, (kImages + chunk - 1) / chunk);
    EXPECT_EQ(r.logits, whole.logits);
    EXPECT_EQ(r.latency_cycles, whole.latency_cycles);
    EXPECT_EQ(r.interval_cycles, whole.interval_cycles);
    EXPECT_TRUE(r.passed());
  }
}

// One golden logit off by one: exactly one mismatch, named by image, class and both raws, in
// whichever chunk it falls.
TEST_F(VerifyNetwork, ACorruptedGoldenLogitIsExactlyOneNamedMismatch) {
  const std::int64_t right = file_.golden->logits[13 * kClasses + 2];
  file_.golden->logits[13 * kClasses + 2] = right + 1;
  golden::write_model_file(model_path_, file_);
  ModelFolding f;
  f.pe.clear();
  const NetworkVerifyReport r = verify(plan_of(f), NetworkBackends::MODEL, 5);
  EXPECT_EQ(r.golden.mismatches, 1u);
  EXPECT_EQ(r.golden.images_with_mismatch, 1u);
  EXPECT_EQ(r.golden.first_mismatch_image, 13);
  EXPECT_EQ(r.golden.first_mismatch_class, 2);
  EXPECT_EQ(r.golden.first_expected, right + 1);
  EXPECT_EQ(r.golden.first_got, right);
  EXPECT_EQ(r.reference_mismatches, 0u);
  EXPECT_FALSE(r.passed());
  const std::string text = network_verify_text(r);
  EXPECT_NE(text.find(fmt::format("first mismatch    image 13, class 2: expected {}, got {}\n",
                                  right + 1, right)),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("result            FAIL\n"), std::string::npos) << text;
}

// The auto-folding rule. conv0 reads one channel a beat (the input has one), so its 16 windows of
// 9 beats take at least 324 cycles an image, at PE 4: the smallest reachable interval. A target
// of 400 is met by the cheapest folding with conv0 at PE 4 (PE 2: 648) and fc0 at PE 1 (45
// cycles); a target of 300 is reported with the smallest reachable interval.
TEST_F(VerifyNetwork, AutoFoldingMeetsItsTargetAndStaysBitExact) {
  ModelFolding f;
  engine::FoldingGoal goal;
  goal.target_interval = 400;
  f.goal = goal;
  f.fifo_depth = 16;
  const engine::NetworkPlan plan = plan_of(f);
  EXPECT_EQ(plan.blocks[0].mvau->pe, 4);
  EXPECT_EQ(plan.blocks[2].mvau->pe, 1);
  const NetworkVerifyReport r = verify(plan, NetworkBackends::MODEL, kImages);
  EXPECT_EQ(r.interval_cycles, 324u);
  EXPECT_EQ(r.logits, file_.golden->logits);
  goal.target_interval = 300;
  f.goal = goal;
  EXPECT_EQ(
      folding_error(f),
      "--target-interval: no folding reaches an interval of 300 cycles an image; the "
      "smallest reachable is 324 (bottleneck conv0), with input.simd 1, conv0 PE 4, fc0 PE 1");
}

class VerifySptNetwork : public VerifyNetwork {
 protected:
  bool spt_weights() const override { return true; }
};

// conv0 with SPT weights: a conv block on the spt engine, its weights as term words; every logit
// equal to the brute force (which multiplies the raws) on both backends.
TEST_F(VerifySptNetwork, EveryLogitIsBitExactOnBothBackends) {
  ModelFolding f;
  f.pe.clear();
  const engine::NetworkPlan plan = plan_of(f);
  EXPECT_EQ(plan.blocks[0].mvau->kind, engine::EngineKind::SPT);
  for (NetworkBackends backend : {NetworkBackends::MODEL, NetworkBackends::RTL}) {
    const NetworkVerifyReport r = verify(plan, backend, 10);
    SCOPED_TRACE(r.backend);
    EXPECT_EQ(r.logits, file_.golden->logits);
    EXPECT_EQ(r.golden.mismatches, 0u);
    EXPECT_EQ(r.reference_mismatches, 0u);
    EXPECT_EQ(r.golden.correct, expected_correct_);
    EXPECT_TRUE(r.passed());
  }
}

}  // namespace
}  // namespace fxsim::env
