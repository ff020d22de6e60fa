// The rtl backend of the layer engine (docs/engine.md): PE Verilated fx_mac_pe / khot_pe models
// and, with [bn], PE bn_act models (MAC out -> BN in, per PE), or with [requant] ONE int_requant
// of PE lanes (the PE results of a neuron fold -> its lanes, tlm/rtl/verilated_requant.hpp), or
// with [threshold] ONE threshold of PE lanes in the same place (tlm/rtl/verilated_threshold.hpp);
// the PEs are xnor_pe for the binary / ternary kinds,
// clocked by the transactor's own loop (RtlTransactor::run). A run streams the job's buffers as
// valid/ready beats in the contract's folding order, back to back, collects the outputs and counts
// the rising edges from the first beat to the edge that writes the last output, inclusive: those
// are the run's cycles. Each unit hands its result on through a one-entry register (the contract's
// "one edge that moves its result to the next stage, or into the output buffer"), so a run takes
// beats + (MAC_STAGES + 1) + (bn ? BN_STAGES + 1 : 0) + (requant ? its STAGES + 1 : 0) edges. With
// [requant] a run first writes int_requant's parameter memory (NF edges of that unit alone, before
// the run's first edge: not counted, not traced, no SystemC time).
//
// Time: the edges are those of a clock of clock_ns with rising edges at k * clock_ns from time 0
// (what an sc_clock of that period gives). The loop clocks the models in plain C++, without a
// SystemC process per edge, and keeps SystemC time in step only where something outside sees it:
// before job.on_fold (the target's traced signals) it waits until that edge's time, and it returns
// at the time of the last edge. The Verilated trace takes its timestamps from the edge times.
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
#include "tlm/rtl/verilated_requant.hpp"
#include "tlm/rtl/verilated_threshold.hpp"

namespace fxsim::tlm_rtl {

// Optional trace of every Verilated signal (all models in one file, scopes pe<p> / bn<p> /
// requant).
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

  // From an SC_THREAD: streams the job edge by edge from the first rising edge it may use
  // (first_edge()), returns at the time of the edge that wrote the last output with the number of
  // edges counted.
  std::uint64_t run(const engine::EngineJob& job);

  const EngineVariants& variants() const { return variants_; }
  std::uint64_t edges_seen() const { return total_edges_; }  // clocked edges over all runs
  // Edges on which the unit after the PEs (the bn_acts, or int_requant with [requant]) was
  // clocked, over all runs: all of them when traced, else only those on which it holds or is
  // offered a valid item (rtl_backend.cpp). int_requant's parameter loads are not counted.
  std::uint64_t bn_edges_clocked() const { return bn_edges_; }
  // The time of the first edge a run started now would take (see rtl_backend.cpp).
  sc_core::sc_time first_edge() const;

 private:
  void prepare(const engine::EngineJob& job);
  std::uint64_t first_edge_ticks() const;
  std::uint64_t clock_run(const engine::EngineJob& job, std::uint64_t first_edge);
  void trace_edge(std::uint64_t edge_ticks, bool rising);

  engine::Elaboration elaboration_;
  const engine::EngineConfig& cfg_;  // elaboration_.point
  EngineVariants variants_;
  sc_core::sc_time period_;     // clock_ns
  std::uint64_t period_ticks_;  // period_ in kernel time units (sc_time::value)
  std::uint64_t half_ps_;       // half a period in ps: where the trace puts the falling edge
  std::vector<std::unique_ptr<verilated::PeModel>> pes_;
  std::vector<std::unique_ptr<verilated::BnModel>> bns_;
  std::vector<verilated::PeModel*> pe_ptrs_;  // pes_ / bns_ for the clock loop
  std::vector<verilated::BnModel*> bn_ptrs_;
  std::unique_ptr<VerilatedRequant> requant_;      // with [requant]
  std::unique_ptr<VerilatedThreshold> threshold_;  // with [threshold]
  std::unique_ptr<TraceWriter> trace_;

  // Geometry of a run.
  int sf_ = 1, nf_ = 1;
  engine::ElementLayout out_layout_;
  int mac_out_bits_ = 8, scale_bits_ = 8, bias_bits_ = 16;

  // The current job, packed into port bits.
  verilated::PortImages a_images_;  // [batch][sf]: in_a of every beat
  verilated::PortImages w_images_;  // [neuron (padded to nf * pe)][sf]: in_w of every beat
  std::vector<std::uint64_t> scale_bits_of_, bias_bits_of_;  // per channel (padded), port bits
  // PE results of one edge, per PE, four of them: the two one-entry hand-off registers (PE ->
  // bn_act / int_requant, last unit -> output buffer) and the outputs seen before the edge,
  // swapped, not copied.
  std::vector<std::uint64_t> slices_;  // 4 x PE

  bool ran_ = false;         // a run has ended: last_edge_ticks_ holds its last edge
  bool stochastic_ = false;  // an output rounds RND_STOCH: the models are reset between runs
  std::uint64_t last_edge_ticks_ = 0;
  std::uint64_t total_edges_ = 0;
  std::uint64_t bn_edges_ = 0;
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
