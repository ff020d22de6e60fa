// The per-edge engine of the network model (network_model.hpp): one sc_module per unit, each
// with a clocked process evaluated on every edge, wired by sc_signals as the stitched RTL wires
// the units.
#include <algorithm>
#include <memory>
#include <optional>
#include <stdexcept>
#include <systemc>

#include "models/network/dma_memory.hpp"
#include "models/network/model_engines.hpp"
#include "models/streaming/dma_model.hpp"
#include "models/streaming/feature_map_stream.hpp"
#include "models/streaming/max_pool_model.hpp"
#include "models/streaming/mvau_model.hpp"
#include "models/streaming/sliding_window_model.hpp"
#include "models/streaming/stream_data.hpp"
#include "models/streaming/stream_fifo_model.hpp"

namespace fxsim::network {
namespace {

using streaming::Lanes;
using streaming::StreamData;

// Reads the input beats over TLM (in bus words), then streams them with InputDmaModel's timing.
class DmaSource : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk, rst_n;
  sc_core::sc_out<bool> out_valid;
  sc_core::sc_in<bool> out_ready;
  sc_core::sc_out<StreamData> out_data;
  InitiatorSocket socket;

  DmaSource(const sc_core::sc_module_name& name, const streaming::InputDmaConfig& cfg,
            const engine::MapShape& shape, std::size_t beats, int bus_bytes)
      : sc_core::sc_module(name),
        socket("socket"),
        cfg_(cfg),
        shape_(shape),
        beats_(beats),
        bus_bytes_(bus_bytes) {
    SC_HAS_PROCESS(DmaSource);
    SC_METHOD(on_clock);
    sensitive << clk.pos();
    dont_initialize();
    SC_METHOD(drive);
    sensitive << changed_;
  }
  const streaming::InputDmaModel& model() const { return *model_; }

  // The images, read from memory over the bus (whole bus words; the last one may be short).
  void load() {
    const int bb = beat_bytes(shape_);
    std::vector<unsigned char> bytes(beats_ * static_cast<std::size_t>(bb));
    for (std::size_t a = 0; a < bytes.size(); a += static_cast<std::size_t>(bus_bytes_)) {
      const unsigned n = static_cast<unsigned>(
          std::min<std::size_t>(static_cast<std::size_t>(bus_bytes_), bytes.size() - a));
      transport(socket, tlm::TLM_READ_COMMAND, a, bytes.data() + a, n);
    }
    std::vector<Lanes> beats;
    beats.reserve(beats_);
    for (std::size_t i = 0; i < beats_; ++i) {
      beats.push_back(unpack_beat(bytes.data() + i * static_cast<std::size_t>(bb), shape_.lanes,
                                  shape_.format.width, shape_.format.is_signed));
    }
    model_.emplace(cfg_, std::move(beats));
    changed_.notify(sc_core::SC_ZERO_TIME);
  }

 private:
  void on_clock() {
    if (!rst_n.read()) {
      model_->reset();
    } else {
      model_->edge(out_ready.read());
    }
    changed_.notify(sc_core::SC_ZERO_TIME);
  }
  void drive() {
    if (!model_) return;
    out_valid.write(model_->out_valid());
    if (model_->out_valid()) out_data.write(StreamData{model_->out_data()});
  }

  streaming::InputDmaConfig cfg_;
  engine::MapShape shape_;
  std::size_t beats_;
  int bus_bytes_;
  std::optional<streaming::InputDmaModel> model_;
  sc_core::sc_event changed_;
};

// Takes the result beats with OutputSinkModel's ready pattern and writes each over TLM.
class DmaSink : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk, rst_n;
  sc_core::sc_in<bool> in_valid;
  sc_core::sc_out<bool> in_ready;
  sc_core::sc_in<StreamData> in_data;
  InitiatorSocket socket;

  DmaSink(const sc_core::sc_module_name& name, streaming::OutputSinkModel model,
          const engine::MapShape& shape, std::size_t beats)
      : sc_core::sc_module(name),
        socket("socket"),
        model_(std::move(model)),
        shape_(shape),
        beats_(beats) {
    SC_HAS_PROCESS(DmaSink);
    SC_METHOD(on_clock);
    sensitive << clk.pos();
    dont_initialize();
    SC_METHOD(drive);
    sensitive << changed_;
  }
  const streaming::OutputSinkModel& model() const { return model_; }
  bool done() const { return model_.received().size() >= beats_; }

