// A quantized network as the hardware runs it: plain C++ (no torch), shared by the exporter, the
// model-file loader and `fxsim verify`. An MLP is a list of dense layers (golden/dense_layer.hpp),
// each one design point of docs/engine.md. A CNN puts a feature stage in front of them: conv
// layers (golden/conv_layer.hpp) and max-pool layers on H x W x C maps streamed pixel by pixel,
// then a flatten into the first dense layer's inputs. The dense layers keep their own list, so
// every MLP code path reads `layers` as before and code that runs dense models only checks
// dense_only() (require_dense) first.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fx/fx_type.hpp"
#include "fx/khot.hpp"
#include "fx/type_parser.hpp"
#include "golden/conv_layer.hpp"
#include "golden/dense_layer.hpp"
#include "models/units/bn_act/bn_act.hpp"
#include "models/units/fx_mac_pe/fx_mac_pe.hpp"

namespace fxsim::golden {

// Max-pooling of an H x W x C map (models/units/max_pool): size x size windows with stride size,
// leftover rows / columns dropped. Raws keep their type (the maximum of raws is the raw of the
// maximum), so the output type is the input type.
struct MaxPoolLayer {
  std::string name;
  int height = 1;    // H, size..4096
  int width = 1;     // W, size..4096
  int channels = 1;  // C, 1..4096
  int size = 2;      // window side and stride, 2..4
  fx::FxType type;   // of the input and the output raws

  int out_height() const { return height / size; }
  int out_width() const { return width / size; }
};

// A layer of the feature stage, in stream order.
using FeatureLayer = std::variant<ConvLayer, MaxPoolLayer>;

// How the last feature map becomes the first dense layer's inputs. YXC is the stream order
// (pixel rows y outer, x, channels fastest): input i of the dense layer is map element
// (y, x, c) with i = (y * W + x) * C + c. (Torch's flatten is C, Y, X: the exporter reorders.)
enum class FlattenOrder { YXC };

// An H x W x C feature map's shape.
struct MapShape {
  int height = 0, width = 0, channels = 0;
  int elements() const { return height * width * channels; }
  bool operator==(const MapShape& o) const {
    return height == o.height && width == o.width && channels == o.channels;
  }
};

struct QuantNetwork {
  fx::FxType input_type;
  std::vector<FeatureLayer> features;        // conv / max-pool, applied first (empty: an MLP)
  FlattenOrder flatten = FlattenOrder::YXC;  // of the last feature map (when there is one)
  std::vector<DenseLayer> layers;            // dense layers, after the feature stage

  bool dense_only() const { return features.empty(); }
};

const std::string& layer_name(const FeatureLayer& layer);
// "conv" or "max_pool" (the model file's "kind").
const char* layer_kind(const FeatureLayer& layer);
MapShape input_shape(const FeatureLayer& layer);
MapShape output_shape(const FeatureLayer& layer);
const fx::FxType& output_type(const FeatureLayer& layer);

// Checks a max-pool layer's parameters (ranges of models/units/max_pool). Throws ModelError.
void validate(const MaxPoolLayer& layer);

// Checks every layer (validate of its kind), the chaining (a layer's input type is the previous
// output type, a feature layer's input map is the previous output map, the first dense layer's
// inputs are the flattened last map), the accumulator's fraction bits, that every raw is a value
// of its type (K-hot: representable), and that the integer sums fit 62 bits. Throws ModelError.
void validate(const QuantNetwork& model);

// For code that runs dense models only: throws ModelError "layer I is a KIND layer; RUNNER runs
// dense models (CNNs: issue 17)" naming the first feature layer (I counts every layer, feature
// layers first, as the model file lists them).
void require_dense(const QuantNetwork& model, std::string_view runner);

// The models/units configurations of a layer (what the SystemC/RTL units are built from).
units::MacPeConfig mac_config(const DenseLayer& layer);
units::BnActConfig bn_config(const DenseLayer& layer);

// Reference integer inference through models/units (mac_dot, bn_act), one input vector of raws
// of layer.input_type; returns raws of layer.output_type(). Slow and obviously right.
std::vector<std::int64_t> reference_dense(const DenseLayer& layer,
                                          const std::vector<std::int64_t>& input);
// A conv layer on one H x W x C map (stream order y, x, c): for every output pixel, its window
// gathered by plain loops (zero raws outside the map and in lanes c >= C) through reference_dense
// of window_layer; returns the Hout x Wout x OC map in stream order.
std::vector<std::int64_t> reference_conv(const ConvLayer& layer,
                                         const std::vector<std::int64_t>& input);
// A max-pool layer on one H x W x C map: the largest raw of each window.
std::vector<std::int64_t> reference_pool(const MaxPoolLayer& layer,
                                         const std::vector<std::int64_t>& input);
// The whole network on one input (a CNN's input map in stream order): the feature layers, the
// yxc flatten (the stream order itself), the dense layers; returns the logits' raws.
std::vector<std::int64_t> reference_forward(const QuantNetwork& model,
                                            const std::vector<std::int64_t>& input);

using units::activation_name;                               // models/units: one list of names
units::Activation parse_activation(std::string_view name);  // throws std::invalid_argument

}  // namespace fxsim::golden
