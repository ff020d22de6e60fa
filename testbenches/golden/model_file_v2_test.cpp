// Model file version 2 (layer kinds): a hand-built CNN (conv + BN, max-pool, dense) round trips
// with every field; an MLP is still written as version 1 and a version-1 file written by the
// fxsim of before version 2 (testbenches/golden/data/mlp_v1.fxm) loads and is rewritten byte for
// byte; other versions, truncation, corruption, bad kinds and flatten orders are refused; and
// validate() rejects feature layers whose shapes or types do not chain, with exact messages.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "golden/model_file.hpp"
#include "testbenches/common/hand_model_file.hpp"
#include "testbenches/golden/model_file_fixture.hpp"

namespace fx = fxsim::fx;

namespace {

using namespace fxsim::golden;
using fx::FxType;
namespace fs = std::filesystem;

const FxType kInput = FxType::make_unsigned(8, 0);
const FxType kMap = FxType::make_unsigned(4, 2, fx::Rounding::RND_CONV, fx::Overflow::SAT);

// conv1: 4x4x3 input, K 3, S 1, P 1, 2 output channels, SIMD 2 (Cp = 4: lane 3 of every
// pixel is padding, weight 0), spt BN scales. pool1: 2x2 over 4x4x2. fc1: 2x2x2 = 8 inputs, 3
// outputs, flattened y, x, c.
ConvLayer conv1() {
  ConvLayer c;
  c.name = "conv1";
  c.shape = {4, 4, 3, 3, 1, 1};
  c.out_channels = 2;
  c.simd = 2;
  c.input_type = kInput;
  c.weight_type = fx::KhotType::make(fx::KhotKind::SPT, 4, 1, 2);
  c.acc_type = FxType::make_signed(16, 5, fx::Rounding::TRN, fx::Overflow::SAT);  // F = 8 + 3
  c.out_type = FxType::make_signed(8, 3, fx::Rounding::RND, fx::Overflow::SAT);
  for (int i = 0; i < 2 * 9 * 4; ++i) {
    // spt<4,1,2> values (F = 3): sums / differences of two powers of two, up to 2^0 = 8 raw.
    static const std::int64_t values[] = {1, -2, 3, 4, -6, 0, 5, -8};
    c.weight_raw.push_back(i % 4 == 3 ? 0 : values[i % 8]);
  }
  BnActLayer b;
  b.scale_type = fx::KhotType::make(fx::KhotKind::SPT, 6, 2, 2);
  b.scale_raw = {7, -12};
  b.bias_type = FxType::make_signed(8, 4);
  b.bias_raw = {3, -100};
  b.out_type = kMap;
  b.act = fxsim::units::Activation::RELU_CLIP;
  b.clip_raw = 12;
  c.bn = b;
  return c;
}

MaxPoolLayer pool1() {
  MaxPoolLayer p;
  p.name = "pool1";
  p.height = 4;
  p.width = 4;
  p.channels = 2;
  p.size = 2;
  p.type = kMap;
  return p;
}

DenseLayer fc1() {
  DenseLayer l;
  l.name = "fc1";
  l.in_features = 8;
  l.out_features = 3;
  l.simd = 4;
  l.input_type = kMap;
  l.weight_type = FxType::make_signed(4, 1, fx::Rounding::RND_CONV, fx::Overflow::SAT);
  l.acc_type = FxType::make_signed(16, 11, fx::Rounding::TRN, fx::Overflow::WRAP);  // F = 2 + 3
  l.out_type = FxType::make_signed(8, 3, fx::Rounding::RND, fx::Overflow::SAT);
  for (int i = 0; i < 24; ++i) l.weight_raw.push_back(i % 16 - 8);
  return l;
}

ModelFile cnn_model() {
  ModelFile f;
  f.model.input_type = kInput;
  f.model.features = {conv1(), pool1()};
  f.model.layers = {fc1()};
  GoldenResults g;
  g.images = "t10k-images-idx3-ubyte.gz";
  g.count = 2;
  g.logits = {1, -2, 3, 0, 5, -7};
  g.labels = {2, 0};  // row 0's first maximum is class 2 (right), row 1's class 1 (wrong)
  g.accuracy = 0.5;
  f.golden = g;
  f.metadata_json = R"({"method":"cnn"})";
  return f;
}

void expect_same(const BnActLayer& a, const BnActLayer& b) {
  EXPECT_EQ(fx::type_str(a.scale_type), fx::type_str(b.scale_type));
  EXPECT_EQ(a.bias_type.str(), b.bias_type.str());
  EXPECT_EQ(a.out_type.str(), b.out_type.str());
  EXPECT_EQ(a.act, b.act);
  EXPECT_EQ(a.clip_raw, b.clip_raw);
  EXPECT_EQ(a.scale_raw, b.scale_raw);
  EXPECT_EQ(a.bias_raw, b.bias_raw);
}

void expect_same(const DenseLayer& a, const DenseLayer& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.in_features, b.in_features);
  EXPECT_EQ(a.out_features, b.out_features);
  EXPECT_EQ(a.simd, b.simd);
  EXPECT_EQ(a.input_type.str(), b.input_type.str());
  EXPECT_EQ(a.weight_type.str(), b.weight_type.str());
  EXPECT_EQ(a.acc_type.str(), b.acc_type.str());
  EXPECT_EQ(a.out_type.str(), b.out_type.str());
  EXPECT_EQ(a.weight_raw, b.weight_raw);
  ASSERT_EQ(a.bn.has_value(), b.bn.has_value());
  if (a.bn) expect_same(*a.bn, *b.bn);
}

