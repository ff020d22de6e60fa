#include "golden/train_config.hpp"

#include <cstdint>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "fx/type_parser.hpp"
#include "util/toml_table.hpp"

namespace fxsim::golden {
namespace {

using util::TomlTable;

[[noreturn]] void raise(const std::string& message) { throw ConfigError(message); }

// An integer key in lo..hi into `out`, when the file sets it.
template <class T>
void integer(const TomlTable& t, const char* key, T& out, std::int64_t lo, std::int64_t hi) {
  if (auto v = t.integer_in(key, lo, hi)) out = static_cast<T>(*v);
}

// A number in (lo, hi] (a learning rate) into `out`, when the file sets it.
void number(const TomlTable& t, const char* key, double& out, double lo, double hi) {
  const std::optional<double> v = t.number(key);
  if (!v) return;
  if (!(*v > lo && *v <= hi)) {
    std::ostringstream s;
    s << "expected a number in (" << lo << ", " << hi << "], found " << *v;
    t.fail(key, s.str());
  }
  out = *v;
}

// An array of integers in lo..hi.
void int_list(const TomlTable& t, const char* key, std::vector<int>& out, int lo, int hi) {
  const toml::node* n = t.find(key);
  if (!n) return;
  const toml::array* a = n->as_array();
  if (!a) t.fail(*n, key, "expected an array of integers, found a " + util::toml_type_name(*n));
  out.clear();
  for (const toml::node& e : *a) out.push_back(static_cast<int>(t.as_integer_in(e, key, lo, hi)));
}

// An array of names of `allowed`.
void string_list(const TomlTable& t, const char* key, std::vector<std::string>& out,
                 const util::NameTable<std::string>& allowed) {
  const toml::node* n = t.find(key);
  if (!n) return;
  const toml::array* a = n->as_array();
  if (!a) t.fail(*n, key, "expected an array of strings, found a " + util::toml_type_name(*n));
  out.clear();
  for (const toml::node& e : *a) out.push_back(t.pick(e, key, allowed));
}

// The tables of a training config and their keys, in the order messages list them.
const std::vector<std::pair<std::string, std::vector<std::string>>>& config_tables() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> tables = {
      {"data", {"dir", "train_images", "test_images", "calibration_images"}},
      {"model", {"hidden", "layers", "activation"}},
      {"float", {"epochs", "batch_size", "learning_rate"}},
      {"qat", {"epochs", "learning_rate", "binary_point_learning_rate"}},
      {"quant",
       {"weight_bits", "weight_kind", "weight_k", "mac_bits", "logit_bits", "elementwise_bits",
        "methods", "khot_k", "khot_bits", "rounding", "simd", "affine_bits", "affine_weights",
        "affine_methods", "affine_calibration", "affine_percentile", "stochastic", "gradient_bits",
        "stochastic_inference"}},
      {"binary",
       {"variants", "epochs", "learning_rate", "activation_bits", "activation_int_bits",
        "bn_bits"}},
      {"export", {"models"}}};
  return tables;
}

const std::vector<std::string>& table_keys(const std::string& table) {
  for (const auto& [name, keys] : config_tables()) {
    if (name == table) return keys;
  }
  static const std::vector<std::string> none;
  return none;
}

// An unknown key at the top level: the table(s) it belongs in when some table has such a key,
// else every key of every table.
std::string top_level_hint(const std::string& key) {
  std::string all;
  std::vector<std::string> tables;
  for (const auto& [table, keys] : config_tables()) {
    for (const std::string& k : keys) {
      all += (all.empty() ? "" : ", ") + table + "." + k;
      if (k == key) tables.push_back("[" + table + "]");
    }
  }
  if (!tables.empty()) {
    std::string in = tables[0];  // "[a]", "[a] or [b]", "[a], [b] or [c]"
    for (std::size_t i = 1; i < tables.size(); ++i) {
      in += (i + 1 == tables.size() ? " or " : ", ") + tables[i];
    }
    return "`" + key + "` is a key of a table: put it under " + in;
  }
  return "the tables' keys are " + all + " (docs/golden.md, `fxsim train`)";
}

std::string spec_str(const LayerSpec& l) {
  switch (l.kind) {
    case LayerSpec::Kind::CONV:
      return "conv" + std::to_string(l.kernel) + "x" + std::to_string(l.kernel) + "-" +
             std::to_string(l.outputs) + "-p" + std::to_string(l.padding) +
             (l.stride > 1 ? "-s" + std::to_string(l.stride) : "");
    case LayerSpec::Kind::POOL:
      return "pool" + std::to_string(l.size);
    case LayerSpec::Kind::DENSE:
      break;
  }
  return "dense-" + std::to_string(l.outputs);
}

// The order of the layers, the logits layer and the map sizes on the 28 x 28 x 1 input (every
// conv and pool must fit its map). `nodes` are the entries, for the line of a message.
void check_layers(const TomlTable& m, const toml::array& nodes, const std::vector<LayerSpec>& ls) {
  int h = 28, w = 28;  // the Fashion-MNIST images
  bool dense_seen = false;
  for (std::size_t i = 0; i < ls.size(); ++i) {
    const LayerSpec& l = ls[i];
    const toml::node& n = *nodes.get(i);
    const std::string map = std::to_string(h) + "x" + std::to_string(w);
    if (l.kind == LayerSpec::Kind::DENSE) {
      dense_seen = true;
      continue;
    }
    if (dense_seen) {
      m.fail(n, "layers", spec_str(l) + " after a dense layer; conv and pool layers come first");
    }
    if (l.kind == LayerSpec::Kind::CONV) {
      h = h + 2 * l.padding < l.kernel ? 0 : (h + 2 * l.padding - l.kernel) / l.stride + 1;
      w = w + 2 * l.padding < l.kernel ? 0 : (w + 2 * l.padding - l.kernel) / l.stride + 1;
    } else {
      h = h < l.size ? 0 : h / l.size;
      w = w < l.size ? 0 : w / l.size;
    }
    if (h < 1 || w < 1) {
      m.fail(n, "layers", spec_str(l) + " does not fit its " + map + " input map");
    }
  }
  const LayerSpec& last = ls.back();
  if (last.kind != LayerSpec::Kind::DENSE || last.outputs != 10) {
    m.fail(*nodes.get(ls.size() - 1), "layers",
           "the last layer gives the 10 logits: expected dense-10, found " + spec_str(last));
  }
}

// [model]: `hidden` (an MLP) or `layers` (a CNN; dense layers only: the same MLP), `activation`.
void read_model(const TomlTable& m, TrainConfig* c) {
  int_list(m, "hidden", c->hidden, 1, 4096);
  if (auto act =
          m.name<units::Activation>("activation", {{"relu", units::Activation::RELU},
                                                   {"relu_clip", units::Activation::RELU_CLIP},
                                                   {"hardtanh", units::Activation::HARDTANH}})) {
    c->activation = *act;
  }
  const toml::node* n = m.find("layers");
  if (!n) return;
  const toml::array* a = n->as_array();
  if (!a || a->empty()) {
    m.fail(*n, "layers",
           "expected a non-empty array of layer strings (\"conv3x3-16\", \"pool2\", "
           "\"dense-10\")");
  }
  if (m.find("hidden")) m.fail(*n, "layers", "set either hidden (an MLP) or layers, not both");
  std::vector<LayerSpec> layers;
  for (const toml::node& e : *a) {
    try {
      layers.push_back(parse_layer_spec(m.as_string(e, "layers", "a layer string")));
    } catch (const std::invalid_argument& err) {
      m.fail(e, "layers", err.what());
    }
  }
  check_layers(m, *a, layers);
  bool features = false;
  for (const LayerSpec& l : layers) features |= l.kind != LayerSpec::Kind::DENSE;
  if (features) {
    c->layers = std::move(layers);
    return;
  }
  c->hidden.clear();  // dense layers only: the MLP of these hidden widths
  for (std::size_t i = 0; i + 1 < layers.size(); ++i) c->hidden.push_back(layers[i].outputs);
}

// The affine keys of [quant]. Their variants quantize the MLP of ReLU layers (PyTorch's
// LinearReLU), so a CNN or another activation with affine_bits set is an error at affine_bits.
void read_affine(const TomlTable& q, TrainConfig* c) {
  int_list(q, "affine_bits", c->affine_bits, 2, 8);
  string_list(q, "affine_weights", c->affine_weights,
              {{"per_tensor", "per_tensor"}, {"per_channel", "per_channel"}});
  string_list(q, "affine_methods", c->affine_methods, {{"ptq", "ptq"}, {"qat", "qat"}});
  if (auto cal = q.name<std::string>("affine_calibration",
                                     {{"minmax", "minmax"}, {"percentile", "percentile"}})) {
    c->affine_calibration = *cal;
  }
  number(q, "affine_percentile", c->affine_percentile, 50.0, 100.0);
  if (c->affine_bits.empty()) return;
  if (!c->layers.empty()) {
    q.fail("affine_bits", "affine variants quantize an MLP (model.hidden); this config is a CNN");
  }
  if (c->activation != units::Activation::RELU) {
    q.fail("affine_bits",
           "affine variants fuse a ReLU into the requantization: expected "
           "model.activation = \"relu\"");
  }
}

// quant.stochastic = any of "weights", "activations", "gradients"; quant.gradient_bits (0: float
// gradients). Stochastic gradients need a gradient width; the formats' rounding stays
// deterministic (the exported model), so RND_STOCH is no value of quant.rounding.
void read_stochastic(const TomlTable& q, TrainConfig* c) {
  std::vector<std::string> roles;
  string_list(q, "stochastic", roles,
              {{"weights", "weights"}, {"activations", "activations"}, {"gradients", "gradients"}});
  StochasticRounding& s = c->stochastic;
  for (const std::string& r : roles) {
    (r == "weights" ? s.weights : r == "activations" ? s.activations : s.gradients) = true;
  }
  integer(q, "gradient_bits", s.gradient_bits, 0, 32);
  if (auto b = q.boolean("stochastic_inference")) s.inference = *b;
  if (s.gradients && s.gradient_bits == 0) {
    q.fail("stochastic",
           "\"gradients\" rounds the gradients to quant.gradient_bits bits: set gradient_bits "
           "(2..32)");
  }
  if (s.gradient_bits == 1) q.fail("gradient_bits", "expected 0 (float gradients) or 2..32");
  if (fx::is_stochastic(c->rounding)) {
    q.fail("rounding",
           "RND_STOCH is not a rounding of the trained formats; list the tensors to round "
           "stochastically in training in quant.stochastic");
  }
  s.deterministic = c->rounding;
}

void read_quant(const TomlTable& q, TrainConfig* c) {
  integer(q, "weight_bits", c->weight_bits, 2, 16);
  if (auto kind = q.name<std::string>("weight_kind",
                                      {{"fixed", "fixed"}, {"khot", "khot"}, {"spt", "spt"}})) {
    c->weight_kind = *kind;
  }
  integer(q, "weight_k", c->weight_k, 1, 8);
  if (c->weight_kind != "fixed" && c->weight_k > c->weight_bits - 1) {
    q.fail(q.find("weight_k") ? "weight_k" : "weight_bits",
           "K = " + std::to_string(c->weight_k) + " exceeds the " +
               std::to_string(c->weight_bits - 1) +
               " magnitude bits of weight_bits = " + std::to_string(c->weight_bits));
  }
  integer(q, "mac_bits", c->mac_bits, 2, 24);
  integer(q, "logit_bits", c->logit_bits, 2, 24);
  int_list(q, "elementwise_bits", c->elementwise_bits, 2, 16);
  string_list(q, "methods", c->methods, {{"ptq", "ptq"}, {"qat", "qat"}, {"qat_bp", "qat_bp"}});
  int_list(q, "khot_k", c->khot_k, 1, 8);
  integer(q, "khot_bits", c->khot_bits, 3, 16);
  integer(q, "simd", c->simd, 1, 64);
  if (auto rounding = q.string("rounding")) {
    try {
      c->rounding = fx::parse_rounding(*rounding);
    } catch (const std::invalid_argument& e) {
      q.fail("rounding", e.what());
    }
  }
  read_affine(q, c);
  read_stochastic(q, c);
  for (int k : c->khot_k) {
    if (k > c->khot_bits - 1) {
      q.fail("khot_k", "K = " + std::to_string(k) + " exceeds the " +
                           std::to_string(c->khot_bits - 1) +
                           " magnitude bits of khot_bits = " + std::to_string(c->khot_bits));
    }
  }
}

// [binary]: the binary / ternary variants of an MLP (golden/torch/bipolar_train.hpp).
void read_binary(const TomlTable& b, TrainConfig* c) {
  string_list(b, "variants", c->binary_variants,
              {{"binary", "binary"}, {"ternary", "ternary"}, {"bnn", "bnn"}});
  integer(b, "epochs", c->binary_epochs, 1, 1000);
  number(b, "learning_rate", c->binary_learning_rate, 0.0, 10.0);
  integer(b, "activation_bits", c->binary_activation_bits, 2, 16);
  integer(b, "activation_int_bits", c->binary_activation_int_bits, -16, 16);
  integer(b, "bn_bits", c->binary_bn_bits, 4, 24);
  if (!c->binary_variants.empty() && !c->layers.empty()) {
    b.fail("variants",
           "binary / ternary variants quantize an MLP (model.hidden); this config is "
           "a CNN");
  }
}

}  // namespace

