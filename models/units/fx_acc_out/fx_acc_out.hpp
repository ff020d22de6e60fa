// fx_acc_out (rtl/fx_acc_out.sv) and the stream around it that fx_mac_pe and khot_pe share: SIMD
// lanes of products summed per beat, the accumulator that wraps or saturates after every beat,
// the output requantizer. Not a unit of its own in the registry: its parameters, reference and
// cost are the common part of both PE units' (models/units/fx_mac_pe/, khot_pe/).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <vector>

#include "fx/fx_type.hpp"
#include "fx/lfsr.hpp"
#include "models/resources/cost_tally.hpp"
#include "models/units/common/unit_spec.hpp"

namespace fxsim::units {

// ACC_W, ACC_O.
std::vector<ParamSpec> accumulator_params();

struct AccumulatorConfig {
  int simd = 8;
  fx::FxType a;    // activation format A_*
  int w_frac = 0;  // fraction bits of the weight
  fx::FxType acc;  // signed, ACC_W bits, fraction A_FRAC + W_FRAC, TRN, ACC_O
  fx::FxType out;  // OUT_*, Q, O, N, AP
  int stages = 1;
  // Q = 7 (RND_STOCH): the state the lane's fx_lfsr loads in reset (the lfsr_seed port), e.g.
  // fx::lane_state(seed, layer, lane); 1 .. 2^31 - 1. Not a parameter: unused for Q 0..6.
  std::uint64_t lfsr_seed = 0;
  int product_frac() const { return a.frac_bits() + w_frac; }
  // SIMD, A_*, ACC_*, OUT_*, Q, O, N, AP, STAGES of a PE's resolved parameters.
  static AccumulatorConfig from(const ParamMap& resolved, int w_frac);
};

// What a PE emits on a `last` beat: out_data (as a raw of cfg.out) and out_overflow.
struct PeResult {
  std::int64_t data = 0;
  bool overflow = false;
  friend bool operator==(const PeResult& a, const PeResult& b) {
    return a.data == b.data && a.overflow == b.overflow;
  }
};

// The accumulator: stateful, one call per beat. With RND_STOCH output rounding it owns the
// lane's fx::Lfsr (fx_lfsr), started at cfg.lfsr_seed: every result drawn advances it by
// fx::stochastic_bits_per_cast(product_frac - OUT_FRAC) bits, as the RTL steps its register on
// each result taken. Throws std::invalid_argument for an lfsr_seed > 2^31 - 1, and output() for
// RND_STOCH with lfsr_seed 0 (no generator).
class Accumulator {
 public:
  explicit Accumulator(const AccumulatorConfig& cfg);
  // acc = wrap_or_saturate_ACC((start ? 0 : acc) + beat_sum); returns the result on a last beat.
  std::optional<PeResult> beat(std::int64_t beat_sum, bool start, bool last);
  std::int64_t value() const { return acc_; }  // raw of cfg.acc
  PeResult output();                           // requant(acc) to cfg.out (draws for RND_STOCH)
  void reset();                                // rst_n: acc = 0, the LFSR back to its seed
  const std::optional<fx::Lfsr>& lfsr() const { return lfsr_; }

 private:
  AccumulatorConfig cfg_;
  std::int64_t acc_ = 0;
  std::optional<fx::Lfsr> lfsr_;  // RND_STOCH only
};

// A whole dot product of `a` with `w` (one weight per activation): ceil(L / SIMD) beats, each
// beat_sum(a, w, lanes) into the accumulator, which wraps / saturates after each beat exactly
// as the hardware does, then the output requant. Throws std::invalid_argument for mismatched
// or empty vectors.
template <typename W, typename BeatSum>
PeResult accumulate_dot(const AccumulatorConfig& cfg, const std::vector<std::int64_t>& a,
                        const std::vector<W>& w, BeatSum beat_sum) {
  if (a.size() != w.size() || a.empty()) {
    throw std::invalid_argument("dot product: expected two non-empty vectors of equal length");
  }
  Accumulator acc(cfg);
  const std::size_t n = a.size();
  std::optional<PeResult> out;
  for (std::size_t i = 0; i < n; i += cfg.simd) {
    const int lanes = static_cast<int>(std::min<std::size_t>(cfg.simd, n - i));
    out = acc.beat(beat_sum(&a[i], &w[i], lanes), i == 0, i + cfg.simd >= n);
  }
  return *out;
}

// The cost of the stream around the lane products: the lane sum, the product register
// (STAGES >= 2, product_reg_w bits a lane), the beat register (STAGES >= 3), the accumulator
// adder with its wrap / saturation, the output requantizer, the result register and the
// remaining delay stages (docs/resources.md). The family decides the lane sum's mapping.
void pe_stream_cost(const ParamMap& resolved, int product_w, int product_reg_w,
                    resources::Family family, resources::CostTally& t);

}  // namespace fxsim::units
