// A packed port value in Verilator's word layout: bit i of the port is bit (i % 32) of word
// i / 32 (VlWide<N> stores exactly this; a port of at most 64 bits is words[0] | words[1] << 32).
// The transactor packs every beat's lanes into such images once per run, so the clocked process
// only copies words into the models' ports.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace fxsim::verilated {

inline int port_words(int bits) { return (bits + 31) / 32; }

inline std::uint64_t low_mask(int width) {
  return width >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1;
}

// Writes the low `width` bits of `value` at bit `lsb` of `words` (which must be zero there).
inline void or_field(std::uint32_t* words, int lsb, int width, std::uint64_t value) {
  value &= low_mask(width);
  while (width > 0) {
    const int word = lsb / 32, bit = lsb % 32;
    const int take = width < 32 - bit ? width : 32 - bit;
    words[word] |= static_cast<std::uint32_t>((value & low_mask(take)) << bit);
    value >>= take;
    lsb += take;
    width -= take;
  }
}

// Writes `count` values of `width` bits each, lane l at bit l * width, into `words` (zero there).
// The same bits as or_field per lane, streamed through an accumulator: a transactor packs every
// weight of a layer this way on each run.
inline void or_lanes(std::uint32_t* words, const std::int64_t* values, int count, int width) {
  if (width > 32) {
    for (int l = 0; l < count; ++l) {
      or_field(words, l * width, width, static_cast<std::uint64_t>(values[l]));
    }
    return;
  }
  const std::uint64_t mask = low_mask(width);
  std::uint64_t acc = 0;  // bits not yet written, from bit 0 of the current word
  int filled = 0;         // < 32 before each lane, so filled + width <= 64
  for (int l = 0; l < count; ++l) {
    acc |= (static_cast<std::uint64_t>(values[l]) & mask) << filled;
    filled += width;
    if (filled >= 32) {
      *words++ |= static_cast<std::uint32_t>(acc);
      acc >>= 32;
      filled -= 32;
    }
  }
  if (filled > 0) *words |= static_cast<std::uint32_t>(acc);
}

// Images of `count` ports of `bits` bits each, stored back to back.
class PortImages {
 public:
  PortImages() = default;
  PortImages(std::size_t count, int bits)
      : stride_(static_cast<std::size_t>(port_words(bits))), words_(count * stride_, 0) {}
  // As a fresh PortImages(count, bits), keeping the storage (a transactor re-packs every run).
  void reset(std::size_t count, int bits) {
    stride_ = static_cast<std::size_t>(port_words(bits));
    words_.assign(count * stride_, 0);
  }
  std::uint32_t* at(std::size_t i) { return words_.data() + i * stride_; }
  const std::uint32_t* at(std::size_t i) const { return words_.data() + i * stride_; }
  std::size_t stride() const { return stride_; }

 private:
  std::size_t stride_ = 1;
  std::vector<std::uint32_t> words_;
};

}  // namespace fxsim::verilated
