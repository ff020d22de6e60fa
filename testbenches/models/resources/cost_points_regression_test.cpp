// The held-out data file is what yosys gives today (label regression, not in make test: about
// five minutes of yosys): every unit instance of every held-out point is synthesized again into a
// fresh temporary cache and its LUT, FF, CARRY, DSP and BRAM counts must equal the stored ones.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "synth/synthesize.hpp"
#include "testbenches/models/resources/cost_points.hpp"

namespace fxsim::resources_test {
namespace {

TEST(CostPointsYosys, HeldOutDataIsWhatYosysGivesToday) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "fxsim-cost-points-XXXXXX").string();
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  synth::SynthOptions options;
  options.cache_dir = pattern;
  for (const CostPoint& p : load_cost_points("cost_points_heldout.csv")) {
    for (const MeasuredUnit& u : p.units) {
      const synth::SynthResult y =
          synth::synthesize({u.unit, u.params, p.family, p.use_dsp}, options);
      const std::string what = fmt::format("{}: {}", p.label(), u.unit);
      EXPECT_EQ(y.luts(), u.yosys.lut) << what;
      EXPECT_EQ(y.counts.ff, u.yosys.ff) << what;
      EXPECT_EQ(y.counts.carry(), u.yosys.carry) << what;
      EXPECT_EQ(y.counts.dsp(), u.yosys.dsp) << what;
      EXPECT_EQ(y.counts.bram18 + y.counts.bram36, u.yosys.bram) << what;
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(pattern, ec);
}

}  // namespace
}  // namespace fxsim::resources_test
