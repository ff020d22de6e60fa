#include "testbenches/env/run_network.hpp"

#include <fmt/core.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "models/engine/network_reference.hpp"
#include "testbenches/env/network_yosys.hpp"
#include "testbenches/env/simulation_scope.hpp"

namespace fxsim::env {
namespace {

// Counts the outputs that differ and locates the first in the output map.
void check(const engine::MapShape& out, const std::vector<std::int64_t>& expected,
           NetworkBackendRun* run) {
  const std::vector<std::int64_t>& got = run->result.output;
  const std::size_t n = std::max(expected.size(), got.size());
  const std::size_t per_image = static_cast<std::size_t>(out.elements());
  for (std::size_t i = 0; i < n; ++i) {
    const bool have = i < got.size() && i < expected.size();
    if (have && got[i] == expected[i]) continue;
    ++run->mismatches;
    if (run->first_mismatch) continue;
    NetworkMismatch m;
    m.image = static_cast<int>(i / per_image);
    const std::size_t in_image = i % per_image;
    m.c = static_cast<int>(in_image % static_cast<std::size_t>(out.c));
    const std::size_t pixel = in_image / static_cast<std::size_t>(out.c);
    m.y = static_cast<int>(pixel / static_cast<std::size_t>(out.w));
    m.x = static_cast<int>(pixel % static_cast<std::size_t>(out.w));
    m.expected = i < expected.size() ? expected[i] : 0;
    m.got = i < got.size() ? got[i] : 0;
    run->first_mismatch = m;
  }
}

void localise(const engine::NetworkPlan& plan, const engine::NetworkOperands& ops,
              const engine::NetworkReference& ref, NetworkBackendRun* run) {
  run->location = engine::localise_mismatch(
      plan, ops, ref, engine::ObservedMaps{&run->result.block_maps, &run->result.mac_maps});
}

std::string shape_text(const engine::MapShape& m) {
  return fmt::format("{}x{}x{}/{}", m.h, m.w, m.c, m.lanes);
}

double images_per_second(const NetworkSummary& s, const network::NetworkRunResult& r) {
  const std::uint64_t cycles = r.interval() ? r.interval() : r.latency();
  return cycles ? 1e9 / (static_cast<double>(cycles) * s.plan.config.clock_ns) : 0.0;
}

// The per-block table of a model run: shapes, folding, activity, FIFO maximum, resources.
std::string block_table(const NetworkSummary& s, const network::NetworkRunResult& r) {
  std::string t = fmt::format(
      "  {:<10} {:<5} {:<12} {:<12} {:<13} {:>9} {:>9} {:>9} {:>5} {:>7} {:>6} "
      "{:>4} {:>4} {:>4} {:>6}\n",
      "block", "kind", "in", "out", "folding", "busy", "in-stall", "out-stall", "fifo", "LUT", "FF",
      "DSP", "B18", "B36", "LUTRAM");
  for (std::size_t b = 0; b < s.plan.blocks.size(); ++b) {
    const engine::BlockPlan& bp = s.plan.blocks[b];
    const network::BlockActivity& a = r.blocks[b];
    const resources::ResourceEstimate e = s.cost.blocks[b].total();
    t += fmt::format(
        "  {:<10} {:<5} {:<12} {:<12} {:<13} {:>9} {:>9} {:>9} {:>2}/{:<2} {:>7} {:>6} {:>4} "
        "{:>4} {:>4} {:>6}\n",
        bp.layer.name, engine::to_string(bp.layer.kind), shape_text(bp.in), shape_text(bp.out),
        block_folding_text(bp), a.busy, a.input_stall, a.output_stall, a.fifo_max, bp.fifo.depth,
        e.lut, e.ff, e.dsp, e.bram18, e.bram36, e.lutram);
  }
  const resources::ResourceEstimate& tot = s.cost.total;
  t += fmt::format("  {:<10} {:>83} {:>6} {:>4} {:>4} {:>4} {:>6}\n", "total", tot.lut, tot.ff,
                   tot.dsp, tot.bram18, tot.bram36, tot.lutram);
  return t;
}

// The golden check of a network from a model file: logits, then top-1 of both.
std::string golden_text(const GoldenLogitCheck& g) {
  const std::string first =
      g.first_mismatch_image < 0 ? "" : fmt::format(" (first in image {})", g.first_mismatch_image);
  return fmt::format(
      "  golden logits: {} differ{}; top-1 {} of {} ({:.2f} %), the model file's {} of {} "
      "({:.2f} %)\n",
      g.mismatches, first, g.correct, g.images, 100.0 * g.accuracy(), g.golden_correct, g.images,
      100.0 * g.golden_accuracy());
}

}  // namespace

bool NetworkSummary::cycles_agree() const {
  for (const NetworkBackendRun& r : runs) {
    if (r.result.cycles != runs.front().result.cycles ||
        r.result.image_done != runs.front().result.image_done) {
      return false;
    }
  }
  return true;
}

bool NetworkSummary::passed() const {
  if (runs.empty()) return false;
  for (const NetworkBackendRun& r : runs) {
    if (r.mismatches != 0 || r.location || (r.golden && r.golden->mismatches != 0)) return false;
  }
  return cycles_agree();
}

std::string block_folding_text(const engine::BlockPlan& b) {
  if (b.pool) return fmt::format("pool {}", b.layer.pool);
  return fmt::format("PE {} SIMD {}", b.mvau->pe, b.mvau->simd);
}

nlohmann::ordered_json resources_json(const resources::ResourceEstimate& e) {
  return {{"lut", e.lut},
          {"ff", e.ff},
          {"dsp", e.dsp},
          {"bram18", e.bram18},
          {"bram36", e.bram36},
          {"lutram", e.lutram},
          {"lut_equivalent", e.lut_equivalent}};
}

NetworkSummary run_network(const engine::NetworkPlan& plan, const NetworkRunOptions& options) {
  NetworkSummary s;
  s.plan = plan;
  s.images = options.images.value_or(plan.config.images);
  s.family = std::string(resources::family_name(options.family));
  s.cost = engine::network_cost(plan, options.family, /*use_dsp=*/true);
  if (options.yosys) {
    s.yosys = network_yosys_cost(plan, options.family, [](const std::string& line) {
      std::fprintf(stderr, "fxsim run: %s\n", line.c_str());
    });
  }
  // The operands: the model file's ([network] model), else the seed's.
  std::optional<ModelNetwork> trained;
  if (options.model) {
    trained = load_model_network(plan, s.images, *options.model);
  } else if (!plan.config.model.empty()) {
    trained = load_model_network(plan, s.images);
  }
  s.model = plan.config.model;
  const engine::NetworkOperands ops =
      trained ? trained->ops : engine::make_network_operands(plan, s.images);
  auto check_golden = [&](NetworkBackendRun* run) {
    if (trained && trained->golden) {
      run->golden =
          check_golden_logits(*trained->golden, run->result.output, trained->classes, s.images);
    }
  };
  engine::NetworkReference ref = engine::compute_network_reference(plan, ops);
  if (options.reference_fault) options.reference_fault(ref);
  const bool model = options.backends != NetworkBackends::RTL;
  const bool rtl = options.backends != NetworkBackends::MODEL;
  if (model) {
    engine::NetworkPlan model_plan = plan;
    if (options.model_fault) options.model_fault(model_plan);
    NetworkBackendRun run;
    run.backend = "model";
    const auto t0 = std::chrono::steady_clock::now();
    network::NetworkModelOptions mo;
    mo.vcd_path = options.vcd_path;
    mo.activity = !options.activity_csv_path.empty();
    mo.taps = options.taps;
    mo.engine = options.model_fault ? network::ModelEngine::EDGES : options.model_engine;
    {
      SimulationScope scope;
      run.result = network::run_network_model(model_plan, ops, mo);
    }
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    check(plan.output(), ref.output(), &run);
    if (run.mismatches != 0 || mo.taps) {
      if (!mo.taps) {  // again, with every block's stream recorded
        network::NetworkModelOptions tapped;
        tapped.taps = true;
        SimulationScope scope;
        const network::NetworkRunResult again = network::run_network_model(model_plan, ops, tapped);
        run.result.block_maps = again.block_maps;
        run.result.mac_maps = again.mac_maps;
      }
      localise(plan, ops, ref, &run);
    }
    if (mo.activity) {
      std::ofstream csv(options.activity_csv_path);
      csv << activity_csv(plan, run.result.activity);
      if (!csv) throw std::runtime_error("cannot write " + options.activity_csv_path);
    }
    check_golden(&run);
    s.runs.push_back(std::move(run));
  }
  if (rtl) {
    NetworkBackendRun run;
    run.backend = "rtl";
    const auto t0 = std::chrono::steady_clock::now();
    NetworkRtlOptions ro;
    ro.taps = options.taps;
    ro.edit_stitch = options.rtl_fault;
    run.result = run_network_rtl(plan, ops, ro);
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    check(plan.output(), ref.output(), &run);
    if (run.mismatches != 0 || ro.taps) {
      if (!ro.taps) {  // again, on the tapped top
        ro.taps = true;
        const network::NetworkRunResult again = run_network_rtl(plan, ops, ro);
        run.result.block_maps = again.block_maps;
        run.result.mac_maps = again.mac_maps;
      }
      localise(plan, ops, ref, &run);
    }
    check_golden(&run);
    s.runs.push_back(std::move(run));
  }
  return s;
}

std::string activity_csv(const engine::NetworkPlan& plan,
                         const std::vector<network::ActivitySegment>& segments) {
  std::string out = "block,kind,state,first_cycle,last_cycle,cycles\n";
  for (const network::ActivitySegment& a : segments) {
    const engine::BlockPlan& b = plan.blocks[static_cast<std::size_t>(a.block)];
    out += fmt::format("{},{},{},{},{},{}\n", b.layer.name, engine::to_string(b.layer.kind),
                       network::to_string(a.state), a.first, a.last, a.last - a.first + 1);
  }
  return out;
}

std::string network_summary_text(const NetworkSummary& s, const std::string& source) {
  const engine::NetworkConfig& cfg = s.plan.config;
  std::string t = fmt::format("network {} ({}): {} blocks, {} images, clock {} ns\n", cfg.name,
                              source, s.plan.blocks.size(), s.images, cfg.clock_ns);
  for (const NetworkBackendRun& run : s.runs) {
    const network::NetworkRunResult& r = run.result;
    t += fmt::format("\n{} backend ({:.2f} s", run.backend, run.seconds);
    if (!r.engine.empty()) {
      t +=
          fmt::format(", {} engine: {} of {} cycles stepped", r.engine, r.stepped_cycles, r.cycles);
      if (r.skipped_images > 0)
        t += fmt::format(", {} images skipped as repeats", r.skipped_images);
    }
    t += "):\n";
    if (r.blocks.empty()) {
      t += "  (per-block activity and resources: the model's; the stitched top shows its ends)\n";
    } else {
      t += block_table(s, r);
    }
    t += fmt::format(
        "  cycles {} (reset release to the last result), latency {} cycles ({:.0f} ns), "
        "interval {} cycles, {:.0f} images/s, bottleneck {}\n",
        r.cycles, r.latency(), static_cast<double>(r.latency()) * cfg.clock_ns, r.interval(),
        images_per_second(s, r), r.bottleneck.empty() ? "-" : r.bottleneck);
    t += fmt::format("  input DMA: {} cycles with its buffer full, {} empty with beats left",
                     r.dma_full_cycles, r.dma_empty_cycles);
    t += r.blocks.empty()
             ? std::string("\n")
             : fmt::format("; output DMA: {} cycles refusing a result\n", r.sink_stall_cycles);
    t += fmt::format("  outputs: {} of {} equal the reference",
                     r.output.size() - std::min<std::size_t>(r.output.size(), run.mismatches),
                     r.output.size());
    if (run.first_mismatch) {
      const NetworkMismatch& m = *run.first_mismatch;
      t += fmt::format(
          "; first mismatch: image {}, pixel (y {}, x {}), channel {}: expected {}, "
          "got {}",
          m.image, m.y, m.x, m.c, m.expected, m.got);
    }
    t += "\n";
    if (run.location) t += "  first departure: " + engine::describe(*run.location) + "\n";
    if (run.golden) t += golden_text(*run.golden);
  }
  if (s.runs.size() > 1) {
    t += s.cycles_agree()
             ? fmt::format(
                   "\nmodel vs rtl: cycles equal ({}), every image's completion edge equal\n",
                   s.runs.front().result.cycles)
             : fmt::format("\nmodel vs rtl: cycles DIFFER: model {}, rtl {}\n",
                           s.runs.front().result.cycles, s.runs.back().result.cycles);
  }
  t += fmt::format("resources: analytical ({}, yosys 0.23 mapping rules; docs/resources.md)\n",
                   s.family);
  if (s.yosys) {
    t += "yosys resources (each unit synthesized on its own, yosys 0.23 synth_xilinx):\n";
    t += fmt::format("  {:<10} {:>7} {:>7} {:>6} {:>4} {:>4} {:>4} {:>6}\n", "block", "LUT",
                     "model", "FF", "DSP", "B18", "B36", "LUTRAM");
    auto row = [&](const std::string& name, const resources::ResourceEstimate& y,
                   const resources::ResourceEstimate& m) {
      t += fmt::format("  {:<10} {:>7} {:>7} {:>6} {:>4} {:>4} {:>4} {:>6}\n", name, y.lut, m.lut,
                       y.ff, y.dsp, y.bram18, y.bram36, y.lutram);
    };
    for (std::size_t b = 0; b < s.yosys->blocks.size(); ++b) {
      row(s.yosys->blocks[b].name, s.yosys->blocks[b].total(), s.cost.blocks[b].total());
    }
    row("total", s.yosys->total, s.cost.total);
  }
  t += s.passed() ? "result: PASS\n" : "result: FAIL\n";
  return t;
}

nlohmann::ordered_json network_summary_json(const NetworkSummary& s, const std::string& source) {
  const engine::NetworkConfig& cfg = s.plan.config;
  nlohmann::ordered_json j;
  j["network"] = {{"name", cfg.name},         {"source", source}, {"images", s.images},
                  {"clock_ns", cfg.clock_ns}, {"seed", cfg.seed}, {"family", s.family}};
  j["network"]["model"] =
      s.model.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s.model);
  nlohmann::ordered_json runs = nlohmann::ordered_json::array();
  for (const NetworkBackendRun& run : s.runs) {
    const network::NetworkRunResult& r = run.result;
    nlohmann::ordered_json jr;
    jr["backend"] = run.backend;
    jr["seconds"] = run.seconds;
    jr["engine"] =
        r.engine.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.engine);
    jr["stepped_cycles"] = r.engine.empty() ? nlohmann::ordered_json(nullptr)
                                            : nlohmann::ordered_json(r.stepped_cycles);
    jr["skipped_images"] = r.engine.empty() ? nlohmann::ordered_json(nullptr)
                                            : nlohmann::ordered_json(r.skipped_images);
    jr["cycles"] = r.cycles;
    jr["latency_cycles"] = r.latency();
    jr["interval_cycles"] = r.interval();
    jr["images_per_second"] = images_per_second(s, r);
    jr["image_done_cycles"] = r.image_done;
    jr["bottleneck"] = r.bottleneck.empty() ? nlohmann::ordered_json(nullptr)
                                            : nlohmann::ordered_json(r.bottleneck);
    jr["dma_full_cycles"] = r.dma_full_cycles;
    jr["dma_empty_cycles"] = r.dma_empty_cycles;
    jr["output_dma_stall_cycles"] = r.sink_stall_cycles;
    nlohmann::ordered_json blocks = nlohmann::ordered_json::array();
    for (std::size_t b = 0; b < r.blocks.size(); ++b) {
      const engine::BlockPlan& bp = s.plan.blocks[b];
      const network::BlockActivity& a = r.blocks[b];
      nlohmann::ordered_json jb;
      jb["name"] = bp.layer.name;
      jb["kind"] = std::string(engine::to_string(bp.layer.kind));
      jb["in"] = {{"h", bp.in.h},
                  {"w", bp.in.w},
                  {"c", bp.in.c},
                  {"lanes", bp.in.lanes},
                  {"format", bp.in.format.str()}};
      jb["out"] = {{"h", bp.out.h},
                   {"w", bp.out.w},
                   {"c", bp.out.c},
                   {"lanes", bp.out.lanes},
                   {"format", bp.out.format.str()}};
      jb["pe"] = bp.mvau ? nlohmann::ordered_json(bp.mvau->pe) : nlohmann::ordered_json(nullptr);
      jb["simd"] =
          bp.mvau ? nlohmann::ordered_json(bp.mvau->simd) : nlohmann::ordered_json(nullptr);
      jb["busy_cycles"] = a.busy;
      jb["input_stall_cycles"] = a.input_stall;
      jb["output_stall_cycles"] = a.output_stall;
      jb["beats_in"] = a.beats_in;
      jb["beats_out"] = a.beats_out;
      jb["fifo_depth"] = bp.fifo.depth;
      jb["fifo_max"] = a.fifo_max;
      jb["resources"] = resources_json(s.cost.blocks[b].total());
      blocks.push_back(jb);
    }
    jr["blocks"] = blocks;
    jr["mismatches"] = run.mismatches;
    if (run.first_mismatch) {
      const NetworkMismatch& m = *run.first_mismatch;
      jr["first_mismatch"] = {{"image", m.image},       {"y", m.y},    {"x", m.x}, {"c", m.c},
                              {"expected", m.expected}, {"got", m.got}};
    } else {
      jr["first_mismatch"] = nullptr;
    }
    if (run.location) {
      const engine::MismatchLocation& l = *run.location;
      jr["localisation"] = {{"block", l.block},
                            {"block_name", l.block_name},
                            {"kind", l.kind},
                            {"image", l.image},
                            {"y", l.y},
                            {"x", l.x},
                            {"c", l.c},
                            {"stage", engine::to_string(l.stage)},
                            {"expected", l.expected},
                            {"got", l.got},
                            {"format", l.format},
                            {"event", l.event},
                            {"differing", l.differing}};
    } else {
      jr["localisation"] = nullptr;
    }
    if (run.golden) {
      const GoldenLogitCheck& g = *run.golden;
      jr["golden"] = {{"images", g.images},
                      {"logit_mismatches", g.mismatches},
                      {"first_mismatch_image", g.first_mismatch_image},
                      {"correct", g.correct},
                      {"golden_correct", g.golden_correct},
                      {"accuracy", g.accuracy()},
                      {"golden_accuracy", g.golden_accuracy()}};
    } else {
      jr["golden"] = nullptr;
    }
    runs.push_back(jr);
  }
  j["runs"] = runs;
  j["resources"] = resources_json(s.cost.total);
  if (s.yosys) {
    nlohmann::ordered_json blocks = nlohmann::ordered_json::array();
    for (const engine::BlockCost& b : s.yosys->blocks) {
      blocks.push_back({{"name", b.name}, {"resources", resources_json(b.total())}});
    }
    j["yosys_resources"] = {{"total", resources_json(s.yosys->total)}, {"blocks", blocks}};
  } else {
    j["yosys_resources"] = nullptr;
  }
  j["cycles_agree"] = s.cycles_agree();
  j["passed"] = s.passed();
  return j;
}

}  // namespace fxsim::env
