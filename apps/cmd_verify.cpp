// `fxsim verify`: an exported model file's test images layer by layer through the engine
// testbench (testbenches/env/verify_model.hpp), every logit compared bit-exactly with the golden
// logits. Exit codes: 0 every logit exact (hardware accuracy = golden accuracy), 1 a mismatch or a
// failed run, 2 a bad model file or bad options.
#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "apps/commands.hpp"
#include "golden/model_file.hpp"
#include "testbenches/env/verify_model.hpp"
#include "tlm/rtl/verilated/variant_registry.hpp"

namespace fxsim::cli {
namespace {

constexpr const char* kCommand = "fxsim verify";

struct VerifyCommandOptions {
  std::string model;
  std::string backend = "model";
  int images = -1;  // -1: the backend's default
  int batch = 0;    // 0: the backend's default
  engine::Hardware hw;
  std::string data_dir = env::VerifyOptions{}.data_dir;
  std::string json;
  int jobs = 0;  // 0: one per core
  bool quiet = false;
};

nlohmann::json report_json(const env::VerifyReport& r) {
  nlohmann::json layers = nlohmann::json::array();
  for (const env::LayerVerify& l : r.layers) {
    layers.push_back({{"name", l.name},
                      {"in_features", l.in_features},
                      {"out_features", l.out_features},
                      {"pe", l.pe},
                      {"simd", l.simd},
                      {"pe_variant", l.pe_variant},
                      {"bn_variant", l.bn_variant},
                      {"compute_cycles", l.compute_cycles},
                      {"transfer_cycles", l.transfer_cycles},
                      {"single_image_cycles", l.single_image_cycles},
                      {"formula_single_image_cycles", l.formula_single_image_cycles},
                      {"mismatches", l.mismatches},
                      {"tlm_errors", l.tlm_errors},
                      {"completed", l.completed}});
  }
  return {{"model", r.model_path},
          {"backend", r.backend},
          {"images", r.images},
          {"batch", r.batch},
          {"jobs", r.jobs},
          {"pe", r.hw.pe},
          {"mac_stages", r.hw.mac_stages},
          {"bn_stages", r.hw.bn_stages},
          {"clock_ns", r.hw.clock_ns},
          {"bus_bits", r.hw.bus_bits},
          {"layers", layers},
          {"logit_mismatches", r.logit_mismatches},
          {"images_with_mismatch", r.images_with_mismatch},
          {"first_mismatch_image", r.first_mismatch_image},
          {"hardware_correct", r.hardware_correct},
          {"golden_correct", r.golden_correct},
          {"hardware_accuracy", r.hardware_accuracy},
          {"golden_accuracy", r.golden_accuracy},
          {"compute_cycles", r.compute_cycles()},
          {"cycles_per_image", r.cycles_per_image()},
          {"single_image_cycles", r.single_image_cycles()},
          {"latency_ns", r.latency_ns()},
          {"images_per_second_hardware", r.images_per_second_hardware()},
          {"passed", r.passed()}};
}

void print_report(const env::VerifyReport& r) {
  fmt::print("model     {}\nbackend   {} ({} images, batch {}, PE {}, clock {} ns)\n", r.model_path,
             r.backend, r.images, r.batch, r.hw.pe, r.hw.clock_ns);
  fmt::print("\n{:<10} {:>9} {:>5} {:>5} {:>14} {:>13} {:>12} {:>10}\n", "layer", "shape", "PE",
             "SIMD", "cycles(total)", "cycles(1 img)", "transfers", "mismatches");
  for (const env::LayerVerify& l : r.layers) {
    fmt::print("{:<10} {:>9} {:>5} {:>5} {:>14} {:>13} {:>12} {:>10}{}\n", l.name,
               fmt::format("{}x{}", l.out_features, l.in_features), l.pe, l.simd, l.compute_cycles,
               l.single_image_cycles, l.transfer_cycles, l.mismatches,
               l.completed && l.tlm_errors == 0 ? "" : "  (incomplete or TLM errors)");
    if (!l.pe_variant.empty()) {
      fmt::print("{:<10} rtl variants: {}{}\n", "", l.pe_variant,
                 l.bn_variant.empty() ? "" : " + " + l.bn_variant);
    }
  }
  fmt::print(
      "\nlogits            {} of {} differ from the golden model ({} images)\n", r.logit_mismatches,
      static_cast<std::uint64_t>(r.images) * r.layers.back().out_features, r.images_with_mismatch);
  if (r.first_mismatch_image >= 0) {
    fmt::print("first mismatch    image {}\n", r.first_mismatch_image);
  }
  fmt::print("accuracy          hardware {:.4f} ({}/{}), golden {:.4f} ({}/{}){}\n",
             r.hardware_accuracy, r.hardware_correct, r.images, r.golden_accuracy, r.golden_correct,
             r.images, r.hardware_correct == r.golden_correct ? ", equal" : ", DIFFERENT");
  fmt::print("latency           {} cycles = {:.1f} ns per image alone (every layer, compute)\n",
             r.single_image_cycles(), r.latency_ns());
  fmt::print(
      "throughput        {:.1f} cycles per image in batches of {} = {:.0f} images/s at "
      "the clock\n",
      r.cycles_per_image(), r.batch, r.images_per_second_hardware());
  fmt::print("simulation        {:.2f} s, {:.0f} images/s on this host ({} job{})\n",
             r.wall_seconds, r.images_per_second_host(), r.jobs, r.jobs == 1 ? "" : "s");
  fmt::print("result            {}\n", r.passed() ? "PASS: every logit bit-exact" : "FAIL");
}

int verify_command(const VerifyCommandOptions& o) {
  golden::ModelFile file;
  try {
    file = golden::read_model_file(o.model);
  } catch (const std::exception& e) {
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  }
  env::VerifyOptions options;
  options.backend = o.backend == "rtl" ? env::BackendKind::RTL : env::BackendKind::MODEL;
  const bool rtl = options.backend == env::BackendKind::RTL;
  // The model backend runs every test image by default, the slower RTL a sample of 200.
  options.images = o.images >= 0 ? o.images : (rtl ? 200 : 0);
  // A default larger than the golden results means all of them; a number the user gave does not.
  if (o.images < 0 && file.golden && options.images > file.golden->count) {
    options.images = file.golden->count;
  }
  options.batch = o.batch > 0 ? o.batch : (rtl ? 100 : 1000);
  options.hw = o.hw;
  options.data_dir = o.data_dir;
  options.jobs =
      o.jobs > 0 ? o.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const bool terminal = isatty(fileno(stderr)) != 0;
  const auto start = std::chrono::steady_clock::now();
  if (!o.quiet) {
    options.progress = [terminal, start](int done, int total) {
      const double s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double rate = s > 0 ? done / s : 0.0;
      const int eta = rate > 0 ? static_cast<int>((total - done) / rate) : 0;
      fmt::print(stderr, "{}verify: {}/{} images, {:.0f} images/s, ETA {}:{:02}{}",
                 terminal ? "\r" : "", done, total, rate, eta / 60, eta % 60,
                 terminal && done < total ? "" : "\n");
      std::fflush(stderr);
    };
  }
  env::VerifyReport report;
  try {
    report = env::verify_model(file, o.model, options);
  } catch (const env::VerifyError& e) {
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  } catch (const verilated::RtlVariantError& e) {
    print_error(kCommand, "{}: {}", o.model, e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    print_error(kCommand, "simulation failed: {}", e.what());
    return kExitFailure;
  }
  print_report(report);
  std::fflush(stdout);
  if (!o.json.empty()) {
    std::ofstream out(o.json);
    out << report_json(report).dump(2) << "\n";
    if (!out) {
      print_error(kCommand, "cannot write {}", o.json);
      return kExitFailure;
    }
  }
  return report.passed() ? kExitOk : kExitFailure;
}

}  // namespace

void add_verify_command(CLI::App& app, CommandStatus& status) {
  auto o = std::make_shared<VerifyCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "verify",
      "Run a trained model's test images through the hardware engine, layer by layer, and "
      "check every logit against the golden model");
  cmd->add_option("-m,--model", o->model, "Model file written by `fxsim train` (*.fxm)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-b,--backend", o->backend,
                  "model: the SystemC/TLM model; rtl: the Verilated RTL behind the transactor")
      ->check(CLI::IsMember({"model", "rtl"}))
      ->capture_default_str();
  cmd->add_option("-n,--images", o->images,
                  "The first N golden test images (default: all on the model backend, 200 on "
                  "rtl; 0: all)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--batch", o->batch,
                  "Images per engine run, the BATCH register (default 1000 model, 100 rtl)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--pe", o->hw.pe, "Output neurons computed in parallel (PE)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--mac-stages", o->hw.mac_stages, "fx_mac_pe pipeline depth")
      ->check(CLI::Range(1, 8))
      ->capture_default_str();
  cmd->add_option("--bn-stages", o->hw.bn_stages, "bn_act pipeline depth")
      ->check(CLI::Range(1, 8))
      ->capture_default_str();
  cmd->add_option("--clock-ns", o->hw.clock_ns, "Clock period in ns")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--bus-bits", o->hw.bus_bits, "TLM bus data width in bits")
      ->check(CLI::IsMember({8, 16, 32, 64, 128, 256, 512}))
      ->capture_default_str();
  cmd->add_option("--data", o->data_dir,
                  "Directory of the Fashion-MNIST IDX files the golden results name")
      ->capture_default_str();
  cmd->add_option("--json", o->json, "Also write the report as JSON to this file");
  cmd->add_option("-j,--jobs", o->jobs,
                  "Worker processes the batches are spread over (default: number of cores); the "
                  "report is the same for any count")
      ->check(CLI::Range(1, 1024));
  cmd->add_flag("-q,--quiet", o->quiet, "No progress lines on stderr");
  cmd->footer(
      "Each layer of the model file is one design point of the layer engine (docs/engine.md):\n"
      "the layer's own formats, SIMD and bn_act, on PE parallel neurons. The images go through\n"
      "the SystemC testbench (TLM loads, START, irq, read-back) layer by layer, every layer's\n"
      "hardware outputs feeding the next. Every layer is checked by the scoreboard against\n"
      "models/units, the last layer's logits against the golden logits stored in the model file,\n"
      "and the accuracy against the golden accuracy on the same images. Reports cycles per\n"
      "image, latency and throughput at the clock. Fields: docs/golden.md, `fxsim verify`.\n"
      "Exit codes: 0 every logit bit-exact; 1 a mismatch, a TLM error or an incomplete run;\n"
      "2 a bad model file (truncated, wrong version, inconsistent) or bad options.\n"
      "Examples:\n"
      "  fxsim verify --model results/train_small/model_qat_bp_e6.fxm   (make run trains it)\n"
      "  fxsim verify -m results/train_small/model_qat_khot2_e8.fxm --backend rtl --images 200");
  cmd->callback([o, &status] { status.exit_code = verify_command(*o); });
}

}  // namespace fxsim::cli
