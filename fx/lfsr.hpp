// The random bits of stochastic rounding (RND_STOCH): a Fibonacci LFSR on a trinomial, and the
// seeding of one generator per (seed, layer, lane). docs/fixed_point.md, "Stochastic rounding
// (RND_STOCH)", is the specification the golden model, the SystemC model and the RTL follow.
//
// The generator. A bit sequence s_0, s_1, ... obeys, for the trinomial x^w + x^t + 1,
//     s_{n+w} = s_{n+t} XOR s_n.
// The state is the window of the next w bits: state bit i = s_{n+i}. The default is
// x^31 + x^3 + 1 (w = 31, t = 3): primitive, so every nonzero state runs through all
// 2^31 - 1 nonzero states (the all-zero state is a fixed point and is never used).
//
// Drawing k bits returns s_n .. s_{n+k-1} as an integer with s_n in bit 0 (the first bit out is
// the least significant) and advances the window by k. Why this form: the next w - t bits
// (28 for the default) are each the XOR of two state bits, s_{n+w+j} = state[t+j] ^ state[j],
// so the hardware produces up to 28 fresh bits per clock with one XOR2 per bit and a
// 31-flip-flop register, no chained XORs. Draws of more than w - t bits are taken in chunks of
// w - t, low bits first (the same bits as single-bit draws, only faster).
#pragma once

#include <cstdint>

namespace fxsim::fx {

class Lfsr {
 public:
  static constexpr int kDefaultWidth = 31;  // x^31 + x^3 + 1
  static constexpr int kDefaultTap = 3;

  // The default generator from a state in 1 .. 2^31 - 1 (state bit i = s_i).
  explicit Lfsr(uint64_t state);
  // The generator of x^width + x^tap + 1, 2 <= width <= 63, 1 <= tap < width, from a state in
  // 1 .. 2^width - 1. Throws std::invalid_argument naming the field.
  Lfsr(int width, int tap, uint64_t state);

  // The default generator of one lane: Lfsr(lane_state(seed, layer, lane)).
  static Lfsr for_lane(uint64_t seed, uint64_t layer, uint64_t lane);

  // The next k bits, 0 <= k <= 64, first bit in bit 0; k = 0 returns 0 and leaves the state.
  uint64_t next_bits(int k);

  uint64_t state() const { return state_; }
  int width() const { return width_; }
  int tap() const { return tap_; }
  // Fresh bits one clock of the hardware register yields with single XOR2s: width - tap.
  int bits_per_step() const { return width_ - tap_; }

 private:
  int width_;
  int tap_;
  uint64_t state_;
};

// SplitMix64's output function (Steele, Lea and Flood, OOPSLA 2014; the constants of Vigna's
// public reference): z = x + 0x9E3779B97F4A7C15; z = (z ^ z >> 30) * 0xBF58476D1CE4E5B9;
// z = (z ^ z >> 27) * 0x94D049BB133111EB; return z ^ z >> 31 (all modulo 2^64).
uint64_t splitmix64(uint64_t x);

// The default generator's starting state of one lane of one layer:
//   h = splitmix64(splitmix64(splitmix64(seed) ^ layer) ^ lane)
//   state = 1 + h mod (2^31 - 1)            (in 1 .. 2^31 - 1: never the all-zero state)
// Software computes it once per lane; the RTL loads it as the register's reset value.
uint64_t lane_state(uint64_t seed, uint64_t layer, uint64_t lane);

}  // namespace fxsim::fx
