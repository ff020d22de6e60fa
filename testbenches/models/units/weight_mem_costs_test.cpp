// weight_mem's cost (models/units/weight_mem: PE x memory_cost + the fold counter) against real
// yosys 0.23 synth_xilinx on variants spanning every memory kind: registers (asked for, and kept
// by AUTO below memory_libmap's threshold), LUT RAM (RAM32M, RAM64M, several address blocks,
// forced), RAMB18, RAMB36 (TDP 36 wide, SDP 72 wide), several block RAMs (width split and the
// CASCADE pair) on xc7, and LUT RAM / block RAM on xcup. Block RAM, LUT RAM primitives (per cell
// type) and DSPs must be exact, FFs exact, logic LUTs within 25%. The yosys results are cached in
// the build tree (FXSIM_WEIGHT_MEM_SYNTH_CACHE), so only the first run synthesizes.
// Run with --markdown to print the table of docs/resources.md.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "models/resources/memory.hpp"
#include "models/units/unit_registry.hpp"
#include "models/units/weight_mem/weight_mem.hpp"
#include "synth/synthesize.hpp"
#include "testbenches/models/units/unit_cost_suite.hpp"

#ifndef FXSIM_WEIGHT_MEM_SYNTH_CACHE
#error "FXSIM_WEIGHT_MEM_SYNTH_CACHE must be defined (the yosys result cache of this suite)"
#endif

