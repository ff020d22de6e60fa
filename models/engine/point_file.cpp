// The design-point file (docs/engine.md, "Design point file"): toml++ for the syntax, then every
// key checked, in two passes that share one error format `FILE:LINE: key: what was expected`:
//   1. read: unknown keys, wrong TOML types, unparseable type strings and names;
//   2. check_config: ranges and the impossible combinations (also what validate() runs on a
//      config built in code, where there are no line numbers).
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "fx/width_rules.hpp"
#include "models/engine/elaboration.hpp"
#include "models/engine/engine_config.hpp"
#include "models/engine/memory_map.hpp"

namespace fxsim::engine {
namespace {

// Where each key was found (the enclosing table's line for an absent key).
struct Context {
  std::string source;
  std::map<std::string, int> lines;

  int line(const std::string& key) const {
    const auto it = lines.find(key);
    if (it != lines.end()) return it->second;
    // An absent key of a present table: that table's line.
    const auto dot = key.find('.');
    if (dot != std::string::npos) {
      const auto t = lines.find(key.substr(0, dot));
      if (t != lines.end()) return t->second;
    }
    return 0;
  }
  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    const int l = line(key);
    throw PointFileError(source + (l > 0 ? ":" + std::to_string(l) : std::string()) + ": " + key +
                         ": " + what);
  }
};

// Integers of the file as int, clamped far outside every legal range (so the range check still
// reports an impossible value, without int overflow).
int to_int(std::int64_t v) {
  return static_cast<int>(std::clamp<std::int64_t>(v, -(1 << 30), 1 << 30));
}

int line_of(const toml::source_region& r) { return std::max<int>(1, r.begin.line); }

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (const std::string& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

// One TOML table: rejects unknown keys up front, then typed getters that record lines.
class TableReader {
 public:
  TableReader(const toml::table& t, std::string prefix, std::vector<std::string> allowed,
              Context* ctx)
      : t_(t), prefix_(std::move(prefix)), ctx_(ctx) {
    // The first unknown key in file order.
    const toml::key* bad = nullptr;
    for (const auto& [k, v] : t_) {
      (void)v;
      if (std::find(allowed.begin(), allowed.end(), std::string(k.str())) != allowed.end()) {
        continue;
      }
      if (!bad || k.source().begin.line < bad->source().begin.line) bad = &k;
    }
    if (bad) {
      const std::string key = full(std::string(bad->str()));
      ctx_->lines[key] = line_of(bad->source());
      ctx_->fail(key, "unknown key; expected one of " + join(allowed));
    }
  }

  const toml::node* find(const std::string& name) {
    const toml::node* n = t_.get(name);
    if (n) ctx_->lines[full(name)] = line_of(n->source());
    return n;
  }
  [[noreturn]] void missing(const std::string& name, const std::string& expected) {
    ctx_->fail(full(name), "missing; expected " + expected);
  }
  [[noreturn]] void wrong(const std::string& name, const std::string& expected,
                          const toml::node& n) {
    ctx_->fail(full(name), "expected " + expected + ", found a " + type_name(n));
  }

  std::optional<std::int64_t> integer(const std::string& name, bool required,
                                      const std::string& expected) {
    const toml::node* n = find(name);
    if (!n) {
      if (required) missing(name, expected);
      return std::nullopt;
    }
    if (!n->is_integer()) wrong(name, expected, *n);
    return n->as_integer()->get();
  }
  std::optional<double> number(const std::string& name, bool required,
                               const std::string& expected) {
    const toml::node* n = find(name);
    if (!n) {
      if (required) missing(name, expected);
      return std::nullopt;
    }
    if (n->is_integer()) return static_cast<double>(n->as_integer()->get());
    if (!n->is_floating_point()) wrong(name, expected, *n);
    return n->as_floating_point()->get();
  }
  std::optional<std::string> string(const std::string& name, bool required,
                                    const std::string& expected) {
    const toml::node* n = find(name);
    if (!n) {
      if (required) missing(name, expected);
      return std::nullopt;
    }
    if (!n->is_string()) wrong(name, expected, *n);
    return n->as_string()->get();
  }
  const toml::table* table(const std::string& name, bool required) {
    const toml::node* n = find(name);
    if (!n) {
      if (required) missing(name, "a table [" + full(name) + "]");
      return nullptr;
    }
    if (!n->is_table()) wrong(name, "a table [" + full(name) + "]", *n);
    return n->as_table();
  }

  // A number-format string through fx::parse_type.
  std::optional<fx::NumType> num_type(const std::string& name, bool required,
                                      const std::string& expected) {
    const auto s = string(name, required, "a type string, " + expected);
    if (!s) return std::nullopt;
    try {
      return fx::parse_type(*s);
    } catch (const std::invalid_argument& e) {  // TypeParseError, FxTypeError
      ctx_->fail(full(name), std::string(e.what()) + "; expected " + expected);
    }
  }
  fx::FxType fx_type(const std::string& name, const std::string& expected) {
    const fx::NumType t = *num_type(name, true, expected);
    if (!std::holds_alternative<fx::FxType>(t)) {
      ctx_->fail(full(name), fx::type_str(t) + " is not a fixed-point type; expected " + expected);
    }
    return std::get<fx::FxType>(t);
  }

  std::string full(const std::string& name) const {
    return prefix_.empty() ? name : prefix_ + "." + name;
  }

 private:
  static std::string type_name(const toml::node& n) {
    switch (n.type()) {
      case toml::node_type::string:
        return "string";
      case toml::node_type::integer:
        return "integer";
      case toml::node_type::floating_point:
        return "float";
      case toml::node_type::boolean:
        return "boolean";
      case toml::node_type::table:
        return "table";
      case toml::node_type::array:
        return "array";
      default:
        return "date/time";
    }
  }

  const toml::table& t_;
  std::string prefix_;
  Context* ctx_;
};

template <typename E>
E pick(const std::string& value, const std::vector<std::pair<std::string, E>>& names,
       const std::string& key, const Context& ctx) {
  std::vector<std::string> all;
  for (const auto& [n, e] : names) {
    if (n == value) return e;
    all.push_back(n);
  }
  ctx.fail(key, "\"" + value + "\" is not one of " + join(all));
}

const std::vector<std::pair<std::string, EngineKind>> kKinds = {
    {"fx_mac", EngineKind::FX_MAC}, {"khot", EngineKind::KHOT}, {"spt", EngineKind::SPT}};
const std::vector<std::pair<std::string, Distribution>> kDistributions = {
    {"uniform", Distribution::UNIFORM}, {"normal", Distribution::NORMAL}};
const std::vector<std::pair<std::string, units::Activation>>& kActivations =
    units::activation_names();

// clip is only meaningful for relu_clip; remember whether the file set it.
struct ParsedExtras {
  bool clip_given = false;
  bool accumulator_given = false;
};

EngineConfig read_point(const toml::table& root, Context* ctx, ParsedExtras* extras) {
  EngineConfig cfg;
  TableReader top(root, "", {"seed", "engine", "layer", "types", "bn", "stimulus"}, ctx);
  if (auto s = top.integer("seed", false, "an integer >= 0")) {
    if (*s < 0) ctx->fail("seed", "expected an integer >= 0, got " + std::to_string(*s));
    cfg.seed = static_cast<std::uint64_t>(*s);
  }

  const toml::table* engine_t = top.table("engine", true);
  TableReader engine(*engine_t, "engine",
                     {"kind", "pe", "simd", "mac_stages", "clock_ns", "bus_bits"}, ctx);
  cfg.kind =
      pick(*engine.string("kind", true, "one of fx_mac, khot, spt"), kKinds, "engine.kind", *ctx);
  cfg.pe = static_cast<int>(to_int(*engine.integer("pe", true, "an integer >= 1")));
  cfg.simd = static_cast<int>(to_int(*engine.integer("simd", true, "an integer in 1..64")));
  if (auto v = engine.integer("mac_stages", false, "an integer in 1..8")) {
    cfg.mac_stages = static_cast<int>(to_int(*v));
  }
  if (auto v = engine.number("clock_ns", false, "a number > 0")) cfg.clock_ns = *v;
  if (auto v = engine.integer("bus_bits", false, "a multiple of 8 in 8..1024")) {
    cfg.bus_bits = static_cast<int>(to_int(*v));
  }

  const toml::table* layer_t = top.table("layer", true);
  TableReader layer(*layer_t, "layer", {"in_features", "out_features", "batch"}, ctx);
  auto feature = [&](const std::string& name, bool required) -> std::optional<int> {
    auto v = layer.integer(name, required, "an integer >= 1");
    if (!v) return std::nullopt;
    return static_cast<int>(to_int(*v));
  };
  cfg.in_features = *feature("in_features", true);
  cfg.out_features = *feature("out_features", true);
  if (auto b = feature("batch", false)) cfg.batch = *b;

  const toml::table* types_t = top.table("types", true);
  TableReader types(*types_t, "types", {"activation", "weight", "accumulator", "output"}, ctx);
  cfg.activation = types.fx_type("activation", "fixed<W,I,...> or ufixed<W,I,...>");
  cfg.weight = *types.num_type("weight", true,
                               "fixed<W,I> (kind fx_mac), khot<W,I,K> (khot) or spt<W,I,K> (spt)");
  if (types.find("accumulator")) {
    extras->accumulator_given = true;
    cfg.accumulator = types.fx_type("accumulator", "a signed fixed<ACC_W,I,TRN,ACC_O>");
  }
  cfg.output = types.fx_type("output", "fixed<W,I,Q,O,N> or ufixed<W,I,Q,O,N>");

  if (const toml::table* bn_t = top.table("bn", false)) {
    TableReader bnr(*bn_t, "bn", {"scale", "bias", "output", "activation", "clip", "stages"}, ctx);
    BnConfig bn;
    bn.scale = *bnr.num_type("scale", true, "fixed<W,I>, ufixed<W,I> or khot<W,I,K>");
    bn.bias = bnr.fx_type("bias", "a signed fixed<W,I>");
    bn.output = bnr.fx_type("output", "fixed<W,I,Q,O,N> or ufixed<W,I,Q,O,N>");
    if (auto a = bnr.string("activation", false, "one of none, relu, relu_clip, hardtanh, sign")) {
      bn.activation = pick(*a, kActivations, "bn.activation", *ctx);
    }
    if (auto c = bnr.number("clip", false, "a number (relu_clip upper bound in output units)")) {
      extras->clip_given = true;
      bn.clip = *c;
    }
    if (auto s = bnr.integer("stages", false, "an integer in 1..8")) {
      bn.stages = static_cast<int>(to_int(*s));
    }
    cfg.bn = bn;
  }

  if (const toml::table* st = top.table("stimulus", false)) {
    TableReader stim(*st, "stimulus", {"distribution"}, ctx);
    if (auto d = stim.string("distribution", false, "uniform or normal")) {
      cfg.distribution = pick(*d, kDistributions, "stimulus.distribution", *ctx);
    }
  }
  if (!extras->accumulator_given) {
    // Default: exact for in_features products, WRAP (fx::accumulator_type).
    // A K-hot weight grows the sum as the fixed<W,I> of the same W, I and signedness.
    const fx::FxType w =
        std::holds_alternative<fx::FxType>(cfg.weight)
            ? cfg.fx_weight()
            : fx::FxType::make(cfg.khot_weight().is_signed(), cfg.khot_weight().width,
                               cfg.khot_weight().int_bits);
    try {
      cfg.accumulator =
          fx::accumulator_type(cfg.activation, w, cfg.in_features, fx::Overflow::WRAP);
    } catch (const fx::FxTypeError& e) {
      ctx->fail("types.accumulator", std::string("the default accumulator cannot exist: ") +
                                         e.what() + "; expected an explicit types.accumulator");
    }
  }
  return cfg;
}

void check_range(const Context& ctx, const std::string& key, std::int64_t v, std::int64_t lo,
                 std::int64_t hi) {
  if (v < lo || v > hi) {
    ctx.fail(key, "expected an integer in " + std::to_string(lo) + ".." + std::to_string(hi) +
                      ", got " + std::to_string(v));
  }
}

// The point-file key a units::resolve_params message is about.
std::string key_for_unit_error(const std::string& msg, bool bn_unit) {
  std::string param;
  const auto at = msg.find("parameter ");
  if (at != std::string::npos) {
    const auto b = at + 10;
    param = msg.substr(b, msg.find(' ', b) - b);
  }
  auto starts = [&](const char* p) { return param.rfind(p, 0) == 0; };
  const bool output = starts("OUT_") || param == "Q" || param == "O" || param == "N" ||
                      msg.find("WRAP_SM") != std::string::npos;
  if (!bn_unit) {
    if (param == "SIMD") return "engine.simd";
    if (param == "STAGES") return "engine.mac_stages";
    if (starts("A_")) return "types.activation";
    if (starts("ACC_")) return "types.accumulator";
    if (output) return "types.output";
    return "types.weight";  // W_*, K, SH_W, W_FRAC, the beat-sum width
  }
  if (starts("X_")) return "types.output";
  if (starts("B_") || msg.find("x * scale + bias") != std::string::npos) return "bn.bias";
  if (param == "STAGES") return "bn.stages";
  if (param == "CLIP" || msg.find("CLIP =") != std::string::npos) return "bn.clip";
  if (msg.find("ACT =") != std::string::npos) return "bn.activation";
  if (output) return "bn.output";
  return "bn.scale";
}

void check_config(const EngineConfig& cfg, const Context& ctx, const ParsedExtras& extras) {
  check_range(ctx, "engine.pe", cfg.pe, 1, 1024);
  check_range(ctx, "engine.simd", cfg.simd, 1, 64);
  check_range(ctx, "engine.mac_stages", cfg.mac_stages, 1, 8);
  if (!(cfg.clock_ns > 0.0) || !std::isfinite(cfg.clock_ns)) {
    ctx.fail("engine.clock_ns", "expected a number > 0, got " + std::to_string(cfg.clock_ns));
  }
  if (cfg.bus_bits < 8 || cfg.bus_bits > 1024 || cfg.bus_bits % 8 != 0) {
    ctx.fail("engine.bus_bits",
             "expected a multiple of 8 in 8..1024, got " + std::to_string(cfg.bus_bits));
  }
  constexpr int kMaxFeatures = 1 << 20;
  check_range(ctx, "layer.in_features", cfg.in_features, 1, kMaxFeatures);
  check_range(ctx, "layer.out_features", cfg.out_features, 1, kMaxFeatures);
  check_range(ctx, "layer.batch", cfg.batch, 1, kMaxFeatures);

  // The weight type must be the one engine.kind computes with.
  const bool fx_w = std::holds_alternative<fx::FxType>(cfg.weight);
  const fx::KhotKind kk = fx_w ? fx::KhotKind::KHOT : std::get<fx::KhotType>(cfg.weight).kind;
  const bool ok = cfg.kind == EngineKind::FX_MAC ? fx_w
                  : cfg.kind == EngineKind::KHOT ? !fx_w && kk != fx::KhotKind::SPT
                                                 : !fx_w && kk == fx::KhotKind::SPT;
  if (!ok) {
    const char* expected = cfg.kind == EngineKind::FX_MAC ? "fixed<W,I> or ufixed<W,I>"
                           : cfg.kind == EngineKind::KHOT ? "khot<W,I,K> or ukhot<W,I,K>"
                                                          : "spt<W,I,K>";
    ctx.fail("types.weight", fx::type_str(cfg.weight) + " does not match engine.kind = \"" +
                                 std::string(to_string(cfg.kind)) + "\"; expected " + expected);
  }
  if (!fx_w) {
    try {
      std::get<fx::KhotType>(cfg.weight).validate();  // K <= magnitude bits, ...
    } catch (const std::invalid_argument& e) {
      ctx.fail("types.weight", e.what());
    }
  }

  const int w_frac = fx_w ? cfg.fx_weight().frac_bits() : cfg.khot_weight().frac_bits();
  const int want_frac = cfg.activation.frac_bits() + w_frac;
  if (!cfg.accumulator.is_signed) {
    ctx.fail("types.accumulator", cfg.accumulator.str() + " is unsigned; expected a signed fixed");
  }
  if (cfg.accumulator.frac_bits() != want_frac) {
    ctx.fail("types.accumulator",
             cfg.accumulator.str() + " has " + std::to_string(cfg.accumulator.frac_bits()) +
                 " fraction bits; expected A_FRAC + W_FRAC = " + std::to_string(want_frac) +
                 (extras.accumulator_given ? "" : " (default accumulator)"));
  }

  try {
    pe_instance(cfg);
  } catch (const units::UnitParamError& e) {
    ctx.fail(key_for_unit_error(e.what(), false), e.what());
  }

  if (cfg.bn) {
    const BnConfig& bn = *cfg.bn;
    check_range(ctx, "bn.stages", bn.stages, 1, 8);
    if (!bn.bias.is_signed) {
      ctx.fail("bn.bias", bn.bias.str() + " is unsigned; expected a signed fixed<W,I>");
    }
    if (bn.khot_scale()) {
      try {
        std::get<fx::KhotType>(bn.scale).validate();
      } catch (const std::invalid_argument& e) {
        ctx.fail("bn.scale", e.what());
      }
    }
    if (bn.activation == units::Activation::RELU_CLIP) {
      if (!extras.clip_given) {
        ctx.fail("bn.clip", "missing; expected the relu_clip upper bound in output units");
      }
      const double raw = std::ldexp(bn.clip, bn.output.frac_bits());
      const double raw_max = static_cast<double>(bn.output.raw_max());
      if (!(raw >= 0.0) || raw != std::floor(raw) || raw > raw_max) {
        ctx.fail("bn.clip", "expected an output value 0.." + std::to_string(bn.output.max_value()) +
                                " in steps of 2^" + std::to_string(-bn.output.frac_bits()) +
                                ", got " + std::to_string(bn.clip));
      }
    }  // other activations ignore clip (the contract's example sets it with relu)
    try {
      bn_instance(cfg);
    } catch (const units::UnitParamError& e) {
      ctx.fail(key_for_unit_error(e.what(), true), e.what());
    }
  }

  // Every element must be a whole number of bus words' fraction: bus_bits a multiple of it.
  std::vector<std::pair<std::string, ElementLayout>> elements = {
      {"types.weight", weight_layout(cfg)},
      {"types.activation", input_layout(cfg)},
      {cfg.bn ? "bn.output" : "types.output", output_layout(cfg)}};
  if (cfg.bn) {
    elements.push_back({"bn.scale", bn_scale_layout(cfg)});
    elements.push_back({"bn.bias", bn_bias_layout(cfg)});
  }
  for (const auto& [key, l] : elements) {
    if (cfg.bus_bits % (8 * l.bytes) != 0) {
      ctx.fail("engine.bus_bits", std::to_string(cfg.bus_bits) + " is not a multiple of the " +
                                      std::to_string(8 * l.bytes) + "-bit elements of " + key +
                                      "; expected a multiple of " + std::to_string(8 * l.bytes));
    }
  }

  // Each buffer must fit its address window of the memory map.
  constexpr std::uint64_t kWindow = kRegionSpan;
  const std::string window = std::to_string(kWindow >> 20) + " MiB";
  const auto n_in = static_cast<std::uint64_t>(cfg.in_features);
  const auto n_out = static_cast<std::uint64_t>(cfg.out_features);
  const auto b = static_cast<std::uint64_t>(cfg.batch);
  if (n_in * n_out * weight_layout(cfg).bytes > kWindow) {
    ctx.fail("layer.out_features",
             "the weight buffer exceeds " + window + "; expected fewer features");
  }
  if (b * n_in * input_layout(cfg).bytes > kWindow ||
      b * n_out * output_layout(cfg).bytes > kWindow) {
    ctx.fail("layer.batch",
             "the input or output buffer exceeds " + window + "; expected a smaller batch");
  }
}

}  // namespace

EngineConfig parse_point(std::string_view text, const std::string& source_name) {
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    throw PointFileError(source_name + ":" + std::to_string(line_of(e.source())) +
                         ": toml: " + std::string(e.description()));
  }
  Context ctx{source_name, {}};
  ParsedExtras extras;
  EngineConfig cfg = read_point(root, &ctx, &extras);
  check_config(cfg, ctx, extras);
  return cfg;
}

EngineConfig load_point_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw PointFileError(path + ": cannot open the design point file");
  std::ostringstream s;
  s << in.rdbuf();
  return parse_point(s.str(), path);
}

void validate(const EngineConfig& cfg, const std::string& source_name) {
  Context ctx{source_name, {}};
  ParsedExtras extras;
  extras.accumulator_given = true;
  extras.clip_given = cfg.bn && cfg.bn->activation == units::Activation::RELU_CLIP;
  check_config(cfg, ctx, extras);
}

}  // namespace fxsim::engine
