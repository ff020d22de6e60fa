// The yosys output readers of synth/yosys_stat.hpp on real yosys 0.23 output captured into
// data/ (fx_requant IN 16.8 -> OUT 8.4, RND_CONV, SAT on xc7; see data/README.md).
#include <gtest/gtest.h>

#include <string>

#include "models/resources/estimate.hpp"
#include "synth/yosys_stat.hpp"
#include "util/files.hpp"

namespace fxsim::synth {
namespace {

std::string data_file(const std::string& name) {
  const std::optional<std::string> text =
      fxsim::util::read_file(std::string(FXSIM_RESOURCES_TEST_DATA) + "/" + name);
  if (!text) ADD_FAILURE() << "missing test data " << name;
  return text.value_or("");
}

TEST(StatParser, GroupsRealYosysStatJson) {
  const ResourceCounts c = parse_stat_json(data_file("fx_requant_xc7_stat.json"), "fx_requant");
  EXPECT_EQ(c.lut_by_size[0], 0);
  EXPECT_EQ(c.lut_by_size[1], 1);
  EXPECT_EQ(c.lut_by_size[2], 8);
  EXPECT_EQ(c.lut_by_size[3], 4);
  EXPECT_EQ(c.lut_by_size[4], 4);
  EXPECT_EQ(c.lut_by_size[5], 10);
  EXPECT_EQ(c.logic_luts(), 27);
  EXPECT_EQ(c.luts(), 27);
  EXPECT_EQ(c.carry4, 8);
  EXPECT_EQ(c.carry8, 0);
  EXPECT_EQ(c.ff, 0);
  EXPECT_EQ(c.dsp(), 0);
  EXPECT_EQ(c.cells.size(), 6u);
  EXPECT_EQ(fxsim::resources::lut_equivalent(c.luts(), c.dsp()), 27);
}

TEST(StatParser, ReadsTheModuleWhenThereIsNoDesignSection) {
  const std::string json = R"({"modules": {"\\top": {"num_cells": 5, "num_cells_by_type":
      {"LUT6": 2, "FDRE": 1, "DSP48E2": 1, "CARRY8": 1}}}})";
  const ResourceCounts c = parse_stat_json(json, "top");
  EXPECT_EQ(c.lut_by_size[5], 2);
  EXPECT_EQ(c.ff, 1);
  EXPECT_EQ(c.dsp48e2, 1);
  EXPECT_EQ(c.carry8, 1);
  EXPECT_EQ(fxsim::resources::lut_equivalent(c.luts(), c.dsp()), 2 + 55);
}

TEST(StatParser, GroupsEveryKindOfCell) {
  const ResourceCounts c = group_cells({{"LUT1", 1},
                                        {"INV", 2},
                                        {"SRLC32E", 3},
                                        {"RAM32M", 1},
                                        {"FDSE", 4},
                                        {"FDCE", 1},
                                        {"RAMB18E1", 2},
                                        {"RAMB36E2", 1},
                                        {"MUXF7", 5},
                                        {"MUXF8", 1},
                                        {"BUFG", 1}});
  EXPECT_EQ(c.logic_luts(), 3);    // LUT1 + INV
  EXPECT_EQ(c.luts(), 3 + 3 + 4);  // + SRLs + RAM32M (4 LUTs)
  EXPECT_EQ(c.ff, 5);
  EXPECT_EQ(c.bram18, 2);
  EXPECT_EQ(c.bram36, 1);
  EXPECT_EQ(c.muxf, 6);
}

TEST(StatParser, RejectsMalformedStatJson) {
  EXPECT_THROW(parse_stat_json("{ not json", "top"), StatParseError);
  EXPECT_THROW(parse_stat_json(R"({"modules": {}})", "top"), StatParseError);
  EXPECT_THROW(parse_stat_json(R"({"design": {"num_cells": 3}})", "top"), StatParseError);
  EXPECT_THROW(parse_stat_json(R"({"design": {"num_cells_by_type": {"LUT2": -1}}})", "top"),
               StatParseError);
}

TEST(LtpParser, ReadsTheLengthOfRealYosysOutput) {
  EXPECT_EQ(parse_ltp_length(data_file("fx_requant_xc7_ltp.txt")), 10);
}

TEST(LtpParser, NoPathMeansUnavailable) {
  EXPECT_EQ(parse_ltp_length("6. Executing LTP pass (find longest path).\n"), std::nullopt);
  EXPECT_THROW(parse_ltp_length("Longest topological path in m (length=x):\n"), StatParseError);
}

}  // namespace
}  // namespace fxsim::synth
