// The folding search (network_folding.hpp). A block's cost and cycles depend only on the lanes
// coming in and its own PE (the shapes and formats along the chain do not depend on the
// folding), so the chain is a dynamic programme over the lanes of the stream between blocks:
// for each lanes value, the Pareto front of the partial foldings up to that point in (LUT-
// equivalent, DSP, largest cycles so far). Costs add up and the interval is a maximum, so a
// partial folding no better in all three than another with the same lanes can never complete
// to a better folding: the front at the end holds an optimum of every goal, and one pass answers
// the target, the budget and the smallest reachable interval.
#include "models/engine/network_folding.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>
#include <tuple>

namespace fxsim::engine {
namespace {

constexpr int kMaxLanes = 64;  // the units' SIMD and PE ranges

std::vector<int> divisors_up_to(int n, int limit) {
  std::vector<int> d;
  for (int k = 1; k <= std::min(n, limit); ++k) {
    if (n % k == 0) d.push_back(k);
  }
  return d;
}

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

std::int64_t block_cycles(const BlockPlan& b) {
  const std::int64_t beats_in = b.in.beats();  // the FIFO, window and pool take one a cycle
  if (!b.mvau) return beats_in;
  const std::int64_t sf = b.mvau->in_features / b.mvau->simd;
  const std::int64_t nf = b.mvau->out_features / b.mvau->pe;
  return std::max(beats_in, sf * nf * b.vectors_per_image);
}

std::int64_t input_dma_cycles(const MapShape& in, const DmaConfig& dma) {
  const std::int64_t beats = in.beats();
  const std::int64_t beat_bytes = (in.beat_bits() + 7) / 8;
  return std::max(beats, ceil_div(beats * beat_bytes * dma.cycles, dma.bytes));
}

std::int64_t output_dma_cycles(const MapShape& out, const DmaConfig& dma) {
  const double beats = static_cast<double>(out.beats());
  return static_cast<std::int64_t>(std::ceil(beats / (1.0 - dma.output_stall) - 1e-9));
}

// A partial folding: the choices so far and what they add up to.
struct Partial {
  std::int64_t lut_eq = 0, dsp = 0, interval = 0;
  int input_simd = 1;
  std::vector<int> pe;  // per block so far (a pool keeps the layer's)
};

bool no_worse(const Partial& a, const Partial& b) {
  return a.lut_eq <= b.lut_eq && a.dsp <= b.dsp && a.interval <= b.interval;
}

// Adds `p` to a Pareto front; the earlier of two equal partials stays.
void add_to_front(std::vector<Partial>* front, Partial p) {
  for (const Partial& q : *front) {
    if (no_worse(q, p)) return;
  }
  front->erase(std::remove_if(front->begin(), front->end(),
                              [&](const Partial& q) { return no_worse(p, q); }),
               front->end());
  front->push_back(std::move(p));
}

// One block planned on its own: the cycles and cost it has after `lanes` lanes come in at `pe`.
struct BlockOption {
  bool valid = false;
  std::int64_t cycles = 0;
  resources::ResourceEstimate cost;
};

class BlockEvaluator {
 public:
  BlockEvaluator(const NetworkConfig& cfg, const NetworkPlan& ref, const FoldingGoal& goal)
      : cfg_(cfg), ref_(ref), goal_(goal) {}

  const BlockOption& at(std::size_t i, int lanes, int pe) {
    const auto key = std::make_tuple(i, lanes, pe);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    BlockOption o;
    NetworkConfig c = cfg_;
    const MapShape& in = ref_.blocks[i].in;
    c.input = NetworkInput{in.h, in.w, in.c, in.format, lanes};
    NetworkLayer l = cfg_.layers[i];
    l.pe = pe;
    l.simd = 0;
    c.layers = {l};
    try {
      const NetworkPlan p = plan_network(c);
      o.cycles = block_cycles(p.blocks.front());
      o.cost = network_cost(p, goal_.family, goal_.use_dsp).total;
      o.valid = true;
    } catch (const NetworkFileError&) {
      // A combination a unit refuses (a range, a memory depth): not a choice.
    }
    return cache_.emplace(key, o).first->second;
  }

