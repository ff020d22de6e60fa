#include "golden/torch/import_ptq.hpp"

#include <ATen/Parallel.h>
#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "golden/idx.hpp"
#include "golden/torch/cnn.hpp"
#include "golden/torch/dataset_tensors.hpp"
#include "golden/torch/int_inference.hpp"
#include "golden/torch/mlp.hpp"
#include "util/heap.hpp"

namespace fxsim::golden {
namespace {

FloatMacLayer& first_mac_layer(FloatNetwork& net) {
  for (FloatFeature& f : net.features) {
    if (auto* l = std::get_if<FloatMacLayer>(&f)) return *l;
  }
  return net.dense.at(0);
}

// The preprocessing folded into the first MAC layer (ImportOptions): W' = W x 256 / (D S),
// b' = b - M / S x sum(W) per output.
FloatNetwork with_input_scaling(FloatNetwork net, const ImportOptions& o) {
  FloatMacLayer& first = first_mac_layer(net);
  const double factor = 256.0 / (o.input_divisor * o.input_std);
  const double shift = -o.input_mean / o.input_std;
  if (shift != 0.0) {
    if (first.conv && first.padding > 0) {
      throw std::invalid_argument(fmt::format(
          "--input-mean: {} pads its input with zeros, which the network sees after the "
          "normalization and fxsim before it; expected --input-mean 0 for a network whose first "
          "convolution is padded (or fold the mean into the network before exporting)",
          first.name));
    }
    if (first.bias.empty()) first.bias.assign(static_cast<std::size_t>(first.out), 0.0f);
    const std::size_t per_output = first.weight.size() / static_cast<std::size_t>(first.out);
    for (int out = 0; out < first.out; ++out) {
      double sum = 0.0;
      for (std::size_t i = 0; i < per_output; ++i) sum += first.weight[out * per_output + i];
      first.bias[static_cast<std::size_t>(out)] += static_cast<float>(shift * sum);
    }
  }
  for (float& w : first.weight) w = static_cast<float>(w * factor);
  return net;
}

std::vector<LayerSpec> specs_of(const FloatNetwork& net) {
  std::vector<LayerSpec> specs;
  for (const FloatFeature& f : net.features) {
    LayerSpec s;
    if (const auto* l = std::get_if<FloatMacLayer>(&f)) {
      s.kind = LayerSpec::Kind::CONV;
      s.kernel = l->kernel;
      s.padding = l->padding;
      s.outputs = l->out;
    } else {
      s.kind = LayerSpec::Kind::POOL;
      s.size = std::get<FloatPoolLayer>(f).size;
    }
    specs.push_back(s);
  }
  for (const FloatMacLayer& l : net.dense) {
    LayerSpec s;
    s.kind = LayerSpec::Kind::DENSE;
    s.outputs = l.out;
    specs.push_back(s);
  }
  return specs;
}

// A golden network of the imported one's layers, its parameters loaded.
std::unique_ptr<QNet> golden_network(const FloatNetwork& net, const ImportOptions& o) {
  if (net.input.channels != 1 && !net.features.empty()) {
    throw std::invalid_argument(fmt::format(
        "the input has {} channels; expected 1 (the images are IDX files of one channel)",
        net.input.channels));
  }
  const FloatNetwork scaled = with_input_scaling(net, o);
  std::unique_ptr<QNet> q;
  if (net.features.empty()) {
    std::vector<int> sizes{net.input.elements()};
    for (const FloatMacLayer& l : net.dense) sizes.push_back(l.out);
    q = std::make_unique<QMlp>(sizes, /*seed=*/1);
  } else {
    q = std::make_unique<QCnn>(specs_of(net), net.input, units::Activation::RELU, /*seed=*/1);
  }
  q->load_float(scaled);
  return q;
}

QuantSettings settings_of(const ImportOptions& o) {
  QuantSettings s;
  s.weight_bits = o.weight_bits;
  s.mac_bits = o.mac_bits;
  s.elementwise_bits = o.elementwise_bits;
  s.logit_bits = o.logit_bits;
  s.rounding = o.rounding;
  s.khot_k = o.khot_k;
  s.weight_kind = weight_kind_of(o.weight_kind);
  s.weight_k = o.weight_k;
  return s;
}

void check_images(const FloatNetwork& net, const Dataset& d, const std::string& what) {
  const int pixels = d.images.rows * d.images.cols;
  if (pixels != net.input.elements()) {
    throw std::invalid_argument(fmt::format(
        "{}: the network reads {} x {} x {} = {} values an image; the images have {} x {} = {} "
        "pixels",
        what, net.input.height, net.input.width, net.input.channels, net.input.elements(),
        d.images.rows, d.images.cols, pixels));
  }
}

Dataset calibration_set(const ImportOptions& o) {
  if (o.calibration_idx.empty()) {
    return load_fashion_mnist(o.data_dir, "train", o.calibration_images);
  }
  Dataset d;
  d.images = read_idx_images(o.calibration_idx, o.calibration_images);
  d.labels.assign(static_cast<std::size_t>(d.images.count), 0);  // calibration reads no labels
  return d;
}

Dataset test_set(const ImportOptions& o) {
  const long count = o.test_images > 0 ? o.test_images : -1;
  if (o.test_idx.empty()) return load_fashion_mnist(o.data_dir, "t10k", count);
  if (o.test_labels_idx.empty()) {
    throw std::invalid_argument(
        "--test-idx: expected --test-labels-idx with it (the labels of "
        "the golden results)");
  }
  Dataset d;
  d.images = read_idx_images(o.test_idx, count);
  d.labels = read_idx_labels(o.test_labels_idx, count);
  if (d.labels.size() != static_cast<std::size_t>(d.images.count)) {
    throw std::invalid_argument(fmt::format("--test-labels-idx: {} labels for {} images of {}",
                                            d.labels.size(), d.images.count, o.test_idx));
  }
  return d;
}

}  // namespace

ImportReport quantize_imported(const FloatNetwork& net, const ImportOptions& o, std::ostream& log) {
  at::set_num_threads(std::max(o.threads, 1));
  util::keep_freed_memory_for_reuse();
  std::unique_ptr<QNet> q = golden_network(net, o);
  const Dataset calibration = calibration_set(o);
  const Dataset test_data = test_set(o);
  check_images(net, calibration, "calibration images");
  check_images(net, test_data, "test images");
  const Data cal = to_tensors(calibration);
  const Data test = to_tensors(test_data);
  ImportReport r;
  r.calibration_images = calibration.images.count;
  r.test_images = test_data.images.count;
  r.float_accuracy = evaluate(*q, test, Precision::FLOAT);
  log << fmt::format("fxsim import: float accuracy {:.4f} on {} test images\n", r.float_accuracy,
                     r.test_images);
  q->set_formats(q->calibrate(cal.x), settings_of(o));
  q->fix_formats(net);  // QONNX: the graph's own formats
  r.formats = q->describe_formats();
  const QuantNetwork model = q->export_model(o.simd);
  const torch::Tensor logits = forward_integer(model, test.raw);
  r.accuracy = accuracy_of(logits, test.y);
  log << fmt::format("fxsim import: integer accuracy {:.4f} (PTQ, {} calibration images)\n",
                     r.accuracy, r.calibration_images)
      << r.formats;
  r.file.model = model;
  r.file.golden = test_set_golden(
      logits, test, r.accuracy,
      o.test_idx.empty() ? "t10k-images-idx3-ubyte.gz"
                         : std::filesystem::absolute(o.test_idx).lexically_normal().string());
  r.file.metadata_json = nlohmann::json{
      {"method", "ptq"},
      {"source", net.source},
      {"input_divisor", o.input_divisor},
      {"input_mean", o.input_mean},
      {"input_std", o.input_std},
      {"elementwise_bits", o.elementwise_bits},
      {"weight_bits", o.weight_bits},
      {"khot_k", o.khot_k},
      {"calibration_images", r.calibration_images},
      {"float_accuracy", r.float_accuracy},
      {"accuracy",
       r.accuracy}}.dump();
  return r;
}

std::vector<float> imported_float_outputs(const FloatNetwork& net, const ImportOptions& o,
                                          const std::vector<std::uint8_t>& pixels, int images) {
  std::unique_ptr<QNet> q = golden_network(net, o);
  const torch::Tensor x =
      torch::from_blob(const_cast<std::uint8_t*>(pixels.data()),
                       {images, static_cast<std::int64_t>(pixels.size()) / images}, torch::kUInt8)
          .to(torch::kFloat32) /
      256.0;
  const torch::Tensor y = outputs_of(*q, x, Precision::FLOAT).contiguous();
  return std::vector<float>(y.data_ptr<float>(), y.data_ptr<float>() + y.numel());
}

}  // namespace fxsim::golden
