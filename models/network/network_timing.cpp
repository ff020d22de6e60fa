#include "models/network/network_timing.hpp"

#include <map>
#include <stdexcept>
#include <string>

#include "models/network/network_ends.hpp"
#include "models/streaming/max_pool_model.hpp"
#include "models/streaming/mvau_model.hpp"
#include "models/streaming/sliding_window_model.hpp"
#include "models/streaming/stream_fifo_model.hpp"

namespace fxsim::network {
namespace {

enum class Kind : unsigned char { FIFO, WINDOW, MVAU, POOL };
struct Unit {
  Kind kind;
  int index;  // into the vector of its kind
};

// What the counters were at the start of an image (a marker), to measure a period by.
struct Marker {
  std::uint64_t cycle = 0;
  std::size_t sent = 0, arrivals = 0;
  std::uint64_t dma_full = 0, dma_empty = 0;
  std::vector<BlockActivity> blocks;
  std::vector<std::uint64_t> fifo_occupancy;
};

class TimingChain {
 public:
  TimingChain(const engine::NetworkPlan& plan, int images)
      : dma_(input_dma_config(plan),
             static_cast<std::size_t>(plan.input().beats()) * static_cast<std::size_t>(images)),
        sink_(output_dma_control(plan)),
        image_beats_(static_cast<std::size_t>(plan.input().beats())),
        result_beats_(static_cast<std::size_t>(plan.output().beats()) *
                      static_cast<std::size_t>(images)) {
    for (const engine::BlockPlan& b : plan.blocks) {
      fifo_of_.push_back(static_cast<int>(fifos_.size()));
      add(Kind::FIFO, static_cast<int>(fifos_.size()));
      fifos_.emplace_back(b.fifo);
      block_in_.push_back(static_cast<int>(units_.size()));  // the FIFO's output stream
      if (b.pool) {
        add(Kind::POOL, static_cast<int>(pools_.size()));
        pools_.emplace_back(*b.pool);
      }
      if (b.window) {
        add(Kind::WINDOW, static_cast<int>(windows_.size()));
        windows_.emplace_back(*b.window);
      }
      if (b.mvau) {
        add(Kind::MVAU, static_cast<int>(mvaus_.size()));
        mvaus_.emplace_back(units::MvauConfig::from(b.mvau_params));
      }
      block_out_.push_back(static_cast<int>(units_.size()));
      BlockActivity a;
      a.name = b.layer.name;
      blocks_.push_back(a);
    }
    valid_.assign(units_.size() + 1, 0);
    ready_.assign(units_.size() + 1, 0);
    // A sink that stalls at random never repeats its state: no markers, no skipping.
    markers_on_ = !sink_.stalls();
  }

  NetworkTiming run(std::uint64_t max_cycles) {
    while (sink_.arrival().size() < result_beats_) {
      if (cycle_ >= max_cycles) fail(max_cycles);
      step();
      if (markers_on_ && dma_.sent() != last_sent_) {
        last_sent_ = dma_.sent();
        if (last_sent_ % image_beats_ == 0) marker();
      }
    }
    NetworkTiming t;
    t.cycles = sink_.arrival().back();
    t.arrival = sink_.arrival();
    t.blocks = blocks_;
    for (std::size_t b = 0; b < blocks_.size(); ++b) {
      t.blocks[b].fifo_max = fifos_[static_cast<std::size_t>(fifo_of_[b])].stats().max_count;
    }
    t.dma_full_cycles = dma_.full_cycles();
    t.dma_empty_cycles = dma_.empty_cycles();
    t.stepped_cycles = stepped_;
    t.skipped_images = skipped_images_;
    return t;
  }

 private:
  void add(Kind k, int index) { units_.push_back(Unit{k, index}); }

  // One edge: the combinational signals settle (valid forward, ready backward, as
  // streaming::CycleChain), the blocks' activity is counted, every control takes the edge.
  void step() {
    const std::size_t n = units_.size();
    valid_[0] = dma_.out_valid();
    for (std::size_t i = 0; i < n; ++i) {
      const Unit& u = units_[i];
      const auto x = static_cast<std::size_t>(u.index);
      switch (u.kind) {
        case Kind::FIFO:
          valid_[i + 1] = fifos_[x].out_valid(valid_[i] != 0);
          break;
        case Kind::WINDOW:
          valid_[i + 1] = windows_[x].out_valid();
          break;
        case Kind::MVAU:
          valid_[i + 1] = mvaus_[x].out_valid();
          break;
        case Kind::POOL:
          valid_[i + 1] = pools_[x].out_valid();
          break;
      }
    }
    ready_[n] = sink_.out_ready();
    for (std::size_t i = n; i-- > 0;) {
      const Unit& u = units_[i];
      const auto x = static_cast<std::size_t>(u.index);
      const bool r = ready_[i + 1] != 0;
      switch (u.kind) {
        case Kind::FIFO:
          ready_[i] = fifos_[x].in_ready(r);
          break;
        case Kind::WINDOW:
          ready_[i] = windows_[x].in_ready();
          break;
        case Kind::MVAU:
          ready_[i] = mvaus_[x].in_ready(r);
          break;
        case Kind::POOL:
          ready_[i] = pools_[x].in_ready(r);
          break;
      }
    }
    for (std::size_t b = 0; b < blocks_.size(); ++b) {
      const auto in = static_cast<std::size_t>(block_in_[b]);
      const auto out = static_cast<std::size_t>(block_out_[b]);
      count_edge(valid_[in] != 0, ready_[in] != 0, valid_[out] != 0, ready_[out] != 0, &blocks_[b]);
    }
    for (std::size_t i = 0; i < n; ++i) {
      const Unit& u = units_[i];
      const auto x = static_cast<std::size_t>(u.index);
      const bool v = valid_[i] != 0, r = ready_[i + 1] != 0;
      switch (u.kind) {
        case Kind::FIFO:
          fifos_[x].edge(v, r);
          break;
        case Kind::WINDOW:
          windows_[x].edge(v, r);
          break;
        case Kind::MVAU:
          mvaus_[x].edge(v, r);
          break;
        case Kind::POOL:
          pools_[x].edge(v, r);
          break;
      }
    }
    dma_.edge(ready_[0] != 0);
    sink_.edge(valid_[n] != 0);
    ++cycle_;
    ++stepped_;
  }

