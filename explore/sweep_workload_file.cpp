// The [workload] table of the sweep file (docs/sweeps.md, "Workloads"): a random layer, a trained
// layer of a golden model file, or the whole model. A model file, its layer and its golden test
// images are loaded here, so that a bad model, layer or image file stops the sweep before any
// point runs (workers parse the same file and get the same source).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include "explore/layer_workload.hpp"
#include "explore/network_workload.hpp"
#include "explore/sweep_file_reader.hpp"
#include "testbenches/env/network_from_model.hpp"
#include "util/sha256.hpp"

namespace fxsim::explore::sweep_file {
namespace {

// Why a version-3 model file cannot be a workload (its layers are affine integers, not the
// fixed-point / K-hot layers the workloads quantize into each point's formats).
constexpr const char* kAffineModelRefused =
    "an affine integer model (model file version 3): model, layer and network workloads read "
    "fixed-point and K-hot models; sweep an affine layer with kind = \"int\" points "
    "(docs/sweeps.md, \"Affine integer points\") and verify the model with `fxsim verify`";

// A path of the sweep file: relative to the sweep file's directory.
std::string resolve(const SweepSpec& spec, const std::string& p) {
  const std::filesystem::path path(p);
  if (path.is_absolute()) return p;
  return (std::filesystem::path(spec.path).parent_path() / path).lexically_normal().string();
}

// How an error names a path of the sweep file: as written, and when it is relative with the
// rule and the absolute path it resolved to, e.g. "'../m.fxm' (relative paths are resolved
// against the sweep file's directory /abs/dir, giving /abs/m.fxm)".
std::string path_in_message(const SweepSpec& spec, const std::string& written) {
  if (std::filesystem::path(written).is_absolute()) return "'" + written + "'";
  const std::filesystem::path dir =
      std::filesystem::absolute(spec.path).parent_path().lexically_normal();
  return "'" + written + "' (relative paths are resolved against the sweep file's directory " +
         dir.string() + ", giving " + (dir / written).lexically_normal().string() + ")";
}

// Why `path` cannot be opened for reading (strerror), or nullopt when it can.
std::optional<std::string> cannot_open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return std::string(std::strerror(errno));
  ::close(fd);
  if (std::filesystem::is_directory(path)) return std::string("is a directory");
  return std::nullopt;
}

// `workload.model`, read and checked: a model file with golden test results.
void read_model(const SweepSpec& spec, const TomlTable& w, LayerSource* src, Workload* wl) {
  const toml::node* model = w.find("model");
  if (!model) {
    w.errors().fail(w.where(), "workload.model",
                    "missing; expected the path of a model file (fxsim train writes "
                    "OUT/model_<variant>.fxm)");
  }
  wl->model = w.as_string(*model, "model");
  src->model_path = resolve(spec, wl->model);
  if (const std::optional<std::string> why = cannot_open(src->model_path)) {
    w.fail(*model, "model",
           path_in_message(spec, wl->model) + ": cannot open: " + *why +
               " (fxsim train writes OUT/model_<variant>.fxm)");
  }
  try {
    src->file = golden::read_model_file(src->model_path);
  } catch (const std::exception& e) {
    // The loader names the file as opened; name it as written, with the rule for relative paths.
    std::string what = e.what();
    const std::string prefix = src->model_path + ": ";
    if (what.rfind(prefix, 0) == 0) what.erase(0, prefix.size());
    w.fail(*model, "model", path_in_message(spec, wl->model) + ": " + what);
  }
  if (src->file.is_affine()) {
    w.fail(*model, "model", path_in_message(spec, wl->model) + ": " + kAffineModelRefused);
  }
  try {
    golden::require_dense(src->file.model, "fxsim sweep");
  } catch (const golden::ModelError& e) {
    w.fail(*model, "model", path_in_message(spec, wl->model) + ": " + e.what());
  }
  if (!src->file.golden || src->file.golden->count == 0) {
    w.fail(*model, "model",
           src->model_path +
               ": holds no golden test results (images and labels); expected a model file "
               "written by fxsim train");
  }
}

// `workload.layer`: an index or a name of the model's layers.
int read_layer(const TomlTable& w, const LayerSource& src) {
  const std::vector<golden::DenseLayer>& layers = src.file.model.layers;
  const int n_layers = static_cast<int>(layers.size());
  std::string names;
  for (const golden::DenseLayer& l : layers) names += (names.empty() ? "" : ", ") + l.name;
  const std::string expected = "expected a layer index 0.." + std::to_string(n_layers - 1) +
                               " or a layer name (" + names + ")";
  const toml::node* layer = w.find("layer");
  if (!layer) w.errors().fail(w.where(), "workload.layer", "missing; " + expected);
  if (layer->is_integer()) {
    const std::int64_t v = layer->as_integer()->get();
    if (v < 0 || v >= n_layers) {
      w.fail(*layer, "layer",
             expected + ", got " + std::to_string(v) + " (" + src.model_path + " has " +
                 std::to_string(n_layers) + " layers)");
    }
    return static_cast<int>(v);
  }
  if (layer->is_string()) {
    const std::string name = layer->as_string()->get();
    const auto it = std::find_if(layers.begin(), layers.end(),
                                 [&](const golden::DenseLayer& l) { return l.name == name; });
    if (it == layers.end()) w.fail(*layer, "layer", expected + ", got \"" + name + "\"");
    return static_cast<int>(it - layers.begin());
  }
  w.fail(*layer, "layer", expected + ", found a " + util::toml_type_name(*layer));
}

// `workload.images` and `workload.data`: the first N golden test images, read.
void read_images(const SweepSpec& spec, const TomlTable& w, LayerSource* src, Workload* wl) {
  const golden::GoldenResults& g = *src->file.golden;
  // Default: 100 images, or all of them when the model holds fewer.
  src->images = std::min(100, g.count);
  if (const toml::node* n = w.find("images")) {
    const std::int64_t v = w.as_integer_in(*n, "images", 0, 1 << 20);
    if (v > g.count) {
      w.fail(*n, "images",
             "expected at most " + std::to_string(g.count) + " (the golden test images " +
                 src->model_path + " holds; 0 = all), got " + std::to_string(v));
    }
    src->images = v == 0 ? g.count : static_cast<int>(v);
  }
  const toml::node* data = w.find("data");
  if (data) wl->data_dir = w.as_string(*data, "data");
  src->images_path = golden::golden_images_path(g, resolve(spec, wl->data_dir));
  try {
    src->pixels = golden::read_golden_pixels(src->images_path, src->images,
                                             src->file.model.layers.front().in_features);
  } catch (const std::exception& e) {
    const std::string what =
        std::string("the model's golden test images: ") + e.what() +
        (data ? " (workload.data = " + path_in_message(spec, wl->data_dir) + ")" : std::string()) +
        "; expected workload.data = the directory holding " + g.images +
        " (Fashion-MNIST: scripts/install-deps installs it in "
        "/usr/share/datasets/fashion-mnist)";
    if (data) w.fail(*data, "data", what);
    w.errors().fail(w.where(), "workload.data", what);
  }
}

// kind = "layer" (or "model": `whole_model`, every layer, no `layer` key).
void read_layer_workload(SweepSpec* spec, const TomlTable& w, bool whole_model) {
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
  auto src = std::make_shared<LayerSource>();
  read_model(*spec, w, src.get(), &wl);
  if (whole_model) {
    if (const toml::node* layer = w.find("layer")) {
      w.fail(*layer, "layer",
             "only for kind = \"layer\"; a model workload runs every layer of the model");
    }
    src->layer = 0;
  } else {
    src->layer = read_layer(w, *src);
  }
  read_images(*spec, w, src.get(), &wl);

  const std::vector<golden::DenseLayer>& layers = src->file.model.layers;
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

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// kind = "network", `model`: the model file as a network (env::network_from_model at PE 1, the
// model's SIMD), its golden results required (the accuracy and the golden logits).
engine::NetworkConfig network_of_model(const SweepSpec& spec, const TomlTable& w,
                                       NetworkSource* src, Workload* wl) {
  const toml::node& model = *w.find("model");
  wl->model = w.as_string(model, "model");
  src->path = resolve(spec, wl->model);
  if (const std::optional<std::string> why = cannot_open(src->path)) {
    w.fail(model, "model",
           path_in_message(spec, wl->model) + ": cannot open: " + *why +
               " (fxsim train writes OUT/model_<variant>.fxm)");
  }
  try {
    src->model = golden::read_model_file(src->path);
  } catch (const std::exception& e) {
    std::string what = e.what();
    const std::string prefix = src->path + ": ";
    if (what.rfind(prefix, 0) == 0) what.erase(0, prefix.size());
    w.fail(model, "model", path_in_message(spec, wl->model) + ": " + what);
  }
  if (src->model->is_affine()) {
    w.fail(model, "model", path_in_message(spec, wl->model) + ": " + kAffineModelRefused);
  }
  if (!src->model->golden || src->model->golden->count == 0) {
    w.fail(model, "model",
           src->path +
               ": holds no golden test results (images and labels); expected a model file "
               "written by fxsim train");
  }
  // An MLP at its own folding: each layer's PE the SIMD the next layer was trained with (where it
  // divides the outputs), so that a model whose accumulation order matters plans as trained. A
  // CNN: network_from_model's PE 1.
  env::ModelFolding f;
  const std::vector<golden::DenseLayer>& layers = src->model->model.layers;
  if (src->model->model.dense_only()) {
    f.pe.clear();
    for (std::size_t i = 0; i < layers.size(); ++i) {
      const int next = i + 1 < layers.size() ? layers[i + 1].simd : 1;
      f.pe.push_back(layers[i].out_features % next == 0 ? next : 1);
    }
  }
  f.model_ref = src->path;
  if (const toml::node* data = w.find("data")) {
    wl->data_dir = w.as_string(*data, "data");
    f.model_data_ref = resolve(spec, wl->data_dir);
  }
  try {
    return env::network_from_model(*src->model, f);
  } catch (const std::exception& e) {  // ModelFoldingError, NetworkFileError
    w.fail(model, "model", path_in_message(spec, wl->model) + ": " + e.what());
  }
}

// kind = "network", `network`: a description file (and the model file it names, if any).
engine::NetworkConfig network_of_description(const SweepSpec& spec, const TomlTable& w,
                                             NetworkSource* src, Workload* wl) {
  const toml::node& net = *w.find("network");
  wl->network = w.as_string(net, "network");
  src->path = resolve(spec, wl->network);
  if (const std::optional<std::string> why = cannot_open(src->path)) {
    w.fail(net, "network",
           path_in_message(spec, wl->network) + ": cannot open: " + *why +
               " (a network description, docs/network.md)");
  }
  if (const toml::node* data = w.find("data")) {
    w.fail(*data, "data",
           "only with workload.model; a description names its images' directory "
           "in [network] model_data");
  }
  try {
    engine::NetworkConfig cfg = engine::load_network_file(src->path);
    if (!cfg.model.empty()) src->model = golden::read_model_file(cfg.model);
    if (src->model && src->model->is_affine()) {
      throw std::runtime_error(cfg.model + ": " + kAffineModelRefused);
    }
    return cfg;
  } catch (const std::exception& e) {  // NetworkFileError, the model file it names
    w.fail(net, "network", path_in_message(spec, wl->network) + ": " + e.what());
  }
}

// kind = "network" (docs/sweeps.md, "Network workloads"): the network planned as the file gives
// it and its operands loaded once, so that a bad description, model or image file stops the
// sweep before any point runs.
void read_network_workload(SweepSpec* spec, const TomlTable& w) {
  Workload& wl = spec->workload;
  wl.kind = WorkloadKind::NETWORK;
  for (const char* key : {"in_features", "out_features", "batch", "distribution", "weight_range",
                          "input_range", "layer"}) {
    if (const toml::node* n = w.find(key)) {
      w.fail(*n, key,
             "not for kind = \"network\"; the network's shapes and operands are its "
             "description's or its model file's");
    }
  }
  const toml::node* net = w.find("network");
  const toml::node* model = w.find("model");
  if (!net == !model) {
    const std::string what =
        "expected exactly one of network = \"NET.toml\" (a network description) and model = "
        "\"M.fxm\" (a trained model file)";
    if (net) w.fail(*model, "model", what);
    w.errors().fail(w.where(), "workload.network", what);
  }
  auto src = std::make_shared<NetworkSource>();
  src->config = net ? network_of_description(*spec, w, src.get(), &wl)
                    : network_of_model(*spec, w, src.get(), &wl);
  const toml::node& file_node = net ? *net : *model;
  const std::string file_key = net ? "network" : "model";
  src->images = src->model ? std::min(100, src->model->golden->count) : src->config.images;
  if (const toml::node* n = w.find("images")) {
    src->images = static_cast<int>(w.as_integer_in(*n, "images", 2, 1 << 20));
    if (src->model && src->model->golden && src->images > src->model->golden->count) {
      w.fail(*n, "images",
             "expected at most " + std::to_string(src->model->golden->count) +
                 " (the golden test images " + src->config.model + " holds), got " +
                 std::to_string(src->images));
    }
  } else if (src->images < 2) {
    w.errors().fail(w.where(), "workload.images",
                    "missing; the network's file runs " + std::to_string(src->images) +
                        " image, expected images = N >= 2 (the interval is measured between the "
                        "last two images)");
  }
  util::Sha256 h;
  h.update(spec->text);
  h.update(file_bytes(src->path));
  try {
    const engine::NetworkPlan plan = engine::plan_network(src->config, src->path);
    if (src->model) {
      const env::ModelNetwork m = env::load_model_network(plan, src->images);
      h.update(file_bytes(src->config.model));
      std::string pixels(m.ops.images.size(), '\0');
      for (std::size_t i = 0; i < pixels.size(); ++i) {
        pixels[i] = static_cast<char>(m.ops.images[i]);
      }
      h.update(pixels);
    }
  } catch (const std::exception& e) {  // NetworkFileError: the plan, the model, the images
    const toml::node* images = w.find("images");
    const std::string what = e.what();
    if (images && what.find("network.images") != std::string::npos) {
      w.fail(*images, "images", what);
    }
    w.fail(file_node, file_key,
           path_in_message(*spec, file_key == "network" ? wl.network : wl.model) + ": " + what);
  }
  wl.images = src->images;
  wl.batch = src->images;
  wl.network_source = src;
  // Results of another description, model file or images are results of another sweep.
  spec->sha256 = h.hex_digest();
}

}  // namespace

void read_workload(SweepSpec* spec, const TomlTable& root) {
  const TomlTable w = root.sub(
      "workload", {"kind", "in_features", "out_features", "batch", "distribution", "weight_range",
                   "input_range", "model", "layer", "images", "data", "network"});
  if (!w.present()) {
    w.errors().raise(spec->where({}) + "workload: missing; expected a [workload] table");
  }
  Workload& wl = spec->workload;
  const std::string kind = w.string("kind").value_or("random");
  if (kind == "layer" || kind == "model") {
    if (const toml::node* n = w.find("network")) {
      w.fail(*n, "network", "only for kind = \"network\"");
    }
    read_layer_workload(spec, w, kind == "model");
    return;
  }
  if (kind == "network") {
    read_network_workload(spec, w);
    return;
  }
  if (kind != "random") {
    w.fail(*w.find("kind"), "kind", "\"" + kind + "\" is not one of random, layer, model, network");
  }
  if (auto v = w.integer_in("in_features", 1, 1 << 20)) wl.in_features = static_cast<int>(*v);
  if (auto v = w.integer_in("out_features", 1, 1 << 20)) wl.out_features = static_cast<int>(*v);
  if (auto v = w.integer_in("batch", 1, 1 << 20)) wl.batch = static_cast<int>(*v);
  if (auto d = w.name("distribution", engine::distribution_names())) wl.distribution = *d;
  if (auto r = range(w, "weight_range")) std::tie(wl.weight_min, wl.weight_max) = *r;
  if (auto r = range(w, "input_range")) std::tie(wl.input_min, wl.input_max) = *r;
  if (const toml::node* n = w.find("network")) {
    w.fail(*n, "network", "only for kind = \"network\"");
  }
  for (const char* k : {"model", "layer", "images", "data"}) {
    if (const toml::node* n = w.find(k)) {
      w.fail(*n, k,
             std::string("only for kind = \"layer\"") +
                 (std::string(k) == "layer" ? "" : " or \"model\""));
    }
  }
}

}  // namespace fxsim::explore::sweep_file
