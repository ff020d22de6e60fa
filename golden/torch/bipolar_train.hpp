// The binary / ternary variants of `fxsim train` (docs/golden.md, "Binary and ternary networks"):
// a BipolarMlp of the config's hidden widths trained from scratch with straight-through
// estimators ([binary] epochs and learning rate, batches from a generator of the seed and the
// variant's name), exported to a BipolarNetwork, evaluated with the integer inference on the
// test set and written as a version-4 model file with its golden logits.
// Include from golden/ translation units only (pulls in LibTorch).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "golden/torch/bipolar_mlp.hpp"
#include "golden/torch/dataset_tensors.hpp"
#include "golden/torch/train.hpp"
#include "golden/train_config.hpp"

namespace fxsim::golden {

// "binary", "ternary", "bnn" -> the variant's kind; its settings from [binary] and [quant]
// (logit_bits, rounding, simd).
BipolarVariantKind bipolar_kind_of(const std::string& name);
BipolarSettings bipolar_settings_of(const TrainConfig& cfg, const std::string& name);

struct BipolarRun {
  std::string out_dir;  // model_<name>.fxm when cfg.export_models
  int train_images = 0;
  double float_accuracy = 0;
};

// One variant (cfg.binary_variants: "binary", "ternary" or "bnn"): train, export, measure.
// VariantResult: method "ste", elementwise_bits the hidden activation width (1 for bnn),
// accuracy the integer inference's, fake_accuracy the training forward's (eval mode).
VariantResult run_bipolar_variant(const TrainConfig& cfg, const std::string& name,
                                  const Data& train_data, const torch::Tensor& calibration,
                                  const Data& test, const BipolarRun& run, std::ostream& log);

}  // namespace fxsim::golden
