#include "tlm/rtl/rtl_backend.hpp"

#include <systemc>

#include "models/engine/elaboration.hpp"
#include "models/engine/latency.hpp"
#include "models/engine/layer_stages.hpp"
#include "models/engine/memory_map.hpp"

// Verilator 5.006: its headers after <systemc> need sc_time_stamp in scope.
using sc_core::sc_time_stamp;

#include <verilated.h>
#include <verilated_fst_c.h>
#include <verilated_vcd_c.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace fxsim::tlm_rtl {

// The open trace file, VCD or FST. Both take the time in picoseconds.
class TraceWriter {
 public:
  explicit TraceWriter(const RtlTraceOptions& options) : path_(options.path) {
    if (options.format == verilated::TraceFormat::FST) {
      fst_ = std::make_unique<VerilatedFstC>();
    } else {
      vcd_ = std::make_unique<VerilatedVcdC>();
    }
    each([](auto& f) {
      f.set_time_unit("1ps");
      f.set_time_resolution("1ps");
    });
  }
  ~TraceWriter() {
    each([](auto& f) { f.close(); });
  }
  verilated::TraceTarget target() { return {vcd_.get(), fst_.get()}; }
  void open() {
    bool is_open = false;
    each([&](auto& f) {
      f.open(path_.c_str());
      is_open = f.isOpen();
    });
    if (!is_open) throw std::runtime_error("cannot open trace file '" + path_ + "'");
  }
  void dump(std::uint64_t ps) {
    if (dumped_ && ps <= last_) ps = last_ + 1;  // times must increase
    each([&](auto& f) { f.dump(ps); });
    last_ = ps;
    dumped_ = true;
  }

 private:
  template <typename F>
  void each(F f) {
    if (vcd_) f(*vcd_);
    if (fst_) f(*fst_);
  }
  std::string path_;
  std::unique_ptr<VerilatedVcdC> vcd_;
  std::unique_ptr<VerilatedFstC> fst_;
  std::uint64_t last_ = 0;
  bool dumped_ = false;
};

namespace {

// A kernel time in picoseconds, as the trace files take it.
std::uint64_t to_ps(std::uint64_t ticks) {
  return static_cast<std::uint64_t>(
      std::llround(sc_core::sc_time::from_value(ticks).to_seconds() * 1e12));
}

// Waits (from the calling SC_THREAD) until kernel time `ticks`, if that is still ahead.
void wait_until(std::uint64_t ticks) {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  if (ticks > now.value()) sc_core::wait(sc_core::sc_time::from_value(ticks) - now);
}

}  // namespace

