#include "golden/affine_conv.hpp"

#include <stdexcept>
#include <string>

#include "golden/conv_layer.hpp"
#include "models/units/common/unit_spec.hpp"

namespace fxsim::golden {
namespace {

[[noreturn]] void fail(const AffineConv& layer, const std::string& field,
                       const std::string& message) {
  throw std::invalid_argument((layer.name.empty() ? std::string("affine conv") : layer.name) + "." +
                              field + ": " + message);
}

void check_shape(const AffineConv& layer) {
  try {
    units::validate(layer.shape);
  } catch (const units::UnitParamError& e) {
    fail(layer, "shape", e.what());
  }
  if (layer.out_channels < 1) {
    fail(layer, "out_channels", std::to_string(layer.out_channels) + ": expected at least 1");
  }
}

void check_weight_count(const AffineConv& layer) {
  const units::ConvShape& s = layer.shape;
  const std::size_t expected =
      static_cast<std::size_t>(layer.out_channels) * static_cast<std::size_t>(s.window_size(1));
  if (layer.weight_q.size() != expected) {
    fail(layer, "weight_q",
         std::to_string(layer.weight_q.size()) + " values: expected " + std::to_string(expected) +
             " = O x C x K x K");
  }
  // Checked here (as well as by the dense layer) so that an index names the OIHW position.
  const fx::AffineInt& wf = layer.weight_type.format;
  try {
    wf.validate();
  } catch (const std::invalid_argument& e) {
    fail(layer, "weight_type", e.what());
  }
  for (std::size_t i = 0; i < expected; ++i) {
    if (layer.weight_q[i] < wf.q_min() || layer.weight_q[i] > wf.q_max()) {
      fail(layer, "weight_q",
           "value " + std::to_string(layer.weight_q[i]) + " at " + std::to_string(i) +
               " (OIHW): outside " + wf.str());
    }
  }
}

void check_input_count(const AffineConv& layer, const std::vector<std::int64_t>& x_q,
                       std::size_t batch) {
  const units::ConvShape& s = layer.shape;
  const std::size_t image = static_cast<std::size_t>(s.channels) *
                            static_cast<std::size_t>(s.height) * static_cast<std::size_t>(s.width);
  if (x_q.size() != batch * image) {
    fail(layer, "input",
         std::to_string(x_q.size()) + " values: expected " + std::to_string(batch) + " x " +
             std::to_string(s.channels) + " x " + std::to_string(s.height) + " x " +
             std::to_string(s.width));
  }
}

// (batch x OH x OW) rows of `channels` values (the dense layer's output order) into NCHW.
template <typename T>
std::vector<T> pixels_to_nchw(const std::vector<T>& rows, std::size_t batch, std::size_t pixels,
                              std::size_t channels) {
  std::vector<T> out(rows.size());
  for (std::size_t b = 0; b < batch; ++b) {
    for (std::size_t p = 0; p < pixels; ++p) {
      for (std::size_t o = 0; o < channels; ++o) {
        out[(b * channels + o) * pixels + p] = rows[(b * pixels + p) * channels + o];
      }
    }
  }
  return out;
}

}  // namespace

AffineDense window_dense(const AffineConv& layer) {
  check_shape(layer);
  check_weight_count(layer);
  AffineDense d;
  d.name = layer.name;
  d.in_features = layer.shape.window_size(1);
  d.out_features = layer.out_channels;
  d.input_type = layer.input_type;
  d.weight_type = layer.weight_type;
  d.output_type = layer.output_type;
  d.acc_width = layer.acc_width;
  d.weight_q = window_order_weights(layer.weight_q, layer.out_channels, layer.shape.channels,
                                    layer.shape.kernel, 1);
  d.bias_q = layer.bias_q;
  d.method = layer.method;
  d.multiplier_bits = layer.multiplier_bits;
  d.integer_rounding = layer.integer_rounding;
  d.relu = layer.relu;
  return d;
}

void validate(const AffineConv& layer) { validate(window_dense(layer)); }

std::vector<std::int64_t> affine_conv_windows(const AffineConv& layer,
                                              const std::vector<std::int64_t>& x_q,
                                              std::size_t batch) {
  validate(layer);  // the input type too: its zero point is read below
  check_input_count(layer, x_q, batch);
  const units::ConvShape& s = layer.shape;
  const auto channels = static_cast<std::size_t>(s.channels);
  const std::size_t plane = static_cast<std::size_t>(s.height) * static_cast<std::size_t>(s.width);
  const auto window = static_cast<std::size_t>(s.window_size(1));
  const std::int64_t zx = layer.input_type.params.zero_point(0);
  // gather_window (the one statement of the window order) fills padding taps with 0. Gathering
  // x - zx and adding zx back makes them zx: PyTorch's padding, real 0 in the input format.
  std::vector<std::int64_t> centred(channels * plane);
  std::vector<std::int64_t> windows(batch * layer.out_pixels() * window);
  std::int64_t* row = windows.data();
  for (std::size_t b = 0; b < batch; ++b) {
    for (std::size_t c = 0; c < channels; ++c) {  // NCHW -> one H x W x C map
      for (std::size_t p = 0; p < plane; ++p) {
        centred[p * channels + c] = x_q[(b * channels + c) * plane + p] - zx;
      }
    }
    for (int oy = 0; oy < s.out_height(); ++oy) {
      for (int ox = 0; ox < s.out_width(); ++ox, row += window) {
        units::gather_window(s, 1, centred.data(), oy, ox, row);
        for (std::size_t e = 0; e < window; ++e) row[e] += zx;
      }
    }
  }
  return windows;
}

std::vector<std::int32_t> affine_conv_accumulators(const AffineConv& layer,
                                                   const std::vector<std::int64_t>& x_q,
                                                   std::size_t batch) {
  const AffineDense dense = window_dense(layer);
  const std::size_t pixels = layer.out_pixels();
  return pixels_to_nchw(
      affine_dense_accumulators(dense, affine_conv_windows(layer, x_q, batch), batch * pixels),
      batch, pixels, static_cast<std::size_t>(layer.out_channels));
}

std::vector<std::int64_t> affine_conv_forward(const AffineConv& layer,
                                              const std::vector<std::int64_t>& x_q,
                                              std::size_t batch) {
  const AffineDense dense = window_dense(layer);
  const std::size_t pixels = layer.out_pixels();
  return pixels_to_nchw(
      affine_dense_forward(dense, affine_conv_windows(layer, x_q, batch), batch * pixels), batch,
      pixels, static_cast<std::size_t>(layer.out_channels));
}

}  // namespace fxsim::golden
