#include "golden/conv_layer.hpp"

#include <string>

#include "models/units/common/unit_spec.hpp"

namespace fxsim::golden {
namespace {

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw ModelError(where + ": " + what);
}

}  // namespace

fx::FxType weight_container(const fx::NumType& t) {
  if (const auto* k = std::get_if<fx::KhotType>(&t)) {
    return fx::FxType::make(k->is_signed(), k->width, k->int_bits);
  }
  return std::get<fx::FxType>(t);
}

DenseLayer window_layer(const ConvLayer& c) {
  DenseLayer d;
  d.name = c.name;
  d.in_features = c.window_size();
  d.out_features = c.out_channels;
  d.simd = c.simd;
  d.input_type = c.input_type;
  d.weight_type = weight_container(c.weight_type);
  d.acc_type = c.acc_type;
  d.out_type = c.out_type;
  d.weight_raw = c.weight_raw;
  d.bn = c.bn;
  return d;
}

void validate(const ConvLayer& c) {
  const std::string& n = c.name;
  try {
    units::validate(c.shape);
  } catch (const units::UnitParamError& e) {
    fail(n + ".shape", e.what());
  }
  if (c.out_channels < 1) fail(n + ".out_channels", "expected >= 1");
  if (c.simd < 1 || c.simd > 64) fail(n + ".simd", "expected 1..64");
  const auto expected = static_cast<std::size_t>(c.out_channels) * c.window_size();
  if (c.weight_raw.size() != expected) {
    fail(n + ".weights", "expected out_channels x K x K x Cp = " + std::to_string(expected) +
                             " elements, found " + std::to_string(c.weight_raw.size()));
  }
  const int cp = c.padded_channels();
  for (std::size_t i = 0; i < c.weight_raw.size(); ++i) {
    if (static_cast<int>(i % cp) >= c.shape.channels && c.weight_raw[i] != 0) {
      fail(n + ".weights", "element " + std::to_string(i) + " is a padded lane (c >= " +
                               std::to_string(c.shape.channels) + ") and must be 0");
    }
    if (const auto* k = std::get_if<fx::KhotType>(&c.weight_type)) {
      if (!fx::khot_representable(c.weight_raw[i], *k)) {
        fail(n + ".weights", "element " + std::to_string(i) + " = " +
                                 std::to_string(c.weight_raw[i]) + " is not a value of " +
                                 k->str());
      }
    }
  }
  validate(window_layer(c));
}

std::vector<std::int64_t> window_order_weights(const std::vector<std::int64_t>& oihw,
                                               int out_channels, int channels, int kernel,
                                               int simd) {
  const int cp = (channels + simd - 1) / simd * simd;
  const auto kk = static_cast<std::size_t>(kernel) * kernel;
  if (oihw.size() != static_cast<std::size_t>(out_channels) * channels * kk) {
    throw ModelError("window_order_weights: " + std::to_string(oihw.size()) +
                     " weights, expected out_channels x C x K x K = " +
                     std::to_string(static_cast<std::size_t>(out_channels) * channels * kk));
  }
  std::vector<std::int64_t> w(static_cast<std::size_t>(out_channels) * kk * cp, 0);
  for (int o = 0; o < out_channels; ++o) {
    for (int c = 0; c < channels; ++c) {
      for (std::size_t tap = 0; tap < kk; ++tap) {  // tap = ky * K + kx in both layouts
        w[(o * kk + tap) * cp + c] = oihw[(static_cast<std::size_t>(o) * channels + c) * kk + tap];
      }
    }
  }
  return w;
}

}  // namespace fxsim::golden
