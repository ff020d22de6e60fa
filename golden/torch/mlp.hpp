// The Fashion-MNIST MLP (784 - hidden... - 10, every layer dense + batch norm, the activation on
// the hidden ones): float baseline, calibration of formats from observed ranges (PTQ), the
// quantization settings of QAT, and the export to the integer QuantNetwork the hardware runs.
// Include from golden/ translation units only (pulls in LibTorch).
#pragma once

#include <torch/types.h>

#include <memory>
#include <vector>

#include "golden/quant_network.hpp"
#include "golden/torch/affine_mlp.hpp"
#include "golden/torch/layers.hpp"
#include "golden/torch/qnet.hpp"

namespace fxsim::golden {

class QMlp : public QNet {
 public:
  // sizes: {784, 256, 128, 10}. Weights drawn from a generator seeded with `seed`.
  QMlp(const std::vector<int>& sizes, std::uint64_t seed,
       units::Activation act = units::Activation::RELU);
  std::unique_ptr<QNet> clone() const override;

  // x: [batch, 784] float32 pixel / 256 (exactly the values of input_type).
  torch::Tensor forward(const torch::Tensor& x, Precision p, bool training) override;

  std::vector<torch::Tensor> parameters() const override;
  std::vector<torch::Tensor> format_parameters() const override;
  void clamp_formats() override;

  std::vector<LayerRanges> calibrate(const torch::Tensor& x) const override;
  void set_formats(const std::vector<LayerRanges>& ranges, const QuantSettings& s) override;
  void load_float(const FloatNetwork& net) override;
  void fix_formats(const FloatNetwork& net) override;

  QuantNetwork export_model(int simd) const override;
  std::string describe_formats() const override;

  // Every dense layer with its batch norm folded in (running statistics), for the affine
  // variants; `relu` on the hidden layers. Throws std::invalid_argument when a hidden layer's
  // activation is not ReLU.
  std::vector<FoldedDense> folded_dense() const;

  static fx::FxType input_type() { return pixel_input_type(); }

 private:
  std::vector<QuantLinear> linears_;
  std::vector<QuantBatchNorm> bns_;
};

}  // namespace fxsim::golden
