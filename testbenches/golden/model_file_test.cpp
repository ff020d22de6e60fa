// Model file round trip and every rejection: truncation, wrong version, bad checksum, type
// mismatches, inconsistent K-hot encodings. Also: reference inference of a loaded model.
#include "golden/model_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "testbenches/golden/model_file_fixture.hpp"

namespace fx = fxsim::fx;

namespace {

using namespace fxsim::golden;
using fx::FxType;
namespace fs = std::filesystem;

ModelFile small_model() {
  ModelFile f;
  f.model.input_type = FxType::make_unsigned(8, 0);
  DenseLayer l;
  l.name = "fc1";
  l.in_features = 3;
  l.out_features = 2;
  l.simd = 2;
  l.input_type = f.model.input_type;
  l.weight_type = FxType::make_signed(4, 1, fx::Rounding::RND_CONV, fx::Overflow::SAT);
  l.acc_type = FxType::make_signed(16, 5, fx::Rounding::TRN, fx::Overflow::SAT);  // F = 8 + 3
  l.out_type = FxType::make_signed(8, 3, fx::Rounding::RND, fx::Overflow::SAT);
  l.weight_raw = {1, -2, 7, -8, 0, 3};
  BnActLayer b;
  b.scale_type = fx::KhotType::make(fx::KhotKind::SPT, 6, 2, 2);
  b.scale_raw = {7, -12};  // spt: 8 - 1 and -(8 + 4)
  b.bias_type = FxType::make_signed(8, 4);
  b.bias_raw = {3, 100};
  b.out_type = FxType::make_unsigned(4, 2, fx::Rounding::RND_CONV, fx::Overflow::SAT);
  b.act = fxsim::units::Activation::RELU;
  l.bn = b;
  f.model.layers.push_back(l);
  GoldenResults g;
  g.images = "t10k-images-idx3-ubyte.gz";
  g.count = 2;
  g.logits = {1, 2, 3, 0};
  g.labels = {1, 0};
  g.accuracy = 1.0;
  f.golden = g;
  f.metadata_json = R"({"method":"test"})";
  return f;
}

class ModelFiles : public fxsim::golden::test::ModelFileTest {};

TEST_F(ModelFiles, RoundTrip) {
  const ModelFile f = small_model();
  write_model_file(path_, f);
  const ModelFile g = read_model_file(path_);
  ASSERT_EQ(g.model.layers.size(), 1u);
  const DenseLayer& l = g.model.layers[0];
  EXPECT_EQ(l.weight_raw, f.model.layers[0].weight_raw);
  EXPECT_EQ(l.acc_type, f.model.layers[0].acc_type);
  EXPECT_EQ(fx::type_str(l.bn->scale_type), "spt<6,2,2>");
  EXPECT_EQ(l.bn->scale_raw, (std::vector<int64_t>{7, -12}));
  EXPECT_EQ(l.bn->bias_raw, (std::vector<int64_t>{3, 100}));
  EXPECT_EQ(l.bn->act, fxsim::units::Activation::RELU);
  EXPECT_EQ(g.golden->logits, f.golden->logits);
  EXPECT_EQ(g.golden->labels, f.golden->labels);
  EXPECT_EQ(g.metadata_json, R"({"method":"test"})");
  // Same model, same bytes.
  const std::vector<char> first = bytes();
  write_model_file(path_, f);
  EXPECT_EQ(bytes(), first);
}

// Types are stored as their spelling, so an ap_fixed type comes back with ap_fixed semantics and
// prints as it was written; the reference inference then casts with ap_fixed's rules.
TEST_F(ModelFiles, SpellingAndSemanticsSurviveTheFile) {
  ModelFile f = small_model();
  DenseLayer& l = f.model.layers[0];
  l.weight_type = l.weight_type.spelled(fx::Spelling::AP_FIXED);
  l.out_type = l.out_type.spelled(fx::Spelling::SC_FIXED);
  // bn output ap_ufixed<4,2,AP_RND_CONV,AP_WRAP,1>, bias -20 for out 0: t = 0.875 * 7/16 - 20/16
  // = -0.8671875 = -3.46875 LSB -> -3 = ...11101: below the range, low 3 bits 101; ap_fixed
  // sets the top bit (1101 = 13), SystemC clears it (0101 = 5). Out 1: 25.375 LSB -> 25 = 11001:
  // above the range, both set the top bit: 1001 = 9.
  l.bn->out_type = fx::FxType::make_unsigned(4, 2, fx::Rounding::RND_CONV, fx::Overflow::WRAP, 1)
                       .spelled(fx::Spelling::AP_FIXED);
  l.bn->bias_raw = {-20, 100};
  write_model_file(path_, f);
  const ModelFile g = read_model_file(path_);
  const DenseLayer& r = g.model.layers[0];
  EXPECT_EQ(r.weight_type.str(), "ap_fixed<4,1,AP_RND_CONV,AP_SAT,0>");
  EXPECT_TRUE(r.weight_type.ap_semantics());
  EXPECT_EQ(r.out_type.str(), "sc_fixed<8,3,SC_RND,SC_SAT,0>");
  EXPECT_FALSE(r.out_type.ap_semantics());
  EXPECT_EQ(r.bn->out_type.str(), "ap_ufixed<4,2,AP_RND_CONV,AP_WRAP,1>");
  EXPECT_TRUE(r.bn->out_type.ap_semantics());
  EXPECT_EQ(r.acc_type.str(), "fixed<16,5,TRN,SAT,0>");
  EXPECT_EQ(reference_forward(g.model, {128, 64, 255}), (std::vector<int64_t>{13, 9}));
  QuantNetwork sc = g.model;
  sc.layers[0].bn->out_type = sc.layers[0].bn->out_type.spelled(fx::Spelling::FIXED);
  EXPECT_EQ(reference_forward(sc, {128, 64, 255}), (std::vector<int64_t>{5, 9}));
}

TEST_F(ModelFiles, ReferenceInferenceOfLoadedModel) {
  write_model_file(path_, small_model());
  const ModelFile g = read_model_file(path_);
  // Input raws (ufixed<8,0>, F = 8) 128, 64, 255; weights fixed<4,1> (F = 3).
  // out 0: acc = 128*1 + 64*(-2) + 255*7 = 1785 (F = 11); requant to fixed<8,3,RND> (F = 5):
  //   1785 / 64 = 27.89 -> 28 (0.875). bn: 0.875 * 7/16 (spt<6,2,2>, F = 4) + 3/16 = 0.5703125;
  //   ufixed<4,2,RND_CONV> (F = 2): 2.28125 -> 2.
  // out 1: acc = 128*(-8) + 255*3 = -259; -259 / 64 = -4.05 -> -4 (-0.125); bn: -0.125 * -12/16
  //   + 100/16 = 6.34375 -> 25.375 LSB -> saturates to 15.
  EXPECT_EQ(reference_forward(g.model, {128, 64, 255}), (std::vector<int64_t>{2, 15}));
}

TEST_F(ModelFiles, RejectsTruncatedVersionChecksum) {
  write_model_file(path_, small_model());
  std::vector<char> b = bytes();
  put(std::vector<char>(b.begin(), b.begin() + static_cast<long>(b.size()) - 20));
  EXPECT_NE(error().find("truncated: the header promises"), std::string::npos) << error();
  put(std::vector<char>(b.begin(), b.begin() + 12));
  EXPECT_NE(error().find("truncated: 12 bytes"), std::string::npos) << error();
  std::vector<char> v = b;
  v[8] = 5;
  put(v);
  EXPECT_NE(error().find("format version 5, this fxsim reads versions 1 to 4"), std::string::npos)
      << error();
  std::vector<char> c = b;
  c[c.size() - 30] ^= 1;
  put(c);
  EXPECT_NE(error().find("checksum mismatch"), std::string::npos) << error();
  std::vector<char> m = b;
  m[0] = 'X';
  put(m);
  EXPECT_NE(error().find("magic"), std::string::npos) << error();
}

TEST_F(ModelFiles, RejectsTypeMismatches) {
  write_model_file(path_, small_model());
  // The accumulator's fraction bits no longer equal input F + weight F (11 -> 10).
  patch_header("fixed<16,5,TRN,SAT,0>", "fixed<16,6,TRN,SAT,0>");
  EXPECT_NE(error().find("fc1.accumulator: type fixed<16,6,TRN,SAT,0> has 10 fraction bits; "
                         "expected a signed fixed with F_acc = F_in + F_w = 8 + 3 = 11: "
                         "fixed<17,6,TRN,SAT,0> (the same integer bits)"),
            std::string::npos)
      << error();
  write_model_file(path_, small_model());
  patch_header("fixed<4,1,RND_CONV,SAT,0>", "fixed<4,1,RND_CONV,SAT,X>");
  EXPECT_NE(error().find("layers[0].types.weight: type mismatch"), std::string::npos) << error();
  write_model_file(path_, small_model());
  patch_header("\"spt<6,2,2>\"", "\"spt<6,2,1>\"");  // 7 = 8 - 1 needs two terms
  EXPECT_NE(error().find("layers[0].bn.scale: type mismatch: raw value 7 is not a value of"),
            std::string::npos)
      << error();
  write_model_file(path_, small_model());
  patch_header("\"logits_type\": \"ufixed<4,2", "\"logits_type\": \"ufixed<5,2");
  EXPECT_NE(error().find("golden.logits_type: type mismatch"), std::string::npos) << error();
  write_model_file(path_, small_model());
  patch_header("\"weight\": \"fixed<4,1", "\"weight\": \"fixed<2,1");  // raw 7 out of range
  EXPECT_NE(error().find("fc1.weights: element 2 = 7 is not a raw of fixed<2,1"), std::string::npos)
      << error();
}

TEST_F(ModelFiles, RejectsInconsistentKhotTerms) {
  write_model_file(path_, small_model());
  // Codes of 7 in spt<6,2,2>: +2^3 -2^0 -> (+4, -1). Flip the first block element of the terms.
  std::vector<char> b = bytes();
  std::string s(b.begin(), b.end());
  const size_t blocks_at = s.find("fc1.bn.scale_terms");
  ASSERT_NE(blocks_at, std::string::npos);
  // Terms block: after weights (6), scale (2), bias (2) -> element index 10.
  const uint32_t header_len = static_cast<unsigned char>(b[12]) |
                              (static_cast<unsigned char>(b[13]) << 8) |
                              (static_cast<unsigned char>(b[14]) << 16);
  const size_t data = (16 + header_len + 7) / 8 * 8;
  EXPECT_EQ(static_cast<unsigned char>(b[data + 10 * 8]), 4);
  b[data + 10 * 8] = 5;
  const uint64_t sum = fnv1a64(reinterpret_cast<const unsigned char*>(b.data()), b.size() - 8);
  for (int i = 0; i < 8; ++i) b[b.size() - 8 + i] = static_cast<char>((sum >> (8 * i)) & 0xff);
  put(b);
  EXPECT_NE(
      error().find("layers[0].bn.scale_terms: channel 0 term 0 is 5, the scale 7 encodes to 4"),
      std::string::npos)
      << error();
}

TEST(ModelValidate, ChainedTypesMustMatch) {
  ModelFile f = small_model();
  DenseLayer second = f.model.layers[0];
  second.name = "fc2";
  second.in_features = 2;
  second.weight_raw = {1, 2, 3, 4};
  second.out_features = 2;
  f.model.layers.push_back(second);  // input type ufixed<8,0> but fc1 outputs ufixed<4,2>
  try {
    validate(f.model);
    FAIL() << "no error";
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("fc2.input: type ufixed<8,0,TRN,WRAP,0> does not match"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
