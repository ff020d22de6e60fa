// Model files written outside fxsim (testbenches/common/hand_model_file.hpp assembles them byte by
// byte): a layer's own bias without BN runs as the brute force in the test says, and every mistake
// a hand writer makes is refused with the file, the field, what was expected and what was found.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "golden/model_file.hpp"
#include "golden/quant_network.hpp"
#include "testbenches/common/hand_model_file.hpp"

namespace fxsim::golden {
namespace {

using test::add_hand_golden;
using test::hand_bias_mlp;
using test::HandModel;
namespace fs = std::filesystem;

// Six 2 x 2 images: zeros, full scale (fc1 saturates), and mixed bytes.
const std::vector<std::int64_t> kImages = {0, 0,   0,  0,  255, 255, 255, 255, 200, 13,  97,  255,
                                           1, 128, 64, 33, 250, 0,   0,   250, 17,  180, 240, 5};
const std::vector<std::int64_t> kLabels = {1, 1, 0, 0, 1, 0};

class HandModelFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (fs::temp_directory_path() /
             ("fxsim_hand_model_test_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".fxm"))
                .string();
    model_ = hand_bias_mlp();
    add_hand_golden(model_, "images.idx", kImages, kLabels);
  }
  void TearDown() override { fs::remove(path_); }
  std::string error(const HandModel& m, bool length_counts_padding = false) {
    test::write_hand_model_file(path_, m, length_counts_padding);
    try {
      read_model_file(path_);
    } catch (const ModelFileError& e) {
      return e.what();
    }
    return "no error";
  }
  ModelFile load(const HandModel& m, bool length_counts_padding = false) {
    test::write_hand_model_file(path_, m, length_counts_padding);
    return read_model_file(path_);
  }
  std::string path_;
  HandModel model_;
};

std::vector<std::int64_t> image(int i) {
  return std::vector<std::int64_t>(kImages.begin() + i * 4, kImages.begin() + (i + 1) * 4);
}

// The bias block becomes a bn_act with the unit scale khot<2,2,1> (raw 1) and the layer's output
// type; reference_forward then equals the brute force, and the file's golden logits (brute-forced
// too) are what it computes.
TEST_F(HandModelFiles, ABiasWithoutBnRunsAsTheBruteForce) {
  const ModelFile f = load(model_);
  ASSERT_EQ(f.model.layers.size(), 2u);
  const DenseLayer& fc1 = f.model.layers[0];
  ASSERT_TRUE(fc1.bn.has_value());
  EXPECT_EQ(fx::type_str(fc1.bn->scale_type), "khot<2,2,1>");
  EXPECT_EQ(fc1.bn->scale_raw, (std::vector<std::int64_t>{1, 1, 1}));
  EXPECT_EQ(fc1.bn->bias_type.str(), "fixed<8,2,RND_CONV,SAT,0>");
  EXPECT_EQ(fc1.bn->bias_raw, test::kHandBias1);
  EXPECT_EQ(fc1.bn->out_type.str(), "fixed<8,3,RND,SAT,0>");
  EXPECT_EQ(fc1.bn->act, units::Activation::RELU);
  EXPECT_EQ(f.model.layers[1].bn->clip_raw, 0);  // none: clip_raw absent
  // Image 1 (255 x 4) worked by hand: fc1 sums 255 * (3 - 2 + 5 + 1) = 1785 (F 11) -> 27.89 ->
  // 28 (F 5); + bias -20 at F 6: 56 - 20 = 36 -> 18. Output 1: 255 * -1 = -255 -> -3.98 -> -4;
  // -8 + 45 = 37 -> 18.5 -> 19. Output 2: 255 * 3 = 765 -> 11.95 -> 12; 24 - 3 = 21 -> 10.5 ->
  // 11. fc2: 18*9 + 19*-14 + 11*31 = 237 (F 9) -> 59.25 -> 59 (F 7); 59 * 12 + 17 * 64 = 1796
  // (F 11) -> 14.03 -> 14. 18*-32 + 19*7 + 11*20 = -223 -> -55.75 -> -56; -56 * 28 + 10 * 64 =
  // -928 -> -7.25 -> -7.
  EXPECT_EQ(test::hand_bias_mlp_logits(image(1)), (std::vector<std::int64_t>{14, -7}));
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(reference_forward(f.model, image(i)), test::hand_bias_mlp_logits(image(i))) << i;
    EXPECT_EQ(reference_forward(f.model, image(i)),
              std::vector<std::int64_t>(f.golden->logits.begin() + 2 * i,
                                        f.golden->logits.begin() + 2 * i + 2))
        << i;
  }
  // fxsim writes the bias as the bn_act it is; the rewritten file computes the same logits.
  write_model_file(path_, f);
  const ModelFile g = read_model_file(path_);
  EXPECT_EQ(fx::type_str(g.model.layers[0].bn->scale_type), "khot<2,2,1>");
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(reference_forward(g.model, image(i)), test::hand_bias_mlp_logits(image(i))) << i;
  }
}

