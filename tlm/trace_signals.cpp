#include "tlm/trace_signals.hpp"

namespace fxsim::tlm {

void trace_engine_signals(sc_core::sc_trace_file* tf, const EngineTraceSignals& s,
                          const std::string& prefix) {
  sc_core::sc_trace(tf, s.busy, prefix + "busy");
  sc_core::sc_trace(tf, s.irq, prefix + "irq");
  sc_core::sc_trace(tf, s.batch_index, prefix + "batch_index");
  sc_core::sc_trace(tf, s.fold_index, prefix + "fold_index");
  sc_core::sc_trace(tf, s.last_address, prefix + "last_address");
  sc_core::sc_trace(tf, s.last_length, prefix + "last_length");
  sc_core::sc_trace(tf, s.last_command, prefix + "last_command");
  sc_core::sc_trace(tf, s.last_response, prefix + "last_response");
}

sc_core::sc_trace_file* open_engine_vcd(const std::string& path, const EngineTraceSignals& s) {
  std::string base = path;
  if (base.size() > 4 && base.compare(base.size() - 4, 4, ".vcd") == 0) {
    base.resize(base.size() - 4);  // SystemC appends ".vcd" itself
  }
  sc_core::sc_trace_file* tf = sc_core::sc_create_vcd_trace_file(base.c_str());
  tf->set_time_unit(1, sc_core::SC_PS);
  trace_engine_signals(tf, s);
  return tf;
}

}  // namespace fxsim::tlm
