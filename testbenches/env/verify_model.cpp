#include "testbenches/env/verify_model.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <functional>
#include <string>
#include <utility>

#include "golden/idx.hpp"
#include "models/engine/elaboration.hpp"
#include "models/engine/latency.hpp"
#include "models/engine/stimulus.hpp"
#include "testbenches/env/affine_layer_point.hpp"
#include "testbenches/env/bipolar_layer_point.hpp"
#include "util/forked_tasks.hpp"

namespace fxsim::env {

std::uint64_t VerifyReport::compute_cycles() const {
  std::uint64_t n = 0;
  for (const LayerVerify& l : layers) n += l.compute_cycles;
  return n;
}

std::uint64_t VerifyReport::single_image_cycles() const {
  std::uint64_t n = 0;
  for (const LayerVerify& l : layers) n += l.single_image_cycles;
  return n;
}

double VerifyReport::cycles_per_image() const {
  return images > 0 ? static_cast<double>(compute_cycles()) / images : 0.0;
}

double VerifyReport::images_per_second_hardware() const {
  const double c = cycles_per_image();
  return c > 0 ? 1e9 / (c * hw.clock_ns) : 0.0;
}

double VerifyReport::images_per_second_host() const {
  return wall_seconds > 0 ? images / wall_seconds : 0.0;
}

std::uint64_t VerifyReport::layer_mismatches() const {
  std::uint64_t n = 0;
  for (const LayerVerify& l : layers) n += l.mismatches;
  return n;
}

resources::ResourceEstimate VerifyReport::resources() const {
  resources::ResourceEstimate total;
  for (const LayerVerify& l : layers) total += l.resources;
  return total;
}

bool VerifyReport::passed() const {
  for (const LayerVerify& l : layers) {
    if (!l.completed || l.tlm_errors != 0 || l.mismatches != 0) return false;
  }
  return logit_mismatches == 0 && hardware_correct == golden_correct;
}

namespace {

env::Backends backends_of(env::BackendKind k) {
  return k == env::BackendKind::RTL ? env::Backends::RTL : env::Backends::MODEL;
}

// SIMD of an affine layer (its accumulator wraps: any order of the sum gives the same result).
constexpr int kAffineSimd = 8;

// A layer of the model as verify runs it on the layer engine: its name and shape, and how its
// design point and buffers are made (a fixed-point dense layer with its own SIMD and bn_act, an
// affine integer layer with [requant], or a binary / ternary layer on xnor_pe with [bn] or
// [threshold]).
struct VerifyLayer {
  std::string name;
  int in_features = 0, out_features = 0, simd = 0;
  std::function<engine::EngineConfig(const engine::Hardware&, int batch)> point;
  std::function<engine::Stimulus(const engine::EngineConfig&, std::vector<std::int64_t>)> stimulus;
  // The golden model's own outputs of the layer for one input vector (empty: the engine's
  // scoreboard is the layer's only check). Every image's hardware output is compared with it, and
  // a difference counts as a mismatch of the layer.
  std::function<std::vector<std::int64_t>(const std::vector<std::int64_t>&)> reference;
};

// Differences between a batch's hardware outputs and the layer's golden reference, image by
// image (a missing output counts as different).
std::uint64_t reference_mismatches(const VerifyLayer& layer, const std::vector<std::int64_t>& in,
                                   const std::vector<std::int64_t>& out, int batch) {
  std::uint64_t wrong = 0;
  const auto n_in = static_cast<std::size_t>(layer.in_features);
  const auto n_out = static_cast<std::size_t>(layer.out_features);
  for (std::size_t b = 0; b < static_cast<std::size_t>(batch); ++b) {
    const std::vector<std::int64_t> x(in.begin() + static_cast<std::ptrdiff_t>(b * n_in),
                                      in.begin() + static_cast<std::ptrdiff_t>((b + 1) * n_in));
    const std::vector<std::int64_t> want = layer.reference(x);
    for (std::size_t o = 0; o < n_out; ++o) {
      const std::size_t at = b * n_out + o;
      wrong += at >= out.size() || out[at] != want[o] ? 1 : 0;
    }
  }
  return wrong;
}

std::vector<VerifyLayer> verify_layers(const golden::ModelFile& file) {
  std::vector<VerifyLayer> layers;
  for (const golden::DenseLayer& l : file.model.layers) {
    layers.push_back(
        {l.name,
         l.in_features,
         l.out_features,
         l.simd,
         [&l](const engine::Hardware& hw, int batch) { return layer_point(l, hw, batch); },
         [&l](const engine::EngineConfig& cfg, std::vector<std::int64_t> in) {
           return layer_stimulus(l, cfg, std::move(in));
         },
         {}});
  }
  for (const golden::AffineDense& l : file.affine) {
    layers.push_back({l.name,
                      l.in_features,
                      l.out_features,
                      std::min(kAffineSimd, l.in_features),
                      [&l](const engine::Hardware& hw, int batch) {
                        return affine_layer_point(l, hw, kAffineSimd, batch);
                      },
                      [&l](const engine::EngineConfig& cfg, std::vector<std::int64_t> in) {
                        return affine_layer_stimulus(l, cfg, std::move(in));
                      },
                      {}});
  }
  for (const golden::BipolarDense& l : file.bipolar.layers) {
    layers.push_back(
        {l.name, l.in_features, l.out_features, l.simd,
         [&l](const engine::Hardware& hw, int batch) { return bipolar_layer_point(l, hw, batch); },
         [&l](const engine::EngineConfig& cfg, std::vector<std::int64_t> in) {
           return bipolar_layer_stimulus(l, cfg, std::move(in));
         },
         [&l](const std::vector<std::int64_t>& x) { return golden::reference_bipolar(l, x); }});
  }
  return layers;
}

// The pixel bytes of the first `count` golden images: raws of the model's input type.
std::vector<std::int64_t> load_inputs(const golden::ModelFile& file, const std::string& data_dir,
                                      int count, int features) {
  const golden::GoldenResults& g = *file.golden;
  try {
    const std::vector<std::uint8_t> pixels =
        golden::read_golden_pixels(golden::golden_images_path(g, data_dir), count, features);
    return {pixels.begin(), pixels.end()};
  } catch (const golden::IdxError& e) {
    throw VerifyError(std::string("the model's test images: ") + e.what() +
                      " (install dataset-fashion-mnist with scripts/install-deps, or point "
                      "--data at the directory holding " +
                      g.images + ")");
  }
}

// One batch of inputs through every layer on the engine; returns the last layer's outputs and
// adds each layer's cycles and checks to `layers`.
std::vector<std::int64_t> run_layers(const std::vector<VerifyLayer>& model, const VerifyOptions& o,
                                     const std::vector<engine::Hardware>& hw, int batch,
                                     std::vector<std::int64_t> input,
                                     std::vector<LayerVerify>* layers, bool single) {
  for (std::size_t i = 0; i < model.size(); ++i) {
    const VerifyLayer& layer = model[i];
    const engine::EngineConfig cfg = layer.point(hw[i], batch);
    std::vector<std::int64_t> layer_input;
    if (layer.reference) layer_input = input;
    const engine::Stimulus stim = layer.stimulus(cfg, std::move(input));
    env::RunOptions run_options;
    run_options.stimulus = &stim;
    env::RunSummary s = env::run_point(cfg, backends_of(o.backend), run_options);
    env::BackendRun& run = s.runs.front();
    LayerVerify& lv = (*layers)[i];
    if (single) {
      lv.single_image_cycles = run.cycles;
      lv.formula_single_image_cycles = engine::compute_cycles(cfg, 1);
    } else {
      lv.compute_cycles += run.cycles;
      lv.transfer_cycles += run.load_cycles + run.readback_cycles;
    }
    lv.mismatches += run.scoreboard.mismatch_count;
    if (layer.reference)
      lv.mismatches += reference_mismatches(layer, layer_input, run.output, batch);
    lv.tlm_errors += run.tlm_errors + run.bus_errors.size();
    lv.completed = lv.completed && run.completed;
    lv.pe_variant = run.pe_variant;
    lv.bn_variant = run.bn_variant;
    input = std::move(run.output);
  }
  return input;
}

// What `fxsim verify` needs before anything runs: golden results, layers, an image count the
// golden results cover and a usable batch. The errors name the file or the option at fault.
void check_request(const golden::ModelFile& file, const std::string& model_path,
                   const VerifyOptions& o) {
  if (!file.golden || file.golden->count == 0) {
    throw VerifyError(model_path +
                      ": the model file holds no golden test results to compare with; export it "
                      "from `fxsim train` (golden results are written with every model)");
  }
  if (file.model.layers.empty() && !file.is_affine() && !file.is_bipolar()) {
    throw VerifyError(model_path + ": the model has no layers");
  }
  try {
    golden::require_dense(file.model, "fxsim verify");
  } catch (const golden::ModelError& e) {
    throw VerifyError(model_path + ": " + e.what());
  }
  const golden::GoldenResults& g = *file.golden;
  if (o.images < 0 || o.images > g.count) {
    throw VerifyError("--images " + std::to_string(o.images) + ": the model file holds golden " +
                      "results for " + std::to_string(g.count) + " images; expected 1.." +
                      std::to_string(g.count) + " (0: all)");
  }
  if (o.batch < 1) throw VerifyError("--batch must be at least 1");
}

// The report before any run: the resolved image count and batch, one entry per layer with its
// design point and analytical resources and no counts yet. Every layer maps onto the engine (or
// the error names it) before anything is simulated, so a bad model fails at once rather than
// after the first layers' runs.
VerifyReport empty_report(const golden::ModelFile& file, const std::vector<VerifyLayer>& layers,
                          const std::string& model_path, const VerifyOptions& o,
                          const std::vector<engine::Hardware>& hw) {
  VerifyReport r;
  r.model_path = model_path;
  r.backend = env::to_string(o.backend);
  r.images = o.images == 0 ? file.golden->count : o.images;
  r.batch = std::min(o.batch, r.images);
  r.hw = o.hw;
  r.family = o.family;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const VerifyLayer& l = layers[i];
    LayerVerify lv;
    lv.name = l.name;
    lv.in_features = l.in_features;
    lv.out_features = l.out_features;
    lv.pe = hw[i].pe;
    lv.simd = l.simd;
    try {
      lv.point = l.point(hw[i], r.batch);
      lv.resources = engine::engine_cost(engine::elaborate(lv.point), o.family, true);
    } catch (const engine::PointFileError& e) {
      throw VerifyError(model_path + ": " + e.what());
    }
    r.layers.push_back(lv);
  }
  return r;
}

// A batch's share of the report: the layers without their counts.
std::vector<LayerVerify> uncounted_layers(const VerifyReport& r) {
  std::vector<LayerVerify> layers = r.layers;
  for (LayerVerify& l : layers) {
    l.compute_cycles = l.transfer_cycles = l.single_image_cycles = 0;
    l.formula_single_image_cycles = l.mismatches = l.tlm_errors = 0;
    l.completed = true;
  }
  return layers;
}

// Compares a batch's hardware logits (images first .. first + n - 1) with the golden ones, raw
// and as predictions against the labels, and adds the counts to `r`.
void score_batch(const std::vector<std::int64_t>& logits, const golden::GoldenResults& g,
                 int classes, int first, int n, VerifyReport& r) {
  for (int i = 0; i < n; ++i) {
    const int image = first + i;
    const auto hw_row = logits.begin() + static_cast<std::ptrdiff_t>(i) * classes;
    const auto gold_row = g.logits.begin() + static_cast<std::ptrdiff_t>(image) * classes;
    std::uint64_t wrong = 0;
    for (int c = 0; c < classes; ++c) {
      if (hw_row[c] == gold_row[c]) continue;
      if (r.first_mismatch_image < 0) {
        r.first_mismatch_image = image;
        r.first_mismatch_class = c;
        r.first_expected = gold_row[c];
        r.first_got = hw_row[c];
      }
      ++wrong;
    }
    if (wrong != 0) {
      r.logit_mismatches += wrong;
      ++r.images_with_mismatch;
    }
    const std::vector<std::int64_t> hw_logits(hw_row, hw_row + classes);
    const std::vector<std::int64_t> gold_logits(gold_row, gold_row + classes);
    const std::int64_t label = g.labels[static_cast<std::size_t>(image)];
    r.hardware_correct += golden::argmax_rows(hw_logits, classes)[0] == label ? 1 : 0;
    r.golden_correct += golden::argmax_rows(gold_logits, classes)[0] == label ? 1 : 0;
  }
}

// One batch's share of the report, as a worker hands it back.
struct BatchResult {
  std::vector<LayerVerify> layers;  // the batch's counts only
  std::vector<std::int64_t> logits;
};

// The counts of a batch as 64-bit words: per layer compute and transfer cycles, mismatches, TLM
// errors, completed; then the logits.
std::string encode(const BatchResult& b) {
  std::vector<std::int64_t> words;
  for (const LayerVerify& l : b.layers) {
    words.insert(words.end(), {static_cast<std::int64_t>(l.compute_cycles),
                               static_cast<std::int64_t>(l.transfer_cycles),
                               static_cast<std::int64_t>(l.mismatches),
                               static_cast<std::int64_t>(l.tlm_errors), l.completed ? 1 : 0});
  }
  words.insert(words.end(), b.logits.begin(), b.logits.end());
  return std::string(reinterpret_cast<const char*>(words.data()),
                     words.size() * sizeof(std::int64_t));
}

BatchResult decode(const std::string& bytes, std::size_t layers) {
  std::vector<std::int64_t> words(bytes.size() / sizeof(std::int64_t));
  std::memcpy(words.data(), bytes.data(), words.size() * sizeof(std::int64_t));
  BatchResult b;
  b.layers.resize(layers);
  std::int64_t* w = words.data();
  for (LayerVerify& l : b.layers) {
    l.compute_cycles = static_cast<std::uint64_t>(w[0]);
    l.transfer_cycles = static_cast<std::uint64_t>(w[1]);
    l.mismatches = static_cast<std::uint64_t>(w[2]);
    l.tlm_errors = static_cast<std::uint64_t>(w[3]);
    l.completed = w[4] != 0;
    w += 5;
  }
  b.logits.assign(w, words.data() + static_cast<std::ptrdiff_t>(words.size()));
  return b;
}

void add_batch_counts(const LayerVerify& batch, LayerVerify& total) {
  total.compute_cycles += batch.compute_cycles;
  total.transfer_cycles += batch.transfer_cycles;
  total.mismatches += batch.mismatches;
  total.tlm_errors += batch.tlm_errors;
  total.completed = total.completed && batch.completed;
}

}  // namespace

