#include "testbenches/env/network_from_model.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "fx/type_parser.hpp"
#include "golden/idx.hpp"
#include "models/engine/stimulus.hpp"
#include "testbenches/env/model_layer_point.hpp"
#include "testbenches/env/verify_model.hpp"

namespace fxsim::env {
namespace {

using engine::NetworkFileError;

std::string layer_names(const golden::QuantNetwork& m) {
  std::string names;
  for (const golden::DenseLayer& l : m.layers) names += (names.empty() ? "" : ", ") + l.name;
  return names;
}

std::string divisors(int n) {
  std::string out;
  for (int d = 1; d <= n; ++d) {
    if (n % d == 0) out += (out.empty() ? "" : ", ") + std::to_string(d);
  }
  return out;
}

// Why `simd` inputs a beat would change the outputs of `l` (the model accumulates l.simd a beat
// and its accumulator can overflow); nullopt when it does not.
std::optional<std::string> order_problem(const golden::DenseLayer& l, int simd) {
  if (simd == l.simd || accumulation_order_free(l)) return std::nullopt;
  return fmt::format(
      "makes {} accumulate {} inputs a beat, but the model's {} accumulates {} and its "
      "accumulator {} can overflow, so the order of its saturations matters",
      l.name, simd, l.name, l.simd, l.acc_type.str());
}

// `SOURCE:LINE: key: what` (no LINE when 0), the network loader's form.
NetworkFileError at(const engine::NetworkConfig& c, int line, const std::string& key,
                    const std::string& what) {
  std::string where = c.source.empty() ? std::string("network") : c.source;
  if (line > 0) where += ":" + std::to_string(line);
  return NetworkFileError(where + ": " + key + ": " + what);
}

// A value of the description against the model's: "GOT; expected WANT, WHAT".
void expect_equal(const engine::NetworkConfig& c, int line, const std::string& key,
                  const std::string& got, const std::string& want, const std::string& what) {
  if (got != want) throw at(c, line, key, fmt::format("{}; expected {}, {}", got, want, what));
}

// Rows of out x in weights laid out over the stream's H x W x Cp elements: a pixel's C real
// channels, then zeros on its padded lanes (the zero-lane rule).
std::vector<std::int64_t> padded_rows(const std::vector<std::int64_t>& w, int out, int pixels,
                                      int c, int cp) {
  if (c == cp) return w;
  const std::size_t in = static_cast<std::size_t>(pixels) * static_cast<std::size_t>(c);
  const std::size_t in_p = static_cast<std::size_t>(pixels) * static_cast<std::size_t>(cp);
  std::vector<std::int64_t> p(static_cast<std::size_t>(out) * in_p, 0);
  for (std::size_t o = 0; o < static_cast<std::size_t>(out); ++o) {
    for (std::size_t px = 0; px < static_cast<std::size_t>(pixels); ++px) {
      for (std::size_t k = 0; k < static_cast<std::size_t>(c); ++k) {
        p[o * in_p + px * static_cast<std::size_t>(cp) + k] =
            w[o * in + px * static_cast<std::size_t>(c) + k];
      }
    }
  }
  return p;
}

golden::ModelFile read_model(const engine::NetworkConfig& c) {
  try {
    return golden::read_model_file(c.model);
  } catch (const std::exception& e) {  // ModelFileError, ModelError, a missing file
    throw at(c, c.model_line, "network.model", e.what());
  }
}

}  // namespace

bool accumulation_order_free(const golden::DenseLayer& l) {
  // |x| <= the larger magnitude of the input type's raw range; products and their sums are exact
  // raws of the accumulator's fraction (F_acc = F_in + F_w, golden::validate).
  const std::int64_t x =
      std::max(std::llabs(l.input_type.raw_min()), std::llabs(l.input_type.raw_max()));
  for (int o = 0; o < l.out_features; ++o) {
    __int128 bound = 0;
    for (int i = 0; i < l.in_features; ++i) {
      const std::int64_t w =
          l.weight_raw[static_cast<std::size_t>(o) * static_cast<std::size_t>(l.in_features) +
                       static_cast<std::size_t>(i)];
      bound += static_cast<__int128>(std::llabs(w)) * x;
    }
    if (bound > l.acc_type.raw_max() || -bound < l.acc_type.raw_min()) return false;
  }
  return true;
}

engine::NetworkConfig network_from_model(const golden::ModelFile& file, const ModelFolding& f) {
  const golden::QuantNetwork& m = file.model;
  try {
    golden::require_dense(m, "fxsim network-from-model");
  } catch (const golden::ModelError& e) {
    throw ModelFoldingError(e.what());
  }
  const std::size_t n = m.layers.size();
  if (f.pe.size() != 1 && f.pe.size() != n) {
    throw ModelFoldingError(fmt::format(
        "--pe: {} values for a model of {} layers ({}); expected one value for every layer or "
        "one per layer",
        f.pe.size(), n, layer_names(m)));
  }
  engine::NetworkConfig cfg;
  cfg.name = f.name.empty() ? std::filesystem::path(f.model_ref).stem().string() : f.name;
  cfg.model = f.model_ref;
  cfg.model_data = f.model_data_ref;
  const golden::DenseLayer& first = m.layers.front();
  cfg.input.height = 1;  // the flattened input vector: 1 x 1 x in_features
  cfg.input.width = 1;
  cfg.input.channels = first.in_features;
  if (first.in_features > 4096) {
    throw ModelFoldingError(fmt::format(
        "--model: {}'s {} inputs do not fit the network input; expected at most 4096 channels",
        first.name, first.in_features));
  }
  cfg.input.format = m.input_type;
  cfg.input.simd = f.simd ? f.simd : first.simd;
  if (cfg.input.simd < 1 || cfg.input.simd > 64) {
    throw ModelFoldingError(fmt::format("--simd: {}; expected 1..64", cfg.input.simd));
  }
  if (const auto p = order_problem(first, cfg.input.simd)) {
    throw ModelFoldingError(
        fmt::format("--simd: {} {}; expected {}", cfg.input.simd, *p, first.simd));
  }
  for (std::size_t i = 0; i < n; ++i) {
    const golden::DenseLayer& l = m.layers[i];
    const int pe = f.pe.size() == 1 ? f.pe.front() : f.pe[i];
    if (pe < 1 || l.out_features % pe != 0) {
      throw ModelFoldingError(
          fmt::format("--pe: {} does not divide {}'s {} outputs; expected one of {}", pe, l.name,
                      l.out_features, divisors(l.out_features)));
    }
    if (i + 1 < n) {
      const golden::DenseLayer& next = m.layers[i + 1];
      if (const auto p = order_problem(next, pe)) {
        throw ModelFoldingError(fmt::format(
            "--pe: {}'s PE {} {} (a block's SIMD is the PE of the block before it); expected PE "
            "{} for {}",
            l.name, pe, *p, next.simd, l.name));
      }
    }
    engine::NetworkLayer nl;
    nl.kind = engine::LayerKind::DENSE;
    nl.name = l.name;
    nl.fifo_depth = f.fifo_depth;
    nl.outputs = l.out_features;
    nl.engine = engine::EngineKind::FX_MAC;
    nl.pe = pe;
    nl.weight = l.weight_type;
    nl.accumulator = l.acc_type;
    nl.output = l.out_type;
    if (l.bn) nl.bn = engine_bn(*l.bn, engine::BnConfig{}.stages);
    cfg.layers.push_back(nl);
  }
  const int golden_images = file.golden ? file.golden->count : 0;
  if (f.images > 0) {
    if (file.golden && f.images > golden_images) {
      throw ModelFoldingError(
          fmt::format("--images: {}; expected at most {}, the golden test images of the model file",
                      f.images, golden_images));
    }
    cfg.images = f.images;
  } else {
    cfg.images = file.golden ? std::min(golden_images, kDefaultImages) : 1;
  }
  try {
    check_against_model(engine::plan_network(cfg, "the folding"), file);
  } catch (const NetworkFileError& e) {  // a rule of a unit: PE limits, formats
    throw ModelFoldingError(e.what());
  }
  return cfg;
}

std::string network_toml(const engine::NetworkConfig& cfg, const ModelFolding& f,
                         const std::string& comment) {
  std::string t;
  for (std::size_t p = 0, e; p < comment.size(); p = e + 1) {
    e = comment.find('\n', p);
    if (e == std::string::npos) e = comment.size();
    t += "# " + comment.substr(p, e - p) + "\n";
  }
  t += fmt::format("seed = {}  # the output DMA's stall pattern (the operands are the model's)\n\n",
                   cfg.seed);
  t += "[network]\n";
  t += fmt::format("name = \"{}\"\n", cfg.name);
  t += fmt::format("model = \"{}\"\n", f.model_ref);
  if (!f.model_data_ref.empty()) t += fmt::format("model_data = \"{}\"\n", f.model_data_ref);
  t += fmt::format("images = {}\n", cfg.images);
  t += fmt::format("clock_ns = {}\n\n", cfg.clock_ns);
  t += "[input]\n";
  t += fmt::format("height = {}\nwidth = {}\nchannels = {}\n", cfg.input.height, cfg.input.width,
                   cfg.input.channels);
  t += fmt::format("format = \"{}\"\nsimd = {}\n", cfg.input.format.str(), cfg.input.simd);
  for (const engine::NetworkLayer& l : cfg.layers) {
    t += "\n[[layer]]\nkind = \"dense\"\n";
    t += fmt::format("name = \"{}\"\nfifo_depth = {}\noutputs = {}\n", l.name, l.fifo_depth,
                     l.outputs);
    t += fmt::format("engine = \"fx_mac\"\npe = {}\n", l.pe);
    t += fmt::format("weight = \"{}\"\naccumulator = \"{}\"\noutput = \"{}\"\n",
                     fx::type_str(l.weight), l.accumulator->str(), l.output.str());
    if (!l.bn) continue;
    t += "[layer.bn]\n";
    t += fmt::format("scale = \"{}\"\nbias = \"{}\"\noutput = \"{}\"\nactivation = \"{}\"\n",
                     fx::type_str(l.bn->scale), l.bn->bias.str(), l.bn->output.str(),
                     units::activation_name(l.bn->activation));
    if (l.bn->activation == units::Activation::RELU_CLIP) {
      t += fmt::format("clip = {}\n", l.bn->clip);
    }
  }
  return t;
}

void check_against_model(const engine::NetworkPlan& plan, const golden::ModelFile& file) {
  const engine::NetworkConfig& c = plan.config;
  const golden::QuantNetwork& m = file.model;
  if (plan.blocks.size() != m.layers.size()) {
    throw at(c, c.model_line, "layer",
             fmt::format("{} [[layer]] tables; expected {}, a dense block per layer of the model "
                         "({})",
                         plan.blocks.size(), m.layers.size(), layer_names(m)));
  }
  expect_equal(c, 0, "input.format", plan.input().format.str(), m.input_type.str(),
               "the model's input type");
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    const golden::DenseLayer& l = m.layers[i];
    const engine::BlockPlan& b = plan.blocks[i];
    const int line = b.layer.line;
    const std::string key = fmt::format("layer[{}]", i);
    const std::string model_layer = "the model's " + l.name;
    if (b.layer.kind != engine::LayerKind::DENSE) {
      throw at(c, line, key + ".kind",
               fmt::format("{}; expected dense: {} is a dense layer (model files hold dense "
                           "layers only)",
                           engine::to_string(b.layer.kind), model_layer));
    }
    expect_equal(c, line, key + ".outputs", std::to_string(b.layer.outputs),
                 std::to_string(l.out_features), "the outputs of " + model_layer);
    if (b.in.elements() != l.in_features) {
      throw at(c, line, key,
               fmt::format("an input of {}x{}x{} = {} values; expected {}, the inputs of {}",
                           b.in.h, b.in.w, b.in.c, b.in.elements(), l.in_features, model_layer));
    }
    expect_equal(c, line, key + ".engine", std::string(engine::to_string(b.mvau->kind)), "fx_mac",
                 model_layer + "'s weights are fixed point");
    expect_equal(c, line, key + ".weight", fx::type_str(b.mvau->weight), l.weight_type.str(),
                 "the weight type of " + model_layer);
    expect_equal(c, line, key + ".accumulator", b.mvau->accumulator.str(), l.acc_type.str(),
                 "the accumulator of " + model_layer);
    expect_equal(c, line, key + ".output", b.mvau->output.str(), l.out_type.str(),
                 "the MAC output type of " + model_layer);
    const std::optional<engine::BnConfig>& bn = b.mvau->bn;
    expect_equal(c, line, key + ".bn", bn ? "a [layer.bn] table" : "none",
                 l.bn ? "a [layer.bn] table" : "none",
                 model_layer + (l.bn ? " has" : " has no") + " bn_act");
    if (bn) {
      const engine::BnConfig want = engine_bn(*l.bn, bn->stages);
      expect_equal(c, line, key + ".bn.scale", fx::type_str(bn->scale), fx::type_str(want.scale),
                   "the BN scale type of " + model_layer);
      expect_equal(c, line, key + ".bn.bias", bn->bias.str(), want.bias.str(),
                   "the BN bias type of " + model_layer);
      expect_equal(c, line, key + ".bn.output", bn->output.str(), want.output.str(),
                   "the BN output type of " + model_layer);
      expect_equal(
          c, line, key + ".bn.activation", std::string(units::activation_name(bn->activation)),
          std::string(units::activation_name(want.activation)), "the activation of " + model_layer);
      if (want.activation == units::Activation::RELU_CLIP) {
        expect_equal(c, line, key + ".bn.clip", fmt::format("{}", bn->clip),
                     fmt::format("{}", want.clip), "the clip bound of " + model_layer);
      }
    }
    if (const auto p = order_problem(l, b.mvau->simd)) {
      // A block's SIMD is the incoming stream's lanes: the input's or the previous block's PE.
      const bool input = i == 0;
      throw at(c, input ? 0 : plan.blocks[i - 1].layer.line,
               input ? std::string("input.simd") : fmt::format("layer[{}].pe", i - 1),
               fmt::format("{} {}; expected {}", b.mvau->simd, *p, l.simd));
    }
  }
}

