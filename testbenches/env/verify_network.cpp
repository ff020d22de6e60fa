#include "testbenches/env/verify_network.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>

#include "models/engine/network_reference.hpp"
#include "models/network/network_model.hpp"
#include "testbenches/env/network_rtl.hpp"
#include "testbenches/env/run_network.hpp"
#include "testbenches/env/simulation_scope.hpp"

namespace fxsim::env {
namespace {

// The golden results of images [first, first + n).
golden::GoldenResults golden_slice(const golden::GoldenResults& g, int first, int n, int classes) {
  golden::GoldenResults s;
  s.count = n;
  const auto at = [](int i, int per) {
    return static_cast<std::ptrdiff_t>(i) * static_cast<std::ptrdiff_t>(per);
  };
  s.logits.assign(g.logits.begin() + at(first, classes), g.logits.begin() + at(first + n, classes));
  s.labels.assign(g.labels.begin() + first, g.labels.begin() + first + n);
  return s;
}

// A chunk's check added to the whole run's, its image numbers moved by `first`.
void merge(const GoldenLogitCheck& c, int first, GoldenLogitCheck* all) {
  if (all->first_mismatch_image < 0 && c.first_mismatch_image >= 0) {
    all->first_mismatch_image = first + c.first_mismatch_image;
    all->first_mismatch_class = c.first_mismatch_class;
    all->first_expected = c.first_expected;
    all->first_got = c.first_got;
  }
  all->images += c.images;
  all->mismatches += c.mismatches;
  all->images_with_mismatch += c.images_with_mismatch;
  all->correct += c.correct;
  all->golden_correct += c.golden_correct;
}

std::uint64_t count_differences(const std::vector<std::int64_t>& got,
                                const std::vector<std::int64_t>& want) {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < std::max(got.size(), want.size()); ++i) {
    n += i < got.size() && i < want.size() && got[i] == want[i] ? 0 : 1;
  }
  return n;
}

// One chunk through the backend.
network::NetworkRunResult run_chunk(const engine::NetworkPlan& plan,
                                    const engine::NetworkOperands& ops, NetworkBackends backend) {
  if (backend == NetworkBackends::RTL) return run_network_rtl(plan, ops);
  SimulationScope scope;
  return network::run_network_model(plan, ops);
}

nlohmann::ordered_json map_json(const engine::MapShape& m) {
  return {{"h", m.h}, {"w", m.w}, {"c", m.c}, {"lanes", m.lanes}, {"format", m.format.str()}};
}

}  // namespace

double NetworkVerifyReport::images_per_second_hardware() const {
  const std::uint64_t cycles = interval_cycles ? interval_cycles : latency_cycles;
  return cycles ? 1e9 / (static_cast<double>(cycles) * plan.config.clock_ns) : 0.0;
}

double NetworkVerifyReport::images_per_second_host() const {
  return wall_seconds > 0 ? images / wall_seconds : 0.0;
}

bool NetworkVerifyReport::passed() const {
  return images > 0 && golden.images == images && golden.mismatches == 0 &&
         reference_mismatches == 0;
}

