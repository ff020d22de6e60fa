// `fxsim train` configuration (docs/golden.md, "Training config"), read from TOML. Plain C++.
// Every problem is a ConfigError reading "FILE:LINE: key: what was expected".
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "fx/fx_type.hpp"

namespace fxsim::golden {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TrainConfig {
  std::uint64_t seed = 1;
  // [data]
  std::string data_dir = "/usr/share/datasets/fashion-mnist";
  long train_images = 0;  // the first N (0: all)
  long test_images = 0;
  long calibration_images = 2000;
  // [model]
  std::vector<int> hidden = {256, 128};
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
  int mac_bits = 16;
  int logit_bits = 16;
  std::vector<int> elementwise_bits = {4, 6, 8};
  std::vector<std::string> methods = {"ptq", "qat", "qat_bp"};  // per elementwise width
  std::vector<int> khot_k = {1, 2, 3};  // K-hot BN scales (PTQ and QAT), at khot_bits
  int khot_bits = 8;
  fx::Rounding rounding = fx::Rounding::RND_CONV;
  int simd = 8;
  // [export]
  bool export_models = true;
};

TrainConfig load_train_config(const std::string& path);
TrainConfig parse_train_config(const std::string& text, const std::string& source_name);

}  // namespace fxsim::golden