LayerSpec parse_layer_spec(const std::string& text) {
  static const std::regex conv("conv([0-9]+)x([0-9]+)-([0-9]+)(-p([0-9]+))?(-s([0-9]+))?");
  static const std::regex pool("pool([0-9]+)?");
  static const std::regex dense("dense-([0-9]+)");
  const std::string grammar =
      "expected convKxK-C, convKxK-C-pP, convKxK-C-sS or convKxK-C-pP-sS (K 1..7, C 1..4096, P "
      "0..3, default K/2, stride S 1..K, default 1), poolS "
      "(S 2..4, default 2) or dense-N (N 1..4096)";
  auto number = [&](const std::string& digits, int lo, int hi, const char* what) {
    const long v = digits.size() > 5 ? 1L << 30 : std::stol(digits);
    if (v < lo || v > hi) {
      throw std::invalid_argument("\"" + text + "\": " + what + " " + digits + " is not in " +
                                  std::to_string(lo) + ".." + std::to_string(hi) + "; " + grammar);
    }
    return static_cast<int>(v);
  };
  std::smatch g;
  LayerSpec l;
  if (std::regex_match(text, g, conv)) {
    l.kind = LayerSpec::Kind::CONV;
    l.kernel = number(g[1], 1, 7, "kernel");
    if (g[2] != g[1]) {
      throw std::invalid_argument("\"" + text + "\": the kernel must be square; " + grammar);
    }
    l.outputs = number(g[3], 1, 4096, "channels");
    l.padding = g[5].matched ? number(g[5], 0, 3, "padding") : l.kernel / 2;
    l.stride = g[7].matched ? number(g[7], 1, l.kernel, "stride") : 1;
  } else if (std::regex_match(text, g, pool)) {
    l.kind = LayerSpec::Kind::POOL;
    l.size = g[1].matched ? number(g[1], 2, 4, "pool size") : 2;
  } else if (std::regex_match(text, g, dense)) {
    l.kind = LayerSpec::Kind::DENSE;
    l.outputs = number(g[1], 1, 4096, "width");
  } else {
    throw std::invalid_argument("\"" + text + "\" is not a layer: " + grammar);
  }
  return l;
}

