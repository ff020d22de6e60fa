// Grid expansion (counts, order, ids), seeded random sampling, RTL sampling, constraints.
#include "explore/design_points.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "explore/point_resources.hpp"
#include "testbenches/explore/sweep_test_util.hpp"

namespace fxsim::explore {
namespace {

SweepSpec small(const std::string& extra = "") {
  return parse_sweep(sweep_test::small_sweep_text(extra), "small.toml");
}

TEST(Grid, CountsAxesThatApply) {
  // fx_mac: 2 weights x 2 simd; khot: 2 weights x 2 k x 2 simd.
  const SweepSpec s = small();
  EXPECT_EQ(grid_size(s), 4u + 8u);
  EXPECT_EQ(expand_sweep(s).size(), 12u);
}

TEST(Grid, OrderIsAxisOrderWithTheLastFastest) {
  const auto points = expand_sweep(small());
  const std::vector<std::string> expected = {
      "fx_mac 6 0 4", "fx_mac 6 0 8", "fx_mac 8 0 4", "fx_mac 8 0 8", "khot 6 1 4", "khot 6 1 8",
      "khot 6 2 4",   "khot 6 2 8",   "khot 8 1 4",   "khot 8 1 8",   "khot 8 2 4", "khot 8 2 8"};
  ASSERT_EQ(points.size(), expected.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    const PointParams& p = points[i].params;
    EXPECT_EQ(points[i].id, static_cast<std::int64_t>(i));
    EXPECT_EQ(std::string(to_string(p.kind)) + " " + std::to_string(p.weight.width) + " " +
                  std::to_string(p.k) + " " + std::to_string(p.simd),
              expected[i]);
  }
  EXPECT_EQ(points[5].key,
            "kind=khot weight=fixed<6,1,TRN,WRAP,0> k=1 activation=fixed<8,1,TRN,SAT,0> "
            "accumulator=default output=fixed<8,3,RND_CONV,SAT,0> pe=4 simd=8 mac_stages=2 "
            "bn=none clock_ns=4 family=xc7");
  EXPECT_EQ(points[5].cfg().kind, engine::EngineKind::KHOT);
  EXPECT_EQ(fx::type_str(points[5].cfg().weight), "khot<6,1,1>");
  // The exact default accumulator: 8 + 6 bits of product, + ceil(log2(64)) = 20 bits.
  EXPECT_EQ(points[5].cfg().accumulator.width, 20);
}

TEST(Grid, RoundingAndOverflowAxesRewriteTheOutputType) {
  const SweepSpec s = parse_sweep(
      sweep_test::small_sweep_text() + "rounding = [\"TRN\", \"RND\"]\noverflow = [\"WRAP\"]\n",
      "s.toml");
  const auto points = expand_sweep(s);
  ASSERT_EQ(points.size(), 24u);
  EXPECT_EQ(points[0].cfg().output.str(), "fixed<8,3,TRN,WRAP,0>");
  EXPECT_EQ(points[2].cfg().output.str(), "fixed<8,3,RND,WRAP,0>");  // simd varies faster
}

// An ap_fixed output axis keeps its spelling through the rounding / overflow axes: the points'
// output types have ap_fixed semantics, their keys spell them, their units get AP = 1.
TEST(Grid, ApFixedOutputAxisKeepsItsSemantics) {
  std::string text = sweep_test::small_sweep_text("overflow = [\"WRAP\"]\n");
  const std::string from = "output = [\"fixed<8,3,RND_CONV,SAT>\"]";
  text.replace(text.find(from), from.size(),
               "output = [\"ap_ufixed<8,3,AP_RND_CONV,AP_SAT,2>\", \"fixed<8,3,RND_CONV,SAT,2>\"]");
  const auto points = expand_sweep(parse_sweep(text, "s.toml"));
  ASSERT_EQ(points.size(), 24u);
  EXPECT_EQ(points[0].cfg().output.str(), "ap_ufixed<8,3,AP_RND_CONV,AP_WRAP,2>");
  EXPECT_TRUE(points[0].cfg().output.ap_semantics());
  EXPECT_NE(points[0].key.find("output=ap_ufixed<8,3,AP_RND_CONV,AP_WRAP,2>"), std::string::npos);
  EXPECT_EQ(points[0].engines.front().pe.params.at("AP"), 1);
  EXPECT_EQ(points[2].cfg().output.str(), "fixed<8,3,RND_CONV,WRAP,2>");  // simd varies faster
  EXPECT_EQ(points[2].engines.front().pe.params.at("AP"), 0);
}

TEST(Sampling, RandomSampleIsSeededAndDeterministic) {
  const std::string grid = sweep_test::small_sweep_text();
  auto sample = [&](int seed) {
    std::string text = grid;
    text.replace(text.find("seed = 5"), 8,
                 "seed = " + std::to_string(seed) + "\nsampling = \"random\"\nsamples = 5");
    std::vector<std::string> keys;
    for (const DesignPoint& p : expand_sweep(parse_sweep(text, "r.toml"))) keys.push_back(p.key);
    return keys;
  };
  const auto a = sample(11), b = sample(11), c = sample(12);
  EXPECT_EQ(a.size(), 5u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  // A sample is a set of grid points, in grid order.
  const auto all = expand_sweep(small());
  std::vector<std::string> grid_keys;
  for (const auto& p : all) grid_keys.push_back(p.key);
  std::size_t last = 0;
  for (const auto& k : a) {
    const auto pos = static_cast<std::size_t>(std::find(grid_keys.begin(), grid_keys.end(), k) -
                                              grid_keys.begin());
    ASSERT_LT(pos, grid_keys.size());
    EXPECT_GE(pos, last);
    last = pos;
  }
  // More samples than grid points: the whole grid.
  std::string text = grid;
  text.replace(text.find("seed = 5"), 8, "seed = 5\nsampling = \"random\"\nsamples = 100");
  EXPECT_EQ(expand_sweep(parse_sweep(text, "r.toml")).size(), 12u);
}

TEST(Sampling, RtlSampleIsSeededAndHasTheRequestedSize) {
  std::string text = sweep_test::small_sweep_text();
  text.replace(text.find("seed = 5"), 8, "seed = 5\nrtl_check = 3");
  const SweepSpec s = parse_sweep(text, "r.toml");
  const std::vector<bool> a = rtl_selection(s, 12), b = rtl_selection(s, 12);
  EXPECT_EQ(a, b);
  EXPECT_EQ(std::count(a.begin(), a.end(), true), 3);
  text.replace(text.find("rtl_check = 3"), 13, "rtl_check = \"all\"");
  const std::vector<bool> all = rtl_selection(parse_sweep(text, "r.toml"), 12);
  EXPECT_EQ(std::count(all.begin(), all.end(), true), 12);
}

// The small sweep with a 2-bit weight: khot<2,1,2> asks for 2 of its 1 magnitude bit, so the
// khot points with that weight and k = 2 (ids 6, 7) are invalid.
std::string with_invalid_points(const std::string& extra = "") {
  std::string text = sweep_test::small_sweep_text(extra);
  const std::string from = "weight = [\"fixed<6,1>\"";
  text.replace(text.find(from), from.size(), "weight = [\"fixed<2,1>\"");
  return text;
}

TEST(InvalidPoints, KeepTheirIdsAndReasonAndAreNotElaborated) {
  const SweepSpec s = parse_sweep(with_invalid_points(), "inv.toml");
  const std::vector<DesignPoint> points = expand_sweep(s);
  ASSERT_EQ(points.size(), 12u);
  EXPECT_EQ(valid_points(points), 10u);
  for (const DesignPoint& p : points) {
    const bool invalid = p.id == 6 || p.id == 7;
    EXPECT_EQ(p.valid(), !invalid) << p.id;
    EXPECT_EQ(p.engines.empty(), invalid) << p.id;
    if (!invalid) continue;
    EXPECT_EQ(p.invalid,
              "axes.k: K = 2 is larger than the 1 magnitude bit of weight fixed<2,1,TRN,WRAP,0>");
    EXPECT_EQ(p.invalid_at.rfind("inv.toml:14:9: " + p.invalid + " (point " + p.key + ")", 0), 0u)
        << p.invalid_at;
    EXPECT_EQ(p.unchecked.size(), 1u);  // its configuration, for the row's parameter columns
  }
  // The grid's ids are the same whichever points are valid: the key at each id is the one of
  // the all-valid grid of the same shape.
  const auto valid_grid = expand_sweep(small());
  for (std::size_t i = 0; i < points.size(); ++i) {
    std::string key = valid_grid[i].key;
    const std::size_t w = key.find("fixed<6,1");
    if (w != std::string::npos) key.replace(w, 9, "fixed<2,1");
    EXPECT_EQ(points[i].key, key);
  }
  // --strict: the first invalid point's located error.
  ExpandOptions strict;
  strict.strict = true;
  try {
    expand_sweep(s, strict);
    FAIL() << "--strict accepted an invalid point";
  } catch (const SweepFileError& e) {
    EXPECT_EQ(std::string(e.what()), points[6].invalid_at);
  }
}

TEST(InvalidPoints, RandomSamplingStillDrawsTheRequestedValidPoints) {
  auto text = [](int seed, int samples) {
    std::string t = with_invalid_points();
    t.replace(t.find("seed = 5"), 8,
              "seed = " + std::to_string(seed) +
                  "\nsampling = \"random\"\nsamples = " + std::to_string(samples));
    return t;
  };
  bool met_invalid = false;
  for (int seed = 1; seed <= 20; ++seed) {
    const std::vector<DesignPoint> a = expand_sweep(parse_sweep(text(seed, 6), "r.toml"));
    const std::vector<DesignPoint> b = expand_sweep(parse_sweep(text(seed, 6), "r.toml"));
    EXPECT_EQ(valid_points(a), 6u) << seed;
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].id, static_cast<std::int64_t>(i));
      EXPECT_EQ(a[i].key, b[i].key);
    }
    met_invalid = met_invalid || a.size() > 6;
  }
  EXPECT_TRUE(met_invalid) << "no seed drew an invalid point: the test tests nothing";
  // A grid without invalid points gives the sample of the first `samples` draws, as before
  // invalid points were pruned: the seeded partial Fisher-Yates, written out here.
  std::string valid = sweep_test::small_sweep_text();
  valid.replace(valid.find("seed = 5"), 8, "seed = 9\nsampling = \"random\"\nsamples = 5");
  const std::vector<DesignPoint> grid = expand_sweep(small());
  std::mt19937_64 rng(9 ^ 0x53414D504C455321ull);
  std::vector<std::size_t> order(grid.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (std::size_t i = 0; i < 5; ++i) {
    std::swap(order[i], order[i + static_cast<std::size_t>(rng() % (order.size() - i))]);
  }
  order.resize(5);
  std::sort(order.begin(), order.end());
  const std::vector<DesignPoint> sample = expand_sweep(parse_sweep(valid, "v.toml"));
  ASSERT_EQ(sample.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(sample[i].key, grid[order[i]].key);
  // More valid points asked for than the grid has: the whole grid (10 valid + 2 invalid).
  const std::vector<DesignPoint> all = expand_sweep(parse_sweep(text(3, 11), "r.toml"));
  EXPECT_EQ(all.size(), 12u);
  EXPECT_EQ(valid_points(all), 10u);
}

TEST(InvalidPoints, RtlSampleIsDrawnAmongTheValidPoints) {
  std::string text = with_invalid_points();
  text.replace(text.find("seed = 5"), 8, "seed = 5\nrtl_check = 10");
  const SweepSpec s = parse_sweep(text, "r.toml");
  const std::vector<DesignPoint> points = expand_sweep(s);
  const std::vector<bool> rtl = rtl_selection(s, points);
  EXPECT_EQ(std::count(rtl.begin(), rtl.end(), true), 10);
  EXPECT_FALSE(rtl[6]);
  EXPECT_FALSE(rtl[7]);
  // Every point valid: the same selection as the plain overload.
  std::string valid = sweep_test::small_sweep_text();
  valid.replace(valid.find("seed = 5"), 8, "seed = 5\nrtl_check = 4");
  const SweepSpec v = parse_sweep(valid, "v.toml");
  EXPECT_EQ(rtl_selection(v, expand_sweep(v)), rtl_selection(v, 12));
}

TEST(Constraints, PruneOnTheAnalyticalMetrics) {
  const SweepSpec s = small("[constraints]\nrequire = [\"simd <= 4\", \"cycles < 70\"]\n");
  const auto points = expand_sweep(s);
  // cycles = batch x NF x SF + MAC_STAGES + 1 = 2 x 4 x (64 / simd) + 3: 131 (simd 4), 67 (8).
  for (const DesignPoint& p : points) {
    const auto v = violated_constraint(s, p, estimate_engine(p));
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(*v, p.params.simd == 4 ? "cycles < 70" : "simd <= 4");
  }
  const SweepSpec none = small("[constraints]\nrequire = [\"pe == 4\"]\n");
  for (const DesignPoint& p : expand_sweep(none)) {
    EXPECT_FALSE(violated_constraint(none, p, estimate_engine(p)).has_value());
  }
}

TEST(Resources, EngineIsPeTimesTheUnits) {
  const auto points = expand_sweep(small());
  const DesignPoint& p = points[0];
  const engine::UnitInstance& pe = p.engines.front().pe;
  EXPECT_EQ(pe.count, 4);
  const auto unit = units::estimate(*pe.unit, pe.params, resources::Family::xc7, true);
  const auto e = estimate_engine(p);
  EXPECT_EQ(e.lut, 4 * unit.lut);
  EXPECT_EQ(e.dsp, 4 * unit.dsp);
  EXPECT_EQ(e.lut_equivalent, e.lut + 55 * e.dsp);
  EXPECT_EQ(e.dsp, 16);  // 8-bit x 6-bit lanes: one DSP48E1 each, 4 lanes x 4 PEs
}

}  // namespace
}  // namespace fxsim::explore
