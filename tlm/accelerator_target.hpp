// The layer accelerator behind a TLM-2.0 target socket (docs/engine.md): registers, weight / BN /
// input / output byte buffers, strict b_transport (every malformed transaction answered with the
// contract's error status and counted in ERRORS, never a crash), and an SC_THREAD that runs the
// backend on CTRL.START. Timing: each b_transport adds transfer_cycles(len) x clock to the
// initiator's delay (loosely-timed, temporal decoupling); a run takes the backend's time.
#pragma once

#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <string>
#include <systemc>
#include <tlm>
#include <vector>

#include "models/engine/backend.hpp"
#include "models/engine/engine_config.hpp"
#include "models/engine/memory_map.hpp"
#include "tlm/trace_signals.hpp"

namespace fxsim::tlm {

// Cycle counts of what went over the bus since reset (for the summary's load / read-back split).
struct TransferStats {
  std::uint64_t write_transactions = 0, write_bytes = 0, write_cycles = 0;
  std::uint64_t read_transactions = 0, read_bytes = 0, read_cycles = 0;
};

class AcceleratorTarget : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<AcceleratorTarget> socket;

  // `cfg` must outlive the target (validated by engine::validate; throws PointFileError if not);
  // max_batch >= cfg.batch sizes the INPUT / OUTPUT buffers. `backend` is not owned and may be
  // set later with set_backend() (before the first START).
  AcceleratorTarget(sc_core::sc_module_name name, const engine::EngineConfig& cfg,
                    engine::EngineBackend* backend, int max_batch = 0);
  SC_HAS_PROCESS(AcceleratorTarget);

  void set_backend(engine::EngineBackend* backend) { backend_ = backend; }
  // DMI (direct pointers into the buffers) is offered for WEIGHTS, BN_PARAMS and INPUT (RW)
  // and OUTPUT (read only) when enabled; off by default so that every access is checked.
  void enable_dmi(bool on) { dmi_enabled_ = on; }

  const engine::EngineConfig& config() const { return cfg_; }
  int max_batch() const { return max_batch_; }
  const engine::BufferSizes& sizes() const { return sizes_; }
  const sc_core::sc_event& done_event() const { return done_; }  // notified at the end of a run
  const sc_core::sc_signal_in_if<bool>& irq() const { return trace_.irq; }
  EngineTraceSignals& trace_signals() { return trace_; }
  std::uint32_t errors() const { return errors_; }
  std::uint32_t status() const { return status_; }
  std::uint64_t last_cycles() const { return cycles_; }
  const TransferStats& transfers() const { return transfers_; }
  std::uint64_t runs() const { return runs_; }                   // completed successfully
  const std::string& last_error() const { return last_error_; }  // of a failed run

 private:
  void b_transport(::tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(::tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(::tlm::tlm_generic_payload& trans, ::tlm::tlm_dmi& dmi);
  void run_thread();

  ::tlm::tlm_response_status access(::tlm::tlm_generic_payload& trans,
                                    const sc_core::sc_time& start_delay);
  ::tlm::tlm_response_status register_access(::tlm::tlm_generic_payload& trans,
                                             const sc_core::sc_time& start_delay);
  ::tlm::tlm_response_status buffer_access(::tlm::tlm_generic_payload& trans);
  ::tlm::tlm_response_status write_register(std::uint64_t address, std::uint32_t value,
                                            const sc_core::sc_time& delay);
  std::uint32_t read_register(std::uint64_t address) const;
  bool elements_aligned(int region, std::uint64_t offset, std::uint64_t length) const;
  void snapshot_job();  // decodes the buffers into the job's words (at START)

  const engine::EngineConfig& cfg_;
  engine::EngineBackend* backend_;
  int max_batch_;
  engine::BufferSizes sizes_;
  engine::ElementLayout weight_layout_, scale_layout_, bias_layout_, input_layout_, output_layout_;
  sc_core::sc_time clock_;

  // Byte images of the buffers (what the bus sees).
  std::vector<unsigned char> weights_, bn_params_, input_, output_;
  // Decoded words handed to the backend.
  std::vector<std::int64_t> weight_words_, scale_words_, bias_words_, input_words_, output_words_;

  std::uint32_t status_ = 0;
  std::uint32_t batch_;
  std::uint32_t errors_ = 0;
  std::uint64_t cycles_ = 0;
  std::uint64_t runs_ = 0;
  int job_batch_ = 1;
  std::string last_error_;
  bool dmi_enabled_ = false;
  TransferStats transfers_;

  sc_core::sc_event start_, done_;
  EngineTraceSignals trace_;
};

}  // namespace fxsim::tlm
