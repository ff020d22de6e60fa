#include "tlm/rtl/stitched_driver.hpp"

#include <stdexcept>

namespace fxsim::tlm_rtl {
namespace {

const std::uint32_t kZero[2] = {0, 0};
const std::uint32_t kOne[2] = {1, 0};

const std::uint32_t* level(bool high) { return high ? kOne : kZero; }

}  // namespace

verilated::VariantRequest stitched_request(const engine::StitchedTop& top,
                                           const engine::StitchPlan& plan,
                                           verilated::TraceFormat trace) {
  verilated::VariantRequest r;
  r.trace = trace;
  r.kind = verilated::AdapterKind::PORTS;
  r.generated = verilated::GeneratedTop{top.name, top.file_name, top.text, plan.units()};
  return r;
}

StitchedDriver::StitchedDriver(const engine::StitchPlan& plan, verilated::TraceFormat trace)
    : top_(engine::stitched_top(plan)),
      variant_(&verilated::find_port_variant(stitched_request(top_, plan, trace))),
      model_(variant_->make("stitched")),
      in_width_(plan.in_width()),
      out_width_(plan.out_width()),
      clk_(port("clk")),
      rst_n_(port("rst_n")),
      in_valid_(port("in_valid")),
      in_ready_(port("in_ready")),
      in_data_(port("in_data")),
      out_valid_(port("out_valid")),
      out_ready_(port("out_ready")),
      out_data_(port("out_data")),
      out_image_(static_cast<std::size_t>(verilated::port_words(out_width_)), 0) {}

int StitchedDriver::port(const std::string& name) const {
  std::string names;
  for (int i = 0; i < model_->port_count(); ++i) {
    if (name == model_->port_name(i)) return i;
    names += (names.empty() ? "" : ", ") + std::string(model_->port_name(i));
  }
  throw std::invalid_argument("the stitched top " + top_.name + " has no port " + name +
                              "; its ports: " + names);
}

bool StitchedDriver::bit(int port) const {
  model_->get(port, scratch_);
  return (scratch_[0] & 1) != 0;
}

void StitchedDriver::reset() {
  model_->set(rst_n_, kZero);
  model_->set(in_valid_, kZero);
  model_->set(out_ready_, kZero);
  for (int i = 0; i < 2; ++i) {
    model_->set(clk_, kZero);
    model_->eval();
    model_->set(clk_, kOne);
    model_->eval();
  }
  model_->set(rst_n_, kOne);
  model_->set(clk_, kZero);
  model_->eval();
  last_beat_ = static_cast<std::size_t>(-1);
  collected_ = 0;
}

void StitchedDriver::settle(bool in_valid, std::size_t beat, bool out_ready) {
  if (beat != last_beat_ && beat_count_ > 0) {  // copied in once, not on every edge it waits
    model_->set(in_data_, beats_->at(beat));
    last_beat_ = beat;
  }
  model_->set(in_valid_, level(in_valid));
  model_->set(out_ready_, level(out_ready));
  model_->set(clk_, kZero);
  model_->eval();
}

void StitchedDriver::set_beats(const verilated::PortImages& beats, std::size_t count) {
  if (count > 0 && beats.stride() != static_cast<std::size_t>(verilated::port_words(in_width_))) {
    throw std::invalid_argument("stitched driver: input images are not of in_data's width");
  }
  beats_ = &beats;
  beat_count_ = count;
  last_beat_ = static_cast<std::size_t>(-1);
}

const std::uint32_t* StitchedDriver::out_data() const {
  model_->get(out_data_, out_image_.data());
  return out_image_.data();
}

void StitchedDriver::collect() { model_->get(out_data_, outputs_.at(collected_++)); }

void StitchedDriver::rise() {
  model_->set(clk_, kOne);
  model_->eval();
}

StreamRun StitchedDriver::run(const verilated::PortImages& beats, std::size_t count,
                              std::size_t outputs, StreamPattern valid, StreamPattern ready,
                              const EdgeCallback& on_edge, std::uint64_t max_cycles) {
  set_beats(beats, count);
  outputs_.reset(outputs, out_width_);
  if (max_cycles == 0) max_cycles = 1000 + 1000 * (count + outputs);
  return run_stream(*this, count, outputs, std::move(valid), std::move(ready), on_edge, max_cycles);
}

std::vector<std::int64_t> unpack_lanes(const std::uint32_t* words, int lanes, int width,
                                       bool is_signed) {
  std::vector<std::int64_t> out(static_cast<std::size_t>(lanes));
  for (int l = 0; l < lanes; ++l) {
    std::uint64_t v = 0;
    for (int b = 0; b < width; ++b) {
      const int bit = l * width + b;
      v |= static_cast<std::uint64_t>((words[bit / 32] >> (bit % 32)) & 1) << b;
    }
    if (is_signed && width < 64 && ((v >> (width - 1)) & 1)) v |= ~verilated::low_mask(width);
    out[static_cast<std::size_t>(l)] = static_cast<std::int64_t>(v);
  }
  return out;
}

}  // namespace fxsim::tlm_rtl
