#include "models/resources/dsp_inference.hpp"

#include <algorithm>

namespace fxsim::resources {
namespace {

struct Limits {
  int a_max, b_max, a_partial, b_partial;
};

// The -D values synth_xilinx 0.23 passes to mul2dsp.v (strings in the yosys binary).
Limits limits(Family f) {
  return f == Family::xc7 ? Limits{25, 18, 18, 18} : Limits{27, 18, 18, 18};
}

constexpr int kMinOperand = 2;  // DSP_A_MINWIDTH, DSP_B_MINWIDTH
constexpr int kMinProduct = 9;  // DSP_Y_MINWIDTH

// mul2dsp.v's _80_mul on one cell; `top` is true for the original $mul (the sign and swap rules
// apply only to it), false for a $__mul slice.
void map_mul(MulShape m, bool top, const Limits& lim, DspSplit& out) {
  if (m.a_width < kMinOperand || m.b_width < kMinOperand || m.y_width < kMinProduct) {
    ++out.soft_slices;
    return;
  }
  if (top && !m.a_signed && !m.b_signed) {  // DSP_SIGNEDONLY
    m = {m.a_width + 1, true, m.b_width + 1, true, m.y_width};
  }
  if (top && m.a_width < m.b_width) {
    std::swap(m.a_width, m.b_width);
    std::swap(m.a_signed, m.b_signed);
  }
  constexpr int headroom = 1;  // sign_headroom under DSP_SIGNEDONLY
  if (m.a_width > lim.a_max) {
    const int step = lim.a_partial - headroom;
    const int n = (m.a_width - lim.a_max + lim.a_partial - headroom - 1) / step;
    const int partial_y = std::min(m.y_width, m.b_width + lim.a_partial);
    const int last_a = m.a_width - n * step;
    for (int i = 0; i < n; ++i) {
      map_mul({lim.a_partial, true, m.b_width, m.b_signed, partial_y}, false, lim, out);
    }
    map_mul({last_a, m.a_signed, m.b_width, m.b_signed, m.b_width + last_a}, false, lim, out);
    out.partial_adders += n;
  } else if (m.b_width > lim.b_max) {
    const int step = lim.b_partial - headroom;
    const int n = (m.b_width - lim.b_max + lim.b_partial - headroom - 1) / step;
    const int partial_y = std::min(m.y_width, m.a_width + lim.b_partial);
    const int last_b = m.b_width - n * step;
    for (int i = 0; i < n; ++i) {
      map_mul({m.a_width, m.a_signed, lim.b_partial, true, partial_y}, false, lim, out);
    }
    map_mul({m.a_width, m.a_signed, last_b, m.b_signed, m.a_width + last_b}, false, lim, out);
    out.partial_adders += n;
  } else {
    ++out.dsp;
  }
}

}  // namespace

DspSplit dsp_split(const MulShape& m, Family family) {
  DspSplit out;
  map_mul(m, true, limits(family), out);
  return out;
}

int dsp_count(const MulShape& m, Family family) { return dsp_split(m, family).dsp; }

}  // namespace fxsim::resources
