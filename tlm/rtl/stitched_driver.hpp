// A stitched chain's Verilated top (models/engine/stitch_top.hpp), built on demand and cached by
// tlm/rtl/verilated like any unit, driven edge by edge: reset, then input beats fed under a valid
// pattern and output beats taken under a ready pattern (stream_drive.hpp), the outputs collected
// and the cycles counted. Port indices are looked up once and the beats are port images packed
// beforehand, so an edge is a handful of port copies and two evaluations of the model, with no
// allocation. Extra ports (<instance>_<port>) are reached by name through port() / set() / get().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/engine/stitch_plan.hpp"
#include "models/engine/stitch_top.hpp"
#include "tlm/rtl/stream_drive.hpp"
#include "tlm/rtl/verilated/port_image.hpp"
#include "tlm/rtl/verilated/variant_registry.hpp"

namespace fxsim::tlm_rtl {

// The on-demand request of a stitched top: the generated text and the RTL of every unit it uses.
verilated::VariantRequest stitched_request(
    const engine::StitchedTop& top, const engine::StitchPlan& plan,
    verilated::TraceFormat trace = verilated::TraceFormat::VCD);

class StitchedDriver {
 public:
  // Generates the top (module name from its content hash), finds or builds its variant.
  explicit StitchedDriver(const engine::StitchPlan& plan,
                          verilated::TraceFormat trace = verilated::TraceFormat::VCD);

  const engine::StitchedTop& top() const { return top_; }
  const verilated::PortVariant& variant() const { return *variant_; }
  int in_width() const { return in_width_; }
  int out_width() const { return out_width_; }

  // Feeds beats 0 .. count - 1 of `beats` (port images of in_width() bits) from reset until
  // `outputs` beats came out and every input was taken, or max_cycles edges (0: a generous limit
  // from the counts). on_edge sees each cycle's handshake before its edge (and may read ports).
  StreamRun run(const verilated::PortImages& beats, std::size_t count, std::size_t outputs,
                StreamPattern valid, StreamPattern ready, const EdgeCallback& on_edge = {},
                std::uint64_t max_cycles = 0);
  // The output beats of the last run (port images of out_width() bits), in order.
  const verilated::PortImages& outputs() const { return outputs_; }

  // A port of the top by name (throws std::invalid_argument naming the ports it has).
  int port(const std::string& name) const;
  void set(int port, const std::uint32_t* words) { model_->set(port, words); }
  void get(int port, std::uint32_t* words) const { model_->get(port, words); }
  verilated::PortModel& model() { return *model_; }

  // The device interface of run_stream (stream_drive.hpp), also a loop of one's own (a DMA model
  // as the source, a sink model taking the results): set_beats(), reset(), then per cycle
  // settle(in_valid, index of the beat on in_data, out_ready), in_ready() / out_valid() /
  // out_data(), rise().
  void set_beats(const verilated::PortImages& beats, std::size_t count);
  void reset();
  void settle(bool in_valid, std::size_t beat, bool out_ready);
  bool in_ready() const { return bit(in_ready_); }
  bool out_valid() const { return bit(out_valid_); }
  const std::uint32_t* out_data() const;  // the current out_data image (valid until the next call)
  void collect();
  void rise();

 private:
  bool bit(int port) const;

  engine::StitchedTop top_;
  const verilated::PortVariant* variant_ = nullptr;
  std::unique_ptr<verilated::PortModel> model_;
  int in_width_ = 0, out_width_ = 0;
  int clk_, rst_n_, in_valid_, in_ready_, in_data_, out_valid_, out_ready_, out_data_;
  const verilated::PortImages* beats_ = nullptr;
  std::size_t beat_count_ = 0;
  std::size_t last_beat_ = static_cast<std::size_t>(-1);
  verilated::PortImages outputs_;
  std::size_t collected_ = 0;
  mutable std::uint32_t scratch_[2] = {0, 0};
  mutable std::vector<std::uint32_t> out_image_;
};

// Lanes of `width` bits from a port image (lane i at bits [i*width +: width]), sign-extended when
// is_signed: the raw values of an output beat.
std::vector<std::int64_t> unpack_lanes(const std::uint32_t* words, int lanes, int width,
                                       bool is_signed);

}  // namespace fxsim::tlm_rtl
