#include "golden/bipolar_network.hpp"

#include <algorithm>
#include <string>

#include "fx/width_rules.hpp"
#include "golden/quant_network.hpp"

namespace fxsim::golden {
namespace {

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw ModelError(where + ": " + what);
}

// The weight codes of one output row, as xnor_pe stores them.
std::vector<std::uint64_t> row_codes(const BipolarDense& l, int o) {
  std::vector<std::uint64_t> codes(l.in_features);
  const std::size_t base = static_cast<std::size_t>(o) * l.in_features;
  for (int i = 0; i < l.in_features; ++i) {
    codes[i] = fx::bipolar_code(l.weight_type.kind, l.weight_v[base + i]);
  }
  return codes;
}

}  // namespace

DenseLayer bn_stage_layer(const BipolarDense& l) {
  DenseLayer d;
  d.name = l.name;
  d.in_features = l.in_features;
  d.out_features = l.out_features;
  d.simd = l.simd;
  d.input_type = l.binary_input ? fx::FxType::make_signed(2, 2) : l.input_type;
  d.weight_type = fx::FxType::make_signed(2, 2);
  d.acc_type = l.acc_type;
  d.out_type = l.acc_type;
  d.weight_raw.assign(l.weight_v.begin(), l.weight_v.end());
  d.bn = l.bn;
  return d;
}

units::XnorMode BipolarDense::mode() const {
  if (binary_input) return units::XnorMode::BINARY;
  return weight_type.is_ternary() ? units::XnorMode::TERNARY_WEIGHTS
                                  : units::XnorMode::BINARY_WEIGHTS;
}

units::XnorPeConfig BipolarDense::pe_config() const {
  units::XnorPeConfig c;
  c.mode = mode();
  c.simd = simd;
  // xnor_pe sees raws: an integer format of the input's width and signedness.
  c.a = binary_input ? fx::FxType::make_unsigned(1, 1)
                     : fx::FxType::make(input_type.is_signed, input_type.width, input_type.width);
  c.w_frac = 0;
  c.acc =
      fx::FxType::make_signed(acc_type.width, acc_type.width, fx::Rounding::TRN, acc_type.overflow);
  c.out = fx::FxType::make_signed(acc_type.width, acc_type.width);
  return c;
}

units::ThresholdConfig BipolarDense::threshold_config() const {
  units::ThresholdConfig c;
  c.pe = 1;
  c.channels = out_features;
  c.x_w = acc_type.width;
  c.thresholds = 1;
  return c;
}

units::BnActConfig BipolarDense::bn_config() const {
  return golden::bn_config(bn_stage_layer(*this));
}

fx::FxType bipolar_acc_type(const fx::FxType* input, int length) {
  // |sum| <= length x max|a| < 2^(magnitude bits + ceil_log2(length)); one sign bit more.
  int magnitude = 1;  // bits: |v_a| = 1
  if (input) {
    const std::int64_t m = std::max(-input->raw_min(), input->raw_max());
    magnitude = 0;
    while ((std::int64_t{1} << magnitude) <= m) ++magnitude;
    if (magnitude == 0) magnitude = 1;
  }
  const int width = magnitude + fx::ceil_log2(static_cast<unsigned long long>(length)) + 1;
  const int frac = input ? input->frac_bits() : 0;
  return fx::FxType::make_signed(width, width - frac, fx::Rounding::TRN, fx::Overflow::SAT);
}