RtlTransactor::RtlTransactor(sc_core::sc_module_name name, engine::Elaboration e,
                             const RtlTraceOptions& trace)
    : sc_core::sc_module(name),
      elaboration_(std::move(e)),
      cfg_(elaboration_.point),
      variants_(find_engine_variants(elaboration_, trace.format)),
      period_(cfg_.clock_ns, sc_core::SC_NS),
      period_ticks_(period_.value()),
      half_ps_(static_cast<std::uint64_t>(std::llround(cfg_.clock_ns * 500.0))) {
  const engine::EngineConfig& cfg = cfg_;
  if (period_ticks_ == 0) {
    throw std::invalid_argument("rtl backend: clock_ns is below the SystemC time resolution");
  }
  if (!trace.path.empty()) {
    Verilated::traceEverOn(true);  // before the models exist: they record activity from time 0
    trace_ = std::make_unique<TraceWriter>(trace);
  }
  for (int p = 0; p < cfg.pe; ++p) {
    pes_.push_back(variants_.pe->make(("pe" + std::to_string(p)).c_str()));
    pe_ptrs_.push_back(pes_.back().get());
    if (variants_.bn) {
      bns_.push_back(variants_.bn->make(("bn" + std::to_string(p)).c_str()));
      bn_ptrs_.push_back(bns_.back().get());
    }
  }
  if (variants_.requant) {
    requant_ = std::make_unique<VerilatedRequant>(*variants_.requant, *elaboration_.requant_config,
                                                  "requant");
  }
  if (variants_.threshold) {
    threshold_ = std::make_unique<VerilatedThreshold>(*variants_.threshold,
                                                      *elaboration_.threshold_config, "threshold");
  }
  // RND_STOCH: PE p's LFSR (in fx_acc_out) and bn_act p's load the lane states of
  // engine::mac_lane_seeds / bn_lane_seeds in reset (models/engine/lane_rounding.hpp).
  const engine::LaneSeeds mac_lanes = engine::mac_lane_seeds(cfg),
                          bn_lanes = engine::bn_lane_seeds(cfg);
  for (int p = 0; p < cfg.pe; ++p) {
    pes_[p]->set_lfsr_seed(
        static_cast<std::uint32_t>(fx::lane_state(mac_lanes.seed, 0, mac_lanes.first_lane + p)));
    if (!bns_.empty()) {
      bns_[p]->set_lfsr_seed(
          static_cast<std::uint32_t>(fx::lane_state(bn_lanes.seed, 0, bn_lanes.first_lane + p)));
    }
  }
  stochastic_ = fx::is_stochastic(cfg.output.rounding) ||
                (cfg.bn && fx::is_stochastic(cfg.bn->output.rounding));
  for (auto& m : pes_) m->reset();
  for (auto& m : bns_) m->reset();
  if (requant_) requant_->reset();
  if (threshold_) threshold_->reset();
  if (trace_) {
    for (auto& m : pes_) m->trace(trace_->target());
    for (auto& m : bns_) m->trace(trace_->target());
    if (requant_) requant_->trace(trace_->target());
    if (threshold_) threshold_->trace(trace_->target());
    trace_->open();
  }

  sf_ = cfg.synapse_fold();
  nf_ = cfg.neuron_fold();
  out_layout_ = engine::output_layout(cfg);
  mac_out_bits_ = cfg.output.width;
  if (cfg.bn) {
    scale_bits_ = engine::bn_scale_element_bits(cfg);
    bias_bits_ = engine::bn_bias_element_bits(cfg);
  }
  slices_.assign(4 * static_cast<std::size_t>(cfg.pe), 0);
}

RtlTransactor::~RtlTransactor() = default;

void RtlTransactor::prepare(const engine::EngineJob& job) {
  const int n_in = cfg_.in_features, n_out = cfg_.out_features, simd = cfg_.simd, pe = cfg_.pe;
  const int a_bits = engine::input_element_bits(cfg_);
  const int w_bits = engine::weight_element_bits(cfg_);
  const std::vector<std::int64_t>& input = *job.input;
  const std::vector<std::int64_t>& weights = *job.weights;

  // Lanes past N_in stay zero (the images start zeroed); so do PEs past N_out.
  a_images_.reset(static_cast<std::size_t>(job.batch) * sf_, simd * a_bits);
  for (int b = 0; b < job.batch; ++b) {
    const std::int64_t* row = input.data() + static_cast<std::size_t>(b) * n_in;
    for (int s = 0; s < sf_; ++s) {
      verilated::or_lanes(a_images_.at(static_cast<std::size_t>(b) * sf_ + s), row + s * simd,
                          std::min(simd, n_in - s * simd), a_bits);
    }
  }
  w_images_.reset(static_cast<std::size_t>(nf_) * pe * sf_, simd * w_bits);
  for (int n = 0; n < n_out; ++n) {
    const std::int64_t* row = weights.data() + static_cast<std::size_t>(n) * n_in;
    for (int s = 0; s < sf_; ++s) {
      verilated::or_lanes(w_images_.at(static_cast<std::size_t>(n) * sf_ + s), row + s * simd,
                          std::min(simd, n_in - s * simd), w_bits);
    }
  }
  scale_bits_of_.assign(static_cast<std::size_t>(nf_) * pe, 0);
  bias_bits_of_.assign(static_cast<std::size_t>(nf_) * pe, 0);
  if (cfg_.bn) {
    for (int n = 0; n < n_out; ++n) {
      scale_bits_of_[n] =
          static_cast<std::uint64_t>((*job.bn_scale)[n]) & verilated::low_mask(scale_bits_);
      bias_bits_of_[n] =
          static_cast<std::uint64_t>((*job.bn_bias)[n]) & verilated::low_mask(bias_bits_);
    }
  }
}

