#include "models/streaming/mvau_model.hpp"

#include <stdexcept>
#include <string>

#include "fx/stochastic.hpp"

namespace fxsim::streaming {
namespace {

// RND_STOCH lanes (rtl/mvau.sv's lfsr_seed): PE p's accumulator draws from state p, bn_act lane
// p from state PE + p. Without states (cfg.lfsr_seeds empty) a stochastic lane throws when it
// first rounds, as units::Accumulator / units::bn_act do.
std::uint64_t lane_seed(const units::MvauConfig& cfg, int lane) {
  return cfg.lfsr_seeds.empty() ? 0 : cfg.lfsr_seeds.at(static_cast<std::size_t>(lane));
}

std::vector<units::Accumulator> lane_accumulators(const units::MvauConfig& cfg) {
  if (!cfg.lfsr_seeds.empty() && static_cast<int>(cfg.lfsr_seeds.size()) != 2 * cfg.pe) {
    throw std::invalid_argument("mvau model: expected 2 * PE = " + std::to_string(2 * cfg.pe) +
                                " lane LFSR states, got " + std::to_string(cfg.lfsr_seeds.size()));
  }
  std::vector<units::Accumulator> acc;
  for (int p = 0; p < cfg.pe; ++p) {
    units::AccumulatorConfig a = cfg.acc();
    if (fx::is_stochastic(a.out.rounding)) a.lfsr_seed = lane_seed(cfg, p);
    acc.emplace_back(a);
  }
  return acc;
}

std::vector<fx::Lfsr> bn_lanes(const units::MvauConfig& cfg) {
  std::vector<fx::Lfsr> lanes;
  if (!cfg.bn || !fx::is_stochastic(cfg.bn_cfg.out.rounding) || cfg.lfsr_seeds.empty()) {
    return lanes;
  }
  for (int p = 0; p < cfg.pe; ++p) lanes.emplace_back(lane_seed(cfg, cfg.pe + p));
  return lanes;
}

}  // namespace

MvauControl::MvauControl(const units::MvauConfig& cfg)
    : sf_(cfg.sf()),
      nf_(cfg.nf()),
      depth_(cfg.sf() * cfg.nf()),
      stages_(cfg.acc().stages),
      bn_stages_(cfg.has_act() ? cfg.act_stages() : 1),
      bn_(cfg.has_act()) {
  if (stages_ < 1 || stages_ > 31 || bn_stages_ < 1 || bn_stages_ > 31) {
    throw std::out_of_range("mvau model: STAGES / BN_STAGES outside 1..31");
  }
  reset();
}

void MvauControl::reset() {
  w_valid_ = false;
  rd_addr_ = q_row_ = 0;
  s_ = f_ = of_ = 0;
  valid_ = bn_valid_ = 0;
}

void MvauControl::restart() {
  w_valid_ = false;
  rd_addr_ = 0;
  s_ = f_ = of_ = 0;
}

void MvauControl::append_state(std::vector<std::int64_t>* out) const {
  // Not the weight rows (rd_addr_, q_row_) nor bn_act's output fold (of_): they select data and
  // decide no handshake.
  for (const int v :
       {w_valid_ ? 1 : 0, s_, f_, static_cast<int>(valid_), static_cast<int>(bn_valid_)}) {
    out->push_back(v);
  }
}

MvauModel::MvauModel(const units::MvauConfig& cfg)
    : cfg_(cfg),
      control_(cfg),
      sf_(cfg.sf()),
      depth_(cfg.sf() * cfg.nf()),
      stages_(cfg.acc().stages),
      acc_(lane_accumulators(cfg)),
      bn_lfsr_(bn_lanes(cfg)) {
  const std::size_t n = static_cast<std::size_t>(depth_) * cfg.pe * cfg.simd;
  if (cfg.kind == units::PeKind::MAC) {
    raw_.assign(n, 0);
  } else if (cfg.kind == units::PeKind::XNOR) {
    codes_.assign(n, 0);
  } else {
    terms_.assign(n, fx::Terms{});
  }
  ibuf_.assign(static_cast<std::size_t>(sf_), Lanes(static_cast<std::size_t>(cfg.simd), 0));
  result_.assign(static_cast<std::size_t>(cfg.pe), 0);
  data_.assign(static_cast<std::size_t>(stages_), result_);
  if (cfg.has_act()) bn_stages_ = cfg.act_stages();
  bn_result_ = result_;
  bn_data_.assign(static_cast<std::size_t>(bn_stages_), result_);
  bn_scale_.assign(static_cast<std::size_t>(cfg.mh), 0);
  bn_bias_.assign(static_cast<std::size_t>(cfg.mh), 0);
  bn_terms_.assign(static_cast<std::size_t>(cfg.mh), fx::Terms{});
  th_.assign(static_cast<std::size_t>(cfg.mh), units::ThresholdChannel{});
  reset();
}

void MvauModel::load_bn(const units::MvauBn& bn) {
  if (cfg_.threshold) {
    for (int o = 0; o < cfg_.mh; ++o) {
      const auto i = static_cast<std::size_t>(o);
      units::check_channel(cfg_.th, bn.thresholds.at(i));
      th_[i] = bn.thresholds[i];
    }
    return;
  }
  const bool khot = cfg_.bn_cfg.scale_kind == 1;
  for (int o = 0; o < cfg_.mh; ++o) {
    const auto i = static_cast<std::size_t>(o);
    if (khot) {
      bn_terms_[i] = bn.scale_terms.at(i);
    } else {
      bn_scale_[i] = bn.scale.at(i);
    }
    bn_bias_[i] = bn.bias.at(i);
  }
}

void MvauModel::write(int addr, const units::WeightBeat& row) {
  if (addr < 0 || addr >= depth_ || static_cast<int>(row.size()) != cfg_.pe * cfg_.simd) {
    throw std::out_of_range("mvau model: bad weight row " + std::to_string(addr));
  }
  const int ww = cfg_.weight_width();
  for (std::size_t j = 0; j < row.size(); ++j) {
    const std::uint64_t word = row[j];
    const std::size_t at = static_cast<std::size_t>(addr) * row.size() + j;
    if (cfg_.kind == units::PeKind::MAC) {
      // The PE sign-extends a signed weight (W_SIGNED), zero-extends an unsigned one.
      const std::uint64_t mask = (std::uint64_t{1} << ww) - 1;
      std::uint64_t v = word & mask;
      if (cfg_.mac.w.is_signed && ((v >> (ww - 1)) & 1)) v |= ~mask;
      raw_[at] = static_cast<std::int64_t>(v);
    } else if (cfg_.kind == units::PeKind::XNOR) {
      codes_[at] = word & ((std::uint64_t{1} << ww) - 1);
    } else {
      // Terms {en, neg, shift}, term k at bits [k*TW +: TW]; a term without en adds nothing.
      const int tw = cfg_.khot.term_width();
      fx::Terms& t = terms_[at];
      t.clear();
      for (int k = 0; k < cfg_.khot.k; ++k) {
        const std::uint64_t term = word >> (k * tw);
        if (((term >> (tw - 1)) & 1) == 0) continue;
        t.push_back(fx::Term{((term >> (tw - 2)) & 1) != 0,
                             static_cast<int>(term & ((1u << cfg_.khot.sh_w) - 1))});
      }
    }
  }
  control_.restart();  // wr_en holds the weight stream in reset and clears the counters
}

void MvauModel::load(const units::WeightImage& image) {
  for (int a = 0; a < depth_; ++a) write(a, image.row(a));
}

void MvauModel::reset() {
  control_.reset();
  // rst_n loads every lane's LFSR with its state again (the accumulators restart on `start`).
  for (units::Accumulator& a : acc_) a.reset();
  bn_lfsr_ = bn_lanes(cfg_);
}

std::int64_t MvauModel::beat_sum(const Lanes& a, int row, int p) const {
  const std::size_t at = (static_cast<std::size_t>(row) * cfg_.pe + p) * cfg_.simd;
  switch (cfg_.kind) {
    case units::PeKind::MAC:
      return units::mac_beat_sum(a.data(), &raw_[at], cfg_.simd);
    case units::PeKind::XNOR:
      return units::xnor_beat_sum(cfg_.xnor.mode, cfg_.simd, a.data(), &codes_[at], cfg_.simd);
    case units::PeKind::KHOT:
      break;
  }
  return units::khot_beat_sum(a.data(), &terms_[at], cfg_.simd);
}

void MvauModel::edge(bool in_valid, const Lanes& in, bool out_ready) {
  const MvauControl::Step st = control_.edge(in_valid, out_ready);
  if (st.bn_advance) {
    if (st.bn_take) {  // the lanes on the PEs' current output, before their registers advance
      const Lanes& x = data_[static_cast<std::size_t>(stages_ - 1)];
      const bool khot = cfg_.bn_cfg.scale_kind == 1;
      for (int p = 0; p < cfg_.pe; ++p) {
        const auto o = static_cast<std::size_t>(st.of * cfg_.pe + p);
        const std::int64_t xp = x[static_cast<std::size_t>(p)];
        bn_result_[static_cast<std::size_t>(p)] =
            cfg_.threshold
                ? units::threshold(cfg_.th, xp, th_[o])
                : units::bn_act(cfg_.bn_cfg, xp, khot ? 0 : bn_scale_[o], bn_terms_[o], bn_bias_[o],
                                bn_lfsr_.empty() ? nullptr : &bn_lfsr_[static_cast<std::size_t>(p)])
                      .y;
      }
    }
    for (int k = bn_stages_ - 1; k > 0; --k) {
      bn_data_[static_cast<std::size_t>(k)].swap(bn_data_[static_cast<std::size_t>(k - 1)]);
    }
    if (st.bn_take) bn_data_[0] = bn_result_;
  }
  if (st.fire) {
    Lanes& held = ibuf_[static_cast<std::size_t>(st.s)];
    if (st.first) held = in;  // the buffer's write (same size: no allocation)
    for (int p = 0; p < cfg_.pe; ++p) {
      const auto r =
          acc_[static_cast<std::size_t>(p)].beat(beat_sum(held, st.row, p), st.s == 0, st.last);
      if (r) result_[static_cast<std::size_t>(p)] = r->data;
    }
  }
  if (st.advance) {
    for (int k = stages_ - 1; k > 0; --k) {
      data_[static_cast<std::size_t>(k)].swap(data_[static_cast<std::size_t>(k - 1)]);
    }
    if (st.fire && st.last) data_[0] = result_;
  }
}

MvauModule::MvauModule(const sc_core::sc_module_name& name, const units::MvauConfig& cfg)
    : sc_core::sc_module(name), model_(cfg) {
  SC_HAS_PROCESS(MvauModule);
  SC_METHOD(on_clock);
  sensitive << clk.pos();
  dont_initialize();
  SC_METHOD(drive);
  sensitive << out_ready << state_changed_;
}

void MvauModule::on_clock() {
  if (!rst_n.read()) {
    model_.reset();
  } else {
    if (mac_tap_ && model_.mac_valid() && model_.mac_ready(out_ready.read())) {
      mac_tap_->push_back(model_.mac_data());
    }
    model_.edge(in_valid.read(), in_data.read().values, out_ready.read());
  }
  state_changed_.notify(sc_core::SC_ZERO_TIME);
}

void MvauModule::drive() {
  in_ready.write(model_.in_ready(out_ready.read()));
  out_valid.write(model_.out_valid());
  out_data.write(StreamData{model_.out_data()});
}

}  // namespace fxsim::streaming
