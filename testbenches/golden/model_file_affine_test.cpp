// Model file version 3 (an affine integer MLP): a hand-built two-layer MLP round trips with every
// field (float32 scales bit for bit), is rewritten byte for byte, and the reader refuses with
// exact messages what it cannot take: another layer kind, unknown keys, a scale that is no
// float32, an unknown requantization method, layers that do not chain, an input type that cannot
// hold the golden pixel bytes. The writer refuses layers that do not chain.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "golden/affine_dense.hpp"
#include "golden/model_file.hpp"
#include "testbenches/golden/model_file_fixture.hpp"

namespace fx = fxsim::fx;

namespace {

using namespace fxsim::golden;
using nlohmann::json;

fx::AffineType per_tensor(bool is_signed, int width, float scale, std::int32_t zp) {
  return {fx::AffineInt::make(is_signed, width), fx::AffineParams::per_tensor(scale, zp)};
}

// fc1: 4 pixel bytes -> 3, int<8> weights per channel, ReLU, DOUBLE rounding; fc2: 3 -> 2,
// int<4> weights per tensor, no bias, SINGLE rounding, B = 15.
ModelFile affine_mlp() {
  AffineDense fc1;
  fc1.name = "fc1";
  fc1.in_features = 4;
  fc1.out_features = 3;
  fc1.input_type = per_tensor(false, 8, 1.0f / 256, 0);
  fc1.weight_type = {fx::AffineInt::make(true, 8),
                     fx::AffineParams::per_channel({0.01f, 0.02f, 0.005f}, {0, 0, 0}, 0)};
  fc1.output_type = per_tensor(false, 8, 0.05f, 37);
  fc1.weight_q = {12, -7, 127, -128, 0, 1, 2, 3, -90, 45, 60, -5};
  fc1.bias_q = {100, -50, 7};
  fc1.method = RequantMethod::INTEGER;
  fc1.relu = true;
  AffineDense fc2;
  fc2.name = "fc2";
  fc2.in_features = 3;
  fc2.out_features = 2;
  fc2.input_type = fc1.output_type;
  fc2.weight_type = per_tensor(true, 4, 0.1f, 0);
  fc2.output_type = per_tensor(true, 8, 0.2f, -1);
  fc2.acc_width = 24;
  fc2.weight_q = {7, -8, 3, 0, -1, 5};
  fc2.method = RequantMethod::INTEGER;
  fc2.multiplier_bits = 15;
  fc2.integer_rounding = fx::IntegerRounding::SINGLE;
  ModelFile f;
  f.affine = {fc1, fc2};
  // Three images; logits raws of int<8> chosen by hand (the file stores what it is given), the
  // labels making two of three correct (first maximum wins: row 2 predicts class 0).
  GoldenResults g;
  g.images = "t10k-images-idx3-ubyte.gz";
  g.count = 3;
  g.logits = {5, -3, -1, 4, 2, 2};
  g.labels = {0, 1, 1};
  g.accuracy = 2.0 / 3.0;
  f.golden = g;
  f.metadata_json = R"({"variant":"hand"})";
  return f;
}

class AffineModelFile : public fxsim::golden::test::ModelFileTest {};

void expect_same_type(const fx::AffineType& a, const fx::AffineType& b) {
  EXPECT_EQ(a.format, b.format);
  ASSERT_EQ(a.params.scales.size(), b.params.scales.size());
  for (std::size_t i = 0; i < a.params.scales.size(); ++i) {
    std::uint32_t x, y;
    std::memcpy(&x, &a.params.scales[i], 4);
    std::memcpy(&y, &b.params.scales[i], 4);
    EXPECT_EQ(x, y) << i;  // bit for bit
  }
  EXPECT_EQ(a.params.zero_points, b.params.zero_points);
  EXPECT_EQ(a.params.axis, b.params.axis);
}

TEST_F(AffineModelFile, RoundTripsEveryFieldAsVersion3) {
  const ModelFile f = affine_mlp();
  write_model_file(path_, f);
  const std::vector<char> b = bytes();
  std::uint32_t version = 0;
  std::memcpy(&version, b.data() + 8, 4);
  EXPECT_EQ(version, 3u);
  const ModelFile r = read_model_file(path_);
  EXPECT_TRUE(r.model.layers.empty());
  ASSERT_EQ(r.affine.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const AffineDense& a = f.affine[i];
    const AffineDense& c = r.affine[i];
    EXPECT_EQ(c.name, a.name);
    EXPECT_EQ(c.in_features, a.in_features);
    EXPECT_EQ(c.out_features, a.out_features);
    expect_same_type(c.input_type, a.input_type);
    expect_same_type(c.weight_type, a.weight_type);
    expect_same_type(c.output_type, a.output_type);
    EXPECT_EQ(c.acc_width, a.acc_width);
    EXPECT_EQ(c.weight_q, a.weight_q);
    EXPECT_EQ(c.bias_q, a.bias_q);
    EXPECT_EQ(c.method, a.method);
    EXPECT_EQ(c.multiplier_bits, a.multiplier_bits);
    EXPECT_EQ(c.integer_rounding, a.integer_rounding);
    EXPECT_EQ(c.relu, a.relu);
  }
  ASSERT_TRUE(r.golden.has_value());
  EXPECT_EQ(r.golden->logits, f.golden->logits);
  EXPECT_EQ(r.golden->labels, f.golden->labels);
  EXPECT_EQ(r.classes(), 2);
  EXPECT_EQ(json::parse(r.metadata_json), json::parse(f.metadata_json));
  // Written again from what was read: the same bytes.
  write_model_file(path_ + ".2", r);
  EXPECT_EQ(bytes(path_ + ".2"), b);
  std::remove((path_ + ".2").c_str());
}

TEST_F(AffineModelFile, BadFieldsAreRefusedWithTheirPlace) {
  write_model_file(path_, affine_mlp());
  edit_header([](json& h) { h["layers"][1]["kind"] = "dense"; });
  EXPECT_EQ(error(),
            path_ + ": layers[1].kind: 'dense'; a version 3 file holds affine_dense layers");

  write_model_file(path_, affine_mlp());
  edit_header([](json& h) { h["layers"][0]["output"]["offset"] = 1; });
  EXPECT_EQ(error(), path_ +
                         ": layers[0].output.offset: unknown key; expected one of format, scales, "
                         "zero_points, axis");

  write_model_file(path_, affine_mlp());
  edit_header([](json& h) { h["layers"][0]["weight"]["scales"][1] = 0.1; });  // not a float32
  EXPECT_EQ(error(), path_ + ": layers[0].weight.scales: 0.1 is not a float32 value");

  write_model_file(path_, affine_mlp());
  edit_header([](json& h) { h["layers"][1]["requant"] = "fixed"; });
  EXPECT_EQ(error().rfind(path_ + ": layers[1].requant: ", 0), 0u) << error();
  EXPECT_NE(error().find("float"), std::string::npos) << error();

  write_model_file(path_, affine_mlp());
  edit_header([](json& h) { h["layers"][1]["integer_rounding"] = "half_up"; });
  EXPECT_EQ(error(), path_ + ": layers[1].integer_rounding: 'half_up'; expected double or single");
}

TEST_F(AffineModelFile, LayersMustChain) {
  write_model_file(path_, affine_mlp());
  edit_header([](json& h) { h["layers"][0]["output"]["zero_points"][0] = 38; });
  EXPECT_EQ(error(), path_ +
                         ": layers[1].input: uint<8> scale 0.05000000075 zero point 37 is not the "
                         "previous layer's output type uint<8> scale 0.05000000075 zero point 38");
  ModelFile f = affine_mlp();
  f.affine[1].input_type.params.scales[0] = 0.0625f;
  try {
    write_model_file(path_, f);
    FAIL() << "written";
  } catch (const ModelFileError& e) {
    EXPECT_EQ(std::string(e.what()),
              path_ +
                  ": layers[1].input: uint<8> scale 0.0625 zero point 37 is not the "
                  "previous layer's output type uint<8> scale 0.05000000075 zero point 37");
  }
}

TEST_F(AffineModelFile, TheInputMustHoldThePixelBytes) {
  ModelFile f = affine_mlp();
  f.affine[0].input_type = per_tensor(true, 8, 1.0f / 256, 0);  // int<8>: -128..127
  write_model_file(path_, f);
  EXPECT_EQ(error(), path_ +
                         ": input.type: int<8> cannot hold the golden inputs: they are the raw "
                         "pixel bytes 0..255 of golden.images; expected uint<8> or wider, or "
                         "int<9> or wider");
}

}  // namespace
