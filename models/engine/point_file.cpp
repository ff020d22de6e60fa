// The design-point file (docs/engine.md, "Design point file"): the one TOML table reader
// (util/toml_table.hpp) for the syntax, then every key checked, in two passes that share one
// error format `FILE:LINE: key: what was expected`:
//   1. read: unknown keys, wrong TOML types, unparseable type strings and names;
//   2. check_config: ranges and the impossible combinations (also what validate() runs on a
//      config built in code, where there are no line numbers).
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "fx/type_parser.hpp"
#include "fx/width_rules.hpp"
#include "models/engine/elaboration.hpp"
#include "models/engine/engine_config.hpp"
#include "models/engine/memory_map.hpp"
#include "util/toml_table.hpp"

namespace fxsim::engine {
namespace {

using util::TomlTable;

[[noreturn]] void raise(const std::string& message) { throw PointFileError(message); }

// Where each key of the file is (the enclosing table's line for an absent key), for the checks
// that run after reading: check_config reports `FILE:LINE: key: ...` too.
struct Context {
  util::TomlErrors errors;
  std::map<std::string, util::TomlLocation> where;

  explicit Context(const std::string& source) : errors(source, /*columns=*/false, raise) {}
  // Every table and key of the document.
  void index(const toml::table& root) {
    for (const auto& [k, v] : root) {
      const std::string name(k.str());
      where[name] = util::toml_location(v.source());
      if (const toml::table* t = v.as_table()) {
        for (const auto& [sk, sv] : *t) {
          where[name + "." + std::string(sk.str())] = util::toml_location(sv.source());
        }
      }
    }
  }
  util::TomlLocation location(const std::string& key) const {
    if (const auto it = where.find(key); it != where.end()) return it->second;
    // An absent key of a present table: that table's line.
    if (const auto dot = key.find('.'); dot != std::string::npos) {
      if (const auto t = where.find(key.substr(0, dot)); t != where.end()) return t->second;
    }
    return {};
  }
  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    errors.fail(location(key), key, what);
  }
};

// Integers of the file as int, clamped far outside every legal range (so the range check still
// reports an impossible value, without int overflow).
int to_int(std::int64_t v) {
  return static_cast<int>(std::clamp<std::int64_t>(v, -(1 << 30), 1 << 30));
}

std::int64_t require_integer(const TomlTable& t, const std::string& key,
                             const std::string& expected) {
  const auto v = t.integer(key, expected);
  if (!v) t.missing(key, expected);
  return *v;
}

const toml::table& require_table(const TomlTable& t, const std::string& key) {
  const toml::table* sub = t.table(key);
  if (!sub) t.missing(key, "a table [" + t.full(key) + "]");
  return *sub;
}

// A number-format string through fx::parse_type.
std::optional<fx::NumType> num_type(const TomlTable& t, const std::string& key, bool required,
                                    const std::string& expected) {
  const auto s = t.string(key, "a type string, " + expected);
  if (!s) {
    if (required) t.missing(key, "a type string, " + expected);
    return std::nullopt;
  }
  try {
    return fx::parse_type(*s);
  } catch (const std::invalid_argument& e) {  // TypeParseError, FxTypeError
    t.fail(key, std::string(e.what()) + "; expected " + expected);
  }
}

fx::FxType fx_type(const TomlTable& t, const std::string& key, const std::string& expected) {
  const fx::NumType type = *num_type(t, key, true, expected);
  if (!std::holds_alternative<fx::FxType>(type)) {
    t.fail(key, fx::type_str(type) + " is not a fixed-point type; expected " + expected);
  }
  return std::get<fx::FxType>(type);
}

// clip is only meaningful for relu_clip; remember whether the file set it.
struct ParsedExtras {
  bool clip_given = false;
  bool accumulator_given = false;
  bool output_given = true;       // types.output (optional with [requant])
  bool bias_width_given = false;  // requant.bias_width (default: the accumulator's width)
};

const util::NameTable<fx::IntegerRounding>& integer_rounding_names() {
  static const util::NameTable<fx::IntegerRounding> names = {
      {"double", fx::IntegerRounding::DOUBLE}, {"single", fx::IntegerRounding::SINGLE}};
  return names;
}

void read_engine(const TomlTable& engine, EngineConfig* cfg) {
  if (!engine.find("kind")) {
    engine.missing("kind", "one of fx_mac, khot, spt, binary, ternary, xnor");
  }
  cfg->kind = *engine.name("kind", engine_kind_names());
  cfg->pe = to_int(require_integer(engine, "pe", "an integer >= 1"));
  cfg->simd = to_int(require_integer(engine, "simd", "an integer in 1..64"));
  if (auto v = engine.integer("mac_stages", "an integer in 1..8")) cfg->mac_stages = to_int(*v);
  if (auto v = engine.number("clock_ns", "a number > 0")) cfg->clock_ns = *v;
  if (auto v = engine.integer("bus_bits", "a multiple of 8 in 8..1024")) cfg->bus_bits = to_int(*v);
}

void read_layer(const TomlTable& layer, EngineConfig* cfg) {
  cfg->in_features = to_int(require_integer(layer, "in_features", "an integer >= 1"));
  cfg->out_features = to_int(require_integer(layer, "out_features", "an integer >= 1"));
  if (auto b = layer.integer("batch", "an integer >= 1")) cfg->batch = to_int(*b);
}

// kind xnor: activation = "binary", one bit per activation (1 = +1, 0 = -1), held as the raw of
// ufixed<1,1>; every other kind: a fixed-point type.
void read_activation(const TomlTable& types, EngineConfig* cfg) {
  const std::string fixed = "fixed<W,I,...> or ufixed<W,I,...>";
  if (cfg->kind != EngineKind::XNOR) {
    if (const auto s = types.string("activation", "a type string, " + fixed); s && *s == "binary") {
      types.fail("activation",
                 "\"binary\" activations need engine.kind = \"xnor\"; expected " + fixed);
    }
    cfg->activation = fx_type(types, "activation", fixed);
    return;
  }
  const std::string expected = "\"binary\" with engine.kind = \"xnor\" (1 = +1, 0 = -1)";
  const auto s = types.string("activation", "a type string, " + expected);
  if (!s) types.missing("activation", "a type string, " + expected);
  if (*s != "binary") types.fail("activation", "\"" + *s + "\"; expected " + expected);
  cfg->activation = fx::FxType::make_unsigned(1, 1);
  cfg->binary_activation = true;
}

// Kinds binary / xnor: "binary" or "binary<S>"; ternary: "ternary" or "ternary<S>"
// (fx::parse_bipolar_type). The rest of the rules (kind, power-of-two scale) are check_config's.
void read_bipolar_weight(const TomlTable& types, EngineConfig* cfg) {
  const std::string expected = cfg->kind == EngineKind::TERNARY
                                   ? "ternary or ternary<S>, S a power of two"
                                   : "binary or binary<S>, S a power of two";
  const auto s = types.string("weight", "a type string, " + expected);
  if (!s) types.missing("weight", "a type string, " + expected);
  try {
    cfg->bipolar = fx::parse_bipolar_type(*s);
  } catch (const std::invalid_argument& e) {  // TypeParseError, FxTypeError
    types.fail("weight", std::string(e.what()) + "; expected " + expected);
  }
  cfg->weight = fx::FxType::make_signed(2, 2);  // the values v in {-1, 0, +1}
}

void read_types(const TomlTable& types, bool requant, EngineConfig* cfg, ParsedExtras* extras) {
  read_activation(types, cfg);
  if (cfg->is_bipolar()) {
    read_bipolar_weight(types, cfg);
  } else {
    cfg->weight = *num_type(types, "weight", true,
                            "fixed<W,I> (kind fx_mac), khot<W,I,K> (khot) or spt<W,I,K> (spt)");
  }
  if (types.find("accumulator")) {
    extras->accumulator_given = true;
    cfg->accumulator = fx_type(types, "accumulator", "a signed fixed<ACC_W,I,TRN,ACC_O>");
  }
  // With [requant] and the binary / ternary kinds the MAC output is the accumulator: the key may
  // be left out.
  extras->output_given = !(requant || cfg->is_bipolar()) || types.find("output");
  if (extras->output_given) {
    cfg->output = fx_type(types, "output", "fixed<W,I,Q,O,N> or ufixed<W,I,Q,O,N>");
  }
}

BnConfig read_bn(const TomlTable& bnr, ParsedExtras* extras) {
  BnConfig bn;
  bn.scale = *num_type(bnr, "scale", true, "fixed<W,I>, ufixed<W,I> or khot<W,I,K>");
  bn.bias = fx_type(bnr, "bias", "a signed fixed<W,I>");
  bn.output = fx_type(bnr, "output", "fixed<W,I,Q,O,N> or ufixed<W,I,Q,O,N>");
  if (auto a = bnr.name("activation", units::activation_names())) bn.activation = *a;
  if (auto c = bnr.number("clip", "a number (relu_clip upper bound in output units)")) {
    extras->clip_given = true;
    bn.clip = *c;
  }
  if (auto s = bnr.integer("stages", "an integer in 1..8")) bn.stages = to_int(*s);
  return bn;
}

RequantConfig read_requant(const TomlTable& t, ParsedExtras* extras) {
  RequantConfig r;
  const char* out_expected = "an affine integer int<W> or uint<W>, W in 2..32";
  const auto out = t.string("output", "a type string, " + std::string(out_expected));
  if (!out) t.missing("output", "a type string, " + std::string(out_expected));
  try {
    r.output = fx::parse_affine_int(*out);
  } catch (const std::invalid_argument& e) {  // TypeParseError, FxTypeError
    t.fail("output", std::string(e.what()) + "; expected " + out_expected);
  }
  // The zero point is a value of the output (int_requant's ZP), checked here where both are known.
  if (auto z = t.integer_in("zero_point", r.output.q_min(), r.output.q_max())) {
    r.zero_point = static_cast<std::int32_t>(*z);
  }
  if (auto v = t.name("rounding", integer_rounding_names())) r.rounding = *v;
  if (auto v = t.integer("m0_bits", "an integer in 2..31")) r.m0_bits = to_int(*v);
  if (auto v = t.integer("lshift_max", "an integer in 0..31")) r.lshift_max = to_int(*v);
  if (auto v = t.integer("bias_width", "an integer in 2..32")) {
    extras->bias_width_given = true;
    r.bias_width = to_int(*v);
  }
  if (auto v = t.boolean("relu")) r.relu = *v;
  if (auto v = t.integer("stages", "an integer in 1..8")) r.stages = to_int(*v);
  return r;
}

ThresholdTable read_threshold(const TomlTable& t) {
  ThresholdTable th;
  th.thresholds = to_int(require_integer(t, "thresholds", "an integer in 1..255"));
  if (auto v = t.integer("stages", "an integer in 1..8")) th.stages = to_int(*v);
  return th;
}

EngineConfig read_point(const toml::table& root, const Context& ctx, ParsedExtras* extras) {
  EngineConfig cfg;
  const TomlTable top(
      ctx.errors, &root, "", {},
      {"seed", "engine", "layer", "types", "bn", "requant", "threshold", "stimulus"});
  if (auto s = top.integer("seed", "an integer >= 0")) {
    if (*s < 0) top.fail("seed", "expected an integer >= 0, got " + std::to_string(*s));
    cfg.seed = static_cast<std::uint64_t>(*s);
  }
  auto sub = [&](const char* name, const std::vector<std::string>& keys) {
    return TomlTable(ctx.errors, top.table(name), name, top.location(name), keys);
  };
  read_engine(TomlTable(ctx.errors, &require_table(top, "engine"), "engine", top.location("engine"),
                        {"kind", "pe", "simd", "mac_stages", "clock_ns", "bus_bits"}),
              &cfg);
  read_layer(TomlTable(ctx.errors, &require_table(top, "layer"), "layer", top.location("layer"),
                       {"in_features", "out_features", "batch"}),
             &cfg);
  read_types(TomlTable(ctx.errors, &require_table(top, "types"), "types", top.location("types"),
                       {"activation", "weight", "accumulator", "output"}),
             top.table("requant") != nullptr, &cfg, extras);
  const TomlTable bn = sub("bn", {"scale", "bias", "output", "activation", "clip", "stages"});
  if (bn.present()) cfg.bn = read_bn(bn, extras);
  const TomlTable requant = sub("requant", {"output", "zero_point", "rounding", "m0_bits",
                                            "lshift_max", "bias_width", "relu", "stages"});
  if (requant.present()) cfg.requant = read_requant(requant, extras);
  const TomlTable threshold = sub("threshold", {"thresholds", "stages"});
  if (threshold.present()) cfg.threshold = read_threshold(threshold);
  const TomlTable stim = sub("stimulus", {"distribution"});
  if (auto d = stim.name("distribution", distribution_names())) cfg.distribution = *d;
  if (!extras->accumulator_given && cfg.is_bipolar()) {
    // A scale that is no power of two is check_config's to refuse; the default waits for it.
    if (cfg.bipolar->scale_is_power_of_two()) {
      const std::optional<fx::FxType> def = bipolar_default_accumulator(cfg);
      if (!def) {
        ctx.fail("types.accumulator",
                 "the default accumulator cannot exist; expected an explicit types.accumulator");
      }
      cfg.accumulator = *def;
    }
  } else if (!extras->accumulator_given) {
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
      ctx.fail("types.accumulator", std::string("the default accumulator cannot exist: ") +
                                        e.what() + "; expected an explicit types.accumulator");
    }
  }
  // [requant]: the MAC output defaults to the accumulator (the PE passes it through), and the
  // folded bias to the accumulator's width (it is added into the accumulator).
  if (!extras->output_given) cfg.output = cfg.accumulator;
  if (cfg.requant && !extras->bias_width_given) {
    cfg.requant->bias_width = std::min(cfg.accumulator.width, 32);
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
                      param == "AP" || msg.find("WRAP_SM") != std::string::npos;
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

// The point-file key an int_requant refusal (units::resolve_params, its own check) is about:
// "int_requant: parameter B_W = ..." or "int_requant: B_W = ...".
std::string key_for_requant_error(const std::string& msg) {
  std::string param;
  const std::string unit = "int_requant: ";
  std::size_t b = msg.rfind(unit, 0) == 0 ? unit.size() : 0;
  if (msg.compare(b, 10, "parameter ") == 0) b += 10;
  param = msg.substr(b, msg.find(' ', b) - b);
  if (param == "B_W") return "requant.bias_width";
  if (param == "M0_BITS") return "requant.m0_bits";
  if (param == "LSHIFT_MAX") return "requant.lshift_max";
  if (param == "ROUNDING") return "requant.rounding";
  if (param == "ZP") return "requant.zero_point";
  if (param == "STAGES") return "requant.stages";
  if (param == "ACC_W") return "types.accumulator";
  if (param == "PE" || param == "CH") return "engine.pe";
  return "requant.output";  // OUT_W, OUT_SIGNED
}

// The scalar ranges of [engine] and [layer]: checked first, so that every later check (and the
// unit parameters derived from these numbers) sees sane sizes.
void check_engine_and_layer_ranges(const EngineConfig& cfg, const Context& ctx) {
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
}

// The weight type must be the one engine.kind computes with, and a K-hot / SPT weight must be
// a valid one (K <= magnitude bits, ...) before its fraction bits are used below.
// Kinds binary / ternary / xnor: the bipolar weight of the kind, with a power-of-two scale (it
// only moves the accumulator's binary point: no multiplier), and binary activations with xnor.
void check_bipolar_kind(const EngineConfig& cfg, const Context& ctx) {
  const std::string kind = "engine.kind = \"" + std::string(to_string(cfg.kind)) + "\"";
  if (cfg.binary_activation != (cfg.kind == EngineKind::XNOR)) {
    ctx.fail("types.activation",
             cfg.binary_activation
                 ? "\"binary\" activations need engine.kind = \"xnor\""
                 : "a fixed-point activation with " + kind + "; expected \"binary\"");
  }
  if (!cfg.is_bipolar()) {
    if (cfg.bipolar) {
      ctx.fail("types.weight", cfg.bipolar->str() + " with " + kind +
                                   "; expected engine.kind = \"binary\", \"ternary\" or \"xnor\"");
    }
    return;
  }
  const bool ternary = cfg.kind == EngineKind::TERNARY;
  const char* expected = ternary ? "ternary or ternary<S>" : "binary or binary<S>";
  if (!cfg.bipolar || cfg.bipolar->is_ternary() != ternary) {
    ctx.fail("types.weight", (cfg.bipolar ? cfg.bipolar->str() : fx::type_str(cfg.weight)) +
                                 " does not match " + kind + "; expected " + expected);
  }
  if (!cfg.bipolar->scale_is_power_of_two()) {
    ctx.fail("types.weight",
             cfg.bipolar->str() +
                 ": the scale is not a power of two; expected a scale 2^e (it only moves the "
                 "accumulator's binary point): fold any other scale into [bn]");
  }
  if (cfg.kind == EngineKind::XNOR && cfg.in_features % cfg.simd != 0) {
    ctx.fail("layer.in_features",
             std::to_string(cfg.in_features) +
                 " is not a multiple of engine.simd = " + std::to_string(cfg.simd) +
                 "; expected whole beats with engine.kind = \"xnor\" (a padded lane counts "
                 "as (-1) x (-1) = +1)");
  }
}

void check_weight_matches_kind(const EngineConfig& cfg, const Context& ctx) {
  check_bipolar_kind(cfg, ctx);
  if (cfg.is_bipolar()) return;
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
}

// The accumulator sums exact products: signed, with the products' fraction bits. The message
// gives the type that would be right (the same integer bits with those fraction bits, and the
// default), and says when the accumulator was the default one, since the user never wrote it.
// Binary / ternary kinds: the accumulator is an integer dot product of v x a in the activation's
// LSBs times the weight scale 2^e; it is the MAC output (types.output left out or equal).
void check_bipolar_accumulator(const EngineConfig& cfg, const Context& ctx,
                               const ParsedExtras& extras) {
  const fx::FxType& acc = cfg.accumulator;
  const int a_frac = cfg.activation.frac_bits();
  const int e = cfg.bipolar->scale_exponent();
  const int want = a_frac - e;
  if (!acc.is_signed || acc.frac_bits() != want) {
    std::string expected = "expected a signed fixed with F_acc = F_activation - log2(scale) = " +
                           std::to_string(a_frac) + " - (" + std::to_string(e) +
                           ") = " + std::to_string(want);
    if (const auto def = bipolar_default_accumulator(cfg)) {
      expected += ": e.g. " + def->str() + " (the default when the key is left out)";
    }
    ctx.fail("types.accumulator",
             acc.str() + " " +
                 (acc.is_signed ? "has " + std::to_string(acc.frac_bits()) + " fraction bits"
                                : std::string("is unsigned")) +
                 "; " + expected + (extras.accumulator_given ? "" : " (default accumulator)"));
  }
  const fx::FxType& out = cfg.output;
  if (out.width != acc.width || out.frac_bits() != acc.frac_bits() || !out.is_signed) {
    ctx.fail("types.output", out.str() + " is not the accumulator " + acc.str() +
                                 "; expected types.output left out or equal to "
                                 "types.accumulator with engine.kind = \"" +
                                 std::string(to_string(cfg.kind)) +
                                 "\" (the MAC output is the accumulator)");
  }
}

void check_accumulator(const EngineConfig& cfg, const Context& ctx, const ParsedExtras& extras) {
  if (cfg.is_bipolar()) {
    check_bipolar_accumulator(cfg, ctx, extras);
    return;
  }
  const bool fx_w = std::holds_alternative<fx::FxType>(cfg.weight);
  const int w_frac = fx_w ? cfg.fx_weight().frac_bits() : cfg.khot_weight().frac_bits();
  const int a_frac = cfg.activation.frac_bits();
  const int want_frac = a_frac + w_frac;
  const fx::FxType& acc = cfg.accumulator;
  if (acc.is_signed && acc.frac_bits() == want_frac) return;
  std::string expected = std::string("expected ") + (acc.is_signed ? "" : "a signed fixed with ") +
                         "F_acc = F_activation + F_weight = " + std::to_string(a_frac) + " + " +
                         std::to_string(w_frac) + " = " + std::to_string(want_frac);
  std::vector<std::string> right;
  const int width = acc.int_bits + want_frac;  // the same integer bits, the right fraction bits
  std::optional<fx::FxType> same_int;
  if (width >= 2 && width <= 62) {
    same_int =
        fx::FxType::make_signed(width, acc.int_bits, acc.rounding, acc.overflow, acc.sat_bits);
  }
  std::optional<fx::FxType> def;
  if (extras.accumulator_given) {
    // The default of docs/engine.md: exact for in_features products, WRAP.
    const fx::FxType w =
        fx_w ? cfg.fx_weight()
             : fx::FxType::make(cfg.khot_weight().is_signed(), cfg.khot_weight().width,
                                cfg.khot_weight().int_bits);
    try {
      def = fx::accumulator_type(cfg.activation, w, cfg.in_features, fx::Overflow::WRAP);
    } catch (const fx::FxTypeError&) {
    }
  }
  const std::string def_why = "the default when the key is left out: exact for " +
                              std::to_string(cfg.in_features) + " products";
  if (same_int && def && *same_int == *def) {
    right.push_back(def->str() + " (the same integer bits; also " + def_why + ")");
  } else {
    if (same_int) right.push_back(same_int->str() + " (the same integer bits)");
    if (def) right.push_back(def->str() + " (" + def_why + ")");
  }
  for (std::size_t i = 0; i < right.size(); ++i) {
    expected += (i == 0 ? ": e.g. " : " or ") + right[i];
  }
  const std::string what =
      acc.is_signed ? "has " + std::to_string(acc.frac_bits()) + " fraction bits" : "is unsigned";
  ctx.fail("types.accumulator", acc.str() + " " + what + "; " + expected +
                                    (extras.accumulator_given ? "" : " (default accumulator)"));
}

// What remains of the PE's rules lives with its unit (units::resolve_params); its message is
// reported at the point-file key it is about.
void check_pe_params(const EngineConfig& cfg, const Context& ctx) {
  try {
    pe_instance(cfg);
  } catch (const units::UnitParamError& e) {
    ctx.fail(key_for_unit_error(e.what(), false), e.what());
  }
}

// relu_clip needs a clip the output type can hold exactly: a non-negative whole number of
// output steps, at most the output's maximum.
void check_relu_clip(const BnConfig& bn, const Context& ctx, const ParsedExtras& extras) {
  if (!extras.clip_given) {
    ctx.fail("bn.clip", "missing; expected the relu_clip upper bound in output units");
  }
  const double raw = std::ldexp(bn.clip, bn.output.frac_bits());
  const double raw_max = static_cast<double>(bn.output.raw_max());
  if (!(raw >= 0.0) || raw != std::floor(raw) || raw > raw_max) {
    ctx.fail("bn.clip", "expected an output value 0.." + std::to_string(bn.output.max_value()) +
                            " in steps of 2^" + std::to_string(-bn.output.frac_bits()) + ", got " +
                            std::to_string(bn.clip));
  }
}

// The [bn] table, when present: the checks the file format owns first, then the bn_act unit's
// own parameter rules (reported at the key they are about).
void check_bn(const EngineConfig& cfg, const Context& ctx, const ParsedExtras& extras) {
  if (!cfg.bn) return;
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
    check_relu_clip(bn, ctx, extras);
  }  // other activations ignore clip (the contract's example sets it with relu)
  try {
    bn_instance(cfg);
  } catch (const units::UnitParamError& e) {
    ctx.fail(key_for_unit_error(e.what(), true), e.what());
  }
}

// An integer format of the MAC array ([requant]): no fraction bits.
void check_integer_format(const Context& ctx, const std::string& key, const fx::FxType& t) {
  if (t.frac_bits() == 0) return;
  ctx.fail(key, t.str() + " has " + std::to_string(t.frac_bits()) +
                    " fraction bits; expected an integer format with [requant] (fraction bits 0, "
                    "e.g. fixed<8,8> or ufixed<8,8>)");
}

// The [requant] table, when present, first what it asks of the MAC array, which multiplies
// integers and passes its accumulator on (docs/engine.md, "Affine integer layers"): checked
// before the accumulator's and the PE's own rules, whose messages would be about fractions.
void check_requant_datapath(const EngineConfig& cfg, const Context& ctx,
                            const ParsedExtras& extras) {
  if (!cfg.requant) return;
  if (cfg.bn) {
    ctx.fail("requant",
             "[requant] and [bn] both present; expected one of them (int_requant "
             "takes bn_act's place after the MAC array)");
  }
  if (cfg.kind != EngineKind::FX_MAC) {
    ctx.fail("engine.kind", "\"" + std::string(to_string(cfg.kind)) +
                                "\" with [requant]; expected \"fx_mac\" (integer weights)");
  }
  check_integer_format(ctx, "types.activation", cfg.activation);
  check_integer_format(ctx, "types.weight", cfg.fx_weight());
  const fx::FxType& acc = cfg.accumulator;
  if (acc.width > 32) {
    ctx.fail("types.accumulator",
             acc.str() + " has " + std::to_string(acc.width) +
                 " bits; expected at most 32 with [requant] (int_requant's ACC_W)" +
                 (extras.accumulator_given ? "" : " (default accumulator)"));
  }
  const fx::FxType& out = cfg.output;
  if (out.width != acc.width || out.frac_bits() != acc.frac_bits() ||
      out.is_signed != acc.is_signed) {
    ctx.fail("types.output", out.str() + " is not the accumulator " + acc.str() +
                                 "; expected types.output left out or equal to "
                                 "types.accumulator with [requant] (the PE passes it on)");
  }
}

// Then int_requant's own rules, reported at the key each is about.
void check_requant_unit(const EngineConfig& cfg, const Context& ctx) {
  if (!cfg.requant) return;
  check_range(ctx, "requant.stages", cfg.requant->stages, 1, 8);
  try {
    requant_instance(cfg);
  } catch (const units::UnitParamError& e) {
    ctx.fail(key_for_requant_error(e.what()), e.what());
  }
}

// The point-file key a threshold refusal (units::resolve_params) is about.
std::string key_for_threshold_error(const std::string& msg) {
  if (msg.find("X_W") != std::string::npos) return "types.accumulator";
  if (msg.find("STAGES") != std::string::npos) return "threshold.stages";
  if (msg.find("parameter T ") != std::string::npos) return "threshold.thresholds";
  return "engine.pe";  // PE, CH
}

// The [threshold] table: only after a binary / ternary MAC array (whose output is the integer
// accumulator the thresholds compare with), never with [bn] or [requant]; then the unit's rules.
void check_threshold(const EngineConfig& cfg, const Context& ctx, const ParsedExtras& extras) {
  if (!cfg.threshold) return;
  for (const auto& [other, present] : {std::pair<const char*, bool>{"bn", cfg.bn.has_value()},
                                       {"requant", cfg.requant.has_value()}}) {
    if (present) {
      ctx.fail("threshold", std::string("[threshold] and [") + other +
                                "] both present; expected one of them (threshold takes "
                                "bn_act's place after the MAC array)");
    }
  }
  if (!cfg.is_bipolar()) {
    ctx.fail("engine.kind", "\"" + std::string(to_string(cfg.kind)) +
                                "\" with [threshold]; expected \"binary\", \"ternary\" or "
                                "\"xnor\" (thresholds compare the integer accumulator)");
  }
  check_range(ctx, "threshold.thresholds", cfg.threshold->thresholds, 1, 255);
  check_range(ctx, "threshold.stages", cfg.threshold->stages, 1, 8);
  const fx::FxType& acc = cfg.accumulator;
  if (acc.width > 32) {
    ctx.fail("types.accumulator",
             acc.str() + " has " + std::to_string(acc.width) +
                 " bits; expected at most 32 with [threshold] (threshold's X_W)" +
                 (extras.accumulator_given ? "" : " (default accumulator)"));
  }
  try {
    threshold_instance(cfg);
  } catch (const units::UnitParamError& e) {
    ctx.fail(key_for_threshold_error(e.what()), e.what());
  }
}

// Every element must be a whole number of bus words' fraction: bus_bits a multiple of it.
void check_bus_holds_whole_elements(const EngineConfig& cfg, const Context& ctx) {
  std::vector<std::pair<std::string, ElementLayout>> elements = {
      {"types.weight", weight_layout(cfg)},
      {"types.activation", input_layout(cfg)},
      {cfg.bn ? "bn.output" : "types.output", output_layout(cfg)}};
  if (cfg.bn) {
    elements.push_back({"bn.scale", bn_scale_layout(cfg)});
    elements.push_back({"bn.bias", bn_bias_layout(cfg)});
  }
  if (cfg.threshold) {
    elements.push_back({"threshold (directions)", bn_scale_layout(cfg)});
    elements.push_back({"threshold (thresholds: types.accumulator + 1 bit)", bn_bias_layout(cfg)});
  }
  if (cfg.requant) {
    elements.back().first = "requant.output";
    elements.push_back({"requant.m0_bits", bn_scale_layout(cfg)});
    elements.push_back({"requant.bias_width", bn_bias_layout(cfg)});
  }
  for (const auto& [key, l] : elements) {
    if (cfg.bus_bits % (8 * l.bytes) != 0) {
      ctx.fail("engine.bus_bits", std::to_string(cfg.bus_bits) + " is not a multiple of the " +
                                      std::to_string(8 * l.bytes) + "-bit elements of " + key +
                                      "; expected a multiple of " + std::to_string(8 * l.bytes));
    }
  }
}

// Each buffer must fit its address window of the memory map.
void check_buffers_fit_windows(const EngineConfig& cfg, const Context& ctx) {
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

// Ranges and impossible combinations. The order is part of the contract: the first failing
// check is the error reported (tests assert which one comes first), and each step may rely on
// the ones before it (e.g. the layouts of the bus check need valid types and unit parameters).
void check_config(const EngineConfig& cfg, const Context& ctx, const ParsedExtras& extras) {
  check_engine_and_layer_ranges(cfg, ctx);
  check_weight_matches_kind(cfg, ctx);
  check_requant_datapath(cfg, ctx, extras);
  check_accumulator(cfg, ctx, extras);
  check_pe_params(cfg, ctx);
  check_bn(cfg, ctx, extras);
  check_requant_unit(cfg, ctx);
  check_threshold(cfg, ctx, extras);
  check_bus_holds_whole_elements(cfg, ctx);
  check_buffers_fit_windows(cfg, ctx);
}

}  // namespace

EngineConfig parse_point(std::string_view text, const std::string& source_name) {
  Context ctx(source_name);
  const toml::table root = util::parse_toml(text, ctx.errors);
  ctx.index(root);
  ParsedExtras extras;
  EngineConfig cfg = read_point(root, ctx, &extras);
  check_config(cfg, ctx, extras);
  return cfg;
}

EngineConfig load_point_file(const std::string& path) {
  const Context ctx(path);
  return parse_point(util::read_toml_file(path, "the design point file", ctx.errors), path);
}

void validate(const EngineConfig& cfg, const std::string& source_name) {
  const Context ctx(source_name);
  ParsedExtras extras;
  extras.accumulator_given = true;
  extras.clip_given = cfg.bn && cfg.bn->activation == units::Activation::RELU_CLIP;
  check_config(cfg, ctx, extras);
}

}  // namespace fxsim::engine
