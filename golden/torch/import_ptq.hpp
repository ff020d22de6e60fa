// `fxsim import`'s quantization (docs/import.md): an imported float network (golden/onnx) made a
// golden network (QCnn or QMlp of the same layers, its parameters loaded: load_float), its formats
// calibrated on training images (PTQ, as `fxsim train`'s ptq variant), exported to the integer
// QuantNetwork, and its golden logits computed by the integer inference on the test images, so
// that `fxsim verify` checks the hardware against them. Plain C++ interface (torch stays in
// golden/*.cpp).
#pragma once

#include <ostream>
#include <string>

#include "fx/fx_type.hpp"
#include "golden/float_network.hpp"
#include "golden/model_file.hpp"

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
  int calibration_images = 1000;
  int test_images = 0;  // 0: all
  int threads = 1;
};

struct ImportReport {
  ModelFile file;             // the model and its golden results, ready to write
  double float_accuracy = 0;  // the imported float network on the test images
  double accuracy = 0;        // the integer inference (the golden logits)
  std::string formats;        // one line per layer
  int calibration_images = 0, test_images = 0;
};

// Throws std::invalid_argument naming the layer or option for a network the golden model cannot
// hold (an input of another size than the images, more than one input channel, a mean with a
// padded first convolution).
ImportReport quantize_imported(const FloatNetwork& net, const ImportOptions& options,
                               std::ostream& log);

// The float network's outputs ([images, outputs], row-major) for `pixels` (images x H*W*C bytes,
// y, x, c order) through the golden model's float path, the preprocessing folded in as
// quantize_imported does: what the tests compare with PyTorch's own outputs.
std::vector<float> imported_float_outputs(const FloatNetwork& net, const ImportOptions& options,
                                          const std::vector<std::uint8_t>& pixels, int images);

}  // namespace fxsim::golden
