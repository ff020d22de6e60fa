// Transaction-level trace signals of the accelerator: written by the target (busy, irq, last
// transaction) and by a backend (batch / fold index), traced with sc_trace into a VCD. SystemC
// itself offers VCD (and WIF) trace files only: FST is available for the Verilated signals of the
// rtl backend (VerilatedFstSc), not for these.
#pragma once

#include <cstdint>
#include <string>
#include <systemc>

namespace fxsim::tlm {

// Several processes write these (the initiator's thread through b_transport, the target's run
// thread, a backend), hence SC_MANY_WRITERS.
template <typename T>
using TraceSignal = sc_core::sc_signal<T, sc_core::SC_MANY_WRITERS>;

struct EngineTraceSignals {
  TraceSignal<bool> busy{"trace_busy"};
  TraceSignal<bool> irq{"trace_irq"};
  TraceSignal<std::uint32_t> batch_index{"trace_batch_index"};
  TraceSignal<std::uint32_t> fold_index{"trace_fold_index"};
  TraceSignal<std::uint64_t> last_address{"trace_last_address"};
  TraceSignal<std::uint32_t> last_length{"trace_last_length"};
  TraceSignal<std::uint32_t> last_command{"trace_last_command"};    // tlm_command: 0 R, 1 W, 2 I
  TraceSignal<std::uint32_t> last_response{"trace_last_response"};  // -(tlm_response_status)
};

// Adds every signal to `tf` under `prefix` + its name (call during elaboration).
void trace_engine_signals(sc_core::sc_trace_file* tf, const EngineTraceSignals& s,
                          const std::string& prefix = "engine.");

// Opens `path` (".vcd" appended by SystemC when missing) and traces `s` into it. Close with
// sc_core::sc_close_vcd_trace_file after the simulation.
sc_core::sc_trace_file* open_engine_vcd(const std::string& path, const EngineTraceSignals& s);

}  // namespace fxsim::tlm
