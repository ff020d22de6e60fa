// The sweep file (docs/sweeps.md): the one TOML table reader (util/toml_table.hpp) for the
// syntax and the error format `FILE:LINE:COLUMN: key: what was expected`, then every table and
// key checked here ([sweep], [bn], [constraints], [traces]), in sweep_workload_file.cpp
// ([workload]) and in sweep_axes_file.cpp ([axes]).
#include <algorithm>
#include <sstream>

#include "explore/layer_workload.hpp"
#include "explore/sweep_file_reader.hpp"
#include "explore/sweep_spec.hpp"
#include "testbenches/env/model_layer_point.hpp"
#include "util/sha256.hpp"

namespace fxsim::explore {

const std::vector<std::pair<std::string, UnitKind>>& unit_kind_names() {
  static const std::vector<std::pair<std::string, UnitKind>> names = {
      {"fx_mac", UnitKind::FX_MAC},   {"fx_mac_lut", UnitKind::FX_MAC_LUT},
      {"khot", UnitKind::KHOT},       {"spt", UnitKind::SPT},
      {"int", UnitKind::INT},         {"binary", UnitKind::BINARY},
      {"ternary", UnitKind::TERNARY}, {"xnor", UnitKind::XNOR}};
  return names;
}

const std::vector<std::pair<std::string, ActivationUnit>>& activation_unit_names() {
  static const std::vector<std::pair<std::string, ActivationUnit>> names = {
      {"bn_act", ActivationUnit::BN_ACT}, {"threshold", ActivationUnit::THRESHOLD}};
  return names;
}

const std::vector<std::pair<std::string, AffineWeights>>& affine_weights_names() {
  static const std::vector<std::pair<std::string, AffineWeights>> names = {
      {"per_tensor", AffineWeights::PER_TENSOR}, {"per_channel", AffineWeights::PER_CHANNEL}};
  return names;
}

const std::vector<std::pair<std::string, RequantMethod>>& requant_method_names() {
  static const std::vector<std::pair<std::string, RequantMethod>> names = {
      {"integer", RequantMethod::INTEGER}, {"float", RequantMethod::FLOAT}};
  return names;
}

const std::vector<std::pair<std::string, BnScaleKind>>& bn_scale_kind_names() {
  static const std::vector<std::pair<std::string, BnScaleKind>> names = {
      {"none", BnScaleKind::NONE}, {"fixed", BnScaleKind::FIXED}, {"khot", BnScaleKind::KHOT}};
  return names;
}

namespace {

template <typename E>
const char* name_of(const std::vector<std::pair<std::string, E>>& names, E e) {
  for (const auto& [name, value] : names) {
    if (value == e) return name.c_str();
  }
  return "?";
}

[[noreturn]] void raise(const std::string& message) { throw SweepFileError(message); }

}  // namespace

const char* to_string(UnitKind k) { return name_of(unit_kind_names(), k); }
const char* to_string(BnScaleKind k) { return name_of(bn_scale_kind_names(), k); }
const char* to_string(AffineWeights a) { return name_of(affine_weights_names(), a); }
const char* to_string(RequantMethod m) { return name_of(requant_method_names(), m); }
const char* to_string(ActivationUnit u) { return name_of(activation_unit_names(), u); }

std::string SweepSpec::where(const Location& l) const {
  return util::TomlErrors(path, /*columns=*/true, raise).where(sweep_file::toml_at(l));
}

const std::vector<std::string>& constraint_metrics() {
  static const std::vector<std::string> metrics = {
      "lut", "ff", "carry", "dsp", "lut_equivalent", "cycles", "latency_ns", "pe", "simd"};
  return metrics;
}

namespace sweep_file {

fx::FxType fx_type(const TomlTable& t, const toml::node& n, const std::string& key) {
  const std::string s = t.as_string(n, key);
  try {
    return fx::parse_fx_type(s);
  } catch (const std::exception& e) {
    t.fail(n, key, "\"" + s + "\" is not a fixed-point type: " + e.what());
  }
}

std::optional<std::pair<double, double>> range(const TomlTable& t, const std::string& key) {
  const toml::node* n = t.find(key);
  if (!n) return std::nullopt;
  const toml::array* a = n->as_array();
  if (!a || a->size() != 2) t.fail(*n, key, "expected [low, high]");
  const double lo = t.as_number(*a->get(0), key);
  const double hi = t.as_number(*a->get(1), key);
  if (!(lo < hi)) t.fail(*n, key, "expected [low, high] with low < high");
  return std::make_pair(lo, hi);
}

namespace {

void read_sweep_table(SweepSpec* spec, const TomlTable& root) {
  const TomlTable s = root.sub(
      "sweep", {"name", "seed", "sampling", "samples", "rtl_check", "yosys", "yosys_cache"});
  if (!s.present()) raise(spec->where({}) + "sweep: missing; expected a [sweep] table");
  const toml::node* name = s.find("name");
  if (!name) s.missing("name", "a string");
  spec->name = s.as_string(*name, "name");
  if (spec->name.empty()) s.fail(*name, "name", "expected a non-empty string");
  if (auto seed = s.integer_in("seed", 0, INT64_MAX))
    spec->seed = static_cast<std::uint64_t>(*seed);
  if (auto sampling =
          s.name<Sampling>("sampling", {{"grid", Sampling::GRID}, {"random", Sampling::RANDOM}})) {
    spec->sampling = *sampling;
  }
  const auto samples = s.integer_in("samples", 1, 100000000);
  if (spec->sampling == Sampling::RANDOM) {
    if (!samples)
      s.errors().fail(s.where(), "sweep.samples", "missing; random sampling needs samples = N");
    spec->samples = *samples;
  } else if (samples) {
    s.fail(*s.find("samples"), "samples", "only for sampling = \"random\"");
  }
  if (const toml::node* rc = s.find("rtl_check")) {
    if (rc->is_integer()) {
      spec->rtl_samples = s.as_integer_in(*rc, "rtl_check", 0, 100000000);
      spec->rtl_check = spec->rtl_samples ? RtlCheckMode::SAMPLE : RtlCheckMode::NONE;
    } else if (rc->is_string() && rc->as_string()->get() == "all") {
      spec->rtl_check = RtlCheckMode::ALL;
    } else if (rc->is_string() && rc->as_string()->get() == "none") {
      spec->rtl_check = RtlCheckMode::NONE;
    } else {
      s.fail(*rc, "rtl_check", "expected \"none\", \"all\" or a number of points");
    }
  }
  if (auto y = s.boolean("yosys")) spec->yosys = *y;
  if (auto c = s.string("yosys_cache")) spec->yosys_cache = *c;
}

// Keys a layer workload's [bn] does not take (its BN parameters are the model's), and keys a
// model workload's [bn] does not take (every layer keeps its own bn_act).
void check_bn_keys(const SweepSpec& spec, const TomlTable& b) {
  for (const char* key : {"scale_range", "bias_range"}) {
    if (const toml::node* n = b.find(key)) {
      b.fail(*n, key,
             "only for kind = \"random\"; a layer workload's BN parameters are the model's");
    }
  }
  if (spec.workload.kind != WorkloadKind::MODEL && spec.workload.kind != WorkloadKind::NETWORK) {
    return;
  }
  if (spec.workload.kind == WorkloadKind::NETWORK) {
    if (const toml::node* n = b.find("stages")) {
      b.fail(*n, "stages",
             "a network block keeps its own bn_act pipeline; expected only scale and khot_scale "
             "(the scales a bn axis gives the blocks of the other kind)");
    }
  }
  // [bn] only says which scale a layer gets when a point asks for the other scale kind than
  // its own, and (model workloads) the pipeline depth.
  const bool network = spec.workload.kind == WorkloadKind::NETWORK;
  for (const char* key : {"bias", "output", "activation", "clip"}) {
    if (const toml::node* n = b.find(key)) {
      b.fail(*n, key,
             std::string("a model or network workload keeps each layer's own bn_act; expected "
                         "only ") +
                 (network ? "scale and khot_scale" : "scale, khot_scale and stages"));
    }
  }
}

void read_bn(SweepSpec* spec, const TomlTable& root) {
  const TomlTable b = root.sub("bn", {"scale", "khot_scale", "bias", "output", "activation", "clip",
                                      "stages", "scale_range", "bias_range"});
  BnSpec& bn = spec->bn;
  if (spec->workload.kind == WorkloadKind::NETWORK) check_bn_keys(*spec, b);
  if (const LayerSource* src = spec->workload.source.get()) {
    check_bn_keys(*spec, b);
    // Every key the file does not set takes the model layer's own bn_act, so that the default
    // point is the trained layer as `fxsim verify` runs it.
    const std::optional<golden::BnActLayer>& own_bn = src->dense().bn;
    if (spec->workload.kind == WorkloadKind::LAYER && own_bn) {
      const engine::BnConfig c = env::engine_bn(*own_bn, bn.stages);
      if (c.khot_scale()) {
        bn.khot_scale = std::get<fx::KhotType>(c.scale);
      } else {
        bn.scale = std::get<fx::FxType>(c.scale);
      }
      bn.bias = c.bias;
      bn.output = c.output;
      bn.activation = c.activation;
      bn.clip = c.clip;
    }
  }
  if (const toml::node* n = b.find("scale")) bn.scale = fx_type(b, *n, "scale");
  if (const toml::node* n = b.find("khot_scale")) {
    const std::string s = b.as_string(*n, "khot_scale");
    try {
      bn.khot_scale = fx::parse_khot_type(s);
    } catch (const std::exception& e) {
      b.fail(*n, "khot_scale", "\"" + s + "\" is not a khot<W,I,K> type: " + e.what());
    }
  }
  if (const toml::node* n = b.find("bias")) bn.bias = fx_type(b, *n, "bias");
  if (const toml::node* n = b.find("output")) bn.output = fx_type(b, *n, "output");
  if (auto a = b.name("activation", units::activation_names())) bn.activation = *a;
  if (auto c = b.number("clip")) bn.clip = *c;
  if (auto s = b.integer_in("stages", 1, 8)) bn.stages = static_cast<int>(*s);
  if (auto r = range(b, "scale_range")) std::tie(bn.scale_min, bn.scale_max) = *r;
  if (auto r = range(b, "bias_range")) std::tie(bn.bias_min, bn.bias_max) = *r;
}

// [requant]: int_requant's knobs for int points (random and layer workloads only: model and
// network workloads take no int points yet).
void read_requant(SweepSpec* spec, const TomlTable& root) {
  const TomlTable r = root.sub("requant", {"m0_bits", "rounding", "stages"});
  if (!r.present()) return;
  if (spec->workload.kind == WorkloadKind::MODEL || spec->workload.kind == WorkloadKind::NETWORK) {
    r.errors().fail(r.where(), "requant",
                    "only for kind = \"random\" or \"layer\" workloads (the ones that take "
                    "kind = \"int\" points)");
  }
  RequantSpec& q = spec->requant;
  if (auto b = r.integer_in("m0_bits", 2, 31)) q.m0_bits = static_cast<int>(*b);
  if (auto m = r.name<fx::IntegerRounding>("rounding", {{"double", fx::IntegerRounding::DOUBLE},
                                                        {"single", fx::IntegerRounding::SINGLE}})) {
    q.rounding = *m;
  }
  if (auto st = r.integer_in("stages", 1, 8)) q.stages = static_cast<int>(*st);
}

// "METRIC OP NUMBER", or nullopt when the text is not one.
std::optional<Constraint> parse_constraint(const std::string& text) {
  Constraint con;
  con.text = text;
  std::istringstream in(text);
  std::string value, rest;
  in >> con.metric >> con.op >> value;
  const auto& metrics = constraint_metrics();
  const bool metric_ok = std::find(metrics.begin(), metrics.end(), con.metric) != metrics.end();
  const bool op_ok = con.op == "<=" || con.op == "<" || con.op == ">=" || con.op == ">" ||
                     con.op == "==" || con.op == "!=";
  std::size_t used = 0;
  bool value_ok = false;
  try {
    con.value = std::stod(value, &used);
    value_ok = used == value.size();
  } catch (const std::exception&) {
  }
  if (!metric_ok || !op_ok || !value_ok || (in >> rest)) return std::nullopt;
  return con;
}

void read_constraints(SweepSpec* spec, const TomlTable& root) {
  const TomlTable table = root.sub("constraints", {"require"});
  const toml::node* n = table.find("require");
  if (!n) return;
  const toml::array* a = n->as_array();
  if (!a) {
    table.fail(*n, "require", "expected an array of strings such as [\"lut_equivalent <= 20000\"]");
  }
  for (const toml::node& c : *a) {
    const std::string text = table.as_string(c, "require");
    std::optional<Constraint> con = parse_constraint(text);
    if (!con) {
      std::string metrics;
      for (const std::string& m : constraint_metrics())
        metrics += (metrics.empty() ? "" : ", ") + m;
      table.fail(c, "require",
                 "\"" + text + "\" is not METRIC OP NUMBER with METRIC one of " + metrics +
                     " and OP one of <=, <, >=, >, ==, !=");
    }
    con->where = location_of(c.source());
    spec->constraints.push_back(*con);
  }
}

void read_traces(SweepSpec* spec, const TomlTable& root) {
  const TomlTable tr = root.sub("traces", {"points", "csv", "vcd"});
  if (const toml::node* n = tr.find("points")) {
    if (spec->workload.kind == WorkloadKind::MODEL) {
      tr.fail(*n, "points",
              "traces are per layer engine: trace a layer of the model with kind = \"layer\"");
    }
    if (spec->workload.kind == WorkloadKind::NETWORK) {
      tr.fail(*n, "points",
              "a network point is traced by fxsim run --network NET.toml --vcd (its folding is "
              "in the results' folding column)");
    }
    const toml::array* a = n->as_array();
    if (!a) tr.fail(*n, "points", "expected an array of point ids");
    for (const toml::node& p : *a) {
      spec->traces.points.push_back(tr.as_integer_in(p, "points", 0, INT64_MAX));
      spec->traces.where.push_back(location_of(p.source()));
    }
  }
  if (auto c = tr.boolean("csv")) spec->traces.csv = *c;
  if (auto v = tr.boolean("vcd")) spec->traces.vcd = *v;
}

// kind = "network": the RTL check and yosys are `fxsim run --network`'s (--backend both,
// --yosys), not a sweep's yet.
void check_network_sweep(const SweepSpec& spec, const TomlTable& root) {
  if (spec.workload.kind != WorkloadKind::NETWORK) return;
  const TomlTable s = root.sub(
      "sweep", {"name", "seed", "sampling", "samples", "rtl_check", "yosys", "yosys_cache"});
  if (spec.rtl_check != RtlCheckMode::NONE) {
    s.fail("rtl_check",
           "a network sweep runs the model backend only; expected \"none\" (check a point on "
           "RTL with fxsim run --network NET.toml --backend both)");
  }
  if (spec.yosys) {
    s.fail("yosys",
           "a network sweep takes the analytical resources (network_cost); expected false "
           "(yosys figures of one network: fxsim run --network NET.toml --yosys)");
  }
}

}  // namespace
}  // namespace sweep_file

SweepSpec parse_sweep(const std::string& text, const std::string& path) {
  using namespace sweep_file;
  SweepSpec spec;
  spec.path = path;
  spec.text = text;
  spec.sha256 = util::sha256_hex(text);
  const util::TomlErrors errors(path, /*columns=*/true, raise);
  const toml::table doc = util::parse_toml(text, errors);
  const TomlTable root(errors, &doc, "", {},
                       {"sweep", "workload", "axes", "bn", "requant", "constraints", "traces"});
  read_sweep_table(&spec, root);
  read_workload(&spec, root);
  check_network_sweep(spec, root);
  read_bn(&spec, root);
  read_requant(&spec, root);
  read_axes(&spec, root);
  read_constraints(&spec, root);
  read_traces(&spec, root);
  return spec;
}

SweepSpec load_sweep_file(const std::string& path) {
  const util::TomlErrors errors(path, /*columns=*/true, raise);
  return parse_sweep(util::read_toml_file(path, "the sweep file", errors), path);
}

}  // namespace fxsim::explore