// The first rising edge a run started now takes: the clock's next rising edge (k * period), at or
// after now, as an sc_clock of this period, sensitive SC_METHOD and all, gave it before the loop
// replaced them. An edge at exactly now is the run's first one only when the run starts in the
// first delta cycle of this time (a thread woken by a timed notification, like the target's
// SC_THREAD on START): the clock's SC_METHOD ran in the next delta cycle, ahead of any thread in
// it, so a run started later at the same time missed that edge. And a run never reuses an edge
// of the previous one (a caller that starts the next run at the time the last one returned).
std::uint64_t RtlTransactor::first_edge_ticks() const {
  const std::uint64_t now = sc_core::sc_time_stamp().value();
  std::uint64_t first = (now + period_ticks_ - 1) / period_ticks_ * period_ticks_;
  if (first == now && sc_core::sc_delta_count_at_current_time() != 0) first += period_ticks_;
  if (ran_ && first <= last_edge_ticks_) first = last_edge_ticks_ + period_ticks_;
  return first;
}

sc_core::sc_time RtlTransactor::first_edge() const {
  return sc_core::sc_time::from_value(first_edge_ticks());
}

std::uint64_t RtlTransactor::run(const engine::EngineJob& job) {
  const engine::EngineConfig* c = job.cfg;
  if (c == nullptr || c->pe != cfg_.pe || c->simd != cfg_.simd ||
      c->in_features != cfg_.in_features || c->out_features != cfg_.out_features ||
      c->bn.has_value() != cfg_.bn.has_value() ||
      c->requant.has_value() != cfg_.requant.has_value() ||
      c->threshold.has_value() != cfg_.threshold.has_value() || !job.input || !job.weights ||
      !job.output || job.batch < 1) {
    throw std::invalid_argument(
        "rtl backend: the job does not match the design point the "
        "transactor was built for");
  }
  const std::size_t outputs = static_cast<std::size_t>(job.batch) * cfg_.out_features;
  if (job.output->size() < outputs ||
      job.input->size() < static_cast<std::size_t>(job.batch) * cfg_.in_features ||
      job.weights->size() < static_cast<std::size_t>(cfg_.out_features) * cfg_.in_features ||
      (cfg_.has_channel_params() &&
       (!job.bn_scale || !job.bn_bias ||
        job.bn_scale->size() < static_cast<std::size_t>(cfg_.out_features) ||
        job.bn_bias->size() < engine::bn_bias_count(cfg_)))) {
    throw std::invalid_argument("rtl backend: a buffer of the job is too small");
  }
  prepare(job);
  // Every run starts its LFSRs at their seeds (as the reference does): a reset between runs.
  if (stochastic_ && ran_) {
    for (auto& m : pes_) m->reset();
    for (auto& m : bns_) m->reset();
  }
  // int_requant's parameters go into its memory before the run (the bn_acts take theirs with
  // each item instead). A channel the unit cannot take fails the run, as on the model backend
  // (the contract's check, engine::RequantStage::channels, with its message); the RTL would
  // take any bits.
  if (requant_) {
    engine::RequantStage(*elaboration_.requant_config)
        .channels(job.bn_scale->data(), job.bn_bias->data(), cfg_.out_features);
    requant_->load(job.bn_scale->data(), job.bn_bias->data(), cfg_.out_features);
  }
  if (threshold_) {  // likewise: the contract's check (engine::ThresholdStage::channels) first
    engine::ThresholdStage(*elaboration_.threshold_config)
        .channels(job.bn_scale->data(), job.bn_bias->data(), cfg_.out_features);
    threshold_->load(job.bn_scale->data(), job.bn_bias->data(), cfg_.out_features);
  }
  const std::uint64_t first = first_edge_ticks();
  const std::uint64_t edges = clock_run(job, first);
  last_edge_ticks_ = first + (edges - 1) * period_ticks_;
  ran_ = true;
  total_edges_ += edges;
  wait_until(last_edge_ticks_);  // the run's time, as the CYCLES register and the caller see it
  return edges;
}

