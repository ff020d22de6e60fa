#include "golden/affine_observer.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace fxsim::golden {
namespace {

float symmetric_scale(float max_abs, const fx::AffineInt& format) {
  if (!format.is_signed) {
    throw std::invalid_argument("symmetric quantization of " + format.str() +
                                ": expected a signed format (zero point 0)");
  }
  // (q_max - q_min) / 2 is exact in float32 for every width up to 24 bits (x.0 or x.5).
  const auto half_range = static_cast<float>(format.q_max() - format.q_min()) / 2.0f;
  return std::max(std::max(max_abs, 0.0f) / half_range, kObserverEps);
}

}  // namespace

fx::AffineParams symmetric_params(float max_abs, const fx::AffineInt& format) {
  return fx::AffineParams::per_tensor(symmetric_scale(max_abs, format), 0);
}

fx::AffineParams symmetric_channel_params(const std::vector<float>& max_abs,
                                          const fx::AffineInt& format) {
  std::vector<float> scales;
  for (float m : max_abs) scales.push_back(symmetric_scale(m, format));
  return fx::AffineParams::per_channel(std::move(scales),
                                       std::vector<std::int32_t>(max_abs.size(), 0), 0);
}

fx::AffineParams affine_params(float min, float max, const fx::AffineInt& format) {
  const float lo = std::min(min, 0.0f);
  const float hi = std::max(max, 0.0f);
  const auto q_range = static_cast<float>(format.q_max() - format.q_min());
  const float scale = std::max((hi - lo) / q_range, kObserverEps);
  // torch.round: half to even, as nearbyint in the default rounding mode.
  const auto zp = static_cast<std::int64_t>(format.q_min()) -
                  static_cast<std::int64_t>(std::nearbyint(lo / scale));
  return fx::AffineParams::per_tensor(
      scale, static_cast<std::int32_t>(std::clamp(zp, format.q_min(), format.q_max())));
}

}  // namespace fxsim::golden
