// The unit variants synthesized by model_vs_yosys_test (and tabulated in docs/resources.md): each
// with real yosys, each compared with the analytical model of models/resources/. Widths are chosen
// so that the whole list synthesizes in about a minute on two cores.
#pragma once

#include <string>
#include <vector>

#include "models/resources/family.hpp"
#include "models/units/unit_registry.hpp"
#include "synth/synth_result.hpp"

namespace fxsim::resources_test {

struct Variant {
  std::string group;  // gtest instantiation: MacDsp, MacLut, Khot, BnAct, Requant
  std::string name;   // unique, a valid gtest name
  std::string unit;
  units::ParamMap overrides;
  resources::Family family = resources::Family::xc7;
  bool use_dsp = true;
};

const std::vector<Variant>& all_variants();

// Defined in costs_vs_yosys_test.cpp, shared with streaming_costs_test.cpp: `v` synthesized
// into the test's cache, the analytical model of `v`, and the model's LUT error in percent.
synth::SynthResult synthesize(const Variant& v);
resources::ResourceEstimate model(const Variant& v);
double lut_error_percent(int model_lut, int yosys_lut);

// The dot product of the DSP-versus-LUT trade-off table: SIMD=8 lanes of 8-bit activations, the
// default accumulator and output; fx_mac_pe with and without DSPs, khot_pe with K = 1, 2, 3.
const std::vector<Variant>& tradeoff_variants();

}  // namespace fxsim::resources_test
