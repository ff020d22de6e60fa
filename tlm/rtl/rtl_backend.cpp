#include "tlm/rtl/rtl_backend.hpp"

#include <systemc>

#include "models/engine/elaboration.hpp"
#include "models/engine/latency.hpp"
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
std::uint64_t now_ps() {
  return static_cast<std::uint64_t>(std::llround(sc_core::sc_time_stamp().to_seconds() * 1e12));
}
}  // namespace

RtlTransactor::RtlTransactor(sc_core::sc_module_name name, engine::Elaboration e,
                             const RtlTraceOptions& trace)
    : sc_core::sc_module(name),
      elaboration_(std::move(e)),
      cfg_(elaboration_.point),
      variants_(find_engine_variants(elaboration_, trace.format)),
      clk_("clk", sc_core::sc_time(cfg_.clock_ns, sc_core::SC_NS)) {
  const engine::EngineConfig& cfg = cfg_;
  if (!trace.path.empty()) {
    Verilated::traceEverOn(true);  // before the models exist: they record activity from time 0
    trace_ = std::make_unique<TraceWriter>(trace);
  }
  for (int p = 0; p < cfg.pe; ++p) {
    pes_.push_back(variants_.pe->make(("pe" + std::to_string(p)).c_str()));
    if (variants_.bn) bns_.push_back(variants_.bn->make(("bn" + std::to_string(p)).c_str()));
  }
  for (auto& m : pes_) m->reset();
  for (auto& m : bns_) m->reset();
  if (trace_) {
    for (auto& m : pes_) m->trace(trace_->target());
    for (auto& m : bns_) m->trace(trace_->target());
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

  SC_METHOD(on_rising_edge);
  sensitive << clk_.posedge_event();
  dont_initialize();
}

RtlTransactor::~RtlTransactor() = default;

void RtlTransactor::prepare(const engine::EngineJob& job) {
  const int n_in = cfg_.in_features, n_out = cfg_.out_features, simd = cfg_.simd, pe = cfg_.pe;
  const int a_bits = engine::input_element_bits(cfg_);
  const int w_bits = engine::weight_element_bits(cfg_);
  const std::vector<std::int64_t>& input = *job.input;
  const std::vector<std::int64_t>& weights = *job.weights;

  // Lanes past N_in stay zero (the images start zeroed); so do PEs past N_out.
  a_images_ = verilated::PortImages(static_cast<std::size_t>(job.batch) * sf_, simd * a_bits);
  for (int b = 0; b < job.batch; ++b) {
    for (int s = 0; s < sf_; ++s) {
      std::uint32_t* img = a_images_.at(static_cast<std::size_t>(b) * sf_ + s);
      for (int l = 0; l < simd && s * simd + l < n_in; ++l) {
        verilated::or_field(
            img, l * a_bits, a_bits,
            static_cast<std::uint64_t>(input[static_cast<std::size_t>(b) * n_in + s * simd + l]));
      }
    }
  }
  w_images_ = verilated::PortImages(static_cast<std::size_t>(nf_) * pe * sf_, simd * w_bits);
  for (int n = 0; n < n_out; ++n) {
    for (int s = 0; s < sf_; ++s) {
      std::uint32_t* img = w_images_.at(static_cast<std::size_t>(n) * sf_ + s);
      for (int l = 0; l < simd && s * simd + l < n_in; ++l) {
        verilated::or_field(
            img, l * w_bits, w_bits,
            static_cast<std::uint64_t>(weights[static_cast<std::size_t>(n) * n_in + s * simd + l]));
      }
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

std::uint64_t RtlTransactor::run(const engine::EngineJob& job) {
  const engine::EngineConfig* c = job.cfg;
  if (c == nullptr || c->pe != cfg_.pe || c->simd != cfg_.simd ||
      c->in_features != cfg_.in_features || c->out_features != cfg_.out_features ||
      c->bn.has_value() != cfg_.bn.has_value() || !job.input || !job.weights || !job.output ||
      job.batch < 1) {
    throw std::invalid_argument(
        "rtl backend: the job does not match the design point the "
        "transactor was built for");
  }
  const std::size_t outputs = static_cast<std::size_t>(job.batch) * cfg_.out_features;
  if (job.output->size() < outputs ||
      job.input->size() < static_cast<std::size_t>(job.batch) * cfg_.in_features ||
      job.weights->size() < static_cast<std::size_t>(cfg_.out_features) * cfg_.in_features ||
      (cfg_.bn && (!job.bn_scale || !job.bn_bias ||
                   job.bn_scale->size() < static_cast<std::size_t>(cfg_.out_features) ||
                   job.bn_bias->size() < static_cast<std::size_t>(cfg_.out_features)))) {
    throw std::invalid_argument("rtl backend: a buffer of the job is too small");
  }
  prepare(job);
  job_ = &job;
  beats_total_ = engine::fold_beats(cfg_, job.batch);
  groups_total_ = static_cast<std::uint64_t>(job.batch) * nf_;
  beat_ = bn_groups_in_ = groups_out_ = edge_ = 0;
  bn_slice_ = Slice{false, std::vector<std::uint64_t>(cfg_.pe, 0)};
  out_slice_ = Slice{false, std::vector<std::uint64_t>(cfg_.pe, 0)};
  pe_data_.assign(cfg_.pe, 0);
  last_data_.assign(cfg_.pe, 0);
  running_ = true;
  sc_core::wait(done_);
  job_ = nullptr;
  return edge_;
}

void RtlTransactor::capture_outputs(std::uint64_t group, const std::vector<std::uint64_t>& bits) {
  const std::uint64_t b = group / nf_, f = group % nf_;
  const int pe = cfg_.pe, n_out = cfg_.out_features;
  std::vector<std::int64_t>& out = *job_->output;
  for (int p = 0; p < pe; ++p) {
    const std::uint64_t n = f * pe + p;
    if (n >= static_cast<std::uint64_t>(n_out)) break;  // a PE past N_out: result dropped
    out[b * n_out + n] = engine::normalize_element(static_cast<std::int64_t>(bits[p]), out_layout_);
  }
}

void RtlTransactor::dump(bool rising) {
  const std::uint64_t t = now_ps();
  const std::uint64_t half = static_cast<std::uint64_t>(std::llround(cfg_.clock_ns * 500.0));
  trace_->dump(rising ? t : (t > half ? t - half : 0));
}

// One rising edge. All PEs (and all bn_acts) move in lockstep: same handshakes, same cycle.
// Between the units sit the hand-off registers of the contract ("the one edge that moves its
// result to the next stage, or into the output buffer"): PE result -> bn_slice_ -> bn_act, and
// last unit -> out_slice_ -> output buffer. Each is a one-entry stream register (advance =
// !valid || ready); the output buffer is always ready.
void RtlTransactor::on_rising_edge() {
  if (!running_) return;
  ++edge_;
  ++total_edges_;
  const int pe = cfg_.pe;
  const bool has_bn = !bns_.empty();

  // 1. The output buffer takes the out slice on this edge.
  if (out_slice_.valid) capture_outputs(groups_out_++, out_slice_.data);

  // 2. bn_act p takes slot p of the bn slice with the scale and bias of that result's channel.
  bool bn_ready = true;
  bool bn_slice_advance = true;
  if (has_bn) {
    const std::size_t channel0 = static_cast<std::size_t>(bn_groups_in_ % nf_) * pe;
    for (int p = 0; p < pe; ++p) {
      verilated::BnModel& bn = *bns_[p];
      bn.set_inputs(bn_slice_.valid, bn_slice_.data[p], scale_bits_of_[channel0 + p],
                    bias_bits_of_[channel0 + p]);
      bn.set_out_ready(true);  // the out slice always advances
      bn.settle();
    }
    bn_ready = bns_[0]->in_ready();
    bn_slice_advance = !bn_slice_.valid || bn_ready;
  }

  // 3. The next beat, in folding order: batch, neuron fold, synapse fold.
  const bool have_beat = beat_ < beats_total_;
  std::uint64_t s = 0, f = 0, b = 0;
  if (have_beat) {
    s = beat_ % sf_;
    f = (beat_ / sf_) % nf_;
    b = beat_ / (static_cast<std::uint64_t>(sf_) * nf_);
  }
  const std::uint32_t* a = a_images_.at(b * sf_ + s);
  for (int p = 0; p < pe; ++p) {
    verilated::PeModel& m = *pes_[p];
    m.set_inputs(have_beat, s == 0, s == static_cast<std::uint64_t>(sf_ - 1), a,
                 w_images_.at((f * pe + p) * sf_ + s));
    m.set_out_ready(has_bn ? bn_slice_advance : true);
    m.settle();
  }
  const bool pe_ready = pes_[0]->in_ready();

  // What leaves the units on this edge (their outputs before it).
  const bool pe_valid = pes_[0]->out_valid();
  const bool last_valid = has_bn ? bns_[0]->out_valid() : pe_valid;
  for (int p = 0; p < pe; ++p) {
    pe_data_[p] = pes_[p]->out_data() & verilated::low_mask(mac_out_bits_);
    last_data_[p] = has_bn ? bns_[p]->out_y() : pe_data_[p];
  }
  if (trace_) dump(false);

  // 4. The edge.
  for (auto& m : pes_) m->rise();
  for (auto& m : bns_) m->rise();
  if (trace_) dump(true);

  // 5. What transferred on it.
  if (have_beat && pe_ready) {
    if (s == 0 && job_->on_fold) {
      job_->on_fold(static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(f));
    }
    ++beat_;
  }
  if (has_bn) {
    if (bn_slice_.valid && bn_ready) ++bn_groups_in_;
    if (bn_slice_advance) {
      bn_slice_.valid = pe_valid;
      bn_slice_.data = pe_data_;
    }
  }
  out_slice_.valid = last_valid;
  out_slice_.data = last_data_;
  if (groups_out_ == groups_total_) {
    running_ = false;
    done_.notify(sc_core::SC_ZERO_TIME);
  }
}

}  // namespace fxsim::tlm_rtl