TrainConfig parse_train_config(const std::string& text, const std::string& source) {
  const util::TomlErrors errors(source, /*columns=*/false, raise);
  const toml::table doc = util::parse_toml(text, errors);
  std::vector<std::string> top_keys = {"seed"};
  for (const auto& table : config_tables()) top_keys.push_back(table.first);
  const TomlTable top(errors, &doc, "", {}, top_keys, top_level_hint);
  TrainConfig c;
  integer(top, "seed", c.seed, 0, std::int64_t{1} << 53);
  const TomlTable d = top.sub("data", table_keys("data"));
  if (auto dir = d.string("dir")) c.data_dir = *dir;
  integer(d, "train_images", c.train_images, 0, 60000);
  integer(d, "test_images", c.test_images, 0, 10000);
  integer(d, "calibration_images", c.calibration_images, 1, 60000);
  read_model(top.sub("model", table_keys("model")), &c);
  const TomlTable f = top.sub("float", table_keys("float"));
  integer(f, "epochs", c.epochs, 1, 1000);
  integer(f, "batch_size", c.batch_size, 2, 65536);
  number(f, "learning_rate", c.learning_rate, 0.0, 10.0);
  const TomlTable q = top.sub("qat", table_keys("qat"));
  integer(q, "epochs", c.qat_epochs, 0, 1000);
  number(q, "learning_rate", c.qat_learning_rate, 0.0, 10.0);
  number(q, "binary_point_learning_rate", c.binary_point_learning_rate, 0.0, 10.0);
  read_quant(top.sub("quant", table_keys("quant")), &c);
  read_binary(top.sub("binary", table_keys("binary")), &c);
  if (auto models = top.sub("export", table_keys("export")).boolean("models")) {
    c.export_models = *models;
  }
  return c;
}

TrainConfig load_train_config(const std::string& path) {
  const util::TomlErrors errors(path, /*columns=*/false, raise);
  return parse_train_config(util::read_toml_file(path, "the training config", errors), path);
}

}  // namespace fxsim::golden