  // The state that decides every later handshake while the input DMA has beats left.
  std::vector<std::int64_t> state() const {
    std::vector<std::int64_t> s;
    for (const auto& c : fifos_) c.append_state(&s);
    for (const auto& c : windows_) c.append_state(&s);
    for (const auto& c : mvaus_) c.append_state(&s);
    for (const auto& c : pools_) c.append_state(&s);
    dma_.append_state(&s);
    return s;
  }

  // At the start of an image: a state seen at an earlier image's start makes the run periodic.
  void marker() {
    Marker m;
    m.cycle = cycle_;
    m.sent = dma_.sent();
    m.arrivals = sink_.arrival().size();
    m.dma_full = dma_.full_cycles();
    m.dma_empty = dma_.empty_cycles();
    m.blocks = blocks_;
    for (const auto& f : fifos_) m.fifo_occupancy.push_back(f.stats().occupancy_sum);
    auto [it, fresh] = seen_.emplace(state(), m);
    if (!fresh) skip(it->second, m);
  }

  // Adds whole periods of the stretch from `then` to `now` (equal states) while the input DMA
  // keeps beats to fetch: in the stepped run it would fetch them all, and the last fetch is what
  // ends the repetition.
  void skip(const Marker& then, const Marker& now) {
    const std::uint64_t period = now.cycle - then.cycle;
    const std::size_t beats = now.sent - then.sent;  // sent == fetched at equal buffer states
    if (period == 0 || beats == 0) return;
    markers_on_ = false;                             // one skip takes every whole period there is
    if (dma_.fetched() + 1 >= dma_.beats()) return;  // nothing (or one beat) left to fetch
    const std::size_t k = (dma_.beats() - 1 - dma_.fetched()) / beats;
    if (k == 0) return;
    const std::uint64_t kk = static_cast<std::uint64_t>(k);
    for (std::size_t b = 0; b < blocks_.size(); ++b) {
      BlockActivity& a = blocks_[b];
      const BlockActivity& x = then.blocks[b];
      const BlockActivity& y = now.blocks[b];
      a.busy += kk * (y.busy - x.busy);
      a.input_stall += kk * (y.input_stall - x.input_stall);
      a.output_stall += kk * (y.output_stall - x.output_stall);
      a.beats_in += kk * (y.beats_in - x.beats_in);
      a.beats_out += kk * (y.beats_out - x.beats_out);
    }
    for (std::size_t f = 0; f < fifos_.size(); ++f) {
      streaming::FifoStats& st = fifos_[f].stats();
      st.cycles += kk * period;
      st.occupancy_sum += kk * (now.fifo_occupancy[f] - then.fifo_occupancy[f]);
    }
    dma_.skip(kk * period, k * beats, kk * (now.dma_full - then.dma_full),
              kk * (now.dma_empty - then.dma_empty));
    sink_.skip(kk * period, period, then.arrivals);
    cycle_ += kk * period;
    skipped_images_ += static_cast<int>(k * beats / image_beats_);
  }

  [[noreturn]] void fail(std::uint64_t max_cycles) const {
    throw std::runtime_error(incomplete_run_message(sink_.arrival().size(), max_cycles, blocks_));
  }

  std::vector<Unit> units_;
  std::vector<streaming::StreamFifoControl> fifos_;
  std::vector<streaming::SlidingWindowControl> windows_;
  std::vector<streaming::MvauControl> mvaus_;
  std::vector<streaming::MaxPoolControl> pools_;
  streaming::InputDmaControl dma_;
  streaming::OutputSinkControl sink_;
  std::vector<char> valid_, ready_;  // stream i: into unit i (the last: into the output DMA)
  std::vector<int> fifo_of_, block_in_, block_out_;  // per block: its FIFO, its streams
  std::vector<BlockActivity> blocks_;
  std::size_t image_beats_, result_beats_;
  std::uint64_t cycle_ = 0, stepped_ = 0;
  bool markers_on_ = true;
  std::size_t last_sent_ = 0;
  int skipped_images_ = 0;
  std::map<std::vector<std::int64_t>, Marker> seen_;
};

}  // namespace

NetworkTiming simulate_network_timing(const engine::NetworkPlan& plan, int images,
                                      std::uint64_t max_cycles) {
  TimingChain chain(plan, images);
  return chain.run(max_cycles);
}

}  // namespace fxsim::network