 private:
  void on_clock() {
    if (!rst_n.read()) {
      model_.reset();
    } else {
      const std::size_t before = model_.received().size();
      model_.edge(in_valid.read(), in_data.read().values);
      if (model_.received().size() > before) write(before);
    }
    changed_.notify(sc_core::SC_ZERO_TIME);
  }
  void write(std::size_t beat) {
    const int bb = beat_bytes(shape_);
    std::vector<unsigned char> bytes(static_cast<std::size_t>(bb), 0);
    pack_beat(model_.received()[beat], shape_.format.width, bytes.data());
    transport(socket, tlm::TLM_WRITE_COMMAND, beat * static_cast<std::size_t>(bb), bytes.data(),
              static_cast<unsigned>(bb));
  }
  void drive() { in_ready.write(model_.out_ready()); }

  streaming::OutputSinkModel model_;
  engine::MapShape shape_;
  std::size_t beats_;
  sc_core::sc_event changed_;
};

// ---- the chain ---------------------------------------------------------------------------------

struct Stream {
  sc_core::sc_signal<bool> valid, ready;
  sc_core::sc_signal<StreamData> data;
};

template <typename M>
void bind(M& m, sc_core::sc_clock& clk, sc_core::sc_signal<bool>& rst_n, Stream& in, Stream& out) {
  m.clk(clk);
  m.rst_n(rst_n);
  m.in_valid(in.valid);
  m.in_ready(in.ready);
  m.in_data(in.data);
  m.out_valid(out.valid);
  m.out_ready(out.ready);
  m.out_data(out.data);
}

// Counts each block's cycles from the signals of its input and output streams; optionally keeps
// the stretches of each state and drives a state signal per block for the VCD.
class ActivityMonitor : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk, rst_n;
  ActivityMonitor(const sc_core::sc_module_name& name, std::vector<Stream*> inputs,
                  std::vector<Stream*> outputs, std::vector<BlockActivity>* activity, bool segments,
                  std::vector<std::vector<Lanes>>* taps)
      : sc_core::sc_module(name),
        in_(std::move(inputs)),
        out_(std::move(outputs)),
        activity_(activity),
        keep_segments_(segments),
        taps_(taps),
        open_(in_.size()),
        state_("state", in_.size()) {
    SC_HAS_PROCESS(ActivityMonitor);
    SC_METHOD(on_clock);
    sensitive << clk.pos();
    dont_initialize();
  }
  // The state signals, for sc_trace (block b's is state(b)).
  const sc_core::sc_signal<int>& state(std::size_t b) const { return state_[b]; }
  std::vector<ActivitySegment> segments() const {
    std::vector<ActivitySegment> all = closed_;
    for (const auto& o : open_) {
      if (o) all.push_back(*o);
    }
    std::sort(all.begin(), all.end(), [](const ActivitySegment& a, const ActivitySegment& b) {
      return a.block != b.block ? a.block < b.block : a.first < b.first;
    });
    return all;
  }

 private:
  void on_clock() {
    if (!rst_n.read()) return;
    ++edge_;
    for (std::size_t b = 0; b < in_.size(); ++b) {
      BlockActivity& a = (*activity_)[b];
      const bool iv = in_[b]->valid.read(), ir = in_[b]->ready.read();
      const bool ov = out_[b]->valid.read(), orr = out_[b]->ready.read();
      const ActivityState st = count_edge(iv, ir, ov, orr, &a);
      if (taps_ && ov && orr) (*taps_)[b].push_back(out_[b]->data.read().values);
      state_[b].write(static_cast<int>(st));
      if (!keep_segments_) continue;
      std::optional<ActivitySegment>& o = open_[b];
      if (o && o->state == st) {
        o->last = edge_;
      } else {
        if (o) closed_.push_back(*o);
        o = ActivitySegment{static_cast<int>(b), st, edge_, edge_};
      }
    }
  }
  std::vector<Stream*> in_, out_;
  std::vector<BlockActivity>* activity_;
  bool keep_segments_;
  std::vector<std::vector<Lanes>>* taps_;  // per block, its output beats (null: not recorded)
  std::vector<std::optional<ActivitySegment>> open_;
  std::vector<ActivitySegment> closed_;
  sc_core::sc_vector<sc_core::sc_signal<int>> state_;
  std::uint64_t edge_ = 0;
};

