#include "golden/torch/dataset_tensors.hpp"

#include <algorithm>
#include <vector>

namespace fxsim::golden {

Data to_tensors(const Dataset& d) {
  const int n = d.images.count;
  const int features = d.images.pixels_per_image();
  Data t;
  t.raw = torch::from_blob(const_cast<std::uint8_t*>(d.images.pixels.data()), {n, features},
                           torch::kUInt8)
              .to(torch::kInt64);
  t.x = t.raw.to(torch::kFloat32) / 256.0;
  t.y = torch::from_blob(const_cast<std::uint8_t*>(d.labels.data()), {n}, torch::kUInt8)
            .to(torch::kInt64);
  return t;
}

double accuracy_of(const torch::Tensor& logits, const torch::Tensor& y) {
  return torch::eq(logits.argmax(1), y).to(torch::kFloat64).mean().item<double>();
}

torch::Tensor outputs_of(QNet& net, const torch::Tensor& x, Precision p) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> parts;
  for (std::int64_t s = 0; s < x.size(0); s += kEvalChunk) {
    parts.push_back(net.forward(x.narrow(0, s, std::min<std::int64_t>(kEvalChunk, x.size(0) - s)),
                                p, /*training=*/false));
  }
  return torch::cat(parts);
}

double evaluate(QNet& net, const Data& d, Precision p) {
  return accuracy_of(outputs_of(net, d.x, p), d.y);
}

GoldenResults test_set_golden(const torch::Tensor& logits, const Data& test, double accuracy,
                              const std::string& images) {
  GoldenResults g;
  g.images = images;
  g.count = static_cast<int>(test.y.size(0));
  g.logits = to_int64_vector(logits);
  g.labels = to_int64_vector(test.y);
  g.accuracy = accuracy;
  return g;
}

}  // namespace fxsim::golden