namespace {

namespace units = fxsim::units;
namespace resources = fxsim::resources;
using resources::Family;

struct WmVariant {
  std::string name;
  units::ParamMap overrides;
  Family family = Family::xc7;
};

void PrintTo(const WmVariant& v, std::ostream* os) { *os << v.name; }

const std::vector<WmVariant>& variants() {
  static const std::vector<WmVariant> list = {
      {"RegistersAsked", {{"PE", 2}, {"SIMD", 2}, {"WORD_W", 4}, {"DEPTH", 8}, {"STYLE", 1}}},
      {"RegistersByCost", {{"PE", 2}, {"SIMD", 1}, {"WORD_W", 2}, {"DEPTH", 2}, {"STYLE", 0}}},
      {"LutramRam32m", {{"PE", 2}, {"SIMD", 4}, {"WORD_W", 4}, {"DEPTH", 32}, {"STYLE", 0}}},
      {"LutramRam64m", {{"PE", 1}, {"SIMD", 2}, {"WORD_W", 4}, {"DEPTH", 64}, {"STYLE", 0}}},
      {"LutramTwoBlocks", {{"PE", 1}, {"SIMD", 2}, {"WORD_W", 8}, {"DEPTH", 100}, {"STYLE", 0}}},
      {"LutramForced", {{"PE", 1}, {"SIMD", 1}, {"WORD_W", 8}, {"DEPTH", 1024}, {"STYLE", 2}}},
      {"Bram18", {{"PE", 1}, {"SIMD", 1}, {"WORD_W", 8}, {"DEPTH", 1024}, {"STYLE", 0}}},
      {"Bram18PerPe", {{"PE", 4}, {"SIMD", 2}, {"WORD_W", 9}, {"DEPTH", 512}, {"STYLE", 0}}},
      {"Bram18Forced", {{"PE", 2}, {"SIMD", 1}, {"WORD_W", 8}, {"DEPTH", 64}, {"STYLE", 3}}},
      {"Bram36", {{"PE", 1}, {"SIMD", 4}, {"WORD_W", 8}, {"DEPTH", 1024}, {"STYLE", 0}}},
      {"Bram36Sdp72", {{"PE", 1}, {"SIMD", 8}, {"WORD_W", 9}, {"DEPTH", 512}, {"STYLE", 0}}},
      {"Bram36TwoWide", {{"PE", 1}, {"SIMD", 2}, {"WORD_W", 8}, {"DEPTH", 4096}, {"STYLE", 3}}},
      {"Bram36Cascade", {{"PE", 1}, {"SIMD", 1}, {"WORD_W", 1}, {"DEPTH", 65536}, {"STYLE", 3}}},
      {"XcupLutram",
       {{"PE", 2}, {"SIMD", 4}, {"WORD_W", 4}, {"DEPTH", 32}, {"STYLE", 0}},
       Family::xcup},
      {"XcupBram18",
       {{"PE", 1}, {"SIMD", 2}, {"WORD_W", 8}, {"DEPTH", 256}, {"STYLE", 0}},
       Family::xcup},
      {"XcupBram36",
       {{"PE", 1}, {"SIMD", 4}, {"WORD_W", 8}, {"DEPTH", 1024}, {"STYLE", 0}},
       Family::xcup},
  };
  return list;
}

fxsim::synth::SynthResult synthesize(const WmVariant& v) {
  fxsim::synth::SynthRequest request{"weight_mem", v.overrides, v.family, true};
  fxsim::synth::SynthOptions options;
  options.cache_dir = FXSIM_WEIGHT_MEM_SYNTH_CACHE;
  return fxsim::synth::synthesize(request, options);
}

units::ParamMap resolved(const WmVariant& v) {
  return units::resolve_params(units::find_unit("weight_mem"), v.overrides);
}

resources::ResourceEstimate model(const WmVariant& v) {
  return units::estimate("weight_mem", resolved(v), v.family, true);
}

// The LUT RAM cells the model predicts (PE memories), by type.
std::map<std::string, int> model_ram_cells(const WmVariant& v) {
  const units::WeightMemConfig c = units::WeightMemConfig::from(resolved(v));
  std::map<std::string, int> cells;
  for (const auto& p : resources::map_memory(c.memory(), v.family).primitives) {
    cells[p.type] += c.pe * p.count;
  }
  return cells;
}

bool is_ram_cell(const std::string& type) {
  return type.rfind("RAM", 0) == 0;  // RAM32M, RAM64M8, RAM64X1D, RAMB18E1, RAMB36E2, ...
}

using fxsim::unit_cost_suite::error_percent;
using fxsim::unit_cost_suite::yosys_logic_luts;

class WeightMemVsYosys : public ::testing::TestWithParam<WmVariant> {};

TEST_P(WeightMemVsYosys, MemoryPrimitivesDspFfExactLutWithin25Percent) {
  const WmVariant& v = GetParam();
  const fxsim::synth::SynthResult y = synthesize(v);
  const resources::ResourceEstimate m = model(v);
  EXPECT_EQ(m.bram18, y.counts.bram18) << v.name;
  EXPECT_EQ(m.bram36, y.counts.bram36) << v.name;
  EXPECT_EQ(m.bram, y.counts.bram18 + y.counts.bram36) << v.name;
  EXPECT_EQ(m.lutram, y.counts.lutram) << v.name;
  std::map<std::string, int> yosys_cells;
  for (const auto& [type, n] : y.counts.cells) {
    if (is_ram_cell(type)) yosys_cells[type] = n;
  }
  EXPECT_EQ(model_ram_cells(v), yosys_cells) << v.name;
  EXPECT_EQ(m.dsp, y.counts.dsp()) << v.name;
  EXPECT_EQ(m.ff, y.counts.ff) << v.name;
  EXPECT_LE(std::abs(error_percent(m.lut, yosys_logic_luts(y))), 25.0)
      << v.name << ": model " << m.lut << " LUTs, yosys " << yosys_logic_luts(y);
}

INSTANTIATE_TEST_SUITE_P(WeightMem, WeightMemVsYosys, ::testing::ValuesIn(variants()),
                         [](const ::testing::TestParamInfo<WmVariant>& info) {
                           return info.param.name;
                         });

std::string describe(const WmVariant& v) {
  const units::ParamMap p = resolved(v);
  return fmt::format("PE={} SIMD={} WORD_W={} DEPTH={} {}{}", p.at("PE"), p.at("SIMD"),
                     p.at("WORD_W"), p.at("DEPTH"),
                     resources::memory_style_names().at(static_cast<std::size_t>(p.at("STYLE"))),
                     v.family == Family::xcup ? " (xcup)" : "");
}

std::string cells_text(const std::map<std::string, int>& cells) {
  std::string s;
  for (const auto& [type, n] : cells) s += (s.empty() ? "" : ", ") + fmt::format("{} {}", n, type);
  return s.empty() ? "registers" : s;
}

void print_table() {
  fmt::print(
      "| variant | yosys memory cells | model memory cells | yosys LUT | model LUT | LUT error | "
      "yosys FF | model FF |\n| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
  for (const WmVariant& v : variants()) {
    const fxsim::synth::SynthResult y = synthesize(v);
    const resources::ResourceEstimate m = model(v);
    std::map<std::string, int> yosys_cells;
    for (const auto& [type, n] : y.counts.cells) {
      if (is_ram_cell(type)) yosys_cells[type] = n;
    }
    fmt::print("| {} | {} | {} | {} | {} | {:+.1f}% | {} | {} |\n", describe(v),
               cells_text(yosys_cells), cells_text(model_ram_cells(v)), yosys_logic_luts(y), m.lut,
               error_percent(m.lut, yosys_logic_luts(y)), y.counts.ff, m.ff);
  }
}

}  // namespace

int main(int argc, char** argv) { return fxsim::unit_cost_suite::run(argc, argv, print_table); }
