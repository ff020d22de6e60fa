// What the `fxsim train` tests share: the Fashion-MNIST directory, a fixture that skips without
// the data set and gives each test an empty directory of its own (removed afterwards), and
// reading a whole file.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fxsim::golden::test {

inline const char* kDataDir = "/usr/share/datasets/fashion-mnist";

// A tiny MLP run (784-24-16-10, 300 training and 200 test images, PTQ, QAT, learned binary
// point and 2-hot BN at 4 bits): the train tests' config, and the one whose model files
// train_cnn_test.cpp pins byte for byte.
inline const char* kTinyMlpConfig = R"(seed = 7
[data]
train_images = 300
test_images = 200
calibration_images = 100
[model]
hidden = [24, 16]
[float]
epochs = 2
batch_size = 50
[qat]
epochs = 1
[quant]
elementwise_bits = [4]
methods = ["ptq", "qat", "qat_bp"]
khot_k = [2]
)";

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class TrainingDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(std::string(kDataDir) + "/train-images-idx3-ubyte.gz")) {
      GTEST_SKIP() << "Fashion-MNIST not installed";
    }
    const ::testing::TestInfo* t = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("fxsim_" + std::string(t->test_suite_name()) + "_" + t->name() + "_" +
            std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
};

}  // namespace fxsim::golden::test
