#include "testbenches/env/bipolar_network_blocks.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "fx/bipolar.hpp"
#include "testbenches/env/bipolar_layer_point.hpp"
#include "testbenches/env/model_layer_point.hpp"

namespace fxsim::env {
namespace {

using engine::NetworkFileError;

engine::EngineKind engine_of(const golden::BipolarDense& l) {
  return l.binary_input               ? engine::EngineKind::XNOR
         : l.weight_type.is_ternary() ? engine::EngineKind::TERNARY
                                      : engine::EngineKind::BINARY;
}

// The weight type the block runs: the layer's kind at scale 1 (the scale is in bn / thresholds).
fx::BipolarType block_weight(const golden::BipolarDense& l) {
  return l.weight_type.is_ternary() ? fx::BipolarType::ternary() : fx::BipolarType::binary();
}

std::string divisors(int n) {
  std::string out;
  for (int d = 1; d <= n; ++d) {
    if (n % d == 0) out += (out.empty() ? "" : ", ") + std::to_string(d);
  }
  return out;
}

std::string layer_names(const golden::BipolarNetwork& net) {
  std::string names;
  for (const golden::BipolarDense& l : net.layers) names += (names.empty() ? "" : ", ") + l.name;
  return names;
}

// `SOURCE:LINE: key: what` (no LINE when 0), the network loader's form.
NetworkFileError at(const engine::NetworkConfig& c, int line, const std::string& key,
                    const std::string& what) {
  std::string where = c.source.empty() ? std::string("network") : c.source;
  if (line > 0) where += ":" + std::to_string(line);
  return NetworkFileError(where + ": " + key + ": " + what);
}

void expect_equal(const engine::NetworkConfig& c, int line, const std::string& key,
                  const std::string& got, const std::string& want, const std::string& what) {
  if (got != want) throw at(c, line, key, fmt::format("{}; expected {}, {}", got, want, what));
}

}  // namespace

void add_bipolar_blocks(const golden::BipolarNetwork& net, const ModelFolding& f,
                        engine::NetworkConfig* cfg) {
  const std::size_t n = net.layers.size();
  if (!f.goal && f.pe.size() > 1 && f.pe.size() != n) {
    throw ModelFoldingError(
        fmt::format("--pe: {} values for a model of {} layers ({}); expected one value for every "
                    "layer or one per layer",
                    f.pe.size(), n, layer_names(net)));
  }
  const golden::BipolarDense& first = net.layers.front();
  cfg->input.height = 1;
  cfg->input.width = 1;
  cfg->input.channels = first.in_features;
  if (first.in_features > 4096) {
    throw ModelFoldingError(fmt::format(
        "--model: {}'s {} inputs do not fit the network input; expected at most 4096 channels",
        first.name, first.in_features));
  }
  cfg->input.format = net.input_type;
  cfg->input.simd = f.simd ? f.simd : first.simd;
  if (cfg->input.simd < 1 || cfg->input.simd > 64) {
    throw ModelFoldingError(fmt::format("--simd: {}; expected 1..64", cfg->input.simd));
  }
  for (std::size_t j = 0; j < n; ++j) {
    const golden::BipolarDense& l = net.layers[j];
    int pe = 1;
    if (f.goal) {
      pe = 1;  // the folding rule sets it
    } else if (!f.pe.empty()) {
      pe = f.pe.size() == 1 ? f.pe.front() : f.pe[j];
    } else if (j + 1 < n) {  // the model's lanes: the next layer's SIMD, a divisor of the outputs
      pe = std::max(1, net.layers[j + 1].simd);
      while (l.out_features % pe != 0) --pe;
    }
    if (pe < 1 || l.out_features % pe != 0) {
      throw ModelFoldingError(
          fmt::format("--pe: {} does not divide {}'s {} outputs; expected one "
                      "of {}",
                      pe, l.name, l.out_features, divisors(l.out_features)));
    }
    engine::NetworkLayer b;
    b.kind = engine::LayerKind::DENSE;
    b.name = l.name;
    b.fifo_depth = f.fifo_depth;
    b.outputs = l.out_features;
    b.pe = pe;
    b.engine = engine_of(l);
    b.weight = fx::FxType::make_signed(2, 2);  // the values v in {-1, 0, +1}
    b.bipolar = block_weight(l);
    b.accumulator = l.acc_type;
    b.output = l.acc_type;  // the MAC output is the accumulator
    b.output_given = false;
    if (l.bn) b.bn = engine_bn(*l.bn, engine::BnConfig{}.stages);
    if (l.binary_output()) b.threshold = engine::ThresholdTable{};  // T = 1: the sign bit
    cfg->layers.push_back(b);
  }
}

void check_against_bipolar(const engine::NetworkPlan& plan, const golden::BipolarNetwork& net) {
  const engine::NetworkConfig& c = plan.config;
  if (plan.blocks.size() != net.layers.size()) {
    throw at(c, c.model_line, "layer",
             fmt::format("{} [[layer]] tables; expected {}, a dense block per layer of the model "
                         "({})",
                         plan.blocks.size(), net.layers.size(), layer_names(net)));
  }
  expect_equal(c, 0, "input.format", plan.input().format.str(), net.input_type.str(),
               "the model's input type");
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    const golden::BipolarDense& l = net.layers[i];
    const engine::BlockPlan& b = plan.blocks[i];
    const int line = b.layer.line;
    const std::string key = fmt::format("layer[{}]", i);
    const std::string model_layer = "the model's " + l.name;
    if (b.layer.kind != engine::LayerKind::DENSE) {
      throw at(c, line, key + ".kind",
               fmt::format("{}; expected dense: {} is a dense layer (a binary / ternary model "
                           "holds dense layers only)",
                           engine::to_string(b.layer.kind), model_layer));
    }
    expect_equal(c, line, key + ".outputs", std::to_string(b.layer.outputs),
                 std::to_string(l.out_features), "the outputs of " + model_layer);
    if (b.in.elements() != l.in_features) {
      throw at(c, line, key,
               fmt::format("an input of {}x{}x{} = {} values; expected {}, the inputs of {}",
                           b.in.h, b.in.w, b.in.c, b.in.elements(), l.in_features, model_layer));
    }
    const engine::EngineConfig& p = *b.mvau;
    expect_equal(c, line, key + ".engine", std::string(engine::to_string(p.kind)),
                 std::string(engine::to_string(engine_of(l))),
                 model_layer + " has " + (l.weight_type.is_ternary() ? "ternary" : "binary") +
                     " weights and " + (l.binary_input ? "binary" : "fixed-point") + " inputs");
    expect_equal(c, line, key + ".weight", p.bipolar ? p.bipolar->str() : fx::type_str(p.weight),
                 block_weight(l).str(),
                 "the weight values of " + model_layer +
                     " (its scale is folded into the batch norm or the thresholds)");
    expect_equal(c, line, key + ".accumulator", p.accumulator.str(), l.acc_type.str(),
                 "the accumulator of " + model_layer);
    expect_equal(c, line, key + ".output", p.output.str(), l.acc_type.str(),
                 "the MAC output of " + model_layer + " (its accumulator)");
    const std::string stage = p.bn          ? "a [layer.bn] table"
                              : p.threshold ? "a [layer.threshold] table"
                                            : "none";
    expect_equal(c, line, key + ".bn", stage,
                 l.bn ? "a [layer.bn] table" : "a [layer.threshold] table",
                 model_layer + (l.bn ? " has bn_act" : " has thresholds (a bit a channel)"));
    if (p.threshold) {
      expect_equal(c, line, key + ".threshold.thresholds", std::to_string(p.threshold->thresholds),
                   "1", model_layer + " has one threshold a channel");
    }
    if (!p.bn) continue;
    const engine::BnConfig want = engine_bn(*l.bn, p.bn->stages);
    expect_equal(c, line, key + ".bn.scale", fx::type_str(p.bn->scale), fx::type_str(want.scale),
                 "the BN scale type of " + model_layer);
    expect_equal(c, line, key + ".bn.bias", p.bn->bias.str(), want.bias.str(),
                 "the BN bias type of " + model_layer);
    expect_equal(c, line, key + ".bn.output", p.bn->output.str(), want.output.str(),
                 "the BN output type of " + model_layer);
    expect_equal(
        c, line, key + ".bn.activation", std::string(units::activation_name(p.bn->activation)),
        std::string(units::activation_name(want.activation)), "the activation of " + model_layer);
    if (want.activation == units::Activation::RELU_CLIP) {
      expect_equal(c, line, key + ".bn.clip", fmt::format("{}", p.bn->clip),
                   fmt::format("{}", want.clip), "the clip bound of " + model_layer);
    }
  }
}

