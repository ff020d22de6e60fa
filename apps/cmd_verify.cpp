// `fxsim verify`: an exported model file's test images through the hardware, every logit compared
// bit-exactly with the golden logits: on the layer engine, layer by layer through the engine
// testbench (testbenches/env/verify_model.hpp; an MLP's default), or on the network engine, the
// model as a streaming network (testbenches/env/verify_network.hpp; a CNN's default). Exit codes:
// 0 every logit exact (hardware accuracy = golden accuracy), 1 a mismatch or a failed run, 2 a
// bad model file or bad options.
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
#include "apps/folding_goal_options.hpp"
#include "golden/model_file.hpp"
#include "models/engine/engine_config.hpp"
#include "models/engine/network_plan.hpp"
#include "models/resources/family.hpp"
#include "testbenches/env/network_from_model.hpp"
#include "testbenches/env/verify_model.hpp"
#include "testbenches/env/verify_network.hpp"
#include "tlm/rtl/verilated/variant_registry.hpp"

namespace fxsim::cli {
namespace {

constexpr const char* kCommand = "fxsim verify";

struct VerifyCommandOptions {
  std::string model;
  std::string engine;  // "layer" | "network"; "": network for a CNN, layer for an MLP
  std::string backend = "model";
  int images = -1;  // -1: the backend's default
  int batch = 0;    // 0: the backend's default
  engine::Hardware hw;
  std::vector<int> pe;  // --pe: one value, or one per layer
  std::string family = "xc7";
  std::string data_dir = env::VerifyOptions{}.data_dir;
  std::string json;
  int jobs = 0;  // 0: one per core
  bool quiet = false;
  // The network engine's folding: --simd, or the auto-folding rule's goal (0 / -1: none).
  int simd = 0;
  int fifo_depth = 2;
  FoldingGoalOptions goal;  // the auto-folding rule's goal (none given: none)
  std::vector<std::string> layer_only,
      network_only;  // the options given that only one engine takes
};

nlohmann::json resources_json(const resources::ResourceEstimate& e) {
  return {{"lut", e.lut},
          {"ff", e.ff},
          {"carry", e.carry},
          {"dsp", e.dsp},
          {"lut_equivalent", e.lut_equivalent}};
}

// The input and weight format strings of a design point ("binary" activation bits, a bipolar
// weight's "binary" / "ternary").
std::string input_str(const engine::EngineConfig& p) {
  return p.binary_activation ? "binary" : p.activation.str();
}
std::string weight_str(const engine::EngineConfig& p) {
  return p.bipolar ? p.bipolar->str() : fx::type_str(p.weight);
}

// A layer's formats as its design point has them (the model file's types).
nlohmann::json types_json(const engine::EngineConfig& p) {
  return {{"input", input_str(p)},
          {"weight", weight_str(p)},
          {"accumulator", p.accumulator.str()},
          {"output", p.output.str()}};
}

nlohmann::json bn_json(const engine::EngineConfig& p) {
  if (!p.bn) return nullptr;
  return {{"scale", fx::type_str(p.bn->scale)},
          {"bias", p.bn->bias.str()},
          {"output", p.bn->output.str()},
          {"activation", std::string(engine::to_string(p.bn->activation))},
          {"clip", p.bn->clip}};
}

// An affine layer's int_requant ([requant]; null for the others).
nlohmann::json requant_json(const engine::EngineConfig& p) {
  if (!p.requant) return nullptr;
  return {{"output", p.requant->output.str()},
          {"zero_point", p.requant->zero_point},
          {"rounding", p.requant->rounding == fx::IntegerRounding::DOUBLE ? "double" : "single"},
          {"m0_bits", p.requant->m0_bits},
          {"lshift_max", p.requant->lshift_max},
          {"relu", p.requant->relu}};
}

// The first differing logit, as the network engine's report gives it (null: none).
nlohmann::json first_mismatch_json(const env::VerifyReport& r) {
  if (r.first_mismatch_image < 0) return nullptr;
  return {{"image", r.first_mismatch_image},
          {"class", r.first_mismatch_class},
          {"expected", r.first_expected},
          {"got", r.first_got}};
}

nlohmann::json report_json(const env::VerifyReport& r) {
  nlohmann::json layers = nlohmann::json::array();
  nlohmann::json pe = nlohmann::json::array();
  for (const env::LayerVerify& l : r.layers) {
    pe.push_back(l.pe);
    layers.push_back(
        {{"name", l.name},
         {"in_features", l.in_features},
         {"out_features", l.out_features},
         {"pe", l.pe},
         {"simd", l.simd},
         {"types", types_json(l.point)},
         {"bn", bn_json(l.point)},
         {"requant", requant_json(l.point)},
         {"kind", std::string(engine::to_string(l.point.kind))},
         {"threshold", l.point.threshold ? nlohmann::json(l.point.threshold->thresholds)
                                         : nlohmann::json(nullptr)},
         {"resources", resources_json(l.resources)},
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
          {"pe", pe},
          {"mac_stages", r.hw.mac_stages},
          {"bn_stages", r.hw.bn_stages},
          {"clock_ns", r.hw.clock_ns},
          {"bus_bits", r.hw.bus_bits},
          {"family", std::string(resources::family_name(r.family))},
          {"resources", resources_json(r.resources())},
          {"layers", layers},
          {"logit_mismatches", r.logit_mismatches},
          {"images_with_mismatch", r.images_with_mismatch},
          {"first_mismatch_image", r.first_mismatch_image},
          {"first_mismatch", first_mismatch_json(r)},
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

// The per-layer table: shape (in -> out, the one convention of every report), PE, SIMD, cycles,
// bus transfers, analytical LUT / FF / DSP and the scoreboard's mismatches; a total row.
void print_layer_table(const env::VerifyReport& r) {
  const char* row = "{:<10} {:>12} {:>4} {:>5} {:>14} {:>14} {:>11} {:>8} {:>8} {:>5} {:>11}{}\n";
  fmt::print(row, "layer", "in -> out", "PE", "SIMD", "cycles(total)", "cycles(1 img)", "transfers",
             "LUT", "FF", "DSP", "mismatches", "");
  std::uint64_t transfers = 0;
  for (const env::LayerVerify& l : r.layers) {
    transfers += l.transfer_cycles;
    fmt::print(row, l.name, fmt::format("{} -> {}", l.in_features, l.out_features), l.pe, l.simd,
               l.compute_cycles, l.single_image_cycles, l.transfer_cycles, l.resources.lut,
               l.resources.ff, l.resources.dsp, l.mismatches,
               l.completed && l.tlm_errors == 0 ? "" : "  (incomplete or TLM errors)");
    if (!l.pe_variant.empty()) {
      fmt::print("{:<10} rtl variants: {}{}\n", "", l.pe_variant,
                 l.bn_variant.empty() ? "" : " + " + l.bn_variant);
    }
  }
  const resources::ResourceEstimate total = r.resources();
  fmt::print(row, "total", "", "", "", r.compute_cycles(), r.single_image_cycles(), transfers,
             total.lut, total.ff, total.dsp, r.layer_mismatches(), "");
}

// Each layer's formats: the MAC array's, then bn_act's.
void print_formats(const env::VerifyReport& r) {
  fmt::print(
      "{:<10} input x weight -> accumulator -> MAC output; bn_act: scale, bias -> output, "
      "activation\n",
      "formats");
  for (const env::LayerVerify& l : r.layers) {
    const engine::EngineConfig& p = l.point;
    fmt::print("{:<10} {} x {} -> {} -> {}{}\n", l.name, input_str(p), weight_str(p),
               p.accumulator.str(), p.output.str(),
               p.is_bipolar() ? fmt::format(" (xnor_pe, kind {})", engine::to_string(p.kind)) : "");
    if (p.bn) {
      const std::string act = p.bn->activation == units::Activation::RELU_CLIP
                                  ? fmt::format("relu_clip at {}", p.bn->clip)
                                  : std::string(engine::to_string(p.bn->activation));
      fmt::print("{:<10} bn_act: scale {}, bias {} -> {}, {}\n", "", fx::type_str(p.bn->scale),
                 p.bn->bias.str(), p.bn->output.str(), act);
    }
    if (p.threshold) {
      fmt::print("{:<10} threshold: T = {} -> {} (sign bit)\n", "", p.threshold->thresholds,
                 p.threshold->output_format().str());
    }
    if (p.requant) {
      const engine::RequantConfig& q = *p.requant;
      fmt::print(
          "{:<10} int_requant: M0 {} bits, {} rounding, left shifts up to {} -> {} zero "
          "point {}{}\n",
          "", q.m0_bits, q.rounding == fx::IntegerRounding::DOUBLE ? "double" : "single",
          q.lshift_max, q.output.str(), q.zero_point, q.relu ? ", relu" : "");
    }
  }
}

void print_report(const env::VerifyReport& r) {
  fmt::print(
      "model     {}\nbackend   {} ({} images, batch {}, clock {} ns, {} + {} pipeline "
      "stages)\n",
      r.model_path, r.backend, r.images, r.batch, r.hw.clock_ns, r.hw.mac_stages, r.hw.bn_stages);
  fmt::print(
      "layers    PE per layer from --pe (default 8); SIMD per layer from the model file (the\n"
      "          accumulation order of its golden logits); LUT/FF/DSP: analytical model\n"
      "          (models/resources), {}, DSP multipliers\n\n",
      resources::family_name(r.family));
  print_layer_table(r);
  fmt::print("\n");
  print_formats(r);
  fmt::print(
      "\nlogits            {} of {} differ from the golden model ({} images)\n", r.logit_mismatches,
      static_cast<std::uint64_t>(r.images) * r.layers.back().out_features, r.images_with_mismatch);
  if (r.first_mismatch_image >= 0) {
    fmt::print("first mismatch    image {}, class {}: expected {}, got {}\n",
               r.first_mismatch_image, r.first_mismatch_class, r.first_expected, r.first_got);
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

// Progress on stderr: images done, the rate and the time left (one line rewritten on a terminal).
std::function<void(int, int)> progress_printer() {
  const bool terminal = isatty(fileno(stderr)) != 0;
  const auto start = std::chrono::steady_clock::now();
  return [terminal, start](int done, int total) {
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

// How the network engine's folding is chosen, as the report names it.
std::string folding_source(const VerifyCommandOptions& o) {
  if (o.goal.target_interval > 0)
    return fmt::format("--target-interval {}", o.goal.target_interval);
  if (o.goal.lut_budget >= 0 || o.goal.dsp_budget >= 0) {
    std::string t;
    if (o.goal.lut_budget >= 0) t = fmt::format("--lut-budget {}", o.goal.lut_budget);
    if (o.goal.dsp_budget >= 0)
      t += fmt::format("{}--dsp-budget {}", t.empty() ? "" : " ", o.goal.dsp_budget);
    return t;
  }
  if (o.pe.empty()) return "the model's lanes (PE = the next layer's SIMD)";
  std::string t = "--pe ";
  for (std::size_t i = 0; i < o.pe.size(); ++i) t += (i ? "," : "") + std::to_string(o.pe[i]);
  return t;
}

int write_json(const std::string& path, const std::string& json) {
  if (path.empty()) return kExitOk;
  std::ofstream out(path);
  out << json << "\n";
  if (!out) {
    print_error(kCommand, "cannot write {}", path);
    return kExitFailure;
  }
  return kExitOk;
}

// Runs a verification (either engine), reporting what goes wrong as `fxsim verify` does: a
// folding that does not fit, a bad model or option, an RTL variant that cannot be built (exit
// 2), or a failed simulation (exit 1). kExitOk when `run` returned.
template <typename Run>
int run_reporting_errors(const std::string& model, Run&& run) {
  try {
    run();
  } catch (const env::ModelFoldingError& e) {
    print_error(kCommand, "{}: {}", model, e.what());
    return kExitUsage;
  } catch (const env::VerifyError& e) {
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  } catch (const verilated::RtlVariantError& e) {
    print_error(kCommand, "{}: {}", model, e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    print_error(kCommand, "simulation failed: {}", e.what());
    return kExitFailure;
  }
  return kExitOk;
}

// The model as a streaming network on the network engine, in chunks of --batch images.
int verify_network_command(const VerifyCommandOptions& o, const golden::ModelFile& file) {
  env::ModelFolding f;
  f.pe = o.pe;  // empty: the model's lanes
  f.simd = o.simd;
  f.fifo_depth = o.fifo_depth;
  f.model_ref = o.model;
  if (auto goal = o.goal.goal(*resources::parse_family(o.family))) f.goal = *goal;
  const bool rtl = o.backend == "rtl";
  env::NetworkVerifyOptions options;
  options.backend = rtl ? env::NetworkBackends::RTL : env::NetworkBackends::MODEL;
  options.images = o.images >= 0 ? o.images : (rtl ? 200 : 0);
  if (o.images < 0 && file.golden && options.images > file.golden->count) {
    options.images = file.golden->count;
  }
  options.chunk = o.batch > 0 ? o.batch : (rtl ? 100 : 500);
  options.family = *resources::parse_family(o.family);
  options.data_dir = o.data_dir;
  options.folding = folding_source(o);
  if (!o.quiet) options.progress = progress_printer();
  env::NetworkVerifyReport report;
  const int failed = run_reporting_errors(o.model, [&] {
    engine::NetworkConfig cfg = env::network_from_model(file, f);
    cfg.clock_ns = o.hw.clock_ns;
    report = env::verify_network(file, o.model, engine::plan_network(cfg, o.model), options);
  });
  if (failed != kExitOk) return failed;
  fmt::print("{}", env::network_verify_text(report));
  if (o.goal.target_interval > 0 &&
      report.interval_cycles > static_cast<std::uint64_t>(o.goal.target_interval)) {
    // The folding rule counts each block's own cycles; a block replaying its folds with its input
    // closed also needs a deep enough FIFO in front of it (docs/network.md, "Folding a network").
    fmt::print(
        "note              the interval exceeds --target-interval {}: the folding rule assumes "
        "FIFOs deep enough for every block's folds (--fifo-depth; `fxsim run --network "
        "--size-fifos` sizes them)\n",
        o.goal.target_interval);
  }
  std::fflush(stdout);
  if (write_json(o.json, env::network_verify_json(report).dump(2)) != kExitOk) return kExitFailure;
  return report.passed() ? kExitOk : kExitFailure;
}

// Options one engine does not take, refused by name.
bool engine_options_fit(const VerifyCommandOptions& o, const std::string& engine) {
  const std::vector<std::string>& wrong = engine == "layer" ? o.network_only : o.layer_only;
  if (wrong.empty()) return true;
  print_error(kCommand, "{}: the {} engine's option; this run is on the {} engine{}", wrong.front(),
              engine == "layer" ? "network" : "layer", engine,
              engine == "layer" ? " (expected --engine network)" : "");
  return false;
}

int verify_command(const VerifyCommandOptions& o) {
  golden::ModelFile file;
  try {
    file = golden::read_model_file(o.model);
  } catch (const std::exception& e) {
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  }
  const std::string engine = !o.engine.empty()         ? o.engine
                             : file.model.dense_only() ? "layer"
                                                       : "network";
  if (!engine_options_fit(o, engine)) return kExitUsage;
  if (engine == "network" && file.is_affine()) {
    print_error(kCommand,
                "--engine network: {}: an affine integer model (model file version 3) runs on "
                "the layer engine (int_requant after each MAC array); expected --engine layer",
                o.model);
    return kExitUsage;
  }
  if (engine == "network") return verify_network_command(o, file);
  if (!file.model.dense_only()) {
    print_error(kCommand,
                "--engine layer: {}: layer 0 is a {} layer; the layer engine runs dense layers "
                "one at a time and cannot run a CNN; expected --engine network (a CNN's default)",
                o.model, golden::layer_kind(file.model.features.front()));
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
  options.layer_pe = o.pe;
  options.family = *resources::parse_family(o.family);
  options.data_dir = o.data_dir;
  options.jobs =
      o.jobs > 0 ? o.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (!o.quiet) options.progress = progress_printer();
  env::VerifyReport report;
  const int failed =
      run_reporting_errors(o.model, [&] { report = env::verify_model(file, o.model, options); });
  if (failed != kExitOk) return failed;
  print_report(report);
  std::fflush(stdout);
  if (write_json(o.json, report_json(report).dump(2)) != kExitOk) return kExitFailure;
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
      ->check(existing_file(kModelFileHint));
  cmd->add_option("-e,--engine", o->engine,
                  "layer: the layer engine, layer by layer (an MLP's default); network: the model "
                  "as a streaming network of conv / pool / dense blocks (a CNN's default; the "
                  "layer engine cannot run a CNN)")
      ->check(CLI::IsMember({"layer", "network"}));
  cmd->add_option("-b,--backend", o->backend,
                  "model: the SystemC/TLM model (network engine: the SystemC network model); "
                  "rtl: the Verilated RTL (network engine: the stitched Verilated top)")
      ->check(CLI::IsMember({"model", "rtl"}))
      ->capture_default_str();
  cmd->add_option("-n,--images", o->images,
                  "The first N golden test images (default: all on the model backend, 200 on "
                  "rtl; 0: all)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--batch", o->batch,
                  "Images per engine run: the layer engine's BATCH register (default 1000 model, "
                  "100 rtl); the network engine's chunk, a run from reset with its own reference "
                  "(default 500 model, 100 rtl)")
      ->check(CLI::PositiveNumber);
  CLI::Option* pe =
      cmd->add_option("--pe", o->pe,
                      "Output neurons computed in parallel (PE): one value for every layer, or "
                      "one per layer, e.g. --pe 16,8,2. Layer engine: default 8; SIMD is each "
                      "layer's own, from the model file. Network engine: one per conv / dense "
                      "layer, default the model's lanes (each layer's PE the next layer's SIMD)")
          ->delimiter(',')
          ->check(CLI::Range(1, 256));
  CLI::Option* simd =
      cmd->add_option("--simd", o->simd,
                      "Network engine: channels a beat of the input stream, the first conv / dense "
                      "layer's SIMD (default: the model's); another SIMD than the trained one only "
                      "where the layer's accumulator cannot overflow")
          ->check(CLI::Range(1, 64));
  cmd->add_option("--fifo-depth", o->fifo_depth,
                  "Network engine: depth of the FIFO in front of every block")
      ->check(CLI::Range(0, 4096))
      ->capture_default_str();
  const std::vector<CLI::Option*> goal_options =
      o->goal.add_to(cmd, "Network engine, instead of --pe / --simd: ");
  for (CLI::Option* goal : goal_options) goal->excludes(pe)->excludes(simd);
  cmd->add_option("--mac-stages", o->hw.mac_stages, "Layer engine: fx_mac_pe pipeline depth")
      ->check(CLI::Range(1, 8))
      ->capture_default_str();
  cmd->add_option("--bn-stages", o->hw.bn_stages, "Layer engine: bn_act pipeline depth")
      ->check(CLI::Range(1, 8))
      ->capture_default_str();
  cmd->add_option("--clock-ns", o->hw.clock_ns, "Clock period in ns")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--bus-bits", o->hw.bus_bits, "Layer engine: TLM bus data width in bits")
      ->check(CLI::IsMember({8, 16, 32, 64, 128, 256, 512}))
      ->capture_default_str();
  cmd->add_option("--family", o->family,
                  "FPGA family of the analytical LUT/FF/DSP estimate (docs/resources.md)")
      ->check(CLI::IsMember({"xc7", "xcup"}))
      ->capture_default_str();
  cmd->add_option("--data", o->data_dir,
                  "Directory of the Fashion-MNIST IDX files the golden results name")
      ->capture_default_str();
  cmd->add_option("--json", o->json, "Also write the report as JSON to this file");
  cmd->add_option("-j,--jobs", o->jobs,
                  "Layer engine: worker processes the batches are spread over (default: number "
                  "of cores); the report is the same for any count")
      ->check(CLI::Range(1, 1024));
  cmd->add_flag("-q,--quiet", o->quiet, "No progress lines on stderr");
  cmd->footer(
      "Each layer of the model file is one design point of the layer engine (docs/engine.md):\n"
      "the layer's own formats, SIMD (the accumulation order its golden logits were computed\n"
      "in, so not an option) and bn_act, on --pe parallel neurons. The images go through the\n"
      "SystemC testbench (TLM loads, START, irq, read-back) layer by layer, every layer's\n"
      "hardware outputs feeding the next. Every layer is checked by the scoreboard against\n"
      "models/units, the last layer's logits against the golden logits stored in the model file,\n"
      "and the accuracy against the golden accuracy on the same images. The report has a row\n"
      "per layer (in -> out, PE, SIMD, cycles, transfers, analytical LUT/FF/DSP, mismatches),\n"
      "each layer's formats, the logit mismatches (the first: image, class, both raws), latency\n"
      "and throughput at the clock.\n"
      "An affine integer model (an affine variant of `fxsim train`, model file version 3) runs\n"
      "on the layer engine only: each layer's MAC array multiplies the integers and one\n"
      "int_requant per layer applies its folded bias and M0 x 2^-(B+n) multipliers (SIMD 8).\n"
      "A binary / ternary model (`fxsim train` [binary], model file version 4): each layer on\n"
      "xnor_pe (kind binary, ternary or xnor) with bn_act or, for a BNN's hidden layers,\n"
      "threshold (T = 1); on the layer engine every layer's outputs are also checked against\n"
      "the golden model's reference inference (golden/bipolar_network); --engine network\n"
      "streams it as dense blocks of those engines.\n"
      "With --engine network (a CNN's default; an MLP's too on request) the model becomes a\n"
      "streaming network (`fxsim network-from-model`: conv, pool and dense blocks) folded by\n"
      "--pe / --simd or by the auto-folding rule (--target-interval, --lut-budget, --dsp-budget),\n"
      "run on the SystemC network model or the stitched RTL in chunks of --batch images (memory\n"
      "bounded by the chunk); every logit checked against the golden logits, every output\n"
      "against the network reference. The report: the folding and analytical resources per\n"
      "block, logit mismatches (the first: image, class, both raws), accuracy, latency,\n"
      "interval, images/s at the clock and on this host. Fields: docs/golden.md, `fxsim verify`.\n"
      "Exit codes: 0 every logit bit-exact; 1 a mismatch, a TLM error or an incomplete run;\n"
      "2 a bad model file (truncated, wrong version, inconsistent) or bad options.\n"
      "Examples (`make run` trains results/train_small/):\n"
      "  fxsim verify --model results/train_small/model_qat_bp_e6.fxm\n"
      "  fxsim verify -m results/train_small/model_qat_khot2_e8.fxm --backend rtl --images 200\n"
      "  fxsim verify -m results/train_small/model_qat_bp_e6.fxm --pe 16,8,2 --json v.json\n"
      "  fxsim verify -m cnn.fxm --target-interval 2000 --backend rtl --images 100");
  cmd->callback([o, cmd, &status] {
    for (const char* name : {"--mac-stages", "--bn-stages", "--bus-bits", "--jobs"}) {
      if (cmd->count(name) > 0) o->layer_only.emplace_back(name);
    }
    for (const char* name :
         {"--simd", "--fifo-depth", "--target-interval", "--lut-budget", "--dsp-budget"}) {
      if (cmd->count(name) > 0) o->network_only.emplace_back(name);
    }
    status.exit_code = verify_command(*o);
  });
}

}  // namespace fxsim::cli
