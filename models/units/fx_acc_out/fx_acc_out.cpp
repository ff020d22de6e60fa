#include "models/units/fx_acc_out/fx_acc_out.hpp"

#include <stdexcept>
#include <string>

#include "fx/cast.hpp"
#include "fx/stochastic.hpp"
#include "fx/width_rules.hpp"
#include "models/units/common/param_groups.hpp"

namespace fxsim::units {

std::vector<ParamSpec> accumulator_params() {
  return {
      {"ACC_W", 24, 2, kMaxWorkWidth, "accumulator word length"},
      {"ACC_O", 3, 0, 4, "accumulator overflow mode (3 = WRAP, 0 = SAT)", overflow_value_names()}};
}

AccumulatorConfig AccumulatorConfig::from(const ParamMap& m, int w_frac) {
  AccumulatorConfig c;
  c.simd = static_cast<int>(param(m, "SIMD"));
  c.a = format_from_params(param(m, "A_W"), param(m, "A_FRAC"), param(m, "A_SIGNED"));
  c.w_frac = w_frac;
  // The accumulator keeps every fraction bit of a product: no rounding ever happens in it.
  c.acc = format_from_params(param(m, "ACC_W"), c.product_frac(), 1, fx::Rounding::TRN,
                             static_cast<fx::Overflow>(param(m, "ACC_O")));
  c.out = output_format(m);
  c.stages = static_cast<int>(param(m, "STAGES"));
  return c;
}

namespace {

// No generator without a seed: an accumulator that never requantizes (the engine's PE array
// uses it for the beats only) needs none; output() refuses to round without one.
std::optional<fx::Lfsr> lane_lfsr(const fx::FxType& out, std::uint64_t seed) {
  if (!fx::is_stochastic(out.rounding) || seed == 0) return std::nullopt;
  if (seed >= (std::uint64_t{1} << fx::Lfsr::kDefaultWidth)) {
    throw std::invalid_argument("RND_STOCH output: lfsr_seed " + std::to_string(seed) +
                                " is not an LFSR state, expected 1..2^31-1 (fx::lane_state)");
  }
  return fx::Lfsr(seed);
}

}  // namespace

Accumulator::Accumulator(const AccumulatorConfig& cfg)
    : cfg_(cfg), lfsr_(lane_lfsr(cfg.out, cfg.lfsr_seed)) {}

void Accumulator::reset() {
  acc_ = 0;
  if (lfsr_) lfsr_ = fx::Lfsr(cfg_.lfsr_seed);
}

std::optional<PeResult> Accumulator::beat(std::int64_t beat_sum, bool start, bool last) {
  // The widths are checked by units::resolve_params (<= 62 bits), so the sum is exact here;
  // fx applies the accumulator's wrap or saturation (TRN: same LSB, nothing to round).
  const std::int64_t sum = (start ? 0 : acc_) + beat_sum;
  acc_ = fx::cast_from_raw(sum, cfg_.product_frac(), cfg_.acc);
  if (!last) return std::nullopt;
  return output();
}

PeResult Accumulator::output() {
  if (fx::is_stochastic(cfg_.out.rounding) && !lfsr_) {
    throw std::invalid_argument("RND_STOCH output: the accumulator has no LFSR (lfsr_seed 0)");
  }
  fx::CastFlags flags;
  PeResult r;
  r.data =
      lfsr_
          ? fx::StochasticCaster(cfg_.out, *lfsr_).cast_from_raw(acc_, cfg_.product_frac(), &flags)
          : fx::cast_from_raw(acc_, cfg_.product_frac(), cfg_.out, &flags);
  r.overflow = flags.overflow;
  return r;
}

namespace {

// fx_acc_out: accumulator adder, its wrap / saturation, the output requantizer, the result
// register and `tail` delay stages.
void accumulator_and_output(const Params& p, int beat_w, int product_frac, int tail,
                            resources::CostTally& t) {
  const int acc_w = p("ACC_W");
  const auto acc_o = static_cast<fx::Overflow>(p("ACC_O"));
  const bool acc_wraps = acc_o == fx::Overflow::WRAP;
  const int sum_w = std::max(acc_w, beat_w) + 1;
  // A wrapping accumulator only needs the low ACC_W bits of the sum: yosys trims the rest.
  t.logic += resources::adder(acc_wraps ? acc_w : sum_w);
  if (!acc_wraps) t.logic += resources::requantizer(sum_w, 0, acc_w, 0, fx::Rounding::TRN, acc_o);
  t.logic +=
      resources::requantizer(acc_w, product_frac, p("OUT_W"), p("OUT_FRAC"),
                             static_cast<fx::Rounding>(p("Q")), static_cast<fx::Overflow>(p("O")));
  // RND_STOCH: the lane's LFSR (rtl/fx_lfsr.sv) when the output requantizer drops bits.
  if (fx::is_stochastic(static_cast<fx::Rounding>(p("Q"))) && product_frac > p("OUT_FRAC")) {
    t.logic += resources::lfsr();
    t.ff += resources::kLfsrFlipFlops;
  }
  // yosys keeps the active-low reset of each reset flip-flop as an INV cell (counted as a LUT).
  t.logic.lut += acc_w + 1;
  t.ff += acc_w + (p("OUT_W") + 1) + 1;  // acc_q, {overflow, y}, res_valid
  t.ff += tail * (p("OUT_W") + 2);       // delay stages: data + overflow + valid
}

}  // namespace

void pe_stream_cost(const ParamMap& resolved, int product_w, int product_reg_w,
                    resources::Family family, resources::CostTally& t) {
  const Params p(resolved);
  const int simd = p("SIMD");
  const int stages = p("STAGES");
  const int acc_w = p("ACC_W");
  const bool acc_wraps = static_cast<fx::Overflow>(p("ACC_O")) == fx::Overflow::WRAP;
  const int simd_bits = fx::ceil_log2(static_cast<unsigned long long>(simd));
  // Bits that reach the accumulator: with wrap-around only the low ACC_W bits matter.
  auto used = [&](int w) { return acc_wraps ? std::min(w, acc_w) : w; };
  const int beat_w = product_w + simd_bits;
  const int p_depth = stages >= 2 ? 1 : 0;
  const int b_depth = stages >= 3 ? 1 : 0;
  t.logic += resources::multi_operand_adder(simd, used(product_w), used(beat_w), family);
  t.ff += p_depth * (simd * used(product_reg_w) + 3);  // products, start, last, valid
  t.ff += b_depth * (used(product_reg_w + simd_bits) + 3);
  const int product_frac = p("A_FRAC") + p("W_FRAC");
  accumulator_and_output(p, used(beat_w), product_frac, stages - 1 - p_depth - b_depth, t);
}

}  // namespace fxsim::units