std::vector<engine::Hardware> layer_hardware(const golden::QuantNetwork& model,
                                             const VerifyOptions& o) {
  std::vector<std::string> names;
  for (const golden::DenseLayer& l : model.layers) names.push_back(l.name);
  return layer_hardware(names, o);
}

std::vector<engine::Hardware> layer_hardware(const std::vector<std::string>& layer_names,
                                             const VerifyOptions& o) {
  const std::size_t n = layer_names.size();
  if (!o.layer_pe.empty() && o.layer_pe.size() != 1 && o.layer_pe.size() != n) {
    std::string values, names;
    for (int pe : o.layer_pe) values += (values.empty() ? "" : ",") + std::to_string(pe);
    for (const std::string& l : layer_names) names += (names.empty() ? "" : ", ") + l;
    throw VerifyError("--pe " + values + ": " + std::to_string(o.layer_pe.size()) +
                      " values for a model of " + std::to_string(n) + " layer" +
                      (n == 1 ? "" : "s") + " (" + names + "); expected one value per layer (" +
                      std::to_string(n) + ") or one for every layer");
  }
  std::vector<engine::Hardware> hw(n, o.hw);
  for (std::size_t i = 0; i < n && !o.layer_pe.empty(); ++i) {
    hw[i].pe = o.layer_pe.size() == 1 ? o.layer_pe[0] : o.layer_pe[i];
  }
  return hw;
}

