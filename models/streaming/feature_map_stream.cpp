#include "models/streaming/feature_map_stream.hpp"

#include <stdexcept>

namespace fxsim::streaming {

std::vector<Lanes> map_to_beats(const std::vector<std::int64_t>& map, int channels, int simd) {
  if (channels < 1 || simd < 1 || map.size() % static_cast<std::size_t>(channels) != 0) {
    throw std::invalid_argument("map_to_beats: the map is not whole pixels of C channels");
  }
  const int per_pixel = (channels + simd - 1) / simd;
  const std::size_t pixels = map.size() / static_cast<std::size_t>(channels);
  std::vector<Lanes> beats;
  beats.reserve(pixels * static_cast<std::size_t>(per_pixel));
  for (std::size_t p = 0; p < pixels; ++p) {
    for (int b = 0; b < per_pixel; ++b) {
      Lanes lanes(static_cast<std::size_t>(simd), 0);
      for (int i = 0; i < simd && b * simd + i < channels; ++i) {
        lanes[static_cast<std::size_t>(i)] =
            map[p * channels + static_cast<std::size_t>(b * simd + i)];
      }
      beats.push_back(std::move(lanes));
    }
  }
  return beats;
}

std::vector<std::int64_t> beats_to_map(const std::vector<Lanes>& beats, int channels, int simd) {
  const int per_pixel = (channels + simd - 1) / simd;
  if (beats.size() % static_cast<std::size_t>(per_pixel) != 0) {
    throw std::invalid_argument("beats_to_map: the beats are not whole pixels");
  }
  std::vector<std::int64_t> map;
  map.reserve(beats.size() / per_pixel * static_cast<std::size_t>(channels));
  for (std::size_t i = 0; i < beats.size(); ++i) {
    const int b = static_cast<int>(i % static_cast<std::size_t>(per_pixel));
    for (int l = 0; l < simd && b * simd + l < channels; ++l) {
      map.push_back(beats[i].at(static_cast<std::size_t>(l)));
    }
  }
  return map;
}

}  // namespace fxsim::streaming
