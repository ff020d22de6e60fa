#include "fx/lfsr.hpp"

#include <stdexcept>
#include <string>

namespace fxsim::fx {

Lfsr::Lfsr(uint64_t state) : Lfsr(kDefaultWidth, kDefaultTap, state) {}

Lfsr::Lfsr(int width, int tap, uint64_t state) : width_(width), tap_(tap), state_(state) {
  if (width < 2 || width > 63) {
    throw std::invalid_argument("LFSR width " + std::to_string(width) + ": expected 2..63");
  }
  if (tap < 1 || tap >= width) {
    throw std::invalid_argument("LFSR tap " + std::to_string(tap) + ": expected 1.." +
                                std::to_string(width - 1));
  }
  const uint64_t top = (uint64_t{1} << width) - 1;
  if (state == 0 || state > top) {
    throw std::invalid_argument("LFSR state " + std::to_string(state) + ": expected 1.." +
                                std::to_string(top) + " (the all-zero state never moves)");
  }
}

Lfsr Lfsr::for_lane(uint64_t seed, uint64_t layer, uint64_t lane) {
  return Lfsr(lane_state(seed, layer, lane));
}

uint64_t Lfsr::next_bits(int k) {
  if (k < 0 || k > 64) throw std::invalid_argument("LFSR draw of " + std::to_string(k) + " bits");
  const int step = width_ - tap_;
  uint64_t out = 0;
  for (int done = 0; done < k;) {
    const int c = k - done < step ? k - done : step;
    const uint64_t mask = (uint64_t{1} << c) - 1;  // c <= 62
    out |= (state_ & mask) << done;
    // s_{n+w+j} = s_{n+t+j} ^ s_{n+j} for j < c: all inside the window since c <= w - t.
    const uint64_t fresh = (state_ ^ (state_ >> tap_)) & mask;
    state_ = (state_ >> c) | (fresh << (width_ - c));
    done += c;
  }
  return out;
}

uint64_t splitmix64(uint64_t x) {
  uint64_t z = x + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t lane_state(uint64_t seed, uint64_t layer, uint64_t lane) {
  const uint64_t h = splitmix64(splitmix64(splitmix64(seed) ^ layer) ^ lane);
  constexpr uint64_t kPeriod = (uint64_t{1} << Lfsr::kDefaultWidth) - 1;
  return 1 + h % kPeriod;
}

}  // namespace fxsim::fx
