#include "testbenches/env/engine_initiator.hpp"

#include <cstdio>
#include <string>

#include "models/engine/memory_map.hpp"
#include "models/engine/stimulus.hpp"

namespace fxsim::env {

using namespace fxsim::engine;

EngineInitiator::EngineInitiator(sc_core::sc_module_name name, const engine::EngineConfig& cfg,
                                 const engine::Stimulus& stim)
    : sc_core::sc_module(name), socket("socket"), irq("irq"), cfg_(cfg), stim_(stim) {
  // A quantum of 1000 bus clocks: loads run ahead of the kernel in large steps.
  tlm_utils::tlm_quantumkeeper::set_global_quantum(
      sc_core::sc_time(1000.0 * cfg.clock_ns, sc_core::SC_NS));
  qk_.reset();
  SC_THREAD(run);
}

void EngineInitiator::transfer(::tlm::tlm_command cmd, std::uint64_t address, unsigned char* data,
                               std::size_t len) {
  ::tlm::tlm_generic_payload trans;
  sc_core::sc_time delay = qk_.get_local_time();
  trans.set_command(cmd);
  trans.set_address(address);
  trans.set_data_ptr(data);
  trans.set_data_length(static_cast<unsigned int>(len));
  trans.set_streaming_width(static_cast<unsigned int>(len));
  trans.set_byte_enable_ptr(nullptr);
  trans.set_dmi_allowed(false);
  trans.set_response_status(::tlm::TLM_INCOMPLETE_RESPONSE);
  socket->b_transport(trans, delay);
  if (trans.is_response_error()) {
    char where[32];
    std::snprintf(where, sizeof where, " at 0x%08llx: ", static_cast<unsigned long long>(address));
    result_.bus_errors.push_back(std::string(cmd == ::tlm::TLM_WRITE_COMMAND ? "write" : "read") +
                                 where + trans.get_response_string());
  }
  qk_.set(delay);
  if (qk_.need_sync()) qk_.sync();
}

void EngineInitiator::write_u32(std::uint64_t address, std::uint32_t value) {
  unsigned char bytes[4];
  put_u32(bytes, value);
  transfer(::tlm::TLM_WRITE_COMMAND, address, bytes, 4);
}

std::uint32_t EngineInitiator::read_u32(std::uint64_t address) {
  unsigned char bytes[4] = {0, 0, 0, 0};
  transfer(::tlm::TLM_READ_COMMAND, address, bytes, 4);
  return get_u32(bytes);
}

void EngineInitiator::run() {
  const int batch = stim_.batch;
  // Loads: one burst per buffer (BN scales and biases are one region, scales first).
  std::vector<unsigned char> weights =
      pack_elements(stim_.weight_words, engine::weight_layout(cfg_));
  transfer(::tlm::TLM_WRITE_COMMAND, kWeightsBase, weights.data(), weights.size());
  if (cfg_.has_channel_params()) {
    std::vector<unsigned char> params =
        pack_elements(stim_.bn_scale_words, engine::bn_scale_layout(cfg_));
    const std::vector<unsigned char> bias =
        pack_elements(stim_.bn_bias, engine::bn_bias_layout(cfg_));
    params.insert(params.end(), bias.begin(), bias.end());
    transfer(::tlm::TLM_WRITE_COMMAND, kBnParamsBase, params.data(), params.size());
  }
  std::vector<unsigned char> input = pack_elements(stim_.input, engine::input_layout(cfg_));
  transfer(::tlm::TLM_WRITE_COMMAND, kInputBase, input.data(), input.size());
  write_u32(kRegBatch, static_cast<std::uint32_t>(batch));
  write_u32(kRegCtrl, kCtrlStart);

  // Synchronise before waiting: the run starts at the annotated time of START.
  qk_.sync();
  result_.start_time = sc_core::sc_time_stamp();
  while (!irq.read()) sc_core::wait(irq.value_changed_event());
  result_.done_time = sc_core::sc_time_stamp();

  result_.status = read_u32(kRegStatus);
  const std::uint32_t lo = read_u32(kRegCyclesLo);
  const std::uint32_t hi = read_u32(kRegCyclesHi);
  result_.cycles = (std::uint64_t{hi} << 32) | lo;
  result_.errors = read_u32(kRegErrors);
  const engine::ElementLayout out_layout = engine::output_layout(cfg_);
  const std::size_t n_out = static_cast<std::size_t>(batch) * cfg_.out_features;
  std::vector<unsigned char> out(n_out * static_cast<std::size_t>(out_layout.bytes));
  transfer(::tlm::TLM_READ_COMMAND, kOutputBase, out.data(), out.size());
  result_.output = unpack_elements(out.data(), n_out, out_layout);
  qk_.sync();
  result_.completed = (result_.status & kStatusDone) != 0;
  sc_core::sc_stop();
}

}  // namespace fxsim::env
