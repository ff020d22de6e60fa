// `fxsim import --config FILE.toml` (golden/import_config.hpp): every key of the three tables
// lands in its option, paths are relative to the file's folder, and a typo, a wrong type or a
// value out of range is FILE:LINE: table.key with what was expected.
#include "golden/import_config.hpp"

#include <gtest/gtest.h>

#include <string>

#include "golden/train_config.hpp"

namespace fxsim::golden {
namespace {

std::string error_of(const std::string& text) {
  try {
    parse_import_config(text, "/cfg/import.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ImportConfig, EveryKeyLandsInItsOption) {
  const ImportOptions o = parse_import_config(
      "[input]\ndivisor = 256.0\nmean = 0.5\nstd = 0.25\n"
      "[quant]\nweight_bits = 6\nmac_bits = 12\nbits = 5\nlogit_bits = 10\n"
      "rounding = \"TRN\"\nkhot_scale = 2\nweight_kind = \"spt\"\nweight_k = 3\nsimd = 4\n"
      "[data]\ndir = \"fm\"\ncalibration_images = 70000\ntest_images = 20000\n"
      "calibration_idx = \"cal.idx\"\ntest_idx = \"/abs/test.idx\"\n"
      "test_labels_idx = \"sub/labels.idx\"\ncalibration_raw = \"cal.u8\"\n"
      "test_raw = \"test.u8\"\ntest_labels_raw = \"../labels.u8\"\n",
      "/cfg/import.toml");
  EXPECT_EQ(o.input_divisor, 256.0);
  EXPECT_EQ(o.input_mean, 0.5);
  EXPECT_EQ(o.input_std, 0.25);
  EXPECT_EQ(o.weight_bits, 6);
  EXPECT_EQ(o.mac_bits, 12);
  EXPECT_EQ(o.elementwise_bits, 5);
  EXPECT_EQ(o.logit_bits, 10);
  EXPECT_EQ(o.rounding, fx::Rounding::TRN);
  EXPECT_EQ(o.khot_k, 2);
  EXPECT_EQ(o.weight_kind, "spt");
  EXPECT_EQ(o.weight_k, 3);
  EXPECT_EQ(o.simd, 4);
  EXPECT_EQ(o.data_dir, "/cfg/fm");
  EXPECT_EQ(o.calibration_images, 70000);  // data sets of users are not Fashion-MNIST's size
  EXPECT_EQ(o.test_images, 20000);
  EXPECT_EQ(o.calibration_idx, "/cfg/cal.idx");
  EXPECT_EQ(o.test_idx, "/abs/test.idx");
  EXPECT_EQ(o.test_labels_idx, "/cfg/sub/labels.idx");
  EXPECT_EQ(o.calibration_raw, "/cfg/cal.u8");
  EXPECT_EQ(o.test_raw, "/cfg/test.u8");
  EXPECT_EQ(o.test_labels_raw, "/labels.u8");
  // An empty file: the defaults.
  const ImportOptions d = parse_import_config("", "/cfg/import.toml");
  EXPECT_EQ(d.weight_bits, 8);
  EXPECT_EQ(d.input_divisor, 255.0);
  EXPECT_TRUE(d.test_raw.empty());
}

TEST(ImportConfig, MistakesAreLocated) {
  EXPECT_EQ(
      error_of("[data]\ntest_rwa = \"x\"\n")
          .rfind("/cfg/import.toml:2: data.test_rwa: unknown key; expected one of dir, "
                 "calibration_images, test_images, calibration_idx, test_idx, test_labels_idx, "
                 "calibration_raw, test_raw, test_labels_raw",
                 0),
      0u)
      << error_of("[data]\ntest_rwa = \"x\"\n");
  EXPECT_EQ(
      error_of("[quant]\nweight_bits = 40\n").rfind("/cfg/import.toml:2: quant.weight_bits: ", 0),
      0u)
      << error_of("[quant]\nweight_bits = 40\n");
  EXPECT_EQ(error_of("[input]\nstd = 0\n")
                .rfind("/cfg/import.toml:2: input.std: expected a number in (0", 0),
            0u)
      << error_of("[input]\nstd = 0\n");
  EXPECT_EQ(error_of("[data]\ntest_raw = 3\n").rfind("/cfg/import.toml:2: data.test_raw: ", 0), 0u)
      << error_of("[data]\ntest_raw = 3\n");
}

}  // namespace
}  // namespace fxsim::golden
