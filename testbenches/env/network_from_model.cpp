#include "testbenches/env/network_from_model.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <utility>

#include "fx/khot.hpp"
#include "fx/type_parser.hpp"
#include "golden/idx.hpp"
#include "models/engine/elaboration.hpp"
#include "models/engine/memory_map.hpp"
#include "models/engine/stimulus.hpp"
#include "testbenches/env/bipolar_network_blocks.hpp"
#include "testbenches/env/model_layer_point.hpp"
#include "testbenches/env/verify_model.hpp"

namespace fxsim::env {
namespace {

using engine::NetworkFileError;

// A layer of the model file (feature layers first, as the file lists them) as the block it
// becomes: exactly one of conv, pool, dense is set.
struct ModelLayer {
  const golden::ConvLayer* conv = nullptr;
  const golden::MaxPoolLayer* pool = nullptr;
  const golden::DenseLayer* dense = nullptr;
  golden::MapShape in;  // the map it reads (a dense layer: the flattened last map, or 1 x 1 x N)

  const std::string& name() const { return conv ? conv->name : pool ? pool->name : dense->name; }
  bool has_mvau() const { return pool == nullptr; }
  int outputs() const { return conv ? conv->out_channels : dense ? dense->out_features : 0; }
  int simd() const { return conv ? conv->simd : dense ? dense->simd : 0; }
  engine::LayerKind kind() const {
    return conv   ? engine::LayerKind::CONV
           : pool ? engine::LayerKind::POOL
                  : engine::LayerKind::DENSE;
  }
  // The MVAU's dense view: one output pixel of a convolution (golden::window_layer) or the layer.
  golden::DenseLayer mvau() const { return conv ? golden::window_layer(*conv) : *dense; }
};

std::vector<ModelLayer> model_layers(const golden::QuantNetwork& m) {
  std::vector<ModelLayer> out;
  for (const golden::FeatureLayer& f : m.features) {
    ModelLayer l;
    l.conv = std::get_if<golden::ConvLayer>(&f);
    l.pool = std::get_if<golden::MaxPoolLayer>(&f);
    l.in = golden::input_shape(f);
    out.push_back(l);
  }
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    ModelLayer l;
    l.dense = &m.layers[i];
    l.in = i == 0 && !m.features.empty() ? golden::output_shape(m.features.back())
                                         : golden::MapShape{1, 1, m.layers[i].in_features};
    out.push_back(l);
  }
  return out;
}

// The names of the model's layers; of its conv / dense layers only with `mvau_only`.
std::string layer_names(const std::vector<ModelLayer>& layers, bool mvau_only = false) {
  std::string names;
  for (const ModelLayer& l : layers) {
    if (!mvau_only || l.has_mvau()) names += (names.empty() ? "" : ", ") + l.name();
  }
  return names;
}

std::string divisors(int n) {
  std::string out;
  for (int d = 1; d <= n; ++d) {
    if (n % d == 0) out += (out.empty() ? "" : ", ") + std::to_string(d);
  }
  return out;
}

// Why a stream of `lanes` channels a beat would change the outputs of `l` (conv / dense) from
// the model's: the model accumulates l.simd() inputs a beat of its window or flattened map and
// its accumulator can overflow, and the stream's beats group them otherwise (another SIMD, or a
// dense layer reading a map of several pixels whose channels the lanes pad); nullopt when not.
std::optional<std::string> order_problem(const ModelLayer& l, int lanes) {
  const bool pads = l.dense && l.in.height * l.in.width > 1 && l.in.channels % lanes != 0;
  if ((lanes == l.simd() && !pads) || accumulation_order_free(l.mvau())) return std::nullopt;
  const golden::DenseLayer view = l.mvau();
  if (lanes != l.simd()) {
    return fmt::format(
        "makes {} accumulate {} inputs a beat, but the model's {} accumulates {} and its "
        "accumulator {} can overflow, so the order of its saturations matters",
        l.name(), lanes, l.name(), l.simd(), view.acc_type.str());
  }
  return fmt::format(
      "pads each of the {} pixels {} reads from {} to {} channels, so its beats group the "
      "flattened inputs otherwise than the model's {} a beat, and its accumulator {} can "
      "overflow, so the order of its saturations matters",
      l.in.height * l.in.width, l.name(), l.in.channels,
      (l.in.channels + lanes - 1) / lanes * lanes, l.simd(), view.acc_type.str());
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

// Rows of `out` weights over `pixels` groups of `c` real channels stored `cp_from` apart, laid
// out `cp_to` apart with `fill` on the padded lanes: a dense layer's flattened YXC inputs over
// the stream's H x W x Cp elements (cp_from = C), a conv layer's window (K x K pixels) from the
// model's padded channels to the stream's.
std::vector<std::int64_t> relaid_rows(const std::vector<std::int64_t>& w, int out, int pixels,
                                      int c, int cp_from, int cp_to, std::int64_t fill) {
  if (cp_from == cp_to) return w;
  const auto z = [](int v) { return static_cast<std::size_t>(v); };
  const std::size_t in = z(pixels) * z(cp_from), in_p = z(pixels) * z(cp_to);
  std::vector<std::int64_t> p(z(out) * in_p, fill);
  for (std::size_t o = 0; o < z(out); ++o) {
    for (std::size_t px = 0; px < z(pixels); ++px) {
      for (std::size_t k = 0; k < z(c); ++k) {
        p[o * in_p + px * z(cp_to) + k] = w[o * in + px * z(cp_from) + k];
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

// The engine a layer's weights need: fx_mac for fixed point, spt for SPT, khot for K-hot.
engine::EngineKind engine_of(const fx::NumType& weight) {
  const auto* k = std::get_if<fx::KhotType>(&weight);
  if (!k) return engine::EngineKind::FX_MAC;
  return k->kind == fx::KhotKind::SPT ? engine::EngineKind::SPT : engine::EngineKind::KHOT;
}

// The default PE of MVAU layer `l` (mvau[j]): the next conv / dense layer's SIMD (the largest
// divisor of the outputs up to it), 1 for the last.
int model_lanes_pe(const std::vector<const ModelLayer*>& mvau, std::size_t j) {
  if (j + 1 >= mvau.size()) return 1;
  int pe = std::max(1, mvau[j + 1]->simd());
  while (mvau[j]->outputs() % pe != 0) --pe;
  return pe;
}

// The block of model layer `l` at PE `pe`.
engine::NetworkLayer block_of(const ModelLayer& l, int pe, int fifo_depth) {
  engine::NetworkLayer nl;
  nl.kind = l.kind();
  nl.name = l.name();
  nl.fifo_depth = fifo_depth;
  if (l.pool) {
    nl.pool = l.pool->size;
    return nl;
  }
  nl.pe = pe;
  if (l.conv) {
    nl.channels = l.conv->out_channels;
    nl.kernel = l.conv->shape.kernel;
    nl.stride = l.conv->shape.stride;
    nl.padding = l.conv->shape.padding;
    nl.engine = engine_of(l.conv->weight_type);
    nl.weight = l.conv->weight_type;
    nl.accumulator = l.conv->acc_type;
    nl.output = l.conv->out_type;
    if (l.conv->bn) nl.bn = engine_bn(*l.conv->bn, engine::BnConfig{}.stages);
    return nl;
  }
  nl.outputs = l.dense->out_features;
  nl.engine = engine::EngineKind::FX_MAC;
  nl.weight = l.dense->weight_type;
  nl.accumulator = l.dense->acc_type;
  nl.output = l.dense->out_type;
  if (l.dense->bn) nl.bn = engine_bn(*l.dense->bn, engine::BnConfig{}.stages);
  return nl;
}

// The blocks of the model at the PEs (one per MVAU layer) and input SIMD of `f`: each PE checked
// against its layer's outputs and, with `order_checks`, every MVAU block's incoming lanes against
// its layer's accumulation order (naming --simd or the PE that sets them).
void add_blocks(const std::vector<ModelLayer>& layers, const std::vector<int>& pes,
                const ModelFolding& f, bool order_checks, engine::NetworkConfig* cfg) {
  int lanes = cfg->input.simd;
  const ModelLayer* source = nullptr;  // the MVAU layer whose PE the lanes are; null: the input
  std::size_t j = 0;
  for (const ModelLayer& l : layers) {
    int pe = 0;
    if (l.has_mvau()) {
      pe = pes[j++];
      if (const auto p = order_checks ? order_problem(l, lanes) : std::nullopt) {
        if (!source) {
          throw ModelFoldingError(fmt::format("--simd: {} {}; expected {}", lanes, *p, l.simd()));
        }
        throw ModelFoldingError(fmt::format(
            "--pe: {}'s PE {} {} (a block's SIMD is the PE of the block before it); expected PE "
            "{} for {}",
            source->name(), lanes, *p, l.simd(), source->name()));
      }
      if (pe < 1 || l.outputs() % pe != 0) {
        throw ModelFoldingError(fmt::format(
            "--pe: {} does not divide {}'s {} {}; expected one of {}", pe, l.name(), l.outputs(),
            l.conv ? "output channels" : "outputs", divisors(l.outputs())));
      }
      lanes = pe;
      source = &l;
    }
    cfg->layers.push_back(block_of(l, pe, f.fifo_depth));
  }
}

// The description at the folding f.goal chooses among the SIMDs the model allows.
engine::NetworkConfig fold_for_goal(const engine::NetworkConfig& cfg,
                                    const std::vector<ModelLayer>& layers,
                                    const engine::FoldingGoal& goal) {
  engine::FoldingGoal g = goal;
  // The search asks once per PE candidate; the answer depends on the block and the lanes only.
  auto allowed = std::make_shared<std::map<std::pair<int, int>, bool>>();
  // A binary / ternary model (no ModelLayer) has exact accumulators: every SIMD is its own.
  if (!layers.empty())
    g.lanes_allowed = [&layers, allowed](int block, int lanes) {
      const auto [at, fresh] = allowed->try_emplace({block, lanes}, false);
      if (fresh) at->second = !order_problem(layers[static_cast<std::size_t>(block)], lanes);
      return at->second;
    };
  const std::string option = goal.target_interval ? "--target-interval"
                             : goal.lut_budget    ? "--lut-budget"
                                                  : "--dsp-budget";
  engine::FoldingResult r;
  try {
    r = engine::fold_network(cfg, g, "the folding");
  } catch (const NetworkFileError& e) {
    throw ModelFoldingError(option + ": " + e.what());
  }
  if (!r.feasible) throw ModelFoldingError(option + ": " + r.message);
  return r.folding.config;
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

namespace {

// The input and the blocks of a fixed-point / K-hot model (conv, pool, dense layers).
void add_model_blocks(const golden::ModelFile& file, const std::vector<ModelLayer>& layers,
                      const ModelFolding& f, engine::NetworkConfig* out) {
  const golden::QuantNetwork& m = file.model;
  engine::NetworkConfig& cfg = *out;
  std::vector<const ModelLayer*> mvau;
  for (const ModelLayer& l : layers) {
    if (l.has_mvau()) mvau.push_back(&l);
  }
  const std::size_t n = mvau.size();
  if (!f.goal && f.pe.size() > 1 && f.pe.size() != n) {
    throw ModelFoldingError(fmt::format(
        "--pe: {} values for a model of {} {}layers ({}); expected one value for every {}layer "
        "or one per {}layer",
        f.pe.size(), n, m.dense_only() ? "" : "conv / dense ", layer_names(layers, true),
        m.dense_only() ? "" : "conv / dense ", m.dense_only() ? "" : "conv / dense "));
  }
  std::vector<int> pes(n, 1);
  for (std::size_t j = 0; j < n && !f.goal; ++j) {
    pes[j] = f.pe.empty() ? model_lanes_pe(mvau, j) : f.pe.size() == 1 ? f.pe.front() : f.pe[j];
  }
  // The input map: the first feature layer's, or the flattened vector 1 x 1 x in_features.
  const golden::MapShape in = layers.front().in;
  cfg.input.height = in.height;
  cfg.input.width = in.width;
  cfg.input.channels = in.channels;
  if (in.channels > 4096) {
    throw ModelFoldingError(fmt::format(
        "--model: {}'s {} inputs do not fit the network input; expected at most 4096 channels",
        layers.front().name(), in.channels));
  }
  cfg.input.format = m.input_type;
  cfg.input.simd = f.simd ? f.simd : mvau.empty() ? 1 : mvau.front()->simd();
  if (cfg.input.simd < 1 || cfg.input.simd > 64) {
    throw ModelFoldingError(fmt::format("--simd: {}; expected 1..64", cfg.input.simd));
  }
  add_blocks(layers, pes, f, !f.goal, &cfg);
}

}  // namespace

engine::NetworkConfig network_from_model(const golden::ModelFile& file, const ModelFolding& f) {
  const golden::QuantNetwork& m = file.model;
  const std::vector<ModelLayer> layers = model_layers(m);
  engine::NetworkConfig cfg;
  cfg.name = f.name.empty() ? std::filesystem::path(f.model_ref).stem().string() : f.name;
  cfg.model = f.model_ref;
  cfg.model_data = f.model_data_ref;
  if (file.is_bipolar()) {
    add_bipolar_blocks(file.bipolar, f, &cfg);
  } else {
    add_model_blocks(file, layers, f, &cfg);
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
  if (f.goal) cfg = fold_for_goal(cfg, layers, *f.goal);
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
    t += fmt::format("\n[[layer]]\nkind = \"{}\"\n", engine::to_string(l.kind));
    t += fmt::format("name = \"{}\"\nfifo_depth = {}\n", l.name, l.fifo_depth);
    if (l.kind == engine::LayerKind::POOL) {
      t += fmt::format("size = {}\n", l.pool);
      continue;
    }
    if (l.kind == engine::LayerKind::CONV) {
      t += fmt::format("channels = {}\nkernel = {}\nstride = {}\npadding = {}\n", l.channels,
                       l.kernel, l.stride, l.padding);
    } else {
      t += fmt::format("outputs = {}\n", l.outputs);
    }
    t += fmt::format("engine = \"{}\"\npe = {}\n", engine::to_string(l.engine), l.pe);
    if (l.bipolar) {  // the MAC output is the accumulator (output left out)
      t += fmt::format("weight = \"{}\"\naccumulator = \"{}\"\n", l.bipolar->str(),
                       l.accumulator->str());
    } else {
      t += fmt::format("weight = \"{}\"\naccumulator = \"{}\"\noutput = \"{}\"\n",
                       fx::type_str(l.weight), l.accumulator->str(), l.output.str());
    }
    if (l.threshold) {
      t += fmt::format("[layer.threshold]\nthresholds = {}\n", l.threshold->thresholds);
    }
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

namespace {

// A conv / dense block's MVAU against its layer: formats, bn_act, and the order of its beats.
// The weight type a block must have for model layer `l`. A model file holds a dense layer's
// weights as fixed point; K-hot / SPT values are kept as raws of their container (fxsim train's
// SPT models, a sweep point's requantized K-hot weights). A block running them on a K-hot / SPT
// engine of that container matches when every raw is a value of its type.
fx::NumType model_weight_type(const ModelLayer& l, const fx::NumType& block) {
  if (l.conv) return l.conv->weight_type;
  const fx::FxType& held = l.dense->weight_type;
  const auto* k = std::get_if<fx::KhotType>(&block);
  if (!k || golden::weight_container(block).str() != held.str()) return held;
  for (const std::int64_t raw : l.dense->weight_raw) {
    if (!fx::khot_representable(raw, *k)) return held;
  }
  return block;
}

void check_mvau(const engine::NetworkPlan& plan, std::size_t i, const ModelLayer& l) {
  const engine::NetworkConfig& c = plan.config;
  const engine::BlockPlan& b = plan.blocks[i];
  const int line = b.layer.line;
  const std::string key = fmt::format("layer[{}]", i);
  const std::string model_layer = "the model's " + l.name();
  const golden::DenseLayer view = l.mvau();
  const fx::NumType weight = model_weight_type(l, b.mvau->weight);
  const engine::EngineKind want_engine = engine_of(weight);
  expect_equal(
      c, line, key + ".engine", std::string(engine::to_string(b.mvau->kind)),
      std::string(engine::to_string(want_engine)),
      model_layer + "'s weights are " +
          (want_engine == engine::EngineKind::FX_MAC ? "fixed point" : fx::type_str(weight)));
  expect_equal(c, line, key + ".weight", fx::type_str(b.mvau->weight), fx::type_str(weight),
               "the weight type of " + model_layer);
  expect_equal(c, line, key + ".accumulator", b.mvau->accumulator.str(), view.acc_type.str(),
               "the accumulator of " + model_layer);
  expect_equal(c, line, key + ".output", b.mvau->output.str(), view.out_type.str(),
               "the MAC output type of " + model_layer);
  const std::optional<engine::BnConfig>& bn = b.mvau->bn;
  expect_equal(c, line, key + ".bn", bn ? "a [layer.bn] table" : "none",
               view.bn ? "a [layer.bn] table" : "none",
               model_layer + (view.bn ? " has" : " has no") + " bn_act");
  if (bn) {
    const engine::BnConfig want = engine_bn(*view.bn, bn->stages);
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
    // A block's SIMD is the incoming stream's lanes: the input's or the last MVAU block's PE.
    std::size_t k = i;
    while (k > 0 && !plan.blocks[k - 1].mvau) --k;
    const bool input = k == 0;
    throw at(c, input ? 0 : plan.blocks[k - 1].layer.line,
             input ? std::string("input.simd") : fmt::format("layer[{}].pe", k - 1),
             fmt::format("{} {}; expected {}", b.mvau->simd, *p, l.simd()));
  }
}

// A block's input map against the map its layer reads.
void check_input_map(const engine::NetworkPlan& plan, std::size_t i, const ModelLayer& l) {
  const engine::NetworkConfig& c = plan.config;
  const engine::BlockPlan& b = plan.blocks[i];
  const std::string model_layer = "the model's " + l.name();
  if (l.dense) {
    if (b.in.elements() != l.dense->in_features) {
      throw at(
          c, b.layer.line, fmt::format("layer[{}]", i),
          fmt::format("an input of {}x{}x{} = {} values; expected {}, the inputs of {}", b.in.h,
                      b.in.w, b.in.c, b.in.elements(), l.dense->in_features, model_layer));
    }
    return;
  }
  if (b.in.h != l.in.height || b.in.w != l.in.width || b.in.c != l.in.channels) {
    throw at(c, b.layer.line, fmt::format("layer[{}]", i),
             fmt::format("an input map of {}x{}x{}; expected {}x{}x{}, the input of {}", b.in.h,
                         b.in.w, b.in.c, l.in.height, l.in.width, l.in.channels, model_layer));
  }
}

}  // namespace

void check_against_model(const engine::NetworkPlan& plan, const golden::ModelFile& file) {
  if (file.is_bipolar()) return check_against_bipolar(plan, file.bipolar);
  const engine::NetworkConfig& c = plan.config;
  const golden::QuantNetwork& m = file.model;
  const std::vector<ModelLayer> layers = model_layers(m);
  if (plan.blocks.size() != layers.size()) {
    throw at(c, c.model_line, "layer",
             fmt::format("{} [[layer]] tables; expected {}, a {}block per layer of the model "
                         "({})",
                         plan.blocks.size(), layers.size(), m.dense_only() ? "dense " : "",
                         layer_names(layers)));
  }
  expect_equal(c, 0, "input.format", plan.input().format.str(), m.input_type.str(),
               "the model's input type");
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const ModelLayer& l = layers[i];
    const engine::BlockPlan& b = plan.blocks[i];
    const int line = b.layer.line;
    const std::string key = fmt::format("layer[{}]", i);
    const std::string model_layer = "the model's " + l.name();
    if (b.layer.kind != l.kind()) {
      const std::string want(engine::to_string(l.kind()));
      throw at(c, line, key + ".kind",
               m.dense_only()
                   ? fmt::format("{}; expected dense: {} is a dense layer (model files hold dense "
                                 "layers only)",
                                 engine::to_string(b.layer.kind), model_layer)
                   : fmt::format("{}; expected {}: {} is a {} layer",
                                 engine::to_string(b.layer.kind), want, model_layer,
                                 l.conv   ? "conv"
                                 : l.pool ? "max_pool"
                                          : "dense"));
    }
    if (l.conv) {
      const units::ConvShape& s = l.conv->shape;
      expect_equal(c, line, key + ".channels", std::to_string(b.layer.channels),
                   std::to_string(l.conv->out_channels), "the output channels of " + model_layer);
      expect_equal(c, line, key + ".kernel", std::to_string(b.layer.kernel),
                   std::to_string(s.kernel), "the kernel of " + model_layer);
      expect_equal(c, line, key + ".stride", std::to_string(b.layer.stride),
                   std::to_string(s.stride), "the stride of " + model_layer);
      expect_equal(c, line, key + ".padding", std::to_string(b.layer.padding),
                   std::to_string(s.padding), "the padding of " + model_layer);
    } else if (l.pool) {
      expect_equal(c, line, key + ".size", std::to_string(b.layer.pool),
                   std::to_string(l.pool->size), "the pool size of " + model_layer);
    } else {
      expect_equal(c, line, key + ".outputs", std::to_string(b.layer.outputs),
                   std::to_string(l.dense->out_features), "the outputs of " + model_layer);
    }
    check_input_map(plan, i, l);
    if (l.has_mvau()) check_mvau(plan, i, l);
  }
}

std::vector<engine::Stimulus> model_block_operands(const engine::NetworkPlan& plan,
                                                   const golden::ModelFile& file) {
  if (file.is_bipolar()) return bipolar_block_operands(plan, file.bipolar);
  check_against_model(plan, file);
  const std::vector<ModelLayer> layers = model_layers(file.model);
  std::vector<engine::Stimulus> blocks;
  for (std::size_t i = 0; i < plan.blocks.size(); ++i) {
    const ModelLayer& l = layers[i];
    const engine::BlockPlan& b = plan.blocks[i];
    if (!l.has_mvau()) {
      blocks.emplace_back();
      continue;
    }
    const golden::DenseLayer view = l.mvau();
    engine::Stimulus s = layer_stimulus(view, *b.mvau, {});
    s.batch = 0;
    const std::int64_t zero = engine::zero_weight_word(*b.mvau);
    if (l.conv) {  // the window's K x K pixels from the model's Cp to the stream's
      const int kk = l.conv->shape.kernel * l.conv->shape.kernel;
      s.weights = relaid_rows(s.weights, view.out_features, kk, l.conv->shape.channels,
                              l.conv->padded_channels(), b.in.padded_channels(), 0);
    } else {
      s.weights = relaid_rows(s.weights, view.out_features, b.in.h * b.in.w, b.in.c, b.in.c,
                              b.in.padded_channels(), 0);
    }
    if (const auto* k = std::get_if<fx::KhotType>(&b.mvau->weight)) {
      const int sh_w = engine::khot_shift_bits(*k);
      s.weight_words.clear();
      for (std::int64_t raw : s.weights) {
        s.weight_words.push_back(
            raw == 0 ? zero : engine::pack_terms(fx::khot_encode(raw, *k), k->k, sh_w));
      }
    } else {
      s.weight_words = s.weights;  // fixed-point weights: the memory holds the raws
    }
    blocks.push_back(std::move(s));
  }
  return blocks;
}

std::vector<std::uint8_t> golden_pixels(const engine::NetworkPlan& plan,
                                        const golden::GoldenResults& g, int images) {
  const engine::NetworkConfig& c = plan.config;
  if (images > g.count) {
    throw at(c, 0, "network.images",
             fmt::format("{}; expected at most {}, the golden test images of {}", images, g.count,
                         c.model));
  }
  const std::string data = c.model_data.empty() ? VerifyOptions{}.data_dir : c.model_data;
  const int features = static_cast<int>(plan.input().elements());
  try {
    return golden::read_golden_pixels(golden::golden_images_path(g, data), images, features);
  } catch (const std::exception& e) {  // IdxError
    throw at(c, c.model_line, "network.model_data",
             std::string(e.what()) + " (the golden test images of " + c.model + ")");
  }
}

ModelNetwork load_model_network(const engine::NetworkPlan& plan, int images,
                                const golden::ModelFile& file) {
  ModelNetwork net;
  net.ops.image_count = images;
  net.ops.blocks = model_block_operands(plan, file);
  net.classes = file.classes();
  if (!file.golden) {
    net.ops.images = engine::make_network_operands(plan, images).images;
    return net;
  }
  golden::GoldenResults g = *file.golden;
  const std::vector<std::uint8_t> pixels = golden_pixels(plan, g, images);
  net.ops.images.assign(pixels.begin(), pixels.end());  // raw = pixel byte (docs/golden.md)
  g.count = images;
  g.logits.resize(static_cast<std::size_t>(images) * static_cast<std::size_t>(net.classes));
  g.labels.resize(static_cast<std::size_t>(images));
  net.golden = std::move(g);
  return net;
}

ModelNetwork load_model_network(const engine::NetworkPlan& plan, int images) {
  return load_model_network(plan, images, read_model(plan.config));
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
  int last_image = -1;
  for (std::size_t i = 0; i < n; ++i) {
    if (i < logits.size() && logits[i] == g.logits[i]) continue;
    const int image = static_cast<int>(i) / classes;
    if (r.mismatches++ == 0 || image != last_image) ++r.images_with_mismatch;
    last_image = image;
    if (r.first_mismatch_image >= 0) continue;
    r.first_mismatch_image = image;
    r.first_mismatch_class = static_cast<int>(i) % classes;
    r.first_expected = g.logits[i];
    r.first_got = i < logits.size() ? logits[i] : 0;
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
