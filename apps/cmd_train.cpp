// `fxsim train --config TRAIN.toml [--out DIR] [--threads N]`: float baseline, PTQ and QAT
// variants on Fashion-MNIST, each exported as a model file (the affine variants: not yet),
// golden/torch/train.hpp, docs/golden.md.
#include <fmt/core.h>

#include <exception>
#include <iostream>
#include <memory>
#include <string>

#include "apps/commands.hpp"
#include "golden/idx.hpp"
#include "golden/model_file.hpp"
#include "golden/torch/train.hpp"

namespace fxsim::cli {
namespace {

constexpr const char* kCommand = "fxsim train";

struct TrainOptions {
  std::string config;
  std::string out = "train_out";
  int threads = 1;
};

int run_train(const TrainOptions& o) {
  golden::TrainConfig cfg;
  try {
    cfg = golden::load_train_config(o.config);
  } catch (const golden::ConfigError& e) {
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  }
  try {
    const golden::TrainReport r = golden::run_training(cfg, o.out, o.threads, std::cout);
    fmt::print("\n{:<18} {:>8} {:>8} {:>10}\n", "variant", "bits", "K", "accuracy");
    fmt::print("{:<18} {:>8} {:>8} {:>10.4f}\n", "float", "-", "-", r.float_accuracy);
    for (const golden::VariantResult& v : r.variants) {
      fmt::print("{:<18} {:>8} {:>8} {:>10.4f}\n", v.name, v.elementwise_bits,
                 v.khot_k ? std::to_string(v.khot_k) : "-", v.accuracy);
    }
    fmt::print("results: {}/results.json, {}/results.csv\n", o.out, o.out);
  } catch (const golden::IdxError& e) {
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    print_error(kCommand, "{}", e.what());
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void add_train_command(CLI::App& app, CommandStatus& status) {
  auto opts = std::make_shared<TrainOptions>();
  CLI::App* sub = app.add_subcommand(
      "train",
      "Train a Fashion-MNIST MLP or CNN: float baseline, PTQ, QAT with fixed formats, QAT with\n"
      "learned binary points and K-hot BN scales; export every quantized variant as a model file");
  sub->add_option("--config", opts->config, "Training config (TOML), see docs/golden.md")
      ->required()
      ->check(existing_file("start from docs/examples/train_quick.toml (one minute) or "
                            "train_small.toml (keys: docs/golden.md, `fxsim train`)"));
  sub->add_option("--out", opts->out, "Output directory (model files, results.json/csv)")
      ->capture_default_str();
  sub->add_option("--threads", opts->threads, "Intra-op threads (results depend on it)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  sub->footer(
      "Runs the float baseline, then every variant of the config (PTQ, QAT, QAT with learned\n"
      "binary points, K-hot BN scales) and writes DIR/model_<variant>.fxm (each with its golden\n"
      "test logits, for `fxsim verify`) and DIR/results.json / results.csv. quant.affine_bits\n"
      "adds affine int<B> variants (PyTorch's PTQ / QAT rules), measured but not yet written as\n"
      "model files (docs/golden.md, \"Affine variants\"). [binary] variants = [\"binary\",\n"
      "\"ternary\", \"bnn\"] adds binary / ternary MLPs trained with straight-through estimators,\n"
      "written as version-4 model files (docs/golden.md, \"Binary and ternary networks\").\n"
      "The config's keys, their defaults and\n"
      "ranges: docs/golden.md, `fxsim train`; an unknown key or a bad value is an error\n"
      "FILE:LINE: table.key: ... that lists what is allowed.\n"
      "Exit codes: 0 done; 1 training failed; 2 a bad config, missing data or bad options.\n"
      "Examples:\n"
      "  fxsim train --config docs/examples/train_quick.toml --out results/quick    (1 minute)\n"
      "  fxsim train --config docs/examples/train_small.toml --out results/train_small\n"
      "  fxsim train --config docs/examples/train_cnn_small.toml --out results/cnn_small --threads "
      "2\n"
      "  fxsim verify --model results/train_small/model_qat_khot2_e8.fxm\n"
      "  fxsim train --config docs/examples/train_fashion_mnist.toml --out results/full "
      "--threads 2");
  sub->callback([opts, &status] { status.exit_code = run_train(*opts); });
}

}  // namespace fxsim::cli
