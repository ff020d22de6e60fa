// Integer inference of dense layers whose output formats round stochastically (RND_STOCH), bit
// for bit what a PE x SIMD array with one LFSR per lane computes (docs/golden.md, "Stochastic
// rounding"). Plain C++ (no torch).
//
// The lane rule. Output channel o of a layer is computed by PE lane p = o mod PE in fold
// f = o / PE (o = f * PE + p). Lane p of layer l owns one generator per requantizer that rounds
// stochastically: fx::Lfsr::for_lane(seed, l, p) for the MAC output (the accumulator's requant to
// out_type) and fx::Lfsr::for_lane(seed, l, PE + p) for bn_act's output, the layer engine's rule
// (models/engine/lane_rounding.hpp: the two stages of one PE never share a stream). A lane's stream
// of casts runs vector by vector, and within a vector fold by fold (f = 0 .. NF - 1): the order in
// which lane p of the hardware produces its outputs. Deterministic formats draw nothing.
#pragma once

#include <cstdint>
#include <vector>

#include "golden/dense_layer.hpp"
#include "golden/quant_network.hpp"

namespace fxsim::golden {

// Where the random bits of one layer come from.
struct StochasticLanes {
  int pe = 1;                    // lanes; must divide the layer's out_features
  std::uint64_t seed = 1;        // the run's seed
  std::uint64_t layer = 0;       // the layer's index in its network (0 = first)
  std::uint64_t first_lane = 0;  // lane p draws from for_lane(seed, layer, first_lane + p)
};

// Whether any requant of the layer (MAC output, bn_act output) rounds with RND_STOCH.
bool rounds_stochastically(const DenseLayer& layer);

// Requantizes a batch of raws `in` ([n][channels] row-major, src_frac_bits fraction bits) to
// `to` into `out` in the lane order above: channel o in lane o mod lanes.pe. `to` with RND_STOCH
// draws from one fx::Lfsr::for_lane(seed, layer, first_lane + p) per lane (created here, so each
// call starts the lanes afresh); any other rounding is fx::cast_from_raw's. Throws
// std::invalid_argument unless pe >= 1 divides channels.
void lane_requant(const std::int64_t* in, int n, int channels, int src_frac_bits,
                  const fx::FxType& to, const StochasticLanes& lanes, std::int64_t* out);

// bn_act's exact sums t = x * scale + bias ([n][out_features] raws of layer.out_type in `x`) with
// their fraction bits (units::BnActConfig::sum_frac); the requant and activation come after.
std::vector<std::int64_t> bn_sums(const DenseLayer& layer, const std::vector<std::int64_t>& x,
                                  int* sum_frac_bits);

// The dense layer on n input vectors ([n][in_features] raws of layer.input_type): the exact
// accumulator as models/units computes it (per-beat wrap / saturation), the MAC requant to
// out_type, then bn_act (exact sum, requant, activation), each requant by lane_requant. Returns
// [n][out_features] raws of layer.output_type(). For a layer without RND_STOCH the result is
// reference_dense's, vector by vector.
std::vector<std::int64_t> stochastic_dense(const DenseLayer& layer,
                                           const std::vector<std::int64_t>& inputs, int n,
                                           const StochasticLanes& lanes);

// The network with every requant of its dense layers (MAC outputs when `mac`, bn_act outputs when
// `bn`) rounding with RND_STOCH instead of its own mode; the next layer's input type follows
// (the raws are the same). What a model trained with stochastic activations becomes when the
// hardware also rounds stochastically.
QuantNetwork with_stochastic_requants(QuantNetwork model, bool mac, bool bn);

}  // namespace fxsim::golden
