// What `fxsim train` needs of a quantizable network, whatever its layers (QMlp: dense layers;
// QCnn: conv / max-pool layers, then dense layers): the float and fake-quantized forward, the
// trainable parameters, calibration, the quantization settings and the export to the integer
// QuantNetwork. Also the pieces both networks share: the formats of one MAC layer and its batch
// norm from calibrated ranges, the export of a dense layer and of a batch norm as bn_act.
// Include from golden/ translation units only (pulls in LibTorch).
#pragma once

#include <torch/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "golden/float_network.hpp"
#include "golden/quant_network.hpp"
#include "golden/torch/layers.hpp"

namespace fxsim::golden {

// How a calibrated network is quantized.
struct QuantSettings {
  int weight_bits = 8;
  int mac_bits = 16;         // the MAC output (accumulator requant), input of bn_act
  int elementwise_bits = 8;  // BN scale and bias, hidden bn_act outputs (= next layer's input)
  int logit_bits = 16;       // the last bn_act output
  fx::Rounding rounding = fx::Rounding::RND_CONV;  // every format saturates (SAT)
  int khot_k = 0;  // > 0: BN scales are khot<elementwise_bits, I, K>
  bool learn_binary_point = false;
  std::optional<fx::KhotKind> weight_kind;  // set: weights khot / spt<weight_bits, I, weight_k>
  int weight_k = 2;
};

// QuantSettings::weight_kind of a config's / command line's name: "fixed" none, "khot", "spt".
std::optional<fx::KhotKind> weight_kind_of(const std::string& name);

// Largest |value| of every quantized tensor of one MAC layer (dense or conv) and its batch norm
// (from float inference).
struct LayerRanges {
  double weight = 0, mac = 0, scale = 0, bias = 0, out = 0;
};

// Integer bits so that `max_abs` fits a signed (or unsigned) format: 2^(I-1) > max (2^I).
int calibrated_int_bits(double max_abs, bool is_signed);

// ufixed<8,0,RND_CONV,SAT>: raw = pixel byte, value = pixel / 256.
fx::FxType pixel_input_type();

class QNet {
 public:
  virtual ~QNet() = default;
  virtual std::unique_ptr<QNet> clone() const = 0;  // deep: parameters and formats copied

  // x: [batch, pixels] float32 pixel / 256 (exactly the values of pixel_input_type()).
  virtual torch::Tensor forward(const torch::Tensor& x, Precision p, bool training) = 0;

  virtual std::vector<torch::Tensor> parameters() const = 0;         // weights, gammas, betas
  virtual std::vector<torch::Tensor> format_parameters() const = 0;  // learned fraction bits
  virtual void clamp_formats() = 0;

  // One entry per MAC layer (conv and dense, in order); float, eval mode.
  virtual std::vector<LayerRanges> calibrate(const torch::Tensor& x) const = 0;
  virtual void set_formats(const std::vector<LayerRanges>& ranges, const QuantSettings& s) = 0;

  // Takes the float parameters of `net` (an imported network of this network's shape: the same
  // MAC layers, pools and sizes in order; load_mac_layer per layer).
  virtual void load_float(const FloatNetwork& net) = 0;
  // After set_formats: the formats `net` fixes (QONNX) over the calibrated ones
  // (fix_layer_formats per MAC layer, in order).
  virtual void fix_formats(const FloatNetwork& net) = 0;

  // The integer model of the current parameters and formats (BN folded with running stats).
  virtual QuantNetwork export_model(int simd) const = 0;

  // A human-readable list of the current formats, one MAC layer per line.
  virtual std::string describe_formats() const = 0;
};

// The formats of a MAC layer (weights, MAC output) and its batch norm from calibrated ranges; the
// K-hot / SPT weight type (s.weight_kind) with the weight format's W and I, or none. Hidden outputs
// (`last` false) follow a ReLU (or relu_clip): unsigned, so all of the bits carry magnitude; after
// hardtanh they are signed; the logits are signed logit_bits.
void set_layer_formats(QFormat& weight_fmt, std::optional<fx::KhotType>& khot_weight,
                       QFormat& out_fmt, QuantBatchNorm& bn, const LayerRanges& r,
                       const QuantSettings& s, bool last);
// Every format of a MAC layer and its batch norm: learned fraction bits appended to `out`; clamp.
void add_format_parameters(const QFormat& weight_fmt, const QFormat& out_fmt,
                           const QuantBatchNorm& bn, std::vector<torch::Tensor>& out);
void clamp_layer_formats(QFormat& weight_fmt, QFormat& out_fmt, QuantBatchNorm& bn);
// "  NAME: weight T, mac T, scale T, bias T, out T\n".
std::string describe_layer(const std::string& name, const QFormat& weight_fmt,
                           const std::optional<fx::KhotType>& khot_weight, const QFormat& out_fmt,
                           const QuantBatchNorm& bn);
// The ranges of a layer whose MAC output is `mac` and bn_act output `out`.
LayerRanges layer_ranges(const torch::Tensor& weight, const torch::Tensor& mac,
                         const QuantBatchNorm& bn, const torch::Tensor& out);

// The batch norm folded with its running statistics, quantized: one scale (fixed or K-hot) and
// one bias per channel, the output type and the activation.
BnActLayer export_bn(const QuantBatchNorm& bn);

// The dense layer of `lin` and `bn` reading `input_type`: `weight` [out, in] (lin.weight, or its
// columns reordered) quantized to lin.weight_fmt (K-hot / SPT weights: their values as raws of
// their fixed<W, I> container, DenseLayer having fixed weight types), an exact SAT accumulator
// (fx::accumulator_type), the requant to lin.out_fmt, then bn_act.
DenseLayer export_dense(const std::string& name, const QuantLinear& lin,
                        const torch::Tensor& weight, const QuantBatchNorm& bn,
                        const fx::FxType& input_type, int simd);

std::vector<std::int64_t> to_int64_vector(const torch::Tensor& t);

// One imported MAC layer into a network's layer: `weight` takes l.weight (its shape kept), `bn`
// the batch norm with the layer's bias folded into its mean (BN(W x + b) has mean - b), or, without
// one, the identity (gamma 1, var 1, eps 0: a folded scale of exactly 1) whose beta is the bias;
// and the activation and clip.
void load_mac_layer(const FloatMacLayer& l, torch::Tensor& weight, QuantBatchNorm& bn);

// The formats an imported layer fixes (FloatMacLayer::weight_format, bias_format, out_format)
// over the calibrated ones. A layer whose output format is fixed keeps an exact MAC output (the
// calibrated integer bits, F = input_frac + the weight's F) so that the graph's quantizer is its
// only rounding. Returns the fraction bits of the layer's output (the next layer's input).
int fix_layer_formats(const FloatMacLayer& l, int input_frac, QFormat& weight_fmt,
                      std::optional<fx::KhotType>& khot_weight, QFormat& mac_fmt,
                      QuantBatchNorm& bn);

}  // namespace fxsim::golden
