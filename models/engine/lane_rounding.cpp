#include "models/engine/lane_rounding.hpp"

#include <stdexcept>

#include "fx/stochastic.hpp"
#include "models/engine/engine_config.hpp"

namespace fxsim::engine {

LaneSeeds mac_lane_seeds(const EngineConfig& cfg) {
  return {cfg.pe, cfg.seed, 0, cfg.out_features, cfg.lane_layer};
}

LaneSeeds bn_lane_seeds(const EngineConfig& cfg) {
  return {cfg.pe, cfg.seed, static_cast<std::uint64_t>(cfg.pe), cfg.out_features, cfg.lane_layer};
}

LaneRounding::LaneRounding(const fx::FxType& out, int src_frac, const LaneSeeds& seeds)
    : type_(out),
      src_frac_(src_frac),
      seeds_(seeds),
      bits_(fx::stochastic_bits_per_cast(static_cast<long long>(src_frac) - out.frac_bits())) {
  if (seeds.lanes < 1 || seeds.outputs < 1) {
    throw std::invalid_argument(
        "rounding mode RND_STOCH in the engine needs its lanes' seeds "
        "(PE lanes, the point's seed): not available in this stage");
  }
  restart();
}

void LaneRounding::restart() {
  lanes_.clear();
  for (int p = 0; p < seeds_.lanes; ++p) {
    lanes_.push_back(fx::Lfsr::for_lane(seeds_.seed, seeds_.layer, seeds_.first_lane + p));
  }
}

void LaneRounding::cast(const std::int64_t* in, std::size_t n, int o_begin, int row,
                        std::int64_t* out, fx::CastStats* stats) {
  const int pe = seeds_.lanes;
  const int padded = (seeds_.outputs + pe - 1) / pe * pe;  // NF * PE
  for (std::size_t i = 0; i < n; ++i) {
    const int o = o_begin + static_cast<int>(row > 0 ? i % static_cast<std::size_t>(row) : i);
    fx::CastFlags f;
    out[i] = fx::StochasticCaster(type_, lanes_[static_cast<std::size_t>(o % pe)])
                 .cast_from_raw(in[i], src_frac_, &f);
    if (stats) stats->add(f);
    if (o == seeds_.outputs - 1) {
      for (int q = seeds_.outputs; q < padded; ++q) lanes_[q % pe].next_bits(bits_);
    }
  }
}

}  // namespace fxsim::engine
