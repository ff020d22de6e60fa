// The rtl backend of the layer engine (docs/engine.md): PE Verilated fx_mac_pe / khot_pe models
// and, with [bn], PE bn_act models (MAC out -> BN in, per PE), clocked by an sc_clock of clock_ns
// from one SC_METHOD (RtlTransactor). A run streams the job's buffers as valid/ready beats in the
// contract's folding order, back to back, collects the outputs and counts the rising edges from
// the first beat to the edge that writes the last output, inclusive: those are the run's cycles.
// Each unit hands its result on through a one-entry register (the contract's "one edge that moves
// its result to the next stage, or into the output buffer"), so a run takes
// beats + (MAC_STAGES + 1) + (bn ? BN_STAGES + 1 : 0) edges.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <systemc>
#include <utility>
#include <vector>

#include "models/engine/backend.hpp"
#include "models/engine/elaboration.hpp"
#include "models/engine/engine_config.hpp"
#include "models/engine/memory_map.hpp"
#include "tlm/rtl/engine_variants.hpp"
#include "tlm/rtl/verilated/port_image.hpp"
#include "tlm/rtl/verilated/verilated_unit.hpp"

namespace fxsim::tlm_rtl {

// Optional trace of every Verilated signal (all models in one file, scopes pe<p> / bn<p>).
struct RtlTraceOptions {
  std::string path;  // empty: no trace
  verilated::TraceFormat format = verilated::TraceFormat::VCD;
};

class TraceWriter;  // rtl_backend.cpp: the open VerilatedVcdC / VerilatedFstC

class RtlTransactor : public sc_core::sc_module {
 public:
  // Looks up the variants of the point (verilated::RtlVariantError when there is none) and builds
  // the models; call during SystemC elaboration. Keeps its own copy of `e`.
  RtlTransactor(sc_core::sc_module_name name, engine::Elaboration e,
                const RtlTraceOptions& trace = {});
  ~RtlTransactor() override;
  SC_HAS_PROCESS(RtlTransactor);

  // From an SC_THREAD: streams the job, waits for its last output, returns the edges counted.
  std::uint64_t run(const engine::EngineJob& job);

  const EngineVariants& variants() const { return variants_; }
  std::uint64_t edges_seen() const { return total_edges_; }  // clocked edges over all runs

 private:
  void on_rising_edge();
  void prepare(const engine::EngineJob& job);
  void capture_outputs(std::uint64_t group, const std::vector<std::uint64_t>& bits);
  void dump(bool rising);

  engine::Elaboration elaboration_;
  const engine::EngineConfig& cfg_;  // elaboration_.point
  EngineVariants variants_;
  sc_core::sc_clock clk_;
  std::vector<std::unique_ptr<verilated::PeModel>> pes_;
  std::vector<std::unique_ptr<verilated::BnModel>> bns_;
  std::unique_ptr<TraceWriter> trace_;

  // Geometry of a run.
  int sf_ = 1, nf_ = 1;
  engine::ElementLayout out_layout_;
  int mac_out_bits_ = 8, scale_bits_ = 8, bias_bits_ = 16;

  // The current job.
  const engine::EngineJob* job_ = nullptr;
  verilated::PortImages a_images_;  // [batch][sf]: in_a of every beat
  verilated::PortImages w_images_;  // [neuron (padded to nf * pe)][sf]: in_w of every beat
  std::vector<std::uint64_t> scale_bits_of_, bias_bits_of_;  // per channel (padded), port bits
  bool running_ = false;
  std::uint64_t beats_total_ = 0, groups_total_ = 0;
  std::uint64_t beat_ = 0;          // next beat to offer
  std::uint64_t bn_groups_in_ = 0;  // PE result groups bn_act has taken
  std::uint64_t groups_out_ = 0;    // result groups written to the output buffer
  // A one-entry hand-off register between units: one result per PE.
  struct Slice {
    bool valid = false;
    std::vector<std::uint64_t> data;
  };
  Slice bn_slice_;   // PE results on their way into bn_act
  Slice out_slice_;  // last unit's results on their way into the output buffer
  std::vector<std::uint64_t> pe_data_, last_data_;  // outputs seen before the edge
  std::uint64_t edge_ = 0;                          // rising edges of the current run
  std::uint64_t total_edges_ = 0;
  sc_core::sc_event done_;
};

class RtlBackend : public engine::EngineBackend {
 public:
  RtlBackend(const char* module_name, engine::Elaboration e, const RtlTraceOptions& trace = {})
      : transactor_(module_name, std::move(e), trace) {}
  const char* name() const override { return "rtl"; }
  std::uint64_t run(const engine::EngineJob& job) override { return transactor_.run(job); }
  RtlTransactor& transactor() { return transactor_; }

 private:
  RtlTransactor transactor_;
};

}  // namespace fxsim::tlm_rtl