NetworkVerifyReport verify_network(const golden::ModelFile& file, const std::string& model_path,
                                   const engine::NetworkPlan& plan,
                                   const NetworkVerifyOptions& options) {
  if (!file.golden) {
    throw VerifyError(model_path +
                      ": no golden results in the model file; expected a file written by "
                      "`fxsim train` (its golden logits check the network)");
  }
  const golden::GoldenResults& g = *file.golden;
  NetworkVerifyReport r;
  r.model_path = model_path;
  r.backend = options.backend == NetworkBackends::RTL ? "rtl" : "model";
  r.folding = options.folding;
  r.plan = plan;
  r.family = options.family;
  r.cost = engine::network_cost(plan, options.family, /*use_dsp=*/true);
  r.images = options.images > 0 ? options.images : g.count;
  r.chunk = std::max(1, std::min(options.chunk, r.images));
  r.classes = file.classes();
  if (r.images > g.count) {
    throw VerifyError("--images " + std::to_string(r.images) + ": the model file holds golden " +
                      "results for " + std::to_string(g.count) + " images; expected 1.." +
                      std::to_string(g.count) + " (0: all)");
  }
  const int features = static_cast<int>(plan.input().elements());
  std::vector<std::uint8_t> pixels;
  try {
    pixels = golden::read_golden_pixels(golden::golden_images_path(g, options.data_dir), r.images,
                                        features);
  } catch (const std::exception& e) {  // IdxError
    throw VerifyError(std::string(e.what()) + " (the golden test images of " + model_path +
                      "; --data names their directory)");
  }
  const auto t0 = std::chrono::steady_clock::now();
  engine::NetworkOperands ops;
  ops.blocks = model_block_operands(plan, file);
  for (int first = 0; first < r.images; first += r.chunk) {
    const int n = std::min(r.chunk, r.images - first);
    const auto px = pixels.begin() + static_cast<std::ptrdiff_t>(first) * features;
    ops.images.assign(px, px + static_cast<std::ptrdiff_t>(n) * features);  // raw = pixel byte
    ops.image_count = n;
    const engine::NetworkReference ref = engine::compute_network_reference(plan, ops);
    const network::NetworkRunResult run = run_chunk(plan, ops, options.backend);
    r.reference_mismatches += count_differences(run.output, ref.output());
    merge(check_golden_logits(golden_slice(g, first, n, r.classes), run.output, r.classes, n),
          first, &r.golden);
    if (r.chunks++ == 0) {
      r.latency_cycles = run.latency();
      r.interval_cycles = run.interval();
      r.bottleneck = run.bottleneck;
      r.engine = run.engine;
    }
    r.simulated_cycles += run.cycles;
    r.logits.insert(r.logits.end(), run.output.begin(), run.output.end());
    if (options.progress) options.progress(first + n, r.images);
  }
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

std::string network_verify_text(const NetworkVerifyReport& r) {
  const engine::NetworkConfig& cfg = r.plan.config;
  std::string t = fmt::format("model     {}\n", r.model_path);
  t += fmt::format("engine    network, {} backend{} ({} images in {} chunk{} of {}, clock {} ns)\n",
                   r.backend, r.engine.empty() ? "" : ", " + r.engine + " engine", r.images,
                   r.chunks, r.chunks == 1 ? "" : "s", r.chunk, cfg.clock_ns);
  t += fmt::format(
      "folding   {}; input SIMD {}; LUT/FF/DSP/BRAM: analytical model (models/resources), {}, "
      "DSP multipliers\n\n",
      r.folding, r.plan.input().lanes, resources::family_name(r.family));
  const char* row = "{:<10} {:<5} {:<12} {:<12} {:<13} {:>7} {:>6} {:>4} {:>4} {:>4} {:>6}\n";
  t += fmt::format(row, "block", "kind", "in", "out", "folding", "LUT", "FF", "DSP", "B18", "B36",
                   "LUTRAM");
  const auto shape = [](const engine::MapShape& m) {
    return fmt::format("{}x{}x{}/{}", m.h, m.w, m.c, m.lanes);
  };
  for (std::size_t b = 0; b < r.plan.blocks.size(); ++b) {
    const engine::BlockPlan& bp = r.plan.blocks[b];
    const resources::ResourceEstimate e = r.cost.blocks[b].total();
    t += fmt::format(row, bp.layer.name, engine::to_string(bp.layer.kind), shape(bp.in),
                     shape(bp.out), block_folding_text(bp), e.lut, e.ff, e.dsp, e.bram18, e.bram36,
                     e.lutram);
  }
  const resources::ResourceEstimate& tot = r.cost.total;
  t += fmt::format(row, "total", "", "", "", "", tot.lut, tot.ff, tot.dsp, tot.bram18, tot.bram36,
                   tot.lutram);
  const GoldenLogitCheck& g = r.golden;
  t += fmt::format("\nlogits            {} of {} differ from the golden model ({} images)\n",
                   g.mismatches, static_cast<std::uint64_t>(r.images) * r.classes,
                   g.images_with_mismatch);
  if (g.first_mismatch_image >= 0) {
    t += fmt::format("first mismatch    image {}, class {}: expected {}, got {}\n",
                     g.first_mismatch_image, g.first_mismatch_class, g.first_expected, g.first_got);
  }
  t += fmt::format("reference         {} outputs differ from the network reference\n",
                   r.reference_mismatches);
  t += fmt::format("accuracy          hardware {:.4f} ({}/{}), golden {:.4f} ({}/{}){}\n",
                   g.accuracy(), g.correct, g.images, g.golden_accuracy(), g.golden_correct,
                   g.images, g.correct == g.golden_correct ? ", equal" : ", DIFFERENT");
  t += fmt::format(
      "latency           {} cycles = {:.1f} ns (reset release to the first image's "
      "last logit)\n",
      r.latency_cycles, r.latency_ns());
  t += fmt::format(
      "interval          {} cycles an image in steady state = {:.0f} images/s at the clock{}\n",
      r.interval_cycles, r.images_per_second_hardware(),
      r.bottleneck.empty() ? "" : fmt::format(" (bottleneck {})", r.bottleneck));
  t += fmt::format(
      "simulation        {:.2f} s, {:.0f} images/s on this host ({} cycles simulated)\n",
      r.wall_seconds, r.images_per_second_host(), r.simulated_cycles);
  t += fmt::format("result            {}\n", r.passed() ? "PASS: every logit bit-exact" : "FAIL");
  return t;
}

nlohmann::ordered_json network_verify_json(const NetworkVerifyReport& r) {
  const GoldenLogitCheck& g = r.golden;
  nlohmann::ordered_json blocks = nlohmann::ordered_json::array();
  for (std::size_t b = 0; b < r.plan.blocks.size(); ++b) {
    const engine::BlockPlan& bp = r.plan.blocks[b];
    blocks.push_back(
        {{"name", bp.layer.name},
         {"kind", std::string(engine::to_string(bp.layer.kind))},
         {"in", map_json(bp.in)},
         {"out", map_json(bp.out)},
         {"pe", bp.mvau ? nlohmann::ordered_json(bp.mvau->pe) : nlohmann::ordered_json(nullptr)},
         {"simd",
          bp.mvau ? nlohmann::ordered_json(bp.mvau->simd) : nlohmann::ordered_json(nullptr)},
         {"resources", resources_json(r.cost.blocks[b].total())}});
  }
  nlohmann::ordered_json first = nullptr;
  if (g.first_mismatch_image >= 0) {
    first = {{"image", g.first_mismatch_image},
             {"class", g.first_mismatch_class},
             {"expected", g.first_expected},
             {"got", g.first_got}};
  }
  return {{"model", r.model_path},
          {"engine", "network"},
          {"backend", r.backend},
          {"model_engine",
           r.engine.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.engine)},
          {"images", r.images},
          {"chunk", r.chunk},
          {"chunks", r.chunks},
          {"clock_ns", r.plan.config.clock_ns},
          {"family", std::string(resources::family_name(r.family))},
          {"folding", r.folding},
          {"input_simd", r.plan.input().lanes},
          {"blocks", blocks},
          {"resources", resources_json(r.cost.total)},
          {"logit_mismatches", g.mismatches},
          {"images_with_mismatch", g.images_with_mismatch},
          {"first_mismatch", first},
          {"reference_mismatches", r.reference_mismatches},
          {"hardware_correct", g.correct},
          {"golden_correct", g.golden_correct},
          {"hardware_accuracy", g.accuracy()},
          {"golden_accuracy", g.golden_accuracy()},
          {"latency_cycles", r.latency_cycles},
          {"latency_ns", r.latency_ns()},
          {"interval_cycles", r.interval_cycles},
          {"images_per_second_hardware", r.images_per_second_hardware()},
          {"bottleneck", r.bottleneck.empty() ? nlohmann::ordered_json(nullptr)
                                              : nlohmann::ordered_json(r.bottleneck)},
          {"simulated_cycles", r.simulated_cycles},
          {"wall_seconds", r.wall_seconds},
          {"images_per_second_host", r.images_per_second_host()},
          {"passed", r.passed()}};
}

}  // namespace fxsim::env
