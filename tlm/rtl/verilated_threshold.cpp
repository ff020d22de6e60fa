#include "tlm/rtl/verilated_threshold.hpp"

namespace fxsim::tlm_rtl {

VerilatedThreshold::VerilatedThreshold(const verilated::PortVariant& variant,
                                       const units::ThresholdConfig& cfg, const char* instance)
    : cfg_(cfg),
      lanes_(variant, "threshold",
             LaneUnitShape{cfg.pe, cfg.x_w, cfg.out_w(), cfg.folds(), cfg.word_width()}, instance) {
}

void VerilatedThreshold::load(const std::int64_t* directions, const std::int64_t* thresholds,
                              int channels) {
  const int word = cfg_.word_width(), th_w = cfg_.threshold_w(), t = cfg_.thresholds;
  verilated::PortImages& words = lanes_.fresh_words();
  for (int c = 0; c < channels; ++c) {
    std::uint32_t* w = words.at(static_cast<std::size_t>(c / cfg_.pe));
    const int lsb = (c % cfg_.pe) * word;
    verilated::or_field(w, lsb, 1, static_cast<std::uint64_t>(directions[c]) & 1);
    for (int k = 0; k < t; ++k) {
      verilated::or_field(
          w, lsb + 1 + k * th_w, th_w,
          static_cast<std::uint64_t>(thresholds[static_cast<std::size_t>(c) * t + k]));
    }
  }
  lanes_.write_words();
}

}  // namespace fxsim::tlm_rtl
