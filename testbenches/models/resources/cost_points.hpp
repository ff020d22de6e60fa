// The calibration and held-out engine points of the cost model (docs/resources.md), read from
// testbenches/models/resources/data/cost_points_<set>.csv (written by
// scripts/cost_model_points.py): per point its design-point fields, and per unit instance the
// parameters `fxsim synth` got and yosys's counts.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "models/engine/elaboration.hpp"
#include "models/resources/estimate.hpp"
#include "models/resources/family.hpp"
#include "models/units/unit_registry.hpp"

namespace fxsim::resources_test {

struct MeasuredUnit {
  std::string unit;
  units::ParamMap params;             // as passed to yosys (--param NAME=VALUE)
  resources::ResourceEstimate yosys;  // lut, ff, carry, dsp, bram of one instance
};

struct CostPoint {
  int index = 0;
  std::map<std::string, std::string> fields;  // the CSV's point columns
  resources::Family family = resources::Family::xc7;
  bool use_dsp = true;
  std::vector<MeasuredUnit> units;  // in elaboration order: PE unit, then bn_act

  std::string point_file() const;  // the design-point TOML these fields describe
  std::string label() const;       // e.g. "spt<7,1,1> SIMD 12 PE 3, bn khot<6,2,2>, xcup"
};

// Reads a data file (path relative to FXSIM_COST_POINTS_DIR). Throws std::runtime_error on a
// malformed file.
std::vector<CostPoint> load_cost_points(const std::string& file_name);

// The engine cost as yosys measures it: every unit instance's counts times its instance count
// (the elaboration's PE), summed, exactly as engine::engine_cost sums the model.
resources::ResourceEstimate yosys_engine_cost(const CostPoint& p, const engine::Elaboration& e);

double lut_error_percent(int model_lut, int yosys_lut);
double median(std::vector<double> v);

}  // namespace fxsim::resources_test