std::string header_of(const std::vector<char>& b) {
  const std::uint32_t len = static_cast<unsigned char>(b[12]) |
                            (static_cast<unsigned char>(b[13]) << 8) |
                            (static_cast<unsigned char>(b[14]) << 16);
  return std::string(b.begin() + 16, b.begin() + 16 + len);
}

class ModelFilesV2 : public fxsim::golden::test::ModelFileTest {};

TEST_F(ModelFilesV2, CnnRoundTripsEveryField) {
  const ModelFile f = cnn_model();
  write_model_file(path_, f);
  const std::vector<char> b = bytes();
  EXPECT_EQ(b[8], 2);  // version 2: the model has feature layers
  const ModelFile g = read_model_file(path_);
  EXPECT_EQ(g.model.input_type.str(), "ufixed<8,0,TRN,WRAP,0>");
  ASSERT_EQ(g.model.features.size(), 2u);
  ASSERT_EQ(g.model.layers.size(), 1u);
  EXPECT_EQ(g.model.flatten, FlattenOrder::YXC);

  ASSERT_TRUE(std::holds_alternative<ConvLayer>(g.model.features[0]));
  const ConvLayer& c = std::get<ConvLayer>(g.model.features[0]);
  const ConvLayer e = conv1();
  EXPECT_EQ(c.name, "conv1");
  EXPECT_EQ(c.shape.height, 4);
  EXPECT_EQ(c.shape.width, 4);
  EXPECT_EQ(c.shape.channels, 3);
  EXPECT_EQ(c.shape.kernel, 3);
  EXPECT_EQ(c.shape.stride, 1);
  EXPECT_EQ(c.shape.padding, 1);
  EXPECT_EQ(c.out_channels, 2);
  EXPECT_EQ(c.simd, 2);
  EXPECT_EQ(c.input_type.str(), "ufixed<8,0,TRN,WRAP,0>");
  EXPECT_EQ(fx::type_str(c.weight_type), "spt<4,1,2>");
  EXPECT_EQ(c.acc_type.str(), "fixed<16,5,TRN,SAT,0>");
  EXPECT_EQ(c.out_type.str(), "fixed<8,3,RND,SAT,0>");
  EXPECT_EQ(c.weight_raw.size(), 72u);  // 2 x 3 x 3 x Cp 4
  EXPECT_EQ(c.weight_raw, e.weight_raw);
  ASSERT_TRUE(c.bn.has_value());
  expect_same(*c.bn, *e.bn);
  EXPECT_EQ(c.bn->act, fxsim::units::Activation::RELU_CLIP);
  EXPECT_EQ(c.bn->clip_raw, 12);

  ASSERT_TRUE(std::holds_alternative<MaxPoolLayer>(g.model.features[1]));
  const MaxPoolLayer& p = std::get<MaxPoolLayer>(g.model.features[1]);
  EXPECT_EQ(p.name, "pool1");
  EXPECT_EQ(p.height, 4);
  EXPECT_EQ(p.width, 4);
  EXPECT_EQ(p.channels, 2);
  EXPECT_EQ(p.size, 2);
  EXPECT_EQ(p.type.str(), "ufixed<4,2,RND_CONV,SAT,0>");

  expect_same(g.model.layers[0], fc1());
  ASSERT_TRUE(g.golden.has_value());
  EXPECT_EQ(g.golden->images, "t10k-images-idx3-ubyte.gz");
  EXPECT_EQ(g.golden->count, 2);
  EXPECT_EQ(g.golden->logits, (std::vector<int64_t>{1, -2, 3, 0, 5, -7}));
  EXPECT_EQ(g.golden->labels, (std::vector<int64_t>{2, 0}));
  EXPECT_EQ(g.golden->accuracy, 0.5);
  EXPECT_EQ(g.metadata_json, R"({"method":"cnn"})");

  // The header lists the layers in order with their kinds; the dense layer names the flatten.
  const std::string h = header_of(b);
  const size_t conv_at = h.find("\"kind\": \"conv\"");
  const size_t pool_at = h.find("\"kind\": \"max_pool\"");
  const size_t dense_at = h.find("\"kind\": \"dense\"");
  ASSERT_NE(conv_at, std::string::npos);
  ASSERT_NE(pool_at, std::string::npos);
  ASSERT_NE(dense_at, std::string::npos);
  EXPECT_LT(conv_at, pool_at);
  EXPECT_LT(pool_at, dense_at);
  EXPECT_NE(h.find("\"flatten\": \"yxc\""), std::string::npos);
  EXPECT_NE(h.find("\"version\": 2"), std::string::npos);

  // The format is frozen: data/cnn_v2.fxm (this model, written when version 2 was introduced;
  // its second label changed from 1 to 0 when the reader began checking golden.accuracy against
  // the logits) is what the readers' tests load as their CNN file.
  EXPECT_EQ(bytes(std::string(FXSIM_GOLDEN_DATA_DIR) + "/cnn_v2.fxm"), b);
  // Same model, same bytes; the loaded model writes the same file again.
  write_model_file(path_, f);
  EXPECT_EQ(bytes(), b);
  write_model_file(path_, g);
  EXPECT_EQ(bytes(), b);
}

