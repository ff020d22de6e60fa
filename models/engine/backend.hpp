// The interface between the accelerator target (tlm/accelerator_target.hpp) and whatever computes
// a run: the SystemC model (models/systemc/model_backend.hpp) or the Verilated RTL behind a
// transactor (tlm/rtl/). The target owns the buffers and the registers; a backend only turns one
// job into outputs and simulated time. Plain C++: both sides include it, neither includes the
// other.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "models/engine/engine_config.hpp"

namespace fxsim::engine {

// One run, as decoded from the buffers when CTRL.START was written. Every element is already
// normalised to its port width (engine::normalize_element): a raw of its format, sign-extended
// for signed formats, or a K-hot term word (engine::pack_terms layout) for K-hot weights/scales.
struct EngineJob {
  const engine::EngineConfig* cfg = nullptr;
  int batch = 1;                                        // 1..max_batch (the BATCH register)
  const std::vector<std::int64_t>* weights = nullptr;   // out_features x in_features, row-major
  const std::vector<std::int64_t>* bn_scale = nullptr;  // out_features (empty without bn)
  const std::vector<std::int64_t>* bn_bias = nullptr;   // out_features (empty without bn)
  const std::vector<std::int64_t>* input = nullptr;     // >= batch x in_features (batch-major)
  std::vector<std::int64_t>* output = nullptr;  // sized >= batch x out_features by the target;
                                                // the backend writes the first batch x N_out
  // Called by a backend as it starts (batch index, neuron fold) when it steps fold by fold; may
  // be empty. The target traces these (batch_index / fold_index of its trace signals).
  std::function<void(std::uint32_t batch, std::uint32_t fold)> on_fold;
};

class EngineBackend {
 public:
  virtual ~EngineBackend() = default;
  // "model", "rtl". A backend that is also an sc_module hides sc_object::name() with this
  // (sc_object::name() is not virtual; the kernel keeps using its own).
  virtual const char* name() const = 0;
  // Called from the target's SC_THREAD right after START: fills job.output, consumes the
  // simulated time of the run (wait()), and returns the compute cycles (the CYCLES register):
  // engine::compute_cycles(*job.cfg, job.batch) for a correct backend. May throw; the target then
  // counts the run as failed (ERRORS + 1, STATUS.DONE stays 0, last_error() holds the message)
  // and still raises irq / done so that the initiator does not hang.
  virtual std::uint64_t run(const EngineJob& job) = 0;
};

}  // namespace fxsim::engine
