#include "golden/torch/train.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>
#include <sstream>

#include "golden/idx.hpp"
#include "golden/model_file.hpp"
#include "golden/stochastic_dense.hpp"
#include "golden/torch/affine_train.hpp"
#include "golden/torch/bipolar_train.hpp"
#include "golden/torch/cnn.hpp"
#include "golden/torch/dataset_tensors.hpp"
#include "golden/torch/int_inference.hpp"
#include "golden/torch/mlp.hpp"
#include "golden/torch/stochastic_inference.hpp"
#include "golden/torch/stochastic_quant.hpp"
#include "golden/torch/train_loop.hpp"
#include "util/heap.hpp"

namespace fxsim::golden {
namespace {

// Fine-tunes a QNet in place in precision `p` (train_loop.hpp; one progress line per epoch).
// With `stochastic` set, every training forward pass runs in a StochasticTrainingScope drawing
// from `stochastic_gen` (the evaluations stay deterministic).
void train_qnet(QNet& net, const Data& train_data, const Data& test, int epochs, Precision p,
                double lr, double bp_lr, int batch_size, at::Generator& gen,
                const std::string& label, std::ostream& log,
                const StochasticRounding* stochastic = nullptr,
                at::Generator* stochastic_gen = nullptr) {
  Trainee t;
  t.forward = [&](const torch::Tensor& x) {
    std::optional<StochasticTrainingScope> scope;
    if (stochastic) scope.emplace(*stochastic, *stochastic_gen);
    return net.forward(x, p, /*training=*/true);
  };
  t.parameters = net.parameters();
  t.format_parameters = net.format_parameters();
  t.after_step = [&] { net.clamp_formats(); };
  t.test_accuracy = [&] { return evaluate(net, test, p); };
  train(t, train_data, TrainOptions{epochs, lr, bp_lr, batch_size}, gen, label, log);
}

struct Variant {
  std::string method;
  int bits;
  int khot_k;
  std::string name() const {
    return method + (khot_k ? "_khot" + std::to_string(khot_k) : "") + "_e" + std::to_string(bits);
  }
};

std::vector<Variant> variants_of(const TrainConfig& c) {
  std::vector<Variant> v;
  for (int bits : c.elementwise_bits)
    for (const std::string& m : c.methods) v.push_back({m, bits, 0});
  for (int k : c.khot_k) {
    v.push_back({"ptq", c.khot_bits, k});
    if (c.qat_epochs > 0) v.push_back({"qat", c.khot_bits, k});
  }
  return v;
}

void write_results(const TrainReport& r, const std::string& dir) {
  nlohmann::json j = {{"seed", r.seed},
                      {"train_images", r.train_images},
                      {"test_images", r.test_images},
                      {"float_accuracy", r.float_accuracy},
                      {"variants", nlohmann::json::array()}};
  // The affine columns only when there are affine rows: a run without them writes the bytes
  // it always did (train_cnn_test.cpp pins them).
  bool affine = false;
  for (const VariantResult& v : r.variants) affine |= !v.affine_weights.empty();
  std::ostringstream csv;
  csv << "variant,method,elementwise_bits,khot_k,accuracy,fake_accuracy,model_file"
      << (affine ? ",affine_weights,integer_requant_accuracy" : "") << "\n";
  for (const VariantResult& v : r.variants) {
    nlohmann::json row = {{"name", v.name},
                          {"method", v.method},
                          {"elementwise_bits", v.elementwise_bits},
                          {"khot_k", v.khot_k},
                          {"accuracy", v.accuracy},
                          {"fake_accuracy", v.fake_accuracy},
                          {"formats", v.formats},
                          {"model_file", v.model_file}};
    if (!v.affine_weights.empty()) {
      row["affine_weights"] = v.affine_weights;
      row["integer_requant_accuracy"] = v.integer_requant_accuracy;
    }
    j["variants"].push_back(row);
    csv << v.name << "," << v.method << "," << v.elementwise_bits << "," << v.khot_k << ","
        << std::setprecision(6) << v.accuracy << "," << v.fake_accuracy << ","
        << std::filesystem::path(v.model_file).filename().string();
    if (affine) {
      csv << "," << v.affine_weights << ",";
      if (!v.affine_weights.empty()) csv << v.integer_requant_accuracy;
    }
    csv << "\n";
  }
  std::ofstream(dir + "/results.json") << j.dump(2) << "\n";
  std::ofstream(dir + "/results.csv") << csv.str();
}

// What every variant starts from: the data as tensors, the float network trained on it and the
// activation ranges calibrated with it.
struct Baseline {
  Data train_data;
  Data test;
  std::unique_ptr<QNet> float_net;
  std::vector<LayerRanges> ranges;
  torch::Tensor calibration;  // the first calibration_images training images (float32)
};

// The network of the config: a CNN of `model.layers` on the images' H x W x 1 maps, or the MLP
// of the input features, the hidden layers and 10 classes. Weights drawn from `seed`.
std::unique_ptr<QNet> make_network(const TrainConfig& cfg, const Dataset& d) {
  if (!cfg.layers.empty()) {
    return std::make_unique<QCnn>(cfg.layers, MapShape{d.images.rows, d.images.cols, 1},
                                  cfg.activation, cfg.seed);
  }
  std::vector<int> sizes{d.images.rows * d.images.cols};
  sizes.insert(sizes.end(), cfg.hidden.begin(), cfg.hidden.end());
  sizes.push_back(10);
  return std::make_unique<QMlp>(sizes, cfg.seed, cfg.activation);
}

// The float network (make_network). Its batches come from a generator of its own, so the float
// baseline does not depend on the variants.
Baseline train_float_baseline(const TrainConfig& cfg, const Dataset& train_set,
                              const Dataset& test_set, TrainReport& report, std::ostream& log) {
  Data train_data = to_tensors(train_set);
  Data test = to_tensors(test_set);
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(cfg.seed ^ 0x5eed5eedULL);
  std::unique_ptr<QNet> float_net = make_network(cfg, train_set);
  train_qnet(*float_net, train_data, test, cfg.epochs, Precision::FLOAT, cfg.learning_rate, 0.0,
             cfg.batch_size, gen, "float", log);
  report.float_accuracy = evaluate(*float_net, test, Precision::FLOAT);
  const int64_t calib_n = std::min<int64_t>(cfg.calibration_images, train_data.x.size(0));
  torch::Tensor calibration = train_data.x.narrow(0, 0, calib_n);
  std::vector<LayerRanges> ranges = float_net->calibrate(calibration);
  return Baseline{std::move(train_data), std::move(test), std::move(float_net), std::move(ranges),
                  calibration};
}

// The config's shared widths and rounding, with the variant's element width, K and method.
QuantSettings settings_of(const TrainConfig& cfg, const Variant& v) {
  QuantSettings s;
  s.weight_bits = cfg.weight_bits;
  s.mac_bits = cfg.mac_bits;
  s.logit_bits = cfg.logit_bits;
  s.elementwise_bits = v.bits;
  s.rounding = cfg.rounding;
  s.khot_k = v.khot_k;
  s.learn_binary_point = v.method == "qat_bp";
  s.weight_kind = weight_kind_of(cfg.weight_kind);
  s.weight_k = cfg.weight_k;
  return s;
}

// Each QAT variant draws its own batches from a generator seeded by the variant, so adding or
// removing a variant leaves the others unchanged. A learned-binary-point variant draws the same
// batches as the fixed-format QAT of its width: the two differ only in the formats, so their
// accuracy difference is not blurred by batch-order noise (a paired comparison, docs/golden.md).
at::Generator variant_generator(const TrainConfig& cfg, const Variant& v) {
  const Variant batches_of = v.method == "qat_bp" ? Variant{"qat", v.bits, v.khot_k} : v;
  const std::string name = batches_of.name();
  return at::make_generator<at::CPUGeneratorImpl>(
      cfg.seed ^ fnv1a64(reinterpret_cast<const unsigned char*>(name.data()), name.size()));
}

// The exported model with its integer logits on the test set as golden results, so `fxsim
// verify` can check the hardware against exactly what was measured here.
ModelFile variant_model_file(const TrainConfig& cfg, const TrainReport& report,
                             const VariantResult& r, const QuantNetwork& model,
                             const torch::Tensor& logits, const Data& test) {
  ModelFile f;
  f.model = model;
  f.golden = test_set_golden(logits, test, r.accuracy);
  nlohmann::json meta = nlohmann::json{{"variant", r.name},
                                       {"method", r.method},
                                       {"elementwise_bits", r.elementwise_bits},
                                       {"khot_k", r.khot_k},
                                       {"seed", cfg.seed},
                                       {"train_images", report.train_images},
                                       {"float_accuracy", report.float_accuracy},
                                       {"accuracy", r.accuracy}};
  // Only when set, so that the files of other configs keep their bytes.
  if (cfg.stochastic.any() && r.method != "ptq") meta["stochastic"] = cfg.stochastic.str();
  f.metadata_json = meta.dump();
  return f;
}

// The accuracy of `model` with every requant rounding RND_STOCH, lane p of a layer with
// PE = gcd(out_features, 16) seeded fx::Lfsr::for_lane(seed, layer, p): what the hardware with
// one LFSR per lane would measure.
void log_stochastic_inference(const QuantNetwork& model, const Data& test, std::uint64_t seed,
                              const std::string& name, std::ostream& log) {
  const QuantNetwork stochastic = with_stochastic_requants(model, /*mac=*/true, /*bn=*/true);
  std::vector<int> pe;
  for (const DenseLayer& l : stochastic.layers) pe.push_back(std::gcd(l.out_features, 16));
  const torch::Tensor logits = forward_integer_lanes(stochastic, test.raw, pe, seed);
  log << "[" << name << "] integer accuracy with RND_STOCH requants (LFSR lanes, seed " << seed
      << "): " << std::fixed << std::setprecision(4) << accuracy_of(logits, test.y)
      << std::defaultfloat << "\n";
}

// One variant: quantize a copy of the float network, fine-tune it unless it is PTQ, measure the
// fake-quantized and the integer accuracy, and export its model file when asked to.
VariantResult run_variant(const TrainConfig& cfg, const Variant& v, const Baseline& base,
                          const TrainReport& report, const std::string& out_dir,
                          std::ostream& log) {
  std::unique_ptr<QNet> owned = base.float_net->clone();
  QNet& net = *owned;
  net.set_formats(base.ranges, settings_of(cfg, v));
  at::Generator vgen = variant_generator(cfg, v);
  if (v.method != "ptq") {
    at::Generator sgen = stochastic_generator(cfg.seed, v.name());
    const bool stochastic = cfg.stochastic.any();
    if (stochastic) log << "[" << v.name() << "] stochastic: " << cfg.stochastic.str() << "\n";
    train_qnet(net, base.train_data, base.test, cfg.qat_epochs, Precision::QUANT,
               cfg.qat_learning_rate, cfg.binary_point_learning_rate, cfg.batch_size, vgen,
               v.name(), log, stochastic ? &cfg.stochastic : nullptr, &sgen);
  }
  VariantResult r;
  r.name = v.name();
  r.method = v.method;
  r.elementwise_bits = v.bits;
  r.khot_k = v.khot_k;
  r.formats = net.describe_formats();
  r.fake_accuracy = evaluate(net, base.test, Precision::QUANT);
  const QuantNetwork model = net.export_model(cfg.simd);
  const torch::Tensor logits = forward_integer(model, base.test.raw);
  r.accuracy = accuracy_of(logits, base.test.y);
  log << "[" << r.name << "] integer accuracy " << std::fixed << std::setprecision(4) << r.accuracy
      << " (fake-quant " << r.fake_accuracy << ")" << std::defaultfloat << "\n"
      << r.formats << std::flush;
  if (cfg.stochastic.inference && v.method != "ptq" && model.dense_only()) {
    log_stochastic_inference(model, base.test, cfg.seed, r.name, log);
  }
  if (cfg.export_models) {
    r.model_file = out_dir + "/model_" + r.name + ".fxm";
    write_model_file(r.model_file, variant_model_file(cfg, report, r, model, logits, base.test));
  }
  return r;
}

}  // namespace

TrainReport run_training(const TrainConfig& cfg, const std::string& out_dir, int threads,
                         std::ostream& log) {
  at::set_num_threads(std::max(threads, 1));
  // The fake quantizers make ~30 temporaries per layer and batch, megabytes each for a CNN: with
  // glibc's defaults the heap top was trimmed and faulted in again for every one, and page faults
  // took 37% of a CNN QAT run (perf, 6,000 images: the QAT epoch 51.8 s -> 4.1 s with this and
  // kEvalChunk).
  util::keep_freed_memory_for_reuse();
  torch::manual_seed(cfg.seed);  // nothing should draw from it; set for any op that might
  std::filesystem::create_directories(out_dir);
  const Dataset train_set =
      load_fashion_mnist(cfg.data_dir, "train", cfg.train_images > 0 ? cfg.train_images : -1);
  const Dataset test_set =
      load_fashion_mnist(cfg.data_dir, "t10k", cfg.test_images > 0 ? cfg.test_images : -1);
  TrainReport report;
  report.seed = cfg.seed;
  report.train_images = train_set.images.count;
  report.test_images = test_set.images.count;
  log << "fxsim train: " << report.train_images << " training / " << report.test_images
      << " test images, seed " << cfg.seed << ", " << std::max(threads, 1) << " thread(s)"
      << std::endl;

  const Baseline base = train_float_baseline(cfg, train_set, test_set, report, log);
  for (const Variant& v : variants_of(cfg)) {
    report.variants.push_back(run_variant(cfg, v, base, report, out_dir, log));
  }
  const std::vector<AffineVariant> affine = affine_variants_of(cfg);
  if (!affine.empty()) {
    // The config allows affine_bits with an MLP of ReLU layers only.
    const std::vector<FoldedDense> folded =
        dynamic_cast<const QMlp&>(*base.float_net).folded_dense();
    const AffineExport out{out_dir, report.train_images, report.float_accuracy};
    for (const AffineVariant& v : affine) {
      report.variants.push_back(run_affine_variant(cfg, v, folded, base.train_data,
                                                   base.calibration, base.test, out, log));
    }
  }
  const BipolarRun bipolar{out_dir, report.train_images, report.float_accuracy};
  for (const std::string& name : cfg.binary_variants) {
    report.variants.push_back(
        run_bipolar_variant(cfg, name, base.train_data, base.calibration, base.test, bipolar, log));
  }
  write_results(report, out_dir);
  return report;
}

}  // namespace fxsim::golden
