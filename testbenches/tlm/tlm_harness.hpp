// A SystemC bench for one test: accelerator target + model backend + an initiator thread that
// runs the test's body with a quantum keeper (temporal decoupling, as in Accellera's
// lt_temporal_decouple). SystemC elaborates once per process, so one bench per test process:
// a second bench in the same process skips its test (ctest runs each test in its own process).
#pragma once

#include <gtest/gtest.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <functional>
#include <memory>
#include <systemc>
#include <tlm>
#include <vector>

#include "models/engine/elaboration.hpp"
#include "models/systemc/model_backend.hpp"
#include "tlm/accelerator_target.hpp"

namespace fxsim::tlm_test {

using tlm::AcceleratorTarget;

class Initiator : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<Initiator> socket{"socket"};
  tlm_utils::tlm_quantumkeeper qk;
  std::function<void(Initiator&)> body;
  AcceleratorTarget* target = nullptr;
  std::uint64_t bus_cycles = 0;  // transfer cycles annotated on the transactions so far

  SC_HAS_PROCESS(Initiator);
  explicit Initiator(sc_core::sc_module_name n) : sc_core::sc_module(n) { SC_THREAD(thread); }

  struct Options {
    unsigned char* byte_enables = nullptr;
    unsigned byte_enable_length = 0;
    unsigned streaming_width = 0;  // 0: the length
  };

  ::tlm::tlm_response_status transport(::tlm::tlm_command cmd, std::uint64_t address,
                                       unsigned char* data, unsigned length, Options o) {
    ::tlm::tlm_generic_payload p;
    p.set_command(cmd);
    p.set_address(address);
    p.set_data_ptr(data);
    p.set_data_length(length);
    p.set_streaming_width(o.streaming_width ? o.streaming_width : length);
    p.set_byte_enable_ptr(o.byte_enables);
    p.set_byte_enable_length(o.byte_enable_length);
    p.set_dmi_allowed(false);
    p.set_response_status(::tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = qk.get_local_time();
    const sc_core::sc_time before = delay;
    socket->b_transport(p, delay);
    bus_cycles += static_cast<std::uint64_t>((delay - before) / clock());
    qk.set(delay);
    if (qk.need_sync()) qk.sync();
    return p.get_response_status();
  }
  ::tlm::tlm_response_status transport(::tlm::tlm_command cmd, std::uint64_t address,
                                       unsigned char* data, unsigned length) {
    return transport(cmd, address, data, length, Options{});
  }
  ::tlm::tlm_response_status write(std::uint64_t a, std::vector<unsigned char> bytes) {
    return transport(::tlm::TLM_WRITE_COMMAND, a, bytes.data(),
                     static_cast<unsigned>(bytes.size()));
  }
  std::vector<unsigned char> read(std::uint64_t a, unsigned n,
                                  ::tlm::tlm_response_status* status = nullptr) {
    std::vector<unsigned char> bytes(n, 0xEE);
    const auto st = transport(::tlm::TLM_READ_COMMAND, a, bytes.data(), n);
    if (status) *status = st;
    return bytes;
  }
  ::tlm::tlm_response_status write32(std::uint64_t a, std::uint32_t v) {
    std::vector<unsigned char> b(4);
    engine::put_u32(b.data(), v);
    return write(a, b);
  }
  std::uint32_t read32(std::uint64_t a) {
    ::tlm::tlm_response_status st;
    const auto b = read(a, 4, &st);
    EXPECT_EQ(st, ::tlm::TLM_OK_RESPONSE) << "read32 " << a;
    return engine::get_u32(b.data());
  }
  // Synchronise the quantum keeper, then wait for the irq of the run.
  void wait_irq() {
    qk.sync();
    while (!target->irq().read()) sc_core::wait(target->irq().value_changed_event());
  }
  sc_core::sc_time clock() const {
    return sc_core::sc_time(target->config().clock_ns, sc_core::SC_NS);
  }

 private:
  void thread() {
    qk.reset();
    body(*this);
    qk.sync();
    sc_core::sc_stop();
  }
};

// Builds and runs one bench; returns false (and the test skips) if this process already
// elaborated one.
struct Bench {
  const engine::EngineConfig& cfg;
  int max_batch = 0;
  systemc::ModelBackend::Options model_options{};
  bool no_backend = false;           // the target runs without a backend (a failing run)
  const char* trace_path = nullptr;  // a VCD of the trace signals when set
  sc_core::sc_trace_file* trace_file = nullptr;

  bool run(
      const std::function<void(Initiator&, AcceleratorTarget&, systemc::ModelBackend&)>& body) {
    static bool used = false;
    if (used) return false;
    used = true;
    ::tlm::tlm_global_quantum::instance().set(sc_core::sc_time(1, sc_core::SC_US));
    sc_core::sc_report_handler::set_actions("/OSCI/SystemC: Simulation stopped by user",
                                            sc_core::SC_DO_NOTHING);
    // The modules stay alive until the process ends: the simulation context still refers to
    // their processes after sc_start returns.
    auto& model = *new systemc::ModelBackend("model", engine::elaborate(cfg), model_options);
    auto& target = *new AcceleratorTarget("accel", cfg, no_backend ? nullptr : &model, max_batch);
    auto& init = *new Initiator("init");
    init.socket.bind(target.socket);
    init.target = &target;
    init.body = [&](Initiator& i) { body(i, target, model); };
    if (trace_path) {
      trace_file = tlm::open_engine_vcd(trace_path, target.trace_signals());
    }
    sc_core::sc_start();
    if (trace_file) sc_core::sc_close_vcd_trace_file(trace_file);
    return true;
  }
};

#define FXSIM_RUN_BENCH(bench, ...)                                    \
  do {                                                                 \
    if (!(bench).run(__VA_ARGS__))                                     \
      GTEST_SKIP() << "SystemC elaborates once per process: run this " \
                      "test alone (ctest does)";                       \
  } while (0)

}  // namespace fxsim::tlm_test
