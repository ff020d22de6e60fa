// The affine variants of `fxsim train` (docs/golden.md, "Affine variants"): PTQ of the trained
// float MLP into affine integer layers (golden/torch/affine_mlp.hpp), and QAT fine-tuning of the
// folded float layers with fake quantization, then the same export. Each is evaluated with the
// integer inference (golden::affine_dense_forward) on the test set, with both requantization
// methods, and exported (the integer method's layers, the hardware's) as a version-3 model file.
// Include from golden/ translation units only (pulls in LibTorch).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "golden/torch/affine_mlp.hpp"
#include "golden/torch/dataset_tensors.hpp"
#include "golden/torch/train.hpp"
#include "golden/train_config.hpp"

namespace fxsim::golden {

struct AffineVariant {
  std::string method;  // ptq | qat
  AffineSettings settings;
  std::string name() const;  // "affine_ptq_int8_pc", "affine_qat_int4_pt"
};

// Every width of quant.affine_bits x every quant.affine_weights x every quant.affine_methods
// (qat only when qat.epochs > 0), in that order.
std::vector<AffineVariant> affine_variants_of(const TrainConfig& cfg);

// Where and with what a variant's model file is written (cfg.export_models).
struct AffineExport {
  std::string dir;  // OUT_DIR: model_<variant>.fxm
  int train_images = 0;
  double float_accuracy = 0;
};

// One variant from the folded float layers: calibrate the activations on `calibration` (float32
// pixel / 256), fine-tune a copy of the layers (qat: qat.epochs, qat.learning_rate, batches from
// a generator of the seed and the variant's name, activation types fixed at the calibrated
// ones), export, and measure.
VariantResult run_affine_variant(const TrainConfig& cfg, const AffineVariant& v,
                                 const std::vector<FoldedDense>& folded, const Data& train_data,
                                 const torch::Tensor& calibration, const Data& test,
                                 const AffineExport& out, std::ostream& log);

}  // namespace fxsim::golden
