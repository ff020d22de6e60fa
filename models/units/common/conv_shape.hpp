// The geometry of a square convolution over an H x W x C feature map (zero padding, dilation 1)
// and its window order, shared by everything that streams or computes a convolution: the
// convolution reference (models/engine/conv_reference), the golden ConvLayer (golden/), the
// sliding-window unit. Window element e of output pixel (oy, ox) is (ky, kx, c) with
// e = (ky*K + kx)*Cp + c: the input pixel (oy*S - P + ky, ox*S - P + kx), channel c (raw zero
// outside the map and for c >= C).
#pragma once

#include <cstdint>

namespace fxsim::units {

struct ConvShape {
  int height = 1;    // H, 1..65536
  int width = 1;     // W, 1..65536
  int channels = 1;  // C, 1..65536
  int kernel = 1;    // K, 1..7
  int stride = 1;    // S, 1..4
  int padding = 0;   // P, 0..3 (raw zero)

  int out_height() const { return (height + 2 * padding - kernel) / stride + 1; }
  int out_width() const { return (width + 2 * padding - kernel) / stride + 1; }
  // Cp = ceil(C / SIMD) * SIMD: the channels of a pixel as the stream carries them (zero lanes).
  int padded_channels(int simd) const { return (channels + simd - 1) / simd * simd; }
  // Elements of one window, K * K * Cp.
  int window_size(int simd) const { return kernel * kernel * padded_channels(simd); }
};

// Throws UnitParamError naming the parameter and its allowed range ("conv: K = 9; expected
// 1..7", "conv: K = 5; expected at most min(H, W) + 2P = 4").
void validate(const ConvShape& s);

// Element e of the window of output pixel (oy, ox) in the hardware's order, e = (ky*K + kx)*Cp + c:
// the input raw at (oy*S - P + ky, ox*S - P + kx, c), 0 outside the map or for c >= C. `input` is
// one H x W x C map (channels fastest); `window` receives K * K * Cp raws. The one statement of the
// window order: the sliding-window unit's reference streams these windows, the convolution
// reference computes on them. For int64 raws, and int16 ones (the convolution reference's
// narrow path, engine::PeArrayStage::run16).
template <typename Raw>
void gather_window(const ConvShape& s, int simd, const Raw* input, int oy, int ox, Raw* window);
extern template void gather_window(const ConvShape&, int, const std::int64_t*, int, int,
                                   std::int64_t*);
extern template void gather_window(const ConvShape&, int, const std::int16_t*, int, int,
                                   std::int16_t*);

}  // namespace fxsim::units
