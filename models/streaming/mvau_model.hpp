// The cycle-accurate model of mvau (rtl/mvau.sv). MvauControl is its state machine without the
// data: the weight stream (weight_mem's out_valid, fold counter and read register, here the
// address of the row it holds), the beat and fold counters, the valid bits of the PEs' STAGES
// result registers (all advancing together on the PEs' global stall) and of bn_act's (or of the
// threshold unit's, BN = 2: the same timing). MvauModel adds the data, one edge() per rising
// clock edge, register by register: the input buffer, per PE the accumulator and the result
// registers, bn_act's / threshold's. MvauModule is the sc_module around it with
// the RTL's stream ports and a load() for the stationary weights. A beat is SIMD activation raws
// in, PE output raws out. RND_STOCH (Q = 7, BN_Q = 7) rounds by the lane rule of rtl/mvau.sv:
// PE p's accumulator and bn_act lane p each own an fx::Lfsr started at cfg.lfsr_seeds[p] and
// [PE + p] (reloaded by reset()), drawn once per result the lane computes, never on a stall.
#pragma once

#include <cstdint>
#include <systemc>
#include <vector>

#include "fx/lfsr.hpp"
#include "models/streaming/feature_map_stream.hpp"
#include "models/streaming/stream_data.hpp"
#include "models/units/mvau/mvau.hpp"

namespace fxsim::streaming {

class MvauControl {
 public:
  explicit MvauControl(const units::MvauConfig& cfg);

  void reset();
  void restart();  // an edge with wr_en high: the weight stream in reset, the counters cleared
  bool in_ready(bool out_ready) const { return f_ == 0 && w_valid_ && pe_advance(out_ready); }
  bool out_valid() const { return bn_ ? bit(bn_valid_, bn_stages_ - 1) : pe_valid(); }
  bool pe_valid() const { return bit(valid_, stages_ - 1); }
  // The PEs' out_ready: the unit's, or the bn_act / threshold lanes' global stall.
  bool pe_out_ready(bool out_ready) const {
    return bn_ ? !bit(bn_valid_, bn_stages_ - 1) || out_ready : out_ready;
  }
  // What an edge does with the data, from the state before it: bn_act's lanes advance
  // (`bn_advance`) taking the PEs' result (`bn_take`) of output fold `of`; the PEs `fire` on
  // beat `s` of the vector (its first fold `first` reads the input, `last` closes the dot
  // products) with weight row `row`; their result registers `advance`.
  struct Step {
    bool bn_advance = false, bn_take = false, fire = false, first = false, last = false;
    bool advance = false;
    int of = 0, s = 0, row = 0;
  };
  Step edge(bool in_valid, bool out_ready);
  void append_state(std::vector<std::int64_t>* out) const;  // as StreamFifoControl's

 private:
  static bool bit(std::uint32_t mask, int k) { return ((mask >> k) & 1u) != 0; }
  bool pe_advance(bool out_ready) const { return !pe_valid() || pe_out_ready(out_ready); }

  int sf_, nf_, depth_, stages_, bn_stages_;
  bool bn_;
  // weight_mem's read side.
  bool w_valid_ = false;
  int rd_addr_ = 0, q_row_ = 0;
  int s_ = 0, f_ = 0, of_ = 0;              // beat, fold, bn_act's output fold
  std::uint32_t valid_ = 0, bn_valid_ = 0;  // bit k: register stage k holds a result
};

class MvauModel {
 public:
  explicit MvauModel(const units::MvauConfig& cfg);

  // The weights, as the RTL's write port leaves them: write(addr, row) is an edge with wr_en high
  // while the unit is idle (after reset or between vectors): it stores the row and restarts the
  // weight stream and the fold counters, as the RTL does. load() writes every row of an image.
  void write(int addr, const units::WeightBeat& row);
  void load(const units::WeightImage& image);
  // BN = 1: the scale / bias memory's contents (what the RTL's bn_wr port writes before the run);
  // BN = 2: the threshold memory's (bn.thresholds).
  void load_bn(const units::MvauBn& bn);

  void reset();  // a rising edge with rst_n low (the weights are kept, the LFSRs reloaded)
  bool in_ready(bool out_ready) const { return control_.in_ready(out_ready); }
  bool out_valid() const { return control_.out_valid(); }
  const Lanes& out_data() const {
    return cfg_.has_act() ? bn_data_[bn_stages_ - 1] : data_[stages_ - 1];
  }
  // A rising edge out of reset with these inputs (`in` is read only when in_valid).
  void edge(bool in_valid, const Lanes& in, bool out_ready);

