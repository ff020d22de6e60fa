// sliding_window (rtl/sliding_window.sv): the convolution input generator. It turns a feature map
// streamed pixel by pixel (row-major, channels fastest, SIMD lanes per beat) into the stream of
// K x K windows an MVAU consumes (FINN's order): for each output pixel (oy, ox) in row-major
// order, for ky, for kx, the Cp = ceil(C/SIMD) * SIMD channels of input pixel
// (oy*STRIDE - PAD + ky, ox*STRIDE - PAD + kx), SIMD per beat, raw zero for a pixel in the
// padding. C need not divide by SIMD: every pixel carries ceil(C/SIMD) beats, the unused lanes of
// its last beat zero (the dense engine's zero-lane rule). Its parameters, typed configuration,
// bit-exact reference, latency and cost (docs/rtl_units.md).
#pragma once

#include <cstdint>
#include <vector>

#include "models/resources/estimate.hpp"
#include "models/units/common/conv_shape.hpp"
#include "models/units/common/unit_spec.hpp"

namespace fxsim::units {

const UnitSpec& sliding_window_spec();

struct SlidingWindowConfig {
  int in_w = 8;
  bool in_signed = true;
  int simd = 2, c = 3, h = 6, w = 6, k = 3, stride = 1, pad = 1;

  // The convolution geometry (models/units/common/conv_shape.hpp: output size, Cp, window order).
  ConvShape shape() const { return ConvShape{h, w, c, k, stride, pad}; }
  int beats_per_pixel() const { return (c + simd - 1) / simd; }          // CB
  int padded_channels() const { return shape().padded_channels(simd); }  // Cp
  int out_h() const { return shape().out_height(); }
  int out_w() const { return shape().out_width(); }
  int beat_width() const { return simd * in_w; }
  // Row slots of the line buffer, min(K, H), and its words: R * W * CB beats.
  int rows() const { return k < h ? k : h; }
  int depth() const { return rows() * w * beats_per_pixel(); }
  std::int64_t input_beats() const;   // per image: H * W * CB
  std::int64_t output_beats() const;  // per image: HO * WO * K * K * CB
  static SlidingWindowConfig from(const ParamMap& resolved);
};

// A beat: SIMD raw lane values, lane 0 first.
using Beat = std::vector<std::int64_t>;

// The window stream of one image: output_beats() beats in the order above.
std::vector<Beat> window_stream(const SlidingWindowConfig& cfg,
                                const std::vector<std::int64_t>& image);

// Cycles from the release of reset to the first out_valid, with in_valid and out_ready high:
// 1 with padding (the first beat of the first window is a padding beat), else 2 (the first input
// beat is accepted on the first edge and read from the line buffer on the second).
int first_output_cycle(const SlidingWindowConfig& cfg);

// Cycles from the release of reset until the last output beat of `images` images has been taken,
// with in_valid high until every input beat is in and out_ready always high. An event-time
// (max-plus) recurrence over the beats, written apart from the clocked model: the reader issues
// output beat j in cycle r(j) = max(r(j-1) + 1, w(i) + 1) for the input beat i it shows (no
// constraint for padding), and appears on out_data one cycle later; the writer takes input beat i
// in cycle w(i) = max(w(i-1) + 1, T(row)), where T(row) = 0 for the first R rows and otherwise
// one cycle after the reader issued the last beat of the output row before the first one whose
// first map row (counted on across images) is at least row - R + 1. An image takes at least
// max(output_beats(), input_beats()) cycles; this counts the refill bubbles exactly.
std::int64_t no_stall_cycles(const SlidingWindowConfig& cfg, int images);

// The line buffer (width x depth, one write and one synchronous read port) as yosys 0.23
// synth_xilinx maps it on xc7 (models/resources/memory: LUT RAM or block RAM by memory_libmap's
// cost).
struct LineBufferCost {
  int lutram_luts = 0;   // LUT sites used as distributed RAM (4 per RAM32M / RAM64M)
  int lutram_banks = 0;  // 64-word banks of a LUT-RAM buffer (1 for 32 words or less)
  int bram18 = 0, bram36 = 0;
  int read_register_ff = 0;  // the output register when it is not the block RAM's own
};
LineBufferCost line_buffer_cost(int width, int depth);

}  // namespace fxsim::units
