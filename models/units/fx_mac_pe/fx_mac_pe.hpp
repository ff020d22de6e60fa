// fx_mac_pe (rtl/fx_mac_pe.sv): SIMD fixed-point multipliers (DSP48 or LUTs), the lane sum and
// the accumulator / output stream of fx_acc_out. Its parameters, typed configuration, bit-exact
// reference and cost.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "models/units/fx_acc_out/fx_acc_out.hpp"

namespace fxsim::units {

const UnitSpec& fx_mac_pe_spec();

struct MacPeConfig : AccumulatorConfig {
  fx::FxType w;  // weight format W_*
  static MacPeConfig from(const ParamMap& resolved);
};

// Exact sum of a[i] * w[i] over n lanes (raws of cfg.a / cfg.w), fraction bits cfg.product_frac().
std::int64_t mac_beat_sum(const std::int64_t* a, const std::int64_t* w, int n);

class MacPe {
 public:
  explicit MacPe(const MacPeConfig& cfg) : cfg_(cfg), acc_(cfg) {}
  // One beat of up to cfg.simd lanes (missing lanes count as zero).
  std::optional<PeResult> beat(const std::vector<std::int64_t>& a,
                               const std::vector<std::int64_t>& w, bool start, bool last);
  const Accumulator& accumulator() const { return acc_; }

 private:
  MacPeConfig cfg_;
  Accumulator acc_;
};

// A whole dot product (accumulate_dot with mac_beat_sum).
PeResult mac_dot(const MacPeConfig& cfg, const std::vector<std::int64_t>& a,
                 const std::vector<std::int64_t>& w);

}  // namespace fxsim::units
