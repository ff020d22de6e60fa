#include "tlm/rtl/verilated_lane_unit.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace fxsim::tlm_rtl {
namespace {

// The `width` bits (<= 64) at bit `lsb` of a port image (port_image.hpp's layout).
std::uint64_t get_field(const std::uint32_t* words, int lsb, int width) {
  std::uint64_t v = 0;
  int done = 0;
  while (done < width) {
    const int word = (lsb + done) / 32, bit = (lsb + done) % 32;
    const int take = std::min(width - done, 32 - bit);
    v |= (static_cast<std::uint64_t>(words[word] >> bit) & verilated::low_mask(take)) << done;
    done += take;
  }
  return v;
}

int find_port(const verilated::PortModel& m, const char* unit, const char* name) {
  for (int i = 0; i < m.port_count(); ++i) {
    if (std::strcmp(m.port_name(i), name) == 0) return i;
  }
  throw std::invalid_argument(std::string("rtl backend: the ") + unit + " variant has no port " +
                              name);
}

}  // namespace

VerilatedLaneUnit::VerilatedLaneUnit(const verilated::PortVariant& variant, const char* unit,
                                     const LaneUnitShape& shape, const char* instance)
    : shape_(shape), model_(variant.make(instance)) {
  const verilated::PortModel& m = *model_;
  clk_ = find_port(m, unit, "clk");
  rst_n_ = find_port(m, unit, "rst_n");
  in_valid_ = find_port(m, unit, "in_valid");
  in_ready_ = find_port(m, unit, "in_ready");
  in_data_ = find_port(m, unit, "in_data");
  out_valid_ = find_port(m, unit, "out_valid");
  out_ready_ = find_port(m, unit, "out_ready");
  out_data_ = find_port(m, unit, "out_data");
  wr_en_ = find_port(m, unit, "wr_en");
  wr_addr_ = find_port(m, unit, "wr_addr");
  wr_data_ = find_port(m, unit, "wr_data");
  in_words_.assign(static_cast<std::size_t>(verilated::port_words(shape.pe * shape.in_w)), 0);
  out_words_.assign(static_cast<std::size_t>(verilated::port_words(shape.pe * shape.out_w)), 0);
}

void VerilatedLaneUnit::clock() {
  set_bit(clk_, true);
  model_->eval();
  set_bit(clk_, false);
  model_->eval();
}

void VerilatedLaneUnit::reset() {
  set_bit(rst_n_, false);
  set_bit(in_valid_, false);
  set_bit(out_ready_, true);
  set_bit(wr_en_, false);
  set_bit(clk_, false);
  model_->eval();
  clock();
  clock();
  set_bit(rst_n_, true);
  model_->eval();
}

verilated::PortImages& VerilatedLaneUnit::fresh_words() {
  words_.reset(static_cast<std::size_t>(shape_.folds), shape_.pe * shape_.word_w);
  return words_;
}

void VerilatedLaneUnit::write_words() {
  set_bit(in_valid_, false);
  set_bit(wr_en_, true);
  for (int f = 0; f < shape_.folds; ++f) {
    const std::uint32_t addr[2] = {static_cast<std::uint32_t>(f), 0};
    model_->set(wr_addr_, addr);
    model_->set(wr_data_, words_.at(static_cast<std::size_t>(f)));
    set_bit(clk_, false);
    model_->eval();
    clock();
  }
  set_bit(wr_en_, false);
  model_->eval();
}

verilated::UnitSample VerilatedLaneUnit::step(bool valid, const std::uint64_t* in,
                                              std::uint64_t* out) {
  set_bit(in_valid_, valid);
  if (valid) {  // the lanes only matter when offered
    std::fill(in_words_.begin(), in_words_.end(), 0);
    // or_lanes reads int64; the lanes' bits are what matter (it masks them to in_w).
    verilated::or_lanes(in_words_.data(), reinterpret_cast<const std::int64_t*>(in), shape_.pe,
                        shape_.in_w);
    model_->set(in_data_, in_words_.data());
  }
  set_bit(clk_, false);
  model_->eval();
  verilated::UnitSample u;
  std::uint32_t bit = 0;
  model_->get(in_ready_, &bit);
  u.in_ready = bit != 0;
  model_->get(out_valid_, &bit);
  u.out_valid = bit != 0;
  model_->get(out_data_, out_words_.data());
  for (int p = 0; p < shape_.pe; ++p) {
    out[p] = get_field(out_words_.data(), p * shape_.out_w, shape_.out_w);
  }
  return u;
}

void VerilatedLaneUnit::rise() {
  set_bit(clk_, true);
  model_->eval();
}

}  // namespace fxsim::tlm_rtl
