#include "golden/torch/affine_train.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <iomanip>
#include <nlohmann/json.hpp>

#include "golden/model_file.hpp"
#include "golden/torch/train_loop.hpp"

namespace fxsim::golden {
namespace {

AffineWeights weights_of(const std::string& name) {
  return name == "per_tensor" ? AffineWeights::PER_TENSOR : AffineWeights::PER_CHANNEL;
}

// A trainable copy: QAT must not move the float layers the other variants start from.
std::vector<FoldedDense> trainable_copy(const std::vector<FoldedDense>& layers) {
  std::vector<FoldedDense> c;
  for (const FoldedDense& l : layers) {
    c.push_back({l.weight.detach().clone().requires_grad_(true),
                 l.bias.detach().clone().requires_grad_(true), l.relu});
  }
  return c;
}

double fake_accuracy(const std::vector<FoldedDense>& layers,
                     const std::vector<fx::AffineType>& out_types, const AffineSettings& s,
                     const Data& d) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> parts;
  for (std::int64_t i = 0; i < d.x.size(0); i += kEvalChunk) {
    const std::int64_t n = std::min<std::int64_t>(kEvalChunk, d.x.size(0) - i);
    parts.push_back(fake_quant_forward(layers, out_types, s, d.x.narrow(0, i, n)));
  }
  return accuracy_of(torch::cat(parts), d.y);
}

void fine_tune(const TrainConfig& cfg, const AffineVariant& v, std::vector<FoldedDense>& layers,
               const std::vector<fx::AffineType>& out_types, const Data& train_data,
               const Data& test, std::ostream& log) {
  Trainee t;
  t.forward = [&](const torch::Tensor& x) {
    return fake_quant_forward(layers, out_types, v.settings, x);
  };
  for (const FoldedDense& l : layers) {
    t.parameters.push_back(l.weight);
    t.parameters.push_back(l.bias);
  }
  t.test_accuracy = [&] { return fake_accuracy(layers, out_types, v.settings, test); };
  const std::string name = v.name();
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(
      cfg.seed ^ fnv1a64(reinterpret_cast<const unsigned char*>(name.data()), name.size()));
  train(t, train_data, TrainOptions{cfg.qat_epochs, cfg.qat_learning_rate, 0, cfg.batch_size}, gen,
        name, log);
}

}  // namespace

std::string AffineVariant::name() const {
  return "affine_" + method + "_int" + std::to_string(settings.bits) + "_" +
         short_name(settings.weights);
}

std::vector<AffineVariant> affine_variants_of(const TrainConfig& cfg) {
  std::vector<AffineVariant> v;
  for (int bits : cfg.affine_bits) {
    for (const std::string& w : cfg.affine_weights) {
      for (const std::string& m : cfg.affine_methods) {
        if (m == "qat" && cfg.qat_epochs == 0) continue;
        AffineSettings s;
        s.bits = bits;
        s.weights = weights_of(w);
        s.calibration = cfg.affine_calibration == "percentile" ? AffineCalibration::PERCENTILE
                                                               : AffineCalibration::MINMAX;
        s.percentile = cfg.affine_percentile;
        v.push_back({m, s});
      }
    }
  }
  return v;
}

VariantResult run_affine_variant(const TrainConfig& cfg, const AffineVariant& v,
                                 const std::vector<FoldedDense>& folded, const Data& train_data,
                                 const torch::Tensor& calibration, const Data& test,
                                 const AffineExport& out, std::ostream& log) {
  const std::vector<fx::AffineType> out_types =
      output_types(folded, observe_outputs(folded, calibration, v.settings), v.settings.bits);
  std::vector<FoldedDense> layers = trainable_copy(folded);
  if (v.method == "qat") fine_tune(cfg, v, layers, out_types, train_data, test, log);

  VariantResult r;
  r.name = v.name();
  r.method = v.method;
  r.elementwise_bits = v.settings.bits;
  r.affine_weights = to_string(v.settings.weights);
  r.fake_accuracy = fake_accuracy(layers, out_types, v.settings, test);
  const std::vector<AffineDense> as_float =
      export_affine(layers, out_types, v.settings, RequantMethod::FLOAT);
  std::vector<AffineDense> as_integer = as_float;
  for (AffineDense& l : as_integer) l.method = RequantMethod::INTEGER;
  r.accuracy = accuracy_of(affine_forward_integer(as_float, test.raw), test.y);
  const torch::Tensor integer_logits = affine_forward_integer(as_integer, test.raw);
  r.integer_requant_accuracy = accuracy_of(integer_logits, test.y);
  r.formats = describe_affine(as_float);
  log << "[" << r.name << "] integer accuracy " << std::fixed << std::setprecision(4) << r.accuracy
      << " (integer requant " << r.integer_requant_accuracy << ", fake-quant " << r.fake_accuracy
      << ")" << std::defaultfloat << "\n"
      << r.formats << std::flush;
  if (cfg.export_models) {
    // The file holds the integer method's layers: what the hardware (int_requant) computes and
    // `fxsim verify` checks; the float method has no hardware to verify.
    r.model_file = out.dir + "/model_" + r.name + ".fxm";
    ModelFile f;
    f.affine = as_integer;
    f.golden = test_set_golden(integer_logits, test, r.integer_requant_accuracy);
    f.metadata_json = nlohmann::json{
        {"variant", r.name},
        {"method", r.method},
        {"affine_bits", v.settings.bits},
        {"affine_weights", r.affine_weights},
        {"requant", "integer"},
        {"seed", cfg.seed},
        {"train_images", out.train_images},
        {"float_accuracy", out.float_accuracy},
        {"accuracy", r.integer_requant_accuracy},
        {"float_requant_accuracy",
         r.accuracy}}.dump();
    write_model_file(r.model_file, f);
  }
  return r;
}

}  // namespace fxsim::golden
