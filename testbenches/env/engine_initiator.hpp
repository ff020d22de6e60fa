// The testbench's bus master (docs/engine.md): loads weights, BN parameters and inputs over the
// TLM socket with a quantum keeper (temporal decoupling), writes BATCH and CTRL.START,
// synchronises, waits for irq, then reads STATUS, CYCLES, ERRORS and the outputs. Stops the
// simulation when done.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstdint>
#include <string>
#include <systemc>
#include <tlm>
#include <vector>

#include "models/engine/engine_config.hpp"
#include "models/engine/stimulus.hpp"

namespace fxsim::env {

// What the initiator read back.
struct InitiatorResult {
  bool completed = false;  // irq seen and STATUS.DONE set
  std::uint32_t status = 0;
  std::uint64_t cycles = 0;                // CYCLES_HI:CYCLES_LO
  std::uint32_t errors = 0;                // ERRORS after the run
  std::vector<std::int64_t> output;        // batch x N_out, normalised raws of the final format
  std::vector<std::string> bus_errors;     // transactions that did not return TLM_OK_RESPONSE
  sc_core::sc_time start_time, done_time;  // START synchronised, irq seen
};

class EngineInitiator : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<EngineInitiator> socket;
  sc_core::sc_in<bool> irq;

  // `cfg` and `stim` must outlive the module.
  EngineInitiator(sc_core::sc_module_name name, const engine::EngineConfig& cfg,
                  const engine::Stimulus& stim);
  SC_HAS_PROCESS(EngineInitiator);

  const InitiatorResult& result() const { return result_; }

 private:
  void run();
  // One b_transport of `len` bytes at `address`; annotates its delay on the quantum keeper.
  void transfer(::tlm::tlm_command cmd, std::uint64_t address, unsigned char* data,
                std::size_t len);
  void write_u32(std::uint64_t address, std::uint32_t value);
  std::uint32_t read_u32(std::uint64_t address);

  const engine::EngineConfig& cfg_;
  const engine::Stimulus& stim_;
  tlm_utils::tlm_quantumkeeper qk_;
  InitiatorResult result_;
};

}  // namespace fxsim::env