TEST_F(HandModelFiles, ABiasMustBeSigned) {
  HandModel m = model_;
  m.header["layers"][0]["bias"]["type"] = "ufixed<8,2,RND_CONV,SAT,0>";
  EXPECT_EQ(error(m), path_ +
                          ": layers[0].bias.type: ufixed<8,2,RND_CONV,SAT,0> is unsigned; expected "
                          "a signed type (bn_act's bias)");
}

TEST_F(HandModelFiles, ABiasAndABnOnOneLayerAreRefused) {
  HandModel m = model_;
  m.header["layers"][1]["bias"] = {
      {"type", "fixed<8,3,RND_CONV,SAT,0>"}, {"values", "fc2.bn.bias"}, {"activation", "none"}};
  EXPECT_EQ(error(m), path_ +
                          ": layers[1].bias: present with a bn; expected the layer's bias folded "
                          "into the BN bias (bn.bias = beta + (bias - mean) * scale, "
                          "docs/golden.md \"Writing a model file by hand\")");
}

TEST_F(HandModelFiles, AnInputTypeThatCannotHoldPixelBytesIsRefused) {
  HandModel m = model_;
  m.header["input"]["type"] = "ufixed<7,0,RND_CONV,SAT,0>";
  m.header["layers"][0]["types"]["input"] = "ufixed<7,0,RND_CONV,SAT,0>";
  const std::string why =
      " cannot hold the golden inputs: they are the raw pixel bytes 0..255 of golden.images, and "
      "its raws are ";
  const std::string expected =
      "; expected a type whose raws hold 0..255 (ufixed<8,I> for any I, or a wider unsigned, or "
      "a signed type of at least 9 bits)";
  EXPECT_EQ(error(m),
            path_ + ": input.type: ufixed<7,0,RND_CONV,SAT,0>" + why + "0..127" + expected);
  m.header["input"]["type"] = "fixed<8,0,RND_CONV,SAT,0>";
  EXPECT_EQ(error(m),
            path_ + ": input.type: fixed<8,0,RND_CONV,SAT,0>" + why + "-128..127" + expected);
  // A signed 9-bit input with the same 8 fraction bits holds them: the file loads and computes
  // the same logits.
  m.header["input"]["type"] = "fixed<9,1,RND_CONV,SAT,0>";
  m.header["layers"][0]["types"]["input"] = "fixed<9,1,RND_CONV,SAT,0>";
  const ModelFile f = load(m);
  EXPECT_EQ(reference_forward(f.model, image(3)), test::hand_bias_mlp_logits(image(3)));
  // Without golden results nothing says what the inputs are: no check.
  m = model_;
  m.header.erase("golden");
  m.header["input"]["type"] = "ufixed<6,0,RND_CONV,SAT,0>";
  m.header["layers"][0]["types"]["input"] = "ufixed<6,0,RND_CONV,SAT,0>";
  m.header["layers"][0]["types"]["accumulator"] = "fixed<18,9,TRN,SAT,0>";  // F 6 + 3
  EXPECT_EQ(error(m), "no error");
}

TEST_F(HandModelFiles, LabelsMustBeClasses) {
  HandModel m = hand_bias_mlp();
  add_hand_golden(m, "images.idx", kImages, {0, 1, 1, 2, 1, 0});
  EXPECT_EQ(error(m), path_ +
                          ": golden.labels: element 3 = 2 is not a class; expected 0..1 "
                          "(golden.classes = 2)");
  m = hand_bias_mlp();
  add_hand_golden(m, "images.idx", kImages, {0, 1, -1, 0, 1, 0});
  EXPECT_EQ(error(m), path_ +
                          ": golden.labels: element 2 = -1 is not a class; expected 0..1 "
                          "(golden.classes = 2)");
}