// The Verilated trace: the inputs and settled outputs half a period before the edge, the state
// just after it.
void RtlTransactor::trace_edge(std::uint64_t edge_ticks, bool rising) {
  const std::uint64_t t = to_ps(edge_ticks);
  trace_->dump(rising ? t : (t > half_ps_ ? t - half_ps_ : 0));
}

// The clock loop: one iteration per rising edge, all PEs (and all bn_acts) in lockstep: same
// handshakes, same cycle. Between the units sit the hand-off registers of the contract ("the one
// edge that moves its result to the next stage, or into the output buffer"): PE result -> bn
// slice -> bn_act (or the PE lanes of int_requant), and last unit -> out slice -> output buffer.
// int_requant counts the folds itself (its parameter word follows its fold counter), so the
// groups enter it in the folding order and nothing here tells it the channel. Each is a one-entry
// stream register (advance = !valid || ready); the output buffer is always ready. Nothing here
// allocates, divides or copies a slice per edge: the folding position and the channel of the group
// entering bn_act are counters, and the slices are swapped.
std::uint64_t RtlTransactor::clock_run(const engine::EngineJob& job, std::uint64_t first_edge) {
  const int pe = cfg_.pe, n_out = cfg_.out_features, sf = sf_, nf = nf_;
  const bool has_bn = !bns_.empty();
  VerilatedRequant* const requant = requant_.get();
  VerilatedThreshold* const threshold = threshold_.get();
  // a unit between the PEs and the output
  const bool has_post = has_bn || requant != nullptr || threshold != nullptr;
  const bool traced = trace_ != nullptr;
  const std::uint64_t out_mask = verilated::low_mask(mac_out_bits_);
  const std::uint64_t beats_total = engine::fold_beats(cfg_, job.batch);
  const std::uint64_t groups_total = static_cast<std::uint64_t>(job.batch) * nf;
  const std::size_t w_stride = static_cast<std::size_t>(sf) * w_images_.stride();  // per neuron
  std::vector<std::int64_t>& out = *job.output;
  verilated::PeModel* const* pes = pe_ptrs_.data();
  verilated::BnModel* const* bns = bn_ptrs_.data();
  std::fill(slices_.begin(), slices_.end(), 0);  // every run starts from empty, zeroed registers
  std::uint64_t* bn_slice = slices_.data();      // PE results on their way into bn_act
  std::uint64_t* out_slice = bn_slice + pe;      // last unit's results on their way out
  std::uint64_t* pe_data = out_slice + pe;       // PE outputs seen before the edge
  std::uint64_t* last_data = pe_data + pe;       // last unit's outputs seen before the edge
  bool bn_slice_valid = false, out_slice_valid = false;
  // Valid items inside the bn_act units (the same in every one: lockstep) or int_requant.
  int bn_items = 0;

  std::uint64_t beat = 0;  // next beat to offer, at (b, f, s) of the folding order
  int s = 0, f = 0, b = 0;
  int bn_fold = 0;               // neuron fold of the next PE result group bn_act takes
  std::uint64_t groups_out = 0;  // result groups written to the output buffer
  std::size_t out_image = 0;     // the next one's batch index * N_out
  int out_first = 0;             // and its neuron fold * PE: the output of PE 0
  std::uint64_t edge = 0, edge_ticks = first_edge - period_ticks_;

  for (;;) {
    ++edge;
    edge_ticks += period_ticks_;

    // 1. The output buffer takes the out slice on this edge.
    if (out_slice_valid) {
      const int count = std::min(pe, n_out - out_first);  // a PE past N_out: result dropped
      for (int p = 0; p < count; ++p) {
        out[out_image + out_first + p] =
            engine::normalize_element(static_cast<std::int64_t>(out_slice[p]), out_layout_);
      }
      ++groups_out;
      out_first += pe;
      if (out_first >= n_out) {
        out_first = 0;
        out_image += n_out;
      }
    }

    // 2. bn_act p takes slot p of the bn slice with the scale and bias of that result's channel.
    // An idle bn_act (no valid item inside, none offered) is left unclocked when nothing is
    // traced: its valid bits are all zero and stay zero, and what its data registers would take
    // is never read (each item carries its own data through the stages), so the next item leaves
    // it on the same edge with the same value. It is ready then (out_ready is always high).
    // int_requant takes the whole bn slice as its PE lanes, with the same idle rule.
    bool bn_ready = true, bn_slice_advance = true, last_valid = false;
    const bool bn_clocked = has_post && (traced || bn_slice_valid || bn_items > 0);
    if (bn_clocked && requant) {
      const verilated::UnitSample u = requant->step(bn_slice_valid, bn_slice, last_data);
      bn_ready = u.in_ready;
      last_valid = u.out_valid;
      bn_slice_advance = !bn_slice_valid || bn_ready;
    } else if (bn_clocked && threshold) {
      const verilated::UnitSample u = threshold->step(bn_slice_valid, bn_slice, last_data);
      bn_ready = u.in_ready;
      last_valid = u.out_valid;
      bn_slice_advance = !bn_slice_valid || bn_ready;
    } else if (bn_clocked) {
      const std::size_t channel0 = static_cast<std::size_t>(bn_fold) * pe;
      for (int p = 0; p < pe; ++p) {
        const verilated::UnitSample u =
            bns[p]->step(bn_slice_valid, bn_slice[p], scale_bits_of_[channel0 + p],
                         bias_bits_of_[channel0 + p], true);  // the out slice always advances
        if (p == 0) {
          bn_ready = u.in_ready;
          last_valid = u.out_valid;
        }
        last_data[p] = u.out;
      }
      bn_slice_advance = !bn_slice_valid || bn_ready;
    }

    // 3. The next beat, in folding order: batch, neuron fold, synapse fold. With none left the
    // inputs are those of beat 0 with in_valid low.
    const bool have_beat = beat < beats_total;
    const std::uint32_t* a = a_images_.at(static_cast<std::size_t>(b) * sf + s);
    const std::uint32_t* w = w_images_.at(static_cast<std::size_t>(f) * pe * sf + s);
    std::uint64_t* pe_out = has_post ? pe_data : last_data;
    bool pe_ready = false, pe_valid = false;
    for (int p = 0; p < pe; ++p) {
      const verilated::UnitSample u =
          pes[p]->step(have_beat, s == 0, s == sf - 1, a, w + p * w_stride, bn_slice_advance);
      if (p == 0) {
        pe_ready = u.in_ready;
        pe_valid = u.out_valid;
      }
      pe_out[p] = u.out & out_mask;
    }
    if (!has_post) last_valid = pe_valid;
    if (traced) trace_edge(edge_ticks, false);

    // 4. The edge.
    for (int p = 0; p < pe; ++p) pes[p]->rise();
    if (bn_clocked) {
      if (requant) {
        requant->rise();
      } else if (threshold) {
        threshold->rise();
      } else {
        for (int p = 0; p < pe; ++p) bns[p]->rise();
      }
      ++bn_edges_;
    }
    if (traced) trace_edge(edge_ticks, true);

    // 5. What transferred on it.
    if (have_beat && pe_ready) {
      if (s == 0 && job.on_fold) {
        wait_until(edge_ticks);  // the target traces these: at this edge's time
        job.on_fold(static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(f));
      }
      ++beat;
      if (++s == sf) {
        s = 0;
        if (++f == nf) {
          f = 0;
          if (++b == job.batch) b = 0;
        }
      }
    }
    if (has_post) {
      if (bn_slice_valid && bn_ready) {
        ++bn_items;
        if (++bn_fold == nf) bn_fold = 0;
      }
      if (last_valid) --bn_items;  // left into the out slice
      if (bn_slice_advance) {
        bn_slice_valid = pe_valid;
        std::swap(bn_slice, pe_data);
      }
    }
    out_slice_valid = last_valid;
    std::swap(out_slice, last_data);
    if (groups_out == groups_total) return edge;
  }
}

}  // namespace fxsim::tlm_rtl
