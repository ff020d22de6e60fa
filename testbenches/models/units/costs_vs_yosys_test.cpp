// The analytical model (models/resources/) against real yosys: every variant of variants.cpp is
// synthesized into a fresh temporary cache, and the model must give exactly yosys's DSP count and
// LUTs within 25%. Run with --markdown to print the tables of docs/resources.md instead.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <ostream>
#include <set>
#include <string>

#include "models/resources/estimate.hpp"
#include "models/units/unit_registry.hpp"
#include "synth/synthesize.hpp"
#include "testbenches/models/units/synth_variants.hpp"

namespace fxsim::resources_test {

// The cache this process synthesizes into: $FXSIM_TEST_CACHE_DIR when set (the --markdown run
// reuses the user's cache), else a fresh directory removed at exit.
class TestCache {
 public:
  static const std::filesystem::path& dir() {
    static TestCache cache;
    return cache.dir_;
  }
  ~TestCache() {
    if (owned_) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

 private:
  TestCache() {
    if (const char* d = std::getenv("FXSIM_TEST_CACHE_DIR"); d != nullptr && *d != '\0') {
      dir_ = d;
      return;
    }
    std::string pattern =
        (std::filesystem::temp_directory_path() / "fxsim-resources-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    owned_ = true;
  }
  std::filesystem::path dir_;
  bool owned_ = false;
};

synth::SynthResult synthesize(const Variant& v) {
  synth::SynthRequest request{v.unit, v.overrides, v.family, v.use_dsp};
  synth::SynthOptions options;
  options.cache_dir = TestCache::dir();
  return synth::synthesize(request, options);
}

resources::ResourceEstimate model(const Variant& v) {
  const units::UnitSpec& unit = units::find_unit(v.unit);
  return units::estimate(unit, units::resolve_params(unit, v.overrides), v.family, v.use_dsp);
}

double lut_error_percent(int model_lut, int yosys_lut) {
  return yosys_lut == 0 ? (model_lut == 0 ? 0.0 : 100.0)
                        : 100.0 * (model_lut - yosys_lut) / yosys_lut;
}

// gtest prints a parameter in test listings: the variant's name rather than its bytes.
void PrintTo(const Variant& v, std::ostream* os) { *os << v.name; }

namespace {

class ModelVsYosys : public ::testing::TestWithParam<Variant> {};

TEST_P(ModelVsYosys, DspExactLutWithin25Percent) {
  const Variant& v = GetParam();
  const synth::SynthResult y = synthesize(v);
  const resources::ResourceEstimate m = model(v);
  EXPECT_EQ(m.dsp, y.counts.dsp()) << v.name;
  EXPECT_LE(std::abs(lut_error_percent(m.lut, y.luts())), 25.0)
      << v.name << ": model " << m.lut << " LUTs, yosys " << y.luts();
  EXPECT_EQ(m.lut_equivalent, m.lut + 55 * m.dsp);
  EXPECT_EQ(y.lut_equivalent(), y.luts() + 55 * y.counts.dsp());
  EXPECT_EQ(y.latency_cycles,
            v.unit == "fx_requant" ? 0 : static_cast<int>(units::param(y.params, "STAGES")));
}

std::vector<Variant> group(const std::string& name) {
  std::vector<Variant> out;
  for (const Variant& v : all_variants()) {
    if (v.group == name) out.push_back(v);
  }
  return out;
}

std::string variant_name(const ::testing::TestParamInfo<Variant>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(MacDsp, ModelVsYosys, ::testing::ValuesIn(group("MacDsp")), variant_name);
INSTANTIATE_TEST_SUITE_P(MacLut, ModelVsYosys, ::testing::ValuesIn(group("MacLut")), variant_name);
INSTANTIATE_TEST_SUITE_P(Khot, ModelVsYosys, ::testing::ValuesIn(group("Khot")), variant_name);
INSTANTIATE_TEST_SUITE_P(BnAct, ModelVsYosys, ::testing::ValuesIn(group("BnAct")), variant_name);
INSTANTIATE_TEST_SUITE_P(Requant, ModelVsYosys, ::testing::ValuesIn(group("Requant")),
                         variant_name);

TEST(VariantList, HasAtLeast24UniqueVariants) {
  EXPECT_GE(all_variants().size(), 24u);
  std::set<std::string> names;
  for (const Variant& v : all_variants()) EXPECT_TRUE(names.insert(v.name).second) << v.name;
}

// ---------------------------------------------------------------------------------------------
// --markdown: the tables of docs/resources.md.

std::string describe(const Variant& v) {
  const units::UnitSpec& unit = units::find_unit(v.unit);
  std::string changed;
  for (const auto& [name, value] : v.overrides) {
    changed += (changed.empty() ? "" : " ") + name + "=" + std::to_string(value);
  }
  (void)unit;
  return fmt::format("{} {}{}{}", v.unit, changed,
                     v.family == resources::Family::xcup ? " (xcup)" : "",
                     v.use_dsp ? "" : " --no-dsp");
}

void print_tradeoff() {
  fmt::print(
      "| design | LUT | FF | CARRY4 | DSP48E1 | LUT-equivalent | latency (cycles) |\n"
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  for (const Variant& v : tradeoff_variants()) {
    const synth::SynthResult y = synthesize(v);
    fmt::print("| {} | {} | {} | {} | {} | {} | {} |\n", describe(v), y.luts(), y.counts.ff,
               y.counts.carry(), y.counts.dsp(), y.lut_equivalent(), y.latency_cycles);
  }
}

void print_comparison() {
  fmt::print(
      "| variant | yosys LUT | model LUT | LUT error | yosys FF | model FF | yosys CARRY | "
      "model CARRY | yosys DSP | model DSP |\n"
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  double max_error = 0;
  for (const Variant& v : all_variants()) {
    const synth::SynthResult y = synthesize(v);
    const resources::ResourceEstimate m = model(v);
    const double err = lut_error_percent(m.lut, y.luts());
    max_error = std::max(max_error, std::abs(err));
    fmt::print("| {} | {} | {} | {:+.1f}% | {} | {} | {} | {} | {} | {} |\n", describe(v), y.luts(),
               m.lut, err, y.counts.ff, m.ff, y.counts.carry(), m.carry, y.counts.dsp(), m.dsp);
  }
  fmt::print("\n{} variants, largest LUT error {:.1f}%.\n", all_variants().size(), max_error);
}

}  // namespace
}  // namespace fxsim::resources_test

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--markdown") {
      fmt::print("### DSP versus LUT trade-off (yosys 0.23 synth_xilinx xc7 mapping)\n\n");
      fxsim::resources_test::print_tradeoff();
      fmt::print("\n### Model versus yosys\n\n");
      fxsim::resources_test::print_comparison();
      return 0;
    }
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
