// What the SystemC comparisons of fx's casts share (cast_vs_systemc_test.cpp: the oracle, small
// formats exhaustively, edges and non-finite inputs; cast_large_vs_systemc_test.cpp: large
// formats): the saturation-bit counts to try, CastFlags comparison and printing, and the overflow
// x signedness parameters of the mode-parameterized suites with their test-name suffixes.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "fx/cast.hpp"
#include "fx/fx_type.hpp"

namespace fxtest {

// N values to try for a width: 0..3 and two at or beyond W.
inline std::vector<int> sat_bits_for(int w) {
  std::vector<int> ns = {0, 1, 2, 3, w, w + 2};
  std::sort(ns.begin(), ns.end());
  ns.erase(std::unique(ns.begin(), ns.end()), ns.end());
  return ns;
}

inline std::string flags_str(const fxsim::fx::CastFlags& f) {
  return std::string("{inexact=") + (f.inexact ? "1" : "0") + " tie=" + (f.tie ? "1" : "0") +
         " overflow=" + (f.overflow ? "1" : "0") + "}";
}

inline bool same_flags(const fxsim::fx::CastFlags& a, const fxsim::fx::CastFlags& b) {
  return a.inexact == b.inexact && a.tie == b.tie && a.overflow == b.overflow;
}

using ModeParam = std::tuple<fxsim::fx::Overflow, bool>;  // overflow mode, target signedness

inline std::string mode_param_name(const ::testing::TestParamInfo<ModeParam>& info) {
  return std::string(fxsim::fx::to_string(std::get<0>(info.param))) +
         (std::get<1>(info.param) ? "_signed" : "_unsigned");
}

// Every overflow mode x target signedness, except unsigned WRAP_SM (invalid,
// see ScOracle.UnsignedWrapSmIsUndefinedInSystemC).
inline const ModeParam kModeParams[] = {
    {fxsim::fx::Overflow::SAT, true},      {fxsim::fx::Overflow::SAT, false},
    {fxsim::fx::Overflow::SAT_ZERO, true}, {fxsim::fx::Overflow::SAT_ZERO, false},
    {fxsim::fx::Overflow::SAT_SYM, true},  {fxsim::fx::Overflow::SAT_SYM, false},
    {fxsim::fx::Overflow::WRAP, true},     {fxsim::fx::Overflow::WRAP, false},
    {fxsim::fx::Overflow::WRAP_SM, true}};

}  // namespace fxtest