ModelNetwork load_model_network(const engine::NetworkPlan& plan, int images) {
  const engine::NetworkConfig& c = plan.config;
  const golden::ModelFile file = read_model(c);
  check_against_model(plan, file);
  ModelNetwork net;
  net.ops.image_count = images;
  net.classes = file.model.layers.back().out_features;
  for (std::size_t i = 0; i < plan.blocks.size(); ++i) {
    const golden::DenseLayer& l = file.model.layers[i];
    const engine::BlockPlan& b = plan.blocks[i];
    engine::Stimulus s = layer_stimulus(l, *b.mvau, {});
    s.batch = 0;
    const int pixels = b.in.h * b.in.w;
    s.weights = padded_rows(s.weights, l.out_features, pixels, b.in.c, b.in.padded_channels());
    s.weight_words = s.weights;  // fixed-point weights: the memory holds the raws
    net.ops.blocks.push_back(std::move(s));
  }
  if (!file.golden) {
    net.ops.images = engine::make_network_operands(plan, images).images;
    return net;
  }
  golden::GoldenResults g = *file.golden;
  if (images > g.count) {
    throw at(c, 0, "network.images",
             fmt::format("{}; expected at most {}, the golden test images of {}", images, g.count,
                         c.model));
  }
  const std::string data = c.model_data.empty() ? VerifyOptions{}.data_dir : c.model_data;
  const int features = file.model.layers.front().in_features;
  std::vector<std::uint8_t> pixels;
  try {
    pixels = golden::read_golden_pixels(golden::golden_images_path(g, data), images, features);
  } catch (const std::exception& e) {  // IdxError
    throw at(c, c.model_line, "network.model_data",
             std::string(e.what()) + " (the golden test images of " + c.model + ")");
  }
  net.ops.images.assign(pixels.begin(), pixels.end());  // raw = pixel byte (docs/golden.md)
  g.count = images;
  g.logits.resize(static_cast<std::size_t>(images) * static_cast<std::size_t>(net.classes));
  g.labels.resize(static_cast<std::size_t>(images));
  net.golden = std::move(g);
  return net;
}

