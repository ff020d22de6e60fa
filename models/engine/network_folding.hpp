// Auto-folding of a streaming network (docs/network.md, "Folding a network"): the input stream's
// lanes and every MVAU block's PE (hence every SIMD: a block's SIMD is the lanes coming in) that
// meet a goal, a target initiation interval or a resource budget, found by a dynamic programme
// over the chain that is exact for the analytical model: the cycles per image of every block and
// DMA (fold_cycles below) and the units' cost formulas (network_cost). Plain C++, no SystemC.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "models/engine/network_config.hpp"
#include "models/engine/network_cost.hpp"
#include "models/engine/network_plan.hpp"
#include "models/resources/estimate.hpp"
#include "models/resources/family.hpp"

namespace fxsim::engine {

// What to fold for. With a target: the least LUT-equivalent folding whose interval is at most
// the target. With a budget (LUT-equivalent and / or DSP): the smallest interval whose folding
// fits, the least LUT-equivalent such folding.
struct FoldingGoal {
  std::optional<std::int64_t> target_interval;  // cycles an image
  std::optional<std::int64_t> lut_budget;       // LUT-equivalent (LUT + 55 x DSP)
  std::optional<std::int64_t> dsp_budget;       // DSP slices
  resources::Family family = resources::Family::xc7;
  bool use_dsp = true;
  // Which incoming lanes (its SIMD) MVAU block i may take; empty: any. A trained model's layer
  // whose accumulator can overflow keeps the SIMD it was trained with (testbenches/env,
  // network_from_model): its outputs depend on the order of its beats.
  std::function<bool(int block, int lanes)> lanes_allowed;
};

// One block at a folding, in the analytical model.
struct BlockFolding {
  std::string name;
  LayerKind kind = LayerKind::DENSE;
  int pe = 0, simd = 0;  // simd: the incoming lanes (a pool's too); pe 0 for a pool
  int sf = 0, nf = 0;    // MVAU: SF = MW / SIMD beats a vector, NF = MH / PE folds; 0 for a pool
  std::int64_t vectors = 0;          // MVAU input vectors an image
  std::int64_t cycles = 0;           // an image (fold_cycles)
  resources::ResourceEstimate cost;  // FIFO + window or pool + mvau
};

struct Folding {
  int input_simd = 1;
  std::vector<BlockFolding> blocks;
  std::int64_t input_dma_cycles = 0;   // an image at the DMA's bandwidth
  std::int64_t output_dma_cycles = 0;  // an image's result beats at the expected stall rate
  std::int64_t interval = 0;           // the largest of the blocks' and the DMAs' cycles
  std::string bottleneck;              // the first block (or DMA) with that many cycles
  resources::ResourceEstimate total;
  NetworkConfig config;  // the description at this folding (layer simd keys cleared)
};

struct FoldingResult {
  bool feasible = false;
  // Feasible: the folding that meets the goal. Infeasible target: the cheapest folding of the
  // smallest reachable interval. Infeasible budget: the folding of the least LUT-equivalent.
  Folding folding;
  std::int64_t smallest_interval = 0;    // over all foldings (no budget)
  resources::ResourceEstimate cheapest;  // the least LUT-equivalent folding's total
  std::int64_t fewest_dsp = 0;           // over all foldings
  std::int64_t foldings_searched =
      0;  // the foldings of the chain (product of the choices per block)
  // Infeasible: "no folding reaches an interval of T cycles an image; the smallest reachable
  // is I (...)" or "no folding fits ...; the cheapest needs ..."; empty when feasible.
  std::string message;
};

// The analytical cycles an image of each block of a plan (docs/network.md, "Folding a network"):
// MVAU blocks max(input beats, SF x NF x vectors), a pool its input beats (one a cycle), the
// input DMA max(beats, ceil(beats x beat bytes x dma.cycles / dma.bytes)), the output DMA
// ceil(result beats / (1 - output_stall)).
Folding folding_of(const NetworkPlan& plan, resources::Family family, bool use_dsp);

// Throws NetworkFileError for a description that does not plan as given (its own folding is
// checked first, with the file's messages) or for a goal without a target or a budget (or with
// both). The choices: input.simd among the divisors of input.channels up to 64, each MVAU
// block's PE among the divisors of its outputs up to 64 (a combination the units refuse, e.g. a
// weight memory deeper than 65536 folds, is left out).
FoldingResult fold_network(const NetworkConfig& cfg, const FoldingGoal& goal,
                           const std::string& source_name = "network");

// `text` (a description file) with input.simd (added after [input] when the file has none) and
// every conv / dense [[layer]]'s pe (and simd, where it has one) set to `folding`'s, everything
// else (comments, order) kept. `original` is `text` parsed: its layers' lines.
std::string apply_folding(const std::string& text, const NetworkConfig& original,
                          const Folding& folding);

}  // namespace fxsim::engine
