#include "models/network/dma_memory.hpp"

#include <stdexcept>
#include <string>

namespace fxsim::network {

void transport(InitiatorSocket& s, tlm::tlm_command cmd, std::uint64_t address, unsigned char* data,
               unsigned length) {
  tlm::tlm_generic_payload tx;
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  tx.set_command(cmd);
  tx.set_address(address);
  tx.set_data_ptr(data);
  tx.set_data_length(length);
  tx.set_streaming_width(length);
  tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  s->b_transport(tx, delay);
  if (tx.get_response_status() != tlm::TLM_OK_RESPONSE) {
    throw std::runtime_error("network model: DMA transfer at address " + std::to_string(address) +
                             " failed: " + tx.get_response_string());
  }
}

}  // namespace fxsim::network