  const units::MvauConfig& config() const { return cfg_; }

  // The RTL's debug stream mac_valid / mac_ready / mac_data: the PEs' results as they enter
  // bn_act (with BN = 0 the output stream itself). A result moves when both are high.
  bool mac_valid() const { return control_.pe_valid(); }
  bool mac_ready(bool out_ready) const { return control_.pe_out_ready(out_ready); }
  const Lanes& mac_data() const { return data_[stages_ - 1]; }

 private:
  std::int64_t beat_sum(const Lanes& a, int row, int p) const;

  units::MvauConfig cfg_;
  MvauControl control_;
  int sf_, depth_, stages_;
  // The memory, decoded once per write: weight (row, p, i) at (row * PE + p) * SIMD + i.
  std::vector<std::int64_t> raw_;     // PE_KIND 0
  std::vector<fx::Terms> terms_;      // PE_KIND 1
  std::vector<std::uint64_t> codes_;  // PE_KIND 2: xnor_pe's weight codes
  std::vector<Lanes> ibuf_;           // SF beats of the vector being replayed
  // PE x accumulators, and the STAGES result registers every PE shares the timing of.
  std::vector<units::Accumulator> acc_;  // PE p's draws from its own LFSR (RND_STOCH)
  std::vector<fx::Lfsr> bn_lfsr_;        // BN_Q = 7: bn_act lane p's LFSR
  std::vector<Lanes> data_;
  Lanes result_;  // this edge's results (a `last` beat)
  // BN = 1: scale / bias of output o, PE x bn_act's BN_STAGES registers.
  int bn_stages_ = 1;
  std::vector<std::int64_t> bn_scale_, bn_bias_;
  std::vector<fx::Terms> bn_terms_;
  std::vector<units::ThresholdChannel> th_;  // BN = 2: channel o's thresholds
  std::vector<Lanes> bn_data_;
  Lanes bn_result_;
};

class MvauModule : public sc_core::sc_module, public StreamPorts {
 public:
  MvauModule(const sc_core::sc_module_name& name, const units::MvauConfig& cfg);
  // The stationary weights, before the run (the network engine loads them once).
  void load(const units::WeightImage& image) { model_.load(image); }
  void load_bn(const units::MvauBn& bn) { model_.load_bn(bn); }
  const MvauModel& model() const { return model_; }
  // Mismatch localisation: every PE result beat taken (mac_valid && mac_ready) is appended to
  // `beats` (null: none recorded, the default).
  void tap_mac(std::vector<Lanes>* beats) { mac_tap_ = beats; }

 private:
  void on_clock();
  void drive();

  MvauModel model_;
  std::vector<Lanes>* mac_tap_ = nullptr;
  sc_core::sc_event state_changed_;
};

// Inline: the fast timing model (models/network/network_timing.hpp) steps these on every edge.

inline MvauControl::Step MvauControl::edge(bool in_valid, bool out_ready) {
  Step st;
  st.advance = pe_advance(out_ready);
  // bn_act lanes first: they take the PEs' current output (fold of_) when they advance.
  if (bn_ && pe_out_ready(out_ready)) {
    st.bn_advance = true;
    st.bn_take = pe_valid();
    st.of = of_;
    if (st.bn_take) of_ = of_ == nf_ - 1 ? 0 : of_ + 1;
    bn_valid_ = ((bn_valid_ << 1) | (st.bn_take ? 1u : 0u)) & ((1u << bn_stages_) - 1);
  }
  st.first = f_ == 0;
  st.fire = w_valid_ && (!st.first || in_valid) && st.advance;
  st.last = s_ == sf_ - 1;
  st.s = s_;
  st.row = q_row_;
  // The PEs' pipelines: every register advances together on the global stall.
  if (st.advance) {
    valid_ = ((valid_ << 1) | (st.fire && st.last ? 1u : 0u)) & ((1u << stages_) - 1);
  }
  // weight_mem: the read register loads on its advance (empty or taken), run is always high.
  if (!w_valid_ || st.fire) {
    q_row_ = rd_addr_;
    w_valid_ = true;
    rd_addr_ = rd_addr_ == depth_ - 1 ? 0 : rd_addr_ + 1;
  }
  if (st.fire) {
    if (st.last) {
      s_ = 0;
      f_ = f_ == nf_ - 1 ? 0 : f_ + 1;
    } else {
      ++s_;
    }
  }
  return st;
}

}  // namespace fxsim::streaming
