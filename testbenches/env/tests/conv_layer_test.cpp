// A convolution on the layer engine (issue 15 item 2): the sliding-window order's windows through
// the PE array and bn_act of both backends, checked against a direct convolution written here
// (exact integer sums, then fx's cast: the arithmetic of docs/rtl_units.md written out), against
// engine::compute_conv_reference, and a 1 x 1 convolution against today's dense engine on the
// same pixels. Cycles against the contract's formula (engine_test_util.hpp, independent of
// models/engine): a convolution costs what a dense layer of Hout x Wout images costs.
#include "testbenches/env/conv_layer.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "fx/cast.hpp"
#include "models/engine/elaboration.hpp"
#include "testbenches/common/engine_points.hpp"
#include "testbenches/env/tests/engine_test_util.hpp"

namespace fxsim::engine_test {
namespace {

using env::Backends;

// out[(b, oy, ox, oc)] = cast(sum over the window of map * weight) with the MAC output's
// rounding and overflow; valid while the accumulator cannot overflow (checked by the caller).
std::vector<std::int64_t> direct_conv(const engine::ConvShape& s, const engine::EngineConfig& p,
                                      const env::ConvStimulus& o) {
  const int cp = s.padded_channels(p.simd), k = s.kernel;
  const int src_frac = p.activation.frac_bits() + (p.kind == engine::EngineKind::FX_MAC
                                                       ? p.fx_weight().frac_bits()
                                                       : p.khot_weight().frac_bits());
  std::vector<std::int64_t> out;
  for (int b = 0; b < o.images; ++b) {
    const std::int64_t* map =
        o.maps.data() + static_cast<std::size_t>(b) * s.height * s.width * s.channels;
    for (int oy = 0; oy < s.out_height(); ++oy) {
      for (int ox = 0; ox < s.out_width(); ++ox) {
        for (int oc = 0; oc < p.out_features; ++oc) {
          std::int64_t acc = 0;
          for (int ky = 0; ky < k; ++ky) {
            for (int kx = 0; kx < k; ++kx) {
              const int y = oy * s.stride - s.padding + ky, x = ox * s.stride - s.padding + kx;
              if (y < 0 || y >= s.height || x < 0 || x >= s.width) continue;
              for (int c = 0; c < s.channels; ++c) {
                const std::int64_t w =
                    o.stimulus.weights[static_cast<std::size_t>(oc) * k * k * cp +
                                       (ky * k + kx) * cp + c];
                acc += map[(y * s.width + x) * s.channels + c] * w;
              }
            }
          }
          out.push_back(fx::cast_from_raw(acc, src_frac, p.output));
        }
      }
    }
  }
  return out;
}

// Every run completed bit-exact (the scoreboard: the dense reference of the windows) in the
// contract's cycles, and its output equals `expected`.
void expect_runs(const env::RunSummary& r, const std::vector<std::int64_t>& expected) {
  ASSERT_TRUE(r.passed()) << r.mismatches() << " mismatches";
  ASSERT_EQ(r.runs.size(), 2u);
  for (const env::BackendRun& run : r.runs) {
    EXPECT_EQ(run.output, expected) << env::to_string(run.kind);
    EXPECT_EQ(run.cycles, expected_cycles(r.cfg, r.batch)) << env::to_string(run.kind);
  }
}

TEST(ConvLayer, Conv3x3Pad1WithZeroLanesEqualsDirectConvolution) {
  // C = 3 on SIMD 8: five zero lanes per (ky, kx); 5 x 4 map, 20 output pixels.
  const engine::ConvShape s{5, 4, 3, 3, 1, 1};
  PointSpec spec;
  spec.pe = 4;
  const engine::EngineConfig p = engine::conv_point(s, 6, make_point(spec));
  ASSERT_EQ(p.in_features, 72);  // 3 x 3 x Cp, Cp = 8
  const env::ConvStimulus o = env::make_conv_operands(s, p, 11);
  // 27 products of |8-bit x 8-bit| <= 2^14 cannot reach the 24-bit accumulator's 2^23.
  const auto expected = direct_conv(s, p, o);
  ASSERT_EQ(expected.size(), 20u * 6u);
  expect_runs(env::run_conv_layer(p, o, Backends::BOTH), expected);
}

TEST(ConvLayer, Khot5x5Stride2WithBnEqualsConvReference) {
  const engine::ConvShape s{7, 6, 8, 5, 2, 2};  // 4 x 3 outputs, C = SIMD
  PointSpec spec;
  spec.pe_family = PeFamily::KHOT2;
  spec.bn_family = BnFamily::RELU;
  spec.pe = 3;
  const engine::EngineConfig p = engine::conv_point(s, 5, make_point(spec));
  const env::ConvStimulus o = env::make_conv_operands(s, p, 5, 2);  // two images
  const engine::LayerReference ref =
      engine::compute_conv_reference(engine::elaborate(p), s, o.view());
  ASSERT_EQ(ref.output.size(), 2u * 4u * 3u * 5u);
  EXPECT_GT(ref.coverage.activation.overflows, 0u);  // relu clamped some outputs
  expect_runs(env::run_conv_layer(p, o, Backends::BOTH), ref.output);
}

TEST(ConvLayer, OneByOneConvolutionIsTheDenseEngineOnEachPixel) {
  const engine::ConvShape s{3, 4, 13, 1, 1, 0};  // C = 13 on SIMD 4: Cp = 16
  PointSpec spec;
  spec.pe_family = PeFamily::MAC4;
  spec.bn_family = BnFamily::TANH;
  spec.pe = 2;
  const engine::EngineConfig conv = engine::conv_point(s, 7, make_point(spec));
  const env::ConvStimulus o = env::make_conv_operands(s, conv, 3);

  // Today's dense engine on the 12 pixels as a batch of 16-element vectors (13 channels and three
  // zero lanes), the same weights and BN parameters.
  engine::EngineConfig dense = conv;
  dense.batch = 12;
  engine::Stimulus pixels = o.stimulus;
  pixels.input.clear();
  for (int px = 0; px < 12; ++px) {
    for (int c = 0; c < 16; ++c) pixels.input.push_back(c < 13 ? o.maps[px * 13 + c] : 0);
  }
  env::RunOptions options;
  options.stimulus = &pixels;
  const env::RunSummary d = env::run_point(dense, Backends::BOTH, options);
  ASSERT_TRUE(d.passed());
  const env::RunSummary c = env::run_conv_layer(conv, o, Backends::BOTH);
  ASSERT_TRUE(c.passed());
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(c.runs[i].output, d.runs[i].output);
    EXPECT_EQ(c.runs[i].cycles, d.runs[i].cycles);
  }
}

TEST(ConvLayer, KernelLargerThanThePaddedMapIsRejectedNamingK) {
  PointSpec spec;
  try {
    (void)engine::conv_point(engine::ConvShape{4, 4, 2, 7, 1, 1}, 2, make_point(spec));
    FAIL() << "K = 7 on a 4 x 4 map with P = 1 accepted";
  } catch (const units::UnitParamError& e) {
    EXPECT_NE(std::string(e.what()).find("K = 7"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("min(H, W) + 2P = 6"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace fxsim::engine_test
