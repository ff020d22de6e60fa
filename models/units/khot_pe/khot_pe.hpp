// khot_pe (rtl/khot_pe.sv): SIMD lanes of K shift-add terms (no multiplier), the lane sum and the
// accumulator / output stream of fx_acc_out. Its parameters, typed configuration, bit-exact
// reference and cost.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "fx/khot.hpp"
#include "models/units/fx_acc_out/fx_acc_out.hpp"

namespace fxsim::units {

const UnitSpec& khot_pe_spec();

struct KhotPeConfig : AccumulatorConfig {
  int k = 1;     // terms per weight
  int sh_w = 3;  // bits of a term's shift
  int term_width() const { return 2 + sh_w; }
  static KhotPeConfig from(const ParamMap& resolved);
};

// sum_k (neg ? -1 : +1) * (a << shift_k) over n lanes (fx::shift_add of each lane).
std::int64_t khot_beat_sum(const std::int64_t* a, const fx::Terms* w, int n);

class KhotPe {
 public:
  explicit KhotPe(const KhotPeConfig& cfg) : cfg_(cfg), acc_(cfg) {}
  std::optional<PeResult> beat(const std::vector<std::int64_t>& a, const std::vector<fx::Terms>& w,
                               bool start, bool last);
  const Accumulator& accumulator() const { return acc_; }

 private:
  KhotPeConfig cfg_;
  Accumulator acc_;
};

// A whole dot product (accumulate_dot with khot_beat_sum).
PeResult khot_dot(const KhotPeConfig& cfg, const std::vector<std::int64_t>& a,
                  const std::vector<fx::Terms>& w);

}  // namespace fxsim::units
