// RND_STOCH output rounding in the layer engine (docs/engine.md, "Stochastic rounding"): the
// random bits of each lane's fx::Lfsr, drawn in the order the hardware lane rounds.
//
// The rule. A rounding stage of PE lanes (the PE array's output requantizers in fx_acc_out, or
// the bn_act lanes after them) rounds output o of every input vector on lane p = o % PE. Lane p
// is the generator fx::Lfsr::for_lane(seed, L, first_lane + p) with seed = the design point's
// seed and L its lane_layer (0 in the layer engine, the block index in a network's mvau);
// first_lane is 0 for the PE array and PE for bn_act (so the two stages of one PE never share a
// stream). Each lane draws fx::stochastic_bits_per_cast(d) bits per output in the order it produces
// them: vector by vector, neuron fold by fold. The last fold's lanes past N_out compute a result
// the output buffer drops; they round it all the same, so their generators advance there too (draws
// for outputs N_out .. NF * PE - 1 of every vector).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "fx/cast.hpp"
#include "fx/lfsr.hpp"

namespace fxsim::engine {

struct EngineConfig;

// Where a stage's lanes start. lanes = 0: none (a stochastic stage then refuses to run).
struct LaneSeeds {
  int lanes = 0;           // PE
  std::uint64_t seed = 1;  // the design point's seed
  std::uint64_t first_lane = 0;
  int outputs = 0;          // N_out: the outputs of one vector
  std::uint64_t layer = 0;  // L of fx::lane_state(seed, L, lane): the point's lane_layer
};

// The PE array's lanes and bn_act's lanes of a dense design point.
LaneSeeds mac_lane_seeds(const EngineConfig& cfg);
LaneSeeds bn_lane_seeds(const EngineConfig& cfg);

class LaneRounding {
 public:
  // `out` rounds RND_STOCH; values come with src_frac fraction bits. Throws
  // std::invalid_argument when seeds.lanes < 1 or seeds.outputs < 1.
  LaneRounding(const fx::FxType& out, int src_frac, const LaneSeeds& seeds);
  // out[i] = the stochastic cast of in[i] (in place allowed), element i being output
  // o_begin + i (row = 0) or o_begin + i % row (row > 0: n / row vectors of row outputs each),
  // in this order. Every element with o = outputs - 1 also advances the lanes past N_out.
  void cast(const std::int64_t* in, std::size_t n, int o_begin, int row, std::int64_t* out,
            fx::CastStats* stats);
  // Every lane back at its first state (a new run).
  void restart();

 private:
  fx::FxType type_;
  int src_frac_;
  LaneSeeds seeds_;
  int bits_;  // per rounding
  std::vector<fx::Lfsr> lanes_;
};

}  // namespace fxsim::engine
