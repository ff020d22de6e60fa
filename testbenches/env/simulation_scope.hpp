// A fresh SystemC simulation context per run. SystemC elaborates once per context and never
// again after sc_start, while `fxsim run --backend both` and the test suites simulate many
// design points in one process: each run gets its own context, its modules are built and
// destroyed inside it. The old context is left allocated on purpose (SystemC 2.3 does not
// support deleting a context that has run).
#pragma once

#include <systemc>

namespace fxsim::env {

class SimulationScope {
 public:
  SimulationScope() {
    sc_core::sc_curr_simcontext = new sc_core::sc_simcontext;
    sc_core::sc_default_global_context = sc_core::sc_curr_simcontext;
  }
  SimulationScope(const SimulationScope&) = delete;
  SimulationScope& operator=(const SimulationScope&) = delete;
};

}  // namespace fxsim::env
