// A feature map as the streaming units carry it (docs/rtl_units.md, "Streams of feature maps"):
// pixels in row-major order, channels fastest, SIMD channels per beat, so ceil(C / SIMD) beats
// per pixel; the unused lanes of a pixel's last beat are zero (C padded to Cp with zeros).
#pragma once

#include <cstdint>
#include <vector>

namespace fxsim::streaming {

using Lanes = std::vector<std::int64_t>;

// The beats of `map` (pixels x C raw values, channels fastest), SIMD lanes each.
std::vector<Lanes> map_to_beats(const std::vector<std::int64_t>& map, int channels, int simd);

// The map carried by `beats` (the padded lanes dropped).
std::vector<std::int64_t> beats_to_map(const std::vector<Lanes>& beats, int channels, int simd);

}  // namespace fxsim::streaming
