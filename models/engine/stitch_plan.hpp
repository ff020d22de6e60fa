// A stitched chain of streaming units as hardware structure (docs/rtl_units.md, "Stitched
// networks"): an ordered list of stages, each a unit of units::all_units() at resolved parameters
// under an instance name, stage i's out_data stream feeding stage i + 1's in_data. From it the
// SystemVerilog top that instantiates the stages and wires them (stitch_top.hpp), which
// tlm/rtl/verilated builds on demand like any unit. Plain C++: no SystemC, no Verilator.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "models/units/unit_registry.hpp"

namespace fxsim::engine {

// A chain that cannot be stitched: an unknown or non-streaming unit, a bad instance name, two
// adjacent streams of different widths. what() names the stage(s) and, for widths, both widths.
struct StitchError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct StitchStage {
  std::string instance;    // the instance name in the top (a lower-case identifier)
  std::string unit;        // a streaming unit of units::all_units()
  units::ParamMap params;  // resolved (make_stitch_plan resolves the overrides it is given)
};

struct StitchPlan {
  std::vector<StitchStage> stages;  // in stream order, at least one
  // Observation (mismatch localisation, docs/network.md): every stream between two stages also
  // leaves the top as output ports tap_<instance>_valid / _ready / _data (<instance> the stage
  // that drives it). A different text, so a different module name and cache entry.
  bool taps = false;

  int in_width() const;   // in_data of the first stage
  int out_width() const;  // out_data of the last stage
  // The units the chain uses, each once, in the order of their first stage.
  std::vector<std::string> units() const;
};

// Resolves each stage's parameters (units::resolve_params: UnitParamError names the parameter)
// and checks the chain: at least one stage, every unit a streaming one (UnitSpec::in_data_width),
// instance names unique lower-case identifiers, and out_data of stage i exactly as wide as in_data
// of stage i + 1. Throws StitchError otherwise.
StitchPlan make_stitch_plan(std::vector<StitchStage> stages);

}  // namespace fxsim::engine
