// A layer of a golden model file as a sweep workload ([workload] kind = "layer", docs/sweeps.md,
// "Layer workloads"): the model file written by `fxsim train` (golden/model_file.hpp, no torch),
// the chosen layer and the pixel bytes of the first N golden test images. parse_sweep loads and
// checks it once (every error before any point runs); every worker process gets the same one by
// parsing the same sweep file.
//
// Its float layer is the trained layer in values (raw * 2^-F of each tensor's own type): the
// weights, the folded BN scale and bias, and as inputs the activations the quantized model really
// feeds that layer: the images through the preceding layers' integer inference
// (golden::reference_dense, the models/units path the hardware is verified against).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "explore/float_layer.hpp"
#include "golden/model_file.hpp"

namespace fxsim::explore {

struct LayerSource {
  std::string model_path;   // resolved against the sweep file's directory
  std::string images_path;  // the IDX file of the golden test images
  golden::ModelFile file;
  int layer = 0;   // index into file.model.layers (0 for a whole-model workload)
  int images = 0;  // the first `images` golden test images (the batch)
  // images x the model's input features: the pixel bytes, i.e. raws of the model's input type.
  std::vector<std::uint8_t> pixels;

  const golden::DenseLayer& dense() const;
  // The layer's outputs are the model's logits.
  bool last_layer() const;

  // The model's logits (images x classes, raws of the last layer's output type) when the chosen
  // layer's outputs are `raw` (images x out_features of type `raw_type`, e.g. a design point's
  // engine outputs) and every other layer is the trained one: each value is cast into the next
  // layer's input type (fx::convert, that type's rounding and overflow: the interface between
  // the explored layer and the rest of the model), then golden::reference_dense through the
  // following layers. On the last layer the raws are the logits already (no cast).
  std::vector<std::int64_t> logits_from_layer_output(const std::vector<std::int64_t>& raw,
                                                     const fx::FxType& raw_type) const;
  // The same for outputs in values (an int point's, dequantized): each cast into the next
  // layer's input type (fx::cast_from_double, its rounding and overflow). Not for the last
  // layer (throws std::logic_error): its outputs are the logits themselves.
  std::vector<std::int64_t> logits_from_layer_values(const std::vector<double>& values) const;
};

// The raws (of dense().input_type) entering the layer, images x in_features: the pixels through
// golden::reference_dense of every preceding layer, image by image.
std::vector<std::int64_t> layer_input_raws(const LayerSource& s);

// A trained layer's parameters in values (weights, BN scale and bias: raw x 2^-F of their own
// types; no BN: scale 1, bias 0) for `batch` inputs; input and labels left empty.
FloatLayer trained_float_layer(const golden::DenseLayer& layer, int batch);

// The float layer of the workload (see the file comment): trained_float_layer plus the layer's
// real inputs and the golden labels of the images (for the model's accuracy with the layer
// replaced). Layers without batch norm get scale 1 and bias 0 (parse_sweep allows them only
// bn = "none" points, which ignore it).
FloatLayer layer_float_layer(const LayerSource& s);

}  // namespace fxsim::explore