// An MLP is written as version 1, exactly as before version 2 existed: mlp_v1.fxm was written by
// fxsim at commit a28c188 (format version 1 only) from the model built here.
TEST_F(ModelFilesV2, VersionOneFilesStillLoadAndMlpsStayVersionOne) {
  const std::string v1 = std::string(FXSIM_GOLDEN_DATA_DIR) + "/mlp_v1.fxm";
  const std::vector<char> old_bytes = bytes(v1);
  ASSERT_GT(old_bytes.size(), 24u);
  EXPECT_EQ(old_bytes[8], 1);
  const ModelFile g = read_model_file(v1);
  EXPECT_TRUE(g.model.features.empty());
  ASSERT_EQ(g.model.layers.size(), 1u);
  const DenseLayer& l = g.model.layers[0];
  EXPECT_EQ(l.name, "fc1");
  EXPECT_EQ(l.in_features, 3);
  EXPECT_EQ(l.out_features, 2);
  EXPECT_EQ(l.simd, 2);
  EXPECT_EQ(l.weight_type.str(), "fixed<4,1,RND_CONV,SAT,0>");
  EXPECT_EQ(l.acc_type.str(), "fixed<16,5,TRN,SAT,0>");
  EXPECT_EQ(l.weight_raw, (std::vector<int64_t>{1, -2, 7, -8, 0, 3}));
  ASSERT_TRUE(l.bn.has_value());
  EXPECT_EQ(fx::type_str(l.bn->scale_type), "spt<6,2,2>");
  EXPECT_EQ(l.bn->scale_raw, (std::vector<int64_t>{7, -12}));
  EXPECT_EQ(l.bn->bias_raw, (std::vector<int64_t>{3, 100}));
  EXPECT_EQ(g.golden->logits, (std::vector<int64_t>{1, 2, 3, 0}));
  EXPECT_EQ(g.metadata_json, R"({"method":"test"})");
  // Worked in model_file_test.cpp (ReferenceInferenceOfLoadedModel).
  EXPECT_EQ(reference_forward(g.model, {128, 64, 255}), (std::vector<int64_t>{2, 15}));
  EXPECT_EQ(model_file_version(g.model), 1u);
  write_model_file(path_, g);
  EXPECT_EQ(bytes(), old_bytes);  // no "kind" keys, version 1: byte for byte the old file
}

TEST_F(ModelFilesV2, OtherVersionsAreRefusedNamingTheFile) {
  write_model_file(path_, cnn_model());
  std::vector<char> b = bytes();
  for (const char v : {char{5}, char{0}}) {
    b[8] = v;
    put(b);
    EXPECT_EQ(error(), path_ + ": format version " + std::to_string(v) +
                           ", this fxsim reads versions 1 to 4");
  }
  // A CNN file claiming version 1 in both places: version 1 has no layer kinds, so its first
  // entry's kind is refused as a version 2 key.
  write_model_file(path_, cnn_model());
  patch_header("\"version\": 2", "\"version\": 1");
  b = bytes();
  b[8] = 1;
  fix_checksum(b);
  put(b);
  EXPECT_EQ(error(), path_ +
                         ": layers[0].kind: a version 2 key in a version 1 file (version 2 lists "
                         "conv, max_pool and dense layers, each with its kind)");
  // The preamble and the header disagree.
  write_model_file(path_, cnn_model());
  patch_header("\"version\": 2", "\"version\": 1");
  EXPECT_EQ(error(), path_ +
                         ": header: version mismatch: the header's \"version\" is 1, the "
                         "preamble's (bytes 8..11) is 2; this fxsim reads versions 1 to 4, and "
                         "both must agree");
}

