#include "models/engine/network_reference.hpp"

#include "models/engine/conv_reference.hpp"
#include "models/engine/elaboration.hpp"
#include "models/engine/memory_map.hpp"

namespace fxsim::engine {
namespace {

constexpr std::uint64_t kBlockStream = 0x626c6f636b000000ull;  // "block"
constexpr std::uint64_t kImageStream = 0x696d616765000000ull;  // "image"

}  // namespace

std::vector<std::int64_t> pad_channels(const std::vector<std::int64_t>& map, int c, int padded) {
  if (c == padded) return map;
  const std::size_t pixels = map.size() / static_cast<std::size_t>(c);
  std::vector<std::int64_t> out(pixels * static_cast<std::size_t>(padded), 0);
  for (std::size_t p = 0; p < pixels; ++p) {
    for (int k = 0; k < c; ++k) {
      out[p * static_cast<std::size_t>(padded) + static_cast<std::size_t>(k)] =
          map[p * static_cast<std::size_t>(c) + static_cast<std::size_t>(k)];
    }
  }
  return out;
}

units::MvauWeights mvau_weights(const BlockPlan& b, const Stimulus& s) {
  units::MvauWeights w;
  const EngineConfig& p = *b.mvau;
  if (p.kind == EngineKind::FX_MAC || p.is_bipolar()) {  // raws, or the values +1 / 0 / -1
    w.raw = s.weights;
    return w;
  }
  const fx::KhotType& t = p.khot_weight();
  w.terms.resize(s.weight_words.size());
  for (std::size_t i = 0; i < s.weight_words.size(); ++i) {
    unpack_terms(s.weight_words[i], t.k, khot_shift_bits(t), &w.terms[i]);
  }
  return w;
}

units::MvauBn mvau_bn(const BlockPlan& b, const Stimulus& s) {
  units::MvauBn bn;
  const EngineConfig& p = *b.mvau;
  if (p.threshold) {  // directions in bn_scale, T thresholds a channel in bn_bias (stimulus.cpp)
    const auto t = static_cast<std::size_t>(p.threshold->thresholds);
    for (std::size_t o = 0; o < static_cast<std::size_t>(p.out_features); ++o) {
      units::ThresholdChannel ch;
      ch.descending = (s.bn_scale.at(o) & 1) != 0;
      ch.thresholds.assign(s.bn_bias.begin() + static_cast<std::ptrdiff_t>(o * t),
                           s.bn_bias.begin() + static_cast<std::ptrdiff_t>((o + 1) * t));
      bn.thresholds.push_back(std::move(ch));
    }
    return bn;
  }
  if (!p.bn) return bn;
  bn.bias = s.bn_bias;
  if (!p.bn->khot_scale()) {
    bn.scale = s.bn_scale;
    return bn;
  }
  const fx::KhotType& t = std::get<fx::KhotType>(p.bn->scale);
  bn.scale_terms.resize(s.bn_scale_words.size());
  for (std::size_t i = 0; i < s.bn_scale_words.size(); ++i) {
    unpack_terms(s.bn_scale_words[i], t.k, khot_shift_bits(t), &bn.scale_terms[i]);
  }
  return bn;
}

NetworkOperands make_network_operands(const NetworkPlan& plan, int images) {
  NetworkOperands ops;
  ops.image_count = images;
  const std::uint64_t seed = plan.config.seed;
  for (const BlockPlan& b : plan.blocks) {
    if (!b.mvau) {
      ops.blocks.emplace_back();
      continue;
    }
    Stimulus s = make_stimulus(*b.mvau, seed ^ (kBlockStream * (b.index + 1)), 1);
    s.input.clear();
    s.batch = 0;
    // A binary weight has no zero: its padded lanes multiply a zero activation (kind binary) or
    // do not exist (xnor: plan_network refuses zero lanes).
    if (b.mvau->kind != EngineKind::BINARY && b.mvau->kind != EngineKind::XNOR) {
      zero_padded_weights(*b.mvau, b.in.padded_channels(), b.in.c, &s);
    }
    ops.blocks.push_back(std::move(s));
  }
  // The images: the activations of a dense point with one input vector of H x W x C per image.
  const MapShape& in = plan.input();
  EngineConfig image_point;  // only its activation format and sizes matter here
  image_point.activation = in.format;
  image_point.in_features = static_cast<int>(in.elements());
  image_point.out_features = 1;
  image_point.bn.reset();
  ops.images = make_stimulus(image_point, seed ^ kImageStream, images).input;
  return ops;
}

NetworkReference compute_network_reference(const NetworkPlan& plan, const NetworkOperands& ops) {
  NetworkReference ref;
  const std::vector<std::int64_t>* map = &ops.images;
  for (const BlockPlan& b : plan.blocks) {
    std::vector<std::int64_t> out, mac;
    Coverage cov;
    if (b.pool) {
      const auto per_image = static_cast<std::size_t>(b.in.elements());
      const units::MaxPoolConfig& pool = *b.pool;
      const auto pooled = static_cast<std::size_t>(pool.out_h()) * pool.out_w() * pool.c;
      out.resize(pooled * static_cast<std::size_t>(ops.image_count));
      for (int i = 0; i < ops.image_count; ++i) {
        units::max_pool(pool, map->data() + static_cast<std::size_t>(i) * per_image,
                        out.data() + static_cast<std::size_t>(i) * pooled);
      }
    } else {
      const Stimulus& s = ops.blocks[static_cast<std::size_t>(b.index)];
      const Elaboration e = elaborate(*b.mvau);
      LayerReference r;
      if (b.window && b.mvau->is_bipolar()) {
        // The dense reference (the xnor_pe array, then threshold / bn_act) on every window in
        // the sliding window's order: image, oy, ox, each window (ky, kx, c).
        const units::ConvShape shape = b.window->shape();
        const auto map_in = static_cast<std::size_t>(b.in.elements());
        const auto n_in = static_cast<std::size_t>(b.mvau->in_features);
        std::vector<std::int64_t> windows(static_cast<std::size_t>(ops.image_count) *
                                          static_cast<std::size_t>(b.vectors_per_image) * n_in);
        std::int64_t* at = windows.data();
        for (int im = 0; im < ops.image_count; ++im) {
          for (int oy = 0; oy < shape.out_height(); ++oy) {
            for (int ox = 0; ox < shape.out_width(); ++ox, at += n_in) {
              units::gather_window(shape, b.mvau->simd,
                                   map->data() + static_cast<std::size_t>(im) * map_in, oy, ox, at);
            }
          }
        }
        LayerOperands l;
        l.weight_words = s.weight_words.data();
        l.weight_values = s.weights.data();
        l.bn_scale_words = s.bn_scale_words.empty() ? nullptr : s.bn_scale_words.data();
        l.bn_bias = s.bn_bias.empty() ? nullptr : s.bn_bias.data();
        l.input = windows.data();
        l.batch = ops.image_count * static_cast<int>(b.vectors_per_image);
        r = compute_reference(e, l);
      } else if (b.window) {
        ConvOperands c;
        c.weight_words = s.weight_words.data();
        c.weight_values = s.weights.data();
        c.bn_scale_words = s.bn_scale_words.empty() ? nullptr : s.bn_scale_words.data();
        c.bn_bias = s.bn_bias.empty() ? nullptr : s.bn_bias.data();
        c.input = map->data();
        c.batch = ops.image_count;
        r = compute_conv_reference(e, b.window->shape(), c);
      } else {
        const std::vector<std::int64_t> flat = pad_channels(*map, b.in.c, b.in.padded_channels());
        LayerOperands l;
        l.weight_words = s.weight_words.data();
        l.weight_values = s.weights.data();
        l.bn_scale_words = s.bn_scale_words.empty() ? nullptr : s.bn_scale_words.data();
        l.bn_bias = s.bn_bias.empty() ? nullptr : s.bn_bias.data();
        l.input = flat.data();
        l.batch = ops.image_count;
        r = compute_reference(e, l);
      }
      out = std::move(r.output);
      mac = std::move(r.mac_output);
      cov = r.coverage;
    }
    ref.maps.push_back(std::move(out));
    ref.mac_maps.push_back(std::move(mac));
    ref.coverage.push_back(cov);
    map = &ref.maps.back();
  }
  return ref;
}

}  // namespace fxsim::engine
