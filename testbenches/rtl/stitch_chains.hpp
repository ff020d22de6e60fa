// The stitched chains the rtl suite verilates (stitch_test.cpp; Prebuild.StitchedChains builds
// them first): 2 to 5 stages of stream_fifo, max_pool and sliding_window, all on signed 8-bit
// elements, each with the feature map it is fed (so that the test's brute force knows the
// geometry). One namespace per chain and the all() list, as rtl_variants.hpp.
#pragma once

#include <string>
#include <vector>

#include "models/engine/stitch_plan.hpp"

namespace fxsim::stitch_chains {

// The map entering the chain: H x W x C raw values, SIMD lanes per beat.
struct InputMap {
  int h, w, c, simd;
  int images = 1;
};

struct Chain {
  std::string name;
  std::vector<engine::StitchStage> stages;  // overrides; make_stitch_plan resolves them
  InputMap map;
};

inline units::ParamMap fifo(int width, int depth) { return {{"WIDTH", width}, {"DEPTH", depth}}; }
inline units::ParamMap pool(int p, int simd, int c, int h, int w) {
  return {{"POOL", p}, {"SIMD", simd}, {"IN_W", 8}, {"IN_SIGNED", 1}, {"C", c}, {"H", h}, {"W", w}};
}
inline units::ParamMap window(int simd, int c, int h, int w, int k, int stride, int pad) {
  return {{"IN_W", 8}, {"IN_SIGNED", 1}, {"SIMD", simd},     {"C", c},    {"H", h},
          {"W", w},    {"K", k},         {"STRIDE", stride}, {"PAD", pad}};
}

// fifo(2) -> max_pool -> fifo(1) -> max_pool: 8x8x3 -> 4x4x3 -> 2x2x3, two images.
namespace pool_pool {
inline Chain chain() {
  return {"pool_pool",
          {{"f0", "stream_fifo", fifo(16, 2)},
           {"p0", "max_pool", pool(2, 2, 3, 8, 8)},
           {"f1", "stream_fifo", fifo(16, 1)},
           {"p1", "max_pool", pool(2, 2, 3, 4, 4)}},
          {8, 8, 3, 2, 2}};
}
}  // namespace pool_pool

// fifo(0) -> sliding_window (3x3, pad 1) -> fifo(17): 5x5x3 maps, two images.
namespace wire_window_fifo {
inline Chain chain() {
  return {"wire_window_fifo",
          {{"f0", "stream_fifo", fifo(16, 0)},
           {"sw", "sliding_window", window(2, 3, 5, 5, 3, 1, 1)},
           {"f1", "stream_fifo", fifo(16, 17)}},
          {5, 5, 3, 2, 2}};
}
}  // namespace wire_window_fifo

// sliding_window (K = 1: the map itself) -> max_pool (3x3 windows): 6x7x4, a dropped column.
namespace window1_pool {
inline Chain chain() {
  return {"window1_pool",
          {{"sw", "sliding_window", window(2, 4, 6, 7, 1, 1, 0)},
           {"p0", "max_pool", pool(3, 2, 4, 6, 7)}},
          {6, 7, 4, 2, 1}};
}
}  // namespace window1_pool

// fifo(1) -> max_pool -> fifo(3) -> sliding_window (3x3, stride 2, pad 1) -> fifo(1): 8x6x5 with
// SIMD 3 (a zero lane in each pixel's last beat) -> 4x3x5 -> windows.
namespace five_stages {
inline Chain chain() {
  return {"five_stages",
          {{"f0", "stream_fifo", fifo(24, 1)},
           {"p0", "max_pool", pool(2, 3, 5, 8, 6)},
           {"f1", "stream_fifo", fifo(24, 3)},
           {"sw", "sliding_window", window(3, 5, 4, 3, 3, 2, 1)},
           {"f2", "stream_fifo", fifo(24, 1)}},
          {8, 6, 5, 3, 1}};
}
}  // namespace five_stages

// A one-stage chain for the hand-worked bandwidth count: a register slice of 8 bits.
namespace slice {
inline Chain chain() { return {"slice", {{"f0", "stream_fifo", fifo(8, 1)}}, {1, 12, 1, 1, 1}}; }
}  // namespace slice

inline std::vector<Chain> all() {
  return {pool_pool::chain(), wire_window_fifo::chain(), window1_pool::chain(),
          five_stages::chain(), slice::chain()};
}

}  // namespace fxsim::stitch_chains