TEST_F(ModelFilesV2, TruncatedOrCorruptFilesAreRefused) {
  write_model_file(path_, cnn_model());
  const std::vector<char> b = bytes();
  put(std::vector<char>(b.begin(), b.end() - 16));
  EXPECT_EQ(error(), path_ + ": truncated: the header promises " + std::to_string(b.size()) +
                         " bytes, the file has " + std::to_string(b.size() - 16));
  std::vector<char> c = b;
  c[c.size() - 40] ^= 4;  // a data byte (golden labels / logits)
  put(c);
  EXPECT_EQ(error(), path_ + ": checksum mismatch (corrupt file)");
  std::vector<char> j = b;
  j[16] = '[';  // the header's opening brace
  fix_checksum(j);
  put(j);
  EXPECT_NE(error().find(path_ + ": header: invalid JSON: "), std::string::npos) << error();
}

// A conv layer's own bias without BN (a "bias" object instead of "bn") loads as a dense layer's
// does: golden::bias_only_bn, its output type the conv's output type (here the pool's map type,
// so the chain stays valid). The file is cnn_model()'s, its header edited as a hand writer would.
TEST_F(ModelFilesV2, AConvLayersOwnBiasWithoutBn) {
  write_model_file(path_, cnn_model());
  const std::vector<char> b = bytes();
  const std::string h = header_of(b);
  fxsim::test::HandModel m;
  m.header = nlohmann::json::parse(h);
  const std::size_t data = (16 + h.size() + 7) / 8 * 8;
  m.data.resize((b.size() - 8 - data) / 8);
  std::memcpy(m.data.data(), b.data() + data, m.data.size() * 8);  // little-endian host
  m.header.erase("golden");  // the logits change; its blocks stay, unreferenced
  nlohmann::json& conv = m.header["layers"][0];
  conv["types"]["output"] = "ufixed<4,2,RND_CONV,SAT,0>";
  conv["bias"] = {{"type", conv["bn"]["bias_type"]},
                  {"values", "conv1.bn.bias"},
                  {"activation", "relu_clip"},
                  {"clip_raw", 12}};
  conv.erase("bn");
  fxsim::test::write_hand_model_file(path_, m);
  const ModelFile g = read_model_file(path_);
  const ConvLayer& c = std::get<ConvLayer>(g.model.features[0]);
  ASSERT_TRUE(c.bn.has_value());
  EXPECT_EQ(fx::type_str(c.bn->scale_type), "khot<2,2,1>");
  EXPECT_EQ(c.bn->scale_raw, (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(c.bn->bias_type.str(), "fixed<8,4,TRN,WRAP,0>");
  EXPECT_EQ(c.bn->bias_raw, (std::vector<int64_t>{3, -100}));
  EXPECT_EQ(c.bn->out_type, kMap);
  EXPECT_EQ(c.bn->act, fxsim::units::Activation::RELU_CLIP);
  EXPECT_EQ(c.bn->clip_raw, 12);
}

// Unknown keys of conv and max-pool layers are named as a dense layer's are.
TEST_F(ModelFilesV2, UnknownKeysOfFeatureLayersAreNamed) {
  write_model_file(path_, cnn_model());
  patch_header("\"stride\"", "\"strode\"");
  EXPECT_EQ(error(), path_ +
                         ": layers[0].strode: unknown key; expected one of kind, name, input, "
                         "kernel, stride, padding, out_channels, simd, types, weights, bn, bias");
  write_model_file(path_, cnn_model());
  patch_header("\"size\"", "\"sizf\"");
  EXPECT_EQ(error(), path_ +
                         ": layers[1].sizf: unknown key; expected one of kind, name, input, size, "
                         "type");
  write_model_file(path_, cnn_model());
  patch_header("\"channels\"", "\"channelz\"");
  EXPECT_EQ(error(), path_ +
                         ": layers[0].input.channelz: unknown key; expected one of height, width, "
                         "channels");
}

TEST_F(ModelFilesV2, BadKindsAndFlattenOrdersAreRefused) {
  write_model_file(path_, cnn_model());
  patch_header("\"kind\": \"max_pool\"", "\"kind\": \"avg_pool\"");
  EXPECT_EQ(error(), path_ + ": layers[1].kind: 'avg_pool'; expected dense, conv or max_pool");
  write_model_file(path_, cnn_model());
  patch_header("\"flatten\": \"yxc\"", "\"flatten\": \"cyx\"");
  EXPECT_EQ(error(), path_ +
                         ": layers[2].flatten: 'cyx'; expected 'yxc' (the stream order: y, "
                         "x, channels fastest)");
  write_model_file(path_, cnn_model());
  patch_header("\"flatten\": \"yxc\"", "\"flatteN\": \"yxc\"");
  EXPECT_EQ(error(), path_ + ": layers[2]: missing key 'flatten'");
  // Shapes are checked after reading: the pool's input no longer matches conv1's 4x4x2 output.
  write_model_file(path_, cnn_model());
  patch_header("\"size\": 2", "\"size\": 3");
  EXPECT_EQ(error(), path_ +
                         ": fc1.in_features: 8 but the previous layer's output map 1x1x2 "
                         "flattens to 2");
}

// validate() checks the chain: every feature layer's input map and type against the previous
// output, the first dense layer against the flattened last map.
TEST(ModelValidateV2, FeatureShapesAndTypesMustChain) {
  const auto error_of = [](const QuantNetwork& m) -> std::string {
    try {
      validate(m);
    } catch (const ModelError& e) {
      return e.what();
    }
    return "no error";
  };
  const QuantNetwork good = cnn_model().model;
  EXPECT_EQ(error_of(good), "no error");

  QuantNetwork m = good;
  std::get<MaxPoolLayer>(m.features[1]).channels = 3;  // conv1 outputs 2 channels
  EXPECT_EQ(error_of(m),
            "pool1.shape: input map 4x4x3 does not match the previous layer's output map 4x4x2");

  m = good;
  std::get<ConvLayer>(m.features[0]).shape.stride = 2;  // conv1 now outputs 2x2x2
  EXPECT_EQ(error_of(m),
            "pool1.shape: input map 4x4x2 does not match the previous layer's output map 2x2x2");

  m = good;
  std::get<MaxPoolLayer>(m.features[1]).type = kInput;
  EXPECT_EQ(error_of(m),
            "pool1.input: type ufixed<8,0,TRN,WRAP,0> does not match the previous output type "
            "ufixed<4,2,RND_CONV,SAT,0>");

  m = good;
  m.layers[0].in_features = 16;
  m.layers[0].weight_raw.resize(48);
  EXPECT_EQ(error_of(m),
            "fc1.in_features: 16 but the previous layer's output map 2x2x2 flattens to 8");

  m = good;
  std::get<MaxPoolLayer>(m.features[1]).size = 5;
  EXPECT_EQ(error_of(m), "pool1.size: 5; expected 2..4");

  m = good;
  std::get<ConvLayer>(m.features[0]).weight_raw[3] = 1;  // lane c = 3 of Cp = 4 is padding
  EXPECT_EQ(error_of(m), "conv1.weights: element 3 is a padded lane (c >= 3) and must be 0");

  m = good;
  m.layers.clear();
  EXPECT_EQ(error_of(m),
            "model: no dense layer after the conv / max_pool layers (the logits "
            "come from a dense layer)");

  m = good;
  m.features.erase(m.features.begin());  // the pool now reads the network input
  EXPECT_EQ(error_of(m),
            "pool1.input: type ufixed<4,2,RND_CONV,SAT,0> does not match the previous output "
            "type ufixed<8,0,TRN,WRAP,0>");
}

TEST(ModelValidateV2, DenseOnlyRunnersNameTheFirstFeatureLayer) {
  const QuantNetwork m = cnn_model().model;
  try {
    require_dense(m, "fxsim verify");
    FAIL() << "no error";
  } catch (const ModelError& e) {
    EXPECT_STREQ(e.what(),
                 "layer 0 is a conv layer; fxsim verify runs dense models (CNNs: issue 17)");
  }
  QuantNetwork pool_first = m;
  pool_first.features.erase(pool_first.features.begin());
  try {
    require_dense(pool_first, "fxsim network-from-model");
    FAIL() << "no error";
  } catch (const ModelError& e) {
    EXPECT_STREQ(e.what(),
                 "layer 0 is a max_pool layer; fxsim network-from-model runs dense models (CNNs: "
                 "issue 17)");
  }
  QuantNetwork mlp;
  mlp.input_type = kMap;
  mlp.layers = {fc1()};
  EXPECT_NO_THROW(require_dense(mlp, "fxsim verify"));
}

}  // namespace
