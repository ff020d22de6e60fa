// The sweep file (docs/sweeps.md): toml++ for the syntax, then every table and key checked here,
// with one error format `FILE:LINE:COLUMN: key: what was expected`.
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "explore/layer_workload.hpp"
#include "explore/sweep_spec.hpp"
#include "fx/type_parser.hpp"
#include "testbenches/env/model_layer_point.hpp"
#include "util/sha256.hpp"

namespace fxsim::explore {

const char* to_string(UnitKind k) {
  switch (k) {
    case UnitKind::FX_MAC:
      return "fx_mac";
    case UnitKind::FX_MAC_LUT:
      return "fx_mac_lut";
    case UnitKind::KHOT:
      return "khot";
    case UnitKind::SPT:
      break;
  }
  return "spt";
}

const char* to_string(BnScaleKind k) {
  switch (k) {
    case BnScaleKind::NONE:
      return "none";
    case BnScaleKind::FIXED:
      return "fixed";
    case BnScaleKind::KHOT:
      break;
  }
  return "khot";
}

std::string SweepSpec::where(const Location& l) const {
  if (l.line <= 0) return path + ": ";
  return path + ":" + std::to_string(l.line) + ":" + std::to_string(l.column) + ": ";
}

const std::vector<std::string>& constraint_metrics() {
  static const std::vector<std::string> metrics = {
      "lut", "ff", "carry", "dsp", "lut_equivalent", "cycles", "latency_ns", "pe", "simd"};
  return metrics;
}

namespace {

Location location_of(const toml::source_region& r) {
  return {std::max<int>(1, r.begin.line), std::max<int>(1, r.begin.column)};
}

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (const std::string& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

std::string toml_type_name(const toml::node& n) {
  if (n.is_string()) return "string";
  if (n.is_integer()) return "integer";
  if (n.is_floating_point()) return "float";
  if (n.is_boolean()) return "boolean";
  if (n.is_array()) return "array";
  if (n.is_table()) return "table";
  return "date/time";
}

template <typename E>
E pick(const std::string& value, const std::vector<std::pair<std::string, E>>& names,
       const std::function<void(const std::string&)>& fail) {
  std::vector<std::string> all;
  for (const auto& [n, e] : names) {
    if (n == value) return e;
    all.push_back(n);
  }
  fail("\"" + value + "\" is not one of " + join(all));
  return names.front().second;  // not reached: fail throws
}

const std::vector<std::pair<std::string, UnitKind>> kKinds = {{"fx_mac", UnitKind::FX_MAC},
                                                              {"fx_mac_lut", UnitKind::FX_MAC_LUT},
                                                              {"khot", UnitKind::KHOT},
                                                              {"spt", UnitKind::SPT}};
const std::vector<std::pair<std::string, BnScaleKind>> kBnKinds = {
    {"none", BnScaleKind::NONE}, {"fixed", BnScaleKind::FIXED}, {"khot", BnScaleKind::KHOT}};
const std::vector<std::pair<std::string, engine::Distribution>> kDistributions = {
    {"uniform", engine::Distribution::UNIFORM}, {"normal", engine::Distribution::NORMAL}};
const std::vector<std::pair<std::string, units::Activation>>& kActivations =
    units::activation_names();
const std::vector<std::pair<std::string, resources::Family>> kFamilies = {
    {"xc7", resources::Family::xc7}, {"xcup", resources::Family::xcup}};

// One TOML table of the sweep file: unknown keys are rejected when it is opened, the getters
// check types and remember nothing but what they return.
class Table {
 public:
  Table(const SweepSpec& spec, const toml::table* t, std::string name, Location where,
        const std::vector<std::string>& allowed)
      : spec_(spec), t_(t), name_(std::move(name)), where_(where) {
    if (!t_) return;
    const toml::key* bad = nullptr;
    for (const auto& [k, v] : *t_) {
      (void)v;
      if (std::find(allowed.begin(), allowed.end(), std::string(k.str())) != allowed.end()) {
        continue;
      }
      if (!bad || k.source().begin < bad->source().begin) bad = &k;
    }
    if (bad) {
      fail_at(location_of(bad->source()), full(std::string(bad->str())),
              "unknown key; expected one of " + join(allowed));
    }
  }

  bool present() const { return t_ != nullptr; }
  Location where() const { return where_; }
  std::string full(const std::string& key) const { return name_.empty() ? key : name_ + "." + key; }

  [[noreturn]] void fail_at(Location l, const std::string& key, const std::string& what) const {
    throw SweepFileError(spec_.where(l) + key + ": " + what);
  }
  [[noreturn]] void fail(const toml::node& n, const std::string& key,
                         const std::string& what) const {
    fail_at(location_of(n.source()), full(key), what);
  }

  const toml::node* find(const std::string& key) const { return t_ ? t_->get(key) : nullptr; }

  std::optional<std::int64_t> integer(const std::string& key, std::int64_t lo, std::int64_t hi) {
    const toml::node* n = find(key);
    if (!n) return std::nullopt;
    return checked_integer(*n, key, lo, hi);
  }
  std::int64_t checked_integer(const toml::node& n, const std::string& key, std::int64_t lo,
                               std::int64_t hi) const {
    const std::string expected = "an integer in " + std::to_string(lo) + ".." + std::to_string(hi);
    if (!n.is_integer()) fail(n, key, "expected " + expected + ", found a " + toml_type_name(n));
    const std::int64_t v = n.as_integer()->get();
    if (v < lo || v > hi) fail(n, key, "expected " + expected + ", got " + std::to_string(v));
    return v;
  }
  std::optional<double> number(const std::string& key) {
    const toml::node* n = find(key);
    if (!n) return std::nullopt;
    return checked_number(*n, key);
  }
  double checked_number(const toml::node& n, const std::string& key) const {
    if (n.is_integer()) return static_cast<double>(n.as_integer()->get());
    if (!n.is_floating_point()) fail(n, key, "expected a number, found a " + toml_type_name(n));
    return n.as_floating_point()->get();
  }
  std::optional<std::string> string(const std::string& key) {
    const toml::node* n = find(key);
    if (!n) return std::nullopt;
    return checked_string(*n, key);
  }
  std::string checked_string(const toml::node& n, const std::string& key) const {
    if (!n.is_string()) fail(n, key, "expected a string, found a " + toml_type_name(n));
    return n.as_string()->get();
  }
  std::optional<bool> boolean(const std::string& key) {
    const toml::node* n = find(key);
    if (!n) return std::nullopt;
    if (!n->is_boolean()) fail(*n, key, "expected true or false, found a " + toml_type_name(*n));
    return n->as_boolean()->get();
  }
  // [lo, hi] with lo < hi.
  std::optional<std::pair<double, double>> range(const std::string& key) {
    const toml::node* n = find(key);
    if (!n) return std::nullopt;
    const toml::array* a = n->as_array();
    if (!a || a->size() != 2) fail(*n, key, "expected [low, high]");
    const double lo = checked_number(*a->get(0), key);
    const double hi = checked_number(*a->get(1), key);
    if (!(lo < hi)) fail(*n, key, "expected [low, high] with low < high");
    return std::make_pair(lo, hi);
  }

  fx::FxType fx_type(const toml::node& n, const std::string& key) const {
    const std::string s = checked_string(n, key);
    try {
      return fx::parse_fx_type(s);
    } catch (const std::exception& e) {
      fail(n, key, "\"" + s + "\" is not a fixed-point type: " + e.what());
    }
  }

  // An axis: a value or an array of values, each converted by `convert` (which throws through
  // fail()). Absent: `defaults` at the table's location.
  template <typename T, typename Convert>
  Axis<T> axis(const std::string& key, std::vector<T> defaults, Convert convert) {
    Axis<T> ax;
    const toml::node* n = find(key);
    if (!n) {
      ax.values = std::move(defaults);
      ax.key = where_;
      ax.where.assign(ax.values.size(), where_);
      return ax;
    }
    ax.key = location_of(n->source());
    auto add = [&](const toml::node& v) {
      T value = convert(v);
      if (std::find(ax.values.begin(), ax.values.end(), value) != ax.values.end()) {
        fail(v, key, "value listed twice");
      }
      ax.values.push_back(std::move(value));
      ax.where.push_back(location_of(v.source()));
    };
    if (const toml::array* a = n->as_array()) {
      if (a->empty()) fail(*n, key, "expected at least one value");
      for (const toml::node& v : *a) add(v);
    } else {
      add(*n);
    }
    return ax;
  }

 private:
  const SweepSpec& spec_;
  const toml::table* t_;
  std::string name_;
  Location where_;
};

// The sub-table `key` of the root (null when absent), rejecting a non-table.
const toml::table* sub_table(const SweepSpec& spec, const toml::table& root, const char* key,
                             Location* where) {
  const toml::node* n = root.get(key);
  if (!n) return nullptr;
  *where = location_of(n->source());
  if (!n->is_table()) {
    throw SweepFileError(spec.where(*where) + key + ": expected a table [" + key + "], found a " +
                         toml_type_name(*n));
  }
  return n->as_table();
}

void read_sweep_table(SweepSpec* spec, const toml::table& root) {
  Location at;
  const toml::table* t = sub_table(*spec, root, "sweep", &at);
  Table s(*spec, t, "sweep", at,
          {"name", "seed", "sampling", "samples", "rtl_check", "yosys", "yosys_cache"});
  if (!t) throw SweepFileError(spec->where({}) + "sweep: missing; expected a [sweep] table");
  const toml::node* name = s.find("name");
  if (!name) s.fail_at(at, "sweep.name", "missing; expected a string");
  spec->name = s.checked_string(*name, "name");
  if (spec->name.empty()) s.fail(*name, "name", "expected a non-empty string");
  if (auto seed = s.integer("seed", 0, INT64_MAX)) spec->seed = static_cast<std::uint64_t>(*seed);
  if (auto sampling = s.string("sampling")) {
    if (*sampling == "grid") {
      spec->sampling = Sampling::GRID;
    } else if (*sampling == "random") {
      spec->sampling = Sampling::RANDOM;
    } else {
      s.fail(*s.find("sampling"), "sampling", "\"" + *sampling + "\" is not one of grid, random");
    }
  }
  const auto samples = s.integer("samples", 1, 100000000);
  if (spec->sampling == Sampling::RANDOM) {
    if (!samples) s.fail_at(at, "sweep.samples", "missing; random sampling needs samples = N");
    spec->samples = *samples;
  } else if (samples) {
    s.fail(*s.find("samples"), "samples", "only for sampling = \"random\"");
  }
  if (const toml::node* rc = s.find("rtl_check")) {
    if (rc->is_integer()) {
      spec->rtl_samples = s.checked_integer(*rc, "rtl_check", 0, 100000000);
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

// A path of the sweep file: relative to the sweep file's directory.
std::string resolve(const SweepSpec& spec, const std::string& p) {
  const std::filesystem::path path(p);
  if (path.is_absolute()) return p;
  return (std::filesystem::path(spec.path).parent_path() / path).lexically_normal().string();
}

std::string layer_names(const std::vector<golden::DenseLayer>& layers) {
  std::vector<std::string> names;
  for (const golden::DenseLayer& l : layers) names.push_back(l.name);
  return join(names);
}

// kind = "layer": the model file, the layer, the golden test images; everything the float
// layer needs is loaded here so that a bad model, layer or image file stops the sweep before
// any point runs (workers parse the same file and get the same source). kind = "model"
// (whole_model): the same without `layer` (the source's layer is the first one).
void read_layer_workload(SweepSpec* spec, Table& w, Location at, bool whole_model) {
  Workload& wl = spec->workload;
  wl.kind = whole_model ? WorkloadKind::MODEL : WorkloadKind::LAYER;
  const std::vector<std::pair<const char*, const char*>> random_only = {
      {"in_features", "it is the model layer's"},
      {"out_features", "it is the model layer's"},
      {"batch", "the batch of a layer workload is `images`"},
      {"distribution", "a layer workload's weights and inputs are the model's"},
      {"weight_range", "a layer workload's weights are the model's"},
      {"input_range", "a layer workload's inputs are the model's activations"}};
  for (const auto& [key, why] : random_only) {
    if (const toml::node* n = w.find(key)) {
      w.fail(*n, key, std::string("only for kind = \"random\"; ") + why);
    }
  }

  const toml::node* model = w.find("model");
  if (!model) {
    w.fail_at(at, "workload.model",
              "missing; expected the path of a model file (fxsim train writes "
              "OUT/model_<variant>.fxm)");
  }
  wl.model = w.checked_string(*model, "model");
  auto src = std::make_shared<LayerSource>();
  src->model_path = resolve(*spec, wl.model);
  try {
    src->file = golden::read_model_file(src->model_path);
  } catch (const std::exception& e) {
    w.fail(*model, "model", e.what());
  }
  const std::vector<golden::DenseLayer>& layers = src->file.model.layers;
  if (!src->file.golden || src->file.golden->count == 0) {
    w.fail(*model, "model",
           src->model_path +
               ": holds no golden test results (images and labels); expected a model file "
               "written by fxsim train");
  }
  const golden::GoldenResults& g = *src->file.golden;

  const toml::node* layer = w.find("layer");
  const int n_layers = static_cast<int>(layers.size());
  if (whole_model && layer) {
    w.fail(*layer, "layer",
           "only for kind = \"layer\"; a model workload runs every layer of the model");
  }
  const std::string expected_layer = "expected a layer index 0.." + std::to_string(n_layers - 1) +
                                     " or a layer name (" + layer_names(layers) + ")";
  if (!layer && !whole_model) w.fail_at(at, "workload.layer", "missing; " + expected_layer);
  if (whole_model) {
    src->layer = 0;
  } else if (layer->is_integer()) {
    const std::int64_t v = layer->as_integer()->get();
    if (v < 0 || v >= n_layers) {
      w.fail(*layer, "layer",
             expected_layer + ", got " + std::to_string(v) + " (" + src->model_path + " has " +
                 std::to_string(n_layers) + " layers)");
    }
    src->layer = static_cast<int>(v);
  } else if (layer->is_string()) {
    const std::string name = layer->as_string()->get();
    const auto it = std::find_if(layers.begin(), layers.end(),
                                 [&](const golden::DenseLayer& l) { return l.name == name; });
    if (it == layers.end()) {
      w.fail(*layer, "layer", expected_layer + ", got \"" + name + "\"");
    }
    src->layer = static_cast<int>(it - layers.begin());
  } else {
    w.fail(*layer, "layer", expected_layer + ", found a " + toml_type_name(*layer));
  }

  // Default: 100 images, or all of them when the model holds fewer.
  src->images = std::min(100, g.count);
  if (const toml::node* n = w.find("images")) {
    const std::int64_t v = w.checked_integer(*n, "images", 0, 1 << 20);
    if (v > g.count) {
      w.fail(*n, "images",
             "expected at most " + std::to_string(g.count) + " (the golden test images " +
                 src->model_path + " holds; 0 = all), got " + std::to_string(v));
    }
    src->images = v == 0 ? g.count : static_cast<int>(v);
  }

  const toml::node* data = w.find("data");
  if (data) wl.data_dir = w.checked_string(*data, "data");
  src->images_path = golden::golden_images_path(g, resolve(*spec, wl.data_dir));
  try {
    src->pixels =
        golden::read_golden_pixels(src->images_path, src->images, layers.front().in_features);
  } catch (const std::exception& e) {
    const std::string what = std::string("the model's golden test images: ") + e.what() +
                             "; expected workload.data = the directory holding " + g.images +
                             " (Fashion-MNIST: scripts/install-deps installs it in "
                             "/usr/share/datasets/fashion-mnist)";
    if (data) w.fail(*data, "data", what);
    w.fail_at(at, "workload.data", what);
  }

  const golden::DenseLayer& l = src->dense();
  wl.layer = src->layer;
  wl.images = src->images;
  wl.in_features = l.in_features;
  wl.out_features = whole_model ? layers.back().out_features : l.out_features;
  wl.batch = src->images;
  wl.source = src;

  // Results of another model file (or other images) are results of another sweep: the hash
  // covers what the float layer is made of, not only the sweep file's text.
  std::ifstream in(src->model_path, std::ios::binary);
  std::ostringstream model_bytes;
  model_bytes << in.rdbuf();
  util::Sha256 h;
  h.update(spec->text);
  h.update(model_bytes.str());
  h.update(std::string_view(reinterpret_cast<const char*>(src->pixels.data()), src->pixels.size()));
  spec->sha256 = h.hex_digest();
}

void read_workload(SweepSpec* spec, const toml::table& root) {
  Location at;
  const toml::table* t = sub_table(*spec, root, "workload", &at);
  Table w(*spec, t, "workload", at,
          {"kind", "in_features", "out_features", "batch", "distribution", "weight_range",
           "input_range", "model", "layer", "images", "data"});
  if (!t) throw SweepFileError(spec->where({}) + "workload: missing; expected a [workload] table");
  Workload& wl = spec->workload;
  const std::string kind = w.string("kind").value_or("random");
  if (kind == "layer" || kind == "model") {
    read_layer_workload(spec, w, at, kind == "model");
    return;
  }
  if (kind != "random") {
    w.fail(*w.find("kind"), "kind", "\"" + kind + "\" is not one of random, layer, model");
  }
  if (auto v = w.integer("in_features", 1, 1 << 20)) wl.in_features = static_cast<int>(*v);
  if (auto v = w.integer("out_features", 1, 1 << 20)) wl.out_features = static_cast<int>(*v);
  if (auto v = w.integer("batch", 1, 1 << 20)) wl.batch = static_cast<int>(*v);
  if (auto d = w.string("distribution")) {
    wl.distribution = pick(*d, kDistributions, [&](const std::string& m) {
      w.fail(*w.find("distribution"), "distribution", m);
    });
  }
  if (auto r = w.range("weight_range")) std::tie(wl.weight_min, wl.weight_max) = *r;
  if (auto r = w.range("input_range")) std::tie(wl.input_min, wl.input_max) = *r;
  for (const char* k : {"model", "layer", "images", "data"}) {
    if (const toml::node* n = w.find(k)) {
      w.fail(*n, k,
             std::string("only for kind = \"layer\"") +
                 (std::string(k) == "layer" ? "" : " or \"model\""));
    }
  }
}

void read_bn(SweepSpec* spec, const toml::table& root) {
  Location at;
  const toml::table* t = sub_table(*spec, root, "bn", &at);
  Table b(*spec, t, "bn", at,
          {"scale", "khot_scale", "bias", "output", "activation", "clip", "stages", "scale_range",
           "bias_range"});
  BnSpec& bn = spec->bn;
  if (const LayerSource* src = spec->workload.source.get()) {
    // A layer workload's BN parameters are the trained ones, not drawn from ranges.
    for (const char* key : {"scale_range", "bias_range"}) {
      if (const toml::node* n = b.find(key)) {
        b.fail(*n, key,
               "only for kind = \"random\"; a layer workload's BN parameters are the model's");
      }
    }
    if (spec->workload.kind == WorkloadKind::MODEL) {
      // Every layer keeps its own bn_act; [bn] only says which scale a layer gets when a point
      // asks for the other scale kind than its own, and the pipeline depth.
      for (const char* key : {"bias", "output", "activation", "clip"}) {
        if (const toml::node* n = b.find(key)) {
          b.fail(*n, key,
                 "a model workload keeps each layer's own bn_act; expected only scale, "
                 "khot_scale and stages");
        }
      }
    }
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
  if (const toml::node* n = b.find("scale")) bn.scale = b.fx_type(*n, "scale");
  if (const toml::node* n = b.find("khot_scale")) {
    const std::string s = b.checked_string(*n, "khot_scale");
    try {
      bn.khot_scale = fx::parse_khot_type(s);
    } catch (const std::exception& e) {
      b.fail(*n, "khot_scale", "\"" + s + "\" is not a khot<W,I,K> type: " + e.what());
    }
  }
  if (const toml::node* n = b.find("bias")) bn.bias = b.fx_type(*n, "bias");
  if (const toml::node* n = b.find("output")) bn.output = b.fx_type(*n, "output");
  if (auto a = b.string("activation")) {
    bn.activation = pick(*a, kActivations, [&](const std::string& m) {
      b.fail(*b.find("activation"), "activation", m);
    });
  }
  if (auto c = b.number("clip")) bn.clip = *c;
  if (auto s = b.integer("stages", 1, 8)) bn.stages = static_cast<int>(*s);
  if (auto r = b.range("scale_range")) std::tie(bn.scale_min, bn.scale_max) = *r;
  if (auto r = b.range("bias_range")) std::tie(bn.bias_min, bn.bias_max) = *r;
}

void read_axes(SweepSpec* spec, const toml::table& root) {
  Location at;
  const toml::table* t = sub_table(*spec, root, "axes", &at);
  spec->axes_table = at;
  Table a(*spec, t, "axes", at,
          {"kind", "activation", "weight", "accumulator", "output", "k", "rounding", "overflow",
           "pe", "simd", "mac_stages", "bn", "clock_ns", "family"});
  Axes& ax = spec->axes;
  auto name_axis = [&a](const char* key, const auto& names) {
    return [&a, key, &names](const toml::node& n) {
      const std::string s = a.checked_string(n, key);
      return pick(s, names, [&](const std::string& m) { a.fail(n, key, m); });
    };
  };
  auto int_axis = [&a](const char* key, int lo, int hi) {
    return [&a, key, lo, hi](const toml::node& n) {
      return static_cast<int>(a.checked_integer(n, key, lo, hi));
    };
  };
  auto type_axis = [&a](const char* key) {
    return [&a, key](const toml::node& n) { return a.fx_type(n, key); };
  };
  // Absent axes take the engine's defaults; for a layer workload the model layer's own formats,
  // SIMD and bn_act kind (the accumulator stays "default": exact, as the model's, so both give
  // the same sums whatever the other axes are).
  engine::EngineConfig d;
  BnScaleKind bn_default = BnScaleKind::NONE;
  if (const LayerSource* src = spec->workload.source.get()) {
    const golden::DenseLayer& l = src->dense();
    d.activation = l.input_type;
    d.weight = l.weight_type;
    d.output = l.out_type;
    d.simd = l.simd;
    if (l.bn) bn_default = l.bn->khot_scale() ? BnScaleKind::KHOT : BnScaleKind::FIXED;
  }
  ax.kind = a.axis<UnitKind>("kind", {UnitKind::FX_MAC}, name_axis("kind", kKinds));
  ax.activation = a.axis<fx::FxType>("activation", {d.activation}, type_axis("activation"));
  ax.weight = a.axis<fx::FxType>("weight", {d.fx_weight()}, type_axis("weight"));
  ax.accumulator = a.axis<std::optional<fx::FxType>>(
      "accumulator", {std::nullopt}, [&a](const toml::node& n) -> std::optional<fx::FxType> {
        if (n.is_string() && n.as_string()->get() == "default") return std::nullopt;
        return a.fx_type(n, "accumulator");
      });
  ax.output = a.axis<fx::FxType>("output", {d.output}, type_axis("output"));
  ax.k = a.axis<int>("k", {1}, int_axis("k", 1, 63));
  ax.rounding = a.axis<fx::Rounding>("rounding", {}, [&a](const toml::node& n) {
    const std::string s = a.checked_string(n, "rounding");
    try {
      return fx::parse_rounding(s);
    } catch (const std::exception&) {
      a.fail(n, "rounding", "\"" + s + "\" is not a rounding mode (TRN, RND, RND_CONV, ...)");
    }
  });
  ax.overflow = a.axis<fx::Overflow>("overflow", {}, [&a](const toml::node& n) {
    const std::string s = a.checked_string(n, "overflow");
    try {
      return fx::parse_overflow(s);
    } catch (const std::exception&) {
      a.fail(n, "overflow", "\"" + s + "\" is not an overflow mode (SAT, WRAP, SAT_SYM, ...)");
    }
  });
  ax.pe = a.axis<int>("pe", {d.pe}, int_axis("pe", 1, 1024));
  ax.simd = a.axis<int>("simd", {d.simd}, int_axis("simd", 1, 64));
  ax.mac_stages = a.axis<int>("mac_stages", {d.mac_stages}, int_axis("mac_stages", 1, 8));
  ax.bn = a.axis<BnScaleKind>("bn", {bn_default}, name_axis("bn", kBnKinds));
  if (spec->workload.kind == WorkloadKind::MODEL) {
    // Formats between layers are the model's (each layer's input is the previous one's output);
    // the hardware axes and the weight format apply to every layer.
    for (const char* key :
         {"activation", "accumulator", "output", "rounding", "overflow", "simd"}) {
      if (const toml::node* n = a.find(key)) {
        a.fail(*n, key,
               "a model workload keeps each layer's own formats and SIMD; expected only kind, "
               "weight, k, pe, mac_stages, bn, clock_ns and family (or kind = \"layer\" to "
               "explore one layer)");
      }
    }
    ax.model_weights = a.find("weight") == nullptr;
    ax.model_bn = a.find("bn") == nullptr;
  }
  if (const LayerSource* src = spec->workload.source.get();
      src && spec->workload.kind == WorkloadKind::LAYER && !src->dense().bn) {
    // The float layer has no BN parameters to quantize, and a bn_act the model does not have
    // would measure another network.
    for (std::size_t i = 0; i < ax.bn.values.size(); ++i) {
      if (ax.bn.values[i] != BnScaleKind::NONE) {
        a.fail_at(ax.bn.where[i], "axes.bn",
                  "layer " + src->dense().name + " of " + src->model_path +
                      " has no batch norm; expected \"none\"");
      }
    }
  }
  ax.clock_ns = a.axis<double>("clock_ns", {d.clock_ns}, [&a](const toml::node& n) {
    const double v = a.checked_number(n, "clock_ns");
    if (!(v > 0)) a.fail(n, "clock_ns", "expected a clock period > 0 ns");
    return v;
  });
  ax.family =
      a.axis<resources::Family>("family", {resources::Family::xc7}, name_axis("family", kFamilies));
}

void read_constraints(SweepSpec* spec, const toml::table& root) {
  Location at;
  const toml::table* t = sub_table(*spec, root, "constraints", &at);
  Table table(*spec, t, "constraints", at, {"require"});
  const toml::node* n = table.find("require");
  if (!n) return;
  const toml::array* a = n->as_array();
  if (!a) {
    table.fail(*n, "require", "expected an array of strings such as [\"lut_equivalent <= 20000\"]");
  }
  for (const toml::node& c : *a) {
    const Location l = location_of(c.source());
    if (!c.is_string()) {
      throw SweepFileError(spec->where(l) + "constraints.require: expected a string, found a " +
                           toml_type_name(c));
    }
    Constraint con;
    con.text = c.as_string()->get();
    con.where = l;
    std::istringstream in(con.text);
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
    if (!metric_ok || !op_ok || !value_ok || (in >> rest)) {
      throw SweepFileError(spec->where(l) + "constraints.require: \"" + con.text +
                           "\" is not METRIC OP NUMBER with METRIC one of " + join(metrics) +
                           " and OP one of <=, <, >=, >, ==, !=");
    }
    spec->constraints.push_back(con);
  }
}

void read_traces(SweepSpec* spec, const toml::table& root) {
  Location at;
  const toml::table* t = sub_table(*spec, root, "traces", &at);
  Table tr(*spec, t, "traces", at, {"points", "csv", "vcd"});
  if (const toml::node* n = tr.find("points")) {
    if (spec->workload.kind == WorkloadKind::MODEL) {
      tr.fail(*n, "points",
              "traces are per layer engine: trace a layer of the model with kind = \"layer\"");
    }
    const toml::array* a = n->as_array();
    if (!a) tr.fail(*n, "points", "expected an array of point ids");
    for (const toml::node& p : *a) {
      spec->traces.points.push_back(tr.checked_integer(p, "points", 0, INT64_MAX));
    }
  }
  if (auto c = tr.boolean("csv")) spec->traces.csv = *c;
  if (auto v = tr.boolean("vcd")) spec->traces.vcd = *v;
}

}  // namespace

SweepSpec parse_sweep(const std::string& text, const std::string& path) {
  SweepSpec spec;
  spec.path = path;
  spec.text = text;
  spec.sha256 = util::sha256_hex(text);
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw SweepFileError(spec.where(location_of(e.source())) +
                         "toml: " + std::string(e.description()));
  }
  const std::vector<std::string> tables = {"sweep", "workload",    "axes",
                                           "bn",    "constraints", "traces"};
  const toml::key* unknown = nullptr;  // the first unknown key in file order
  for (const auto& [k, v] : root) {
    (void)v;
    if (std::find(tables.begin(), tables.end(), std::string(k.str())) == tables.end() &&
        (!unknown || k.source().begin < unknown->source().begin)) {
      unknown = &k;
    }
  }
  if (unknown) {
    throw SweepFileError(spec.where(location_of(unknown->source())) + std::string(unknown->str()) +
                         ": unknown key; expected one of " + join(tables));
  }
  read_sweep_table(&spec, root);
  read_workload(&spec, root);
  read_bn(&spec, root);
  read_axes(&spec, root);
  read_constraints(&spec, root);
  read_traces(&spec, root);
  return spec;
}

SweepSpec load_sweep_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SweepFileError(path + ": cannot open the sweep file");
  std::ostringstream s;
  s << in.rdbuf();
  return parse_sweep(s.str(), path);
}

}  // namespace fxsim::explore
