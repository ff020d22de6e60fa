// Builds (or finds in the cache) every Verilated unit the rtl suites use, once, before them
// (ctest fixture rtl_suite_variants): without it two suites running at once would build the
// same unit twice. Each is the unit (or the requant grid) at its parameters; then the stitched
// chains of stitch_chains.hpp.
#include <gtest/gtest.h>

#include "testbenches/rtl/port_dut.hpp"
#include "testbenches/rtl/requant_ap_vectors.hpp"
#include "testbenches/rtl/rtl_variants.hpp"
#include "testbenches/rtl/stitch_chains.hpp"
#include "tlm/rtl/stitched_driver.hpp"

namespace {

std::optional<fxsim::verilated::TopWrapper> wrapper(fxsim::rtl_variants::Top top) {
  switch (top) {
    case fxsim::rtl_variants::Top::REQUANT_GRID:
      return fxsim::rtl_test::requant_grid_wrapper();
    case fxsim::rtl_variants::Top::AP_VECTORS:
      return fxsim::rtl_test::ap_vectors_top().wrapper;
    case fxsim::rtl_variants::Top::UNIT:
      break;
  }
  return std::nullopt;
}

TEST(Prebuild, RtlVariants) {
  for (const fxsim::rtl_variants::Variant& v : fxsim::rtl_variants::all()) {
    fxsim::rtl_test::Dut dut(v.unit, v.overrides, wrapper(v.top));
    EXPECT_EQ(dut.variant().unit, v.unit) << v.name;
    EXPECT_EQ(dut.has("din"), v.top != fxsim::rtl_variants::Top::UNIT) << v.name;
  }
}

// The stitched chains of stitch_test.cpp: each generated top with its units' RTL.
TEST(Prebuild, StitchedChains) {
  for (const fxsim::stitch_chains::Chain& c : fxsim::stitch_chains::all()) {
    const fxsim::tlm_rtl::StitchedDriver driver(fxsim::engine::make_stitch_plan(c.stages));
    EXPECT_EQ(driver.variant().unit, driver.top().name) << c.name;
  }
}

}  // namespace