TEST_F(HandModelFiles, TheStoredAccuracyMustBeWhatTheLogitsGive) {
  // The brute-forced logits predict classes 1, 0, 0, 1, 0, 1 (below); against kLabels 1, 1, 0, 0,
  // 1, 0 that is 2 of 6 correct.
  std::vector<int> predicted;
  for (int i = 0; i < 6; ++i) {
    const std::vector<std::int64_t> l = test::hand_bias_mlp_logits(image(i));
    predicted.push_back(l[1] > l[0] ? 1 : 0);
  }
  EXPECT_EQ(predicted, (std::vector<int>{1, 0, 0, 1, 0, 1}));
  EXPECT_EQ(model_.header["golden"]["accuracy"].get<double>(), 2.0 / 6);
  HandModel m = model_;
  m.header["golden"]["accuracy"] = 0.5;
  EXPECT_EQ(error(m), path_ +
                          ": golden.accuracy: 0.5, but the stored logits and labels give "
                          "0.3333333333 (2 of 6 images: the first maximum of each row of logits "
                          "equals its label); expected that value, within 0.5 / count = "
                          "0.08333333333");
  // Within half an image of 2 / 6 (a rounded value) reads; beyond it does not.
  m.header["golden"]["accuracy"] = 0.3334;
  EXPECT_EQ(error(m), "no error");
  m.header["golden"]["accuracy"] = 2.0 / 6 + 0.49 / 6;
  EXPECT_EQ(error(m), "no error");
  m.header["golden"]["accuracy"] = 2.0 / 6 + 0.51 / 6;
  EXPECT_NE(error(m).find(": golden.accuracy: 0.4183333333, but"), std::string::npos) << error(m);
  // The writer refuses what the reader would.
  ModelFile f = load(model_);
  f.golden->accuracy = 0.5;
  try {
    write_model_file(path_, f);
    FAIL() << "no error";
  } catch (const ModelFileError& e) {
    EXPECT_NE(std::string(e.what()).find(path_ + ": golden.accuracy: 0.5, but"), std::string::npos)
        << e.what();
  }
}

// A typo anywhere in the header is named with its path and the keys that level knows.
TEST_F(HandModelFiles, UnknownKeysAreReportedAtEveryLevel) {
  const auto with = [this](const nlohmann::json::json_pointer& at) {
    HandModel m = model_;
    m.header[at] = 1;
    return error(m);
  };
  using ptr = nlohmann::json::json_pointer;
  EXPECT_EQ(with(ptr("/layers/1/bn/sclae")),
            path_ +
                ": layers[1].bn.sclae: unknown key; expected one of scale_type, bias_type, "
                "output_type, activation, clip_raw, scale, bias, scale_terms");
  EXPECT_EQ(with(ptr("/golden_results")),
            path_ +
                ": golden_results: unknown key; expected one of format, version, input, "
                "layers, golden, meta, blocks");
  EXPECT_EQ(with(ptr("/input/typ")), path_ + ": input.typ: unknown key; expected one of type");
  EXPECT_EQ(with(ptr("/layers/0/out_feature")),
            path_ +
                ": layers[0].out_feature: unknown key; expected one of name, in_features, "
                "out_features, simd, types, weights, bn, bias");
  EXPECT_EQ(with(ptr("/layers/0/types/acumulator")),
            path_ +
                ": layers[0].types.acumulator: unknown key; expected one of input, weight, "
                "accumulator, output");
  EXPECT_EQ(with(ptr("/layers/0/bias/clip")),
            path_ +
                ": layers[0].bias.clip: unknown key; expected one of type, values, "
                "activation, clip_raw");
  EXPECT_EQ(with(ptr("/golden/acuracy")),
            path_ +
                ": golden.acuracy: unknown key; expected one of images, count, classes, "
                "logits_type, accuracy, logits, labels");
  EXPECT_EQ(with(ptr("/blocks/2/size")),
            path_ + ": header: blocks[2].size: unknown key; expected one of name, count, offset");
  // meta is free-form.
  EXPECT_EQ(with(ptr("/meta/anything")), "no error");
}

