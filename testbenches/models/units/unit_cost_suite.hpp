// What the suites that check one unit's cost formula against real yosys share
// (mvau_costs_test, int_requant_costs_test, weight_mem_costs_test, sliding_window_costs_test):
// a named variant of the unit's parameters, its synthesis into the suite's result cache, its
// analytical estimate, the LUT error rule, and a main() that prints the suite's markdown table
// with --markdown instead of running the tests.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <ostream>
#include <string>

#include "models/resources/estimate.hpp"
#include "models/resources/family.hpp"
#include "models/units/unit_registry.hpp"
#include "synth/synthesize.hpp"

namespace fxsim::unit_cost_suite {

struct CostVariant {
  std::string name;  // a valid gtest name
  units::ParamMap overrides;
  bool use_dsp = true;
};
inline void PrintTo(const CostVariant& v, std::ostream* os) { *os << v.name; }

inline synth::SynthResult synthesize(const std::string& unit, const CostVariant& v,
                                     const std::string& cache_dir,
                                     resources::Family family = resources::Family::xc7) {
  synth::SynthOptions options;
  options.cache_dir = cache_dir;
  return synth::synthesize({unit, v.overrides, family, v.use_dsp}, options);
}

inline resources::ResourceEstimate model(const std::string& unit, const CostVariant& v,
                                         resources::Family family = resources::Family::xc7) {
  return units::estimate(unit, units::resolve_params(units::find_unit(unit), v.overrides), family,
                         v.use_dsp);
}

// (model - yosys) / yosys in percent; 0 when both are 0, 100 when only yosys is.
inline double error_percent(int model, int yosys) {
  return yosys == 0 ? (model == 0 ? 0.0 : 100.0) : 100.0 * (model - yosys) / yosys;
}

// The LUTs the cost formulas count as logic: yosys's logic LUTs and shift-register LUTs.
inline int yosys_logic_luts(const synth::SynthResult& y) {
  return y.counts.logic_luts() + y.counts.srl;
}

// main() of a cost suite: `--markdown` prints the table (print_table) instead of the tests.
inline int run(int argc, char** argv, const std::function<void()>& print_table) {
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--markdown") {
      print_table();
      return 0;
    }
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}

}  // namespace fxsim::unit_cost_suite
