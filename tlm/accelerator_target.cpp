#include "tlm/accelerator_target.hpp"

#include <cstring>
#include <exception>

#include "models/engine/latency.hpp"
#include "models/engine/memory_map.hpp"

namespace fxsim::tlm {
namespace {

enum Region { kRegisters = 0, kWeights = 1, kBnParams = 2, kInput = 3, kOutput = 4, kNone = -1 };

Region region_of(std::uint64_t address) {
  if (address < engine::kRegEnd) return kRegisters;
  if (address < engine::kWeightsBase) return kNone;
  const std::uint64_t r = address / engine::kRegionSpan;
  return r >= 1 && r <= 4 ? static_cast<Region>(r) : kNone;
}

}  // namespace

AcceleratorTarget::AcceleratorTarget(sc_core::sc_module_name name, const engine::EngineConfig& cfg,
                                     engine::EngineBackend* backend, int max_batch)
    : sc_core::sc_module(name),
      socket("socket"),
      cfg_(cfg),
      backend_(backend),
      max_batch_(max_batch > 0 ? max_batch : cfg.batch),
      clock_(cfg.clock_ns, sc_core::SC_NS),
      batch_(static_cast<std::uint32_t>(cfg.batch)) {
  engine::validate(cfg_, "AcceleratorTarget");
  if (max_batch_ < cfg_.batch) {
    throw engine::PointFileError("AcceleratorTarget: max_batch " + std::to_string(max_batch_) +
                                 " is smaller than layer.batch " + std::to_string(cfg_.batch));
  }
  sizes_ = engine::buffer_sizes(cfg_, max_batch_);
  if (sizes_.input > engine::kRegionSpan || sizes_.output > engine::kRegionSpan) {
    throw engine::PointFileError("AcceleratorTarget: max_batch " + std::to_string(max_batch_) +
                                 " makes a buffer larger than its 256 MiB window");
  }
  weight_layout_ = engine::weight_layout(cfg_);
  input_layout_ = engine::input_layout(cfg_);
  output_layout_ = engine::output_layout(cfg_);
  if (cfg_.has_channel_params()) {
    scale_layout_ = engine::bn_scale_layout(cfg_);
    bias_layout_ = engine::bn_bias_layout(cfg_);
  }
  weights_.assign(sizes_.weights, 0);
  bn_params_.assign(sizes_.bn_params(), 0);
  input_.assign(sizes_.input, 0);
  output_.assign(sizes_.output, 0);

  socket.register_b_transport(this, &AcceleratorTarget::b_transport);
  socket.register_transport_dbg(this, &AcceleratorTarget::transport_dbg);
  socket.register_get_direct_mem_ptr(this, &AcceleratorTarget::get_direct_mem_ptr);
  SC_THREAD(run_thread);
}

// ---- b_transport --------------------------------------------------------------------------------
void AcceleratorTarget::b_transport(::tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const ::tlm::tlm_response_status status = access(trans, delay);
  trans.set_response_status(status);
  const std::uint64_t cycles = status == ::tlm::TLM_OK_RESPONSE
                                   ? engine::transfer_cycles(trans.get_data_length(),
                                                             cfg_.bus_bits)
                                   : 1;  // an error costs the address cycle only
  if (status != ::tlm::TLM_OK_RESPONSE) {
    ++errors_;
  } else if (trans.is_write()) {
    transfers_.write_transactions += 1;
    transfers_.write_bytes += trans.get_data_length();
    transfers_.write_cycles += cycles;
  } else if (trans.is_read()) {
    transfers_.read_transactions += 1;
    transfers_.read_bytes += trans.get_data_length();
    transfers_.read_cycles += cycles;
  }
  delay += clock_ * static_cast<double>(cycles);
  trace_.last_address.write(trans.get_address());
  trace_.last_length.write(trans.get_data_length());
  trace_.last_command.write(static_cast<std::uint32_t>(trans.get_command()));
  trace_.last_response.write(static_cast<std::uint32_t>(-static_cast<int>(status)));
}

// The checks in order: region, byte enables, burst shape, extent, command, then the operation.
::tlm::tlm_response_status AcceleratorTarget::access(::tlm::tlm_generic_payload& trans,
                                                     const sc_core::sc_time& start_delay) {
  const Region region = region_of(trans.get_address());
  if (region == kNone) return ::tlm::TLM_ADDRESS_ERROR_RESPONSE;
  if (trans.get_byte_enable_ptr() != nullptr) return ::tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
  const std::uint64_t len = trans.get_data_length();
  if (len == 0 || trans.get_streaming_width() < len) return ::tlm::TLM_BURST_ERROR_RESPONSE;
  if (trans.get_data_ptr() == nullptr) return ::tlm::TLM_GENERIC_ERROR_RESPONSE;
  return region == kRegisters ? register_access(trans, start_delay) : buffer_access(trans);
}

::tlm::tlm_response_status AcceleratorTarget::register_access(::tlm::tlm_generic_payload& trans,
                                                              const sc_core::sc_time& start_delay) {
  const std::uint64_t a = trans.get_address();
  if (trans.get_data_length() != 4 || a % 4 != 0) return ::tlm::TLM_BURST_ERROR_RESPONSE;
  const ::tlm::tlm_command cmd = trans.get_command();
  if (cmd == ::tlm::TLM_IGNORE_COMMAND) return ::tlm::TLM_OK_RESPONSE;
  if (cmd == ::tlm::TLM_READ_COMMAND) {
    if (a == engine::kRegCtrl) return ::tlm::TLM_COMMAND_ERROR_RESPONSE;  // write-only
    engine::put_u32(trans.get_data_ptr(), read_register(a));
    return ::tlm::TLM_OK_RESPONSE;
  }
  if (a != engine::kRegCtrl && a != engine::kRegBatch)
    return ::tlm::TLM_COMMAND_ERROR_RESPONSE;  // read-only
  // START takes effect at the end of its own transfer, in the initiator's local time.
  const sc_core::sc_time at =
      start_delay + clock_ * static_cast<double>(engine::transfer_cycles(4, cfg_.bus_bits));
  return write_register(a, engine::get_u32(trans.get_data_ptr()), at);
}

std::uint32_t AcceleratorTarget::read_register(std::uint64_t a) const {
  switch (a) {
    case engine::kRegId:
      return engine::kIdValue;
    case engine::kRegVersion:
      return engine::kVersionValue;
    case engine::kRegStatus:
      return status_;
    case engine::kRegCyclesLo:
      return static_cast<std::uint32_t>(cycles_);
    case engine::kRegCyclesHi:
      return static_cast<std::uint32_t>(cycles_ >> 32);
    case engine::kRegBatch:
      return batch_;
    case engine::kRegErrors:
      return errors_;
    case engine::kRegInFeatures:
      return static_cast<std::uint32_t>(cfg_.in_features);
    case engine::kRegOutFeatures:
      return static_cast<std::uint32_t>(cfg_.out_features);
    case engine::kRegPe:
      return static_cast<std::uint32_t>(cfg_.pe);
    case engine::kRegSimd:
      return static_cast<std::uint32_t>(cfg_.simd);
    default:
      return 0;
  }
}

::tlm::tlm_response_status AcceleratorTarget::write_register(std::uint64_t a, std::uint32_t value,
                                                             const sc_core::sc_time& at) {
  if (a == engine::kRegBatch) {
    if (value < 1 || value > static_cast<std::uint32_t>(max_batch_)) {
      return ::tlm::TLM_GENERIC_ERROR_RESPONSE;
    }
    batch_ = value;
    return ::tlm::TLM_OK_RESPONSE;
  }
  // CTRL
  if (!(value & engine::kCtrlStart)) return ::tlm::TLM_OK_RESPONSE;
  if (status_ & engine::kStatusBusy) return ::tlm::TLM_GENERIC_ERROR_RESPONSE;
  status_ = engine::kStatusBusy;  // clears DONE
  snapshot_job();                 // later buffer writes do not reach this run
  trace_.busy.write(true);
  trace_.irq.write(false);
  start_.notify(at);
  return ::tlm::TLM_OK_RESPONSE;
}

bool AcceleratorTarget::elements_aligned(int region, std::uint64_t offset,
                                         std::uint64_t length) const {
  if (region == kBnParams) {
    // Two arrays of possibly different element sizes: both ends must be element boundaries.
    const std::uint64_t scale_end = sizes_.bn_scale;
    auto boundary = [&](std::uint64_t x) {
      return x <= scale_end ? x % scale_layout_.bytes == 0
                            : (x - scale_end) % bias_layout_.bytes == 0;
    };
    return boundary(offset) && boundary(offset + length);
  }
  const int eb = region == kWeights ? weight_layout_.bytes
                 : region == kInput ? input_layout_.bytes
                                    : output_layout_.bytes;
  return offset % eb == 0 && length % eb == 0;
}

::tlm::tlm_response_status AcceleratorTarget::buffer_access(::tlm::tlm_generic_payload& trans) {
  const auto region = static_cast<int>(region_of(trans.get_address()));
  std::vector<unsigned char>& buf = region == kWeights    ? weights_
                                    : region == kBnParams ? bn_params_
                                    : region == kInput    ? input_
                                                          : output_;
  const std::uint64_t offset =
      trans.get_address() - static_cast<std::uint64_t>(region) * engine::kRegionSpan;
  const std::uint64_t len = trans.get_data_length();
  if (offset >= buf.size() || len > buf.size() - offset) return ::tlm::TLM_ADDRESS_ERROR_RESPONSE;
  if (!elements_aligned(region, offset, len)) return ::tlm::TLM_BURST_ERROR_RESPONSE;
  switch (trans.get_command()) {
    case ::tlm::TLM_IGNORE_COMMAND:
      return ::tlm::TLM_OK_RESPONSE;
    case ::tlm::TLM_READ_COMMAND:
      std::memcpy(trans.get_data_ptr(), buf.data() + offset, len);
      return ::tlm::TLM_OK_RESPONSE;
    case ::tlm::TLM_WRITE_COMMAND:
      if (region == kOutput) return ::tlm::TLM_COMMAND_ERROR_RESPONSE;
      std::memcpy(buf.data() + offset, trans.get_data_ptr(), len);
      return ::tlm::TLM_OK_RESPONSE;
  }
  return ::tlm::TLM_COMMAND_ERROR_RESPONSE;
}

// ---- The run ------------------------------------------------------------------------------------
void AcceleratorTarget::snapshot_job() {
  job_batch_ = static_cast<int>(batch_);
  const auto n_in = static_cast<std::size_t>(cfg_.in_features);
  const auto n_out = static_cast<std::size_t>(cfg_.out_features);
  const auto b = static_cast<std::size_t>(job_batch_);
  weight_words_.resize(n_out * n_in);
  engine::unpack_elements(weights_.data(), weight_words_.size(), weight_layout_,
                          weight_words_.data());
  if (cfg_.has_channel_params()) {
    scale_words_.resize(n_out);
    bias_words_.resize(engine::bn_bias_count(cfg_));
    engine::unpack_elements(bn_params_.data(), n_out, scale_layout_, scale_words_.data());
    engine::unpack_elements(bn_params_.data() + sizes_.bn_scale, bias_words_.size(), bias_layout_,
                            bias_words_.data());
  }
  input_words_.resize(b * n_in);
  engine::unpack_elements(input_.data(), input_words_.size(), input_layout_, input_words_.data());
  output_words_.assign(b * n_out, 0);
}

void AcceleratorTarget::run_thread() {
  for (;;) {
    sc_core::wait(start_);
    engine::EngineJob job;
    job.cfg = &cfg_;
    job.batch = job_batch_;
    job.weights = &weight_words_;
    job.bn_scale = &scale_words_;
    job.bn_bias = &bias_words_;
    job.input = &input_words_;
    job.output = &output_words_;
    job.on_fold = [this](std::uint32_t batch, std::uint32_t fold) {
      trace_.batch_index.write(batch);
      trace_.fold_index.write(fold);
    };
    bool ok = false;
    try {
      if (!backend_) throw std::runtime_error("no backend attached to the accelerator");
      const std::uint64_t cycles = backend_->run(job);
      engine::pack_elements(output_words_.data(), output_words_.size(), output_layout_,
                            output_.data());
      cycles_ = cycles;
      ok = true;
      ++runs_;
    } catch (const std::exception& e) {
      last_error_ = e.what();
      ++errors_;
    }
    status_ = ok ? engine::kStatusDone : 0;
    trace_.busy.write(false);
    trace_.irq.write(true);
    done_.notify(sc_core::SC_ZERO_TIME);
  }
}

// ---- Debug transport and DMI --------------------------------------------------------------------
unsigned int AcceleratorTarget::transport_dbg(::tlm::tlm_generic_payload& trans) {
  const Region region = region_of(trans.get_address());
  const std::uint64_t len = trans.get_data_length();
  if (region == kNone || trans.get_data_ptr() == nullptr) return 0;
  if (region == kRegisters) {
    if (!trans.is_read() || len != 4 || trans.get_address() % 4 != 0) return 0;
    engine::put_u32(trans.get_data_ptr(), read_register(trans.get_address()));
    return 4;
  }
  std::vector<unsigned char>& buf = region == kWeights    ? weights_
                                    : region == kBnParams ? bn_params_
                                    : region == kInput    ? input_
                                                          : output_;
  const std::uint64_t offset =
      trans.get_address() - static_cast<std::uint64_t>(region) * engine::kRegionSpan;
  if (offset >= buf.size()) return 0;
  const std::uint64_t n = std::min<std::uint64_t>(len, buf.size() - offset);
  if (trans.is_read()) {
    std::memcpy(trans.get_data_ptr(), buf.data() + offset, n);
  } else if (trans.is_write() && region != kOutput) {
    std::memcpy(buf.data() + offset, trans.get_data_ptr(), n);
  } else {
    return 0;
  }
  return static_cast<unsigned int>(n);
}

bool AcceleratorTarget::get_direct_mem_ptr(::tlm::tlm_generic_payload& trans, ::tlm::tlm_dmi& dmi) {
  const Region region = region_of(trans.get_address());
  if (!dmi_enabled_ || region == kNone || region == kRegisters) return false;
  std::vector<unsigned char>& buf = region == kWeights    ? weights_
                                    : region == kBnParams ? bn_params_
                                    : region == kInput    ? input_
                                                          : output_;
  if (buf.empty()) return false;
  const std::uint64_t base = static_cast<std::uint64_t>(region) * engine::kRegionSpan;
  dmi.set_dmi_ptr(buf.data());
  dmi.set_start_address(base);
  dmi.set_end_address(base + buf.size() - 1);
  if (region == kOutput) {
    dmi.allow_read();
  } else {
    dmi.allow_read_write();
  }
  // Per-byte bus time; the per-transaction address cycle is not modelled under DMI.
  const sc_core::sc_time per_byte = clock_ * (8.0 / cfg_.bus_bits);
  dmi.set_read_latency(per_byte);
  dmi.set_write_latency(per_byte);
  return true;
}

}  // namespace fxsim::tlm
