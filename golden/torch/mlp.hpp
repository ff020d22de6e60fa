// The Fashion-MNIST MLP (784 - hidden... - 10, every layer dense + batch norm, ReLU on the hidden
// ones): float baseline, calibration of formats from observed ranges (PTQ), the quantization
// settings of QAT, and the export to the integer QuantNetwork the hardware runs.
// Include from golden/ translation units only (pulls in LibTorch).
#pragma once

#include <torch/types.h>

#include <vector>

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
};

// Largest |value| of every quantized tensor, per layer (from float inference).
struct LayerRanges {
  double weight = 0, mac = 0, scale = 0, bias = 0, out = 0;
};

// Integer bits so that `max_abs` fits a signed (or unsigned) format: 2^(I-1) > max (2^I).
int calibrated_int_bits(double max_abs, bool is_signed);

class QMlp {
 public:
  // sizes: {784, 256, 128, 10}. Weights drawn from a generator seeded with `seed`.
  QMlp(const std::vector<int>& sizes, std::uint64_t seed);
  QMlp clone() const;

  // x: [batch, 784] float32 pixel / 256 (exactly the values of input_type).
  torch::Tensor forward(const torch::Tensor& x, Precision p, bool training);

  std::vector<torch::Tensor> parameters() const;         // weights, gammas, betas
  std::vector<torch::Tensor> format_parameters() const;  // learned fraction bits
  void clamp_formats();

  std::vector<LayerRanges> calibrate(const torch::Tensor& x) const;  // float, eval mode
  void set_formats(const std::vector<LayerRanges>& ranges, const QuantSettings& s);

  // The integer model of the current parameters and formats (BN folded with running stats).
  QuantNetwork export_model(int simd) const;

  // A human-readable list of the current formats, one layer per line.
  std::string describe_formats() const;

  static fx::FxType input_type();  // ufixed<8,0,RND_CONV,SAT>: raw = pixel byte

 private:
  std::vector<QuantLinear> linears_;
  std::vector<QuantBatchNorm> bns_;
};

}  // namespace fxsim::golden
