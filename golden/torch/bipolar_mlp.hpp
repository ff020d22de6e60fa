// The binary / ternary MLPs of `fxsim train` (docs/golden.md, "Binary and ternary networks"):
// 784 - hidden... - 10, every layer a bias-free dense layer of quantized weights (latent float
// weights clipped to [-1, 1], straight-through gradients: golden/torch/bipolar_quant.hpp) and a
// batch norm; then
//   BINARY / TERNARY: hidden outputs ReLU'd and fake-quantized to ufixed<B, I> (what bn_act
//     gives the next layer), inputs the pixels; the export folds the BN and the weight scale
//     into bn_act;
//   BNN: binary weights, hidden outputs sign(BN(x)) with hardtanh's STE; the first layer reads
//     the 8-bit pixels (MODE 1), the others the bits (MODE 0, xnor-popcount); the export folds
//     each hidden BN into one integer threshold per channel (units::thresholds_from_batch_norm,
//     levels {0}).
// The last layer's BN output is the logits (bn_act without activation, fixed<logit_bits, I>).
// Its integer inference on tensors: forward_bipolar_integer.
// Include from golden/ translation units only (pulls in LibTorch).
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "fx/bipolar.hpp"
#include "fx/fx_type.hpp"
#include "golden/bipolar_network.hpp"

namespace fxsim::golden {

enum class BipolarVariantKind { BINARY, TERNARY, BNN };

struct BipolarSettings {
  BipolarVariantKind kind = BipolarVariantKind::BINARY;
  int activation_bits = 8;      // hidden activations ufixed<B, I> (BINARY / TERNARY)
  int activation_int_bits = 3;  // I: values 0 .. 2^I - 2^(I - B)
  int bn_bits = 16;             // bn_act's scale and bias widths (integer bits calibrated)
  int logit_bits = 16;          // the logits, fixed<logit_bits, I> (I calibrated)
  fx::Rounding rounding = fx::Rounding::RND_CONV;  // of every format (all saturate)
  int simd = 8;

  fx::Bipolar weight_kind() const {
    return kind == BipolarVariantKind::TERNARY ? fx::Bipolar::TERNARY : fx::Bipolar::BINARY;
  }
  fx::FxType activation_type() const;  // ufixed<activation_bits, activation_int_bits, Q, SAT>
};

class BipolarMlp {
 public:
  // sizes {784, 256, 128, 10}; latent weights U(-1/sqrt(in), 1/sqrt(in)) from a generator
  // seeded with `seed`; BN gamma 1, beta 0.
  BipolarMlp(const std::vector<int>& sizes, const BipolarSettings& s, std::uint64_t seed);

  // x: [batch, 784] float32 pixel / 256 -> [batch, 10] logits. Training: batch statistics
  // (running statistics updated, momentum 0.1); else the running statistics.
  torch::Tensor forward(const torch::Tensor& x, bool training);
  std::vector<torch::Tensor> parameters() const;  // latent weights, gammas, betas
  void clip_weights();                            // latent weights into [-1, 1]

  // The integer network of the current weights and running statistics; the logits' integer
  // bits from the largest |logit| of the float forward on `calibration` (pixel / 256).
  BipolarNetwork export_network(const torch::Tensor& calibration) const;
  // "  fc1: binary<0.0123> x ufixed<8,0>, acc ..., bn_act -> ufixed<8,3>" per layer.
  static std::string describe(const BipolarNetwork& net);

  const BipolarSettings& settings() const { return s_; }

 private:
  BipolarSettings s_;
  std::vector<torch::Tensor> w_, gamma_, beta_, mean_, var_;
  static constexpr double kEps = 1e-5;
};

// The integer inference of a binary / ternary MLP on tensors, the hardware's arithmetic:
// input_raw int64 [batch, in] raws of net.input_type -> [batch, classes] logit raws. Per layer
// the exact accumulator (v x raw, or v_w x v_a for bits, summed in float64: exact below 2^53),
// then bn_act_integer (golden/torch/int_inference.hpp) on bn_stage_layer or the thresholds.
torch::Tensor forward_bipolar_integer(const BipolarNetwork& net, const torch::Tensor& input_raw);

}  // namespace fxsim::golden
