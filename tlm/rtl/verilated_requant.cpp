#include "tlm/rtl/verilated_requant.hpp"

namespace fxsim::tlm_rtl {

VerilatedRequant::VerilatedRequant(const verilated::PortVariant& variant,
                                   const units::IntRequantConfig& cfg, const char* instance)
    : cfg_(cfg),
      lanes_(variant, "int_requant",
             LaneUnitShape{cfg.pe, cfg.acc_w, cfg.out.width, cfg.folds(), cfg.word_width()},
             instance) {}

void VerilatedRequant::load(const std::int64_t* multipliers, const std::int64_t* biases,
                            int channels) {
  const int word = cfg_.word_width();
  verilated::PortImages& words = lanes_.fresh_words();
  for (int c = 0; c < channels; ++c) {
    std::uint32_t* w = words.at(static_cast<std::size_t>(c / cfg_.pe));
    const int lsb = (c % cfg_.pe) * word;
    verilated::or_field(w, lsb, cfg_.bias_lsb(), static_cast<std::uint64_t>(multipliers[c]));
    verilated::or_field(w, lsb + cfg_.bias_lsb(), cfg_.bias_w,
                        static_cast<std::uint64_t>(biases[c]));
  }
  lanes_.write_words();
}

}  // namespace fxsim::tlm_rtl
