#include "models/engine/memory_map.hpp"

namespace fxsim::engine {

BufferSizes buffer_sizes(const engine::EngineConfig& cfg, int max_batch) {
  const auto n_in = static_cast<std::uint64_t>(cfg.in_features);
  const auto n_out = static_cast<std::uint64_t>(cfg.out_features);
  const auto b = static_cast<std::uint64_t>(max_batch);
  BufferSizes s;
  s.weights = n_out * n_in * engine::weight_layout(cfg).bytes;
  if (cfg.bn) {
    s.bn_scale = n_out * engine::bn_scale_layout(cfg).bytes;
    s.bn_bias = n_out * engine::bn_bias_layout(cfg).bytes;
  }
  s.input = b * n_in * engine::input_layout(cfg).bytes;
  s.output = b * n_out * engine::output_layout(cfg).bytes;
  return s;
}

std::uint64_t weight_address(const engine::EngineConfig& cfg, std::uint64_t index) {
  return kWeightsBase + index * engine::weight_layout(cfg).bytes;
}
std::uint64_t bn_scale_address(const engine::EngineConfig& cfg, std::uint64_t index) {
  return kBnParamsBase + index * engine::bn_scale_layout(cfg).bytes;
}
std::uint64_t bn_bias_address(const engine::EngineConfig& cfg, std::uint64_t index) {
  return kBnParamsBase +
         static_cast<std::uint64_t>(cfg.out_features) * engine::bn_scale_layout(cfg).bytes +
         index * engine::bn_bias_layout(cfg).bytes;
}
std::uint64_t input_address(const engine::EngineConfig& cfg, std::uint64_t index) {
  return kInputBase + index * engine::input_layout(cfg).bytes;
}
std::uint64_t output_address(const engine::EngineConfig& cfg, std::uint64_t index) {
  return kOutputBase + index * engine::output_layout(cfg).bytes;
}

void pack_elements(const std::int64_t* words, std::size_t n, const engine::ElementLayout& layout,
                   unsigned char* out) {
  const int nb = layout.bytes;
  for (std::size_t i = 0; i < n; ++i) {
    const auto w = static_cast<std::uint64_t>(words[i]);
    for (int b = 0; b < nb; ++b) out[i * nb + b] = static_cast<unsigned char>(w >> (8 * b));
  }
}

std::vector<unsigned char> pack_elements(const std::vector<std::int64_t>& words,
                                         const engine::ElementLayout& layout) {
  std::vector<unsigned char> bytes(words.size() * static_cast<std::size_t>(layout.bytes));
  pack_elements(words.data(), words.size(), layout, bytes.data());
  return bytes;
}

void unpack_elements(const unsigned char* bytes, std::size_t n, const engine::ElementLayout& layout,
                     std::int64_t* out) {
  const int nb = layout.bytes;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t w = 0;
    for (int b = 0; b < nb; ++b) w |= std::uint64_t{bytes[i * nb + b]} << (8 * b);
    out[i] = engine::normalize_element(static_cast<std::int64_t>(w), layout);
  }
}

std::vector<std::int64_t> unpack_elements(const unsigned char* bytes, std::size_t n,
                                          const engine::ElementLayout& layout) {
  std::vector<std::int64_t> words(n);
  unpack_elements(bytes, n, layout, words.data());
  return words;
}

}  // namespace fxsim::engine