std::vector<engine::Stimulus> bipolar_block_operands(const engine::NetworkPlan& plan,
                                                     const golden::BipolarNetwork& net) {
  check_against_bipolar(plan, net);
  std::vector<engine::Stimulus> blocks;
  for (std::size_t i = 0; i < plan.blocks.size(); ++i) {
    const golden::BipolarDense& l = net.layers[i];
    const engine::BlockPlan& b = plan.blocks[i];
    engine::Stimulus s = bipolar_layer_stimulus(l, *b.mvau, {});
    s.batch = 0;
    // The stream's inputs: H x W pixels of Cp channels (the real C first). A padded lane's input
    // raw is 0 (the xnor kind refuses padding), so its weight is any value: +1, a code of both.
    const auto z = [](int v) { return static_cast<std::size_t>(v); };
    const std::size_t pixels = z(b.in.h) * z(b.in.w), c = z(b.in.c), cp = z(b.in.padded_channels());
    if (cp != c) {
      const std::size_t in = pixels * c, in_p = pixels * cp;
      std::vector<std::int64_t> w(z(l.out_features) * in_p, 1);
      for (std::size_t o = 0; o < z(l.out_features); ++o) {
        for (std::size_t px = 0; px < pixels; ++px) {
          for (std::size_t k = 0; k < c; ++k) {
            w[o * in_p + px * cp + k] = s.weights[o * in + px * c + k];
          }
        }
      }
      s.weights = std::move(w);
    }
    s.weight_words.clear();
    for (std::int64_t v : s.weights) {
      s.weight_words.push_back(
          static_cast<std::int64_t>(fx::bipolar_code(b.mvau->bipolar->kind, static_cast<int>(v))));
    }
    blocks.push_back(std::move(s));
  }
  return blocks;
}

}  // namespace fxsim::env
