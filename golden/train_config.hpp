// `fxsim train` configuration (docs/golden.md, "Training config"), read from TOML. Plain C++.
// Every problem is a ConfigError reading "FILE:LINE: key: what was expected".
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "fx/fx_type.hpp"
#include "golden/stochastic_config.hpp"
#include "models/units/bn_act/bn_act.hpp"

namespace fxsim::golden {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One layer of `model.layers` (docs/golden.md, "CNN layers"): "convKxK-C" (optionally "-pP"),
// "poolS" and "dense-N". Every conv and every dense layer but the last is followed by batch norm
// and `model.activation`; the last dense layer gives the 10 logits (no activation).
struct LayerSpec {
  enum class Kind { CONV, POOL, DENSE };
  Kind kind = Kind::DENSE;
  int kernel = 3;    // conv: K x K, 1..7
  int padding = 1;   // conv: zero padding 0..3 (default K / 2: "same" for odd K)
  int stride = 1;    // conv: 1..K (output (H + 2P - K) / S + 1, rounded down)
  int size = 2;      // pool: window side and stride, 2..4
  int outputs = 10;  // conv: output channels; dense: width
};

struct TrainConfig {
  std::uint64_t seed = 1;
  // [data]
  std::string data_dir = "/usr/share/datasets/fashion-mnist";
  long train_images = 0;  // the first N (0: all)
  long test_images = 0;
  long calibration_images = 2000;
  // [model]
  std::vector<int> hidden = {256, 128};  // an MLP (784 - hidden... - 10), unless `layers` is set
  std::vector<LayerSpec> layers;         // a CNN (conv / pool layers, then dense layers)
  units::Activation activation = units::Activation::RELU;  // of every hidden layer
  // [float]
  int epochs = 4;
  int batch_size = 128;
  double learning_rate = 1e-3;
  // [qat]
  int qat_epochs = 2;
  double qat_learning_rate = 2e-4;
  double binary_point_learning_rate = 1e-2;
  // [quant]
  int weight_bits = 8;
  std::string weight_kind = "fixed";  // fixed | khot | spt: every layer's weights
  int weight_k = 2;                   // K of khot / spt weights
  int mac_bits = 16;
  int logit_bits = 16;
  std::vector<int> elementwise_bits = {4, 6, 8};
  std::vector<std::string> methods = {"ptq", "qat", "qat_bp"};  // per elementwise width
  std::vector<int> khot_k = {1, 2, 3};  // K-hot BN scales (PTQ and QAT), at khot_bits
  int khot_bits = 8;
  fx::Rounding rounding = fx::Rounding::RND_CONV;
  int simd = 8;
  // quant.stochastic (weights / activations / gradients) and quant.gradient_bits: stochastic
  // rounding in the QAT variants' training (docs/golden.md, "Stochastic rounding").
  StochasticRounding stochastic;
  // Affine integer variants (docs/golden.md, "Affine variants"; MLP with ReLU only): for each
  // width B, weight granularity and method, "affine_<method>_int<B>_<pt|pc>". None by default.
  std::vector<int> affine_bits;  // 2..8
  std::vector<std::string> affine_weights = {"per_tensor", "per_channel"};
  std::vector<std::string> affine_methods = {"ptq", "qat"};
  std::string affine_calibration = "minmax";  // minmax | percentile
  double affine_percentile = 99.99;           // (50, 100]
  // [binary] Binary / ternary MLPs trained with straight-through estimators (docs/golden.md,
  // "Binary and ternary networks"; an MLP only): "binary" and "ternary" weights with
  // fixed-point activations, "bnn" binary weights and activations. None by default.
  std::vector<std::string> binary_variants;
  int binary_epochs = 10;
  double binary_learning_rate = 1e-3;
  int binary_activation_bits = 8;      // hidden ufixed<B, I> of the binary / ternary weights
  int binary_activation_int_bits = 3;  // I
  int binary_bn_bits = 16;             // bn_act scale and bias widths
  // [export]
  bool export_models = true;
};

// Parses one `model.layers` entry; throws std::invalid_argument saying what was expected.
LayerSpec parse_layer_spec(const std::string& text);

TrainConfig load_train_config(const std::string& path);
TrainConfig parse_train_config(const std::string& text, const std::string& source_name);

}  // namespace fxsim::golden
