#include "testbenches/rtl/port_dut.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace fxsim::rtl_test {

void Port::bind(Dut* dut, int index, int width, bool is_input) {
  dut_ = dut;
  index_ = index;
  width_ = width;
  input_ = is_input;
  image_.assign(static_cast<std::size_t>((width + 31) / 32) + 1, 0);
  read_buffer_.assign(image_.size(), 0);
}

void Port::check(const char* what) const {
  if (!present()) throw std::logic_error(std::string("port ") + name_ + " does not exist: " + what);
}

void Port::read(std::uint32_t* words) const {
  check("read");
  dut_->model_->get(index_, words);
}

Port& Port::operator=(std::uint64_t value) {
  check("write");
  if (!input_) throw std::logic_error(std::string("port ") + name_ + " is an output");
  std::fill(image_.begin(), image_.end(), 0);
  value &= low_mask(width_);
  image_[0] = static_cast<std::uint32_t>(value);
  if (image_.size() > 1) image_[1] = static_cast<std::uint32_t>(value >> 32);
  dirty_ = true;
  return *this;
}

Port::operator std::uint64_t() const {
  read(read_buffer_.data());
  const std::uint64_t v =
      read_buffer_[0] | (read_buffer_.size() > 1 ? std::uint64_t{read_buffer_[1]} << 32 : 0);
  return v & low_mask(width_);
}

void put_bits(Port& port, int lsb, int width, std::uint64_t value) {
  port.check("write");
  for (int b = 0; b < width; ++b) {
    const int bit = lsb + b;
    std::uint32_t& word = port.image_[static_cast<std::size_t>(bit / 32)];
    const std::uint32_t m = std::uint32_t{1} << (bit % 32);
    word = ((value >> b) & 1) ? (word | m) : (word & ~m);
  }
  port.dirty_ = true;
}

std::uint64_t get_bits(const Port& port, int lsb, int width) {
  const std::vector<std::uint32_t>& words = port.read_buffer_;
  port.read(port.read_buffer_.data());
  std::uint64_t v = 0;
  for (int b = 0; b < width; ++b) {
    const int bit = lsb + b;
    v |= static_cast<std::uint64_t>((words[static_cast<std::size_t>(bit / 32)] >> (bit % 32)) & 1)
         << b;
  }
  return v;
}

Dut::Dut(const std::string& unit, const units::ParamMap& overrides,
         std::optional<verilated::TopWrapper> wrapper) {
  verilated::VariantRequest request;
  request.unit = unit;
  request.params = units::resolve_params(units::find_unit(unit), overrides);
  request.wrapper = std::move(wrapper);
  variant_ = &verilated::find_port_variant(request);
  model_ = variant_->make("dut");
  const std::pair<Port*, const char*> ports[] = {{&clk, "clk"},
                                                 {&rst_n, "rst_n"},
                                                 {&in_valid, "in_valid"},
                                                 {&in_ready, "in_ready"},
                                                 {&out_valid, "out_valid"},
                                                 {&out_ready, "out_ready"},
                                                 {&in_start, "in_start"},
                                                 {&in_last, "in_last"},
                                                 {&in_a, "in_a"},
                                                 {&in_w, "in_w"},
                                                 {&out_data, "out_data"},
                                                 {&out_overflow, "out_overflow"},
                                                 {&in_x, "in_x"},
                                                 {&in_scale, "in_scale"},
                                                 {&in_bias, "in_bias"},
                                                 {&out_y, "out_y"},
                                                 {&din, "din"},
                                                 {&dout, "dout"},
                                                 {&flags, "flags"},
                                                 {&run, "run"},
                                                 {&wr_en, "wr_en"},
                                                 {&wr_addr, "wr_addr"},
                                                 {&wr_data, "wr_data"},
                                                 {&in_data, "in_data"},
                                                 {&count, "count"},
                                                 {&bn_wr_en, "bn_wr_en"},
                                                 {&bn_wr_addr, "bn_wr_addr"},
                                                 {&bn_wr_data, "bn_wr_data"},
                                                 {&lfsr_seed, "lfsr_seed"},
                                                 {&rnd, "rnd"}};
  for (const auto& [port, name] : ports) {
    port->name_ = name;
    for (int i = 0; i < model_->port_count(); ++i) {
      if (std::string(model_->port_name(i)) != name) continue;
      port->bind(this, i, model_->port_width(i), model_->port_is_input(i));
    }
  }
}

void Dut::eval() {
  for (Port* p :
       {&clk,     &rst_n,    &in_valid,   &out_ready,  &in_start,  &in_last, &in_a,    &in_w,
        &in_x,    &in_scale, &in_bias,    &din,        &run,       &wr_en,   &wr_addr, &wr_data,
        &in_data, &bn_wr_en, &bn_wr_addr, &bn_wr_data, &lfsr_seed, &rnd}) {
    if (p->dirty_) {
      model_->set(p->index_, p->image_.data());
      p->dirty_ = false;
    }
  }
  model_->eval();
}

bool Dut::has(const char* port) const {
  for (int i = 0; i < model_->port_count(); ++i) {
    if (std::string(model_->port_name(i)) == port) return true;
  }
  return false;
}

verilated::TopWrapper requant_grid_wrapper() {
  const std::string path = std::string(FXSIM_RTL_TEST_DIR) + "/fx_requant_grid.sv";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return {"fx_requant_grid",
          "fx_requant_grid.sv",
          text.str(),
          {"IN_W", "IN_FRAC", "IN_SIGNED", "OUT_W", "OUT_FRAC", "OUT_SIGNED", "N", "AP"}};
}

}  // namespace fxsim::rtl_test
