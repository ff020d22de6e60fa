// `fxsim train`: float baseline, PTQ, QAT with fixed formats, QAT with learned binary points and
// K-hot BN scales on Fashion-MNIST, for the MLP (model.hidden) or a CNN (model.layers); every
// quantized variant is evaluated with the integer inference and exported as a model file (a CNN:
// version 2). Plain C++ interface (torch stays in golden/*.cpp).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "golden/train_config.hpp"

namespace fxsim::golden {

struct VariantResult {
  std::string name;          // "ptq_e4", "qat_bp_e8", "qat_khot2_e8", ...
  std::string method;        // ptq | qat | qat_bp
  int elementwise_bits = 0;  // BN scale/bias and hidden activation width
  int khot_k = 0;            // 0: fixed-point BN scales
  double accuracy = 0;       // integer inference (the hardware's arithmetic) on the test set
  double fake_accuracy = 0;  // fake-quantized float forward, for comparison
  std::string formats;       // the formats used, one line per layer
  std::string model_file;    // path of the exported model ("" when not exported)
  // Affine variants only (golden/torch/affine_train.hpp): "per_tensor" / "per_channel" weights
  // ("" for the fixed-point and K-hot variants), and the accuracy with the `integer`
  // requantization (`accuracy` is the `float` one, PyTorch QNNPACK's).
  std::string affine_weights;
  double integer_requant_accuracy = 0;
};

struct TrainReport {
  std::uint64_t seed = 0;
  int train_images = 0;
  int test_images = 0;
  double float_accuracy = 0;
  std::vector<VariantResult> variants;
};

// Runs everything; progress (one line per epoch and per variant) goes to `log`. Writes
// OUT_DIR/model_<variant>.fxm (when cfg.export_models), OUT_DIR/results.json and results.csv.
// Deterministic: the same config, seed and thread count give identical files.
TrainReport run_training(const TrainConfig& cfg, const std::string& out_dir, int threads,
                         std::ostream& log);

}  // namespace fxsim::golden
