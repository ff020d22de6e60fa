// max_pool (rtl/max_pool.sv): streaming max-pooling, POOL x POOL windows with stride POOL, of an
// H x W x C map of raw integers (any fixed-point format: the fraction bits scale every element
// alike, so the maximum of the raws is the raw of the maximum), SIMD channels per beat. Its
// parameters, typed configuration, bit-exact reference on a whole map, latency and cost; the
// cycle-accurate model is models/streaming/max_pool_model.hpp.
#pragma once

#include <cstdint>
#include <vector>

#include "models/units/common/unit_spec.hpp"

namespace fxsim::units {

const UnitSpec& max_pool_spec();

struct MaxPoolConfig {
  int pool = 2, simd = 1, in_w = 8;
  bool in_signed = true;
  int c = 4, h = 4, w = 4;
  int beats_per_pixel() const { return (c + simd - 1) / simd; }     // CB = ceil(C / SIMD)
  int padded_channels() const { return beats_per_pixel() * simd; }  // Cp
  // Output map: leftover rows / columns that make no full window are dropped (floor).
  int out_h() const { return h / pool; }
  int out_w() const { return w / pool; }
  // Words of the row of partial maxima: WOUT x CB, each SIMD x IN_W bits.
  int row_words() const { return out_w() * beats_per_pixel(); }
  static MaxPoolConfig from(const ParamMap& resolved);
};

// The reference on a whole map: `map` holds H x W x C raw values, row-major, channels fastest
// (map[(y * W + x) * C + c]); the result OUT_H x OUT_W x C in the same order, each the largest
// raw of its POOL x POOL window.
std::vector<std::int64_t> max_pool(const MaxPoolConfig& cfg, const std::vector<std::int64_t>& map);
// The same into out[0, OUT_H * OUT_W * C) from map[0, H * W * C) (one image of a batch in place).
void max_pool(const MaxPoolConfig& cfg, const std::int64_t* map, std::int64_t* out);

// Cycles from accepting a window's last beat to its result on out_valid: 1.
inline constexpr int kMaxPoolLatency = 1;

}  // namespace fxsim::units
