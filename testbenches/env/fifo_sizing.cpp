#include "testbenches/env/fifo_sizing.hpp"

#include <algorithm>
#include <stdexcept>

#include "models/network/network_model.hpp"
#include "models/units/unit_registry.hpp"
#include "testbenches/env/simulation_scope.hpp"

namespace fxsim::env {
namespace {

constexpr int kMaxDepth = 32768;  // stream_fifo's DEPTH range

network::NetworkRunResult run_with(const engine::NetworkPlan& plan, const std::vector<int>& depths,
                                   const engine::NetworkOperands& ops, int* runs) {
  SimulationScope scope;
  ++*runs;
  return network::run_network_model(with_fifo_depths(plan, depths), ops);
}

}  // namespace

engine::NetworkPlan with_fifo_depths(const engine::NetworkPlan& plan,
                                     const std::vector<int>& depths) {
  engine::NetworkPlan p = plan;
  for (std::size_t b = 0; b < p.blocks.size(); ++b) {
    p.blocks[b].fifo.depth = depths[b];
    p.blocks[b].layer.fifo_depth = depths[b];
  }
  return p;
}

FifoSizing size_fifos(const engine::NetworkPlan& plan, const engine::NetworkOperands& ops,
                      resources::Family family) {
  FifoSizing s;
  const std::size_t n = plan.blocks.size();
  std::vector<int> depths(n);
  for (std::size_t b = 0; b < n; ++b) {
    const std::int64_t beats = plan.blocks[b].in.beats() * ops.image_count + 2;
    depths[b] = static_cast<int>(std::min<std::int64_t>(beats, kMaxDepth));
  }
  const network::NetworkRunResult unbounded = run_with(plan, depths, ops, &s.runs);
  s.unbounded_cycles = unbounded.cycles;
  for (std::size_t b = 0; b < n; ++b) {
    s.unbounded_max.push_back(unbounded.blocks[b].fifo_max);
    depths[b] = unbounded.blocks[b].fifo_max;
  }
  for (std::size_t b = 0; b < n; ++b) {
    int lo = 0, hi = depths[b];  // hi keeps the span (the invariant); find the smallest
    while (lo < hi) {
      const int mid = lo + (hi - lo) / 2;
      std::vector<int> trial = depths;
      trial[b] = mid;
      if (run_with(plan, trial, ops, &s.runs).cycles <= s.unbounded_cycles) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    depths[b] = hi;
  }
  s.depths = depths;
  const network::NetworkRunResult chosen = run_with(plan, depths, ops, &s.runs);
  s.cycles = chosen.cycles;
  for (std::size_t b = 0; b < n; ++b) {
    if (depths[b] == 0) {
      s.one_less_cycles.push_back(0);
      continue;
    }
    std::vector<int> trial = depths;
    --trial[b];
    s.one_less_cycles.push_back(run_with(plan, trial, ops, &s.runs).cycles);
  }
  const engine::NetworkPlan sized = with_fifo_depths(plan, depths);
  for (const engine::BlockPlan& b : sized.blocks) {
    engine::BlockCost c;
    c.name = b.layer.name;
    c.fifo = units::estimate("stream_fifo", engine::fifo_params(b.fifo), family, true);
    s.fifo_cost.total += c.fifo;
    s.fifo_cost.blocks.push_back(c);
  }
  return s;
}

}  // namespace fxsim::env
