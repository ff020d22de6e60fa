// Reading and writing bit fields of Verilated ports, whatever C++ type Verilator chose for them
// (CData / SData / IData / QData up to 64 bits, VlWide<N> above), and turning a field into the
// raw integer fx:: uses (sign-extended for a signed format).
#pragma once

#include <verilated.h>

#include <cstdint>
#include <type_traits>

namespace fxsim::rtl_test {

inline std::uint64_t low_mask(int width) {
  return width >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1;
}

template <typename T>
std::enable_if_t<std::is_integral_v<T>> put_bits(T& port, int lsb, int width, std::uint64_t v) {
  const std::uint64_t m = low_mask(width) << lsb;
  port = static_cast<T>((static_cast<std::uint64_t>(port) & ~m) | ((v << lsb) & m));
}

template <std::size_t N>
void put_bits(VlWide<N>& port, int lsb, int width, std::uint64_t v) {
  for (int b = 0; b < width; ++b) {
    const int bit = lsb + b;
    EData& word = port[bit / 32];
    const EData m = EData{1} << (bit % 32);
    word = ((v >> b) & 1) ? (word | m) : (word & ~m);
  }
}

template <typename T>
std::enable_if_t<std::is_integral_v<T>, std::uint64_t> get_bits(const T& port, int lsb, int width) {
  return (static_cast<std::uint64_t>(port) >> lsb) & low_mask(width);
}

template <std::size_t N>
std::uint64_t get_bits(const VlWide<N>& port, int lsb, int width) {
  std::uint64_t v = 0;
  for (int b = 0; b < width; ++b) {
    const int bit = lsb + b;
    v |= static_cast<std::uint64_t>((port[bit / 32] >> (bit % 32)) & 1) << b;
  }
  return v;
}

// The raw integer of a width-bit field: sign-extended when is_signed.
inline std::int64_t to_raw(std::uint64_t bits, int width, bool is_signed) {
  bits &= low_mask(width);
  if (is_signed && width < 64 && ((bits >> (width - 1)) & 1)) bits |= ~low_mask(width);
  return static_cast<std::int64_t>(bits);
}

}  // namespace fxsim::rtl_test
