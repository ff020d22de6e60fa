#include "models/units/common/conv_shape.hpp"

#include <algorithm>
#include <string>

#include "models/units/common/unit_spec.hpp"

namespace fxsim::units {
namespace {

void check_range(const char* name, int v, int lo, int hi) {
  if (v < lo || v > hi) {
    throw UnitParamError("conv: " + std::string(name) + " = " + std::to_string(v) + "; expected " +
                         std::to_string(lo) + ".." + std::to_string(hi));
  }
}

}  // namespace

void validate(const ConvShape& s) {
  constexpr int kMaxMap = 1 << 16;
  check_range("H", s.height, 1, kMaxMap);
  check_range("W", s.width, 1, kMaxMap);
  check_range("C", s.channels, 1, kMaxMap);
  check_range("K", s.kernel, 1, 7);
  check_range("stride", s.stride, 1, 4);
  check_range("padding", s.padding, 0, 3);
  const int fit = std::min(s.height, s.width) + 2 * s.padding;
  if (s.kernel > fit) {
    throw UnitParamError("conv: K = " + std::to_string(s.kernel) +
                         "; expected at most min(H, W) + 2P = " + std::to_string(fit));
  }
}

template <typename Raw>
void gather_window(const ConvShape& s, int simd, const Raw* input, int oy, int ox, Raw* window) {
  const int cp = s.padded_channels(simd);
  std::fill_n(window, static_cast<std::size_t>(s.window_size(simd)), 0);
  // With no padded lanes (Cp = C) a window row inside the map is one run of its input row:
  // one copy of K * C raws instead of K copies of C (C = 1 made those single-element copies).
  const int x0 = ox * s.stride - s.padding;
  const bool whole_rows = cp == s.channels && x0 >= 0 && x0 + s.kernel <= s.width;
  for (int ky = 0; ky < s.kernel; ++ky) {
    const int y = oy * s.stride - s.padding + ky;
    if (y < 0 || y >= s.height) continue;  // padding row: raw zero
    if (whole_rows) {
      std::copy_n(input + (static_cast<std::size_t>(y) * s.width + x0) *
                              static_cast<std::size_t>(s.channels),
                  static_cast<std::size_t>(s.kernel) * s.channels,
                  window + static_cast<std::size_t>(ky * s.kernel) * cp);
      continue;
    }
    for (int kx = 0; kx < s.kernel; ++kx) {
      const int x = ox * s.stride - s.padding + kx;
      if (x < 0 || x >= s.width) continue;
      const Raw* pixel = input + (static_cast<std::size_t>(y) * s.width + x) *
                                     static_cast<std::size_t>(s.channels);
      std::copy_n(pixel, s.channels, window + static_cast<std::size_t>(ky * s.kernel + kx) * cp);
    }
  }
}

template void gather_window(const ConvShape&, int, const std::int64_t*, int, int, std::int64_t*);
template void gather_window(const ConvShape&, int, const std::int16_t*, int, int, std::int16_t*);

}  // namespace fxsim::units