TEST_F(HandModelFiles, ClipRawOnlyWhereTheActivationUsesIt) {
  HandModel m = model_;
  m.header["layers"][0]["bias"]["activation"] = "relu_clip";
  EXPECT_EQ(error(m), path_ +
                          ": layers[0].bias: missing key 'clip_raw' (relu_clip's upper bound, a "
                          "raw of the output type)");
  m.header["layers"][1]["bn"]["activation"] = "relu_clip";
  m.header["layers"][0]["bias"]["clip_raw"] = 127;  // relu_clip at the type's top: as relu
  EXPECT_EQ(error(m), path_ +
                          ": layers[1].bn: missing key 'clip_raw' (relu_clip's upper bound, a raw "
                          "of the output type)");
  m.header["layers"][1]["bn"]["activation"] = "none";
  const ModelFile f = load(m);
  EXPECT_EQ(f.model.layers[0].bn->act, units::Activation::RELU_CLIP);
  EXPECT_EQ(f.model.layers[0].bn->clip_raw, 127);
  // A clip_raw where the activation ignores it is still read (fxsim writes 0 there).
  m.header["layers"][1]["bn"]["clip_raw"] = 0;
  EXPECT_EQ(error(m), "no error");
}

TEST_F(HandModelFiles, NullBnMeansNoBn) {
  HandModel m = model_;
  m.header.erase("golden");  // the logits would change
  m.header["layers"][1]["bn"] = nullptr;
  m.header["layers"][1]["bias"] = nullptr;
  const ModelFile f = load(m);
  EXPECT_FALSE(f.model.layers[1].bn.has_value());
  EXPECT_EQ(f.model.layers[1].output_type().str(), "fixed<12,5,RND,SAT,0>");
  // The unused bn blocks are still part of the data region; nothing refers to them.
  EXPECT_FALSE(f.golden.has_value());
}

// Offsets are bytes from the start of the data region; the two usual mistakes are named.
TEST_F(HandModelFiles, BlockOffsetsAreBytes) {
  HandModel m = model_;
  m.header["blocks"][1]["offset"] = 12;  // fc1.bias after 12 weights: byte 96
  EXPECT_EQ(error(m), path_ +
                          ": header: block 'fc1.bias' is not contiguous: offset 12 (an element "
                          "count?): offsets are in bytes, 8 per int64 element; this block starts "
                          "at byte offset 96");
  m.header["blocks"][1]["offset"] = 100;
  EXPECT_EQ(error(m), path_ +
                          ": header: block 'fc1.bias' is not contiguous: offset 100 (an element "
                          "count?): offsets are in bytes, 8 per int64 element; this block starts "
                          "at byte offset 96");
  // From the start of the file: the data region starts after the preamble and the padded
  // header, whose length counts the offset's own digits (three, as 100's).
  const std::size_t start = (16 + m.header.dump(2).size() + 7) / 8 * 8;
  m.header["blocks"][1]["offset"] = 96 + start;
  ASSERT_EQ((16 + m.header.dump(2).size() + 7) / 8 * 8, start);
  EXPECT_EQ(error(m), path_ + ": header: block 'fc1.bias' is not contiguous: offset " +
                          std::to_string(96 + start) +
                          " (from the start of the file?): offsets count from the start of the "
                          "data region, byte " +
                          std::to_string(start) +
                          " of the file; this block starts at byte offset 96");
  m.header["blocks"][1]["offset"] = 104;
  EXPECT_EQ(error(m), path_ +
                          ": header: block 'fc1.bias' is not contiguous: offset 104: offsets are "
                          "in bytes from the start of the data region, each block right after "
                          "the previous one; this block starts at byte offset 96");
}

// H is the JSON text's length; a writer that counts the zero padding in H gets the same model.
TEST_F(HandModelFiles, AHeaderLengthWithThePaddingReadsTheSame) {
  // A meta note sized so that the header text needs 5 bytes of padding.
  HandModel m = model_;
  m.header["meta"]["note"] = "";
  const std::size_t bare = 16 + m.header.dump(2).size();
  m.header["meta"]["note"] = std::string((3 - bare % 8 + 8) % 8, 'x');
  ASSERT_EQ((16 + m.header.dump(2).size()) % 8, 3u);
  const ModelFile a = load(m, false);
  const ModelFile b = load(m, true);
  EXPECT_EQ(a.model.layers[1].weight_raw, b.model.layers[1].weight_raw);
  EXPECT_EQ(a.golden->logits, b.golden->logits);
  EXPECT_EQ(reference_forward(b.model, image(4)), test::hand_bias_mlp_logits(image(4)));
}

}  // namespace
}  // namespace fxsim::golden
