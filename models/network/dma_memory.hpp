// The memories behind a network model's DMAs (docs/network.md, "DMA"): a byte array behind a
// TLM-2.0 target socket (the images the input DMA reads, the results the output DMA writes), and
// one blocking transfer through an initiator socket that fails loudly on an error response.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <algorithm>
#include <cstdint>
#include <systemc>
#include <tlm>
#include <vector>

namespace fxsim::network {

class ByteMemory : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<ByteMemory> socket;
  ByteMemory(const sc_core::sc_module_name& name, std::size_t bytes)
      : sc_core::sc_module(name), socket("socket"), bytes_(bytes, 0) {
    socket.register_b_transport(this, &ByteMemory::b_transport);
  }
  std::vector<unsigned char>& bytes() { return bytes_; }

 private:
  void b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time&) {
    const std::uint64_t a = tx.get_address();
    const unsigned n = tx.get_data_length();
    if (a + n > bytes_.size()) {
      tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    if (tx.is_read()) {
      std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(a), n, tx.get_data_ptr());
    } else {
      std::copy_n(tx.get_data_ptr(), n, bytes_.begin() + static_cast<std::ptrdiff_t>(a));
    }
    tx.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  std::vector<unsigned char> bytes_;
};

using InitiatorSocket = tlm_utils::simple_initiator_socket<sc_core::sc_module>;

// Throws std::runtime_error naming the address and the response on anything but TLM_OK.
void transport(InitiatorSocket& s, tlm::tlm_command cmd, std::uint64_t address, unsigned char* data,
               unsigned length);

}  // namespace fxsim::network
