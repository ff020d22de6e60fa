// The CSV transaction trace of one design point (traces/README.md, "Transaction trace"): the
// engine's transaction-level trace signals (tlm/trace_signals.hpp) as the model backend writes
// them into a VCD, turned into one row per event: time_ns,unit,event,values.
#pragma once

#include <istream>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace fxsim::traces {

struct TraceEvent {
  double time_ns = 0;
  std::string unit;    // "engine" (busy, irq, batch / fold) or "bus" (the last TLM transaction)
  std::string event;   // start, done, irq, irq_clear, fold; read, write, ignore
  std::string values;  // space-separated key=value pairs (no commas)
};

struct TraceError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Reads a VCD of the engine trace signals (names ending in busy, irq, batch_index, fold_index,
// last_address, last_length, last_command, last_response). The values at time 0 set the initial
// state; every later change becomes an event, in time order; the bus signals changed at one
// time make one transaction event. `name` is for errors.
std::vector<TraceEvent> read_engine_vcd(std::istream& vcd, const std::string& name);

// Header time_ns,unit,event,values, then one CSV row per event (csv_writer.hpp).
void write_transaction_trace(const std::vector<TraceEvent>& events, std::ostream& out);

}  // namespace fxsim::traces
