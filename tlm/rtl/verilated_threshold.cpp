#include "tlm/rtl/verilated_threshold.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

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

int find_port(const verilated::PortModel& m, const char* name) {
  for (int i = 0; i < m.port_count(); ++i) {
    if (std::strcmp(m.port_name(i), name) == 0) return i;
  }
  throw std::invalid_argument(std::string("rtl backend: the threshold variant has no port ") +
                              name);
}

}  // namespace

VerilatedThreshold::VerilatedThreshold(const verilated::PortVariant& variant,
                                       const units::ThresholdConfig& cfg, const char* instance)
    : cfg_(cfg), model_(variant.make(instance)) {
  const verilated::PortModel& m = *model_;
  clk_ = find_port(m, "clk");
  rst_n_ = find_port(m, "rst_n");
  in_valid_ = find_port(m, "in_valid");
  in_ready_ = find_port(m, "in_ready");
  in_data_ = find_port(m, "in_data");
  out_valid_ = find_port(m, "out_valid");
  out_ready_ = find_port(m, "out_ready");
  out_data_ = find_port(m, "out_data");
  wr_en_ = find_port(m, "wr_en");
  wr_addr_ = find_port(m, "wr_addr");
  wr_data_ = find_port(m, "wr_data");
  in_words_.assign(static_cast<std::size_t>(verilated::port_words(cfg.pe * cfg.x_w)), 0);
  out_words_.assign(static_cast<std::size_t>(verilated::port_words(cfg.pe * cfg.out_w())), 0);
}

void VerilatedThreshold::clock() {
  set_bit(clk_, true);
  model_->eval();
  set_bit(clk_, false);
  model_->eval();
}

void VerilatedThreshold::reset() {
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

void VerilatedThreshold::load(const std::int64_t* directions, const std::int64_t* thresholds,
                              int channels) {
  const int word = cfg_.word_width(), th_w = cfg_.threshold_w(), t = cfg_.thresholds;
  words_.reset(static_cast<std::size_t>(cfg_.folds()), cfg_.pe * word);
  for (int c = 0; c < channels; ++c) {
    std::uint32_t* w = words_.at(static_cast<std::size_t>(c / cfg_.pe));
    const int lsb = (c % cfg_.pe) * word;
    verilated::or_field(w, lsb, 1, static_cast<std::uint64_t>(directions[c]) & 1);
    for (int k = 0; k < t; ++k) {
      verilated::or_field(
          w, lsb + 1 + k * th_w, th_w,
          static_cast<std::uint64_t>(thresholds[static_cast<std::size_t>(c) * t + k]));
    }
  }
  set_bit(in_valid_, false);
  set_bit(wr_en_, true);
  for (int f = 0; f < cfg_.folds(); ++f) {
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

verilated::UnitSample VerilatedThreshold::step(bool valid, const std::uint64_t* acc,
                                               std::uint64_t* out) {
  set_bit(in_valid_, valid);
  if (valid) {  // the lanes only matter when offered
    std::fill(in_words_.begin(), in_words_.end(), 0);
    verilated::or_lanes(in_words_.data(), reinterpret_cast<const std::int64_t*>(acc), cfg_.pe,
                        cfg_.x_w);
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
  const int out_w = cfg_.out_w();
  for (int p = 0; p < cfg_.pe; ++p) out[p] = get_field(out_words_.data(), p * out_w, out_w);
  return u;
}

void VerilatedThreshold::rise() {
  set_bit(clk_, true);
  model_->eval();
}

}  // namespace fxsim::tlm_rtl
