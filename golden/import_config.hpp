// The options of `fxsim import`'s quantization (docs/import.md): the preprocessing the network
// was trained with, the formats, the data; and the TOML file that sets them (`--config`), whose
// keys are the command line's long option names in three tables ([input], [quant], [data]).
// Plain C++; golden/torch/import_ptq.hpp uses them.
#pragma once

#include <string>

#include "fx/fx_type.hpp"

namespace fxsim::golden {

struct ImportOptions {
  // The preprocessing the network was trained with: it reads (pixel / divisor - mean) / std.
  // fxsim's input is ufixed<8,0> (pixel / 256): the first layer's weights take the factor
  // 256 / (divisor x std) and its bias - mean / std x (the sum of its weights), exactly what the
  // network computes, except at a padded convolution's borders (refused when mean != 0).
  double input_divisor = 255.0;  // torchvision's ToTensor
  double input_mean = 0.0;
  double input_std = 1.0;
  // Formats (as `fxsim train`'s [quant]): widths, rounding, K-hot BN scales, K-hot / SPT weights.
  int weight_bits = 8;
  int mac_bits = 16;
  int elementwise_bits = 8;
  int logit_bits = 16;
  fx::Rounding rounding = fx::Rounding::RND_CONV;
  int khot_k = 0;                     // > 0: BN scales khot<elementwise_bits, I, K>
  std::string weight_kind = "fixed";  // fixed | khot | spt
  int weight_k = 2;
  int simd = 8;
  // Data: Fashion-MNIST IDX files in data_dir (train-* for calibration, t10k-* for the golden
  // results).
  std::string data_dir = "/usr/share/datasets/fashion-mnist";
  // Other data: IDX files (gzip or plain) of images of the network's size, the test images'
  // labels (0..9). Empty: data_dir's files. The golden results name the test file by its
  // absolute path, so `fxsim verify` finds it.
  std::string calibration_idx;
  std::string test_idx, test_labels_idx;
  // Or raw tensor files (golden/raw_images.hpp): N x C x H x W uint8 pixels, one uint8 label an
  // image; the only way in for images of more than one channel. The test images are converted
  // into the IDX file test_images_out (`fxsim import` puts it beside the model file), which the
  // golden results name.
  std::string calibration_raw;
  std::string test_raw, test_labels_raw;
  std::string test_images_out;
  int calibration_images = 1000;
  int test_images = 0;  // 0: all
  int threads = 1;
};

// The options of a TOML file, on top of the defaults:
//   [input] divisor, mean, std
//   [quant] weight_bits, mac_bits, bits, logit_bits, rounding, khot_scale, weight_kind,
//           weight_k, simd
//   [data]  dir, calibration_images, test_images, calibration_idx, test_idx, test_labels_idx,
//           calibration_raw, test_raw, test_labels_raw
// Relative paths in [data] are taken relative to the file's folder. Throws ConfigError
// "FILE:LINE: table.key: what was expected" (train_config.hpp) for an unknown key, a value of
// the wrong type or out of range.
ImportOptions load_import_config(const std::string& path);
ImportOptions parse_import_config(const std::string& text, const std::string& source);

}  // namespace fxsim::golden
