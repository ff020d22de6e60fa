// The network description file (docs/network.md): the one TOML table reader for the syntax and
// the per-key checks (types, names, ranges); the checks that need the shapes flowing through the
// chain (a kernel larger than its input, a SIMD that is not the incoming stream's, a format a
// unit cannot take) are plan_network's, reported in the same `FILE:LINE: key: ...` form.
#include "models/engine/network_config.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

#include "fx/width_rules.hpp"
#include "models/engine/network_plan.hpp"
#include "util/toml_table.hpp"

namespace fxsim::engine {
namespace {

using util::TomlTable;

[[noreturn]] void raise(const std::string& message) { throw NetworkFileError(message); }

int to_int(std::int64_t v) {
  return static_cast<int>(std::clamp<std::int64_t>(v, -(1 << 30), 1 << 30));
}

int int_in(const TomlTable& t, const std::string& key, int lo, int hi, int def) {
  const auto v = t.integer_in(key, lo, hi);
  return v ? to_int(*v) : def;
}

int required_int_in(const TomlTable& t, const std::string& key, int lo, int hi) {
  if (!t.find(key)) {
    t.missing(key, "an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
  }
  return to_int(*t.integer_in(key, lo, hi));
}

fx::NumType num_type(const TomlTable& t, const std::string& key, const std::string& expected) {
  const auto s = t.string(key, "a type string, " + expected);
  if (!s) t.missing(key, "a type string, " + expected);
  try {
    return fx::parse_type(*s);
  } catch (const std::invalid_argument& e) {  // TypeParseError, FxTypeError
    t.fail(key, std::string(e.what()) + "; expected " + expected);
  }
}

fx::FxType fx_type(const TomlTable& t, const std::string& key, const std::string& expected) {
  const fx::NumType type = num_type(t, key, expected);
  if (!std::holds_alternative<fx::FxType>(type)) {
    t.fail(key, fx::type_str(type) + " is not a fixed-point type; expected " + expected);
  }
  return std::get<fx::FxType>(type);
}

NetworkInput read_input(const TomlTable& t) {
  NetworkInput in;
  in.height = required_int_in(t, "height", 1, 4096);
  in.width = required_int_in(t, "width", 1, 4096);
  in.channels = required_int_in(t, "channels", 1, 4096);
  in.format = fx_type(t, "format", "fixed<W,I,...> or ufixed<W,I,...>");
  in.simd = int_in(t, "simd", 1, 64, 1);
  return in;
}

DmaConfig read_dma(const TomlTable& t) {
  DmaConfig d;
  if (const auto b = t.integer("bus_bits", "a multiple of 8 in 8..1024")) {
    if (*b < 8 || *b > 1024 || *b % 8 != 0) {
      t.fail("bus_bits", "expected a multiple of 8 in 8..1024, got " + std::to_string(*b));
    }
    d.bus_bits = to_int(*b);
  }
  d.bytes = d.bus_bits / 8;  // default: a bus word a cycle
  if (const toml::node* n = t.find("bandwidth")) {
    // [bytes, cycles]: an exact rational rate, so a beat's arrival cycle is integer arithmetic.
    const toml::array* a = n->as_array();
    if (!a || a->size() != 2) {
      t.fail(*n, "bandwidth", "expected [bytes, cycles], e.g. [3, 2] for 1.5 bytes a cycle");
    }
    d.bytes = t.as_integer_in(*a->get(0), "bandwidth", 1, 1 << 20);
    d.cycles = t.as_integer_in(*a->get(1), "bandwidth", 1, 1 << 20);
  }
  d.start_latency = int_in(t, "start_latency", 0, 1 << 20, 0);
  d.buffer_beats = int_in(t, "buffer_beats", 1, 4096, d.buffer_beats);
  if (const auto s = t.number("output_stall", "a probability in [0, 1)")) {
    if (!(*s >= 0.0 && *s < 1.0)) {
      t.fail("output_stall", "expected a probability in [0, 1), got " + std::to_string(*s));
    }
    d.output_stall = *s;
  }
  return d;
}

BnConfig read_bn(const TomlTable& t) {
  BnConfig bn;
  bn.scale = num_type(t, "scale", "fixed<W,I>, ufixed<W,I> or khot<W,I,K>");
  bn.bias = fx_type(t, "bias", "a signed fixed<W,I>");
  bn.output = fx_type(t, "output", "fixed<W,I,Q,O,N> or ufixed<W,I,Q,O,N>");
  if (auto a = t.name("activation", units::activation_names())) bn.activation = *a;
  if (auto c = t.number("clip", "a number (relu_clip upper bound in output units)")) bn.clip = *c;
  bn.stages = int_in(t, "stages", 1, 8, bn.stages);
  if (!bn.bias.is_signed) t.fail("bias", bn.bias.str() + " is unsigned; expected a signed fixed");
  return bn;
}

const std::vector<std::string>& layer_keys(LayerKind k) {
  static const std::vector<std::string> conv = {
      "kind",          "name", "fifo_depth", "channels",   "kernel", "stride",      "padding",
      "engine",        "pe",   "simd",       "mac_stages", "weight", "accumulator", "output",
      "weight_memory", "bn",   "threshold"};
  static const std::vector<std::string> dense = {
      "kind",       "name",   "fifo_depth",  "outputs", "engine",        "pe", "simd",
      "mac_stages", "weight", "accumulator", "output",  "weight_memory", "bn", "threshold"};
  static const std::vector<std::string> pool = {"kind", "name", "fifo_depth", "size"};
  return k == LayerKind::CONV ? conv : k == LayerKind::DENSE ? dense : pool;
}

void read_mvau(const TomlTable& t, NetworkLayer* l) {
  if (!t.find("engine")) l->engine = EngineKind::FX_MAC;
  if (auto e = t.name("engine", engine_kind_names())) l->engine = *e;
  const bool bipolar = l->engine == EngineKind::BINARY || l->engine == EngineKind::TERNARY ||
                       l->engine == EngineKind::XNOR;
  l->pe = required_int_in(t, "pe", 1, 1024);
  l->simd = int_in(t, "simd", 1, 64, 0);
  l->mac_stages = int_in(t, "mac_stages", 1, 8, l->mac_stages);
  if (bipolar) {
    // The kind match and the power-of-two scale are the dense point's rules (validate()).
    const std::string expected = l->engine == EngineKind::TERNARY
                                     ? "ternary or ternary<S>, S a power of two"
                                     : "binary or binary<S>, S a power of two";
    const auto s = t.string("weight", "a type string, " + expected);
    if (!s) t.missing("weight", "a type string, " + expected);
    try {
      l->bipolar = fx::parse_bipolar_type(*s);
    } catch (const std::invalid_argument& e) {  // TypeParseError, FxTypeError
      t.fail("weight", std::string(e.what()) + "; expected " + expected);
    }
    l->weight = fx::FxType::make_signed(2, 2);  // the values v in {-1, 0, +1}
  } else {
    l->weight = num_type(t, "weight",
                         "fixed<W,I> (engine fx_mac), khot<W,I,K> (khot), spt<W,I,K> (spt), "
                         "binary<S> (binary, xnor) or ternary<S> (ternary)");
  }
  if (t.find("accumulator")) {
    l->accumulator = fx_type(t, "accumulator", "a signed fixed<ACC_W,I,TRN,ACC_O>");
  }
  // The bipolar kinds' MAC output is the accumulator: the key may be left out.
  l->output_given = !bipolar || t.find("output");
  if (l->output_given) l->output = fx_type(t, "output", "fixed<W,I,Q,O,N> or ufixed<W,I,Q,O,N>");
  if (auto m = t.name("weight_memory", memory_style_names())) l->weight_memory = *m;
}

NetworkLayer read_layer(const util::TomlErrors& errors, const toml::table& lt, int index) {
  const std::string name = "layer[" + std::to_string(index) + "]";
  const util::TomlLocation where = util::toml_location(lt.source());
  // The kind first: it decides which keys the table may have.
  const TomlTable probe(errors, &lt, name, where,
                        {"kind", "name", "fifo_depth", "channels", "kernel", "stride", "padding",
                         "size", "outputs", "engine", "pe", "simd", "mac_stages", "weight",
                         "accumulator", "output", "weight_memory", "bn", "threshold"});
  if (!probe.find("kind")) probe.missing("kind", "one of conv, dense, pool");
  NetworkLayer l;
  l.kind = *probe.name("kind", layer_kind_names());
  l.line = where.line;
  const TomlTable t(errors, &lt, name, where, layer_keys(l.kind));
  l.name = std::string(to_string(l.kind)) + std::to_string(index);
  if (auto n = t.string("name")) {
    if (n->empty()) t.fail("name", "expected a non-empty name");
    l.name = *n;
  }
  l.fifo_depth = int_in(t, "fifo_depth", 0, 4096, l.fifo_depth);
  switch (l.kind) {
    case LayerKind::CONV:
      l.channels = required_int_in(t, "channels", 1, 4096);
      l.kernel = required_int_in(t, "kernel", 1, 7);
      l.stride = int_in(t, "stride", 1, 4, 1);
      l.padding = int_in(t, "padding", 0, 3, 0);
      read_mvau(t, &l);
      break;
    case LayerKind::DENSE:
      l.outputs = required_int_in(t, "outputs", 1, 1 << 16);
      read_mvau(t, &l);
      break;
    case LayerKind::POOL:
      l.pool = required_int_in(t, "size", 2, 4);
      break;
  }
  if (l.has_mvau()) {
    util::TomlLocation bn_at;
    if (const toml::table* bt = t.table("bn", &bn_at)) {
      l.bn = read_bn(TomlTable(errors, bt, name + ".bn", bn_at,
                               {"scale", "bias", "output", "activation", "clip", "stages"}));
    }
    util::TomlLocation th_at;
    if (const toml::table* tt = t.table("threshold", &th_at)) {
      const TomlTable th(errors, tt, name + ".threshold", th_at, {"thresholds", "stages"});
      if (l.bn) {
        t.fail("threshold",
               "[layer.threshold] and [layer.bn] both present; expected one of them (threshold "
               "takes bn_act's place after the MAC array)");
      }
      ThresholdTable table;
      table.thresholds = required_int_in(th, "thresholds", 1, 255);
      table.stages = int_in(th, "stages", 1, 8, table.stages);
      l.threshold = table;
    }
  }
  return l;
}

// A path of the description resolved against the description's directory (as given when absolute).
std::string beside(const std::string& source_name, const std::string& path) {
  const std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  return (std::filesystem::path(source_name).parent_path() / p).lexically_normal().string();
}

NetworkConfig read_network(const toml::table& root, const util::TomlErrors& errors,
                           const std::string& source_name) {
  NetworkConfig cfg;
  const TomlTable top(errors, &root, "", {}, {"seed", "network", "input", "dma", "layer"});
  if (auto s = top.integer("seed", "an integer >= 0")) {
    if (*s < 0) top.fail("seed", "expected an integer >= 0, got " + std::to_string(*s));
    cfg.seed = static_cast<std::uint64_t>(*s);
  }
  const TomlTable net(errors, top.table("network"), "network", top.location("network"),
                      {"name", "images", "clock_ns", "model", "model_data"});
  if (auto n = net.string("name")) cfg.name = *n;
  if (auto m = net.string("model", "the path of a model file (*.fxm)")) {
    if (m->empty()) net.fail("model", "expected the path of a model file (*.fxm)");
    cfg.model = beside(source_name, *m);
    cfg.model_line = net.location("model").line;
  }
  if (auto d = net.string("model_data", "the directory of the model's golden images")) {
    if (!net.find("model")) net.fail("model_data", "needs [network] model");
    cfg.model_data = beside(source_name, *d);
  }
  cfg.images = int_in(net, "images", 1, 1 << 20, cfg.images);
  if (auto c = net.number("clock_ns", "a number > 0")) {
    if (!(*c > 0.0) || !std::isfinite(*c)) net.fail("clock_ns", "expected a number > 0");
    cfg.clock_ns = *c;
  }
  const toml::table* it = top.table("input");
  if (!it) top.missing("input", "a table [input] (height, width, channels, format)");
  cfg.input = read_input(TomlTable(errors, it, "input", top.location("input"),
                                   {"height", "width", "channels", "format", "simd"}));
  cfg.dma = read_dma(
      TomlTable(errors, top.table("dma"), "dma", top.location("dma"),
                {"bus_bits", "bandwidth", "start_latency", "buffer_beats", "output_stall"}));
  const toml::node* layers = top.find("layer");
  const toml::array* arr = layers ? layers->as_array() : nullptr;
  if (!arr || arr->empty()) {
    top.missing("layer", "one or more [[layer]] tables");
  }
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const toml::table* lt = arr->get(i)->as_table();
    if (!lt) top.fail(*arr->get(i), "layer", "expected [[layer]] tables");
    cfg.layers.push_back(read_layer(errors, *lt, static_cast<int>(i)));
  }
  return cfg;
}

}  // namespace

const std::vector<std::pair<std::string, LayerKind>>& layer_kind_names() {
  static const std::vector<std::pair<std::string, LayerKind>> names = {
      {"conv", LayerKind::CONV}, {"dense", LayerKind::DENSE}, {"pool", LayerKind::POOL}};
  return names;
}

std::string_view to_string(LayerKind k) {
  for (const auto& [name, kind] : layer_kind_names()) {
    if (kind == k) return name;
  }
  return "?";
}

const std::vector<std::pair<std::string, resources::MemoryStyle>>& memory_style_names() {
  // The unit parameters' value names (resources::memory_style_names: AUTO, REGISTERS, ...) in
  // lower case, as the TOML files spell names.
  static const std::vector<std::pair<std::string, resources::MemoryStyle>> names = [] {
    std::vector<std::pair<std::string, resources::MemoryStyle>> n;
    const std::vector<std::string>& upper = resources::memory_style_names();
    for (std::size_t i = 0; i < upper.size(); ++i) {
      std::string lower = upper[i];
      for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      n.emplace_back(lower, static_cast<resources::MemoryStyle>(i));
    }
    return n;
  }();
  return names;
}

NetworkConfig parse_network(std::string_view text, const std::string& source_name) {
  const util::TomlErrors errors(source_name, /*columns=*/false, raise);
  const toml::table root = util::parse_toml(text, errors);
  NetworkConfig cfg = read_network(root, errors, source_name);
  cfg.source = source_name;
  plan_network(cfg, source_name);  // the checks along the chain
  return cfg;
}

NetworkConfig load_network_file(const std::string& path) {
  const util::TomlErrors errors(path, /*columns=*/false, raise);
  return parse_network(util::read_toml_file(path, "the network description", errors), path);
}

}  // namespace fxsim::engine
