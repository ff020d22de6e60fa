#include "models/streaming/int_requant_model.hpp"

#include <stdexcept>
#include <string>

namespace fxsim::streaming {

IntRequantModel::IntRequantModel(const units::IntRequantConfig& cfg)
    : cfg_(cfg),
      channels_(static_cast<std::size_t>(cfg.channels)),
      slots_(static_cast<std::size_t>(cfg.stages)) {
  reset();
}

void IntRequantModel::reset() {
  for (Slot& s : slots_) s = Slot{false, Lanes(static_cast<std::size_t>(cfg_.pe), 0)};
  fold_ = 0;
}

void IntRequantModel::write(int fold, const std::vector<units::IntRequantChannel>& lanes) {
  if (fold < 0 || fold >= cfg_.folds() || static_cast<int>(lanes.size()) != cfg_.pe) {
    throw std::invalid_argument("int_requant model: word " + std::to_string(fold) + " of " +
                                std::to_string(lanes.size()) + " lanes, expected 0.." +
                                std::to_string(cfg_.folds() - 1) + " of " +
                                std::to_string(cfg_.pe));
  }
  for (int p = 0; p < cfg_.pe; ++p) {
    units::check_channel(cfg_, lanes[static_cast<std::size_t>(p)]);
    channels_[static_cast<std::size_t>(fold * cfg_.pe + p)] = lanes[static_cast<std::size_t>(p)];
  }
  fold_ = 0;
}

void IntRequantModel::edge(bool in_valid, const Lanes& in, bool out_ready) {
  if (!in_ready(out_ready)) return;  // a stall freezes every stage
  for (std::size_t k = slots_.size() - 1; k > 0; --k) slots_[k] = slots_[k - 1];
  Slot& first = slots_.front();
  first.valid = in_valid;
  if (!in_valid) return;  // the data registers keep what they had: nothing reads them
  for (int p = 0; p < cfg_.pe; ++p) {
    const units::IntRequantChannel& ch = channels_[static_cast<std::size_t>(fold_ * cfg_.pe + p)];
    first.data[static_cast<std::size_t>(p)] =
        units::int_requant(cfg_, in.at(static_cast<std::size_t>(p)), ch);
  }
  fold_ = fold_ == cfg_.folds() - 1 ? 0 : fold_ + 1;
}

IntRequantModule::IntRequantModule(const sc_core::sc_module_name& name,
                                   const units::IntRequantConfig& cfg)
    : sc_core::sc_module(name), model_(cfg) {
  SC_HAS_PROCESS(IntRequantModule);
  SC_METHOD(on_clock);
  sensitive << clk.pos();
  dont_initialize();
  SC_METHOD(drive);
  sensitive << out_ready << state_changed_;
}

void IntRequantModule::on_clock() {
  if (!rst_n.read()) {
    model_.reset();
  } else {
    model_.edge(in_valid.read(), in_data.read().values, out_ready.read());
  }
  state_changed_.notify(sc_core::SC_ZERO_TIME);
}

void IntRequantModule::drive() {
  in_ready.write(model_.in_ready(out_ready.read()));
  out_valid.write(model_.out_valid());
  out_data.write(StreamData{model_.out_data()});
}

}  // namespace fxsim::streaming
