// A float network as an importer hands it to the golden model (docs/import.md): the layers
// fxsim can quantize, in order, with their float parameters in torch's layouts. A MAC layer (a
// convolution or a dense layer) carries its own bias, an optional batch norm and its activation;
// max-pool layers sit between convolutions; a flatten (torch's C, Y, X order) separates the
// feature stage from the dense layers. Plain C++: golden/onnx reads ONNX files into it,
// golden/torch quantizes it (import_ptq.hpp).
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "fx/fx_type.hpp"
#include "golden/quant_network.hpp"
#include "models/units/bn_act/bn_act.hpp"

namespace fxsim::golden {

// y = gamma * (x - mean) / sqrt(var + eps) + beta, per channel (inference mode).
struct FloatBatchNorm {
  std::string name;
  std::vector<float> gamma, beta, mean, var;
  double eps = 1e-5;
};

struct FloatMacLayer {
  std::string name;  // the source's node name (ONNX: the Conv / Gemm / MatMul node)
  bool conv = false;
  int in = 0, out = 0;          // dense: features; conv: channels
  int kernel = 1, padding = 0;  // conv: K x K, symmetric zero padding
  int stride = 1;               // conv: the same in both directions
  std::vector<float> weight;    // conv [out, in, K, K]; dense [out, in], row-major
  std::vector<float> bias;      // out values, or empty
  std::optional<FloatBatchNorm> bn;
  units::Activation act = units::Activation::NONE;  // NONE, RELU, RELU_CLIP or HARDTANH
  double clip = 0.0;                                // RELU_CLIP's upper bound
  // Formats the source fixes (QONNX Quant nodes on the weights, the bias, the output after the
  // activation): the import keeps them instead of calibrating (weight and bias: their values are
  // already values of the format).
  std::optional<fx::FxType> weight_format, bias_format, out_format;
};

struct FloatPoolLayer {
  std::string name;
  int size = 2;  // size x size windows, stride size
};

using FloatFeature = std::variant<FloatMacLayer, FloatPoolLayer>;

struct FloatNetwork {
  MapShape input;                      // H x W x C of one image (an MLP's input: 1 x 1 x F)
  std::vector<FloatFeature> features;  // convolutions and max-pools (empty: an MLP)
  std::vector<FloatMacLayer> dense;    // after the flatten; the last one gives the logits
  std::string source;                  // what it was read from (for messages and metadata)
};

}  // namespace fxsim::golden
