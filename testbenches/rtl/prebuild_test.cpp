// Builds (or finds in the cache) every Verilated unit the rtl suites use, once, before them
// (ctest fixture rtl_suite_variants): without it two suites running at once would build the
// same unit twice. Each is the unit (or the requant grid) at its parameters.
#include <gtest/gtest.h>

#include "testbenches/rtl/port_dut.hpp"
#include "testbenches/rtl/rtl_variants.hpp"

namespace {

TEST(Prebuild, RtlVariants) {
  for (const fxsim::rtl_variants::Variant& v : fxsim::rtl_variants::all()) {
    fxsim::rtl_test::Dut dut(
        v.unit, v.overrides,
        v.requant_grid ? std::optional(fxsim::rtl_test::requant_grid_wrapper()) : std::nullopt);
    EXPECT_EQ(dut.variant().unit, v.unit) << v.name;
    EXPECT_EQ(dut.has("din"), v.requant_grid) << v.name;
  }
}

}  // namespace
