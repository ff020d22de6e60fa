// `fxsim import MODEL.onnx -o MODEL.fxm`: an ONNX network (golden/onnx/onnx_reader.hpp) quantized
// by PTQ into a model file with golden logits (golden/torch/import_ptq.hpp, docs/import.md).
#include <fmt/core.h>

#include <exception>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "apps/commands.hpp"
#include "fx/type_parser.hpp"
#include "golden/idx.hpp"
#include "golden/import_config.hpp"
#include "golden/model_file.hpp"
#include "golden/onnx/onnx_reader.hpp"
#include "golden/torch/import_ptq.hpp"
#include "golden/train_config.hpp"

namespace fxsim::cli {
namespace {

constexpr const char* kCommand = "fxsim import";

struct ImportArgs {
  std::string onnx;
  std::string out;
  std::string rounding = "RND_CONV";
  bool approximate = false;
  std::string config;
  golden::ImportOptions options;
  CLI::Option* rounding_option = nullptr;
  // Per option given on the command line: copies its value over the config file's.
  std::vector<std::function<void(golden::ImportOptions&)>> given;
};

// An option of ImportOptions::*field: parsed into a.options, and recorded in a.given so that,
// with --config, a value on the command line wins over the file's.
template <typename T>
CLI::Option* add(CLI::App* sub, ImportArgs& a, const std::string& name,
                 T golden::ImportOptions::*field, const std::string& help) {
  CLI::Option* opt = sub->add_option(name, a.options.*field, help)->capture_default_str();
  a.given.push_back([opt, field, &a](golden::ImportOptions& o) {
    if (opt->count() > 0) o.*field = a.options.*field;
  });
  return opt;
}

int run_import(ImportArgs a) {
  golden::OnnxNetwork net;
  try {
    net = golden::read_onnx_network(a.onnx, a.approximate);
  } catch (const golden::OnnxImportError& e) {
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  }
  golden::ImportOptions options = a.options;
  try {
    if (!a.config.empty()) {
      options = golden::load_import_config(a.config);
      for (const auto& apply : a.given) apply(options);
    }
    if (a.config.empty() || a.rounding_option->count() > 0) {
      options.rounding = fx::parse_rounding(a.rounding);
    }
  } catch (const golden::ConfigError& e) {
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  }
  // Raw test images are converted into an IDX file beside the model file, which `fxsim verify`
  // reads (docs/import.md, "Data").
  options.test_images_out =
      std::filesystem::path(a.out).replace_extension(".test-images.idx").string();
  fmt::print("fxsim import: {} (opset {}, {}): {} conv / pool layers, {} dense layers\n", a.onnx,
             net.opset, net.producer, net.network.features.size(), net.network.dense.size());
  for (const std::string& note : net.notes) fmt::print("  {}\n", note);
  std::fflush(stdout);  // before the report, which goes to std::cout
  try {
    const golden::ImportReport r = golden::quantize_imported(net.network, options, std::cout);
    golden::write_model_file(a.out, r.file);
    fmt::print("model file: {} (float {:.4f}, integer {:.4f} on {} test images)\n", a.out,
               r.float_accuracy, r.accuracy, r.test_images);
  } catch (const std::invalid_argument& e) {
    print_error(kCommand, "{}: {}", a.onnx, e.what());
    return kExitUsage;
  } catch (const golden::IdxError& e) {
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    print_error(kCommand, "{}", e.what());
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void add_import_command(CLI::App& app, CommandStatus& status) {
  auto a = std::make_shared<ImportArgs>();
  CLI::App* sub = app.add_subcommand(
      "import",
      "Import an ONNX MLP or CNN (torch.onnx.export, opsets 11-17): quantize it by PTQ into a\n"
      "model file with golden logits on the test images, for `fxsim verify` and sweeps");
  sub->add_option("onnx", a->onnx, "The ONNX file")
      ->required()
      ->check(existing_file("export one with torch.onnx.export (docs/import.md)"));
  sub->add_option("-o,--out", a->out, "The model file to write (.fxm)")->required();
  sub->add_option("--config", a->config,
                  "A TOML file of the options below: [input] divisor, mean, std; [quant]\n"
                  "weight_bits, mac_bits, bits, logit_bits, rounding, khot_scale, weight_kind,\n"
                  "weight_k, simd; [data] dir, calibration_images, test_images, calibration_idx,\n"
                  "test_idx, test_labels_idx, calibration_raw, test_raw, test_labels_raw\n"
                  "(docs/import.md). Options given here win")
      ->check(existing_file("docs/import.md shows one"));
  sub->add_flag("--approximate", a->approximate,
                "QONNX: give a Quant without an exact fixed-point format (a scale that is not a\n"
                "power of two, per-channel scales, a zero point) the nearest one, and say so");
  add(sub, *a, "--input-divisor", &golden::ImportOptions::input_divisor,
      "The network reads pixel / DIVISOR (255: torchvision's ToTensor)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  add(sub, *a, "--input-mean", &golden::ImportOptions::input_mean,
      "... then (x - MEAN) / STD (transforms.Normalize)")
      ->capture_default_str();
  add(sub, *a, "--input-std", &golden::ImportOptions::input_std, "(see --input-mean)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  add(sub, *a, "--weight-bits", &golden::ImportOptions::weight_bits, "Weight width")
      ->check(CLI::Range(2, 32))
      ->capture_default_str();
  add(sub, *a, "--mac-bits", &golden::ImportOptions::mac_bits,
      "MAC output (requantized accumulator) width")
      ->check(CLI::Range(2, 32))
      ->capture_default_str();
  add(sub, *a, "--bits", &golden::ImportOptions::elementwise_bits,
      "Element-wise width: BN scale and bias, hidden activations")
      ->check(CLI::Range(2, 32))
      ->capture_default_str();
  add(sub, *a, "--logit-bits", &golden::ImportOptions::logit_bits, "Logit width")
      ->check(CLI::Range(2, 32))
      ->capture_default_str();
  a->rounding_option = sub->add_option("--rounding", a->rounding,
                                       "Rounding mode of every format (they all saturate)")
                           ->check(CLI::IsMember({"RND", "RND_ZERO", "RND_MIN_INF", "RND_INF",
                                                  "RND_CONV", "TRN", "TRN_ZERO"}))
                           ->capture_default_str();
  add(sub, *a, "--khot-scale", &golden::ImportOptions::khot_k,
      "K > 0: K-hot BN scales of K terms (0: fixed point)")
      ->check(CLI::Range(0, 8))
      ->capture_default_str();
  add(sub, *a, "--weight-kind", &golden::ImportOptions::weight_kind, "fixed, khot or spt weights")
      ->check(CLI::IsMember({"fixed", "khot", "spt"}))
      ->capture_default_str();
  add(sub, *a, "--weight-k", &golden::ImportOptions::weight_k, "K of khot / spt weights")
      ->check(CLI::Range(1, 8))
      ->capture_default_str();
  add(sub, *a, "--simd", &golden::ImportOptions::simd, "SIMD the accumulation order is fixed for")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  add(sub, *a, "--data", &golden::ImportOptions::data_dir,
      "Fashion-MNIST IDX directory (train-* calibrates, t10k-* gives the golden "
      "results)")
      ->check(existing_directory("install dataset-fashion-mnist (scripts/install-deps)"))
      ->capture_default_str();
  add(sub, *a, "--calibration-idx", &golden::ImportOptions::calibration_idx,
      "IDX images to calibrate on instead of DIR's train-images (any 1-channel set "
      "of the network's size)")
      ->check(existing_file("an IDX image file (gzip or plain)"));
  add(sub, *a, "--test-idx", &golden::ImportOptions::test_idx,
      "IDX images of the golden results instead of DIR's t10k-images (needs "
      "--test-labels-idx)")
      ->check(existing_file("an IDX image file (gzip or plain)"));
  add(sub, *a, "--test-labels-idx", &golden::ImportOptions::test_labels_idx,
      "IDX labels (0..9) of --test-idx")
      ->check(existing_file("an IDX label file (gzip or plain)"));
  add(sub, *a, "--calibration-raw", &golden::ImportOptions::calibration_raw,
      "A raw tensor file to calibrate on: N x C x H x W uint8 pixels\n"
      "(x.to(torch.uint8).numpy().tofile(FILE)); images of several channels come this way")
      ->check(existing_file("a raw uint8 N x C x H x W file"));
  add(sub, *a, "--test-raw", &golden::ImportOptions::test_raw,
      "A raw tensor file of the golden results' images (as --calibration-raw; needs\n"
      "--test-labels-raw). Written as MODEL.test-images.idx beside the model file for verify")
      ->check(existing_file("a raw uint8 N x C x H x W file"));
  add(sub, *a, "--test-labels-raw", &golden::ImportOptions::test_labels_raw,
      "The labels of --test-raw: one uint8 an image (y.numpy().astype('uint8').tofile(FILE))")
      ->check(existing_file("a raw uint8 label file"));
  add(sub, *a, "--calibration-images", &golden::ImportOptions::calibration_images,
      "Training images the ranges are calibrated on")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  add(sub, *a, "--test-images", &golden::ImportOptions::test_images,
      "Test images of the golden results (0: all)")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  add(sub, *a, "--threads", &golden::ImportOptions::threads, "Intra-op threads")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  sub->footer(
      "Reads the graph with the ONNX library (checker, shape inference), maps it to conv /\n"
      "max-pool / dense layers with their bias, batch norm and activation (docs/import.md lists\n"
      "the operators), folds the input preprocessing into the first layer, calibrates every\n"
      "format on --calibration-images training images (PTQ) and writes the model file with the\n"
      "integer logits of the test images as its golden results.\n"
      "Exit codes: 0 written; 1 failed; 2 a file that is not ONNX, an unsupported graph or a bad\n"
      "option (nothing written).\n"
      "Examples:\n"
      "  fxsim import cnn.onnx -o cnn.fxm\n"
      "  fxsim import mlp.onnx -o mlp.fxm --bits 6 --khot-scale 2 --input-mean 0.5 "
      "--input-std 0.5\n"
      "  fxsim verify --model cnn.fxm");
  sub->callback([a, &status] { status.exit_code = run_import(*a); });
}

}  // namespace fxsim::cli
