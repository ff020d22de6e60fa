// The data of one beat on an sc_signal of the streaming models: a vector of 64-bit integers (the
// lanes' raw values for a unit that computes on lanes, the WIDTH-bit word in 64-bit chunks, least
// significant first, for one that only moves it), with what sc_signal needs of a value type.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <systemc>
#include <vector>

namespace fxsim::streaming {

struct StreamData {
  std::vector<std::int64_t> values;
  bool operator==(const StreamData& o) const { return values == o.values; }
  bool operator!=(const StreamData& o) const { return !(*this == o); }
};

std::ostream& operator<<(std::ostream& os, const StreamData& d);

// Traces each value as <name>_<i> (sc_signal<StreamData> needs an sc_trace).
void sc_trace(sc_core::sc_trace_file* tf, const StreamData& d, const std::string& name);

// The ports every streaming unit's sc_module has, named like the RTL's. A unit module derives
// from sc_core::sc_module first and then from this, so the ports are constructed inside the
// module (and belong to it) and are bound as module.clk(...), module.in_data(...).
struct StreamPorts {
  sc_core::sc_in<bool> clk, rst_n;
  sc_core::sc_in<bool> in_valid;
  sc_core::sc_out<bool> in_ready;
  sc_core::sc_in<StreamData> in_data;
  sc_core::sc_out<bool> out_valid;
  sc_core::sc_in<bool> out_ready;
  sc_core::sc_out<StreamData> out_data;
};

}  // namespace fxsim::streaming
