// A CNN for Fashion-MNIST from `model.layers` (golden/train_config.hpp): conv layers
// (QuantConv2d + per-channel QuantBatchNorm + activation) and max-pool layers on the
// 28 x 28 x 1 image, a flatten, then dense layers (QuantLinear + QuantBatchNorm; the last gives
// the logits, no activation). Float and fake-quantized forward, calibration, formats and the
// export to a version-2 QuantNetwork (conv / max_pool feature layers, flatten yxc, dense layers).
// Include from golden/ translation units only (pulls in LibTorch).
#pragma once

#include <torch/types.h>

#include <memory>
#include <vector>

#include "golden/quant_network.hpp"
#include "golden/torch/layers.hpp"
#include "golden/torch/qnet.hpp"
#include "golden/train_config.hpp"

namespace fxsim::golden {

class QCnn : public QNet {
 public:
  // `layers`: conv / pool specs, then dense specs (the last: the logits). `input`: the image's
  // H x W x C. Weights drawn in layer order from a generator seeded with `seed`.
  QCnn(const std::vector<LayerSpec>& layers, const MapShape& input, units::Activation act,
       std::uint64_t seed);
  std::unique_ptr<QNet> clone() const override;

  // x: [batch, H * W * C] float32 pixel / 256 (one channel: [batch, H * W]).
  torch::Tensor forward(const torch::Tensor& x, Precision p, bool training) override;

  std::vector<torch::Tensor> parameters() const override;
  std::vector<torch::Tensor> format_parameters() const override;
  void clamp_formats() override;

  std::vector<LayerRanges> calibrate(const torch::Tensor& x) const override;
  void set_formats(const std::vector<LayerRanges>& ranges, const QuantSettings& s) override;
  void load_float(const FloatNetwork& net) override;
  void fix_formats(const FloatNetwork& net) override;

  // Conv layers get simd = min(simd, their input channels) (the first conv has one channel: no
  // zero lanes), dense layers `simd`. The first dense layer's weight columns are reordered from
  // torch's flatten order (c, y, x) to the stream's (y, x, c) (yxc_columns).
  QuantNetwork export_model(int simd) const override;
  std::string describe_formats() const override;

 private:
  // A feature layer of the forward pass: a conv (index into convs_) or a max-pool of `pool`.
  struct Feature {
    int conv = -1;  // >= 0: convs_[conv], conv_bns_[conv]
    int pool = 0;   // > 0: max-pool size x size, stride size
  };
  // The forward pass; `ranges` (calibration) receives every MAC layer's ranges when given.
  torch::Tensor run(const torch::Tensor& x, Precision p, bool training,
                    std::vector<LayerRanges>* ranges);

  MapShape input_;
  std::vector<Feature> features_;
  std::vector<QuantConv2d> convs_;
  std::vector<QuantBatchNorm> conv_bns_;
  std::vector<QuantLinear> linears_;
  std::vector<QuantBatchNorm> bns_;
};

// [out, C * H * W] columns in torch's flatten order (c, y, x) -> [out, H * W * C] in the stream
// order (y, x, c): column (y * W + x) * C + c of the result is column (c * H + y) * W + x.
torch::Tensor yxc_columns(const torch::Tensor& weight, const MapShape& map);

}  // namespace fxsim::golden
