// Model file version 4 (a binary / ternary MLP): the hand-built BNN and ternary MLP
// (bipolar_test_nets.hpp) round trip with every field and golden results, are rewritten byte for
// byte, and the reader refuses with exact messages what it cannot take.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "golden/model_file.hpp"
#include "testbenches/golden/bipolar_test_nets.hpp"
#include "testbenches/golden/model_file_fixture.hpp"

namespace {

using namespace fxsim::golden;
using fxsim::golden::test::ModelFileTest;
using nlohmann::json;
namespace fx = fxsim::fx;

ModelFile file_of(const BipolarNetwork& net) {
  ModelFile f;
  f.bipolar = net;
  GoldenResults g;
  g.images = "t10k-images-idx3-ubyte.gz";
  g.count = 3;
  const std::vector<std::vector<std::int64_t>> px = {{0, 0, 0, 0, 0, 0, 0, 0},
                                                     {255, 0, 255, 0, 255, 0, 255, 0},
                                                     {9, 200, 31, 77, 128, 5, 66, 250}};
  for (const auto& p : px) {
    const std::vector<std::int64_t> l = reference_forward(net, p);
    g.logits.insert(g.logits.end(), l.begin(), l.end());
  }
  g.labels = {0, 1, 2};
  const std::vector<int> pred = argmax_rows(g.logits, 3);
  int correct = 0;
  for (int i = 0; i < 3; ++i) correct += pred[i] == g.labels[i];
  g.accuracy = correct / 3.0;
  f.golden = g;
  f.metadata_json = R"({"variant":"bnn"})";
  return f;
}

void expect_same(const BipolarNetwork& a, const BipolarNetwork& b) {
  ASSERT_EQ(a.layers.size(), b.layers.size());
  EXPECT_EQ(a.input_type, b.input_type);
  for (std::size_t i = 0; i < a.layers.size(); ++i) {
    const BipolarDense &x = a.layers[i], &y = b.layers[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.in_features, y.in_features);
    EXPECT_EQ(x.out_features, y.out_features);
    EXPECT_EQ(x.simd, y.simd);
    EXPECT_EQ(x.binary_input, y.binary_input);
    if (!x.binary_input) EXPECT_EQ(x.input_type, y.input_type);
    EXPECT_EQ(x.weight_type, y.weight_type);
    EXPECT_EQ(x.weight_v, y.weight_v);
    EXPECT_EQ(x.acc_type, y.acc_type);
    ASSERT_EQ(x.bn.has_value(), y.bn.has_value());
    if (x.bn) {
      EXPECT_EQ(fx::type_str(x.bn->scale_type), fx::type_str(y.bn->scale_type));
      EXPECT_EQ(x.bn->scale_raw, y.bn->scale_raw);
      EXPECT_EQ(x.bn->bias_type, y.bn->bias_type);
      EXPECT_EQ(x.bn->bias_raw, y.bn->bias_raw);
      EXPECT_EQ(x.bn->out_type, y.bn->out_type);
      EXPECT_EQ(x.bn->act, y.bn->act);
    }
    ASSERT_EQ(x.thresholds.size(), y.thresholds.size());
    for (std::size_t c = 0; c < x.thresholds.size(); ++c) {
      EXPECT_EQ(x.thresholds[c].descending, y.thresholds[c].descending);
      EXPECT_EQ(x.thresholds[c].thresholds, y.thresholds[c].thresholds);
    }
  }
}

class BipolarModelFile : public ModelFileTest {};

TEST_F(BipolarModelFile, RoundTripsByteForByte) {
  for (const BipolarNetwork& net : {test::tiny_bnn(), test::tiny_ternary()}) {
    const ModelFile f = file_of(net);
    write_model_file(path_, f);
    const std::vector<char> first = bytes();
    EXPECT_EQ(first[8], 4);  // version 4
    const ModelFile r = read_model_file(path_);
    EXPECT_TRUE(r.is_bipolar());
    EXPECT_FALSE(r.is_affine());
    EXPECT_TRUE(r.model.layers.empty());
    EXPECT_EQ(r.classes(), 3);
    expect_same(f.bipolar, r.bipolar);
    ASSERT_TRUE(r.golden.has_value());
    EXPECT_EQ(r.golden->logits, f.golden->logits);
    EXPECT_EQ(r.golden->labels, f.golden->labels);
    EXPECT_EQ(json::parse(r.metadata_json), json::parse(f.metadata_json));
    write_model_file(path_, r);
    EXPECT_EQ(bytes(), first);
  }
}

TEST_F(BipolarModelFile, HeaderSpellsTheTypesAndStages) {
  write_model_file(path_, file_of(test::tiny_bnn()));
  edit_header([](json& h) {
    const json& l0 = h["layers"][0];
    EXPECT_EQ(l0["kind"], "bipolar_dense");
    EXPECT_EQ(l0["types"]["input"], "ufixed<8,0,RND_CONV,SAT,0>");
    EXPECT_EQ(l0["types"]["weight"], "binary<0.5>");
    EXPECT_EQ(l0["types"]["accumulator"], "fixed<12,4,TRN,SAT,0>");
    EXPECT_EQ(l0["thresholds"]["output"], "binary");
    EXPECT_EQ(l0["thresholds"]["count"], 1);
    EXPECT_EQ(h["layers"][1]["types"]["input"], "binary");
    EXPECT_EQ(h["layers"][1]["bn"]["activation"], "none");
  });
}

TEST_F(BipolarModelFile, RefusesWithExactMessages) {
  const auto refuses = [&](const std::function<void(json&)>& edit, const std::string& what) {
    write_model_file(path_, file_of(test::tiny_bnn()));
    edit_header(edit);
    EXPECT_EQ(error(), path_ + ": " + what);
  };
  refuses([](json& h) { h["layers"][0]["kind"] = "dense"; },
          "layers[0].kind: 'dense'; a version 4 file holds bipolar_dense layers");
  refuses([](json& h) { h["layers"][0]["bias"] = 1; },
          "layers[0].bias: unknown key; expected one of kind, name, in_features, out_features, "
          "simd, types, weights, bn, thresholds");
  refuses([](json& h) { h["layers"][0]["types"]["weight"] = "binary<-1>"; },
          "layers[0].types.weight: type mismatch: type 'binary<-1>': at character 8: expected a "
          "finite scale S > 0, found '-1'");
  refuses([](json& h) { h["layers"][0]["thresholds"]["output"] = "bit"; },
          "layers[0].thresholds.output: 'bit'; expected 'binary' (one activation bit per channel: "
          "1 = +1, 0 = -1)");
  refuses([](json& h) { h["layers"][0]["thresholds"]["count"] = 3; },
          "layers[0].thresholds.count: 3; expected 1 (the sign activation's one level)");
  refuses([](json& h) { h["layers"][0].erase("thresholds"); },
          "layers[0]: missing key 'bn' or 'thresholds' (the layer's output stage)");
  refuses([](json& h) { h["layers"][1]["types"]["input"] = "ufixed<8,0,RND_CONV,SAT,0>"; },
          "fc2.accumulator: type fixed<4,4,TRN,SAT,0>; expected a signed type with 8 fraction "
          "bits (the input's) and at least 3 integer bits (no sum overflows), at most 62 bits "
          "wide: fixed<11,3,TRN,SAT,0>");
}

TEST_F(BipolarModelFile, RefusesBadBlockValues) {
  ModelFile f = file_of(test::tiny_bnn());
  write_model_file(path_, f);
  // The v's block: patch the first weight (+1, an int64 LE) to 3 in the data region.
  std::vector<char> b = bytes();
  std::uint32_t len = 0;
  for (int i = 0; i < 4; ++i)
    len |= std::uint32_t(static_cast<unsigned char>(b[12 + i])) << (8 * i);
  const std::size_t data = (16 + len + 7) / 8 * 8;
  ASSERT_EQ(b[data], 1);
  b[data] = 3;
  fix_checksum(b);
  put(b);
  EXPECT_EQ(error(), path_ + ": layers[0].weights: element 0 = 3 is not a v of binary<0.5>");
  // The first direction (after the 32 v's) to 2.
  b[data] = 1;
  ASSERT_EQ(b[data + 32 * 8], 0);
  b[data + 32 * 8] = 2;
  fix_checksum(b);
  put(b);
  EXPECT_EQ(error(), path_ +
                         ": layers[0].thresholds.direction: element 0 = 2; expected 0 (y = x >= t) "
                         "or 1 (y = x <= t)");
}

}  // namespace