class NetworkTop : public sc_core::sc_module {
 public:
  NetworkTop(const sc_core::sc_module_name& name, const engine::NetworkPlan& plan,
             const engine::NetworkOperands& ops, const NetworkModelOptions& options)
      : sc_core::sc_module(name),
        clk_("clk", sc_core::sc_time(plan.config.clock_ns, sc_core::SC_NS)),
        rst_n_("rst_n", false) {
    const engine::NetworkConfig& cfg = plan.config;
    const engine::MapShape& in = plan.input();
    const engine::MapShape& out = plan.output();
    in_beats_ = static_cast<std::size_t>(in.beats()) * static_cast<std::size_t>(ops.image_count);
    out_beats_ = static_cast<std::size_t>(out.beats()) * static_cast<std::size_t>(ops.image_count);

    // The images in memory, beat after beat.
    in_mem_ = std::make_unique<ByteMemory>("image_memory",
                                           in_beats_ * static_cast<std::size_t>(beat_bytes(in)));
    const std::vector<Lanes> beats = streaming::map_to_beats(ops.images, in.c, in.lanes);
    for (std::size_t i = 0; i < beats.size(); ++i) {
      pack_beat(beats[i], in.format.width,
                in_mem_->bytes().data() + i * static_cast<std::size_t>(beat_bytes(in)));
    }
    out_mem_ = std::make_unique<ByteMemory>("result_memory",
                                            out_beats_ * static_cast<std::size_t>(beat_bytes(out)));

    const streaming::InputDmaConfig dma = input_dma_config(plan);
    source_ = std::make_unique<DmaSource>("input_dma", dma, in, in_beats_, cfg.dma.bus_bits / 8);
    source_->socket.bind(in_mem_->socket);
    sink_ = std::make_unique<DmaSink>("output_dma", output_dma(plan), out, out_beats_);
    sink_->socket.bind(out_mem_->socket);

    streams_.push_back(std::make_unique<Stream>());  // DMA -> first FIFO
    source_->clk(clk_);
    source_->rst_n(rst_n_);
    source_->out_valid(streams_.back()->valid);
    source_->out_ready(streams_.back()->ready);
    source_->out_data(streams_.back()->data);
    activity_.resize(plan.blocks.size());
    block_taps_.resize(plan.blocks.size());
    mac_taps_.resize(plan.blocks.size());
    taps_ = options.taps;
    std::vector<Stream*> block_in, block_out;
    for (const engine::BlockPlan& b : plan.blocks) {
      activity_[static_cast<std::size_t>(b.index)].name = b.layer.name;
      Stream* fifo_in = streams_.back().get();
      streams_.push_back(std::make_unique<Stream>());
      Stream* fifo_out = streams_.back().get();
      auto fifo = std::make_unique<streaming::StreamFifoModule>(
          sc_core::sc_gen_unique_name((b.layer.name + "_fifo").c_str()), b.fifo);
      bind(*fifo, clk_, rst_n_, *fifo_in, *fifo_out);
      counts_.push_back(std::make_unique<sc_core::sc_signal<int>>());
      fifo->count(*counts_.back());
      fifos_.push_back(fifo.get());
      modules_.push_back(std::move(fifo));
      block_in.push_back(fifo_out);
      add_block(b, ops, fifo_out);
      block_out.push_back(streams_.back().get());
    }
    sink_->clk(clk_);
    sink_->rst_n(rst_n_);
    sink_->in_valid(streams_.back()->valid);
    sink_->in_ready(streams_.back()->ready);
    sink_->in_data(streams_.back()->data);
    monitor_ =
        std::make_unique<ActivityMonitor>("activity", block_in, block_out, &activity_,
                                          options.activity, options.taps ? &block_taps_ : nullptr);
    monitor_->clk(clk_);
    monitor_->rst_n(rst_n_);
    if (!options.vcd_path.empty()) open_trace(plan, options.vcd_path);

    SC_HAS_PROCESS(NetworkTop);
    SC_THREAD(run);
  }

  std::uint64_t max_cycles = 0;
  bool finished = false;

  std::vector<BlockActivity> activity() const {
    std::vector<BlockActivity> a = activity_;
    for (std::size_t b = 0; b < a.size(); ++b) a[b].fifo_max = fifos_[b]->model().stats().max_count;
    return a;
  }
  const DmaSink& sink() const { return *sink_; }
  const DmaSource& source() const { return *source_; }
  const std::vector<unsigned char>& results() const { return out_mem_->bytes(); }
  std::vector<ActivitySegment> segments() const { return monitor_->segments(); }
  // With taps: per block, its output beats and (BN blocks) its MAC beats.
  const std::vector<std::vector<Lanes>>& block_taps() const { return block_taps_; }
  const std::vector<std::vector<Lanes>>& mac_taps() const { return mac_taps_; }
  ~NetworkTop() override {
    if (trace_) sc_core::sc_close_vcd_trace_file(trace_);
  }

