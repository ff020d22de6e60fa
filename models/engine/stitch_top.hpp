// The SystemVerilog top of a stitched chain (stitch_plan.hpp): one module with clk, rst_n, the
// first stage's input stream (in_valid / in_ready / in_data), the last stage's output stream
// (out_valid / out_ready / out_data) and every stage's extra ports as <instance>_<port>; inside,
// the stages instantiated with their parameters (#(.NAME(value))) and wired stream to stream.
// The text is a function of the plan alone (deterministic), lint-clean under verilator -Wall and
// read by yosys; tlm/rtl/verilated builds it on demand with the units' RTL.
#pragma once

#include <string>
#include <vector>

#include "models/engine/stitch_plan.hpp"

namespace fxsim::engine {

struct StitchedTop {
  std::string name;       // the module name
  std::string file_name;  // <name>.sv (Verilator wants a module in the file of its name)
  std::string text;
};

// `name` empty: "stitch_" and the first 16 hex digits of the SHA-256 of the text generated with
// an empty module name, so equal chains get equal names and different chains different ones.
// Throws StitchError when two of the top's names would collide (e.g. an instance "out" with an
// extra port "ready" against the top's out_ready) or `name` is not an identifier.
StitchedTop stitched_top(const StitchPlan& plan, const std::string& name = "");

// The top-level ports beyond the two streams, as the top declares them: <instance>_<port>, in
// stage order, each stage's in its unit's order.
std::vector<units::ExtraPort> stitched_extra_ports(const StitchPlan& plan);

}  // namespace fxsim::engine
