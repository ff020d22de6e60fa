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

}  // namespace fxsim::units