 private:
  const NetworkConfig& cfg_;
  const NetworkPlan& ref_;
  const FoldingGoal& goal_;
  std::map<std::tuple<std::size_t, int, int>, BlockOption> cache_;
};

NetworkConfig with_folding(const NetworkConfig& cfg, int input_simd, const std::vector<int>& pe) {
  NetworkConfig c = cfg;
  c.input.simd = input_simd;
  for (std::size_t i = 0; i < c.layers.size(); ++i) {
    c.layers[i].pe = pe[i];
    c.layers[i].simd = 0;
  }
  return c;
}

std::string folding_text(const Folding& f) {
  std::string t = fmt::format("input.simd {}", f.input_simd);
  for (const BlockFolding& b : f.blocks) {
    if (b.kind != LayerKind::POOL) t += fmt::format(", {} PE {}", b.name, b.pe);
  }
  return t;
}

std::string budget_text(const FoldingGoal& g) {
  std::string t;
  if (g.lut_budget) t = fmt::format("{} LUT-equivalent", *g.lut_budget);
  if (g.dsp_budget) t += fmt::format("{}{} DSP", t.empty() ? "" : " and ", *g.dsp_budget);
  return t;
}

// The trailing comment of a TOML line, with the spaces before it ("" without one). Our keys'
// values hold no '#'.
std::string trailing_comment(const std::string& line) {
  const auto hash = line.find('#');
  if (hash == std::string::npos) return "";
  auto start = hash;
  while (start > 0 && (line[start - 1] == ' ' || line[start - 1] == '\t')) --start;
  return line.substr(start);
}

bool is_key_line(const std::string& line, const std::string& key) {
  std::size_t p = line.find_first_not_of(" \t");
  if (p == std::string::npos || line.compare(p, key.size(), key) != 0) return false;
  p = line.find_first_not_of(" \t", p + key.size());
  return p != std::string::npos && line[p] == '=';
}

bool is_header(const std::string& line) {
  const std::size_t p = line.find_first_not_of(" \t");
  return p != std::string::npos && line[p] == '[';
}

// In the table whose header is lines[header], sets `key` to `value` (adding it after the header
// when `add` and the table has none).
void set_key(std::vector<std::string>* lines, std::size_t header, const std::string& key, int value,
             bool add) {
  std::size_t k = header + 1;
  for (; k < lines->size() && !is_header((*lines)[k]); ++k) {
    std::string& line = (*lines)[k];
    if (is_key_line(line, key)) {
      const std::size_t indent = line.find_first_not_of(" \t");
      line = line.substr(0, indent) + key + " = " + std::to_string(value) + trailing_comment(line);
      return;
    }
  }
  if (add) {
    lines->insert(lines->begin() + static_cast<std::ptrdiff_t>(header) + 1,
                  key + " = " + std::to_string(value));
  }
}

}  // namespace

Folding folding_of(const NetworkPlan& plan, resources::Family family, bool use_dsp) {
  Folding f;
  f.config = plan.config;
  f.input_simd = plan.input().lanes;
  const NetworkCost cost = network_cost(plan, family, use_dsp);
  f.input_dma_cycles = input_dma_cycles(plan.input(), plan.config.dma);
  f.output_dma_cycles = output_dma_cycles(plan.output(), plan.config.dma);
  f.interval = f.input_dma_cycles;
  f.bottleneck = "input DMA";
  for (std::size_t i = 0; i < plan.blocks.size(); ++i) {
    const BlockPlan& b = plan.blocks[i];
    BlockFolding bf;
    bf.name = b.layer.name;
    bf.kind = b.layer.kind;
    bf.simd = b.in.lanes;
    if (b.mvau) {
      bf.pe = b.mvau->pe;
      bf.sf = b.mvau->in_features / b.mvau->simd;
      bf.nf = b.mvau->out_features / b.mvau->pe;
      bf.vectors = b.vectors_per_image;
    }
    bf.cycles = block_cycles(b);
    bf.cost = cost.blocks[i].total();
    if (bf.cycles > f.interval) {
      f.interval = bf.cycles;
      f.bottleneck = bf.name;
    }
    f.blocks.push_back(bf);
  }
  if (f.output_dma_cycles > f.interval) {
    f.interval = f.output_dma_cycles;
    f.bottleneck = "output DMA";
  }
  f.total = cost.total;
  return f;
}

FoldingResult fold_network(const NetworkConfig& cfg, const FoldingGoal& goal,
                           const std::string& source_name) {
  const bool budget = goal.lut_budget || goal.dsp_budget;
  if (budget == goal.target_interval.has_value()) {
    throw NetworkFileError(source_name +
                           ": folding goal: expected a target interval or a budget (LUT-"
                           "equivalent and / or DSP), not " +
                           (budget ? "both" : "neither"));
  }
  const NetworkPlan ref = plan_network(cfg, source_name);
  BlockEvaluator eval(cfg, ref, goal);
  FoldingResult r;
  r.foldings_searched = 1;

  // The input stream's lanes and the input DMA's cycles at each.
  std::map<int, std::vector<Partial>> fronts;
  for (int s : divisors_up_to(cfg.input.channels, kMaxLanes)) {
    MapShape in = ref.input();
    in.lanes = s;
    Partial p;
    p.input_simd = s;
    p.interval = input_dma_cycles(in, cfg.dma);
    fronts[s].push_back(p);
  }
  r.foldings_searched = static_cast<std::int64_t>(fronts.size());
  for (std::size_t i = 0; i < ref.blocks.size(); ++i) {
    const NetworkLayer& l = cfg.layers[i];
    const std::vector<int> pes =
        l.has_mvau() ? divisors_up_to(l.kind == LayerKind::CONV ? l.channels : l.outputs, kMaxLanes)
                     : std::vector<int>{l.pe};
    r.foldings_searched *= static_cast<std::int64_t>(pes.size());
    std::map<int, std::vector<Partial>> next;
    for (const auto& [lanes, front] : fronts) {
      for (int pe : pes) {
        if (l.has_mvau() && goal.lanes_allowed && !goal.lanes_allowed(static_cast<int>(i), lanes)) {
          continue;
        }
        const BlockOption& o = eval.at(i, lanes, pe);
        if (!o.valid) continue;
        const int out_lanes = l.has_mvau() ? pe : lanes;
        for (const Partial& p : front) {
          Partial q = p;
          q.lut_eq += o.cost.lut_equivalent;
          q.dsp += o.cost.dsp;
          q.interval = std::max(q.interval, o.cycles);
          q.pe.push_back(pe);
          add_to_front(&next[out_lanes], std::move(q));
        }
      }
    }
    fronts = std::move(next);
  }
  std::vector<Partial> finals;
  for (const auto& [lanes, front] : fronts) {
    MapShape out = ref.output();
    out.lanes = lanes;
    for (Partial p : front) {
      p.interval = std::max(p.interval, output_dma_cycles(out, cfg.dma));
      add_to_front(&finals, std::move(p));
    }
  }
  if (finals.empty()) {
    throw NetworkFileError(source_name +
                           ": no folding of the network plans (every choice of "
                           "PE and SIMD is refused by a unit)");
  }

  using Key = std::tuple<std::int64_t, std::int64_t, std::int64_t>;
  const auto cheapest_key = [](const Partial& p) { return Key{p.lut_eq, p.dsp, p.interval}; };
  const auto fastest_key = [](const Partial& p) { return Key{p.interval, p.lut_eq, p.dsp}; };
  const auto best = [&](auto key, auto accept) -> const Partial* {
    const Partial* b = nullptr;
    for (const Partial& p : finals) {
      if (accept(p) && (!b || key(p) < key(*b))) b = &p;
    }
    return b;
  };
  const auto any = [](const Partial&) { return true; };
  const Partial* fastest = best(fastest_key, any);
  const Partial* cheapest = best(cheapest_key, any);
  r.smallest_interval = fastest->interval;
  r.fewest_dsp = std::numeric_limits<std::int64_t>::max();
  for (const Partial& p : finals) r.fewest_dsp = std::min(r.fewest_dsp, p.dsp);

  const Partial* chosen = nullptr;
  if (goal.target_interval) {
    const std::int64_t t = *goal.target_interval;
    chosen = best(cheapest_key, [&](const Partial& p) { return p.interval <= t; });
  } else {
    chosen = best(fastest_key, [&](const Partial& p) {
      return (!goal.lut_budget || p.lut_eq <= *goal.lut_budget) &&
             (!goal.dsp_budget || p.dsp <= *goal.dsp_budget);
    });
  }
  r.feasible = chosen != nullptr;
  const Partial* shown = chosen ? chosen : goal.target_interval ? fastest : cheapest;
  const auto plan_of = [&](const Partial& p) {
    return plan_network(with_folding(cfg, p.input_simd, p.pe), source_name);
  };
  r.folding = folding_of(plan_of(*shown), goal.family, goal.use_dsp);
  r.cheapest = folding_of(plan_of(*cheapest), goal.family, goal.use_dsp).total;
  if (r.folding.total.lut_equivalent != shown->lut_eq || r.folding.interval != shown->interval) {
    throw std::logic_error("fold_network: the chain's sums differ from the network's plan");
  }
  if (!r.feasible && goal.target_interval) {
    r.message = fmt::format(
        "no folding reaches an interval of {} cycles an image; the smallest reachable is {} "
        "(bottleneck {}), with {}",
        *goal.target_interval, r.smallest_interval, r.folding.bottleneck, folding_text(r.folding));
  } else if (!r.feasible) {
    r.message = fmt::format(
        "no folding fits {}; the cheapest needs {} LUT-equivalent ({} DSP), with {}; the "
        "fewest DSP of any folding is {}",
        budget_text(goal), r.cheapest.lut_equivalent, r.cheapest.dsp, folding_text(r.folding),
        r.fewest_dsp);
  }
  return r;
}

std::string apply_folding(const std::string& text, const NetworkConfig& original,
                          const Folding& folding) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  for (std::size_t i = original.layers.size(); i-- > 0;) {
    const NetworkLayer& l = original.layers[i];
    if (l.line <= 0 || static_cast<std::size_t>(l.line) > lines.size()) {
      throw NetworkFileError("apply_folding: layer[" + std::to_string(i) +
                             "] has no line in the description");
    }
    const std::size_t header = static_cast<std::size_t>(l.line) - 1;
    set_key(&lines, header, "simd", folding.blocks[i].simd, false);
    if (l.has_mvau()) set_key(&lines, header, "pe", folding.blocks[i].pe, false);  // required
  }
  for (std::size_t k = 0; k < lines.size(); ++k) {
    const std::size_t p = lines[k].find_first_not_of(" \t");
    if (p != std::string::npos && lines[k].compare(p, 7, "[input]") == 0) {
      set_key(&lines, k, "simd", folding.input_simd, true);
      break;
    }
  }
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

}  // namespace fxsim::engine
