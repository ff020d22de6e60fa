#include "golden/torch/import_ptq.hpp"

#include <ATen/Parallel.h>
#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "golden/idx.hpp"
#include "golden/raw_images.hpp"
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
      s.stride = l->stride;
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

// An MLP that flattens an N x C x H x W input reads torch's (c, y, x) order; fxsim streams the
// pixels as (y, x, c): the first dense layer's columns, reordered to that (a no-op for C = 1).
FloatNetwork with_stream_order(FloatNetwork net) {
  const MapShape& m = net.input;
  if (!net.features.empty() || m.channels == 1 || m.height * m.width == 1) return net;
  FloatMacLayer& first = net.dense.at(0);
  const std::vector<float> chw = first.weight;
  const std::size_t plane = static_cast<std::size_t>(m.height) * m.width;
  const auto in = static_cast<std::size_t>(first.in);
  for (std::size_t o = 0; o < static_cast<std::size_t>(first.out); ++o) {
    for (std::size_t c = 0; c < static_cast<std::size_t>(m.channels); ++c) {
      for (std::size_t p = 0; p < plane; ++p) {
        first.weight[o * in + p * m.channels + c] = chw[o * in + c * plane + p];
      }
    }
  }
  return net;
}

// A golden network of the imported one's layers, its parameters loaded.
std::unique_ptr<QNet> golden_network(const FloatNetwork& net, const ImportOptions& o) {
  const FloatNetwork scaled = with_input_scaling(with_stream_order(net), o);
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
  const int pixels = d.images.pixels_per_image();
  if (pixels != net.input.elements()) {
    throw std::invalid_argument(fmt::format(
        "{}: the network reads {} x {} x {} = {} values an image; the images have {} x {} x {} = "
        "{} pixels{}",
        what, net.input.height, net.input.width, net.input.channels, net.input.elements(),
        d.images.rows, d.images.cols, d.images.channels, pixels,
        net.input.channels > 1 && d.images.channels == 1
            ? " (images of several channels come as raw tensor files: --calibration-raw, "
              "--test-raw)"
            : ""));
  }
}

// The network's input as raw-file image dimensions: C x H x W (an MLP's N x F input: F x 1 x 1).
IdxImages raw_images(const std::string& path, const FloatNetwork& net, long count) {
  const MapShape& m = net.input;
  return read_raw_images(path, m.channels, m.height, m.width, count);
}

Dataset calibration_set(const FloatNetwork& net, const ImportOptions& o) {
  if (!o.calibration_raw.empty() && !o.calibration_idx.empty()) {
    throw std::invalid_argument("--calibration-raw: expected it or --calibration-idx, not both");
  }
  if (o.calibration_idx.empty() && o.calibration_raw.empty()) {
    return load_fashion_mnist(o.data_dir, "train", o.calibration_images);
  }
  Dataset d;
  d.images = o.calibration_raw.empty() ? read_idx_images(o.calibration_idx, o.calibration_images)
                                       : raw_images(o.calibration_raw, net, o.calibration_images);
  d.labels.assign(static_cast<std::size_t>(d.images.count), 0);  // calibration reads no labels
  return d;
}

Dataset test_set(const FloatNetwork& net, const ImportOptions& o) {
  const long count = o.test_images > 0 ? o.test_images : -1;
  if (!o.test_raw.empty()) {
    if (!o.test_idx.empty())
      throw std::invalid_argument("--test-raw: expected it or --test-idx, not both");
    if (o.test_labels_raw.empty()) {
      throw std::invalid_argument(
          "--test-raw: expected --test-labels-raw with it (the labels of the golden results)");
    }
    Dataset d;
    d.images = raw_images(o.test_raw, net, count);
    d.labels = read_raw_labels(o.test_labels_raw, d.images.file_count, d.images.count);
    return d;
  }
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
  const Dataset calibration = calibration_set(net, o);
  const Dataset test_data = test_set(net, o);
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
  std::string images = "t10k-images-idx3-ubyte.gz";
  if (!o.test_idx.empty()) images = o.test_idx;
  if (!o.test_raw.empty()) {  // verify reads IDX files: the raw test images converted into one
    if (o.test_images_out.empty()) {
      throw std::invalid_argument("--test-raw: expected a file to write the test images to");
    }
    write_idx_images(o.test_images_out, test_data.images);
    images = o.test_images_out;
  }
  if (images != "t10k-images-idx3-ubyte.gz") {
    images = std::filesystem::absolute(images).lexically_normal().string();
  }
  r.file.golden = test_set_golden(logits, test, r.accuracy, images);
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