void validate(const BipolarDense& l) {
  const std::string& n = l.name;
  if (l.in_features < 1 || l.out_features < 1) fail(n, "in/out features must be >= 1");
  if (l.simd < 1 || l.simd > 64) fail(n + ".simd", "expected 1..64");
  if (l.weight_v.size() != static_cast<std::size_t>(l.in_features) * l.out_features) {
    fail(n + ".weights", "expected " + std::to_string(l.in_features * l.out_features) +
                             " elements, found " + std::to_string(l.weight_v.size()));
  }
  for (std::size_t i = 0; i < l.weight_v.size(); ++i) {
    const int v = l.weight_v[i];
    if (v == 1 || v == -1 || (v == 0 && l.weight_type.is_ternary())) continue;
    fail(n + ".weights", "element " + std::to_string(i) + " = " + std::to_string(v) +
                             " is not a v of " + l.weight_type.str() + " (expected " +
                             (l.weight_type.is_ternary() ? "-1, 0 or +1)" : "-1 or +1)"));
  }
  if (l.binary_input && l.in_features % l.simd != 0) {
    fail(n + ".in_features",
         std::to_string(l.in_features) + " binary inputs are not a multiple of simd = " +
             std::to_string(l.simd) + " (xnor-popcount: a padded lane would add +1)");
  }
  const fx::FxType need = bipolar_acc_type(l.binary_input ? nullptr : &l.input_type, l.in_features);
  if (!l.acc_type.is_signed || l.acc_type.frac_bits() != need.frac_bits() ||
      l.acc_type.int_bits < need.int_bits || l.acc_type.width > 62) {
    fail(n + ".accumulator",
         "type " + l.acc_type.str() + "; expected a signed type with " +
             std::to_string(need.frac_bits()) + " fraction bits (the input's) and at least " +
             std::to_string(need.int_bits) +
             " integer bits (no sum overflows), at most 62 bits wide: " + need.str());
  }
  if (l.bn.has_value() == l.binary_output()) {
    fail(n, l.bn ? "both a bn and thresholds; expected one output stage"
                 : "neither a bn nor thresholds; expected one output stage");
  }
  if (l.bn) {
    if (l.bn->khot_scale()) {
      fail(n + ".bn.scale_type",
           fx::type_str(l.bn->scale_type) +
               "; a binary / ternary layer's bn_act takes a fixed-point scale");
    }
    validate(bn_stage_layer(l));
    return;
  }
  if (l.thresholds.size() != static_cast<std::size_t>(l.out_features)) {
    fail(n + ".thresholds", std::to_string(l.thresholds.size()) + " channels, expected " +
                                std::to_string(l.out_features));
  }
  const units::ThresholdConfig tc = l.threshold_config();
  for (std::size_t c = 0; c < l.thresholds.size(); ++c) {
    try {
      units::check_channel(tc, l.thresholds[c]);
    } catch (const std::invalid_argument& e) {
      fail(n + ".thresholds", "channel " + std::to_string(c) + ": " + e.what());
    }
  }
}

void validate(const BipolarNetwork& net) {
  if (net.layers.empty()) fail("layers", "no layer");
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    const BipolarDense& l = net.layers[i];
    validate(l);
    if (i == 0) {
      if (l.binary_input || l.input_type != net.input_type) {
        fail(l.name + ".input", "the first layer reads the network's input " +
                                    net.input_type.str() + "; found " +
                                    (l.binary_input ? std::string("binary") : l.input_type.str()));
      }
      continue;
    }
    const BipolarDense& prev = net.layers[i - 1];
    if (l.in_features != prev.out_features) {
      fail(l.name + ".in_features", std::to_string(l.in_features) + "; the previous layer has " +
                                        std::to_string(prev.out_features) + " outputs");
    }
    if (prev.binary_output() != l.binary_input) {
      fail(l.name + ".input",
           prev.binary_output()
               ? "expected binary: the previous layer outputs bits"
               : "binary, but the previous layer outputs " + prev.bn->out_type.str());
    }
    if (!l.binary_input && l.input_type != prev.bn->out_type) {
      fail(l.name + ".input", l.input_type.str() + " is not the previous layer's output type " +
                                  prev.bn->out_type.str());
    }
  }
  if (net.layers.back().binary_output()) {
    fail(net.layers.back().name, "the last layer gives the logits: expected a bn, not thresholds");
  }
}

std::vector<std::int64_t> reference_bipolar(const BipolarDense& l,
                                            const std::vector<std::int64_t>& input) {
  if (input.size() != static_cast<std::size_t>(l.in_features)) {
    fail(l.name, "input has " + std::to_string(input.size()) + " elements, expected " +
                     std::to_string(l.in_features));
  }
  const units::XnorPeConfig pe = l.pe_config();
  // Built once a layer: bn_config() copies the layer's weights (bn_stage_layer), which per
  // output made the reference quadratic in the layer size.
  const bool thresholds = l.binary_output();
  const units::ThresholdConfig tc = thresholds ? l.threshold_config() : units::ThresholdConfig{};
  const units::BnActConfig bc = thresholds ? units::BnActConfig{} : l.bn_config();
  std::vector<std::int64_t> out(l.out_features);
  for (int o = 0; o < l.out_features; ++o) {
    const std::int64_t x = units::xnor_dot(pe, input, row_codes(l, o)).data;
    if (thresholds) {
      out[o] = units::threshold(tc, x, l.thresholds[o]);
    } else {
      out[o] = units::bn_act(bc, x, l.bn->scale_raw[o], {}, l.bn->bias_raw[o]).y;
    }
  }
  return out;
}

std::vector<std::int64_t> reference_forward(const BipolarNetwork& net,
                                            const std::vector<std::int64_t>& input) {
  std::vector<std::int64_t> x = input;
  for (const BipolarDense& l : net.layers) x = reference_bipolar(l, x);
  return x;
}

}  // namespace fxsim::golden