 private:
  // The block's units between `in` and a new stream at the back of streams_.
  void add_block(const engine::BlockPlan& b, const engine::NetworkOperands& ops, Stream* in) {
    if (b.pool) {
      streams_.push_back(std::make_unique<Stream>());
      auto m = std::make_unique<streaming::MaxPoolModule>(b.layer.name.c_str(), *b.pool);
      bind(*m, clk_, rst_n_, *in, *streams_.back());
      modules_.push_back(std::move(m));
      return;
    }
    if (b.window) {
      streams_.push_back(std::make_unique<Stream>());
      auto w = std::make_unique<streaming::SlidingWindowModule>((b.layer.name + "_window").c_str(),
                                                                *b.window);
      bind(*w, clk_, rst_n_, *in, *streams_.back());
      modules_.push_back(std::move(w));
      in = streams_.back().get();
    }
    streams_.push_back(std::make_unique<Stream>());
    const units::MvauConfig cfg = engine::block_mvau_config(b);
    auto m = std::make_unique<streaming::MvauModule>((b.layer.name + "_mvau").c_str(), cfg);
    const engine::Stimulus& s = ops.blocks[static_cast<std::size_t>(b.index)];
    m->load(units::mvau_weight_image(cfg, engine::mvau_weights(b, s)));
    if (cfg.has_act()) m->load_bn(engine::mvau_bn(b, s));
    if (cfg.has_act() && taps_) m->tap_mac(&mac_taps_[static_cast<std::size_t>(b.index)]);
    bind(*m, clk_, rst_n_, *in, *streams_.back());
    modules_.push_back(std::move(m));
  }

  void open_trace(const engine::NetworkPlan& plan, std::string path) {
    // sc_create_vcd_trace_file appends ".vcd" to the name it is given.
    if (path.size() >= 4 && path.compare(path.size() - 4, 4, ".vcd") == 0)
      path.resize(path.size() - 4);
    trace_ = sc_core::sc_create_vcd_trace_file(path.c_str());
    trace_->set_time_unit(1, sc_core::SC_NS);
    sc_core::sc_trace(trace_, clk_, "clk");
    sc_core::sc_trace(trace_, rst_n_, "rst_n");
    for (std::size_t b = 0; b < plan.blocks.size(); ++b) {
      const std::string& n = plan.blocks[b].layer.name;
      sc_core::sc_trace(trace_, monitor_->state(b), n + "_state");
      sc_core::sc_trace(trace_, *counts_[b], n + "_fifo_count");
    }
  }

  // Reset over two rising edges, as the RTL driver does, then run until the last result.
  void run() {
    source_->load();
    wait(clk_.posedge_event());
    wait(clk_.posedge_event());
    rst_n_.write(true);
    std::uint64_t edges = 0;
    while (!sink_->done()) {
      wait(clk_.posedge_event());
      if (++edges > max_cycles) break;
    }
    finished = sink_->done();
    sc_core::sc_stop();
  }

  sc_core::sc_clock clk_;
  sc_core::sc_signal<bool> rst_n_;
  std::size_t in_beats_ = 0, out_beats_ = 0;
  std::unique_ptr<ByteMemory> in_mem_, out_mem_;
  std::unique_ptr<DmaSource> source_;
  std::unique_ptr<DmaSink> sink_;
  std::vector<std::unique_ptr<Stream>> streams_;
  std::vector<std::unique_ptr<sc_core::sc_signal<int>>> counts_;
  std::vector<std::unique_ptr<sc_core::sc_module>> modules_;
  std::vector<streaming::StreamFifoModule*> fifos_;
  std::vector<BlockActivity> activity_;
  bool taps_ = false;
  std::vector<std::vector<Lanes>> block_taps_, mac_taps_;
  std::unique_ptr<ActivityMonitor> monitor_;
  sc_core::sc_trace_file* trace_ = nullptr;
};

}  // namespace

EngineRun run_edge_engine(const engine::NetworkPlan& plan, const engine::NetworkOperands& ops,
                          const NetworkModelOptions& options, std::uint64_t max_cycles) {
  NetworkTop top("network", plan, ops, options);
  top.max_cycles = max_cycles;
  sc_core::sc_start();
  NetworkRunResult r;
  r.blocks = top.activity();
  if (!top.finished) {
    throw std::runtime_error(
        incomplete_run_message(top.sink().model().received().size(), top.max_cycles, r.blocks));
  }
  r.output = unpack_map(top.results().data(), top.sink().model().received().size(), plan.output());
  if (options.activity) r.activity = top.segments();
  if (options.taps) {
    for (const engine::BlockPlan& b : plan.blocks) {
      const std::size_t i = static_cast<std::size_t>(b.index);
      r.block_maps.push_back(streaming::beats_to_map(top.block_taps()[i], b.out.c, b.out.lanes));
      r.mac_maps.push_back(top.mac_taps()[i].empty()
                               ? std::vector<std::int64_t>{}
                               : streaming::beats_to_map(top.mac_taps()[i], b.out.c, b.out.lanes));
    }
  }
  r.dma_full_cycles = top.source().model().full_cycles();
  r.dma_empty_cycles = top.source().model().empty_cycles();
  return EngineRun{std::move(r), top.sink().model().arrival()};
}

}  // namespace fxsim::network
