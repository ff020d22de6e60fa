// The sliding window's cost formula (models/units/sliding_window) against real yosys 0.23
// synth_xilinx xc7 on ten variants (both line-buffer kinds: LUT RAM in one and several banks,
// RAMB18 and RAMB36): block RAMs and LUT-RAM sites exact, no DSP, FFs within 5%, LUTs within
// 25%. Every variant synthesizes into a fresh temporary cache (ctest label yosys). Run with
// --markdown to print the table of docs/rtl_units.md.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "models/units/sliding_window/sliding_window.hpp"
#include "models/units/unit_registry.hpp"
#include "synth/synthesize.hpp"
#include "testbenches/models/units/unit_cost_suite.hpp"

namespace {

namespace units = fxsim::units;
namespace synth = fxsim::synth;

struct Variant {
  const char* name;
  units::ParamMap params;
};

units::ParamMap make(int in_w, int simd, int c, int h, int w, int k, int stride, int pad) {
  return {{"IN_W", in_w}, {"SIMD", simd}, {"C", c},           {"H", h},
          {"W", w},       {"K", k},       {"STRIDE", stride}, {"PAD", pad}};
}

// a .. n calibrated the LUT / CARRY fit, o and p were not used by it.
const std::vector<Variant>& variants() {
  static const std::vector<Variant> v = {
      {"a_lutram_36x16", make(8, 2, 3, 6, 6, 3, 1, 1)},
      {"b_bram18_192x32", make(8, 4, 16, 16, 16, 3, 1, 1)},
      {"c_bram36_768x64", make(8, 8, 64, 32, 32, 3, 1, 1)},
      {"f_bram36_96x64", make(8, 8, 16, 16, 16, 3, 2, 1)},
      {"h_lutram2_98x16_k7", make(8, 2, 4, 9, 7, 7, 2, 3)},
      {"j_lutram3_192x8", make(8, 1, 8, 12, 8, 3, 1, 1)},
      {"k_bram18_100x32", make(8, 4, 8, 10, 10, 5, 2, 2)},
      {"n_bram18_224x16_k7", make(1, 16, 16, 32, 32, 7, 1, 3)},
      {"o_bram18_108x32", make(8, 4, 12, 12, 12, 3, 2, 1)},
      {"p_lutram2_100x8", make(4, 2, 4, 8, 10, 5, 1, 2)},
  };
  return v;
}

// The cache this process synthesizes into: $FXSIM_TEST_CACHE_DIR when set (to keep the yosys
// results between runs), else a fresh directory removed at exit.
class TempCache {
 public:
  static const std::filesystem::path& dir() {
    static TempCache cache;
    return cache.dir_;
  }
  ~TempCache() {
    std::error_code ec;
    if (owned_) std::filesystem::remove_all(dir_, ec);
  }

 private:
  TempCache() {
    if (const char* d = std::getenv("FXSIM_TEST_CACHE_DIR"); d != nullptr && *d != '\0') {
      dir_ = d;
      owned_ = false;
      return;
    }
    std::string pattern =
        (std::filesystem::temp_directory_path() / "fxsim-swg-costs-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
  }
  std::filesystem::path dir_;
  bool owned_ = true;
};

synth::SynthResult synthesize(const Variant& v) {
  synth::SynthRequest request{"sliding_window", v.params, fxsim::resources::Family::xc7, true};
  synth::SynthOptions options;
  options.cache_dir = TempCache::dir();
  return synth::synthesize(request, options);
}

double percent(int model, int yosys) { return 100.0 * (model - yosys) / yosys; }

// gtest prints a parameter in test listings: the variant's name rather than its bytes.
void PrintTo(const Variant& v, std::ostream* os) { *os << v.name; }

class SlidingWindowCost : public ::testing::TestWithParam<Variant> {};

TEST_P(SlidingWindowCost, MemoryExactFfWithin5LutWithin25Percent) {
  const Variant& v = GetParam();
  const synth::SynthResult y = synthesize(v);
  const units::UnitSpec& unit = units::find_unit("sliding_window");
  const units::ParamMap p = units::resolve_params(unit, v.params);
  const fxsim::resources::ResourceEstimate m = units::estimate(unit, p, y.family, true);
  const units::SlidingWindowConfig c = units::SlidingWindowConfig::from(p);
  const units::LineBufferCost mem = units::line_buffer_cost(c.beat_width(), c.depth());
  EXPECT_EQ(y.counts.dsp(), 0);
  EXPECT_EQ(m.dsp, 0);
  EXPECT_EQ(mem.bram18, y.counts.bram18);
  EXPECT_EQ(mem.bram36, y.counts.bram36);
  EXPECT_EQ(m.bram18, y.counts.bram18);
  EXPECT_EQ(m.bram36, y.counts.bram36);
  EXPECT_EQ(m.lutram, y.counts.lutram);
  EXPECT_EQ(mem.lutram_luts, y.counts.lutram);
  EXPECT_LE(std::abs(percent(m.ff, y.counts.ff)), 5.0)
      << "model " << m.ff << " FFs, yosys " << y.counts.ff;
  EXPECT_LE(std::abs(percent(m.lut, y.luts())), 25.0)
      << "model " << m.lut << " LUTs, yosys " << y.luts();
}

INSTANTIATE_TEST_SUITE_P(Variants, SlidingWindowCost, ::testing::ValuesIn(variants()),
                         [](const ::testing::TestParamInfo<Variant>& info) {
                           return std::string(info.param.name);
                         });

void print_table() {
  fmt::print(
      "| variant | words x bits | yosys memory | model memory | yosys LUT | model LUT | LUT error "
      "| "
      "yosys FF | model FF | FF error |\n"
      "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  for (const Variant& v : variants()) {
    const synth::SynthResult y = synthesize(v);
    const units::UnitSpec& unit = units::find_unit("sliding_window");
    const units::ParamMap p = units::resolve_params(unit, v.params);
    const fxsim::resources::ResourceEstimate m = units::estimate(unit, p, y.family, true);
    const units::SlidingWindowConfig c = units::SlidingWindowConfig::from(p);
    const units::LineBufferCost mem = units::line_buffer_cost(c.beat_width(), c.depth());
    auto memory = [](int lutram, int b18, int b36) {
      return lutram ? fmt::format("{} LUTRAM", lutram)
             : b18  ? fmt::format("{} RAMB18", b18)
                    : fmt::format("{} RAMB36", b36);
    };
    fmt::print("| {} | {} x {} | {} | {} | {} | {} | {:+.1f}% | {} | {} | {:+.1f}% |\n", v.name,
               c.depth(), c.beat_width(), memory(y.counts.lutram, y.counts.bram18, y.counts.bram36),
               memory(mem.lutram_luts, mem.bram18, mem.bram36), y.luts(), m.lut,
               percent(m.lut, y.luts()), y.counts.ff, m.ff, percent(m.ff, y.counts.ff));
  }
}

}  // namespace

int main(int argc, char** argv) { return fxsim::unit_cost_suite::run(argc, argv, print_table); }
