// `fxsim import`'s library on ONNX files exported by Debian's PyTorch (make_onnx_models.py, run
// by the ctest fixture onnx_models into FXSIM_ONNX_MODELS_DIR): MLPs (BatchNormalization,
// Dropout; ReLU6 and hardtanh as Clip, a normalized input, a final LogSoftmax) and CNNs, and one
// of each with its batch norms after the activation (folded into the next layer's weights). The
// imported float network, evaluated by the golden model's float path, must give PyTorch's own
// outputs (saved by the script) within 1e-5 relative; its accuracy on the 10,000 test images
// PyTorch's; and the 8-bit PTQ import must lose less than 1 point against PyTorch's accuracy.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "golden/idx.hpp"
#include "golden/onnx/onnx_reader.hpp"
#include "golden/raw_images.hpp"
#include "golden/torch/import_ptq.hpp"

namespace fxsim::golden {
namespace {

const std::string kModels = FXSIM_ONNX_MODELS_DIR;
const std::string kData = "/usr/share/datasets/fashion-mnist";

struct Exported {
  OnnxNetwork net;
  ImportOptions options;
  double torch_accuracy = 0;
  std::vector<float> torch_outputs;  // 100 x 10
};

Exported exported(const std::string& name) {
  Exported e;
  e.net = read_onnx_network(kModels + "/" + name + ".onnx");
  const nlohmann::json j = nlohmann::json::parse(std::ifstream(kModels + "/" + name + ".json"));
  e.torch_accuracy = j.at("accuracy").get<double>();
  e.options.input_divisor = j.at("input_divisor").get<double>();
  e.options.input_mean = j.at("input_mean").get<double>();
  e.options.input_std = j.at("input_std").get<double>();
  e.torch_outputs.resize(1000);
  std::ifstream f(kModels + "/" + name + "_outputs.f32", std::ios::binary);
  f.read(reinterpret_cast<char*>(e.torch_outputs.data()), 4000);
  EXPECT_TRUE(f) << name << "_outputs.f32";
  return e;
}

class OnnxImport : public ::testing::TestWithParam<const char*> {};

// Every output of the first 100 test images within 1e-5 of PyTorch's, relative to the largest
// output magnitude of its image.
TEST_P(OnnxImport, FloatPathEqualsPyTorch) {
  const Exported e = exported(GetParam());
  const Dataset test = load_fashion_mnist(kData, "t10k", 100);
  const std::vector<float> got =
      imported_float_outputs(e.net.network, e.options, test.images.pixels, 100);
  ASSERT_EQ(got.size(), e.torch_outputs.size());
  double worst = 0;
  for (int i = 0; i < 100; ++i) {
    double scale = 1e-30;
    for (int c = 0; c < 10; ++c)
      scale = std::max(scale, std::fabs(double{e.torch_outputs[i * 10 + c]}));
    for (int c = 0; c < 10; ++c) {
      const double d = std::fabs(double{got[i * 10 + c]} - e.torch_outputs[i * 10 + c]) / scale;
      worst = std::max(worst, d);
      EXPECT_LE(d, 1e-5) << "image " << i << " output " << c << ": " << got[i * 10 + c]
                         << " against PyTorch's " << e.torch_outputs[i * 10 + c];
    }
  }
  std::cout << GetParam() << ": largest relative difference " << worst << "\n";
}

TEST_P(OnnxImport, EightBitPtqLosesLessThanOnePoint) {
  const Exported e = exported(GetParam());
  std::ostringstream log;
  ImportOptions o = e.options;
  o.threads = 2;
  const ImportReport r = quantize_imported(e.net.network, o, log);
  EXPECT_EQ(r.test_images, 10000);
  EXPECT_NEAR(r.float_accuracy, e.torch_accuracy, 2.0 / 10000) << "the float import's accuracy";
  EXPECT_GT(r.accuracy, e.torch_accuracy - 0.01) << log.str();
  ASSERT_TRUE(r.file.golden);
  EXPECT_EQ(r.file.golden->accuracy, r.accuracy);
  std::cout << GetParam() << ": PyTorch " << e.torch_accuracy << ", fxsim float "
            << r.float_accuracy << ", 8-bit PTQ " << r.accuracy << "\n";
}

// The QONNX MLP (make_onnx_models.py: Quant nodes with power-of-two scales on both weight
// tensors, the hidden ReLU's output and the logits): the formats are the graph's, and the integer
// inference gives the integers of numpy's QONNX semantics raw for raw on 100 test images.
TEST(QonnxImport, PowerOfTwoQuantsGiveNumpysIntegersRawForRaw) {
  const OnnxNetwork net = read_onnx_network(kModels + "/qonnx_mlp.onnx");
  ASSERT_EQ(net.network.dense.size(), 2u);
  const FloatMacLayer& fc1 = net.network.dense[0];
  const FloatMacLayer& fc2 = net.network.dense[1];
  ASSERT_TRUE(fc1.weight_format && fc1.out_format && fc2.weight_format && fc2.out_format);
  EXPECT_EQ(fc1.weight_format->str(), "fixed<8,2,RND_CONV,SAT,0>");  // 8 bits, scale 2^-6
  EXPECT_EQ(fc1.out_format->str(), "ufixed<8,4,RND_CONV,SAT,0>");    // unsigned, 2^-4
  EXPECT_EQ(fc2.out_format->str(), "fixed<12,7,RND_CONV,SAT,0>");    // 12 bits, 2^-5
  ImportOptions o;
  o.input_divisor = 256.0;  // the graph reads pixel / 256
  o.test_images = 100;
  o.calibration_images = 200;
  std::ostringstream log;
  const ImportReport r = quantize_imported(net.network, o, log);
  EXPECT_EQ(r.file.model.layers[0].weight_type.str(), "fixed<8,2,RND_CONV,SAT,0>");
  EXPECT_EQ(r.file.model.layers[1].output_type().str(), "fixed<12,7,RND_CONV,SAT,0>");
  std::vector<std::int64_t> numpy(1000);
  std::ifstream f(kModels + "/qonnx_mlp_raws.i64", std::ios::binary);
  f.read(reinterpret_cast<char*>(numpy.data()), 8000);
  ASSERT_TRUE(f);
  ASSERT_TRUE(r.file.golden);
  EXPECT_EQ(r.file.golden->logits, numpy) << log.str();
}

// Three-channel networks whose data come as raw tensor files (N x 3 x 14 x 14 uint8, PyTorch's
// NCHW): the float path equals PyTorch on 100 of the images, reordered to fxsim's (y, x, c)
// stream by read_raw_images, and 8-bit PTQ on the raw calibration and test files loses less than
// 1 point on 1,000 test images. The MLP flattens torch's (c, y, x) order, which the import
// reorders to the stream's.
class RawRgbImport : public ::testing::TestWithParam<const char*> {};

TEST_P(RawRgbImport, FloatPathEqualsPyTorchAndPtqLosesLessThanOnePoint) {
  const Exported e = exported(GetParam());
  EXPECT_EQ(e.net.network.input.channels, 3);
  const IdxImages images = read_raw_images(kModels + "/rgb_test.u8", 3, 14, 14, 100);
  ASSERT_EQ(images.count, 100);
  const std::vector<float> got =
      imported_float_outputs(e.net.network, e.options, images.pixels, 100);
  ASSERT_EQ(got.size(), e.torch_outputs.size());
  for (int i = 0; i < 100; ++i) {
    double scale = 1e-30;
    for (int c = 0; c < 10; ++c)
      scale = std::max(scale, std::fabs(double{e.torch_outputs[i * 10 + c]}));
    for (int c = 0; c < 10; ++c) {
      EXPECT_LE(std::fabs(double{got[i * 10 + c]} - e.torch_outputs[i * 10 + c]) / scale, 1e-5)
          << "image " << i << " output " << c;
    }
  }
  ImportOptions o = e.options;
  o.calibration_raw = kModels + "/rgb_calibration.u8";
  o.test_raw = kModels + "/rgb_test.u8";
  o.test_labels_raw = kModels + "/rgb_test_labels.u8";
  o.test_images_out = ::testing::TempDir() + "/" + GetParam() + ".test-images.idx";
  std::ostringstream log;
  const ImportReport r = quantize_imported(e.net.network, o, log);
  EXPECT_EQ(r.calibration_images, 1000);
  EXPECT_EQ(r.test_images, 1000);
  EXPECT_NEAR(r.float_accuracy, e.torch_accuracy, 1.0 / 1000);
  EXPECT_GT(r.accuracy, e.torch_accuracy - 0.01) << log.str();
  // The golden results name the converted test images: 4-D IDX, (y, x, c), the raw file's.
  ASSERT_TRUE(r.file.golden);
  const IdxImages back = read_idx_images(r.file.golden->images);
  EXPECT_EQ(back.channels, 3);
  EXPECT_EQ(back.count, 1000);
  EXPECT_EQ(std::vector<std::uint8_t>(back.pixels.begin(), back.pixels.begin() + 100 * 588),
            images.pixels);
  std::cout << GetParam() << ": PyTorch " << e.torch_accuracy << ", fxsim float "
            << r.float_accuracy << ", 8-bit PTQ " << r.accuracy << "\n";
}

INSTANTIATE_TEST_SUITE_P(Exported, RawRgbImport, ::testing::Values("rgb_cnn", "rgb_mlp"),
                         [](const auto& info) { return std::string(info.param); });

INSTANTIATE_TEST_SUITE_P(Exported, OnnxImport,
                         ::testing::Values("mlp", "mlp_norm", "cnn", "mlp_bn_after", "cnn_bn_after",
                                           "cnn_strided"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace fxsim::golden
