// An independent computation of an affine integer layer ([requant]), written for the tests from
// the documented rules alone (docs/engine.md "Affine integer layers", fx/affine.hpp's comment):
// plain int64 dot products, the multiplier words taken apart by hand, and each rounding as a
// __int128 brute force of the exact quotient (no fx::requantize_integer, no units::int_requant).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "models/engine/engine_config.hpp"

namespace fxsim::tlm_test {

// floor(num / den) for den > 0, on __int128.
inline __int128 floor_div(__int128 num, __int128 den) {
  __int128 q = num / den;
  if ((num % den != 0) && (num < 0)) --q;
  return q;
}
inline __int128 pow2(int e) { return static_cast<__int128>(1) << e; }

// num / 2^e to nearest, ties toward +infinity: floor((2 num + 2^e) / 2^(e+1)).
inline __int128 round_half_up(__int128 num, int e) {
  return floor_div(2 * num + pow2(e), pow2(e + 1));
}
// num / 2^e to nearest, ties away from zero.
inline __int128 round_half_away(__int128 num, int e) {
  const __int128 mag = floor_div(2 * (num < 0 ? -num : num) + pow2(e), pow2(e + 1));
  return num < 0 ? -mag : mag;
}

struct HandMultiplier {
  std::int64_t m0 = 0;
  int n = 0;
};
// The word's fields as the memory map documents them: m0 in the low B bits, n a 7-bit two's
// complement field above.
inline HandMultiplier hand_multiplier(std::int64_t word, int b) {
  HandMultiplier m;
  m.m0 = word % (std::int64_t{1} << b);
  int field = static_cast<int>((word >> b) % 128);
  m.n = field >= 64 ? field - 128 : field;
  return m;
}

// One output before the clamp: s = (acc + bias) wrapped to acc_w bits, r by the documented
// rounding, + zp.
inline __int128 hand_unclamped(const engine::EngineConfig& c, std::int64_t acc, std::int64_t bias,
                               const HandMultiplier& m) {
  const engine::RequantConfig& r = *c.requant;
  const int acc_w = c.accumulator.width;
  const int b = r.m0_bits;
  // The accumulator's wrap, by arithmetic modulo 2^acc_w.
  __int128 s = (static_cast<__int128>(acc) + bias) % pow2(acc_w);
  if (s < 0) s += pow2(acc_w);
  if (s >= pow2(acc_w - 1)) s -= pow2(acc_w);
  __int128 q;
  if (r.rounding == fx::IntegerRounding::SINGLE) {
    // One rounding of s x M0 x 2^-(B + n), ties up.
    q = m.n >= 0 ? round_half_up(s * m.m0, b + m.n) : round_half_up(s * m.m0 * pow2(-m.n), b);
  } else {
    // a = s x 2^-n saturated to int32 (n < 0); r1 = a x M0 / 2^B ties up; r1 / 2^n ties away.
    __int128 a = s;
    if (m.n < 0) a = std::clamp<__int128>(s * pow2(-m.n), -pow2(31), pow2(31) - 1);
    const __int128 r1 = round_half_up(a * m.m0, b);
    q = m.n > 0 ? round_half_away(r1, m.n) : r1;
  }
  return q + r.zero_point;
}

// The output range of the point's output integer.
inline std::int64_t hand_q_min(const engine::RequantConfig& r) {
  return r.output.is_signed ? -(std::int64_t{1} << (r.output.width - 1)) : 0;
}
inline std::int64_t hand_q_max(const engine::RequantConfig& r) {
  return r.output.is_signed ? (std::int64_t{1} << (r.output.width - 1)) - 1
                            : (std::int64_t{1} << r.output.width) - 1;
}

// One output: hand_unclamped, clamped to the range (below at zp with relu).
inline std::int64_t hand_requant(const engine::EngineConfig& c, std::int64_t acc, std::int64_t bias,
                                 const HandMultiplier& m) {
  const engine::RequantConfig& r = *c.requant;
  const __int128 y = hand_unclamped(c, acc, bias, m);
  const std::int64_t lo = hand_q_min(r), hi = hand_q_max(r);
  return static_cast<std::int64_t>(
      std::clamp<__int128>(y, r.relu ? std::max<std::int64_t>(lo, r.zero_point) : lo, hi));
}

// The whole layer: out[b * N_out + o] from raw inputs (batch x N_in), raw weights (N_out x N_in),
// multiplier words and biases (N_out each). The accumulator of the tests' points never wraps
// inside the dot product (32 bits, or the default exact width), so a plain sum is the
// accumulator.
inline std::vector<std::int64_t> independent_requant_layer(const engine::EngineConfig& c, int batch,
                                                           const std::vector<std::int64_t>& input,
                                                           const std::vector<std::int64_t>& weights,
                                                           const std::vector<std::int64_t>& words,
                                                           const std::vector<std::int64_t>& bias) {
  std::vector<std::int64_t> out;
  const auto n_in = static_cast<std::size_t>(c.in_features);
  for (int bi = 0; bi < batch; ++bi) {
    for (int o = 0; o < c.out_features; ++o) {
      std::int64_t acc = 0;
      for (std::size_t i = 0; i < n_in; ++i) {
        acc += input[bi * n_in + i] * weights[o * n_in + i];
      }
      out.push_back(hand_requant(c, acc, bias[o], hand_multiplier(words[o], c.requant->m0_bits)));
    }
  }
  return out;
}

}  // namespace fxsim::tlm_test
