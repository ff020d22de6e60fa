// Plain C++ reference of the arithmetic of every RTL unit (docs/rtl_units.md), built on fx/: all
// rounding and overflow goes through fx::cast_from_raw / fx::convert, never re-implemented here.
// Values are raw integers as fx:: stores them (signed raws sign-extended, unsigned non-negative).
// The SystemC models call these for values; testbenches/rtl checks rtl/ against them bit-exactly.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "fx/cast.hpp"
#include "fx/khot.hpp"
#include "models/units/unit_configs.hpp"

namespace fxsim::arith {

// A requantized value and what happened on the way (fx_requant's dout and flags).
struct Requantized {
  std::int64_t raw = 0;
  fx::CastFlags flags;
};

// fx_requant: raw of cfg.in -> cfg.out.
Requantized requant(std::int64_t raw, const units::RequantConfig& cfg);

// What a PE emits on a `last` beat: out_data (as a raw of cfg.out) and out_overflow.
struct PeResult {
  std::int64_t data = 0;
  bool overflow = false;
  friend bool operator==(const PeResult& a, const PeResult& b) {
    return a.data == b.data && a.overflow == b.overflow;
  }
};

// The accumulator shared by fx_mac_pe and khot_pe: stateful, one call per beat.
class Accumulator {
 public:
  explicit Accumulator(const units::AccumulatorConfig& cfg) : cfg_(cfg) {}
  // acc = wrap_or_saturate_ACC((start ? 0 : acc) + beat_sum); returns the result on a last beat.
  std::optional<PeResult> beat(std::int64_t beat_sum, bool start, bool last);
  std::int64_t value() const { return acc_; }  // raw of cfg.acc
  PeResult output() const;                     // requant(acc) to cfg.out
  void reset() { acc_ = 0; }

 private:
  units::AccumulatorConfig cfg_;
  std::int64_t acc_ = 0;
};

// ---- fx_mac_pe ----------------------------------------------------------------------------------
// Exact sum of a[i] * w[i] over n lanes (raws of cfg.a / cfg.w), fraction bits cfg.product_frac().
std::int64_t mac_beat_sum(const std::int64_t* a, const std::int64_t* w, int n);

class MacPe {
 public:
  explicit MacPe(const units::MacPeConfig& cfg) : cfg_(cfg), acc_(cfg) {}
  // One beat of up to cfg.simd lanes (missing lanes count as zero).
  std::optional<PeResult> beat(const std::vector<std::int64_t>& a,
                               const std::vector<std::int64_t>& w, bool start, bool last);
  const Accumulator& accumulator() const { return acc_; }

 private:
  units::MacPeConfig cfg_;
  Accumulator acc_;
};

// A whole dot product: ceil(L / SIMD) beats, the accumulator wrapping/saturating after each beat
// exactly as the hardware does, then the output requant. Throws std::invalid_argument for
// mismatched or empty vectors.
PeResult mac_dot(const units::MacPeConfig& cfg, const std::vector<std::int64_t>& a,
                 const std::vector<std::int64_t>& w);

// ---- khot_pe ------------------------------------------------------------------------------------
using Terms = std::vector<fx::Term>;  // one weight: at most K terms, as fx::khot_encode gives them

// sum_k (neg ? -1 : +1) * (a << shift_k): the product a * weight in raw units.
std::int64_t khot_product(std::int64_t a, const Terms& w);
std::int64_t khot_beat_sum(const std::int64_t* a, const Terms* w, int n);

class KhotPe {
 public:
  explicit KhotPe(const units::KhotPeConfig& cfg) : cfg_(cfg), acc_(cfg) {}
  std::optional<PeResult> beat(const std::vector<std::int64_t>& a, const std::vector<Terms>& w,
                               bool start, bool last);
  const Accumulator& accumulator() const { return acc_; }

 private:
  units::KhotPeConfig cfg_;
  Accumulator acc_;
};

PeResult khot_dot(const units::KhotPeConfig& cfg, const std::vector<std::int64_t>& a,
                  const std::vector<Terms>& w);

// ---- bn_act -------------------------------------------------------------------------------------
struct BnActResult {
  std::int64_t t = 0;       // x * scale + bias, exact, cfg.sum_frac() fraction bits
  Requantized requantized;  // requant(t) to cfg.out
  std::int64_t y = 0;       // act(requantized.raw): out_y
};

// The scale is a raw of cfg.scale (SCALE_KIND 0) or terms (SCALE_KIND 1); the other is ignored.
BnActResult bn_act(const units::BnActConfig& cfg, std::int64_t x, std::int64_t scale,
                   const Terms& scale_terms, std::int64_t bias);

// The activation on a raw output value r (docs/rtl_units.md).
std::int64_t activate(const units::BnActConfig& cfg, std::int64_t r);

// Raw 1.0 in the output format, clamped to its range (0 for a negative OUT_FRAC).
std::int64_t raw_one(const fx::FxType& out);

}  // namespace fxsim::arith
