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
#include "golden/import_config.hpp"
#include "golden/model_file.hpp"

namespace fxsim::golden {

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
