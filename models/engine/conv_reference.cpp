// A direct convolution: for each output pixel (oy, ox) its window is gathered in the hardware's
// order (ky, kx, c), then the dense layer's stages compute every output channel of that pixel
// (the oc x (ky, kx, c) loops live in PeArrayStage, the per-channel bn_act in BnStage).
#include "models/engine/conv_reference.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "models/engine/layer_stages.hpp"
#include "models/units/common/unit_spec.hpp"

namespace fxsim::engine {

EngineConfig conv_point(const ConvShape& s, int out_channels, EngineConfig base) {
  units::validate(s);
  base.in_features = s.window_size(base.simd);
  base.out_features = out_channels;
  return base;
}

LayerReference compute_conv_reference(const Elaboration& e, const ConvShape& s,
                                      const ConvOperands& ops) {
  units::validate(s);
  const EngineConfig& cfg = e.point;
  const int n_in = s.window_size(cfg.simd);
  if (cfg.in_features != n_in) {
    throw units::UnitParamError("conv: in_features = " + std::to_string(cfg.in_features) +
                                "; expected K * K * Cp = " + std::to_string(n_in) +
                                " (build the point with conv_point)");
  }
  const int n_out = cfg.out_features;
  const auto map_in = static_cast<std::size_t>(s.height) * s.width * s.channels;
  const auto map_out = static_cast<std::size_t>(s.out_height()) * s.out_width() * n_out;
  LayerReference ref;
  ref.coverage = empty_coverage(cfg);
  ref.mac_output.resize(static_cast<std::size_t>(ops.batch) * map_out);
  if (cfg.bn) ref.output.resize(ref.mac_output.size());

  std::vector<std::int64_t> decoded;
  const std::int64_t* weights = weight_values(e, ops.weight_words, ops.weight_values, &decoded);
  // RND_STOCH: lane p rounds output channel o % PE of every window, window after window.
  PeArrayStage pe(e.accumulator(), weight_bounds(weights, n_in, n_out), mac_lane_seeds(cfg));
  std::optional<BnStage> bn;
  std::vector<std::int64_t> scales;  // decoded once: every pixel has the same channels
  if (cfg.bn) {
    bn.emplace(*e.bn_config, bn_lane_seeds(cfg));
    scales = bn->scale_values(ops.bn_scale_words, n_out);
  }
  std::vector<std::int64_t> window(static_cast<std::size_t>(n_in));
  // The int16 path when the formats allow it (PeArrayStage::fits_int16): weights narrowed once.
  bool narrow_weights = pe.fits_int16(n_in);
  std::vector<std::int16_t> w16, window16, map16;
  if (narrow_weights) {
    w16.resize(static_cast<std::size_t>(n_in) * n_out);
    window16.resize(window.size());
    map16.resize(map_in);
    narrow_weights = narrow_to_int16(weights, w16.size(), w16.data());
  }
  const auto pixels = static_cast<std::size_t>(s.out_height()) * s.out_width();
  for (int b = 0; b < ops.batch; ++b) {
    const std::int64_t* map = ops.input + static_cast<std::size_t>(b) * map_in;
    std::int64_t* mac = ref.mac_output.data() + static_cast<std::size_t>(b) * map_out;
    const bool narrow = narrow_weights && narrow_to_int16(map, map_in, map16.data());
    for (int oy = 0; oy < s.out_height(); ++oy) {
      for (int ox = 0; ox < s.out_width(); ++ox) {
        std::int64_t* at = mac + (static_cast<std::size_t>(oy) * s.out_width() + ox) *
                                     static_cast<std::size_t>(n_out);
        if (narrow) {  // the accumulators only: requantized below, the whole image in one loop
          gather_window(s, cfg.simd, map16.data(), oy, ox, window16.data());
          pe.sums16(w16.data(), window16.data(), n_in, 0, n_out, at);
        } else {
          gather_window(s, cfg.simd, map, oy, ox, window.data());
          pe.run(weights, window.data(), n_in, 0, n_out, at, &ref.coverage);
        }
      }
    }
    if (narrow) pe.requantize(n_in, map_out, mac, &ref.coverage, 0, n_out);
    if (bn) {
      bn->run_pixels(mac, scales.data(), ops.bn_bias, n_out, pixels,
                     ref.output.data() + static_cast<std::size_t>(b) * map_out, &ref.coverage);
    }
  }
  if (!cfg.bn) ref.output = ref.mac_output;
  return ref;
}

}  // namespace fxsim::engine
