// The adapters behind verilated_unit.hpp: one template per port family over the Verilated
// V-class. Port types vary with the parameters (CData/SData/IData/QData up to 64 bits, VlWide<N>
// above); load_port copies a port image into whichever it is. Compiled into each variant's
// shared object only (variant_sources.cpp writes the translation unit that includes it).
#pragma once

#include <verilated.h>
#include <verilated_fst_c.h>
#include <verilated_vcd_c.h>

#include <cstdint>
#include <type_traits>
#include <utility>

#include "port_image.hpp"
#include "verilated_unit.hpp"

namespace fxsim::verilated {

// Whether a V-class has the lfsr_seed port (fx_mac_pe, khot_pe, bn_act; not xnor_pe).
template <typename V, typename = void>
struct HasLfsrSeed : std::false_type {};
template <typename V>
struct HasLfsrSeed<V, std::void_t<decltype(std::declval<V&>().lfsr_seed)>> : std::true_type {};

template <typename V>
void set_lfsr_seed_port(V& m, std::uint32_t state) {
  if constexpr (HasLfsrSeed<V>::value) m.lfsr_seed = state;
}

template <typename T>
std::enable_if_t<std::is_integral_v<T>> load_port(T& port, const std::uint32_t* words) {
  if constexpr (sizeof(T) > 4) {
    port = static_cast<T>(words[0] | (std::uint64_t{words[1]} << 32));
  } else {
    port = static_cast<T>(words[0]);
  }
}

template <std::size_t N>
void load_port(VlWide<N>& port, const std::uint32_t* words) {
  for (std::size_t i = 0; i < N; ++i) port[i] = words[i];
}

template <typename T>
std::enable_if_t<std::is_integral_v<T>> store_port(const T& port, std::uint32_t* words) {
  const std::uint64_t v = port;
  words[0] = static_cast<std::uint32_t>(v);
  if constexpr (sizeof(T) > 4) words[1] = static_cast<std::uint32_t>(v >> 32);
}

template <std::size_t N>
void store_port(const VlWide<N>& port, std::uint32_t* words) {
  for (std::size_t i = 0; i < N; ++i) words[i] = port[i];
}

// Attaches a Verilated model to the open trace file of its variant's format (99 levels: every
// signal of the unit and the modules it instantiates).
template <TraceFormat F, typename V>
void trace_model(V& model, const TraceTarget& target) {
  if constexpr (F == TraceFormat::FST) {
    model.trace(target.fst, 99);
  } else {
    model.trace(target.vcd, 99);
  }
}

// One port of a PortModel: name, direction, width (the generated adapter's table).
struct PortSpec {
  const char* name;
  bool is_input;
  int width;
};

// The table-driven part of a port-level adapter; the generated subclass supplies set() / get()
// (a switch over the ports of its V-class).
template <typename V, TraceFormat F>
class VerilatedPorts : public PortModel {
 public:
  VerilatedPorts(const char* instance, const PortSpec* ports, int count)
      : m_(instance), ports_(ports), count_(count) {}
  int port_count() const override { return count_; }
  const char* port_name(int port) const override { return ports_[port].name; }
  int port_width(int port) const override { return ports_[port].width; }
  bool port_is_input(int port) const override { return ports_[port].is_input; }
  void eval() override { m_.eval(); }
  void trace(const TraceTarget& target) override { trace_model<F>(m_, target); }

 protected:
  V m_;

 private:
  const PortSpec* ports_;
  int count_;
};

// Shared clock / reset / handshake plumbing of every unit.
template <typename V, TraceFormat F, typename Base>
class VerilatedUnit : public Base {
 public:
  explicit VerilatedUnit(const char* instance) : m_(instance) {}

  void reset() override {
    m_.rst_n = 0;
    m_.in_valid = 0;
    m_.out_ready = 1;
    for (int i = 0; i < 2; ++i) {
      m_.clk = 1;
      m_.eval();
      m_.clk = 0;
      m_.eval();
    }
    m_.rst_n = 1;
    m_.eval();
  }
  void set_out_ready(bool ready) override { m_.out_ready = ready; }
  void settle() override {
    m_.clk = 0;
    m_.eval();
  }
  void rise() override {
    m_.clk = 1;
    m_.eval();
  }
  bool in_ready() const override { return m_.in_ready; }
  bool out_valid() const override { return m_.out_valid; }
  void trace(const TraceTarget& target) override { trace_model<F>(m_, target); }

 protected:
  V m_;
};

template <typename V, TraceFormat F>
class VerilatedPe final : public VerilatedUnit<V, F, PeModel> {
 public:
  using VerilatedUnit<V, F, PeModel>::VerilatedUnit;
  void set_inputs(bool valid, bool start, bool last, const std::uint32_t* a,
                  const std::uint32_t* w) override {
    this->m_.in_valid = valid;
    this->m_.in_start = start;
    this->m_.in_last = last;
    load_port(this->m_.in_a, a);
    load_port(this->m_.in_w, w);
  }
  std::uint64_t out_data() const override { return this->m_.out_data; }
  bool out_overflow() const override { return this->m_.out_overflow; }
  void set_lfsr_seed(std::uint32_t state) override { set_lfsr_seed_port(this->m_, state); }
  UnitSample step(bool valid, bool start, bool last, const std::uint32_t* a, const std::uint32_t* w,
                  bool out_ready) override {
    set_inputs(valid, start, last, a, w);
    this->m_.out_ready = out_ready;
    this->m_.clk = 0;
    this->m_.eval();
    return {static_cast<bool>(this->m_.in_ready), static_cast<bool>(this->m_.out_valid),
            static_cast<std::uint64_t>(this->m_.out_data)};
  }
};

template <typename V, TraceFormat F>
class VerilatedBn final : public VerilatedUnit<V, F, BnModel> {
 public:
  using VerilatedUnit<V, F, BnModel>::VerilatedUnit;
  void set_inputs(bool valid, std::uint64_t x, std::uint64_t scale, std::uint64_t bias) override {
    this->m_.in_valid = valid;
    this->m_.in_x = static_cast<std::remove_reference_t<decltype(this->m_.in_x)>>(x);
    this->m_.in_scale = static_cast<std::remove_reference_t<decltype(this->m_.in_scale)>>(scale);
    this->m_.in_bias = static_cast<std::remove_reference_t<decltype(this->m_.in_bias)>>(bias);
  }
  std::uint64_t out_y() const override { return this->m_.out_y; }
  void set_lfsr_seed(std::uint32_t state) override { set_lfsr_seed_port(this->m_, state); }
  UnitSample step(bool valid, std::uint64_t x, std::uint64_t scale, std::uint64_t bias,
                  bool out_ready) override {
    set_inputs(valid, x, scale, bias);
    this->m_.out_ready = out_ready;
    this->m_.clk = 0;
    this->m_.eval();
    return {static_cast<bool>(this->m_.in_ready), static_cast<bool>(this->m_.out_valid),
            static_cast<std::uint64_t>(this->m_.out_y)};
  }
};

}  // namespace fxsim::verilated