VerifyReport verify_model(const golden::ModelFile& file, const std::string& model_path,
                          const VerifyOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  check_request(file, model_path, o);
  const std::vector<VerifyLayer> model = verify_layers(file);
  const golden::GoldenResults& g = *file.golden;
  const int classes = model.back().out_features;
  std::vector<std::string> names;
  for (const VerifyLayer& l : model) names.push_back(l.name);
  const std::vector<engine::Hardware> hw = layer_hardware(names, o);
  VerifyReport r = empty_report(file, model, model_path, o, hw);

  const int features = model.front().in_features;
  const std::vector<std::int64_t> pixels = load_inputs(file, o.data_dir, r.images, features);
  const auto slice = [&](int first, int n) {
    const auto b = pixels.begin() + static_cast<std::ptrdiff_t>(first) * features;
    return std::vector<std::int64_t>(b, b + static_cast<std::ptrdiff_t>(n) * features);
  };

  // Latency: the first image alone through every layer. It also builds any rtl variant the
  // model needs before the batches' workers start, so they never build one twice.
  run_layers(model, o, hw, 1, slice(0, 1), &r.layers, true);

  // The batches, spread over forked workers: each returns its layers' counts and its logits, and
  // the merge below goes in batch order, so the report does not depend on the job count.
  const int batches = (r.images + r.batch - 1) / r.batch;
  r.jobs = std::max(1, std::min(o.jobs, batches));
  const auto images_of = [&](int k) { return std::min(r.batch, r.images - k * r.batch); };
  std::vector<BatchResult> results(static_cast<std::size_t>(batches));
  int done = 0;
  try {
    util::run_forked_tasks(
        batches, o.jobs,
        [&](int k) {
          const int n = images_of(k);
          BatchResult b;
          b.layers = uncounted_layers(r);
          b.logits = run_layers(model, o, hw, n, slice(k * r.batch, n), &b.layers, false);
          return encode(b);
        },
        [&](int k, std::string&& bytes) {
          results[static_cast<std::size_t>(k)] = decode(bytes, r.layers.size());
          done += images_of(k);
          if (o.progress) o.progress(done, r.images);
        });
  } catch (const util::ForkedTaskError& e) {
    throw VerifyError(std::string("a verify worker failed: ") + e.what());
  }
  for (int k = 0; k < batches; ++k) {
    const BatchResult& b = results[static_cast<std::size_t>(k)];
    for (std::size_t i = 0; i < r.layers.size(); ++i) add_batch_counts(b.layers[i], r.layers[i]);
    score_batch(b.logits, g, classes, k * r.batch, images_of(k), r);
  }
  r.hardware_accuracy = static_cast<double>(r.hardware_correct) / r.images;
  r.golden_accuracy = static_cast<double>(r.golden_correct) / r.images;
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace fxsim::env
