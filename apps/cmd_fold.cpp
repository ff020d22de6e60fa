// `fxsim fold`: the folding of a network description (docs/network.md, "Folding a network") that
// meets a target interval or a resource budget (models/engine/network_folding.hpp), printed per
// block and, with --out, written as the description at that folding. Exit codes: 0 the goal is
// met; 1 it cannot be (the message names the smallest reachable interval, or the cheapest
// folding's cost), or --out cannot be written; 2 a bad description or bad options.
#include <fmt/core.h>

#include <memory>
#include <optional>
#include <string>

#include "apps/commands.hpp"
#include "apps/folding_goal_options.hpp"
#include "models/engine/network_folding.hpp"
#include "util/files.hpp"

namespace fxsim::cli {
namespace {

constexpr const char* kCommand = "fxsim fold";

struct FoldOptions {
  std::string network;
  FoldingGoalOptions goal;
  std::string family = "xc7";
  std::string out;
};

std::string goal_text(const engine::FoldingGoal& g) {
  if (g.target_interval) {
    return fmt::format("an interval of at most {} cycles an image", *g.target_interval);
  }
  std::string t;
  if (g.lut_budget) t = fmt::format("{} LUT-equivalent", *g.lut_budget);
  if (g.dsp_budget) t += fmt::format("{}{} DSP", t.empty() ? "" : ", ", *g.dsp_budget);
  return "the smallest interval within " + t;
}

void print_folding(const engine::Folding& f) {
  fmt::print("  {:<10} {:<5} {:>4} {:>4} {:>6} {:>4} {:>7} {:>9} {:>7} {:>4} {:>7}\n", "block",
             "kind", "PE", "SIMD", "SF", "NF", "vectors", "cycles", "LUT", "DSP", "LUT-eq");
  fmt::print("  {:<10} {:<5} {:>4} {:>4} {:>6} {:>4} {:>7} {:>9}\n", "input DMA", "", "",
             f.input_simd, "", "", "", f.input_dma_cycles);
  for (const engine::BlockFolding& b : f.blocks) {
    const bool mvau = b.kind != engine::LayerKind::POOL;
    const auto num = [&](std::int64_t v) { return mvau ? std::to_string(v) : std::string("-"); };
    fmt::print("  {:<10} {:<5} {:>4} {:>4} {:>6} {:>4} {:>7} {:>9} {:>7} {:>4} {:>7}\n", b.name,
               engine::to_string(b.kind), num(b.pe), b.simd, num(b.sf), num(b.nf), num(b.vectors),
               b.cycles, b.cost.lut, b.cost.dsp, b.cost.lut_equivalent);
  }
  fmt::print("  {:<10} {:<5} {:>4} {:>4} {:>6} {:>4} {:>7} {:>9}\n", "output DMA", "", "", "", "",
             "", "", f.output_dma_cycles);
  fmt::print("  {:<10} {:<5} {:>4} {:>4} {:>6} {:>4} {:>7} {:>9} {:>7} {:>4} {:>7}\n", "total", "",
             "", "", "", "", "", "", f.total.lut, f.total.dsp, f.total.lut_equivalent);
  fmt::print("  interval {} cycles an image (bottleneck {}), {:.0f} images/s at {} ns\n",
             f.interval, f.bottleneck, 1e9 / (static_cast<double>(f.interval) * f.config.clock_ns),
             f.config.clock_ns);
}

int fold_command(const FoldOptions& o) {
  const std::optional<engine::FoldingGoal> given = o.goal.goal(*resources::parse_family(o.family));
  if (!given) {
    print_error(kCommand,
                "expected a goal: --target-interval N, or --lut-budget X and / or --dsp-budget Y");
    return kExitUsage;
  }
  const engine::FoldingGoal& goal = *given;
  engine::NetworkConfig cfg;
  std::string text;
  engine::FoldingResult r;
  try {
    const std::optional<std::string> read = util::read_file(o.network);
    if (!read) {
      print_error(kCommand, "--network: cannot read {}", o.network);
      return kExitUsage;
    }
    text = *read;
    cfg = engine::parse_network(text, o.network);
    r = engine::fold_network(cfg, goal, o.network);
  } catch (const std::exception& e) {  // NetworkFileError, the file unreadable
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  }
  fmt::print("folding of {} ({}) for {}, {}: {} foldings searched\n", cfg.name, o.network,
             goal_text(goal), o.family, r.foldings_searched);
  print_folding(r.folding);
  if (!r.feasible) {
    print_error(kCommand, "{}", r.message);
    return kExitFailure;
  }
  if (!o.out.empty()) {
    try {
      util::write_file_atomically(o.out, engine::apply_folding(text, cfg, r.folding));
    } catch (const std::exception& e) {
      print_error(kCommand, "--out: {}", e.what());
      return kExitFailure;
    }
    // The FIFO depths stay the file's: a block that holds its input closed while it replays its
    // folds needs a deeper FIFO in front of it to keep the interval (docs/network.md).
    fmt::print(
        "wrote {} (FIFO depths as in {}: `fxsim run --network {} --size-fifos` sizes them)\n",
        o.out, o.network, o.out);
  }
  return kExitOk;
}

}  // namespace

void add_fold_command(CLI::App& app, CommandStatus& status) {
  auto o = std::make_shared<FoldOptions>();
  CLI::App* cmd = app.add_subcommand(
      "fold",
      "Choose every block's PE and SIMD of a network for a target interval or a resource budget");
  cmd->add_option("-n,--network", o->network, "Network description (TOML; docs/network.md)")
      ->required()
      ->check(CLI::ExistingFile);
  o->goal.add_to(cmd);
  cmd->add_option("--family", o->family, "FPGA family of the analytical resources (xc7, xcup)")
      ->check(CLI::IsMember({"xc7", "xcup"}))
      ->capture_default_str();
  cmd->add_option("-o,--out", o->out,
                  "Write the description at the chosen folding to this file (input.simd and "
                  "every layer's pe set, everything else kept)");
  cmd->footer(
      "Searches input.simd (the divisors of input.channels up to 64) and every conv / dense\n"
      "block's PE (the divisors of its outputs up to 64); a block's SIMD is the lanes coming\n"
      "in (the previous MVAU block's PE, or input.simd). A block's cycles an image: an MVAU\n"
      "max(input beats, SF x NF x vectors), a pool its input beats, the input DMA its bytes at\n"
      "the bandwidth; the interval is the largest (docs/network.md, \"Folding a network\").\n"
      "The search is exact for these cycles and the analytical resources (a dynamic programme\n"
      "over the chain).\n"
      "Exit codes: 0 the goal is met; 1 it cannot be (the smallest reachable interval, or the\n"
      "cheapest folding's cost, is named) or --out cannot be written; 2 a bad description or\n"
      "bad options.\n"
      "Examples:\n"
      "  fxsim fold --network docs/examples/network_cnn.toml --target-interval 8000 --out f.toml\n"
      "  fxsim fold --network docs/examples/network_cnn.toml --lut-budget 6000");
  cmd->callback([o, &status] { status.exit_code = fold_command(*o); });
}

}  // namespace fxsim::cli
