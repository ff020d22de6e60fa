#include "golden/torch/bipolar_train.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <iomanip>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "golden/model_file.hpp"
#include "golden/torch/train_loop.hpp"

namespace fxsim::golden {

BipolarVariantKind bipolar_kind_of(const std::string& name) {
  if (name == "binary") return BipolarVariantKind::BINARY;
  if (name == "ternary") return BipolarVariantKind::TERNARY;
  if (name == "bnn") return BipolarVariantKind::BNN;
  throw std::invalid_argument("binary variant '" + name + "'; expected binary, ternary or bnn");
}

BipolarSettings bipolar_settings_of(const TrainConfig& cfg, const std::string& name) {
  BipolarSettings s;
  s.kind = bipolar_kind_of(name);
  s.activation_bits = cfg.binary_activation_bits;
  s.activation_int_bits = cfg.binary_activation_int_bits;
  s.bn_bits = cfg.binary_bn_bits;
  s.logit_bits = cfg.logit_bits;
  s.rounding = cfg.rounding;
  s.simd = cfg.simd;
  return s;
}

namespace {

double fake_accuracy(BipolarMlp& net, const Data& d) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> outs;
  for (std::int64_t s = 0; s < d.x.size(0); s += kEvalChunk) {
    outs.push_back(net.forward(d.x.narrow(0, s, std::min(kEvalChunk, d.x.size(0) - s)), false));
  }
  return accuracy_of(torch::cat(outs), d.y);
}

}  // namespace

VariantResult run_bipolar_variant(const TrainConfig& cfg, const std::string& name,
                                  const Data& train_data, const torch::Tensor& calibration,
                                  const Data& test, const BipolarRun& run, std::ostream& log) {
  const BipolarSettings s = bipolar_settings_of(cfg, name);
  std::vector<int> sizes{static_cast<int>(train_data.x.size(1))};
  sizes.insert(sizes.end(), cfg.hidden.begin(), cfg.hidden.end());
  sizes.push_back(10);
  BipolarMlp net(sizes, s, cfg.seed ^ 0xb1b0ULL);
  const std::string label = "bipolar_" + name;
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(
      cfg.seed ^ fnv1a64(reinterpret_cast<const unsigned char*>(label.data()), label.size()));
  Trainee t;
  t.forward = [&](const torch::Tensor& x) { return net.forward(x, /*training=*/true); };
  t.parameters = net.parameters();
  t.after_step = [&] { net.clip_weights(); };
  t.test_accuracy = [&] { return fake_accuracy(net, test); };
  train(t, train_data,
        TrainOptions{cfg.binary_epochs, cfg.binary_learning_rate, 0.0, cfg.batch_size}, gen, name,
        log);

  VariantResult r;
  r.name = name;
  r.method = "ste";
  r.elementwise_bits = s.kind == BipolarVariantKind::BNN ? 1 : s.activation_bits;
  r.fake_accuracy = fake_accuracy(net, test);
  const BipolarNetwork model = net.export_network(calibration);
  r.formats = BipolarMlp::describe(model);
  const torch::Tensor logits = forward_bipolar_integer(model, test.raw);
  r.accuracy = accuracy_of(logits, test.y);
  log << "[" << name << "] integer accuracy " << std::fixed << std::setprecision(4) << r.accuracy
      << " (fake-quant " << r.fake_accuracy << ")" << std::defaultfloat << "\n"
      << r.formats << std::flush;
  if (cfg.export_models) {
    r.model_file = run.out_dir + "/model_" + name + ".fxm";
    ModelFile f;
    f.bipolar = model;
    f.golden = test_set_golden(logits, test, r.accuracy);
    f.metadata_json = nlohmann::json{
        {"variant", name},
        {"method", r.method},
        {"weights", std::string(fx::to_string(s.weight_kind()))},
        {"binary_activations", s.kind == BipolarVariantKind::BNN},
        {"seed", cfg.seed},
        {"train_images", run.train_images},
        {"float_accuracy", run.float_accuracy},
        {"accuracy",
         r.accuracy}}.dump();
    write_model_file(r.model_file, f);
  }
  return r;
}

}  // namespace fxsim::golden