engine::NetworkOperands network_operands(const engine::NetworkPlan& plan, int images) {
  if (plan.config.model.empty()) return engine::make_network_operands(plan, images);
  return load_model_network(plan, images).ops;
}

GoldenLogitCheck check_golden_logits(const golden::GoldenResults& g,
                                     const std::vector<std::int64_t>& logits, int classes,
                                     int images) {
  GoldenLogitCheck r;
  r.images = images;
  const std::size_t n = static_cast<std::size_t>(images) * static_cast<std::size_t>(classes);
  for (std::size_t i = 0; i < n; ++i) {
    if (i < logits.size() && logits[i] == g.logits[i]) continue;
    ++r.mismatches;
    if (r.first_mismatch_image < 0) r.first_mismatch_image = static_cast<int>(i) / classes;
  }
  const std::vector<std::int64_t> want(g.logits.begin(),
                                       g.logits.begin() + static_cast<std::ptrdiff_t>(n));
  std::vector<std::int64_t> got(
      logits.begin(), logits.begin() + static_cast<std::ptrdiff_t>(std::min(n, logits.size())));
  got.resize(n, 0);
  const std::vector<int> top = golden::argmax_rows(got, classes);
  const std::vector<int> golden_top = golden::argmax_rows(want, classes);
  for (int i = 0; i < images; ++i) {
    const std::int64_t label = g.labels[static_cast<std::size_t>(i)];
    r.correct += top[static_cast<std::size_t>(i)] == label ? 1 : 0;
    r.golden_correct += golden_top[static_cast<std::size_t>(i)] == label ? 1 : 0;
  }
  return r;
}

}  // namespace fxsim::env
